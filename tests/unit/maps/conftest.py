"""Fixtures for the maps engine tests: the bundled Helsinki extract, loaded once."""

from __future__ import annotations

import networkx as nx  # type: ignore[import-untyped]  # networkx ships no type information
import pytest

from cardeck_sim.maps import LatLon, MapData, PlaceIndex, Route, find_route, load_map, place_index


@pytest.fixture(scope="session")
def map_data() -> MapData:
    """Return the bundled map (real OSM data), shared by every test."""
    return load_map()


@pytest.fixture(scope="session")
def route(map_data: MapData) -> Route:
    """Return a route across the centre, from the railway station square to the harbour
    (modules that drive another route define their own)."""
    return find_route(map_data, LatLon(60.1699, 24.9384), LatLon(60.1675, 24.9520))


@pytest.fixture(scope="session")
def places(map_data: MapData) -> PlaceIndex:
    """Return the place index of the bundled map."""
    return place_index(map_data)


@pytest.fixture(scope="session")
def nx_graph(map_data: MapData) -> nx.DiGraph:
    """Return a networkx DiGraph built from the engine's own edge arrays."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(map_data.node_count))
    for e in range(map_data.edge_count):
        graph.add_edge(
            int(map_data.edge_source[e]),
            int(map_data.edge_target[e]),
            weight=float(map_data.edge_time_s[e]),
        )
    return graph
