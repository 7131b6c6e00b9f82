"""Helpers the bridge tests share: reading JSON frames from a websockets client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection

from cardeck_sim.bridge import EventBridge

#: ``make_bridge(store, **EventBridge kwargs)``: a started bridge, closed at teardown.
BridgeFactory = Callable[..., Awaitable[EventBridge]]


async def recv_json(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    """The next frame, parsed; it must be a text frame."""
    async with asyncio.timeout(timeout):
        frame = await ws.recv()
    assert isinstance(frame, str), "The bridge must send text frames."
    parsed: dict[str, Any] = json.loads(frame)
    return parsed


async def recv_events_until(
    ws: ClientConnection, last_seq: int, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """Event dicts from ``events`` frames until one with seq ``last_seq`` arrives."""
    got: list[dict[str, Any]] = []
    while not got or int(got[-1]["seq"]) < last_seq:
        message = await recv_json(ws, timeout)
        assert "snapshot" not in message, "Only the first frame may carry a snapshot."
        got.extend(message["events"])
    return got
