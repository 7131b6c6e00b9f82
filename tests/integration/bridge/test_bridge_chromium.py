"""The bundled sample web app in real headless Chromium, talking to a real bridge."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest

from cardeck_sim.bridge import EventBridge
from cardeck_sim.state import Gear, StateStore
from tests.integration._chromium import DevTools, open_page

pytestmark = pytest.mark.timeout(30)

SEQ = "document.getElementById('seq').textContent"


def _app_url(bridge: EventBridge, query: str = "") -> str:
    base: str = bridge.url.replace("ws://", "http://")
    return base.replace("/v1/events", "/app/drive_state.html") + query


def _text_of(dom: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', dom)
    assert match, f"The page has no element with id {element_id!r}."
    return match.group(1)


def _open_page(
    bridge: EventBridge, query: str = ""
) -> contextlib.AbstractAsyncContextManager[DevTools]:
    """Chromium showing the sample app, and a DevTools session on that page."""
    return open_page(_app_url(bridge, query), height=480)


async def test_dumped_dom_shows_speed_and_driving(store: StateStore, bridge: EventBridge) -> None:
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE, parking_brake_on=False)
    # Not `--dump-dom --virtual-time-budget`: virtual time does not wait for
    # WebSocket frames, so on a busy machine the dump came before the first
    # message (2 runs in 12). Wait until the page shows the head seq instead.
    async with _open_page(bridge) as page:
        await page.wait_for(SEQ, str(store.events.head_seq))
        dom = await page.evaluate("document.documentElement.outerHTML")
    assert _text_of(dom, "speed") == "50"
    assert _text_of(dom, "gear") == "D"
    assert _text_of(dom, "mode") == "driving"
    assert _text_of(dom, "status") == "live"


async def test_app_follows_live_events_and_uses_the_token(
    store: StateStore, make_bridge: Any
) -> None:
    bridge: EventBridge = await make_bridge(store, authorize=lambda t: t == "page-token")
    state = "['speed','gear','mode','light'].map(i => document.getElementById(i).textContent)"
    async with _open_page(bridge, "?token=page-token") as page:
        await page.wait_for(state + ".join('|')", "0|P|parked|day")
        store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE, parking_brake_on=False)
        await page.wait_for(state + ".join('|')", "50|D|driving|day")
        store.update_vehicle(speed_kmh=87.6, night=True)
        await page.wait_for(state + ".join('|')", "88|D|driving|night")
        store.update_vehicle(speed_kmh=0, gear=Gear.PARK)
        await page.wait_for(state + ".join('|')", "0|P|parked|night")
        await page.wait_for(SEQ, str(store.events.head_seq))
