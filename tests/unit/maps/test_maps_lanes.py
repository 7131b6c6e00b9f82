"""Lanes: OSM turn:lanes per way and direction, carried onto the maneuver before which they lie."""

from __future__ import annotations

from cardeck_sim.maps import LatLon, MapData, find_route
from cardeck_sim.maps._osm import parse_turn_lanes


def test_plain_turn_lanes_belong_to_the_one_way_direction() -> None:
    assert parse_turn_lanes({"turn:lanes": "left|through"}, 1) == ("left|through", "")
    assert parse_turn_lanes({"turn:lanes": "left|through"}, -1) == ("", "left|through")
    # A two-way road's plain tag says nothing about which direction it is for.
    assert parse_turn_lanes({"turn:lanes": "left|through"}, 0) == ("", "")
    both = {"turn:lanes:forward": "left|through", "turn:lanes:backward": "through|right"}
    assert parse_turn_lanes(both, 0) == ("left|through", "through|right")


def test_the_bundled_extract_tags_lanes_on_some_main_streets(map_data: MapData) -> None:
    tagged = [w for w, lanes in enumerate(map_data.way_turn_lanes) if any(lanes)]
    assert 20 <= len(tagged) < len(map_data.way_turn_lanes) / 4
    assert "Mannerheimintie" in {map_data.way_name[w] for w in tagged}


def test_a_maneuver_carries_the_lanes_of_the_road_before_it(map_data: MapData) -> None:
    route = find_route(map_data, LatLon(60.1746, 24.9501), LatLon(60.1745, 24.9507))
    left = route.maneuvers[1]
    assert (left.type.value, left.lanes) == ("left", "left|slight_left|through|through")
    assert route.maneuvers[0].lanes == ""  # nothing before the start
    # Driven the other way, the same streets give the other direction's lanes (or none).
    back = find_route(map_data, LatLon(60.1745, 24.9507), LatLon(60.1746, 24.9501))
    assert all(m.lanes != left.lanes or m.position != left.position for m in back.maneuvers)
