"""The dock and the status bar as a production head unit draws them (issue 17, items 2 and 3).

Checked on the paint record (``PaintContext.painted``: every text and icon drawn,
icons carrying their name) and on the rendered pixels, over every bundled display
with a dock, in day and night: tabs are full touch targets that fill the dock's
strip, each draws its panel's icon — an icon, not a text standing in for it —
the active one is lit, and the status bar draws its clock and icons.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from cardeck.layout import (
    Display,
    DisplayLayout,
    Rect,
    VehicleProfile,
    bundled_profiles,
    solve_display,
)
from cardeck_sim.maps import MapData
from cardeck_sim.service._catalog import ProfileCatalog
from cardeck_sim.state import DayNight, StateStore
from cardeck_sim.ui import DAY, DEMO_CLOCK, NIGHT, demo_store, dock_tabs
from cardeck_sim.ui.painters.base import PaintedText
from cardeck_sim.ui.theme import PANEL_ICONS, RGB

from ._pixels import color_mask, crop

DOCKED = [
    (pid, d.id)
    for pid, profile in sorted(bundled_profiles().items())
    for d in profile.displays
    if d.role in ("center", "passenger", "rear")
]


def _paint(
    display: Display, layout: DisplayLayout, store: StateStore, map_data: MapData
) -> tuple[Image.Image, list[PaintedText]]:
    """Paint a display for real; return its pixels (top-left origin) and its paint record."""
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo

    painter = DisplayPainter(display, layout, map_data=map_data, clock=DEMO_CLOCK)
    painter.ctx.painted = []
    fbo = painter.make_fbo()
    painter.update(store)
    return read_fbo(fbo).convert("RGB"), painter.ctx.painted


def _inside(p: PaintedText, layout: DisplayLayout, rect: Rect) -> bool:
    """Whether a painted item (Kivy coordinates) lies inside a layout rect (top-left origin)."""
    x, y = p.pos
    w, h = p.size
    top = layout.height_px - y - h
    return (
        rect.x - 1 <= x
        and x + w <= rect.x + rect.width + 1
        and rect.y - 1 <= top
        and top + h <= rect.y + rect.height + 1
    )


def _display(catalog: ProfileCatalog, profile_id: str, display_id: str) -> Display:
    return next(d for d in catalog.get(profile_id).displays if d.id == display_id)


def test_dock_tabs_are_touch_targets_that_fill_the_strip(catalog: ProfileCatalog) -> None:
    checked = 0
    for profile_id in catalog.ids():
        for display_id, layout in catalog.layouts(profile_id).items():
            tabs = dock_tabs(layout)
            if not tabs:
                continue
            strip = layout.panel("dock").rect_px
            vertical = strip.height >= strip.width
            length = strip.height if vertical else strip.width
            extents = [t.rect.height if vertical else t.rect.width for t in tabs]
            where = f"{profile_id}/{display_id}"
            assert min(extents) >= layout.min_touch_px, where
            for t in tabs:
                across = t.rect.width if vertical else t.rect.height
                assert across == (strip.width if vertical else strip.height), where
            # Together they fill the strip: no column of empty dock.
            assert sum(extents) >= 0.9 * length, (where, extents, length)
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
@pytest.mark.parametrize(("profile_id", "display_id"), DOCKED, ids=[f"{p}-{d}" for p, d in DOCKED])
def test_every_dock_tab_draws_its_icon_and_the_active_one_is_lit(
    window: object,
    catalog: ProfileCatalog,
    map_data: MapData,
    profile_id: str,
    display_id: str,
    night: bool,
) -> None:
    layout = catalog.layouts(profile_id)[display_id]
    tabs = dock_tabs(layout)
    if not tabs:
        pytest.skip("no dock on this display")
    theme = NIGHT if night else DAY
    store = demo_store(map_data, profile_id, night=night)
    active = tabs[1]
    store.set_focus(display_id, active.panel_id, 0)
    image, painted = _paint(_display(catalog, profile_id, display_id), layout, store, map_data)
    for tab in tabs:
        icons = [p for p in painted if p.icon and _inside(p, layout, tab.rect)]
        # An icon, not a text standing in for it: the record names it.
        assert [p.icon for p in icons] == [PANEL_ICONS[tab.kind]], (tab, icons)
        assert icons[0].size[0] >= layout.min_text_px, icons[0]
        pixels = crop(image, tab.rect)
        lit = color_mask(pixels, theme.indicator).mean()
        if tab is active:
            assert lit > 0.03, tab
            assert color_mask(pixels, theme.on_indicator, tol=40).sum() > 50, tab
        else:
            assert lit == 0.0, tab
            assert color_mask(pixels, theme.icon, tol=40).sum() > 50, tab
    # Labels, where a tab has room for one beside or under its icon.
    labels = {p.text for p in painted if not p.icon}
    assert {t.label for t in tabs} & labels
    if night:
        # No pure white anywhere on the dock or the status bar at night.
        for kind in ("dock", "status_bar"):
            pixels = np.asarray(crop(image, layout.panel(kind).rect_px))
            assert not (pixels >= 250).all(axis=-1).any(), kind


def test_a_collapsed_panel_tab_shows_the_panel_s_own_icon(
    window: object, map_data: MapData
) -> None:
    display = Display(id="d", role="center", width_px=800, height_px=480, dpi=160)
    profile = VehicleProfile(
        id="small", name="Small", sources=("issue 17",), driver_side="left", displays=(display,)
    )
    layout = solve_display(profile, "d")
    collapsed = [t for t in dock_tabs(layout) if t.collapsed]
    assert [t.kind for t in collapsed] == ["browser"]
    store = demo_store(map_data, "")
    _image, painted = _paint(display, layout, store, map_data)
    icons = [p.icon for p in painted if p.icon and _inside(p, layout, collapsed[0].rect)]
    assert icons == [PANEL_ICONS["browser"]]


def test_an_icon_replaced_by_text_fails_the_icon_check(
    window: object, catalog: ProfileCatalog, map_data: MapData
) -> None:
    """The checks above tell an icon from a text: a tab painting its name instead fails."""
    from kivy.graphics import InstructionGroup

    from cardeck_sim.ui.painters import base

    layout = catalog.layouts("polestar-2")["center"]
    display = _display(catalog, "polestar-2", "center")
    store = demo_store(map_data, "polestar-2")

    def as_text(
        self: base.PaintContext,
        g: InstructionGroup,
        name: str,
        box: base.Box,
        color: RGB,
        **_how: object,
    ) -> None:
        self.label(g, name, box, self.body_px, color)

    real = base.PaintContext.icon
    base.PaintContext.icon = as_text  # type: ignore[method-assign]
    try:
        _image, painted = _paint(display, layout, store, map_data)
    finally:
        base.PaintContext.icon = real  # type: ignore[method-assign]
    assert not [p for p in painted if p.icon]
    _image, painted = _paint(display, layout, store, map_data)
    assert len([p for p in painted if p.icon]) >= len(dock_tabs(layout))


@pytest.mark.parametrize("night", [False, True], ids=["day", "night"])
def test_the_status_bar_draws_the_clock_temperature_and_connectivity(
    window: object, catalog: ProfileCatalog, map_data: MapData, night: bool
) -> None:
    layout = catalog.layouts("polestar-2")["center"]
    store = demo_store(map_data, "polestar-2", night=night)
    _image, painted = _paint(_display(catalog, "polestar-2", "center"), layout, store, map_data)
    bar = layout.panel("status_bar").rect_px
    inside = [p for p in painted if _inside(p, layout, bar)]
    assert {p.icon for p in inside if p.icon} == {
        "device_thermostat",
        "signal_cellular_alt",
        "wifi",
    }
    texts = [p.text for p in inside if not p.icon]
    assert texts[0] == "12:34" and "18°C" in texts and "Parked · P" in texts


def test_past_a_notch_the_status_icons_move_into_the_other_strip(
    window: object, catalog: ProfileCatalog, map_data: MapData
) -> None:
    layout = catalog.layouts("concept-ribbon-33in")["ribbon"]
    display = _display(catalog, "concept-ribbon-33in", "ribbon")
    notch = display.cutouts[0]
    bar = layout.panel("status_bar")
    assert bar.rect_px.x + bar.rect_px.width <= notch.x  # the content stops at the notch
    store = demo_store(map_data, "concept-ribbon-33in")
    store.update_vehicle(day_night=DayNight.NIGHT)
    _image, painted = _paint(display, layout, store, map_data)
    icons = {p.icon: p for p in painted if p.icon in {"wifi", "signal_cellular_alt"}}
    assert set(icons) == {"wifi", "signal_cellular_alt"}
    for p in icons.values():
        assert p.pos[0] >= notch.x + notch.width, p
        assert layout.height_px - p.pos[1] <= bar.rect_px.height + 1, p  # in the bar's band
    # The clock stays on the content side.
    clock = next(p for p in painted if p.text == "12:34")
    assert clock.pos[0] < notch.x


def test_the_status_icons_give_way_to_the_clock_and_drive_state_on_a_narrow_bar(
    window: object, map_data: MapData
) -> None:
    display = Display(id="d", role="center", width_px=320, height_px=1280, dpi=160)
    profile = VehicleProfile(
        id="narrow", name="Narrow", sources=("issue 17",), driver_side="left", displays=(display,)
    )
    layout = solve_display(profile, "d")
    store = demo_store(map_data, "")
    _image, painted = _paint(display, layout, store, map_data)
    texts = [p.text for p in painted]
    assert "12:34" in texts
    bar = layout.panel("status_bar").rect_px
    inside = [p for p in painted if _inside(p, layout, bar)]
    # Whatever is drawn does not overlap (the text-fit test checks the same everywhere).
    boxes = sorted((p.pos[0], p.pos[0] + p.size[0]) for p in inside)
    for (_a0, a1), (b0, _b1) in itertools.pairwise(boxes):
        assert a1 <= b0 + 1, boxes
