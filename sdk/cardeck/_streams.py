"""Server streams whose first message is the current state (browser state, voice state, …).

Unlike the event stream there is no seq to resume from: after UNAVAILABLE the
stream simply reopens (with the client's backoff) and its first message brings
the state up to date again.

Closing a stream, or the client that opened it, ends the stream the same way:
a loop reading it in another thread or task stops after the last state
received, without an exception (httpx ends a response's iterator on close too).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

import grpc
import grpc.aio

from ._exceptions import UsageError, error_from_rpc
from ._retry import RESUBSCRIBE_CODES, ReconnectPolicy

T = TypeVar("T")

# What grpc raises for a call started on a channel that closed meanwhile: the
# sync channel a ValueError, the asyncio one grpc.aio.UsageError.
CLOSED_CHANNEL_ERRORS = (ValueError, grpc.aio.UsageError)


class _Owner(Protocol):
    """What any stream needs from the client that opened it."""

    reconnect: ReconnectPolicy

    def _ended(self) -> bool: ...


class StreamOwner(_Owner, Protocol):
    """What a blocking stream needs from the :class:`Client` that opened it."""

    def _pause(self, seconds: float) -> None: ...


class AsyncStreamOwner(_Owner, Protocol):
    """What an asyncio stream needs from the :class:`AsyncClient` that opened it."""

    async def _pause(self, seconds: float) -> None: ...


OwnerT = TypeVar("OwnerT", bound=_Owner)


def closed_underneath(ended: bool) -> bool:
    """Whether an ``asyncio.CancelledError`` came from closing the stream, not the task.

    grpc.aio cancels a call whose channel closes, and awaiting it then raises
    CancelledError although nobody cancelled the reading task; that must end
    the stream. A cancelled task (``cancelling()`` above 0) must stay cancelled.
    """
    task = asyncio.current_task()
    return ended and (task is None or task.cancelling() == 0)


class _Backoff:
    """Sans-I/O: the delay before reopening after a failure, or the error to raise."""

    def __init__(self, policy: ReconnectPolicy) -> None:
        self._policy = policy
        self._delays: Iterator[float] | None = None
        self.reopenings = 0

    def reset(self) -> None:
        self._delays = None

    def delay_after(self, exc: grpc.RpcError) -> float:
        if exc.code() not in RESUBSCRIBE_CODES:
            raise error_from_rpc(exc) from exc
        if self._delays is None:
            self._delays = self._policy.delays()
        delay = next(self._delays, None)
        if delay is None:
            raise error_from_rpc(exc) from exc
        self.reopenings += 1
        return delay


class _ReopeningStream(Generic[T, OwnerT]):
    """What both twins hold: how to open and parse the stream, its owner, backoff and call."""

    def __init__(
        self, open_call: Callable[[], Any], parse: Callable[[Any], T], owner: OwnerT
    ) -> None:
        self._open_call = open_call
        self._parse = parse
        self._owner = owner
        self._backoff = _Backoff(owner.reconnect)
        self._call: Any = None
        self._closed = False

    def _ended(self) -> bool:
        return self._closed or self._owner._ended()

    def _cancel(self) -> None:
        """Mark the stream closed and cancel the call reading it, if one is open."""
        self._closed = True
        if self._call is not None:
            self._call.cancel()


class StateStream(_ReopeningStream[T, StreamOwner], Iterator[T]):
    """Typed states from a server stream, reopening by itself after UNAVAILABLE.

    Closing it (or its client) ends iteration, in this thread or another.

    :param open_call: starts the RPC and returns its response iterator.
    :param parse: turns one response into the public model.
    :param owner: the client that opened the stream: its reconnect policy, and
        whether it was closed.
    """

    def __init__(
        self, open_call: Callable[[], Any], parse: Callable[[Any], T], owner: StreamOwner
    ) -> None:
        super().__init__(open_call, parse, owner)
        self._gen = self._run()

    def __next__(self) -> T:
        return next(self._gen)

    def _run(self) -> Iterator[T]:
        while not self._ended():
            try:
                self._call = self._open_call()
                for resp in self._call:
                    self._backoff.reset()
                    yield self._parse(resp)
                return
            except grpc.RpcError as exc:
                if self._ended():
                    return
                self._owner._pause(self._backoff.delay_after(exc))
            except (UsageError, *CLOSED_CHANNEL_ERRORS):
                if self._ended():  # the client closed just before a reopening
                    return
                raise

    def close(self) -> None:
        """End the stream; iteration stops, also in a thread that is reading it."""
        self._cancel()


class AsyncStateStream(_ReopeningStream[T, AsyncStreamOwner], AsyncIterator[T]):
    """The asyncio twin of :class:`StateStream`."""

    def __init__(
        self, open_call: Callable[[], Any], parse: Callable[[Any], T], owner: AsyncStreamOwner
    ) -> None:
        super().__init__(open_call, parse, owner)
        self._gen: AsyncGenerator[T, None] = self._run()

    async def __anext__(self) -> T:
        return await self._gen.__anext__()

    async def _run(self) -> AsyncGenerator[T, None]:
        while not self._ended():
            try:
                self._call = self._open_call()
                async for resp in self._call:
                    self._backoff.reset()
                    yield self._parse(resp)
                return
            except grpc.RpcError as exc:
                if self._ended():
                    return
                await self._owner._pause(self._backoff.delay_after(exc))
            except asyncio.CancelledError:
                if closed_underneath(self._ended()):
                    return
                raise
            except (UsageError, *CLOSED_CHANNEL_ERRORS):
                if self._ended():  # the client closed just before a reopening
                    return
                raise

    async def aclose(self) -> None:
        """End the stream; iteration stops, also in a task that is reading it."""
        self._cancel()
        # While another task reads, the generator is running and ends by itself
        # (aclose() would raise RuntimeError); AsyncGenerator's type omits ag_running.
        if not getattr(self._gen, "ag_running", False):
            await self._gen.aclose()
