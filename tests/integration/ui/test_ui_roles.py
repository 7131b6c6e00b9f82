"""Roles drawn for what they are: the cluster's gauge, the bare HUD, the console's climate.

Checked on the rendered pixels and the paint record, in day and night, with a
golden per role and theme.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cardeck.layout import load_profile, solve_display
from cardeck_sim.state import Gear
from cardeck_sim.ui import DEMO_CLOCK, demo_store

from ._pixels import MAX_BAD_FRACTION, check_golden, color_mask

CLUSTER = ("polestar-2", "cluster")
HUD = ("concept-ribbon-33in", "hud")
CONSOLE_YAML = """\
id: roles-demo
name: Role demo (a climate console and two small clusters)
sources: [test]
driver_side: left
displays:
  - id: center
    role: center
    width_px: 1920
    height_px: 720
    diagonal_in: 12.3
    input_modes: [touch]
  - id: console
    role: console
    width_px: 1280
    height_px: 480
    diagonal_in: 8.4
    input_modes: [touch]
  # Two small clusters: a strip at 300 dpi (the bare speed) and a portrait one (a small gauge).
  - id: strip
    role: cluster
    width_px: 900
    height_px: 300
    dpi: 300
  - id: tall
    role: cluster
    width_px: 720
    height_px: 1080
    diagonal_in: 7
"""


@pytest.fixture(scope="module")
def roles_profile(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("profiles")) / "roles-demo.yaml"
    path.write_text(CONSOLE_YAML)
    return load_profile(path)


def _display(catalog, pid, did):
    display = next(d for d in catalog.get(pid).displays if d.id == did)
    return display, catalog.layouts(pid)[did]


def _paint(store, display, layout, map_data):
    """Paint a display for real; return its image, its painter and what it recorded."""
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo

    painter = DisplayPainter(display, layout, map_data=map_data, clock=DEMO_CLOCK)
    painter.ctx.painted = []
    fbo = painter.make_fbo()
    painter.update(store)
    return read_fbo(fbo), painter, painter.ctx.painted


def _render(store, display, layout, map_data):
    return _paint(store, display, layout, map_data)[0]


def _gauge(layout, min_text_px):
    """The gauge of the cluster's speed panel, Kivy coordinates (as the painter places it)."""
    from cardeck_sim.ui.painters.cluster import gauge_for
    from cardeck_sim.ui.painters.text import TextCache

    panel = next(p for p in layout.panels if p.kind == "speed")
    r = panel.rect_px
    pad = max(8.0, round(min_text_px * 0.6))
    y = layout.height_px - r.y - r.height
    # SpeedPainter's range row: 1.5 text lines (the text provider's line height) and a body.
    line = TextCache().line_height(min_text_px) * 1.5 + min_text_px
    return panel, gauge_for(
        (r.x + pad, y + pad + line, r.width - 2 * pad, r.height - 2 * pad - line), min_text_px
    )


def _arc_pixels(image, gauge, height, angles):
    """The pixel colours at the middle of the arc's stroke at the given angles."""
    import math

    rgb = np.asarray(image.convert("RGB"))
    out = []
    for deg in angles:
        a = math.radians(deg)
        x = gauge.cx + gauge.radius * math.sin(a)
        y = gauge.cy + gauge.radius * math.cos(a)
        out.append(tuple(int(c) for c in rgb[round(height - y), round(x)]))
    return out


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_the_cluster_gauge_is_filled_along_its_arc_up_to_the_speed(
    window, catalog, map_data, night
):
    from cardeck_sim.ui.painters.cluster import gauge_angle
    from cardeck_sim.ui.theme import theme_for

    display, layout = _display(catalog, *CLUSTER)
    theme = theme_for(night)
    store = demo_store(map_data, CLUSTER[0], night=night)
    store.update_vehicle(speed_kmh=60, gear=Gear.DRIVE)
    slow = _render(store, display, layout, map_data)
    _, gauge = _gauge(layout, float(layout.min_text_px))
    assert gauge is not None
    # 60 km/h of 200: the arc is lit from its start to gauge_angle(60), the track after it.
    lit = [gauge_angle(k) for k in (5, 30, 55)]
    dark = [gauge_angle(k) for k in (70, 120, 190)]
    for colour in _arc_pixels(slow, gauge, display.height_px, lit):
        assert max(abs(a - b) for a, b in zip(colour, theme.accent, strict=True)) <= 12
    for colour in _arc_pixels(slow, gauge, display.height_px, dark):
        assert max(abs(a - b) for a, b in zip(colour, theme.gauge_track, strict=True)) <= 12
    store.update_vehicle(speed_kmh=160)
    fast = _render(store, display, layout, map_data)
    for colour in _arc_pixels(fast, gauge, display.height_px, dark[:2]):
        assert max(abs(a - b) for a, b in zip(colour, theme.accent, strict=True)) <= 12
    panel = next(p for p in layout.panels if p.kind == "speed")
    r = panel.rect_px

    def lit_pixels(image):
        crop = np.asarray(image.convert("RGB"))[r.y : r.y + r.height, r.x : r.x + r.width]
        return int(color_mask(crop, theme.accent, tol=10).sum())

    # The gear box and the charge bar are lit at both speeds; the arc adds 100 km/h more.
    assert lit_pixels(fast) > lit_pixels(slow) * 1.5


def test_the_cluster_marks_the_current_gear_and_shows_speed_and_range(window, catalog, map_data):
    from cardeck_sim.ui.theme import theme_for

    display, layout = _display(catalog, *CLUSTER)
    store = demo_store(map_data, CLUSTER[0])
    store.update_vehicle(speed_kmh=87, gear=Gear.REVERSE)
    image, _, painted = _paint(store, display, layout, map_data)
    by_text = {p.text: p for p in painted}
    assert "87" in by_text and "km/h" in by_text
    # The store's simulated car: 80 % charged, 360 km to go (its VSS signals).
    assert "80% · 360 km" in by_text
    assert any(p.icon == "battery_full" for p in painted)
    # The lit box is under R: the accent around the letter, none around the others.
    theme = theme_for(False)
    rgb = np.asarray(image.convert("RGB"))
    for letter in "PRND":
        p = by_text[letter]
        x, y, w, h = p.rect
        top = display.height_px - (y + h)
        box = rgb[round(top) : round(top + h), round(x) : round(x + w)]
        share = color_mask(box, theme.accent, tol=10).mean()
        assert (share > 0.3) == (letter == "R"), (letter, share)


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_the_hud_is_black_with_the_speed_and_the_maneuver_only(window, catalog, map_data, night):
    display, layout = _display(catalog, *HUD)
    store = demo_store(map_data, HUD[0], night=night)
    store.update_vehicle(speed_kmh=87, gear=Gear.DRIVE)
    image, _, painted = _paint(store, display, layout, map_data)
    rgb = np.asarray(image.convert("RGB")).astype(int)
    # Everything that is not a glyph is black: at least 85 % of the pixels are (0, 0, 0).
    assert (rgb.max(axis=2) == 0).mean() > 0.85
    texts = {p.text for p in painted if not p.icon}
    assert texts == {"87", "km/h", "120 m"}, texts
    assert [p.icon for p in painted if p.icon] == ["turn_left"]


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_the_console_has_climate_controls_of_at_least_114_dp_with_icons(
    window, map_data, roles_profile, night
):
    display = next(d for d in roles_profile.displays if d.role == "console")
    layout = solve_display(roles_profile, display.id)
    assert layout.min_touch_px >= 114 * display.logical_density / 160 - 1e-6
    store = demo_store(map_data, roles_profile.id, night=night)
    _, painter, painted = _paint(store, display, layout, map_data)
    climate = next(p for p in painter.painters if p.panel.kind == "climate")
    assert len(climate.targets) == 8  # two temperatures × down/up, four toggles
    for _, _, w, h in climate.targets:
        assert min(w, h) >= layout.min_touch_px - 0.5
    icons = {p.icon for p in painted if p.icon}
    assert {
        "expand_less",
        "expand_more",
        "mode_fan",
        "ac_unit",
        "windshield_defrost_front",
        "seat_heat_left",
    } <= icons
    texts = {p.text for p in painted}
    assert {"21.5°C", "22°C", "A/C"} <= texts


ROLE_CASES = [
    ("polestar-2", "cluster"),
    ("concept-ribbon-33in", "hud"),
    ("renault-grand-koleos-2025", "passenger"),
    ("tesla-model-s-2021", "rear"),
]


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
@pytest.mark.parametrize(("pid", "did"), ROLE_CASES, ids=[d for _, d in ROLE_CASES])
def test_each_role_matches_its_golden_by_day_and_night(window, catalog, map_data, pid, did, night):
    display, layout = _display(catalog, pid, did)
    store = demo_store(map_data, pid, night=night)
    if did in ("cluster", "hud"):
        # Driving, for the gauge; passenger and rear screens stay parked (a demo store
        # knows no display's visibility, so driving would lock every browser).
        store.update_vehicle(speed_kmh=87, gear=Gear.DRIVE)
    image = _render(store, display, layout, map_data)
    bad = check_golden(image, f"role-{did}--{'night' if night else 'day'}")
    assert bad <= MAX_BAD_FRACTION, f"{bad:.2%} of pixels differ from the golden"


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_the_console_matches_its_golden_by_day_and_night(window, map_data, roles_profile, night):
    display = next(d for d in roles_profile.displays if d.role == "console")
    layout = solve_display(roles_profile, display.id)
    image = _render(demo_store(map_data, roles_profile.id, night=night), display, layout, map_data)
    bad = check_golden(image, f"role-console--{'night' if night else 'day'}")
    assert bad <= MAX_BAD_FRACTION, f"{bad:.2%} of pixels differ from the golden"


def test_the_cluster_map_is_a_mini_map_zoomed_in_on_the_vehicle(window, catalog, map_data):
    from cardeck_sim.ui._scene import camera_for
    from cardeck_sim.ui.painters.map import MapPainter
    from cardeck_sim.ui.painters.minimap import MiniMapPainter

    store = demo_store(map_data, CLUSTER[0])
    display, layout = _display(catalog, *CLUSTER)
    _, painter, painted = _paint(store, display, layout, map_data)
    minimap = next(p for p in painter.painters if p.panel.kind == "map")
    assert isinstance(minimap, MiniMapPainter)
    camera = minimap.read(store)[0].camera
    r = minimap.panel.rect_px
    whole_route = camera_for(store.map, map_data, int(r.width), int(r.height))
    assert camera.zoom >= 16.0 and camera.zoom > whole_route.zoom + 0.5
    # The vehicle is within a twelfth of the panel of its middle (the centre snaps).
    world = 256.0 * 2.0**camera.zoom
    vehicle = store.map.vehicle.position
    dx = (vehicle.lon - camera.center.lon) / 360.0 * world
    assert abs(dx) <= r.width / 12 + 1
    # No route card floats over it (the cluster has its own), only the map's credit.
    assert [p.text for p in painted if p.rect[0] >= r.x and not p.icon and "©" in p.text]
    # The centre screen keeps the whole route.
    centre_display, centre_layout = _display(catalog, CLUSTER[0], "center")
    _, centre, _ = _paint(store, centre_display, centre_layout, map_data)
    full = next(p for p in centre.painters if p.panel.kind == "map")
    assert type(full) is MapPainter


def test_layout_render_draws_a_roles_profiles_climate_controls(window, tmp_path, capsys):
    import argparse

    from PIL import Image

    from cardeck.cli import _ui_cmds
    from cardeck_sim.ui.theme import theme_for

    profile = tmp_path / "roles-demo.yaml"
    profile.write_text(CONSOLE_YAML)
    out = tmp_path / "console.png"
    parser = argparse.ArgumentParser(prog="cardeck")
    _ui_cmds.register(parser.add_subparsers(required=True))
    args = parser.parse_args(
        ["layout", "render", str(profile), "--display", "console", "--night", "-o", str(out)]
    )
    assert args.func(args) == 0
    assert capsys.readouterr().out == f"Wrote {out} (1280×480).\n"
    layout = solve_display(load_profile(profile), "console")
    panel = next(p for p in layout.panels if p.kind == "climate")
    with Image.open(out) as image:
        pixels = np.asarray(image.convert("RGB"))
    r = panel.rect_px
    crop = pixels[r.y : r.y + r.height, r.x : r.x + r.width]
    # The lit toggles (fan, A/C, seat heat) fill a good part of the panel in the accent.
    assert color_mask(crop, theme_for(True).accent, tol=10).mean() > 0.05


@pytest.mark.parametrize("did", ["strip", "tall"])
def test_a_small_cluster_speed_panel_draws_nothing_over_anything(
    window, map_data, roles_profile, did
):
    profile = roles_profile
    display = next(d for d in profile.displays if d.id == did)
    layout = solve_display(profile, did)
    store = demo_store(map_data, profile.id)
    store.update_vehicle(speed_kmh=188, gear=Gear.DRIVE)
    _, painter, painted = _paint(store, display, layout, map_data)
    speed = next(p for p in painter.painters if p.panel.kind == "speed")
    r = speed.panel.rect_px
    x, y, w, h = r.x, display.height_px - r.y - r.height, r.width, r.height
    mine = [p for p in painted if x <= p.pos[0] < x + w and y <= p.pos[1] < y + h and not p.icon]
    assert {"188", "km/h", "D"} <= {p.text for p in mine}
    for i, a in enumerate(mine):
        for b in mine[i + 1 :]:
            apart = (
                a.pos[0] + a.size[0] <= b.pos[0] + 1
                or b.pos[0] + b.size[0] <= a.pos[0] + 1
                or a.pos[1] + a.size[1] <= b.pos[1] + 1
                or b.pos[1] + b.size[1] <= a.pos[1] + 1
            )
            assert apart, (a.text, b.text)


def test_the_climate_panel_goes_over_the_wire_and_takes_focus(roles_profile):
    from cardeck._models._layout import display_layout_to_proto
    from cardeck.v1 import types_pb2
    from cardeck_sim.state import panel_kind_value

    layout = solve_display(roles_profile, "console")
    msg = display_layout_to_proto(layout, types_pb2.Display(display_id="console"))
    assert types_pb2.PANEL_KIND_CLIMATE in [p.kind for p in msg.panels]
    assert panel_kind_value("climate") == types_pb2.PANEL_KIND_CLIMATE
    # It takes the focus like any content panel: by a tap and by the rotary controller
    # in the window, and in the service's focus order (one rule, state.takes_focus).
    from cardeck_sim.service._simulator import focus_order
    from cardeck_sim.state import StateStore
    from cardeck_sim.ui._input import rotate_focus

    climate = next(p for p in layout.panels if p.kind == "climate")
    assert climate in focus_order(layout)
    store = StateStore(active_profile_id=roles_profile.id)
    seen = {rotate_focus(store, layout, "console", 1) for _ in range(len(layout.panels))}
    assert climate.panel_id in seen
    assert not seen & {p.panel_id for p in layout.panels if p.kind in ("status_bar", "dock")}
