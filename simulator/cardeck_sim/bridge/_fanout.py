"""One task writes new events to every subscriber that keeps up.

With a pump task per subscriber, every append wakes N tasks, and each reads
the ring and filters by kind for itself: at 50 subscribers that cost more than
the writes. Here one task wakes per append, groups the live subscribers by
(position, kinds), builds each group's frame once and writes it to each
socket as ``broadcast()`` does. A subscriber whose socket cannot take the
frame without pausing is handed back to its own pump with that frame, which
sends it with the lag watchdog and serves the subscriber until it has caught
up again; so flow control and the lag rule are those of the pump.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from websockets.asyncio.server import ServerConnection, broadcast

from cardeck_sim.state import Cursor, EventLog, SubscriberLagError

logger = logging.getLogger(__name__)

#: What a live subscriber's pump gets back: the log closed, the subscriber fell
#: more than ``max_lag`` behind, or (seq before the frame, a frame to send).
CLOSED: Final = "closed"
LAGGING: Final = "lagging"
Handback = str | tuple[int, bytes]

#: ``frame(after, upto, kinds, seqs)``: the shared ``{"events": [...]}`` frame.
FrameSource = Callable[[int, int, frozenset[int], Iterable[int]], bytes]

# A WebSocket frame header is at most 14 bytes (10 for the length, 4 for a mask).
_HEADER: Final = 14


@dataclass(eq=False)
class _Live:
    ws: ServerConnection
    cursor: Cursor
    kinds: frozenset[int]
    low_water: int
    high_water: int
    handback: asyncio.Future[Handback]


class FanOut:
    """Serves caught-up subscribers from one task; see the module docstring."""

    def __init__(self, log: EventLog, frame: FrameSource, batch: int) -> None:
        self._log = log
        self._frame = frame
        self._batch = batch
        self._live: dict[ServerConnection, _Live] = {}
        self._task: asyncio.Task[None] | None = None

    async def serve(self, ws: ServerConnection, cursor: Cursor, kinds: frozenset[int]) -> Handback:
        """Serve a subscriber whose cursor is at the head until it must be handed back."""
        low_water, high_water = ws.transport.get_write_buffer_limits()
        live = _Live(
            ws, cursor, kinds, low_water, high_water, asyncio.get_running_loop().create_future()
        )
        self._live[ws] = live
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        try:
            return await live.handback
        finally:
            if self._live.get(ws) is live:
                del self._live[ws]

    async def aclose(self) -> None:
        """Stop the task; the subscribers it served are handed back as if the log closed."""
        self._hand_back_all(CLOSED)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        log = self._log
        seen = log.head_seq
        try:
            while self._live:
                await log.wait_beyond(seen)
                if log.closed:
                    self._hand_back_all(CLOSED)
                    return
                seen = log.head_seq
                self._pass(seen)
        except Exception as exc:  # a bug here must end the streams, not hang them
            logger.error("The event bridge's fan-out failed.", exc_info=exc)
            for live in list(self._live.values()):
                self._live.pop(live.ws, None)
                if not live.handback.done():
                    live.handback.set_exception(exc)

    def _pass(self, head: int) -> None:
        """Bring every live subscriber to ``head``, one frame per group and batch."""
        log = self._log
        groups: dict[tuple[int, frozenset[int]], list[_Live]] = {}
        for live in self._live.values():
            groups.setdefault((live.cursor.seq, live.kinds), []).append(live)
        for (after, kinds), members in groups.items():
            while after < head and members:
                if head - after > log.max_lag:
                    self._hand_back(members, LAGGING)
                    break
                try:
                    upto, seqs = log.read_seqs(after, self._batch, kinds)
                except SubscriberLagError:
                    self._hand_back(members, LAGGING)
                    break
                frame = self._frame(after, upto, kinds, seqs) if seqs else b""
                keep = []
                for live in members:
                    live.cursor.seq = upto
                    if frame:
                        buffered = live.ws.transport.get_write_buffer_size()
                        if buffered > live.low_water or (
                            buffered + len(frame) + _HEADER > live.high_water
                        ):
                            # Sending could wait for the client: its pump does
                            # that, with the lag watchdog.
                            self._hand_back([live], (after, frame))
                            continue
                        # A connection that closed is skipped here; its
                        # listener ends the handler, which ends the wait.
                        broadcast((live.ws,), frame, text=True)
                    keep.append(live)
                members, after = keep, upto

    def _hand_back(self, members: list[_Live], why: Handback) -> None:
        for live in members:
            self._live.pop(live.ws, None)
            if not live.handback.done():
                live.handback.set_result(why)

    def _hand_back_all(self, why: Handback) -> None:
        self._hand_back(list(self._live.values()), why)
