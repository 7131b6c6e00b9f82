"""Collapsed panels open on the stage: from the dock or the status bar menu, and on a
cluster through the steering wheel's view key, with page dots that say which view shows."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cardeck.layout import Display, Rect, VehicleProfile, stage_of, stage_views
from cardeck_sim.maps import MapData
from cardeck_sim.service._catalog import CatalogEntry, ProfileCatalog
from cardeck_sim.state import StateStore
from cardeck_sim.ui import DAY, DEMO_CLOCK, NIGHT, status_menu, tap
from cardeck_sim.ui._theme import Theme

from ._pixels import color_mask, crop
from .test_ui_status_menu import PORTRAIT

# A 3.3-inch cluster at 300 dpi: the map collapses into a view of the speed panel.
SMALL_CLUSTER = VehicleProfile(
    id="small-cluster",
    name="Small cluster",
    sources=("issue 16",),
    driver_side="left",
    displays=(
        Display(id="center", role="center", width_px=1920, height_px=720, diagonal_in=12.3),
        Display(id="cluster", role="cluster", width_px=900, height_px=300, dpi=300),
    ),
)


def _catalog(profile: VehicleProfile) -> ProfileCatalog:
    return ProfileCatalog({profile.id: CatalogEntry(profile, "")})


def _render(
    store: StateStore, catalog: ProfileCatalog, display_id: str, map_data: MapData
) -> Image.Image:
    from cardeck_sim.ui import render_display

    png = render_display(store, catalog, display_id, map_data=map_data, clock=DEMO_CLOCK)
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_a_panel_collapsed_into_the_menu_opens_on_the_stage_and_takes_its_taps(
    window: object, map_data: MapData
) -> None:
    catalog = _catalog(PORTRAIT)
    layout = catalog.layouts(PORTRAIT.id)["center"]
    stage = stage_of(layout)
    assert stage is not None and stage.panel_id == "map"
    store = StateStore(active_profile_id=PORTRAIT.id)
    closed = crop(_render(store, catalog, "center", map_data), stage.rect_px)
    # The map's land fills its stage while nothing is opened.
    assert color_mask(closed, DAY.map_land).mean() > 0.3

    menu = status_menu(layout)
    assert menu is not None
    cx, cy = menu.rect.x + menu.rect.width / 2, menu.rect.y + menu.rect.height / 2
    assert tap(store, catalog, "center", cx, cy)[0] == "voice"
    opened = crop(_render(store, catalog, "center", map_data), stage.rect_px)
    # The voice card (the surface colour) now covers the stage; no land is left.
    assert color_mask(opened, DAY.map_land).mean() < 0.05
    assert color_mask(opened, DAY.surface).mean() > 0.5

    # A tap on the stage belongs to the opened panel: the focus stays on voice.
    r = stage.rect_px
    assert tap(store, catalog, "center", r.x + r.width / 2, r.y + r.height / 2)[0] == "voice"
    assert store.focus["center"] == "voice"


@pytest.mark.parametrize("theme", [DAY, NIGHT], ids=["day", "night"])
def test_the_view_key_cycles_a_cluster_and_page_dots_follow(
    window: object, map_data: MapData, theme: Theme
) -> None:
    from cardeck_sim.service._simulator import SimulatorControls

    catalog = _catalog(SMALL_CLUSTER)
    layout = catalog.layouts(SMALL_CLUSTER.id)["cluster"]
    views = stage_views(layout)
    assert [p.panel_id for p in views] == ["speed", "map"]
    store = StateStore(active_profile_id=SMALL_CLUSTER.id)
    if theme is NIGHT:
        from cardeck_sim.state import DayNight

        store.update_vehicle(day_night=DayNight.NIGHT)

    async def no_taps(display_id: str, x: float, y: float) -> tuple[str, int]:
        raise AssertionError("the view key taps nothing")

    controls = SimulatorControls(store, catalog, no_taps)
    stage = views[0].rect_px
    shown = [controls.cycle_view()[1] for _ in range(3)]
    assert [p.panel_id if p else "" for p in shown] == ["map", "speed", "map"]
    assert store.focus["cluster"] == "map"

    image = _render(store, catalog, "cluster", map_data)
    on_stage = crop(image, stage)
    assert color_mask(on_stage, theme.map_land).mean() > 0.2
    # Two page dots at the top of the stage's middle, the second (the map) lit.
    d = max(6.0, round(layout.min_touch_px / 6))
    left = stage.x + stage.width / 2 - 1.5 * d
    first = crop(image, Rect(left, stage.y + 0.5 * d, d, d))
    second = crop(image, Rect(left + 2 * d, stage.y + 0.5 * d, d, d))
    assert color_mask(first, theme.control).mean() > 0.5
    assert color_mask(second, theme.accent).mean() > 0.5
    # Back on the speed view, the first dot is the lit one.
    controls.cycle_view()
    image = _render(store, catalog, "cluster", map_data)
    assert color_mask(crop(image, Rect(left, stage.y + 0.5 * d, d, d)), theme.accent).mean() > 0.5
