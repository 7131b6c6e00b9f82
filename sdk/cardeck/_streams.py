"""Server streams whose first message is the current state (browser state, voice state, …).

Unlike the event stream there is no seq to resume from: after UNAVAILABLE the
stream simply reopens (with the client's backoff) and its first message brings
the state up to date again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import Any, Generic, TypeVar

import grpc

from ._exceptions import error_from_rpc
from ._retry import RESUBSCRIBE_CODES, ReconnectPolicy

T = TypeVar("T")


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


class StateStream(Generic[T], Iterator[T]):
    """Typed states from a server stream, reopening by itself after UNAVAILABLE.

    :param open_call: starts the RPC and returns its response iterator.
    :param parse: turns one response into the public model.
    """

    def __init__(
        self, open_call: Callable[[], Any], parse: Callable[[Any], T], policy: ReconnectPolicy
    ) -> None:
        self._open_call = open_call
        self._parse = parse
        self._backoff = _Backoff(policy)
        self._call: Any = None
        self._closed = False
        self._gen = self._run()

    def __next__(self) -> T:
        return next(self._gen)

    def _run(self) -> Iterator[T]:
        while not self._closed:
            self._call = self._open_call()
            try:
                for resp in self._call:
                    self._backoff.reset()
                    yield self._parse(resp)
                return
            except grpc.RpcError as exc:
                if self._closed:
                    return
                time.sleep(self._backoff.delay_after(exc))

    def close(self) -> None:
        """End the stream; iteration stops."""
        self._closed = True
        if self._call is not None:
            self._call.cancel()


class AsyncStateStream(Generic[T], AsyncIterator[T]):
    """The asyncio twin of :class:`StateStream`."""

    def __init__(
        self, open_call: Callable[[], Any], parse: Callable[[Any], T], policy: ReconnectPolicy
    ) -> None:
        self._open_call = open_call
        self._parse = parse
        self._backoff = _Backoff(policy)
        self._call: Any = None
        self._closed = False
        self._gen: AsyncGenerator[T, None] = self._run()

    async def __anext__(self) -> T:
        return await self._gen.__anext__()

    async def _run(self) -> AsyncGenerator[T, None]:
        while not self._closed:
            self._call = self._open_call()
            try:
                async for resp in self._call:
                    self._backoff.reset()
                    yield self._parse(resp)
                return
            except grpc.RpcError as exc:
                if self._closed:
                    return
                await asyncio.sleep(self._backoff.delay_after(exc))

    async def aclose(self) -> None:
        """End the stream; iteration stops."""
        self._closed = True
        if self._call is not None:
            self._call.cancel()
        await self._gen.aclose()
