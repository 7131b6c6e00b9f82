"""Pictures from the store: route pixels, the lock overlay, night, focus; PNG entry points."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from cardeck_sim.state import DayNight, Gear
from cardeck_sim.ui import DAY, DEMO_CLOCK, NIGHT, demo_frame, dock_tabs, tap

from ._pixels import color_mask, crop, mean_luminance

PROFILE = "hyundai-kia-ccnc"


def _render(store, catalog, map_data, display_id="center"):
    from cardeck_sim.ui import render_display

    png = render_display(store, catalog, display_id, map_data=map_data, clock=DEMO_CLOCK)
    assert png.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(png)).convert("RGB")


def _panel(catalog, kind, display_id="center"):
    return next(p for p in catalog.layouts(PROFILE)[display_id].panels if p.kind == kind)


@pytest.mark.parametrize("display_id", ["center", "cluster"])
def test_a_route_in_the_store_shows_route_pixels_inside_the_map_panel_only(
    window, store, catalog, map_data, display_id
):
    from cardeck_sim.maps import LatLon, find_route

    before = np.asarray(_render(store, catalog, map_data, display_id))
    assert not color_mask(before, DAY.route).any()

    route = find_route(map_data, LatLon(60.1660, 24.9380), LatLon(60.1720, 24.9500))
    store.set_map(route=route)
    image = _render(store, catalog, map_data, display_id)
    pixels = np.asarray(image)
    mask = color_mask(pixels, DAY.route)
    rect = _panel(catalog, "map", display_id).rect_px
    inside = np.zeros_like(mask)
    inside[rect.y : rect.y + rect.height, rect.x : rect.x + rect.width] = True
    assert mask[inside].sum() > 2000
    assert mask[~inside].sum() == 0


def test_speed_50_in_drive_covers_the_browser_with_the_lock_overlay(
    window, store, catalog, map_data
):
    store.set_browser(store.browser.__class__(available=True, frame=demo_frame()))
    rect = _panel(catalog, "browser").rect_px
    parked = crop(_render(store, catalog, map_data), rect)
    assert color_mask(parked, DAY.lock_overlay).mean() < 0.01

    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)
    assert store.restrictions.browser_locked
    locked = crop(_render(store, catalog, map_data), rect)
    assert color_mask(locked, DAY.lock_overlay).mean() > 0.8
    # The lock text is drawn on it.
    assert color_mask(locked, DAY.on_lock, tol=30).sum() > 200


def test_night_switches_to_the_dark_theme(window, store, catalog, map_data):
    bar = _panel(catalog, "status_bar").rect_px
    day = mean_luminance(crop(_render(store, catalog, map_data), bar))
    store.update_vehicle(day_night=DayNight.NIGHT)
    night_image = _render(store, catalog, map_data)
    night = mean_luminance(crop(night_image, bar))
    assert day > 200 and night < 50
    map_rect = _panel(catalog, "map").rect_px
    assert color_mask(crop(night_image, map_rect), NIGHT.map_land).mean() > 0.3


def test_a_dock_tap_focuses_the_panel_and_the_render_outlines_it(window, store, catalog, map_data):
    layout = catalog.layouts(PROFILE)["center"]
    voice = _panel(catalog, "voice").rect_px
    before = crop(_render(store, catalog, map_data), voice)
    assert not color_mask(before, DAY.accent).any()
    tab = next(t for t in dock_tabs(layout) if t.kind == "voice")
    tap(store, catalog, "center", tab.rect.x + tab.rect.width / 2, tab.rect.y + tab.rect.height / 2)
    assert store.focus["center"] == "voice"
    image = _render(store, catalog, map_data)
    assert color_mask(crop(image, voice), DAY.accent).sum() > 1000
    # The tab is lit: its indicator behind a filled icon in the lit colour.
    lit = crop(image, tab.rect)
    assert color_mask(lit, DAY.indicator).mean() > 0.05
    assert color_mask(lit, DAY.on_indicator, tol=40).sum() > 100


def test_the_browser_shows_the_frame_and_an_unavailable_reason(window, store, catalog, map_data):
    from cardeck_sim.state import BrowserView

    rect = _panel(catalog, "browser").rect_px
    store.set_browser(BrowserView(available=True, frame=demo_frame()))
    shown = crop(_render(store, catalog, map_data), rect)
    # The demo page's teal header.
    assert color_mask(shown, (0, 150, 136), tol=12).sum() > 5000
    store.set_browser(BrowserView(available=False, unavailable_reason="Chromium is not installed."))
    gone = crop(_render(store, catalog, map_data), rect)
    assert color_mask(gone, (0, 150, 136), tol=12).sum() == 0
    assert color_mask(gone, DAY.text, tol=40).sum() > 300  # the message


def test_screenshot_of_the_whole_profile_arranges_the_displays(window, store, catalog, map_data):
    from cardeck_sim.ui import render_profile, screenshot

    whole = Image.open(io.BytesIO(screenshot(store, catalog, map_data=map_data)))
    # Cluster and centre side by side: far wider than tall.
    assert whole.width > 4 * whole.height
    one = Image.open(io.BytesIO(screenshot(store, catalog, "cluster", map_data=map_data)))
    assert one.size == (1920, 720)
    png = render_profile(store, catalog, "polestar-2", map_data=map_data, max_width=800)
    assert Image.open(io.BytesIO(png)).width <= 800
    with pytest.raises(KeyError, match="no display 'nope'"):
        screenshot(store, catalog, "nope", map_data=map_data)


def test_driving_locks_the_centre_browser_but_not_a_privacy_filtered_passenger_screen(
    window, map_data
):
    from cardeck_sim.service import ProfileCatalog
    from cardeck_sim.service._catalog import CatalogEntry
    from cardeck_sim.state import StateStore

    koleos = ProfileCatalog.load().get("renault-grand-koleos-2025")
    displays = tuple(
        d.model_copy(update={"driver_visible": False}) if d.id == "passenger" else d
        for d in koleos.displays
    )
    private = koleos.model_copy(update={"displays": displays})
    catalog = ProfileCatalog({private.id: CatalogEntry(private, "")})
    store = StateStore(active_profile_id=private.id, displays_of=catalog.driver_visibility)
    store.set_browser(store.browser.__class__(available=True, frame=demo_frame()))
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)
    for display_id, locked in (("center", True), ("passenger", False)):
        layout = catalog.layouts(private.id)[display_id]
        rect = next(p for p in layout.panels if p.kind == "browser").rect_px
        shown = crop(_render(store, catalog, map_data, display_id), rect)
        covered = color_mask(shown, DAY.lock_overlay).mean()
        assert covered > 0.8 if locked else covered < 0.01, (display_id, covered)
