"""Real headless Chromium for tests: a page and just enough DevTools to read it.

Chromium is started and reaped by the head unit's own ChromiumProcess; tests
wait for what the page shows over DevTools instead of guessing a
``--virtual-time-budget`` (virtual time does not wait for WebSocket frames).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from cardeck_sim.browser._chromium import ChromiumProcess, find_chromium


class DevTools:
    """Commands to one page over the DevTools protocol."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    async def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        call_id = next(self._ids)
        await self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            reply = json.loads(await self._ws.recv())
            if reply.get("id") == call_id:
                assert "error" not in reply, reply["error"]
                return dict(reply["result"])

    async def evaluate(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        return result["result"].get("value")

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
async def open_page(url: str, width: int = 1280, height: int = 720) -> AsyncIterator[DevTools]:
    """Chromium showing ``url``, and a DevTools session on that page."""
    binary = find_chromium()
    if binary is None:
        # Not a skip: these tests must run in CI, and `make test` installs it.
        pytest.fail("Chromium is not installed. Install Debian's chromium package.")
    chromium = await ChromiumProcess.launch(binary, width, height)
    try:
        async with connect(chromium.page_ws_url, max_size=None) as ws:
            page = DevTools(ws)
            await page.call("Page.navigate", {"url": url})
            yield page
    finally:
        await chromium.aclose()
