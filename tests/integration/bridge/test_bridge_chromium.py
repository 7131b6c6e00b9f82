"""The bundled sample web app in real headless Chromium, talking to a real bridge."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import tempfile
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from cardeck_sim.bridge import EventBridge
from cardeck_sim.service import StateStore
from cardeck_sim.service._store import Gear

pytestmark = pytest.mark.timeout(30)

SEQ = "document.getElementById('seq').textContent"

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,480",
]


def _chromium() -> str:
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found is None:
        # Not a skip: these tests must run in CI, and `make test` installs it.
        pytest.fail("Chromium is not installed. Install Debian's chromium package.")
    return found


def _app_url(bridge: EventBridge, query: str = "") -> str:
    base: str = bridge.url.replace("ws://", "http://")
    return base.replace("/v1/events", "/app/drive_state.html") + query


@contextlib.asynccontextmanager
async def _browser(*args: str) -> AsyncIterator[tuple[asyncio.subprocess.Process, Path]]:
    """Run Chromium in its own process group; always reap it and its children."""
    with tempfile.TemporaryDirectory(prefix="cardeck-bridge-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            _chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            *args,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # its pid is the group id of every helper process
        )
        try:
            yield proc, Path(profile)
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    async with asyncio.timeout(5):
                        await proc.wait()
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    await proc.wait()
            # Helpers outlive the browser process only briefly; make sure.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def _text_of(dom: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', dom)
    assert match, f"The page has no element with id {element_id!r}."
    return match.group(1)


class _DevTools:
    """Just enough of the DevTools protocol to evaluate expressions in a page."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    async def evaluate(self, expression: str) -> Any:
        call_id = next(self._ids)
        params = {"expression": expression, "returnByValue": True}
        await self._ws.send(
            json.dumps({"id": call_id, "method": "Runtime.evaluate", "params": params})
        )
        while True:
            reply = json.loads(await self._ws.recv())
            if reply.get("id") == call_id:
                return reply["result"]["result"].get("value")

    async def wait_for(self, expression: str, expected: object, timeout: float = 10) -> None:
        """Poll until the expression has the expected value."""
        value: object = None
        try:
            async with asyncio.timeout(timeout):
                while (value := await self.evaluate(expression)) != expected:
                    await asyncio.sleep(0.05)
        except TimeoutError:
            pytest.fail(f"The page shows {value!r}, not {expected!r}, after {timeout} s.")


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


async def _page_devtools_url(profile: Path) -> str:
    port_file = profile / "DevToolsActivePort"
    async with asyncio.timeout(15):
        while not port_file.exists() or not port_file.read_text().strip():
            await asyncio.sleep(0.05)
        port = port_file.read_text().split()[0]
        while True:
            targets = await asyncio.to_thread(_get_json, f"http://127.0.0.1:{port}/json/list")
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def _open_page(bridge: EventBridge, query: str = "") -> AsyncIterator[_DevTools]:
    """Chromium showing the sample app, and a DevTools session on that page."""
    args = (
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        _app_url(bridge, query),
    )
    async with (
        _browser(*args) as (_, profile),
        connect(await _page_devtools_url(profile), max_size=None) as cdp_ws,
    ):
        yield _DevTools(cdp_ws)


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
