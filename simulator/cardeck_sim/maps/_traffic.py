"""The traffic the map shows: the simulated car's own speed against the pace of its road.

The simulator has no traffic feed, so the one car it knows stands in for the
traffic: when it drives well below the speed of the road it is on (the way's
``maxspeed``, or its class's default, as routing uses it), the route just ahead
is coloured slow or jammed, as car navigation maps colour a congested route.

- at least ``SLOW_RATIO`` of the road's speed: free (no colour over the route);
- from ``JAM_RATIO`` to ``SLOW_RATIO``: slow (amber);
- below ``JAM_RATIO``, standing included: jammed (red).
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._routing import Route
from ._types import haversine_m_np

__all__ = ["AHEAD_M", "JAM_RATIO", "SLOW_RATIO", "Traffic", "TrafficAhead", "traffic_ahead"]

#: Below this share of the road's speed, the route ahead is slow.
SLOW_RATIO = 0.7
#: Below this share, it is jammed.
JAM_RATIO = 0.4
#: How far ahead of the car the colour reaches, in metres.
AHEAD_M = 300.0


class Traffic(enum.StrEnum):
    """How the route ahead flows."""

    SLOW = "slow"
    JAM = "jam"


@dataclass(frozen=True, slots=True)
class TrafficAhead:
    """A stretch of the route to colour: from ``start`` to ``end``, fractional polyline indices.

    ``12.5`` is half-way along the segment from ``polyline[12]`` to ``polyline[13]``.
    """

    level: Traffic
    start: float
    end: float


class _Distances:
    """Cumulative distances along the latest route (a route's points never change)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._route: Route | None = None
        self._cumulative = np.zeros(1)

    def of(self, route: Route) -> npt.NDArray[np.float64]:
        with self._lock:
            if self._route is not route:
                lat = np.array([p.lat for p in route.polyline])
                lon = np.array([p.lon for p in route.polyline])
                steps = haversine_m_np(lat[:-1], lon[:-1], lat[1:], lon[1:])
                self._route = route
                self._cumulative = np.concatenate([[0.0], np.cumsum(steps)])
            return self._cumulative


_DISTANCES = _Distances()


def _index_at(cumulative: npt.NDArray[np.float64], metres: float) -> float:
    """The fractional polyline index ``metres`` along the route."""
    i = int(np.searchsorted(cumulative, metres, side="right")) - 1
    i = max(0, min(i, len(cumulative) - 2))
    step = cumulative[i + 1] - cumulative[i]
    fraction = 0.0 if step <= 0 else (metres - cumulative[i]) / step
    return i + min(1.0, max(0.0, float(fraction)))


def traffic_ahead(
    route: Route, travelled_m: float, speed_kmh: float, ahead_m: float = AHEAD_M
) -> TrafficAhead | None:
    """Return the stretch of route ahead to colour for the car's speed, or None when it flows.

    Usage::

        update = sim.step(1.0)
        traffic_ahead(route, route.distance_m - update.remaining_distance_m, update.speed_kmh)

    :param route: The route being driven.
    :param travelled_m: How far along it the car is.
    :param speed_kmh: The car's speed.
    :param ahead_m: How far ahead to colour.
    """
    if len(route.polyline) < 2 or not route.segment_speed_kmh:
        return None
    cumulative = _DISTANCES.of(route)
    total = float(cumulative[-1])
    # Route.distance_m and the polyline's length differ by rounding: scale onto the polyline.
    at = min(total, max(0.0, travelled_m * total / route.distance_m if route.distance_m else 0.0))
    if total - at < 1.0:
        return None
    start = _index_at(cumulative, at)
    road_kmh = route.segment_speed_kmh[min(int(start), len(route.segment_speed_kmh) - 1)]
    if road_kmh <= 0:
        return None
    ratio = max(0.0, speed_kmh) / road_kmh
    if ratio >= SLOW_RATIO:
        return None
    level = Traffic.SLOW if ratio >= JAM_RATIO else Traffic.JAM
    return TrafficAhead(level, start, _index_at(cumulative, min(total, at + ahead_m)))
