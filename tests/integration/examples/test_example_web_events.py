"""examples/web_events.py serves a page that lists a real head unit's events, in real Chromium."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import tempfile
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from example_helpers import EXAMPLES, RunningExample, run_example
from websockets.asyncio.client import ClientConnection, connect

import cardeck
from cardeck import Gear
from cardeck.testing import HeadUnitThread

pytestmark = pytest.mark.timeout(60)

# The approach of tests/integration/bridge/test_bridge_chromium.py: Chromium in
# its own process group, driven over DevTools, so the test waits for what the
# page shows instead of guessing a --virtual-time-budget.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,720",
]


def _chromium() -> str:
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found is None:
        # Not a skip: every example runs in CI, and `make test` installs Chromium.
        pytest.fail("Chromium is not installed. Install Debian's chromium package.")
    return found


@contextlib.asynccontextmanager
async def _browser(url: str) -> AsyncIterator[Path]:
    """Chromium showing ``url`` with DevTools on; always reaped with all its helpers."""
    with tempfile.TemporaryDirectory(prefix="cardeck-example-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            _chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # its pid is the group id of every helper process
        )
        try:
            yield Path(profile)
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
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


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


class _Page:
    """Just enough DevTools to evaluate expressions in the page."""

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

    async def wait_for(self, expression: str, expected: object, timeout: float = 15) -> None:
        value: object = None
        try:
            async with asyncio.timeout(timeout):
                while (value := await self.evaluate(expression)) != expected:
                    await asyncio.sleep(0.05)
        except TimeoutError:
            pytest.fail(f"{expression} is {value!r}, not {expected!r}, after {timeout} s.")


@contextlib.asynccontextmanager
async def _open(url: str) -> AsyncIterator[_Page]:
    async with (
        _browser(url) as profile,
        connect(await _page_devtools_url(profile), max_size=None) as cdp,
    ):
        yield _Page(cdp)


def _row_text(seq: int) -> str:
    return f"document.querySelector('tr[data-seq=\"{seq}\"] td.what')?.textContent ?? null"


async def test_page_lists_an_event_the_test_makes(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    example = RunningExample("web_events.py", "--target", headunit.target, "--port", "0")
    try:
        bridge = example.wait_for_line(r"^WebSocket bridge: (\S+)$")[1]
        assert bridge == client.info().websocket_url
        url = example.wait_for_line(r"^Open (http://127\.0\.0\.1:\d+/events\.html\?\S+)$")[1]
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) == {"bridge": [bridge]}

        async with _open(url) as page:
            await page.wait_for("document.getElementById('status').textContent", "live")
            await page.wait_for("document.querySelector('tr.snapshot') !== null", True)

            events = client.events()
            events.open()
            client.update_vehicle_state(speed_kmh=42, gear=Gear.DRIVE, parking_brake_on=False)
            made = [next(events), next(events)]
            events.close()

            assert [e.kind for e in made] == [
                cardeck.EventKind.VEHICLE_STATE,
                cardeck.EventKind.DRIVE_RESTRICTIONS,
            ]
            await page.wait_for(_row_text(made[0].seq), "42.0 km/h, gear drive, parking brake off")
            text = await page.evaluate(_row_text(made[1].seq))
            assert text.startswith("driving: Driving: not in P")
            kind = f"document.querySelector('tr[data-seq=\"{made[0].seq}\"]').dataset.kind"
            assert await page.evaluate(kind) == "vehicleStateChanged"
            assert await page.evaluate("document.getElementById('seq').textContent") == str(
                made[1].seq
            )

        code, rest, stderr = example.stop(signal.SIGTERM)
    finally:
        example.kill()
    assert code == 0, stderr
    assert rest.strip().endswith("Stopped.")


def test_no_serve_prints_a_file_url_with_the_bridge_and_token(headunit: HeadUnitThread) -> None:
    result = run_example(
        "web_events.py", "--target", headunit.target, "--no-serve", "--token", "t0k"
    )
    assert result.returncode == 0, result.stderr
    url = result.stdout.splitlines()[-1].removeprefix("Open ")
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "file"
    assert Path(urllib.parse.unquote(parts.path)) == EXAMPLES / "web" / "events.html"
    query = urllib.parse.parse_qs(parts.query)
    assert query["token"] == ["t0k"]
    assert query["bridge"][0].startswith("ws://127.0.0.1:")
