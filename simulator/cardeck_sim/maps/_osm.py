"""Read an OpenStreetMap PBF with pyosmium into plain Python records.

One streaming pass with node locations attached to ways: drivable highway ways
become :class:`RawWay` records, named amenities, shops, tourism features and
places (nodes, or ways by their centroid) become :class:`RawPlace` records.
Both keep ``name`` and every ``name:<language>`` tag (``name:ko``, ``name:en``…).
Nothing here knows about graphs; :mod:`._graph` turns the records into arrays.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import osmium

from ._types import MapDataError

__all__ = [
    "DRIVABLE_CLASSES",
    "RawPlace",
    "RawWay",
    "parse_maxspeed",
    "parse_oneway",
    "read_osm",
]

#: Free-flow speed in km/h per drivable ``highway`` class, used when a way has
#: no usable ``maxspeed``. Values follow common routing-engine car profiles.
DRIVABLE_CLASSES: dict[str, float] = {
    "motorway": 110.0,
    "trunk": 90.0,
    "primary": 60.0,
    "secondary": 50.0,
    "tertiary": 40.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "motorway_link": 60.0,
    "trunk_link": 50.0,
    "primary_link": 40.0,
    "secondary_link": 35.0,
    "tertiary_link": 30.0,
}

#: Travel-time multiplier per class: service roads and living streets stay
#: routable (a destination may lie on one) but are used only when needed.
CLASS_PENALTY: dict[str, float] = {"service": 2.0, "living_street": 1.5}

# Zone codes such as "FI:urban": the suffix decides, a few countries differ.
_ZONE_SPEEDS: dict[str, float] = {
    "urban": 50.0,
    "rural": 80.0,
    "trunk": 100.0,
    "motorway": 120.0,
    "living_street": 20.0,
    "walk": 7.0,
    "school": 30.0,
    "bicycle_road": 30.0,
}
_COUNTRY_ZONE_SPEEDS: dict[str, float] = {
    "RU:urban": 60.0,
    "RU:rural": 90.0,
    "RU:motorway": 110.0,
    "FI:rural": 80.0,
    "FI:motorway": 120.0,
    "DE:rural": 100.0,
    "DE:motorway": 130.0,
    "FR:rural": 80.0,
    "FR:motorway": 130.0,
    "GB:nsl_single": 96.56,
    "GB:nsl_dual": 112.65,
    "GB:motorway": 112.65,
}
_NUMBER_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph|knots)?\s*$", re.IGNORECASE)
_ZONE_NUMBER_RE = re.compile(r"zone:?(\d+)", re.IGNORECASE)
_MPH_TO_KMH = 1.609344
_KNOTS_TO_KMH = 1.852

_DENIED_ACCESS = frozenset({"no", "private", "agricultural", "forestry", "delivery"})
_POI_KEYS = ("amenity", "shop", "tourism", "place")
# Named pedestrian streets are searchable destinations even though they are
# not routable; the route then ends on the nearest drivable road.
_STREET_NAME_CLASSES = frozenset(DRIVABLE_CLASSES) | {"pedestrian"}
_ADDRESS_KEYS = ("addr:street", "addr:housenumber", "addr:postcode", "addr:city")
# ``name:<language>`` with an ISO 639 code and optional script or variant
# ("name:ko", "name:zh-Hans", "name:be-tarask"); not "name:left" or "name:etymology".
_LOCALIZED_NAME = re.compile(r"^name:([a-z]{2,3}(?:-[a-z0-9]+)*)$", re.IGNORECASE)


@dataclass(slots=True)
class RawWay:
    """A drivable OSM way with its node ids and coordinates."""

    osm_id: int
    highway: str
    name: str
    node_ids: list[int]
    lats: list[float]
    lons: list[float]
    #: 1 = traffic only along the node order, -1 = only against it, 0 = both.
    oneway: int
    speed_kmh: float
    roundabout: bool
    #: OSM ``turn:lanes`` for traffic along and against the node order ("" untagged),
    #: e.g. "left|through|through;right".
    turn_lanes: tuple[str, str] = ("", "")
    #: The ``name:<language>`` tags, by lower-case language tag ({"ko": "세종대로"}).
    names: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RawPlace:
    """A named OSM feature worth finding by name."""

    osm_type: str  # "node" or "way"
    osm_id: int
    name: str
    category: str
    lat: float
    lon: float
    address: dict[str, str] = field(default_factory=dict)
    #: The ``name:<language>`` tags, by lower-case language tag
    #: ({"ko": "서울시청", "en": "Seoul City Hall"}); ``name`` is the local name.
    names: dict[str, str] = field(default_factory=dict)


def parse_maxspeed(value: str | None, highway: str) -> float:
    """Return the speed in km/h for a ``maxspeed`` tag, or the class default.

    Understands plain numbers ("50"), units ("30 mph", "40 km/h"), lists
    ("50;30" → the lowest), zone codes ("FI:urban", "DE:zone30",
    "RU:living_street"), "walk" and "none". Anything else falls back to the
    per-class default, because a wrong guess costs less than a dropped road.
    """
    default = DRIVABLE_CLASSES.get(highway, 30.0)
    if not value:
        return default
    speeds: list[float] = []
    for part in value.split(";"):
        part = part.strip()
        number = _NUMBER_RE.match(part)
        if number:
            speed = float(number.group(1))
            unit = (number.group(2) or "").lower()
            if unit == "mph":
                speed *= _MPH_TO_KMH
            elif unit == "knots":
                speed *= _KNOTS_TO_KMH
            if speed > 0:
                speeds.append(speed)
            continue
        if part == "none":
            # No limit (German Autobahn): cap at a realistic cruising speed.
            speeds.append(max(default, 130.0))
            continue
        if part in _COUNTRY_ZONE_SPEEDS:
            speeds.append(_COUNTRY_ZONE_SPEEDS[part])
            continue
        zone = _ZONE_NUMBER_RE.search(part)
        if zone:
            speeds.append(float(zone.group(1)))
            continue
        suffix = part.rsplit(":", 1)[-1].lower()
        if suffix in _ZONE_SPEEDS:
            speeds.append(_ZONE_SPEEDS[suffix])
    return min(speeds) if speeds else default


def parse_oneway(tags: osmium.osm.TagList, highway: str) -> int | None:
    """Return the travel direction of a way: 1, -1, 0 (both), or None (not routable).

    ``oneway=yes/1/true`` → 1, ``-1/reverse`` → -1, ``no/false/0`` → 0;
    motorways and roundabouts are one-way unless tagged otherwise;
    ``reversible``/``alternating`` ways change direction by time of day, so
    they are left out rather than routed the wrong way.
    """
    value = (tags.get("oneway") or "").strip().lower()
    if value in ("yes", "1", "true"):
        return 1
    if value in ("-1", "reverse"):
        return -1
    if value in ("no", "false", "0"):
        return 0
    if value in ("reversible", "alternating"):
        return None
    junction = tags.get("junction")
    if highway == "motorway" or junction in ("roundabout", "circular"):
        return 1
    return 0


def _is_drivable(tags: osmium.osm.TagList) -> str | None:
    """Return the highway class if a car may use the way, else None."""
    highway = tags.get("highway")
    if highway not in DRIVABLE_CLASSES:
        return None
    if tags.get("area") == "yes":
        return None
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        value = tags.get(key)
        if value is not None:
            # The most specific access key present decides.
            return None if value in _DENIED_ACCESS else highway
    return highway


def _category(tags: osmium.osm.TagList) -> str | None:
    """Return "key:value" of the first POI key the feature has, if named."""
    for key in _POI_KEYS:
        value = tags.get(key)
        if value:
            return f"{key}:{value}"
    return None


def read_osm(path: Path) -> tuple[list[RawWay], list[RawPlace], list[RawPlace]]:
    """Read drivable ways, named places and named streets from an OSM file.

    :param path: An ``.osm.pbf`` (or any format pyosmium reads) file.
    :returns: ``(ways, places, streets)``; streets are one record per named
        highway way, grouped by name later.
    :raises MapDataError: If the file does not exist or pyosmium cannot read it.
    """
    if not path.is_file():
        raise MapDataError(
            f"The map data file {str(path)!r} does not exist; pass an .osm.pbf path."
        )
    ways: list[RawWay] = []
    places: list[RawPlace] = []
    streets: list[RawPlace] = []
    try:
        processor = osmium.FileProcessor(
            str(path), osmium.osm.NODE | osmium.osm.WAY
        ).with_locations()
        for obj in processor:
            if isinstance(obj, osmium.osm.Node):
                if "name" not in obj.tags or not obj.location.valid():
                    continue
                category = _category(obj.tags)
                if category:
                    places.append(
                        RawPlace(
                            "node",
                            obj.id,
                            obj.tags["name"],
                            category,
                            obj.location.lat,
                            obj.location.lon,
                            _address(obj.tags),
                            localized_names(obj.tags),
                        )
                    )
            elif isinstance(obj, osmium.osm.Way):
                _read_way(obj, ways, places, streets)
    except RuntimeError as exc:  # pyosmium reports format errors as RuntimeError
        raise MapDataError(
            f"The map data file {str(path)!r} could not be read as OpenStreetMap data: {exc}."
        ) from exc
    return ways, places, streets


def _address(tags: osmium.osm.TagList) -> dict[str, str]:
    """Return the ``addr:*`` tags the address line is built from."""
    return {key: tags[key] for key in _ADDRESS_KEYS if key in tags}


def localized_names(tags: osmium.osm.TagList) -> dict[str, str]:
    """Return the ``name:<language>`` tags by lower-case language ({"en": "Helsinki"}).

    Every language the data has is kept; a name equal to ``name`` is too, so
    that a lookup in that language finds it without falling back.
    """
    names = {}
    for tag in tags:
        match = _LOCALIZED_NAME.match(tag.k)
        if match and tag.v.strip():
            names[match.group(1).lower()] = tag.v.strip()
    return names


def _read_way(
    way: osmium.osm.Way,
    ways: list[RawWay],
    places: list[RawPlace],
    streets: list[RawPlace],
) -> None:
    """Sort one OSM way into the drivable, place and street lists."""
    tags = way.tags
    node_ids: list[int] = []
    lats: list[float] = []
    lons: list[float] = []
    for ref in way.nodes:
        if not ref.location.valid():
            # An extract cut at its border drops nodes; keep the valid run.
            continue
        node_ids.append(ref.ref)
        lats.append(ref.location.lat)
        lons.append(ref.location.lon)
    if len(node_ids) < 2:
        return
    name = tags.get("name") or ""
    names = localized_names(tags) if name else {}
    highway = tags.get("highway")
    category = _category(tags)
    if name and category:
        # A closed way repeats its first node; leave it out of the centroid.
        n = len(lats) - 1 if node_ids[0] == node_ids[-1] else len(lats)
        places.append(
            RawPlace(
                "way",
                way.id,
                name,
                category,
                math.fsum(lats[:n]) / n,
                math.fsum(lons[:n]) / n,
                _address(tags),
                names,
            )
        )
    if name and highway in _STREET_NAME_CLASSES:
        mid = len(lats) // 2
        streets.append(RawPlace("way", way.id, name, "street", lats[mid], lons[mid], names=names))
    drivable = _is_drivable(tags)
    if drivable is None:
        return
    oneway = parse_oneway(tags, drivable)
    if oneway is None:
        return
    ways.append(
        RawWay(
            osm_id=way.id,
            highway=drivable,
            # Unnamed main roads are announced by their number ("7 / 15").
            name=name or (tags.get("ref") or "").replace(";", " / "),
            node_ids=node_ids,
            lats=lats,
            lons=lons,
            oneway=oneway,
            speed_kmh=parse_maxspeed(tags.get("maxspeed"), drivable),
            roundabout=tags.get("junction") in ("roundabout", "circular"),
            turn_lanes=parse_turn_lanes(tags, oneway),
            names=names,
        )
    )


def parse_turn_lanes(tags: osmium.osm.TagList, oneway: int) -> tuple[str, str]:
    """Return the ``turn:lanes`` value along and against a way's node order.

    A plain ``turn:lanes`` is for the one direction of a one-way road;
    ``turn:lanes:forward`` and ``:backward`` are for each direction of any road.
    """
    plain = tags.get("turn:lanes") or ""
    forward = tags.get("turn:lanes:forward") or (plain if oneway == 1 else "")
    backward = tags.get("turn:lanes:backward") or (plain if oneway == -1 else "")
    return forward, backward
