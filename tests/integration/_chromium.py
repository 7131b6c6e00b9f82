"""Real headless Chromium for tests: a page and just enough DevTools to read it.

Chromium runs in its own process group and is always reaped with all its
helpers; tests wait for what the page shows over DevTools instead of guessing
a ``--virtual-time-budget`` (virtual time does not wait for WebSocket frames).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import tempfile
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_binary() -> str:
    for candidate in ("/usr/lib/chromium/chromium", "/usr/bin/chromium"):
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found is None:
        # Not a skip: these tests must run in CI, and `make test` installs it.
        pytest.fail("Chromium is not installed. Install Debian's chromium package.")
    return found


class DevTools:
    """Evaluate expressions in one page over the DevTools protocol."""

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
        """Poll until the expression has the expected value; fail the test after ``timeout``."""
        value: object = None
        try:
            async with asyncio.timeout(timeout):
                while (value := await self.evaluate(expression)) != expected:
                    await asyncio.sleep(0.05)
        except TimeoutError:
            pytest.fail(f"{expression} is {value!r}, not {expected!r}, after {timeout} s.")


@contextlib.asynccontextmanager
async def open_page(url: str, window_size: str = "1280,720") -> AsyncIterator[DevTools]:
    """Chromium showing ``url``, and a DevTools session on that page."""
    async with (
        _chromium(url, window_size) as profile,
        connect(await _page_devtools_url(profile), max_size=None) as ws,
    ):
        yield DevTools(ws)


@contextlib.asynccontextmanager
async def _chromium(url: str, window_size: str) -> AsyncIterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cardeck-test-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            chromium_binary(),
            *FLAGS,
            f"--window-size={window_size}",
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
            # Helpers outlive the browser process only briefly; make sure.
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
