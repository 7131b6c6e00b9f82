"""Property-based checks of snapping and tag parsing on the bundled extract."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardeck_sim.maps import LatLon, MapData, haversine_m, parse_maxspeed
from cardeck_sim.maps._types import haversine_m_np

# The extract's bounding box, with a margin so that points off the edge occur too.
LATS = st.floats(60.160, 60.183, allow_nan=False)
LONS = st.floats(24.930, 24.958, allow_nan=False)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lat=LATS, lon=LONS)
def test_snap_is_never_farther_than_the_nearest_node(
    map_data: MapData, lat: float, lon: float
) -> None:
    # Every node lies on a road segment, so the nearest road point can only be closer.
    p = LatLon(lat, lon)
    snap = map_data.snap(p)
    nearest_node = float(np.min(haversine_m_np(lat, lon, map_data.node_lat, map_data.node_lon)))
    assert snap.distance_m <= nearest_node + 1e-6
    assert haversine_m(p, snap.position) == pytest.approx(snap.distance_m, abs=1e-6)
    assert 0.0 <= snap.fraction <= 1.0


@given(value=st.text(max_size=20), highway=st.sampled_from(["primary", "residential", "x"]))
def test_parse_maxspeed_always_gives_a_positive_speed(value: str, highway: str) -> None:
    speed = parse_maxspeed(value, highway)
    assert speed > 0
