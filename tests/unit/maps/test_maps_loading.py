"""Loading OSM data into the road graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import pytest

from cardeck_sim.maps import DEFAULT_MAP_DATA, MapData, MapDataError, haversine_m, parse_maxspeed


def test_bundled_extract_is_small_and_attributed() -> None:
    assert DEFAULT_MAP_DATA.is_file()
    assert DEFAULT_MAP_DATA.stat().st_size < 5_000_000
    attribution = (DEFAULT_MAP_DATA.parent / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in attribution
    assert "ODbL" in attribution


def test_load_builds_a_consistent_csr_graph(map_data: MapData) -> None:
    assert map_data.node_count > 1000
    assert map_data.edge_count > map_data.node_count
    assert map_data.load_seconds > 0
    # CSR: edges sorted by source, indptr delimits each node's out-edges.
    assert np.all(np.diff(map_data.edge_source) >= 0)
    assert map_data.indptr[0] == 0
    assert map_data.indptr[-1] == map_data.edge_count
    for node in (0, 17, map_data.node_count - 1):
        out = map_data.edges_out(node)
        assert all(map_data.edge_source[e] == node for e in out)
    # No parallel edges or self-loops, positive costs.
    keys = map_data.edge_source * map_data.node_count + map_data.edge_target
    assert len(np.unique(keys)) == map_data.edge_count
    assert np.all(map_data.edge_source != map_data.edge_target)
    assert np.all(map_data.edge_time_s > 0)
    # Lengths are haversine distances between the end nodes.
    for e in (0, map_data.edge_count // 2, map_data.edge_count - 1):
        a = map_data.node_position(int(map_data.edge_source[e]))
        b = map_data.node_position(int(map_data.edge_target[e]))
        assert map_data.edge_length_m[e] == pytest.approx(haversine_m(a, b), rel=1e-9)


def test_only_drivable_classes_are_loaded(map_data: MapData) -> None:
    assert set(map_data.way_highway) <= {
        "motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
        "residential", "living_street", "service", "motorway_link", "trunk_link",
        "primary_link", "secondary_link", "tertiary_link",
    }  # fmt: skip
    assert "footway" not in map_data.way_highway
    assert "Mannerheimintie" in map_data.way_name


def test_speeds_follow_maxspeed_tags(map_data: MapData) -> None:
    # Way 35107025 (Vilhonkatu) carries maxspeed=30 in the extract.
    tags: dict[str, str] = {}
    for way in osmium.FileProcessor(str(DEFAULT_MAP_DATA), osmium.osm.WAY):
        if way.id == 35107025:
            tags = dict(way.tags)
            break
    w = int(np.flatnonzero(map_data.way_osm_id == 35107025)[0])
    assert map_data.way_speed_kmh[w] == pytest.approx(parse_maxspeed(tags.get("maxspeed"), "x"))
    assert set(np.unique(map_data.way_speed_kmh)) <= {5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0}


@pytest.mark.parametrize(
    ("value", "highway", "expected"),
    [
        ("50", "residential", 50.0),
        ("30 mph", "residential", 48.28032),
        ("40 km/h", "primary", 40.0),
        ("50;30", "primary", 30.0),
        ("FI:urban", "primary", 50.0),
        ("FI:rural", "primary", 80.0),
        ("RU:urban", "primary", 60.0),
        ("DE:zone30", "residential", 30.0),
        ("DE:zone:30", "residential", 30.0),
        ("RU:living_street", "residential", 20.0),
        ("walk", "living_street", 7.0),
        ("none", "motorway", 130.0),
        (None, "primary", 60.0),
        ("signals", "secondary", 50.0),
        ("0", "tertiary", 40.0),
    ],
)
def test_parse_maxspeed(value: str | None, highway: str, expected: float) -> None:
    assert parse_maxspeed(value, highway) == pytest.approx(expected)


def test_load_accepts_a_str_path(map_data: MapData) -> None:
    again = MapData.load(str(DEFAULT_MAP_DATA))
    assert again.node_count == map_data.node_count
    assert again.edge_count == map_data.edge_count


def test_missing_file_is_a_map_data_error(tmp_path: Path) -> None:
    with pytest.raises(MapDataError, match=r"does not exist"):
        MapData.load(tmp_path / "nowhere.osm.pbf")


def test_unreadable_file_is_a_map_data_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.osm.pbf"
    bogus.write_bytes(b"this is not a protobuf file" * 10)
    with pytest.raises(MapDataError, match=r"could not be read"):
        MapData.load(bogus)
