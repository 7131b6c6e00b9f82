"""Guidance simulation along a real route, and position reports from the car."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from cardeck_sim.maps import (
    OFF_ROUTE_FIXES,
    GuidanceSimulator,
    GuidanceUpdate,
    LatLon,
    ManeuverType,
    MapData,
    Route,
    SpeedProfile,
    haversine_m,
    route_between_nodes,
)

START_TIME = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
# Unioninkatu → Esplanade → Yrjönkatu → Bulevardi (see test_maps_maneuvers.py).
START, END = 4435014127, 2269494568
# The railway station square: a few hundred metres north of that route.
OFF_ROUTE = LatLon(60.1712, 24.9415)


@pytest.fixture(scope="module")
def route(map_data: MapData) -> Route:
    return route_between_nodes(
        map_data, map_data.node_for_osm_id(START), map_data.node_for_osm_id(END)
    )


def _drive(sim: GuidanceSimulator, dt: float = 1.0) -> list[GuidanceUpdate]:
    updates = [sim.step(0.0)]
    while not updates[-1].arrived:
        updates.append(sim.step(dt))
        assert len(updates) < 10_000, "the simulation never arrived"
    return updates


def test_step_drives_to_arrival_with_sensible_eta(route: Route) -> None:
    sim = GuidanceSimulator(route, start_time=START_TIME)
    updates = _drive(sim)
    first, last = updates[0], updates[-1]
    assert first.speed_kmh == 0
    assert first.remaining_distance_m == pytest.approx(route.distance_m)
    assert first.next_maneuver is not None
    assert first.next_maneuver.type is not ManeuverType.DEPART
    assert last.arrived
    assert last.remaining_distance_m == 0
    assert last.speed_kmh == 0
    assert haversine_m(last.position, route.destination) < 1.0

    remaining = [u.remaining_distance_m for u in updates]
    assert all(b <= a for a, b in itertools.pairwise(remaining))
    # The first ETA is within 30 % of when the car actually arrived.
    actual = (sim.clock - START_TIME).total_seconds()
    predicted = (first.eta - START_TIME).total_seconds()
    assert predicted == pytest.approx(actual, rel=0.3)
    assert last.eta == sim.clock
    etas = [u.eta for u in updates]
    assert max(etas) - min(etas) < timedelta(seconds=0.3 * actual)


def test_speed_follows_the_roads_and_slows_for_turns(route: Route) -> None:
    profile = SpeedProfile()
    sim = GuidanceSimulator(route, profile, start_time=START_TIME)
    updates = _drive(sim, dt=0.5)
    limit = max(route.segment_speed_kmh) * profile.speed_factor
    assert max(u.speed_kmh for u in updates) == pytest.approx(limit, rel=0.01)
    assert all(u.speed_kmh <= limit + 1e-6 for u in updates)
    # Just before each left or right turn the car is at turn speed.
    turns = [m for m in route.maneuvers if m.type in (ManeuverType.LEFT, ManeuverType.RIGHT)]
    for turn in turns:
        at_turn = [
            u
            for u in updates
            if u.next_maneuver == turn and u.distance_to_next_m < 3 and not u.arrived
        ]
        assert at_turn, f"no update close to {turn.instruction}"
        assert all(u.speed_kmh <= profile.turn_speed_kmh + 3 for u in at_turn)


def test_step_is_deterministic(route: Route) -> None:
    a = _drive(GuidanceSimulator(route, start_time=START_TIME))
    b = _drive(GuidanceSimulator(route, start_time=START_TIME))
    assert a == b


async def test_time_scaled_run_reaches_arrival(route: Route) -> None:
    sim = GuidanceSimulator(route, time_scale=2000.0, start_time=START_TIME)
    updates = [u async for u in sim.run(interval_s=1.0)]
    assert updates[-1].arrived
    assert sum(u.arrived for u in updates) == 1
    remaining = [u.remaining_distance_m for u in updates]
    assert all(b <= a for a, b in itertools.pairwise(remaining))
    assert updates[-1].eta > START_TIME
    assert all(u.instruction for u in updates[:-1])


def test_three_fixes_off_route_trigger_a_reroute(map_data: MapData, route: Route) -> None:
    sim = GuidanceSimulator(route, map_data=map_data, start_time=START_TIME)
    sim.step(10.0)
    on_route = sim.report_position(route.polyline[2], speed_kmh=30.0)
    assert not on_route.off_route and on_route.reroute is None and not on_route.simulated

    # Two off-route fixes, then one back on the route: the count starts over.
    for _ in range(OFF_ROUTE_FIXES - 1):
        update = sim.report_position(OFF_ROUTE, speed_kmh=20.0, heading_deg=90.0)
        assert update.off_route and update.reroute is None
    assert not sim.report_position(route.polyline[3], speed_kmh=30.0).off_route

    updates = [sim.report_position(OFF_ROUTE, speed_kmh=20.0) for _ in range(OFF_ROUTE_FIXES)]
    assert [u.reroute is not None for u in updates] == [False, False, True]
    new_route = updates[-1].reroute
    assert new_route is not None
    assert updates[-1].off_route
    assert sim.route is new_route
    assert haversine_m(new_route.origin, map_data.snap(OFF_ROUTE).position) < 1e-6
    assert haversine_m(new_route.destination, route.destination) < 1e-6
    assert updates[-1].remaining_distance_m == pytest.approx(new_route.distance_m)
    # On the new route the car is on track again.
    assert not sim.report_position(new_route.polyline[1], speed_kmh=20.0).off_route


def test_reported_positions_drive_the_guidance(route: Route) -> None:
    sim = GuidanceSimulator(route, start_time=START_TIME)
    previous = route.distance_m
    for point in route.polyline[1:]:
        update = sim.report_position(point, speed_kmh=25.0)
        assert update.position == point
        assert update.speed_kmh == pytest.approx(25.0)
        assert update.remaining_distance_m <= previous + 1e-9
        previous = update.remaining_distance_m
    assert update.arrived
    # The simulation no longer moves the car; the clock still runs.
    before = sim.step(5.0)
    assert before.position == route.polyline[-1]
    assert sim.clock == START_TIME + timedelta(seconds=5)


def test_invalid_arguments_name_the_field(route: Route) -> None:
    with pytest.raises(ValueError, match=r"Field 'time_scale'"):
        GuidanceSimulator(route, time_scale=0)
    sim = GuidanceSimulator(route)
    with pytest.raises(ValueError, match=r"Field 'dt_s'"):
        sim.step(-1.0)
    with pytest.raises(ValueError, match=r"Field 'speed_kmh'.*Field 'heading_deg'"):
        sim.report_position(route.origin, speed_kmh=-5, heading_deg=400)
    with pytest.raises(ValueError, match=r"Field 'speed_factor'.*Field 'accel_mps2'"):
        SpeedProfile(speed_factor=0, accel_mps2=-1)


async def test_run_rejects_a_bad_interval(route: Route) -> None:
    sim = GuidanceSimulator(route)
    with pytest.raises(ValueError, match=r"Field 'interval_s'"):
        async for _ in sim.run(interval_s=0):
            pass
