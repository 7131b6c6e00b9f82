"""The seam between a client and its sub-APIs (``client.maps``, ``client.voice``, …).

A sub-API builds requests and parses responses; it sends them through the
client that owns it, which adds the deadline, the credentials, retries and
error mapping. These protocols are all a sub-API may use of its client:
:class:`~cardeck.Client` satisfies :class:`SyncCaller` and
:class:`~cardeck.AsyncClient` satisfies :class:`AsyncCaller`, method for
method. Calls are addressed by :class:`~cardeck._rpcs.Rpc` constants (full
method paths), never by bare names.

The members keep a leading underscore: they are the package's own plumbing,
not part of the public ``Client`` API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Protocol, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message

from ._rpcs import Rpc
from ._streams import AsyncStateStream, StateStream

__all__ = ["AsyncCaller", "StreamCall", "SyncCaller"]

ReqT = TypeVar("ReqT", bound=Message)
RespT = TypeVar("RespT", bound=Message)
RespT_co = TypeVar("RespT_co", covariant=True)
T = TypeVar("T")


class StreamCall(Protocol[RespT_co]):
    """A blocking bidirectional call: iterate it for the responses, ``cancel()`` to end it."""

    def __iter__(self) -> Iterator[RespT_co]: ...

    def __next__(self) -> RespT_co: ...

    def cancel(self) -> bool: ...


class SyncCaller(Protocol):
    """What a blocking sub-API needs from the :class:`~cardeck.Client` that owns it."""

    def _unary(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, *, timeout_s: float | None = None
    ) -> RespT:
        """Call a unary RPC; ``timeout_s`` overrides its deadline (0 fails at once)."""
        ...

    def _stream_in(self, rpc: Rpc[ReqT, RespT], requests: Iterable[ReqT]) -> RespT:
        """Send a stream of requests and return the one response (never retried)."""
        ...

    def _stream(self, rpc: Rpc[ReqT, RespT], requests: Iterator[ReqT]) -> StreamCall[RespT]:
        """Open a bidirectional stream; errors reach the caller as ``grpc.RpcError``."""
        ...

    def _watch(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, parse: Callable[[RespT], T]
    ) -> StateStream[T]:
        """A state stream of a server-streaming RPC that reopens after UNAVAILABLE."""
        ...


class AsyncCaller(Protocol):
    """What an asyncio sub-API needs from the :class:`~cardeck.AsyncClient` that owns it."""

    async def _unary(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, *, timeout_s: float | None = None
    ) -> RespT:
        """Call a unary RPC; ``timeout_s`` overrides its deadline (0 fails at once)."""
        ...

    async def _stream_in(self, rpc: Rpc[ReqT, RespT], requests: AsyncIterator[ReqT]) -> RespT:
        """Send a stream of requests and return the one response (never retried)."""
        ...

    def _stream(
        self, rpc: Rpc[ReqT, RespT], requests: AsyncIterator[ReqT] | None = None
    ) -> grpc.aio.StreamStreamCall[ReqT, RespT]:
        """Open a bidirectional stream; without ``requests``, write to the call instead."""
        ...

    def _watch(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, parse: Callable[[RespT], T]
    ) -> AsyncStateStream[T]:
        """A state stream of a server-streaming RPC that reopens after UNAVAILABLE."""
        ...
