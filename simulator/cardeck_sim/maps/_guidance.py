"""Guidance: drive a route in simulation, or follow the car's own GNSS fixes."""

from __future__ import annotations

import asyncio
import bisect
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from cardeck.i18n import DEFAULT_LOCALE, translator

from ._graph import MapData
from ._maneuvers import (
    ARRIVED,
    RECALCULATING,
    Maneuver,
    ManeuverType,
    instruction,
    localize_maneuvers,
)
from ._routing import Route, find_route
from ._types import EARTH_RADIUS_M, LatLon, NoRouteError, bearing_deg, interpolate

__all__ = ["GuidanceSimulator", "GuidanceUpdate", "SpeedProfile"]

#: A fix farther than this from the route counts as off the route.
OFF_ROUTE_M = 50.0
#: This many consecutive off-route fixes trigger a reroute.
OFF_ROUTE_FIXES = 3
# A reported fix this close to the destination (and on the route) is arrival.
_ARRIVAL_RADIUS_M = 20.0
# Integration step: short enough that braking for a turn is smooth at 1 s ticks.
_MAX_SUBSTEP_S = 0.25
# When matching a fix, prefer route parts not far behind the current progress,
# so that a route passing the same street twice does not jump backwards.
_MATCH_BACKTRACK_M = 30.0


@dataclass(frozen=True, slots=True)
class SpeedProfile:
    """How the simulated car drives.

    :param speed_factor: Fraction of each road's speed limit actually driven.
    :param accel_mps2: Acceleration from standstill or after a turn.
    :param decel_mps2: Comfortable braking, used to slow down before turns.
    :param turn_speed_kmh: Speed through a left or right turn.
    :param slight_turn_speed_kmh: Speed through a slight turn.
    :param sharp_turn_speed_kmh: Speed through a sharp turn, U-turn or roundabout.
    :param creep_speed_kmh: Lowest speed while moving, so that the car always
        reaches the destination instead of approaching it asymptotically.
    :raises ValueError: If a value is not positive or the factor exceeds 1.5.
    """

    speed_factor: float = 0.9
    accel_mps2: float = 1.5
    decel_mps2: float = 2.0
    turn_speed_kmh: float = 20.0
    slight_turn_speed_kmh: float = 35.0
    sharp_turn_speed_kmh: float = 12.0
    creep_speed_kmh: float = 5.0

    def __post_init__(self) -> None:
        problems = [
            f"Field {name!r} must be greater than 0; got {getattr(self, name)!r}."
            for name in (
                "speed_factor",
                "accel_mps2",
                "decel_mps2",
                "turn_speed_kmh",
                "slight_turn_speed_kmh",
                "sharp_turn_speed_kmh",
                "creep_speed_kmh",
            )
            if not (getattr(self, name) > 0 and math.isfinite(getattr(self, name)))
        ]
        if self.speed_factor > 1.5:
            problems.append(f"Field 'speed_factor' must be at most 1.5; got {self.speed_factor!r}.")
        if problems:
            raise ValueError(" ".join(problems))

    def maneuver_speed_kmh(self, kind: ManeuverType) -> float | None:
        """Return the speed to pass a maneuver at, or None if it needs no slowing."""
        match kind:
            case ManeuverType.LEFT | ManeuverType.RIGHT:
                return self.turn_speed_kmh
            case ManeuverType.SLIGHT_LEFT | ManeuverType.SLIGHT_RIGHT:
                return self.slight_turn_speed_kmh
            case (
                ManeuverType.SHARP_LEFT
                | ManeuverType.SHARP_RIGHT
                | ManeuverType.U_TURN
                | ManeuverType.ROUNDABOUT_ENTER
                | ManeuverType.ROUNDABOUT_EXIT
            ):
                return self.sharp_turn_speed_kmh
            case ManeuverType.ARRIVE:
                return 0.0
            case _:
                return None


@dataclass(frozen=True, slots=True)
class GuidanceUpdate:
    """The guidance state after a simulation step or a reported position.

    ``reroute`` is set (once) when the car left the route for
    ``OFF_ROUTE_FIXES`` fixes and a new route from its position replaced the
    old one: the caller emits a reroute event with it. ``simulated`` is False
    once the car reports its own positions. ``instruction`` is the sentence
    for the next maneuver at the current distance, in the locale the
    simulator reads at each update; ``announcement`` is a sentence said once:
    "Recalculating the route." with a reroute, "You have arrived at your
    destination." on arrival.
    """

    position: LatLon
    heading_deg: float
    speed_kmh: float
    next_maneuver: Maneuver | None
    distance_to_next_m: float
    remaining_distance_m: float
    remaining_time_s: float
    eta: datetime
    arrived: bool
    off_route: bool
    instruction: str = ""
    simulated: bool = True
    reroute: Route | None = None
    announcement: str = ""


class _Track:
    """Precomputed distances, speeds and constraints along one route."""

    def __init__(self, route: Route, profile: SpeedProfile) -> None:
        self.route = route
        points = route.polyline
        lengths = [math.hypot(*_local_xy(points[i], points[i + 1])) for i in range(len(points) - 1)]
        # Scale the planar lengths so that the total equals the route distance.
        planar_total = math.fsum(lengths)
        scale = route.distance_m / planar_total if planar_total > 0 else 0.0
        self.cumulative = [0.0]
        for length in lengths:
            self.cumulative.append(self.cumulative[-1] + length * scale)
        self.total_m = self.cumulative[-1]
        self.speed_mps = [v / 3.6 * profile.speed_factor for v in route.segment_speed_kmh]
        # Routing times assume the speed limit; the simulated car drives slower.
        self.speed_factor = profile.speed_factor
        self.cumulative_time = [0.0]
        for duration in route.segment_duration_s:
            self.cumulative_time.append(self.cumulative_time[-1] + duration)
        self.constraints: list[tuple[float, float]] = []
        for m in route.maneuvers:
            limit = profile.maneuver_speed_kmh(m.type)
            if limit is not None:
                position = min(m.distance_from_start_m, self.total_m)
                self.constraints.append((position, limit / 3.6))
        self.maneuver_positions = [m.distance_from_start_m for m in route.maneuvers]
        self.lat = np.asarray([p.lat for p in points])
        self.lon = np.asarray([p.lon for p in points])

    def segment_at(self, s: float) -> int:
        """Return the polyline segment index containing distance ``s``."""
        i = bisect.bisect_right(self.cumulative, s) - 1
        return min(max(i, 0), len(self.cumulative) - 2)

    def point_at(self, s: float) -> tuple[LatLon, float]:
        """Return the position and heading at distance ``s`` along the route."""
        i = self.segment_at(s)
        a, b = self.route.polyline[i], self.route.polyline[i + 1]
        span = self.cumulative[i + 1] - self.cumulative[i]
        fraction = (s - self.cumulative[i]) / span if span > 0 else 0.0
        heading = bearing_deg(a, b) if a != b else 0.0
        return interpolate(a, b, min(max(fraction, 0.0), 1.0)), heading

    def remaining_time_s(self, s: float) -> float:
        """Return the expected travel time from distance ``s`` to the end."""
        i = self.segment_at(s)
        span = self.cumulative[i + 1] - self.cumulative[i]
        fraction = (s - self.cumulative[i]) / span if span > 0 else 1.0
        done = self.cumulative_time[i] + fraction * self.route.segment_duration_s[i]
        return max(0.0, self.cumulative_time[-1] - done) / self.speed_factor

    def allowed_mps(self, s: float, profile: SpeedProfile) -> float:
        """Return the speed the car may drive at ``s``, braking ahead of constraints."""
        allowed = self.speed_mps[self.segment_at(s)]
        for position, limit in self.constraints:
            ahead = position - s
            if ahead < -1.0:
                continue
            allowed = min(allowed, math.sqrt(limit**2 + 2 * profile.decel_mps2 * max(ahead, 0.0)))
        return max(allowed, profile.creep_speed_kmh / 3.6)

    def next_maneuver(self, s: float) -> Maneuver | None:
        """Return the first maneuver strictly ahead of ``s`` (arrive at the end)."""
        i = bisect.bisect_right(self.maneuver_positions, s + 1e-6)
        maneuvers = self.route.maneuvers
        return maneuvers[i] if i < len(maneuvers) else maneuvers[-1]

    def around(self, maneuver: Maneuver) -> tuple[Maneuver, ...]:
        """The maneuver with the one before it (if any), to phrase it as the route does."""
        maneuvers = self.route.maneuvers
        i = maneuvers.index(maneuver)
        return tuple(maneuvers[max(0, i - 1) : i + 1])

    def match(self, fix: LatLon, s_now: float) -> tuple[float, float]:
        """Return (distance along the route, metres off it) of a position fix."""
        x, y = _local_xy_np(fix, self.lat, self.lon)
        ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
        dx, dy = bx - ax, by - ay
        denom = np.maximum(dx * dx + dy * dy, 1e-12)
        t = np.clip(-(ax * dx + ay * dy) / denom, 0.0, 1.0)
        off = np.hypot(ax + t * dx, ay + t * dy)
        cumulative = np.asarray(self.cumulative)
        along = cumulative[:-1] + t * (cumulative[1:] - cumulative[:-1])
        ahead = cumulative[1:] >= s_now - _MATCH_BACKTRACK_M
        candidates = np.where(ahead, off, np.inf)
        i = int(np.argmin(candidates)) if np.isfinite(candidates).any() else int(np.argmin(off))
        return float(along[i]), float(off[i])


def _local_xy(a: LatLon, b: LatLon) -> tuple[float, float]:
    """Return the planar offset from ``a`` to ``b`` in metres (east, north)."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2)) * EARTH_RADIUS_M
    y = math.radians(b.lat - a.lat) * EARTH_RADIUS_M
    return x, y


def _local_xy_np(origin: LatLon, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return planar offsets in metres of many points from ``origin``."""
    x = np.radians(lon - origin.lon) * math.cos(math.radians(origin.lat)) * EARTH_RADIUS_M
    y = np.radians(lat - origin.lat) * EARTH_RADIUS_M
    return x, y


class GuidanceSimulator:
    """Drive a route in simulation at realistic speeds, or follow reported fixes.

    :meth:`step` is pure simulation time, deterministic and testable;
    :meth:`run` paces it with ``asyncio.sleep`` scaled by ``time_scale``
    (10.0 drives ten times faster than real time). As soon as the car reports
    its own position with :meth:`report_position`, the simulation stops moving
    the car and follows the fixes instead; ``OFF_ROUTE_FIXES`` fixes more than
    ``OFF_ROUTE_M`` off the route replace the route with one from the car's
    position, returned once in :attr:`GuidanceUpdate.reroute`.

    Usage::

        sim = GuidanceSimulator(route, time_scale=20.0, map_data=data)
        async for update in sim.run(interval_s=1.0):
            print(update.instruction, update.remaining_distance_m)

    :param route: The route to follow.
    :param speed_profile: How the simulated car drives; defaults to
        :class:`SpeedProfile()`.
    :param time_scale: Simulation seconds per wall-clock second in :meth:`run`.
    :param map_data: The map used for rerouting; without it an off-route car
        is only flagged ``off_route``.
    :param start_time: The simulated clock at the start (default: now, UTC).
    :param locale: Returns the head unit's locale tag; read at every update,
        so a switch applies to the current instruction at once (default: "en").
    :raises ValueError: If ``time_scale`` is not positive.
    """

    def __init__(
        self,
        route: Route,
        speed_profile: SpeedProfile | None = None,
        time_scale: float = 1.0,
        *,
        map_data: MapData | None = None,
        start_time: datetime | None = None,
        locale: Callable[[], str] | None = None,
    ) -> None:
        if not (time_scale > 0 and math.isfinite(time_scale)):
            raise ValueError(f"Field 'time_scale' must be greater than 0; got {time_scale!r}.")
        self.profile = speed_profile if speed_profile is not None else SpeedProfile()
        self.time_scale = time_scale
        self._map_data = map_data
        self._track = _Track(route, self.profile)
        self._s = 0.0
        self._v = 0.0
        self._clock = start_time if start_time is not None else datetime.now(UTC)
        self._arrived = False
        self._simulated = True
        self._off_route_count = 0
        self._fix: LatLon | None = None
        self._fix_heading = 0.0
        self._locale = locale or (lambda: DEFAULT_LOCALE)
        self._announced_arrival = False

    @property
    def route(self) -> Route:
        """Return the route being followed (a reroute replaces it)."""
        return self._track.route

    @property
    def clock(self) -> datetime:
        """Return the simulated time."""
        return self._clock

    def step(self, dt_s: float) -> GuidanceUpdate:
        """Advance the simulation by ``dt_s`` simulated seconds and return the state.

        After :meth:`report_position`, the car is no longer moved; the clock
        still advances, so ETA stays current.

        :raises ValueError: If ``dt_s`` is negative.
        """
        if not (dt_s >= 0 and math.isfinite(dt_s)):
            raise ValueError(f"Field 'dt_s' must be 0 or more seconds; got {dt_s!r}.")
        self._clock += timedelta(seconds=dt_s)
        if self._simulated and not self._arrived:
            self._advance(dt_s)
        return self._update()

    def _advance(self, dt_s: float) -> None:
        """Integrate speed and distance over ``dt_s`` in short sub-steps."""
        track, profile = self._track, self.profile
        remaining = dt_s
        while remaining > 1e-9 and not self._arrived:
            h = min(_MAX_SUBSTEP_S, remaining)
            remaining -= h
            # Look at the end of the sub-step, so that the car is already at
            # the turn speed when it reaches the turn, not a sub-step later.
            target = track.allowed_mps(self._s + self._v * h, profile)
            if self._v < target:
                self._v = min(self._v + profile.accel_mps2 * h, target)
            else:
                # The braking curve already starts early enough; cap at the target.
                self._v = target
            self._s += self._v * h
            if self._s >= track.total_m:
                self._s = track.total_m
                self._v = 0.0
                self._arrived = True

    async def run(self, interval_s: float = 1.0) -> AsyncIterator[GuidanceUpdate]:
        """Yield an update every ``interval_s`` simulated seconds until arrival.

        The first update is the state at the start; each following one is
        ``step(interval_s)``, paced by ``asyncio.sleep(interval_s / time_scale)``.

        :raises ValueError: If ``interval_s`` is not positive.
        """
        if not (interval_s > 0 and math.isfinite(interval_s)):
            raise ValueError(f"Field 'interval_s' must be greater than 0; got {interval_s!r}.")
        update = self.step(0.0)
        yield update
        while not update.arrived:
            await asyncio.sleep(interval_s / self.time_scale)
            update = self.step(interval_s)
            yield update

    def report_position(
        self, fix: LatLon, speed_kmh: float, heading_deg: float | None = None
    ) -> GuidanceUpdate:
        """Follow a GNSS fix from the car instead of the simulation.

        :param fix: The car's position.
        :param speed_kmh: The car's speed, 0 or more.
        :param heading_deg: The car's heading 0–360, or None to use the route's.
        :returns: The new state; ``reroute`` holds a new route when this fix
            was the last of ``OFF_ROUTE_FIXES`` consecutive off-route fixes.
        :raises ValueError: If ``speed_kmh`` or ``heading_deg`` is out of range.
        """
        problems = []
        if not (speed_kmh >= 0 and math.isfinite(speed_kmh)):
            problems.append(f"Field 'speed_kmh' must be 0 or more; got {speed_kmh!r}.")
        if heading_deg is not None and not (0 <= heading_deg <= 360):
            problems.append(f"Field 'heading_deg' must be between 0 and 360; got {heading_deg!r}.")
        if problems:
            raise ValueError(" ".join(problems))
        self._simulated = False
        self._fix = fix
        self._v = speed_kmh / 3.6
        along, off = self._track.match(fix, self._s)
        off_route = off > OFF_ROUTE_M
        self._off_route_count = self._off_route_count + 1 if off_route else 0
        if not off_route:
            # Never move backwards: remaining distance only shrinks while on route.
            self._s = max(self._s, along)
        _, route_heading = self._track.point_at(self._s)
        self._fix_heading = heading_deg if heading_deg is not None else route_heading
        reroute: Route | None = None
        if self._off_route_count >= OFF_ROUTE_FIXES and self._map_data is not None:
            try:
                reroute = find_route(self._map_data, fix, self._track.route.destination)
            except NoRouteError:
                reroute = None
            else:
                self._track = _Track(reroute, self.profile)
                self._s = 0.0
                self._off_route_count = 0
        if not off_route and reroute is None and self._track.total_m - self._s <= _ARRIVAL_RADIUS_M:
            self._arrived = True
        return self._update(off_route=off_route, reroute=reroute)

    def _update(self, off_route: bool = False, reroute: Route | None = None) -> GuidanceUpdate:
        """Return the current state as an update."""
        track = self._track
        position, heading = track.point_at(self._s)
        if not self._simulated and self._fix is not None:
            position, heading = self._fix, self._fix_heading
        remaining = 0.0 if self._arrived else max(0.0, track.total_m - self._s)
        remaining_time = 0.0 if self._arrived else track.remaining_time_s(self._s)
        next_maneuver = track.next_maneuver(self._s)
        to_next = 0.0
        text = ""
        tr = translator(self._locale())
        if next_maneuver is not None and not self._arrived:
            to_next = max(0.0, next_maneuver.distance_from_start_m - self._s)
            text = instruction(next_maneuver, to_next, tr)
            # The maneuver's own sentence (at its distance from the one before) in the
            # locale too, so what the wire carries matches what is said.
            next_maneuver = localize_maneuvers(track.around(next_maneuver), tr)[-1]
        announcement = ""
        if reroute is not None:
            announcement = tr.gettext(RECALCULATING)
        elif self._arrived and not self._announced_arrival:
            self._announced_arrival = True
            announcement = tr.gettext(ARRIVED)
        return GuidanceUpdate(
            position=position,
            heading_deg=heading,
            speed_kmh=self._v * 3.6,
            next_maneuver=None if self._arrived else next_maneuver,
            distance_to_next_m=to_next,
            remaining_distance_m=remaining,
            remaining_time_s=remaining_time,
            eta=self._clock + timedelta(seconds=remaining_time),
            arrived=self._arrived,
            off_route=off_route or self._off_route_count > 0,
            instruction=text,
            simulated=self._simulated,
            reroute=reroute,
            announcement=announcement,
        )
