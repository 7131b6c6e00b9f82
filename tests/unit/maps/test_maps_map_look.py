"""What the map view needs beyond roads: street-name places, the extract's bounds, the
scale bar's round length and the traffic ahead of the car (issue 17, item 3)."""

from __future__ import annotations

import math

import pytest

from cardeck_sim.maps import (
    Camera,
    LatLon,
    Traffic,
    build_draw_list,
    scale_bar,
    traffic_ahead,
)

CENTRE = LatLon(60.1699, 24.9384)
W, H = 1200, 600


def test_major_named_roads_in_view_get_label_places_inside_the_viewport(map_data):
    draw = build_draw_list(map_data, Camera(CENTRE, zoom=16.0), W, H)
    names = {label.name for label in draw.labels}
    # Helsinki's main streets around the station, from the extract's `name` tags.
    assert {"Mannerheimintie", "Kaivokatu", "Unioninkatu"} <= names
    for label in draw.labels:
        assert 0 <= label.x <= W and 0 <= label.y <= H
        assert -90.0 < label.angle_deg <= 90.0  # reads left to right
        assert label.length_px >= 48.0
        assert label.road_class != "service"


def test_labels_come_most_important_road_first(map_data):
    draw = build_draw_list(map_data, Camera(CENTRE, zoom=16.0), W, H)
    order = ["tertiary", "secondary", "primary", "trunk", "motorway"]
    ranks = [order.index(label.road_class) for label in draw.labels if label.road_class in order]
    assert ranks == sorted(ranks, reverse=True)


def test_minor_streets_are_named_only_when_zoomed_in(map_data):
    far = build_draw_list(map_data, Camera(CENTRE, zoom=15.0), W, H)
    near = build_draw_list(map_data, Camera(CENTRE, zoom=17.0), W, H)
    assert "residential" not in {label.road_class for label in far.labels}
    assert "residential" in {label.road_class for label in near.labels}


def test_data_bounds_frame_the_extract_in_viewport_pixels(map_data):
    draw = build_draw_list(map_data, Camera(CENTRE, zoom=16.0), W, H)
    left, bottom, right, top = draw.data_bounds
    assert left < W / 2 < right and bottom < H / 2 < top
    # Every road point lies inside them.
    for layer in draw.roads:
        for line in layer.lines:
            assert all(left - 1e-6 <= x <= right + 1e-6 for x in line[0::2])
            assert all(bottom - 1e-6 <= y <= top + 1e-6 for y in line[1::2])


def test_metres_per_pixel_halves_with_each_zoom_level(map_data):
    a = build_draw_list(map_data, Camera(CENTRE, zoom=15.0), W, H).metres_per_px
    b = build_draw_list(map_data, Camera(CENTRE, zoom=16.0), W, H).metres_per_px
    assert a == pytest.approx(2 * b)
    # Web Mercator: 156 543 m/px at zoom 0 on the equator, times cos(latitude); the map
    # measures on the mean Earth radius as its distances do (0.1 % below the equatorial).
    assert b == pytest.approx(156_543.03 * math.cos(math.radians(CENTRE.lat)) / 2**16, rel=2e-3)


@pytest.mark.parametrize(
    ("metres_per_px", "max_px", "metres", "label"),
    [
        (1.0, 150, 100.0, "100 m"),
        (1.19, 150, 100.0, "100 m"),
        (2.39, 150, 200.0, "200 m"),
        (4.0, 150, 500.0, "500 m"),
        (9.55, 150, 1000.0, "1 km"),
        (20.0, 150, 2000.0, "2 km"),
        (0.15, 100, 10.0, "10 m"),
    ],
)
def test_the_scale_bar_shows_a_round_length_no_longer_than_allowed(
    metres_per_px, max_px, metres, label
):
    bar = scale_bar(metres_per_px, max_px)
    assert bar is not None
    assert (bar.metres, bar.label) == (metres, label)
    assert bar.length_px <= max_px
    assert bar.length_px == pytest.approx(metres / metres_per_px)
    # The longest round length: the next one up would not fit.
    assert bar.length_px > max_px / 2.5


def test_no_scale_bar_without_a_scale():
    assert scale_bar(0.0, 100) is None
    assert scale_bar(1.0, 0.5) is None


def test_the_route_ahead_flows_at_the_roads_pace(route):
    free = route.segment_speed_kmh[0]
    assert traffic_ahead(route, 0.0, free) is None
    assert traffic_ahead(route, 0.0, 0.7 * free) is None


def test_below_the_roads_pace_the_route_ahead_is_slow_then_jammed(route):
    free = route.segment_speed_kmh[0]
    slow = traffic_ahead(route, 0.0, 0.5 * free)
    jam = traffic_ahead(route, 0.0, 0.0)
    assert slow is not None and slow.level is Traffic.SLOW
    assert jam is not None and jam.level is Traffic.JAM
    assert jam.start == 0.0 and jam.end > jam.start


def test_the_coloured_stretch_starts_at_the_car_and_reaches_300_m_ahead(route):
    from cardeck_sim.maps import haversine_m

    travelled = route.distance_m / 3
    ahead = traffic_ahead(route, travelled, 0.0)
    assert ahead is not None

    def point(f: float) -> LatLon:
        i = min(int(f), len(route.polyline) - 2)
        a, b = route.polyline[i], route.polyline[i + 1]
        t = f - i
        return LatLon(a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t)

    length = sum(
        haversine_m(point(f0), point(f1))
        for f0, f1 in zip(
            [ahead.start, *range(math.ceil(ahead.start), math.ceil(ahead.end))],
            [*range(math.ceil(ahead.start), math.ceil(ahead.end)), ahead.end],
            strict=True,
        )
        if f1 > f0
    )
    assert length == pytest.approx(300.0, abs=5.0)


def test_no_traffic_colour_once_arrived(route):
    assert traffic_ahead(route, route.distance_m, 0.0) is None
