"""Input as store commands: hit testing, dock tabs, taps, drags, pinches, rotary."""

import asyncio
import subprocess
import sys

import pytest

from cardeck.layout import bundled_profiles, solve_profile
from cardeck.v1 import types_pb2
from cardeck_sim.state import BrowserView, Gear, VoiceConfirmation
from cardeck_sim.ui import (
    demo_frame,
    dock_tabs,
    drag_map,
    hit_test,
    pinch_map,
    rotate_focus,
    tap,
    tap_async,
    voice_answer_buttons,
)


def _panel(layout, kind):
    return next(p for p in layout.panels if p.kind == kind)


def _centre(rect):
    return rect.x + rect.width / 2, rect.y + rect.height / 2


def test_hit_test_finds_the_panel_under_a_point_and_nothing_outside(catalog):
    layout = catalog.layouts("hyundai-kia-ccnc")["center"]
    for panel in layout.panels:
        assert hit_test(layout, *_centre(panel.rect_px)) == panel
    assert hit_test(layout, -1, 10) is None
    assert hit_test(layout, 10, layout.height_px + 5) is None


def test_every_dock_tab_of_every_bundled_display_is_a_full_touch_target():
    checked = 0
    for profile in bundled_profiles().values():
        for display_id, layout in solve_profile(profile).items():
            for tab in dock_tabs(layout):
                assert tab.rect.width >= layout.min_touch_px, (profile.id, display_id, tab)
                assert tab.rect.height >= layout.min_touch_px, (profile.id, display_id, tab)
                checked += 1
    assert checked >= 40


def test_a_tap_on_a_dock_tab_focuses_its_panel(store, catalog):
    layout = catalog.layouts(store.active_profile_id)["center"]
    tab = next(t for t in dock_tabs(layout) if t.kind == "voice")
    assert store.focus == {}
    revision = store.revision
    result = tap(store, catalog, "center", *_centre(tab.rect))
    assert result == ("voice", types_pb2.PANEL_KIND_VOICE)
    assert store.focus == {"center": "voice"}
    assert store.revision == revision + 1
    # The focus change is an event, like any other store command.
    assert store.events.head_seq >= 1


def test_a_tap_on_the_status_bar_changes_nothing(store, catalog):
    layout = catalog.layouts(store.active_profile_id)["center"]
    bar = _panel(layout, "status_bar")
    assert tap(store, catalog, "center", *_centre(bar.rect_px)) == (
        bar.panel_id,
        types_pb2.PANEL_KIND_STATUS_BAR,
    )
    assert store.focus == {}
    assert tap(store, catalog, "center", -5, -5) == ("", types_pb2.PANEL_KIND_UNSPECIFIED)


async def test_a_browser_tap_clicks_the_page_at_page_coordinates_unless_locked(store, catalog):
    frame = demo_frame(1000, 600)
    store.set_browser(BrowserView(available=True, frame=frame))
    layout = catalog.layouts(store.active_profile_id)["center"]
    browser = _panel(layout, "browser")
    clicks = []

    async def click(x, y):
        clicks.append((x, y))

    x = browser.rect_px.x + 10
    y = browser.rect_px.y + browser.rect_px.height * 0.3
    assert await tap_async(store, catalog, "center", x, y, on_browser_click=click) == (
        "browser",
        types_pb2.PANEL_KIND_BROWSER,
    )
    assert len(clicks) == 1
    px, py = clicks[0]
    # The frame is fitted to the panel width: 1000 page px over 541 panel px.
    assert 15 <= px <= 22 and 0 < py < 600
    # The sync twin schedules the click on the running loop.
    tap(store, catalog, "center", x, y, on_browser_click=click)
    await asyncio.sleep(0)
    assert len(clicks) == 2

    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)
    assert store.restrictions.browser_locked
    await tap_async(store, catalog, "center", x, y, on_browser_click=click)
    assert len(clicks) == 2  # the lock swallows the tap


async def test_a_tap_on_the_voice_panels_yes_or_no_answers_only_while_a_question_waits(
    store, catalog
):
    layout = catalog.layouts(store.active_profile_id)["center"]
    voice = next(p for p in layout.panels if p.kind == "voice" and p.visible)
    buttons = dict(voice_answer_buttons(voice, layout))
    answers = []

    async def answer(confirmed):
        answers.append(confirmed)

    await tap_async(store, catalog, "center", *_centre(buttons[True]), on_voice_answer=answer)
    assert answers == [], "no question waits: the buttons are not there"
    store.set_voice(
        activity="confirming", confirmation=VoiceConfirmation("c-1", "Open the sunroof?", "x")
    )
    for confirmed in (True, False):
        hit = await tap_async(
            store, catalog, "center", *_centre(buttons[confirmed]), on_voice_answer=answer
        )
        assert hit == (voice.panel_id, types_pb2.PANEL_KIND_VOICE)
    # Between the buttons and the question, a tap only focuses the panel.
    await tap_async(store, catalog, "center", *_centre(voice.rect_px), on_voice_answer=answer)
    assert answers == [True, False]


def test_drag_and_pinch_move_the_map_camera(store, catalog, map_data):
    layout = catalog.layouts(store.active_profile_id)["center"]
    panel = _panel(layout, "map")
    # Zoomed in: the whole extract, larger than the panel (a map smaller than the panel
    # stays centred; test_ui_map_look.py checks the clamping).
    pinch_map(store, map_data, panel, 4.0)
    drag_map(store, map_data, panel, 100, 0)
    first = store.map.camera
    assert first is not None
    drag_map(store, map_data, panel, 100, 0)
    # Dragging right moves the content right, so the centre goes west.
    assert store.map.camera.center.lon < first.center.lon
    assert store.map.camera.center.lat == pytest.approx(first.center.lat)
    pinch_map(store, map_data, panel, 2.0)
    assert store.map.camera.zoom == pytest.approx(first.zoom + 1.0)


def test_rotary_steps_cycle_the_focus_through_the_panels(store, catalog):
    layout = catalog.layouts(store.active_profile_id)["center"]
    seen = [rotate_focus(store, layout, "center", 1) for _ in range(4)]
    assert seen == ["map", "voice", "browser", "map"]
    assert rotate_focus(store, layout, "center", -1) == "browser"
    assert store.focus["center"] == "browser"


def test_importing_cardeck_and_the_ui_package_does_not_import_kivy():
    code = (
        "import sys, cardeck, cardeck.cli.__main__, cardeck.cli._ui_cmds, cardeck_sim.ui;"
        "assert 'kivy' not in sys.modules, 'kivy imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_the_ui_package_exports_a_sorted_all():
    import cardeck_sim.ui as ui

    # isort-style, as ruff's RUF022 keeps it: CONSTANTS, Classes, functions.
    assert ui.__all__ == sorted(ui.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in ui.__all__:
        assert getattr(ui, name) is not None
