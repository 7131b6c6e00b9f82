"""Single events out of a stream's batches, with the position a resume needs.

A stream reads batches; iterating it by event goes through a hand-out
iterator, whose ``handed`` is the seq of the last event it handed out from the
current batch (None between batches), so ``last_seq`` stays exact when a loop
breaks in the middle of a batch.

The blocking stream steps a generator per event (~30 ns). The asyncio one
steps an async generator per event (~65 ns, a tenth of an event's cost), so
it uses the compiled ``AsyncHandOut`` from ``_event_type.c`` where that is
built, and :class:`PyAsyncHandOut` otherwise. ``bench/bench_events.py``
measures both; a compiled blocking hand-out bought under 10 % and was removed
(issue 15).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Protocol

from ._compiled import compiled_module
from ._models import Event, EventBatch


class HandOut:
    """The blocking stream's hand-out: iterating it steps one generator."""

    def __init__(self, batches: Iterator[EventBatch]) -> None:
        self.handed: int | None = None
        self._events = self._run(batches)

    def __iter__(self) -> Iterator[Event]:
        # The generator itself, so a `for` loop steps it without a Python-level __next__.
        return self._events

    def _run(self, batches: Iterator[EventBatch]) -> Iterator[Event]:
        for batch in batches:
            for event in batch:
                self.handed = event.seq
                yield event
            self.handed = None


class AsyncHandOut(Protocol):
    """What an asyncio stream needs from its hand-out iterator."""

    @property
    def handed(self) -> int | None: ...

    def __aiter__(self) -> AsyncIterator[Event]: ...


class PyAsyncHandOut:
    """Pure-Python :class:`AsyncHandOut`: iterating it steps one async generator."""

    def __init__(self, batches: AsyncIterator[EventBatch]) -> None:
        self.handed: int | None = None
        self._events = self._run(batches)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events

    async def _run(self, batches: AsyncIterator[EventBatch]) -> AsyncIterator[Event]:
        async for batch in batches:
            for event in batch:
                self.handed = event.seq
                yield event
            self.handed = None


def hand_out(batches: Iterator[EventBatch]) -> HandOut:
    """The blocking hand-out iterator over ``batches``."""
    return HandOut(batches)


def ahand_out(batches: AsyncIterator[EventBatch]) -> AsyncHandOut:
    """The fastest available asyncio hand-out iterator over ``batches``."""
    module = compiled_module()
    return PyAsyncHandOut(batches) if module is None else module.AsyncHandOut(batches)
