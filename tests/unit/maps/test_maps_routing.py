"""Routing by travel time on the bundled Helsinki extract."""

from __future__ import annotations

import random

import networkx as nx  # type: ignore[import-untyped]  # networkx ships no type information
import numpy as np
import osmium
import pytest

from cardeck_sim.maps import (
    DEFAULT_MAP_DATA,
    LatLon,
    MapData,
    NoRouteError,
    Route,
    find_route,
    haversine_m,
    route_between_nodes,
)

# Vilhonkatu, OSM way 35107025, is tagged oneway=yes and runs from OSM node
# 411855387 to OSM node 897182392 (about 96 m, one edge).
ONE_WAY_WAY = 35107025
ONE_WAY_FROM = 411855387
ONE_WAY_TO = 897182392


def _assert_route_is_continuous(data: MapData, route: Route) -> None:
    assert len(route.edges) == len(route.polyline) - 1
    assert len(route.segment_speed_kmh) == len(route.edges)
    total = sum(haversine_m(a, b) for a, b in zip(route.polyline, route.polyline[1:], strict=False))
    assert route.distance_m == pytest.approx(total, rel=1e-6, abs=1e-6)
    # Every full inner segment follows its edge's direction.
    for i in range(1, len(route.edges) - 1):
        e = route.edges[i]
        assert data.node_position(int(data.edge_source[e])) == route.polyline[i]
        assert data.node_position(int(data.edge_target[e])) == route.polyline[i + 1]


def test_the_one_way_street_is_tagged_oneway_in_the_data() -> None:
    for way in osmium.FileProcessor(str(DEFAULT_MAP_DATA), osmium.osm.WAY):
        if isinstance(way, osmium.osm.Way) and way.id == ONE_WAY_WAY:
            assert way.tags.get("oneway") == "yes"
            assert way.tags.get("name") == "Vilhonkatu"
            assert [n.ref for n in way.nodes] == [ONE_WAY_FROM, ONE_WAY_TO]
            return
    pytest.fail(f"Way {ONE_WAY_WAY} is missing from the bundled extract.")


def test_one_way_street_is_respected(map_data: MapData) -> None:
    a = map_data.node_for_osm_id(ONE_WAY_FROM)
    b = map_data.node_for_osm_id(ONE_WAY_TO)
    assert map_data.edge_id(a, b) >= 0
    assert map_data.edge_id(b, a) == -1

    along = route_between_nodes(map_data, a, b)
    against = route_between_nodes(map_data, b, a)
    assert along.distance_m == pytest.approx(96, abs=5)
    assert {map_data.way_name[map_data.edge_way[e]] for e in along.edges} == {"Vilhonkatu"}
    # The way back must go round the block.
    assert against.distance_m > 5 * along.distance_m
    assert against.duration_s > 5 * along.duration_s
    assert all(
        not (map_data.edge_source[e] == b and map_data.edge_target[e] == a) for e in against.edges
    )

    # Snapped positions on the street behave the same way.
    p, q = map_data.node_position(a), map_data.node_position(b)
    quarter = LatLon(p.lat + (q.lat - p.lat) / 4, p.lon + (q.lon - p.lon) / 4)
    three_quarters = LatLon(p.lat + 3 * (q.lat - p.lat) / 4, p.lon + 3 * (q.lon - p.lon) / 4)
    forward = find_route(map_data, quarter, three_quarters)
    backward = find_route(map_data, three_quarters, quarter)
    assert forward.distance_m == pytest.approx(along.distance_m / 2, rel=0.02)
    assert backward.distance_m > 5 * forward.distance_m


def test_100_random_pairs_match_networkx(map_data: MapData, nx_graph: nx.DiGraph) -> None:
    rng = random.Random(20261127)
    reachable = 0
    for _ in range(100):
        a, b = rng.randrange(map_data.node_count), rng.randrange(map_data.node_count)
        try:
            expected = nx.dijkstra_path_length(nx_graph, a, b, weight="weight")
        except nx.NetworkXNoPath:
            with pytest.raises(NoRouteError):
                route_between_nodes(map_data, a, b)
            continue
        route = route_between_nodes(map_data, a, b)
        assert route.duration_s == pytest.approx(expected, rel=1e-6, abs=1e-9)
        assert route.polyline[0] == map_data.node_position(a)
        assert route.polyline[-1] == map_data.node_position(b)
        reachable += 1
    assert reachable >= 80


def test_routes_between_snapped_positions_match_networkx(
    map_data: MapData, nx_graph: nx.DiGraph
) -> None:
    rng = random.Random(5)
    checked = 0
    while checked < 20:
        a, b = rng.randrange(map_data.node_count), rng.randrange(map_data.node_count)
        if a == b or not nx.has_path(nx_graph, a, b):
            continue
        expected = nx.dijkstra_path_length(nx_graph, a, b, weight="weight")
        route = find_route(map_data, map_data.node_position(a), map_data.node_position(b))
        assert route.duration_s == pytest.approx(expected, rel=1e-6)
        _assert_route_is_continuous(map_data, route)
        checked += 1


def test_route_between_positions_off_the_road(map_data: MapData) -> None:
    # Central railway station square to the South Harbour, both off the kerb.
    origin, destination = LatLon(60.1712, 24.9415), LatLon(60.1660, 24.9530)
    route = find_route(map_data, origin, destination)
    assert haversine_m(route.origin, map_data.snap(origin).position) < 1e-6
    assert haversine_m(route.destination, map_data.snap(destination).position) < 1e-6
    assert 500 < route.distance_m < 3000
    assert 30 < route.duration_s < 600
    _assert_route_is_continuous(map_data, route)


def test_snap_finds_the_nearest_segment(map_data: MapData) -> None:
    a = map_data.node_for_osm_id(ONE_WAY_FROM)
    b = map_data.node_for_osm_id(ONE_WAY_TO)
    p, q = map_data.node_position(a), map_data.node_position(b)
    mid = LatLon((p.lat + q.lat) / 2, (p.lon + q.lon) / 2)
    snap = map_data.snap(mid)
    assert snap.distance_m < 0.5
    assert {snap.u, snap.v} == {a, b}
    assert snap.fraction == pytest.approx(0.5, abs=0.01)
    # Forward is a→b, and Vilhonkatu has no edge back.
    assert (snap.forward_edge >= 0) and (snap.backward_edge == -1)


def test_unreachable_destination_raises_no_route_error(
    map_data: MapData, nx_graph: nx.DiGraph
) -> None:
    # A node outside the largest strongly connected component cannot reach all of it.
    largest = max(nx.strongly_connected_components(nx_graph), key=len)
    inside = min(largest)
    outside = next(
        n
        for n in range(map_data.node_count)
        if n not in largest and not nx.has_path(nx_graph, inside, n)
    )
    with pytest.raises(NoRouteError, match=r"No drivable route"):
        route_between_nodes(map_data, inside, outside)


def test_same_segment_route_is_direct(map_data: MapData) -> None:
    a = map_data.node_for_osm_id(ONE_WAY_FROM)
    b = map_data.node_for_osm_id(ONE_WAY_TO)
    p, q = map_data.node_position(a), map_data.node_position(b)
    route = find_route(
        map_data,
        LatLon(p.lat + (q.lat - p.lat) * 0.2, p.lon + (q.lon - p.lon) * 0.2),
        LatLon(p.lat + (q.lat - p.lat) * 0.7, p.lon + (q.lon - p.lon) * 0.7),
    )
    assert len(route.polyline) == 2
    assert route.distance_m == pytest.approx(0.5 * haversine_m(p, q), rel=0.01)


def test_route_between_nodes_checks_node_numbers(map_data: MapData) -> None:
    with pytest.raises(IndexError, match=r"'target'"):
        route_between_nodes(map_data, 0, map_data.node_count)


def test_duration_uses_edge_times(map_data: MapData) -> None:
    a, b = 10, map_data.node_count - 10
    route = route_between_nodes(map_data, a, b)
    assert route.duration_s == pytest.approx(float(np.sum(map_data.edge_time_s[list(route.edges)])))


def test_route_to_the_same_node_is_empty(map_data: MapData) -> None:
    node = map_data.node_for_osm_id(ONE_WAY_FROM)
    route = route_between_nodes(map_data, node, node)
    assert route.distance_m == 0 and route.duration_s == 0
    assert [m.type.value for m in route.maneuvers] == ["depart", "arrive"]
    assert route.maneuvers[0].street_name == "Vilhonkatu"
