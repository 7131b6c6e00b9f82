"""The browser panel: its toolbar, its drive lock, and the live page in a headless screenshot.

Issue 17, item 3. Painted for real (Kivy offscreen) with the paint list
recording texts and icons; the last test loads a page in real headless
Chromium through the head unit and takes a Screenshot RPC at once.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image

import cardeck
from cardeck_sim.state import DayNight, Gear
from cardeck_sim.ui import DAY, NIGHT, browser_content_rect, demo_store
from cardeck_sim.ui._scene import browser_toolbar
from cardeck_sim.ui.painters.browser import TOOLBAR_ICONS, address_wordings
from tests.integration._pages import QuietHandler, serve_http
from tests.integration.ui._panel_paint import PROFILE, paint, panel
from tests.integration.ui._pixels import color_mask, crop

THEMES = {"day": DAY, "night": NIGHT}


def _demo(map_data, mode: str, **vehicle):
    store = demo_store(map_data, profile_id=PROFILE, night=mode == "night")
    if vehicle:
        store.update_vehicle(**vehicle)
    return store


@pytest.mark.parametrize("mode", ["day", "night"])
def test_the_toolbar_has_back_forward_reload_and_the_address(window, catalog, map_data, mode):
    rect = panel(catalog, "browser").rect_px
    shot = paint(catalog, _demo(map_data, mode), None)
    assert shot.icons(rect) == [*TOOLBAR_ICONS, "public"]
    texts = shot.texts(rect)
    assert set(texts) & set(address_wordings("https://example.com/", "Example — OEM web app"))
    # Nothing of the lock while parked; the page's own pixels fill its area.
    page = shot.pixels(browser_content_rect(panel(catalog, "browser"), _layout(catalog)))
    assert not color_mask(page, THEMES[mode].lock_overlay).any()
    assert page.std() > 20


@pytest.mark.parametrize("mode", ["day", "night"])
def test_driving_locks_the_panel_with_a_padlock_and_says_so(window, catalog, map_data, mode):
    browser = panel(catalog, "browser")
    store = _demo(map_data, mode, gear=Gear.DRIVE, speed_kmh=50, parking_brake_on=False)
    shot = paint(catalog, store, None)
    icons, texts = shot.icons(browser.rect_px), shot.texts(browser.rect_px)
    # The toolbar keeps its controls (off) and shows the lock in the address field;
    # the page is covered, with a large padlock.
    assert icons == [*TOOLBAR_ICONS, "lock", "lock"]
    assert texts.count("Locked while driving") == 2
    page = shot.pixels(browser_content_rect(browser, _layout(catalog)))
    assert color_mask(page, THEMES[mode].lock_overlay).mean() > 0.8


def test_without_a_page_the_panel_says_so(window, catalog, store):
    rect = panel(catalog, "browser").rect_px
    from cardeck_sim.browser import BrowserState
    from cardeck_sim.state import BrowserView

    store.set_browser(BrowserView(available=True, state=BrowserState()))
    shot = paint(catalog, store, None)
    assert "No page open" in shot.texts(rect)
    assert {"Search or type a web address", "Web address"} & set(shot.texts(rect))
    store.set_browser(BrowserView(available=False, unavailable_reason="Chromium is not installed."))
    store.update_vehicle(day_night=DayNight.NIGHT)
    shot = paint(catalog, store, None)
    assert "Browser unavailable" in shot.texts(rect)


def test_back_and_forward_are_dimmed_without_history(window, catalog, map_data):
    rect = panel(catalog, "browser").rect_px
    store = _demo(map_data, "day")
    state = store.browser.state
    history = dataclasses.replace(state, can_go_back=True)
    store.set_browser(dataclasses.replace(store.browser, state=history))
    icons = {p.icon: p for p in paint(catalog, store, None).in_rect(rect) if p.icon}
    assert set(TOOLBAR_ICONS) <= set(icons)


def test_address_wordings_drop_scheme_and_www():
    assert address_wordings("https://www.example.com/news/", "News") == (
        "News · example.com/news",
        "News",
        "example.com/news",
        "example.com",
    )
    assert address_wordings("http://127.0.0.1:8080/", "") == ("127.0.0.1:8080",)


def _layout(catalog):
    return catalog.layouts(PROFILE)["center"]


PAGE = b"""<!doctype html><html><head><title>Panel test page</title>
<style>html,body{margin:0;height:100%;background:#1e90ff;font:20px sans-serif}
h1{margin:0;background:#fff}</style></head>
<body><h1>A page with a white heading</h1></body></html>"""


SECOND = b"""<!doctype html><html><head><title>Second page</title></head>
<body style="background:#ff8c00"></body></html>"""


class _Handler(QuietHandler):
    def do_GET(self):
        self.reply(200, "text/html", SECOND if self.path == "/second" else PAGE)


async def test_a_screenshot_right_after_loading_shows_the_page(window, catalog, aio_unit):
    """The screencast lags a navigation: the Screenshot RPC captures the page as it is."""
    browser = panel(catalog, "browser")
    content = browser_content_rect(browser, _layout(catalog))
    with serve_http(_Handler) as port:
        async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
            state = await client.browser.navigate(f"http://127.0.0.1:{port}/")
            assert state.title == "Panel test page"
            shot = await client.simulator.screenshot("center")
    image = Image.open(io.BytesIO(shot.png)).convert("RGB")
    page = crop(image, content)
    # Not blank: the heading's white over the page's blue, and the blue fills the
    # rest (the viewport is the page area's size, so nothing is left empty).
    assert page.std() > 20
    blue = color_mask(page, (0x1E, 0x90, 0xFF), tol=12).mean()
    assert blue > 0.7, f"{blue:.0%} of the page area is the page's blue"
    assert np.asarray(image.getpixel((content.x + 4, content.bottom - 4))).tolist() == [
        pytest.approx(c, abs=12) for c in (0x1E, 0x90, 0xFF)
    ]


async def test_the_toolbar_buttons_go_back_forward_and_reload(catalog, aio_unit):
    """A Tap on a toolbar button goes through the window's input path to the page."""
    buttons = dict(browser_toolbar(panel(catalog, "browser"), _layout(catalog)))
    with serve_http(_Handler) as port:
        site = f"http://127.0.0.1:{port}"
        async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
            await client.browser.navigate(site + "/")
            await client.browser.navigate(site + "/second")
            for action, url in (("back", "/"), ("forward", "/second"), ("reload", "/second")):
                r = buttons[action]
                hit = await client.simulator.tap(
                    r.x + r.width / 2, r.y + r.height / 2, display_id="center"
                )
                assert hit.panel_id == panel(catalog, "browser").panel_id
                state = await client.browser.state()
                assert state.url == site + url, action
