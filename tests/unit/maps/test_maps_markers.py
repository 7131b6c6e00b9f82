"""Markers, the marker store, the camera and the vehicle pose."""

from __future__ import annotations

from typing import Any, cast

import pytest

from cardeck_sim.maps import (
    Camera,
    LatLon,
    Marker,
    MarkerNotFoundError,
    MarkerShape,
    MarkerStore,
    MarkerStyle,
    VehiclePose,
)

HELSINKI = LatLon(60.1699, 24.9384)


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(90.5, 24.9, "position.lat"), (-91, 24.9, "position.lat"), (60.1, 180.01, "position.lon"),
     (60.1, -200, "position.lon"), (float("nan"), 0, "position.lat")],
)  # fmt: skip
def test_out_of_range_coordinates_name_the_field(lat: float, lon: float, field: str) -> None:
    with pytest.raises(ValueError, match=rf"Field '{field}' must be between"):
        Marker.create("m1", lat, lon)


def test_latlon_names_both_bad_fields() -> None:
    with pytest.raises(ValueError, match=r"Field 'lat'.*Field 'lon'"):
        LatLon(100, 200)


def test_style_validation_names_every_field() -> None:
    with pytest.raises(ValueError) as info:
        MarkerStyle(
            shape=cast(MarkerShape, "hexagon"),
            fill_rgba=(256, 0, 0, 255),
            stroke_rgba=cast(Any, (0, 0, 0)),
            glyph="toolong",
            label="x" * 65,
            min_zoom=23,
        )
    message = str(info.value)
    for field in ("shape", "fill_rgba", "stroke_rgba", "glyph", "label", "min_zoom"):
        assert f"Field '{field}'" in message
    assert "circle, square, pin, diamond" in message


def test_style_accepts_shape_names() -> None:
    style = MarkerStyle(shape=cast(MarkerShape, "diamond"), glyph="⛽", label="Fuel", min_zoom=12)
    assert style.shape is MarkerShape.DIAMOND


@pytest.mark.parametrize("marker_id", ["", "has space", "x" * 65, "ä"])
def test_marker_id_is_validated(marker_id: str) -> None:
    with pytest.raises(ValueError, match=r"Field 'marker_id'"):
        Marker(marker_id, HELSINKI)


def test_store_add_list_remove_round_trip() -> None:
    store = MarkerStore()
    a = Marker("a", HELSINKI, MarkerStyle(MarkerShape.CIRCLE, label="A"))
    b = Marker.create("b", 60.17, 24.95, MarkerStyle(MarkerShape.SQUARE, min_zoom=15))
    store.add([a, b])
    assert store.list() == (a, b)
    assert store.list(zoom=14) == (a,)
    assert store.get("b") == b
    assert len(store) == 2
    version = store.version
    store.remove(["a"])
    assert store.list() == (b,)
    assert store.version > version
    store.clear()
    assert store.list() == ()


def test_store_add_is_all_or_nothing() -> None:
    store = MarkerStore()
    store.add([Marker("a", HELSINKI)])
    with pytest.raises(
        ValueError, match=r"repeats within the request: \['b'\].*already exists: \['a'\]"
    ):
        store.add([Marker("b", HELSINKI), Marker("b", HELSINKI), Marker("a", HELSINKI)])
    assert [m.marker_id for m in store.list()] == ["a"]
    moved = Marker("a", LatLon(60.0, 25.0))
    store.add([moved], replace=True)
    assert store.get("a") == moved


def test_store_remove_unknown_ids_is_not_found() -> None:
    store = MarkerStore()
    store.add([Marker("a", HELSINKI)])
    with pytest.raises(MarkerNotFoundError, match=r"\['x', 'y'\]"):
        store.remove(["a", "x", "y"])
    assert len(store) == 1
    with pytest.raises(KeyError):
        store.get("zzz")


def test_camera_validation_names_the_fields() -> None:
    camera = Camera(HELSINKI, zoom=16.5, tilt_deg=45, follow_vehicle=True)
    assert camera.follow_vehicle
    with pytest.raises(ValueError, match=r"Field 'zoom'.*Field 'tilt_deg'"):
        Camera(HELSINKI, zoom=23, tilt_deg=61)
    with pytest.raises(ValueError, match=r"Field 'center' must be a LatLon"):
        Camera(cast(LatLon, (60.1, 24.9)))


def test_vehicle_pose_heading_is_validated() -> None:
    with pytest.raises(ValueError, match=r"Field 'heading_deg'"):
        VehiclePose(HELSINKI, heading_deg=361)
