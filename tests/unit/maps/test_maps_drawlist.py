"""The draw list for the map view."""

from __future__ import annotations

import pytest

from cardeck_sim.maps import (
    ATTRIBUTION,
    Camera,
    LatLon,
    MapData,
    Marker,
    MarkerStyle,
    Route,
    VehiclePose,
    build_draw_list,
)

CENTRE = LatLon(60.1699, 24.9384)
W, H = 1920, 720


def _points(line: tuple[float, ...]) -> list[tuple[float, float]]:
    return list(zip(line[0::2], line[1::2], strict=True))


def test_roads_are_grouped_by_class_and_inside_the_viewport(map_data: MapData) -> None:
    draw = build_draw_list(map_data, Camera(CENTRE, zoom=17), W, H)
    classes = [layer.road_class for layer in draw.roads]
    assert {"primary", "secondary", "residential"} <= set(classes)
    # Minor classes are painted first, major ones on top.
    assert classes.index("residential") < classes.index("primary")
    for layer in draw.roads:
        for line in layer.lines:
            assert len(line) >= 4 and len(line) % 2 == 0
            xs, ys = line[0::2], line[1::2]
            # Each line's bounding box overlaps the viewport.
            assert max(xs) >= 0 and min(xs) <= W and max(ys) >= 0 and min(ys) <= H
    assert draw.attribution == ATTRIBUTION


def test_the_camera_centre_is_the_viewport_centre(map_data: MapData) -> None:
    # A node's own position lands in the middle of the viewport.
    node = map_data.node_position(100)
    draw = build_draw_list(map_data, Camera(node, zoom=18), 800, 600)
    points = [p for layer in draw.roads for line in layer.lines for p in _points(line)]
    assert min(abs(x - 400) + abs(y - 300) for x, y in points) < 1e-6


def test_zoomed_out_drops_minor_roads(map_data: MapData) -> None:
    near = {
        layer.road_class for layer in build_draw_list(map_data, Camera(CENTRE, zoom=14), W, H).roads
    }
    far = {
        layer.road_class for layer in build_draw_list(map_data, Camera(CENTRE, zoom=11), W, H).roads
    }
    assert "service" not in near and "residential" in near
    assert "residential" not in far and "primary" in far


def test_route_line_follows_the_route(map_data: MapData, route: Route) -> None:
    draw = build_draw_list(map_data, Camera(CENTRE, zoom=15), W, H, route=route)
    assert len(draw.route) == 2 * len(route.polyline)
    points = _points(draw.route)
    inside = [0 <= x <= W and 0 <= y <= H for x, y in points]
    assert all(inside)
    # Heading south-east on the map means x grows and y (up) shrinks.
    (x0, y0), (x1, y1) = points[0], points[-1]
    assert x1 > x0 and y1 < y0


def test_markers_respect_min_zoom_and_viewport(map_data: MapData) -> None:
    markers = [
        Marker("near", CENTRE, MarkerStyle(label="here")),
        Marker("detail", CENTRE, MarkerStyle(min_zoom=18)),
        Marker("far", LatLon(61.5, 23.8)),  # Tampere, far outside the view
    ]
    draw = build_draw_list(map_data, Camera(CENTRE, zoom=16), W, H, markers=markers)
    assert [m.marker_id for m in draw.markers] == ["near"]
    assert draw.markers[0].x == pytest.approx(W / 2)
    assert draw.markers[0].y == pytest.approx(H / 2)
    zoomed = build_draw_list(map_data, Camera(CENTRE, zoom=18), W, H, markers=markers)
    assert [m.marker_id for m in zoomed.markers] == ["near", "detail"]


def test_follow_vehicle_centres_on_the_vehicle(map_data: MapData) -> None:
    pose = VehiclePose(LatLon(60.1675, 24.9520), heading_deg=90)
    fixed = build_draw_list(map_data, Camera(CENTRE, zoom=16), W, H, vehicle=pose)
    follow = build_draw_list(
        map_data, Camera(CENTRE, zoom=16, follow_vehicle=True), W, H, vehicle=pose
    )
    assert follow.vehicle is not None and fixed.vehicle is not None
    assert (follow.vehicle.x, follow.vehicle.y) == pytest.approx((W / 2, H / 2))
    assert follow.vehicle.heading_deg == 90
    assert fixed.vehicle.x > W / 2  # the vehicle is east of the fixed centre
    assert follow.center == pose.position


def test_road_layers_are_cached_per_camera_and_viewport(map_data: MapData) -> None:
    camera = Camera(CENTRE, zoom=16)
    first = build_draw_list(map_data, camera, W, H)
    again = build_draw_list(map_data, Camera(CENTRE, zoom=16, tilt_deg=30), W, H)
    assert again.roads is first.roads
    other = build_draw_list(map_data, camera, W // 2, H)
    assert other.roads is not first.roads


@pytest.mark.parametrize(
    ("w", "h", "field"), [(0, 10, "viewport_w_px"), (10, 20_000, "viewport_h_px")]
)
def test_viewport_size_is_validated(map_data: MapData, w: int, h: int, field: str) -> None:
    with pytest.raises(ValueError, match=rf"Field '{field}'"):
        build_draw_list(map_data, Camera(CENTRE), w, h)
