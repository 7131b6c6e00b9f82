"""Maneuvers derived from route geometry."""

from __future__ import annotations

import itertools
import random

import pytest

from cardeck_sim.maps import (
    ManeuverType,
    MapData,
    NoRouteError,
    Route,
    find_route,
    instruction,
    route_between_nodes,
    spoken_distance,
)
from cardeck_sim.maps._types import turn_angle_deg

# From Unioninkatu (OSM node 4435014127) west along the Esplanade, then left
# into Yrjönkatu and right into Bulevardi (OSM node 2269494568).
START, END = 4435014127, 2269494568


@pytest.fixture(scope="module")
def route(map_data: MapData) -> Route:
    return route_between_nodes(
        map_data, map_data.node_for_osm_id(START), map_data.node_for_osm_id(END)
    )


def test_depart_first_and_arrive_last(route: Route) -> None:
    assert route.maneuvers[0].type is ManeuverType.DEPART
    assert route.maneuvers[-1].type is ManeuverType.ARRIVE
    inner = route.maneuvers[1:-1]
    assert ManeuverType.DEPART not in {m.type for m in inner}
    assert ManeuverType.ARRIVE not in {m.type for m in inner}


def test_left_and_right_turns_come_in_order(route: Route) -> None:
    turns = [
        (m.type, m.street_name)
        for m in route.maneuvers
        if m.type in (ManeuverType.LEFT, ManeuverType.RIGHT)
    ]
    assert turns == [
        (ManeuverType.RIGHT, "Pohjoisesplanadi"),
        (ManeuverType.LEFT, "Yrjönkatu"),
        (ManeuverType.RIGHT, "Bulevardi"),
    ]


def test_turn_directions_agree_with_bearings(route: Route) -> None:
    for m in route.maneuvers:
        angle = turn_angle_deg(m.bearing_before_deg, m.bearing_after_deg)
        if m.type is ManeuverType.LEFT:
            assert -135 <= angle <= -45
        elif m.type is ManeuverType.RIGHT:
            assert 45 <= angle <= 135


def test_distances_add_up(route: Route) -> None:
    ms = route.maneuvers
    assert ms[0].distance_from_start_m == 0
    assert ms[-1].distance_from_start_m == pytest.approx(route.distance_m)
    assert ms[-1].distance_to_next_m == 0
    for a, b in itertools.pairwise(ms):
        assert a.distance_to_next_m == pytest.approx(
            b.distance_from_start_m - a.distance_from_start_m
        )
        assert a.distance_to_next_m >= 0
    assert sum(m.distance_to_next_m for m in ms) == pytest.approx(route.distance_m)


def test_instructions_are_spoken_sentences(route: Route) -> None:
    left = next(m for m in route.maneuvers if m.type is ManeuverType.LEFT)
    assert left.instruction.startswith("In ")
    assert left.instruction.endswith(", turn left onto Yrjönkatu.")
    assert route.maneuvers[0].instruction.startswith("Head ")
    assert route.maneuvers[-1].instruction.endswith("you will arrive at your destination.")
    assert instruction(route.maneuvers[-1]) == "You have arrived at your destination."
    assert instruction(left, 200) == "In 200 meters, turn left onto Yrjönkatu."
    assert instruction(left, 0) == "Turn left onto Yrjönkatu."


@pytest.mark.parametrize(
    ("metres", "spoken"),
    [(3, "10 meters"), (44, "40 meters"), (180, "200 meters"), (420, "400 meters"),
     (999, "1 kilometer"), (1540, "1.5 kilometers"), (12_345, "12 kilometers")],
)  # fmt: skip
def test_spoken_distance(metres: float, spoken: str) -> None:
    assert spoken_distance(metres) == spoken


def test_unnamed_roads_are_called_so(map_data: MapData) -> None:
    from cardeck_sim.maps import LatLon

    # Kaivokatu to Eteläranta passes a slip road that has no name in OSM.
    route = find_route(map_data, LatLon(60.1699, 24.9384), LatLon(60.1675, 24.9520))
    unnamed = [m for m in route.maneuvers if m.street_name == "unnamed road"]
    assert unnamed
    assert "onto unnamed road" in unnamed[0].instruction
    assert all(m.street_name for m in route.maneuvers)


ROUNDABOUT_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="cardeck-test">
  <node id="1" lat="60.00027" lon="25.0" version="1"/>
  <node id="2" lat="60.0" lon="24.99946" version="1"/>
  <node id="3" lat="59.99973" lon="25.0" version="1"/>
  <node id="4" lat="60.0" lon="25.00054" version="1"/>
  <node id="11" lat="60.0016" lon="25.0" version="1"/>
  <node id="12" lat="60.0" lon="24.9970" version="1"/>
  <node id="13" lat="59.9984" lon="25.0" version="1"/>
  <node id="14" lat="60.0" lon="25.0030" version="1"/>
  <way id="100" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="highway" v="primary"/><tag k="junction" v="roundabout"/><tag k="name" v="Ring"/>
  </way>
  <way id="101" version="1"><nd ref="11"/><nd ref="1"/>
    <tag k="highway" v="residential"/><tag k="name" v="North Road"/></way>
  <way id="102" version="1"><nd ref="12"/><nd ref="2"/>
    <tag k="highway" v="residential"/><tag k="name" v="West Road"/></way>
  <way id="103" version="1"><nd ref="13"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="name" v="South Road"/></way>
  <way id="104" version="1"><nd ref="14"/><nd ref="4"/>
    <tag k="highway" v="residential"/><tag k="name" v="East Road"/></way>
</osm>
"""


def test_roundabout_maneuvers_count_exits(tmp_path_factory: pytest.TempPathFactory) -> None:
    # The bundled extract has no junction=roundabout, so this one test uses a
    # four-arm roundabout written as OSM XML (ring drawn anticlockwise, as in
    # right-hand traffic) to exercise the tag handling end to end.
    path = tmp_path_factory.mktemp("osm") / "roundabout.osm"
    path.write_text(ROUNDABOUT_OSM, encoding="utf-8")
    data = MapData.load(path)
    ring = {data.node_for_osm_id(i) for i in (1, 2, 3, 4)}
    n = {i: data.node_for_osm_id(i) for i in (1, 2, 3, 4, 11, 12, 13, 14)}
    # junction=roundabout implies one-way: 3→4 exists, 4→3 does not.
    assert data.edge_id(n[3], n[4]) >= 0
    assert data.edge_id(n[4], n[3]) == -1
    assert len(ring) == 4

    east = route_between_nodes(data, n[13], n[14])
    west = route_between_nodes(data, n[13], n[12])
    for route, exit_number, road in ((east, 1, "East Road"), (west, 3, "West Road")):
        kinds = [m.type for m in route.maneuvers]
        assert kinds == [
            ManeuverType.DEPART,
            ManeuverType.ROUNDABOUT_ENTER,
            ManeuverType.ROUNDABOUT_EXIT,
            ManeuverType.ARRIVE,
        ]
        enter, leave = route.maneuvers[1], route.maneuvers[2]
        assert enter.exit_number == exit_number
        assert leave.street_name == road
        ordinal = {1: "first", 3: "third"}[exit_number]
        assert enter.instruction.endswith(f"at the roundabout, take the {ordinal} exit.")
        assert leave.instruction.endswith(f"exit the roundabout onto {road}.")


def test_maneuvers_of_random_routes_are_well_formed(map_data: MapData) -> None:
    rng = random.Random(11)
    checked = 0
    while checked < 40:
        a, b = rng.randrange(map_data.node_count), rng.randrange(map_data.node_count)
        try:
            route = route_between_nodes(map_data, a, b)
        except NoRouteError:
            continue
        checked += 1
        ms = route.maneuvers
        assert ms[0].type is ManeuverType.DEPART and ms[-1].type is ManeuverType.ARRIVE
        positions = [m.distance_from_start_m for m in ms]
        assert positions == sorted(positions)
        # Turns a few metres apart (a dual carriageway crossing) are one maneuver.
        inner = ms[1:-1]
        for m, n in itertools.pairwise(inner):
            assert n.distance_from_start_m - m.distance_from_start_m >= 20.0
        for m in inner:
            assert m.instruction.endswith(f"onto {m.street_name}.")
