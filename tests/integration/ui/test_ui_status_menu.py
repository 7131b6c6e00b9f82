"""The dock collapsed into the status bar: its menu control is drawn and reaches the panels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from cardeck.layout import Display, VehicleProfile, reachable_from
from cardeck_sim.maps import MapData
from cardeck_sim.service._catalog import CatalogEntry, ProfileCatalog
from cardeck_sim.state import Gear, StateStore
from cardeck_sim.ui import DAY, DEMO_CLOCK, status_menu, tap

from ._pixels import color_mask, crop

PORTRAIT = VehicleProfile(
    id="portrait-320x1280",
    name="Portrait 320x1280",
    sources=("issue 16",),
    driver_side="left",
    displays=(Display(id="center", role="center", width_px=320, height_px=1280, dpi=160),),
)


@pytest.fixture
def portrait() -> ProfileCatalog:
    return ProfileCatalog({PORTRAIT.id: CatalogEntry(PORTRAIT, "")})


def _render(store: StateStore, catalog: ProfileCatalog, map_data: MapData) -> Image.Image:
    from cardeck_sim.ui import render_display

    png = render_display(store, catalog, "center", map_data=map_data, clock=DEMO_CLOCK)
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_menu_control_is_drawn_and_its_taps_reach_voice_and_browser(
    window: object, portrait: ProfileCatalog, map_data: MapData
) -> None:
    layout = portrait.layouts(PORTRAIT.id)["center"]
    assert not layout.panel("dock").visible
    menu = status_menu(layout)
    assert menu is not None
    bar = layout.panel("status_bar").rect_px
    # Inside the status bar, at its end, a whole touch target wide.
    assert bar.x <= menu.rect.x and menu.rect.x + menu.rect.width == bar.x + bar.width
    assert menu.rect.width >= layout.min_touch_px
    assert {p.panel_id for p in menu.panels} == {"voice", "browser"}
    for panel in menu.panels:
        assert reachable_from(layout, panel.panel_id) == layout.panel("status_bar")

    store = StateStore(active_profile_id=PORTRAIT.id)
    image = _render(store, portrait, map_data)
    pixels = crop(image, menu.rect)
    # The control is drawn: most of it is the control fill, and its bars are text-coloured.
    assert color_mask(pixels, DAY.control).mean() > 0.4
    assert color_mask(pixels, DAY.text, tol=30).sum() > 30
    # The rest of the bar carries no control fill: the button is the only control there.
    rest = crop(image, bar)[:, : round(menu.rect.x - bar.x)]
    assert color_mask(rest, DAY.control).mean() < 0.05

    cx = menu.rect.x + menu.rect.width / 2
    cy = menu.rect.y + menu.rect.height / 2
    reached = []
    for _ in range(3):
        panel_id, _kind = tap(store, portrait, "center", cx, cy)
        assert store.focus["center"] == panel_id
        reached.append(panel_id)
    assert reached == ["voice", "browser", "voice"]

    # While it focuses a collapsed panel the control is lit in the accent colour.
    lit = crop(_render(store, portrait, map_data), menu.rect)
    assert color_mask(lit, DAY.accent).mean() > 0.4
    assert np.asarray(lit).std() > 5  # the bars are drawn on it


def test_the_drive_text_stays_between_the_clock_and_the_menu_control(
    window: object, portrait: ProfileCatalog, map_data: MapData
) -> None:
    layout = portrait.layouts(PORTRAIT.id)["center"]
    menu = status_menu(layout)
    assert menu is not None
    store = StateStore(active_profile_id=PORTRAIT.id)
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)
    bar = layout.panel("status_bar").rect_px
    pixels = crop(_render(store, portrait, map_data), bar)[:, : round(menu.rect.x - bar.x)]
    ink = np.nonzero((~color_mask(pixels, DAY.status_bar, tol=10)).any(axis=0))[0]
    # Two texts, apart: the widest blank run between inked columns is the padding
    # on both sides (2 x 8 px at least), far wider than a space inside a text.
    assert ink.size > 40
    assert ink.min() >= 8  # nothing runs off the bar's start past the clock
    assert np.diff(ink).max() - 1 >= 16


def test_no_bundled_display_draws_a_menu_control(catalog: ProfileCatalog) -> None:
    # Goldens stay as they are: no bundled profile collapses its dock.
    for profile_id in catalog.ids():
        for layout in catalog.layouts(profile_id).values():
            assert status_menu(layout) is None
