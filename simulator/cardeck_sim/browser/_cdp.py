"""A minimal Chrome DevTools Protocol client over one ``websockets`` connection."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

__all__ = ["CdpClosedError", "CdpConnection", "CdpError", "EventHandler"]

_log = logging.getLogger(__name__)

EventHandler = Callable[[str, dict[str, Any]], None]


class CdpError(Exception):
    """Chromium answered a DevTools command with an error."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"DevTools command {method} failed: {message} (code {code}).")
        self.method = method
        self.code = code


class CdpClosedError(Exception):
    """The DevTools connection closed before a command was answered."""


class CdpConnection:
    """One DevTools websocket: numbered requests, futures, and event dispatch.

    Events go to a single synchronous handler, called on the loop in the
    order Chromium sent them; it must not block.
    """

    def __init__(
        self,
        ws: ClientConnection,
        on_event: EventHandler,
        on_close: Callable[[], None],
    ) -> None:
        self._ws = ws
        self._on_event = on_event
        self._on_close = on_close
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, asyncio.Future[dict[str, Any]]]] = {}
        self._closing = False
        self._background: set[asyncio.Task[None]] = set()
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    @classmethod
    async def open(
        cls, url: str, on_event: EventHandler, on_close: Callable[[], None]
    ) -> CdpConnection:
        """Connect to a DevTools websocket URL.

        :param url: a ``ws://127.0.0.1:PORT/devtools/...`` URL.
        :param on_event: called with (method, params) for every event.
        :param on_close: called once if the connection ends without ``aclose``.
        """
        ws = await connect(
            url,
            # Per-message deflate costs ~50 % more per message on loopback and
            # screencast JPEGs do not compress anyway.
            compression=None,
            # PNG captures of a large page exceed the 1 MiB default.
            max_size=None,
            # Chromium's DevTools server is local; a stuck browser is noticed
            # through the process watchdog, not keepalive pings.
            ping_interval=None,
            open_timeout=10,
        )
        return cls(ws, on_event, on_close)

    @property
    def closed(self) -> bool:
        """Whether the connection has ended."""
        return self._reader.done()

    async def send(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 15.0
    ) -> dict[str, Any]:
        """Send a command and return its ``result`` object.

        :raises CdpError: Chromium answered with an error.
        :raises CdpClosedError: the connection ended first.
        :raises TimeoutError: no answer within ``timeout`` seconds.
        """
        if self.closed:
            raise CdpClosedError(f"The DevTools connection is closed; cannot send {method}.")
        msg_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = (method, future)
        try:
            await self._ws.send(
                json.dumps({"id": msg_id, "method": method, "params": params or {}})
            )
            async with asyncio.timeout(timeout):
                return await future
        except ConnectionClosed as exc:
            raise CdpClosedError(f"The DevTools connection closed while sending {method}.") from exc
        finally:
            self._pending.pop(msg_id, None)

    def send_nowait(self, method: str, params: dict[str, Any] | None = None) -> None:
        """Send a command whose answer nobody waits for (e.g. frame acks)."""
        if self.closed:
            return
        task = asyncio.get_running_loop().create_task(self._send_ignoring(method, params))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_ignoring(self, method: str, params: dict[str, Any] | None) -> None:
        with contextlib.suppress(CdpError, CdpClosedError, TimeoutError):
            await self.send(method, params)

    async def aclose(self) -> None:
        """Close the websocket and fail every pending command; safe to call twice."""
        self._closing = True
        await self._ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        for task in list(self._background):
            task.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _read_loop(self) -> None:
        try:
            async for raw in self._ws:
                msg = json.loads(raw)
                msg_id = msg.get("id")
                if msg_id is not None:
                    entry = self._pending.get(msg_id)
                    if entry is None or entry[1].done():
                        continue
                    method, future = entry
                    if "error" in msg:
                        err = msg["error"]
                        future.set_exception(
                            CdpError(method, int(err.get("code", 0)), str(err.get("message")))
                        )
                    else:
                        future.set_result(msg.get("result", {}))
                elif "method" in msg:
                    try:
                        self._on_event(msg["method"], msg.get("params", {}))
                    except Exception:
                        # A faulty handler must not take the connection down.
                        _log.exception("DevTools event handler failed for %s", msg["method"])
        except ConnectionClosed:
            pass
        finally:
            for method, future in self._pending.values():
                if not future.done():
                    future.set_exception(
                        CdpClosedError(
                            f"The DevTools connection closed before {method} was answered."
                        )
                    )
            if not self._closing:
                self._on_close()
