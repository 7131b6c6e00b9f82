"""Turn-by-turn maneuvers derived from route geometry, with spoken sentences.

The sentences come from the ``guidance`` catalog: :func:`instruction` renders a
maneuver (type, road, exit, distance) with the :class:`~cardeck.i18n.Translator`
of a locale, one whole sentence per maneuver and form, so a translation orders
its words freely ("100미터 앞에서 {road:으로} 우회전하세요", see
``cardeck.i18n._josa`` for the particle). ``Maneuver.instruction`` holds the
English sentence made when the route was found; guidance renders again in the
head unit's locale at each update.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from cardeck.i18n import DEFAULT_LOCALE, N_, Translator, translator

from ._graph import MapData
from ._types import LatLon, bearing_deg, haversine_m, name_in_locale, turn_angle_deg

__all__ = [
    "ARRIVED",
    "RECALCULATING",
    "Maneuver",
    "ManeuverType",
    "derive_maneuvers",
    "instruction",
    "localize_maneuvers",
    "road_name",
    "spoken_distance",
]

#: The street name of a way OSM names not; translated where it is said.
UNNAMED_ROAD = N_("unnamed road")
# Bearings are measured over this distance either side of a vertex, so that
# a short kink in the OSM geometry does not read as a turn.
_BEARING_SPAN_M = 20.0
# Angle thresholds in degrees (absolute turn angle, right positive).
_STRAIGHT_MAX = 20.0
_SLIGHT_MAX = 45.0
_TURN_MAX = 135.0
_SHARP_MAX = 170.0
# A street that keeps its name through a junction only gets an instruction
# when it bends at least this much; smaller bends are just the road's course.
_SAME_STREET_TURN_MIN = 45.0


class ManeuverType(enum.StrEnum):
    """What the driver does at a maneuver point."""

    #: Start of the route.
    DEPART = "depart"
    #: The road changes its name without a junction decision.
    CONTINUE = "continue"
    #: Go straight through a junction onto a differently named road.
    STRAIGHT = "straight"
    #: Turn of 20–45°.
    SLIGHT_LEFT = "slight_left"
    SLIGHT_RIGHT = "slight_right"
    #: Turn of 45–135°.
    LEFT = "left"
    RIGHT = "right"
    #: Turn of 135–170°.
    SHARP_LEFT = "sharp_left"
    SHARP_RIGHT = "sharp_right"
    #: Turn of 170° or more: drive back the way you came.
    U_TURN = "u_turn"
    #: Enter a roundabout (``junction=roundabout``); ``exit_number`` says which exit.
    ROUNDABOUT_ENTER = "roundabout_enter"
    #: Leave the roundabout at the exit announced on entry.
    ROUNDABOUT_EXIT = "roundabout_exit"
    #: End of the route.
    ARRIVE = "arrive"


@dataclass(frozen=True, slots=True)
class Maneuver:
    """One instruction along a route.

    ``street_name`` is the road the driver is on after the maneuver ("unnamed
    road" when OSM has no name). ``instruction`` is the sentence to speak when
    the previous maneuver is done, e.g. "In 200 metres, turn left onto
    Mannerheimintie."; :func:`instruction` phrases it for any other distance.
    """

    type: ManeuverType
    position: LatLon
    street_name: str
    distance_from_start_m: float
    distance_to_next_m: float
    bearing_before_deg: float
    bearing_after_deg: float
    exit_number: int | None
    instruction: str
    #: The OSM ``turn:lanes`` of the road driven up to the maneuver, left to right,
    #: e.g. "left|left|through" ("" where the map tags none).
    lanes: str = ""
    #: The road's ``name:<language>`` tags as (language, name) pairs, e.g.
    #: (("ko", "세종대로"),); :func:`road_name` says the one of a locale.
    street_names: tuple[tuple[str, str], ...] = ()


# i18n: the eight compass directions a route starts in ("Head {direction} on …").
_COMPASS = (
    N_("north"),
    N_("northeast"),
    N_("east"),
    N_("southeast"),
    N_("south"),
    N_("southwest"),
    N_("west"),
    N_("northwest"),
)
# Roundabout exits have ordinals up to the eighth; past it the sentence says "exit {number}".
_LAST_ORDINAL = 8


def _ordinal(tr: Translator, n: int) -> str:
    """The ordinal of a roundabout exit, 1–8 (German inflects it for "die Ausfahrt")."""
    match n:
        case 1:
            return tr.pgettext("roundabout exit", "first")
        case 2:
            return tr.pgettext("roundabout exit", "second")
        case 3:
            return tr.pgettext("roundabout exit", "third")
        case 4:
            return tr.pgettext("roundabout exit", "fourth")
        case 5:
            return tr.pgettext("roundabout exit", "fifth")
        case 6:
            return tr.pgettext("roundabout exit", "sixth")
        case 7:
            return tr.pgettext("roundabout exit", "seventh")
        case _:
            return tr.pgettext("roundabout exit", "eighth")


# Each maneuver's sentence, said at the maneuver and said ahead of it. Whole
# sentences, so that each language orders road, distance and verb its own way.
_SENTENCES: dict[ManeuverType, tuple[str, str]] = {
    ManeuverType.CONTINUE: (
        N_("Continue onto {road}."),
        N_("In {distance}, continue onto {road}."),
    ),
    ManeuverType.STRAIGHT: (
        N_("Go straight onto {road}."),
        N_("In {distance}, go straight onto {road}."),
    ),
    ManeuverType.SLIGHT_LEFT: (
        N_("Turn slight left onto {road}."),
        N_("In {distance}, turn slight left onto {road}."),
    ),
    ManeuverType.SLIGHT_RIGHT: (
        N_("Turn slight right onto {road}."),
        N_("In {distance}, turn slight right onto {road}."),
    ),
    ManeuverType.LEFT: (
        N_("Turn left onto {road}."),
        N_("In {distance}, turn left onto {road}."),
    ),
    ManeuverType.RIGHT: (
        N_("Turn right onto {road}."),
        N_("In {distance}, turn right onto {road}."),
    ),
    ManeuverType.SHARP_LEFT: (
        N_("Turn sharp left onto {road}."),
        N_("In {distance}, turn sharp left onto {road}."),
    ),
    ManeuverType.SHARP_RIGHT: (
        N_("Turn sharp right onto {road}."),
        N_("In {distance}, turn sharp right onto {road}."),
    ),
    ManeuverType.U_TURN: (
        N_("Make a U-turn onto {road}."),
        N_("In {distance}, make a U-turn onto {road}."),
    ),
    ManeuverType.ROUNDABOUT_EXIT: (
        N_("Exit the roundabout onto {road}."),
        N_("In {distance}, exit the roundabout onto {road}."),
    ),
    ManeuverType.ARRIVE: (
        N_("You have arrived at your destination."),
        N_("In {distance}, you will arrive at your destination."),
    ),
}
#: Said once the car has arrived (GuidanceUpdate.announcement).
ARRIVED = N_("You have arrived at your destination.")
#: Said when the car left the route and a new one replaced it.
RECALCULATING = N_("Recalculating the route.")


def spoken_distance(metres: float, tr: Translator | None = None) -> str:
    """Return a distance the way a navigator says it ("200 meters", "1.5 kilometers").

    Rounded as a driver can use it: to 50 m from 100 m, to 10 m below (10 m at
    least), to 100 m from 950 m; the unit is spelled out ("200미터" in Korean).
    """
    tr = tr or translator(DEFAULT_LOCALE)
    if metres >= 950:
        rounded = round(metres / 100) * 100.0
    elif metres >= 100:
        rounded = round(metres / 50) * 50.0
    else:
        rounded = max(10.0, round(metres / 10) * 10.0)
    return tr.distance(rounded, spoken=True)


def road_name(maneuver: Maneuver, tr: Translator) -> str:
    """The road a maneuver leads onto, as said: the map's name in the locale
    (``name:ko`` on a Korean head unit) when the data has it, else its name, or
    "unnamed road" translated."""
    name = maneuver.street_name
    if name == UNNAMED_ROAD or not name:
        return tr.gettext(UNNAMED_ROAD)
    return name_in_locale(name, dict(maneuver.street_names), tr.tag)


def instruction(
    maneuver: Maneuver, distance_m: float | None = None, tr: Translator | None = None
) -> str:
    """Return the spoken sentence for a maneuver ``distance_m`` ahead, in ``tr``'s locale.

    With ``distance_m`` None (or under 5 m) the sentence has no distance; a
    departure says how far to drive before the next maneuver. ``tr`` defaults
    to English.
    """
    tr = tr or translator(DEFAULT_LOCALE)
    road = road_name(maneuver, tr)
    kind = maneuver.type
    if kind is ManeuverType.DEPART:
        direction = tr.gettext(_COMPASS[int(((maneuver.bearing_after_deg + 22.5) % 360) // 45)])
        return tr.gettext(
            "Head {direction} on {road} for {distance}.",
            direction=direction,
            road=road,
            distance=spoken_distance(maneuver.distance_to_next_m, tr),
        )
    ahead = distance_m is not None and distance_m >= 5
    distance = spoken_distance(distance_m, tr) if ahead and distance_m is not None else ""
    if kind is ManeuverType.ROUNDABOUT_ENTER:
        exit_number = maneuver.exit_number or 1
        if exit_number > _LAST_ORDINAL:
            if ahead:
                return tr.gettext(
                    "In {distance}, at the roundabout, take exit {number}.",
                    distance=distance,
                    number=exit_number,
                )
            return tr.gettext("At the roundabout, take exit {number}.", number=exit_number)
        ordinal = _ordinal(tr, exit_number)
        if ahead:
            return tr.gettext(
                "In {distance}, at the roundabout, take the {ordinal} exit.",
                distance=distance,
                ordinal=ordinal,
            )
        return tr.gettext("At the roundabout, take the {ordinal} exit.", ordinal=ordinal)
    now, later = _SENTENCES[kind]
    if ahead:
        return tr.gettext(later, distance=distance, road=road)
    return tr.gettext(now, road=road)


def localize_maneuvers(maneuvers: Sequence[Maneuver], tr: Translator) -> tuple[Maneuver, ...]:
    """The maneuvers with ``instruction`` said in ``tr``'s locale, as :func:`derive_maneuvers`
    says them (each at its distance from the one before)."""
    out = []
    for k, m in enumerate(maneuvers):
        since = m.distance_from_start_m - maneuvers[k - 1].distance_from_start_m if k else None
        out.append(replace(m, instruction=instruction(m, since, tr)))
    return tuple(out)


def _classify(angle: float) -> ManeuverType:
    """Return the turn type of a signed turn angle (right positive)."""
    magnitude = abs(angle)
    right = angle > 0
    if magnitude < _STRAIGHT_MAX:
        return ManeuverType.STRAIGHT
    if magnitude < _SLIGHT_MAX:
        return ManeuverType.SLIGHT_RIGHT if right else ManeuverType.SLIGHT_LEFT
    if magnitude < _TURN_MAX:
        return ManeuverType.RIGHT if right else ManeuverType.LEFT
    if magnitude < _SHARP_MAX:
        return ManeuverType.SHARP_RIGHT if right else ManeuverType.SHARP_LEFT
    return ManeuverType.U_TURN


def _bearings(points: list[LatLon], cumulative: list[float], i: int) -> tuple[float, float]:
    """Return the bearing into and out of vertex ``i``, each over ~20 m of road."""
    j = max(i - 1, 0)
    while j > 0 and cumulative[i] - cumulative[j] < _BEARING_SPAN_M:
        j -= 1
    k = min(i + 1, len(points) - 1)
    while k < len(points) - 1 and cumulative[k] - cumulative[i] < _BEARING_SPAN_M:
        k += 1
    before = bearing_deg(points[j], points[i]) if haversine_m(points[j], points[i]) > 0 else 0.0
    after = bearing_deg(points[i], points[k]) if haversine_m(points[i], points[k]) > 0 else before
    return before, after


def _has_exit(data: MapData, node: int, skip_edge: int) -> bool:
    """Return True if a car can leave the roundabout at ``node`` onto another road."""
    for e in data.edges_out(node):
        if e != skip_edge and not data.way_roundabout[data.edge_way[e]]:
            return True
    return False


_Raw = tuple[ManeuverType, int, str, float, float, int | None]
# Turns, straights and name changes: the maneuvers that may be merged.
_MERGEABLE = frozenset(ManeuverType) - {
    ManeuverType.DEPART,
    ManeuverType.ARRIVE,
    ManeuverType.ROUNDABOUT_ENTER,
    ManeuverType.ROUNDABOUT_EXIT,
}
# Maneuvers closer than this are one decision for the driver: crossing a dual
# carriageway, or a short connector between two streets.
_COLLAPSE_M = 20.0


def _collapse(raw: list[_Raw], cumulative: list[float], street: Callable[[int], str]) -> list[_Raw]:
    """Merge maneuvers a few metres apart into one, with the combined turn."""
    out: list[_Raw] = [raw[0]]
    for item in raw[1:]:
        prev = out[-1]
        if (
            prev[0] not in _MERGEABLE
            or item[0] not in _MERGEABLE
            or cumulative[item[1]] - cumulative[prev[1]] >= _COLLAPSE_M
        ):
            out.append(item)
            continue
        angle = turn_angle_deg(prev[3], item[4])
        if street(prev[1] - 1) == item[2] and abs(angle) < _SAME_STREET_TURN_MIN:
            out.pop()  # a jog that ends on the same street: nothing to say
            continue
        kind = _classify(angle)
        out[-1] = (kind, prev[1], item[2], prev[3], item[4], None)
    return out


def derive_maneuvers(
    data: MapData, points: list[LatLon], seg_edges: list[int], lengths: list[float]
) -> list[Maneuver]:
    """Derive maneuvers from a route's polyline and the edges it follows.

    :param points: The route polyline.
    :param seg_edges: The edge of each polyline segment.
    :param lengths: The length of each polyline segment in metres.
    """
    cumulative = [0.0]
    for length in lengths:
        cumulative.append(cumulative[-1] + length)

    def street(seg: int) -> str:
        return data.way_name[data.edge_way[seg_edges[seg]]] or UNNAMED_ROAD

    # Each street name's name:<language> tags, from the ways the route drives.
    street_names: dict[str, tuple[tuple[str, str], ...]] = {}
    for edge in seg_edges:
        way = int(data.edge_way[edge])
        if data.way_names[way]:
            street_names.setdefault(data.way_name[way], data.way_names[way])

    # (type, vertex index, street, before, after, exit number)
    raw: list[tuple[ManeuverType, int, str, float, float, int | None]] = []
    _, first_bearing = _bearings(points, cumulative, 0)
    raw.append((ManeuverType.DEPART, 0, street(0), first_bearing, first_bearing, None))
    i = 1
    n_vertices = len(points)
    while i < n_vertices - 1:
        way_in = data.edge_way[seg_edges[i - 1]]
        way_out = data.edge_way[seg_edges[i]]
        node = int(data.edge_target[seg_edges[i - 1]])
        if way_in == way_out and int(data.node_degree[node]) <= 2:
            # A shape point along one way: nothing to announce.
            i += 1
            continue
        before, after = _bearings(points, cumulative, i)
        angle = turn_angle_deg(before, after)
        if data.way_roundabout[way_out] and not data.way_roundabout[way_in]:
            # Count the exits passed up to the one the route takes.
            exits = 0
            j = i + 1
            while j < n_vertices - 1 and data.way_roundabout[data.edge_way[seg_edges[j]]]:
                if _has_exit(data, int(data.edge_target[seg_edges[j - 1]]), seg_edges[j]):
                    exits += 1
                j += 1
            if j < n_vertices - 1:
                exits += 1  # the exit taken
                raw.append((ManeuverType.ROUNDABOUT_ENTER, i, street(i), before, after, exits))
                exit_before, exit_after = _bearings(points, cumulative, j)
                raw.append(
                    (ManeuverType.ROUNDABOUT_EXIT, j, street(j), exit_before, exit_after, exits)
                )
            else:
                raw.append((ManeuverType.ROUNDABOUT_ENTER, i, street(i), before, after, None))
            i = j + 1
            continue
        name_in = data.way_name[way_in]
        name_out = data.way_name[way_out]
        junction = int(data.node_degree[node]) > 2
        kind = _classify(angle)
        if kind is ManeuverType.U_TURN:
            raw.append((kind, i, street(i), before, after, None))
        elif name_in != name_out:
            if kind is ManeuverType.STRAIGHT and not junction:
                kind = ManeuverType.CONTINUE
            raw.append((kind, i, street(i), before, after, None))
        elif junction and abs(angle) >= _SAME_STREET_TURN_MIN:
            raw.append((kind, i, street(i), before, after, None))
        i += 1
    last = n_vertices - 1
    end_before, _ = _bearings(points, cumulative, last)
    raw.append(
        (ManeuverType.ARRIVE, last, street(len(seg_edges) - 1), end_before, end_before, None)
    )
    raw = _collapse(raw, cumulative, street)

    maneuvers: list[Maneuver] = []
    for k, (kind, vertex, name, before, after, exit_number) in enumerate(raw):
        from_start = cumulative[vertex]
        to_next = cumulative[raw[k + 1][1]] - from_start if k + 1 < len(raw) else 0.0
        draft = Maneuver(
            type=kind,
            position=points[vertex],
            street_name=name,
            distance_from_start_m=from_start,
            distance_to_next_m=to_next,
            bearing_before_deg=before,
            bearing_after_deg=after,
            exit_number=exit_number,
            instruction="",
            lanes=data.turn_lanes(seg_edges[vertex - 1]) if vertex > 0 else "",
            street_names=street_names.get(name, ()),
        )
        since_previous = from_start - maneuvers[-1].distance_from_start_m if maneuvers else None
        maneuvers.append(replace(draft, instruction=instruction(draft, since_previous)))
    return maneuvers
