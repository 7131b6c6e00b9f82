"""Shared value types, errors and spherical geometry for the maps engine.

Exception tree::

    MapsError
     ├── MapDataError          the OSM file cannot be read or holds no roads
     ├── NoRouteError          no drivable path joins origin and destination
     ├── PlaceNotFoundError    (also a KeyError) an unknown place id
     └── MarkerNotFoundError   (also a KeyError) an unknown marker id
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "EARTH_RADIUS_M",
    "LatLon",
    "MapDataError",
    "MapsError",
    "MarkerNotFoundError",
    "NoRouteError",
    "PlaceNotFoundError",
    "bearing_deg",
    "haversine_m",
    "haversine_m_np",
    "interpolate",
    "name_in_locale",
    "turn_angle_deg",
]

#: Mean Earth radius (IUGG), the radius every distance in this package uses.
EARTH_RADIUS_M = 6_371_008.8


_LOCALE_SEPARATORS = re.compile(r"[-_]")


def name_in_locale(name: str, names: Mapping[str, str], locale: str) -> str:
    """Return the name to show in ``locale``: ``name:<language>`` if the data has it, else ``name``.

    ``names`` holds the ``name:<language>`` tags by lower-case language tag.
    The whole tag is tried first ("zh-hant"), then its language ("ko-KR" and
    "ko" → "ko"; the pseudo-locales "en-XA" and "ar-XB" → "en" and "ar").

    :raises ValueError: If ``locale`` is empty.
    """
    tag = locale.strip().split(".")[0].replace("_", "-").lower()
    if not tag:
        raise ValueError(
            f"Field 'locale' must be a language tag such as 'en' or 'ko'; got {locale!r}."
        )
    language = _LOCALE_SEPARATORS.split(tag)[0]
    return names.get(tag) or names.get(language) or name


class MapsError(Exception):
    """Base class of every error the maps engine raises."""


class MapDataError(MapsError):
    """The map file cannot be read, or it holds no drivable roads."""


class NoRouteError(MapsError):
    """No drivable path leads from the origin to the destination."""


class _NotFoundError(MapsError, KeyError):
    """A lookup by id found nothing.

    It subclasses ``KeyError`` so that mapping-style callers can catch it, but
    prints as a sentence (``KeyError`` would print the message in quotes).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class PlaceNotFoundError(_NotFoundError):
    """No place has the requested place id."""


class MarkerNotFoundError(_NotFoundError):
    """No marker has the requested marker id."""


@dataclass(frozen=True, slots=True)
class LatLon:
    """A WGS-84 position in degrees.

    Construction validates the ranges, so every ``LatLon`` in the engine is
    known to be on the globe::

        >>> LatLon(60.1699, 24.9384)
        LatLon(lat=60.1699, lon=24.9384)

    :param lat: Latitude in degrees, -90 to 90.
    :param lon: Longitude in degrees, -180 to 180.
    :raises ValueError: If ``lat`` or ``lon`` is out of range or not finite.
    """

    lat: float
    lon: float

    def __post_init__(self) -> None:
        problems = []
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            problems.append(f"Field 'lat' must be between -90 and 90 degrees; got {self.lat!r}.")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            problems.append(f"Field 'lon' must be between -180 and 180 degrees; got {self.lon!r}.")
        if problems:
            raise ValueError(" ".join(problems))


def haversine_m(a: LatLon, b: LatLon) -> float:
    """Return the great-circle distance between two positions in metres."""
    return _haversine(a.lat, a.lon, b.lat, b.lon)


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two lat/lon pairs in metres."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def haversine_m_np(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Return element-wise great-circle distances in metres (numpy broadcasting)."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


def bearing_deg(a: LatLon, b: LatLon) -> float:
    """Return the initial compass bearing from ``a`` to ``b`` in degrees, 0 to 360."""
    p1 = math.radians(a.lat)
    p2 = math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0


def turn_angle_deg(bearing_in: float, bearing_out: float) -> float:
    """Return the signed turn from one bearing to another, -180 to 180 (right positive)."""
    return (bearing_out - bearing_in + 180.0) % 360.0 - 180.0


def interpolate(a: LatLon, b: LatLon, fraction: float) -> LatLon:
    """Return the point at ``fraction`` (0..1) of the way from ``a`` to ``b``.

    Linear in lat/lon, which is exact enough for road segments of a few
    hundred metres away from the poles and the antimeridian.
    """
    return LatLon(a.lat + (b.lat - a.lat) * fraction, a.lon + (b.lon - a.lon) * fraction)
