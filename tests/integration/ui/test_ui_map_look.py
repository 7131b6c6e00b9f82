"""The map panel as a navigation map: street names, the route casing, the scale bar, the
traffic ahead, and a "no map data" hatch beyond the extract with the camera held over it
(issue 17, item 3). Real renders of the bundled Helsinki extract, Kivy offscreen."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from cardeck_sim.maps import Camera, GuidanceSimulator, LatLon, build_draw_list
from cardeck_sim.state import DayNight, Gear
from cardeck_sim.ui import DAY, DEMO_CLOCK, NIGHT, camera_for, demo_store

PROFILE = "hyundai-kia-ccnc"
STATION = LatLon(60.1699, 24.9384)
ROUND = re.compile(r"^[125]0* (m|km)$")
MAJOR_STREETS = {"Mannerheimintie", "Kaivokatu", "Unioninkatu", "Pohjoisesplanadi", "Simonkatu"}


def _render(catalog, map_data, store):
    """Paint the centre display; return the image, what was written, its layout and map panel."""
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo

    display = next(d for d in catalog.get(PROFILE).displays if d.id == "center")
    layout = catalog.layouts(PROFILE)["center"]
    painter = DisplayPainter(display, layout, map_data=map_data, clock=DEMO_CLOCK)
    painter.ctx.painted = []
    fbo = painter.make_fbo()
    painter.update(store)
    image = np.asarray(read_fbo(fbo), dtype=np.int16)
    panel = next(p for p in layout.panels if p.kind == "map").rect_px
    return image, painter.ctx.painted, layout, panel


def _store(map_data, night: bool = False, camera: Camera | None = None):
    store = demo_store(map_data, PROFILE, night=night)
    if camera is not None:
        store.set_map(camera=camera)
    return store


def _draw(store, map_data, panel):
    """The draw list the painter draws (same camera, same panel size)."""
    w, h = int(panel.width), int(panel.height)
    camera = camera_for(store.map, map_data, w, h)
    return build_draw_list(map_data, camera, w, h, route=store.map.route, markers=store.map.markers)


def _mask(pixels: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 2) -> np.ndarray:
    return np.abs(pixels - np.array(rgb, dtype=np.int16)).max(axis=2) <= tolerance


def _in_panel(painted, layout, panel):
    """The texts written inside the map panel (painted is in Kivy coordinates, y up)."""
    top = layout.height_px - panel.y
    return [
        p
        for p in painted
        if panel.x <= p.pos[0]
        and p.pos[0] + p.size[0] <= panel.x + panel.width
        and top - panel.height <= p.pos[1]
        and p.pos[1] + p.size[1] <= top
    ]


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_major_streets_are_named_on_a_known_view(window, catalog, map_data, night):
    store = _store(map_data, night, Camera(STATION, zoom=16.5))
    _, painted, layout, panel = _render(catalog, map_data, store)
    inside = _in_panel(painted, layout, panel)
    names = {p.text for p in inside} & MAJOR_STREETS
    assert len(names) >= 2, f"street names written: {sorted(p.text for p in inside)}"
    for p in inside:
        if p.text in MAJOR_STREETS:
            assert p.font_px >= layout.min_text_px
    # Outside the panel no street name is written.
    assert not {p.text for p in painted if p not in inside} & MAJOR_STREETS


def test_street_names_keep_clear_of_the_markers(window, catalog, map_data):
    store = _store(map_data)
    _, painted, layout, panel = _render(catalog, map_data, store)
    draw = _draw(store, map_data, panel)
    streets = {label.name for label in draw.labels}
    names = [p for p in _in_panel(painted, layout, panel) if p.text in streets]
    assert names, "the demo view names no street"
    x0, y0 = panel.x, layout.height_px - panel.y - panel.height
    for marker in draw.markers:
        mx, my = x0 + marker.x, y0 + marker.y
        for p in names:
            (px, py), (tw, th) = p.pos, p.size
            assert not (px - 8 <= mx <= px + tw + 8 and py - 8 <= my <= py + th + 8), p.text


def test_the_scale_bar_shows_a_round_distance_that_follows_the_zoom(window, catalog, map_data):
    labels = []
    for zoom in (15.0, 16.0, 17.0):
        store = _store(map_data, camera=Camera(STATION, zoom=zoom))
        _, painted, layout, panel = _render(catalog, map_data, store)
        found = [p.text for p in _in_panel(painted, layout, panel) if ROUND.match(p.text)]
        assert len(found) == 1, f"zoom {zoom}: {[p.text for p in painted]}"
        labels.append(found[0])
    metres = [float(t.split()[0]) * (1000 if t.endswith("km") else 1) for t in labels]
    assert metres[0] > metres[1] > metres[2], labels


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_beyond_the_extract_the_map_shows_a_no_data_hatch(window, catalog, map_data, night):
    theme = NIGHT if night else DAY
    # At zoom 16 the extract is narrower than the 1468 px map: it is centred between hatches.
    store = _store(map_data, night, Camera(STATION, zoom=16.0))
    image, _, _, panel = _render(catalog, map_data, store)
    draw = _draw(store, map_data, panel)
    left, _, right, _ = draw.data_bounds
    assert left > 20 and right < panel.width - 20
    # East of the data (the guidance card floats at the west, the credit sits at the bottom).
    y0, y1 = int(panel.y + 10), int(panel.y + panel.height - 60)
    beyond = image[y0:y1, int(panel.x + right) + 2 : int(panel.x + panel.width) - 2]
    hatch = _mask(beyond, theme.map_void_line).mean()
    ground = _mask(beyond, theme.map_void).mean()
    assert 0.05 < hatch < 0.4 and hatch + ground > 0.95, (hatch, ground)
    land = image[y0:y1, int(panel.x + left) + 2 : int(panel.x + right) - 2]
    assert _mask(land, theme.map_void_line).mean() < 0.001
    assert _mask(land, theme.map_land).mean() > 0.3
    # Night: a dark map style with no pure white (the markers' white rims and glyphs are
    # the colours their client chose, a few hundred pixels).
    if night:
        whole = image[y0:y1, int(panel.x) : int(panel.x + panel.width)]
        assert _mask(whole, (255,) * 3, 0).mean() < 0.002


def test_the_camera_stops_at_the_edge_of_the_data(map_data):
    from cardeck_sim.state import MapView
    from cardeck_sim.ui._scene import pan_camera, zoom_camera

    w, h = 1468, 650
    camera = camera_for(MapView(camera=Camera(STATION, zoom=18.0)), map_data, w, h)
    # Drag the map far to the left, again and again: the east edge of the data stops at the
    # panel's right edge.
    for _ in range(40):
        camera = camera_for(MapView(camera=pan_camera(camera, -600, 0)), map_data, w, h)
    left, bottom, right, top = build_draw_list(map_data, camera, w, h).data_bounds
    assert right == pytest.approx(w, abs=1.0) and left < 0
    # And up and down the same.
    for dy in (-600, 600):
        for _ in range(40):
            camera = camera_for(MapView(camera=pan_camera(camera, 0, dy)), map_data, w, h)
        _, bottom, _, top = build_draw_list(map_data, camera, w, h).data_bounds
        assert (bottom if dy < 0 else top) == pytest.approx(0 if dy < 0 else h, abs=1.0)
    # A client's camera far off the map is brought back over it.
    far = camera_for(MapView(camera=Camera(LatLon(61.0, 26.0), zoom=17.0)), map_data, w, h)
    left, bottom, right, top = build_draw_list(map_data, far, w, h).data_bounds
    assert left <= 0 <= w <= right + 1 and bottom <= 1 and top >= h - 1
    # Zooming far out stops with the whole extract in view, centred.
    for _ in range(10):
        camera = camera_for(MapView(camera=zoom_camera(camera, 0.25)), map_data, w, h)
    left, bottom, right, top = build_draw_list(map_data, camera, w, h).data_bounds
    assert left >= -1 and right <= w + 1 and bottom >= -1 and top <= h + 1
    assert max(right - left - w, top - bottom - h) == pytest.approx(0, abs=1.5)
    assert left + right == pytest.approx(w, abs=1.5) and bottom + top == pytest.approx(h, abs=1.5)


def _route_samples(draw, step_px: float = 12.0):
    """Points every ``step_px`` along the drawn route (panel px, y up)."""
    pts = list(zip(draw.route[0::2], draw.route[1::2], strict=True))
    out = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) / step_px))
        out += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(n)]
    return out


def _near(image, panel, points, rgb, reach: int) -> float:
    """The share of route points with a pixel of a colour within ``reach`` px."""
    hits = 0
    for x, y in points:
        ix, iy = round(panel.x + x), round(panel.y + panel.height - y)
        window = image[max(0, iy - reach) : iy + reach + 1, max(0, ix - reach) : ix + reach + 1]
        hits += bool(_mask(window, rgb).any())
    return hits / len(points)


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_the_route_is_drawn_with_a_darker_casing(window, catalog, map_data, night):
    theme = NIGHT if night else DAY
    store = _store(map_data, night)
    image, _, _, panel = _render(catalog, map_data, store)
    points = _route_samples(_draw(store, map_data, panel))
    assert len(points) > 50
    # The casing shows on both sides of the line (a few points are under markers or names).
    assert _near(image, panel, points, theme.route_casing, 8) > 0.85
    assert _near(image, panel, points, theme.route, 3) > 0.85


def test_the_route_ahead_turns_red_when_the_car_crawls(window, catalog, map_data):
    store = _store(map_data)
    sim = GuidanceSimulator(store.map.route, map_data=map_data)
    for _ in range(6):
        store.set_map(guidance=sim.step(1.0))
    panel = next(p for p in catalog.layouts(PROFILE)["center"].panels if p.kind == "map").rect_px
    points = _route_samples(_draw(store, map_data, panel))
    store.update_vehicle(speed_kmh=5, gear=Gear.DRIVE)
    crawling, _, _, _ = _render(catalog, map_data, store)
    store.update_vehicle(speed_kmh=60, gear=Gear.DRIVE, day_night=DayNight.DAY)
    flowing, _, _, _ = _render(catalog, map_data, store)
    assert _near(crawling, panel, points, DAY.traffic_jam, 2) > 0.05
    assert _near(flowing, panel, points, DAY.traffic_jam, 2) == 0
