"""The head-unit clients: :class:`Client` (blocking) and :class:`AsyncClient` (asyncio).

``_BaseClient`` owns the configuration and every pure step (building
requests, parsing responses, mapping errors, the event-stream bookkeeping);
the twins only do I/O, in short methods that read alike line by line.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import queue
import threading
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import grpc
import grpc.aio
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message

from ._browser_api import AsyncBrowserAPI, BrowserAPI
from ._exceptions import (
    IncompatibleServerError,
    StatusError,
    UsageError,
    error_from_rpc,
    map_rpc_error,
)
from ._hand_out import AsyncHandOut, HandOut, ahand_out, hand_out
from ._kuksa_rpcs import KUKSA_RPCS
from ._layout_api import AsyncLayoutAPI, LayoutAPI
from ._maps_api import AsyncMapsAPI, MapsAPI
from ._models import (
    ApiVersion,
    DriveRestrictions,
    Event,
    EventBatch,
    EventKind,
    ServerInfo,
    Snapshot,
    VehicleState,
    VehicleStateUpdate,
    locale_from_proto,
)
from ._packages_api import AsyncPackagesAPI, PackagesAPI
from ._retry import DEFAULT_DEADLINES_S, ReconnectPolicy, UnaryRetry
from ._rpcs import ALL_RPCS, HeadUnitService, Rpc
from ._seam import StreamCall
from ._signals_api import AsyncSignalsAPI, SignalsAPI
from ._simulator_api import AsyncSimulatorAPI, SimulatorAPI
from ._streams import (
    CLOSED_CHANNEL_ERRORS,
    AsyncStateStream,
    StateStream,
    _Backoff,
    closed_underneath,
)
from ._voice_api import AsyncVoiceAPI, VoiceAPI
from .i18n import LocaleInfo
from .v1 import headunit_service_pb2 as hu_pb
from .v1 import types_pb2

__all__ = [
    "API_VERSION",
    "AsyncClient",
    "AsyncEventStream",
    "Client",
    "ClientState",
    "ConnectionState",
    "EventStream",
    "TLSConfig",
    "connect",
    "connect_async",
]

# The cardeck.v1 contract this SDK speaks.
API_VERSION = ApiVersion(1, 0)

DEFAULT_TARGET = "127.0.0.1:50051"

ReqT = TypeVar("ReqT", bound=Message)
RespT = TypeVar("RespT", bound=Message)
T = TypeVar("T")

# Seconds each unary call may take by default; override per client with ``timeout_s``
# and per method with ``deadlines``.
DEFAULT_TIMEOUT_S = 10.0
# How long idempotent calls keep retrying while the head unit is UNAVAILABLE
# (never past the call's own deadline).
DEFAULT_RETRY_BUDGET_S = 30.0

_CHANNEL_OPTIONS = [
    # Reconnect soon after a head unit restarts rather than after gRPC's 1 s
    # first backoff, and never wait more than 5 s between attempts. Not
    # grpc.min_reconnect_backoff_ms: gRPC also uses it as the time a connection
    # attempt may take (20 s by default), and a short one fails every attempt
    # over a slow link (a car's Wi-Fi) until the backoff has grown.
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 5_000),
]


class ClientState(enum.Enum):
    """Where a client is in its life."""

    #: Created; the channel exists but nothing was called yet.
    UNOPENED = "unopened"
    #: At least one call went through.
    OPEN = "open"
    #: ``close()`` or ``aclose()`` ran; every call raises UsageError.
    CLOSED = "closed"


class ConnectionState(enum.Enum):
    """The channel's connectivity, from gRPC's channel state machine."""

    #: No connection and none being made (before the first call, or after idling).
    IDLE = "idle"
    #: Connecting or reconnecting.
    CONNECTING = "connecting"
    #: Connected: calls go through.
    READY = "ready"
    #: The connection failed; gRPC retries with backoff.
    TRANSIENT_FAILURE = "transient_failure"
    #: The client was closed.
    SHUTDOWN = "shutdown"

    @classmethod
    def from_grpc(cls, state: grpc.ChannelConnectivity) -> ConnectionState:
        return cls[state.name]


@dataclass(frozen=True)
class TLSConfig:
    """TLS settings; give a certificate and key as well for mutual TLS.

    :param root_certificates: PEM of the CA that signed the head unit's certificate.
    :param certificate_chain: PEM of this client's certificate (mutual TLS).
    :param private_key: PEM of this client's key (mutual TLS).
    :param server_name: the name to check in the head unit's certificate,
        when it differs from the target's host.
    """

    root_certificates: bytes | None = None
    certificate_chain: bytes | None = None
    private_key: bytes | None = None
    server_name: str | None = None

    @classmethod
    def from_files(
        cls,
        ca: str | Path | None = None,
        cert: str | Path | None = None,
        key: str | Path | None = None,
        server_name: str | None = None,
    ) -> TLSConfig:
        """Read PEM files into a config."""

        def read(path: str | Path | None) -> bytes | None:
            return Path(path).read_bytes() if path else None

        if (cert is None) != (key is None):
            raise UsageError("Mutual TLS needs both a client certificate and its key; give both.")
        return cls(read(ca), read(cert), read(key), server_name)

    def credentials(self) -> grpc.ChannelCredentials:
        """The gRPC channel credentials."""
        return grpc.ssl_channel_credentials(
            self.root_certificates, self.private_key, self.certificate_chain
        )

    def options(self) -> list[tuple[str, Any]]:
        """Channel options for a server-name override."""
        if self.server_name:
            return [("grpc.ssl_target_name_override", self.server_name)]
        return []


class _EndedStream(grpc.RpcError):
    """A watch stream that ended with OK: the head unit never does that unless going away."""

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNAVAILABLE

    def details(self) -> str:
        return "The head unit ended the event stream."


class _Subscription:
    """Sans-I/O state of one event subscription: what to ask for, what to yield.

    It remembers the last seq and run id, so a resubscription resumes exactly
    after the last event handed out, and drops anything at or before it (no
    duplicates).
    """

    def __init__(
        self,
        after_seq: int | None,
        run_id: str,
        kinds: Iterable[EventKind],
        policy: ReconnectPolicy,
    ) -> None:
        self.last_seq = after_seq
        self.run_id = run_id
        self.kinds = [k.to_proto(types_pb2.EventKind) for k in kinds]
        self.snapshot: Snapshot | None = None
        self._backoff = _Backoff(policy)

    @property
    def resubscriptions(self) -> int:
        """How many times the stream resubscribed after a failure."""
        return self._backoff.reopenings

    def request(self) -> hu_pb.WatchEventsRequest:
        req = hu_pb.WatchEventsRequest(run_id=self.run_id, kinds=self.kinds)
        if self.last_seq is not None:
            req.resume_after_seq = self.last_seq
        return req

    def ended_without_status(self) -> grpc.RpcError:
        """An UNAVAILABLE error for a stream the server closed without one, so it resubscribes."""
        return _EndedStream()

    def accept(self, resp: hu_pb.WatchEventsResponse) -> EventBatch | None:
        """Take one response; return its new events in order (None when there are none)."""
        self._backoff.reset()  # a message arrived: the next failure starts backoff afresh
        if resp.HasField("snapshot"):
            self.snapshot = Snapshot.from_proto(resp.snapshot, resp.events_lost)
            self.run_id = resp.snapshot.run_id
            self.last_seq = resp.snapshot.seq
        msgs: Sequence[types_pb2.Event] = resp.events
        if not msgs:
            return None
        first, last = msgs[0], msgs[-1]
        # Batches arrive in seq order from one run; only the first batch after a
        # resubscription can repeat what was already handed out, so the
        # per-event check runs only when the batch starts at or before last_seq.
        if self.last_seq is not None and first.run_id == self.run_id and first.seq <= self.last_seq:
            seen = self.last_seq
            msgs = [m for m in msgs if m.run_id != self.run_id or m.seq > seen]
            if not msgs:
                return None
        self.run_id = last.run_id
        self.last_seq = last.seq
        return EventBatch(msgs)

    def delay_after(self, exc: grpc.RpcError) -> float:
        """The delay before resubscribing after ``exc``.

        :raises CarDeckError: when ``exc`` is not worth a retry, or retries ran out.
        """
        return self._backoff.delay_after(exc)


class _BaseClient:
    """Configuration and every non-I/O step shared by the twins."""

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        *,
        token: str | None = None,
        tls: TLSConfig | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        reconnect: ReconnectPolicy | None = None,
        deadlines: Mapping[str, float] | None = None,
        retry_budget_s: float = DEFAULT_RETRY_BUDGET_S,
    ) -> None:
        self.target = target
        self.tls = tls
        self.timeout_s = timeout_s
        self.reconnect = reconnect or ReconnectPolicy()
        self.deadlines = {**DEFAULT_DEADLINES_S, **(deadlines or {})}
        self.retry_budget_s = retry_budget_s
        self.state = ClientState.UNOPENED
        self._last_info: tuple[hu_pb.GetInfoResponse, ServerInfo] | None = None
        self._info_request: hu_pb.GetInfoRequest | None = None
        self._metadata: tuple[tuple[str, str], ...] = (
            (("authorization", f"Bearer {token}"),) if token else ()
        )

    def _channel_args(self) -> tuple[str, list[tuple[str, Any]]]:
        options = list(_CHANNEL_OPTIONS) + (self.tls.options() if self.tls else [])
        return self.target, options

    def _check_open(self) -> None:
        """Refuse to work once the client is closed; changes nothing."""
        if self.state is ClientState.CLOSED:
            raise UsageError(
                "This client is closed. Create a new client (or use it in a `with` block "
                "only as long as you need it)."
            )

    def _start_call(self) -> None:
        """A call goes out: refuse it on a closed client, and mark the client OPEN."""
        if self.state is not ClientState.OPEN:
            self._check_open()
            self.state = ClientState.OPEN

    def _ended(self) -> bool:
        """Whether close() or aclose() ran: the client's streams then end instead of failing."""
        return self.state is ClientState.CLOSED

    def _deadline(self, rpc: Rpc[Any, Any], timeout_s: float | None) -> float:
        """Seconds the call may take: ``timeout_s`` if given, else the method's or the client's.

        0 is a deadline like any other (the call fails at once with
        DeadlineExceededError), not "unset": only None means unset.
        """
        if timeout_s is not None:
            return timeout_s
        return self.deadlines.get(rpc.name, self.timeout_s)

    def _retry_for(self, rpc: Rpc[Any, Any], timeout: float) -> UnaryRetry | None:
        """Retry state for an RPC its proto declares idempotent, None for one that must not repeat.

        Retries stop at the call's deadline: a deadline covers the whole call.
        """
        if not rpc.retry_safe:
            return None
        return UnaryRetry(self.reconnect, min(self.retry_budget_s, timeout))

    @staticmethod
    def _retry_delay(exc: grpc.RpcError, retry: UnaryRetry | None) -> float:
        if retry is None:
            raise error_from_rpc(exc) from exc
        return retry.delay_after(exc)

    # -- info and version negotiation ---------------------------------------

    def _build_info_request(self) -> hu_pb.GetInfoRequest:
        # Built once per client: info() is polled, the request never changes,
        # and gRPC only serialises it (nothing mutates it after this).
        request = self._info_request
        if request is None:
            request = self._info_request = hu_pb.GetInfoRequest(
                client_api_version=API_VERSION.to_proto()
            )
        return request

    def _parse_info_response(self, resp: hu_pb.GetInfoResponse) -> ServerInfo:
        # info() is often polled and its answer seldom changes: a new answer is
        # parsed, a repeated one (equal message) gets the ServerInfo parsed
        # before, which is frozen and safe to hand out again. Parsing costs
        # some 20 times the comparison.
        last = self._last_info
        if last is not None and last[0] == resp:
            return last[1]
        info = ServerInfo.from_proto(resp)
        if info.api_version.major != API_VERSION.major:
            raise self._incompatible(f"{info.api_version}")
        self._last_info = (resp, info)
        return info

    def _map_info_error(self, exc: StatusError) -> Exception:
        if exc.reason == "API_VERSION_MISMATCH":
            return self._incompatible(exc.metadata.get("server_api_major", "?") + ".x")
        return exc

    def _incompatible(self, server_version: str) -> IncompatibleServerError:
        from . import __version__

        return IncompatibleServerError(
            f"The head unit at {self.target} speaks cardeck API {server_version}, but this SDK "
            f"(cardeck {__version__}) speaks API {API_VERSION.major}.x. Install a cardeck "
            f"version that supports API {server_version.split('.')[0]} "
            "(`pip install -U cardeck`), or connect to a head unit that runs "
            f"API {API_VERSION.major}."
        )

    # -- vehicle state ----------------------------------------------------------

    def _build_update_request(
        self, update: VehicleStateUpdate | None, fields: dict[str, Any]
    ) -> hu_pb.UpdateVehicleStateRequest:
        if update is not None and fields:
            raise UsageError("Pass either a VehicleStateUpdate or keyword fields, not both.")
        try:
            update = update or VehicleStateUpdate(**fields)
        except TypeError as exc:
            raise UsageError(
                f"{exc}. Valid fields: {', '.join(VehicleStateUpdate.__annotations__)}."
            ) from None
        msg = update.to_proto()
        # AIP-134: name exactly the fields set, so the head unit changes nothing else.
        paths = [field.name for field, _ in msg.ListFields()]
        return hu_pb.UpdateVehicleStateRequest(update=msg, update_mask=FieldMask(paths=paths))

    @staticmethod
    def _build_stream_request(update: VehicleStateUpdate) -> hu_pb.StreamVehicleStateRequest:
        return hu_pb.StreamVehicleStateRequest(update=update.to_proto())

    async def _build_stream_requests(
        self, updates: Iterable[VehicleStateUpdate] | AsyncIterable[VehicleStateUpdate]
    ) -> AsyncIterator[hu_pb.StreamVehicleStateRequest]:
        if isinstance(updates, AsyncIterable):
            async for update in updates:
                yield self._build_stream_request(update)
        else:
            for update in updates:
                yield self._build_stream_request(update)

    # -- locale -------------------------------------------------------------------

    @staticmethod
    def _build_locale_request(tag: str) -> hu_pb.SetLocaleRequest:
        if not isinstance(tag, str) or not tag.strip():
            raise UsageError(
                f"set_locale() takes a locale tag such as 'ko' or 'en-XA', not {tag!r}; "
                "info().supported_locales lists the head unit's."
            )
        return hu_pb.SetLocaleRequest(locale=tag)

    @staticmethod
    def _parse_locale_response(resp: hu_pb.SetLocaleResponse) -> LocaleInfo:
        return locale_from_proto(resp.locale)

    def _subscription(
        self, after_seq: int | None, run_id: str, kinds: Iterable[EventKind]
    ) -> _Subscription:
        self._start_call()
        return _Subscription(after_seq, run_id, kinds, self.reconnect)


class _StreamState:
    """What both event-stream twins share: the subscription and the hand-out position.

    The head unit sends events in batches. A stream hands out whole batches
    (``batches()``) or single events (iteration) from one underlying batch
    iterator, so both see one position in the stream.
    """

    _sub: _Subscription
    # Made on first iteration; each twin narrows it to its own kind.
    _event_iter: HandOut | AsyncHandOut | None
    # The client that opened the stream; each twin narrows it to its own kind.
    _owner: _BaseClient

    def __init__(self, sub: _Subscription) -> None:
        self._sub = sub
        self._call: Any = None
        self._closed = False
        # The batch in the first answer, which open() waits for before iteration starts.
        self._pending: EventBatch | None = None

    @property
    def _handed(self) -> int | None:
        """Seq of the last event iteration handed out inside a batch, None outside one.

        The subscription's last_seq is the end of that batch.
        """
        return None if self._event_iter is None else self._event_iter.handed

    @property
    def snapshot(self) -> Snapshot | None:
        """The state snapshot received first (or after a resync), if any."""
        return self._sub.snapshot

    @property
    def last_seq(self) -> int | None:
        """The seq of the last event handed out (or of the snapshot).

        Resume a new stream from it and nothing is lost or repeated, even after
        breaking out of a loop in the middle of a batch.
        """
        return self._sub.last_seq if self._handed is None else self._handed

    @property
    def run_id(self) -> str:
        """The head-unit run the seqs belong to."""
        return self._sub.run_id

    @property
    def resubscriptions(self) -> int:
        """How many times the stream resubscribed after a failure."""
        return self._sub.resubscriptions

    def _ended(self) -> bool:
        """Whether this stream or its client was closed: reading then stops without an error."""
        return self._closed or self._owner._ended()

    def _take_pending(self) -> EventBatch | None:
        batch, self._pending = self._pending, None
        return batch

    def _refuse_mid_batch(self) -> None:
        if self._handed is not None:
            raise UsageError(
                "This stream's event iterator stopped inside a batch; batches() would skip the "
                "rest of it. Read the stream either by event or by batch, or finish the batch "
                "first."
            )


class EventStream(_StreamState, Iterator[Event]):
    """Events from :meth:`Client.events`, resubscribing by itself on UNAVAILABLE.

    The subscription starts on :meth:`open` or the first ``next()``. Without
    ``after_seq`` the head unit first sends a snapshot of its state: call
    :meth:`open` to wait for it, and every change after that arrives as an
    event. Resume later with ``client.events(after_seq=stream.last_seq,
    run_id=stream.run_id)``. For high event rates read :meth:`batches`.

    Closing the stream or its client ends a loop reading it, in this thread or
    another: the loop stops after the events already received, without an
    exception, and ``last_seq`` tells where to resume.
    """

    def __init__(self, client: Client, sub: _Subscription) -> None:
        super().__init__(sub)
        self._owner = self._client = client
        self._batch_iter: Iterator[EventBatch] | None = None
        self._event_iter: HandOut | None = None

    def open(self) -> Snapshot | None:
        """Start the subscription and wait for the head unit's first answer.

        Once this returns, every later change reaches this stream. Returns the
        snapshot when the head unit sent one (no resume, or a resume too old).

        :raises UsageError: the client is closed.
        """
        with map_rpc_error():
            self._start()
        return self._sub.snapshot

    def _start(self) -> None:
        if self._call is None:
            rpc = HeadUnitService.WatchEvents
            self._call = self._client._open_stream(rpc, self._sub.request())
            self._pending = self._sub.accept(next(self._call))

    def batches(self) -> Iterator[EventBatch]:
        """The events batch by batch, as they arrived: one loop step per batch.

        The same stream as iterating by event, at a fraction of the cost per
        event; use it above some 100,000 events per second.

        :raises UsageError: the event iterator stopped inside a batch.
        """
        self._refuse_mid_batch()
        return self._batches()

    def _batches(self) -> Iterator[EventBatch]:
        if self._batch_iter is None:
            self._batch_iter = self._read_batches()
        return self._batch_iter

    def _read_batches(self) -> Iterator[EventBatch]:
        while True:
            if batch := self._take_pending():
                yield batch
            if self._ended():
                return
            try:
                if self._call is None:
                    self._start()  # its first answer may already hold events
                    continue
                resp = next(self._call, None)
                if resp is None:
                    raise self._sub.ended_without_status()
                self._pending = self._sub.accept(resp)
            except grpc.RpcError as exc:
                self._call = None
                if not self._ended():  # closing cancels the call: no error then
                    self._client._pause(self._sub.delay_after(exc))
            except (UsageError, *CLOSED_CHANNEL_ERRORS):
                if self._ended():  # the client closed just before a resubscription
                    return
                raise

    def __iter__(self) -> Iterator[Event]:
        # The hand-out iterator itself, not self: a `for` loop then steps it
        # without a Python-level __next__ call per event.
        if self._event_iter is None:
            self._event_iter = hand_out(self._batches())
        return iter(self._event_iter)

    def __next__(self) -> Event:
        return next(iter(self))

    def close(self) -> None:
        """End the stream; iteration stops, also in a thread that is reading it."""
        self._closed = True
        if self._call is not None:
            self._call.cancel()


class AsyncEventStream(_StreamState, AsyncIterator[Event]):
    """Events from :meth:`AsyncClient.events`; the twin of :class:`EventStream`."""

    def __init__(self, client: AsyncClient, sub: _Subscription) -> None:
        super().__init__(sub)
        self._owner = self._client = client
        self._batch_iter: AsyncIterator[EventBatch] | None = None
        self._event_iter: AsyncHandOut | None = None

    async def open(self) -> Snapshot | None:
        """Start the subscription and wait for the head unit's first answer (see EventStream).

        :raises UsageError: the client is closed.
        """
        with map_rpc_error():
            await self._start()
        return self._sub.snapshot

    async def _start(self) -> None:
        if self._call is None:
            rpc = HeadUnitService.WatchEvents
            self._call = self._client._open_stream(rpc, self._sub.request())
            self._pending = self._sub.accept(await self._read())

    async def _read(self) -> hu_pb.WatchEventsResponse:
        resp = await self._call.read()
        if resp is grpc.aio.EOF:  # type: ignore[attr-defined]  # grpc-stubs do not declare grpc.aio.EOF
            raise self._sub.ended_without_status()
        return resp  # type: ignore[no-any-return]  # grpc-stubs type the call's read() as Any

    def batches(self) -> AsyncIterator[EventBatch]:
        """The events batch by batch (see :meth:`EventStream.batches`).

        :raises UsageError: the event iterator stopped inside a batch.
        """
        self._refuse_mid_batch()
        return self._batches()

    def _batches(self) -> AsyncIterator[EventBatch]:
        if self._batch_iter is None:
            self._batch_iter = self._read_batches()
        return self._batch_iter

    async def _read_batches(self) -> AsyncIterator[EventBatch]:
        while True:
            if batch := self._take_pending():
                yield batch
            if self._ended():
                return
            try:
                if self._call is None:
                    await self._start()  # its first answer may already hold events
                    continue
                self._pending = self._sub.accept(await self._read())
            except grpc.RpcError as exc:
                self._call = None
                if not self._ended():
                    await self._client._pause(self._sub.delay_after(exc))
            except asyncio.CancelledError:
                # grpc.aio cancels the call when the stream or client closes.
                if closed_underneath(self._ended()):
                    return
                raise
            except (UsageError, *CLOSED_CHANNEL_ERRORS):
                if self._ended():  # the client closed just before a resubscription
                    return
                raise

    def __aiter__(self) -> AsyncIterator[Event]:
        # The hand-out iterator itself, not self: `async for` then steps it
        # without a Python-level __anext__ call per event.
        if self._event_iter is None:
            self._event_iter = ahand_out(self._batches())
        return self._event_iter.__aiter__()

    def __anext__(self) -> Awaitable[Event]:
        return self.__aiter__().__anext__()

    async def aclose(self) -> None:
        """End the stream; iteration stops, also in a task that is reading it."""
        self._closed = True
        if self._call is not None:
            self._call.cancel()


class Client(_BaseClient):
    """A blocking client for a CarDeck head unit.

    Usage::

        with cardeck.connect("127.0.0.1:50051") as client:
            print(client.info().displays)
            for event in client.events():
                print(event.seq, event.kind, event.data)

    :param target: ``host:port`` of the head unit.
    :param token: bearer token; its scopes decide what the client may call.
    :param tls: TLS or mutual-TLS settings; None connects without TLS.
    :param timeout_s: deadline of each unary call in seconds.
    :param reconnect: backoff for resubscribing streams after UNAVAILABLE.
    :param channel: an existing channel to use instead (a test seam).
    """

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        *,
        token: str | None = None,
        tls: TLSConfig | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        reconnect: ReconnectPolicy | None = None,
        deadlines: Mapping[str, float] | None = None,
        retry_budget_s: float = DEFAULT_RETRY_BUDGET_S,
        channel: grpc.Channel | None = None,
    ) -> None:
        super().__init__(
            target,
            token=token,
            tls=tls,
            timeout_s=timeout_s,
            reconnect=reconnect,
            deadlines=deadlines,
            retry_budget_s=retry_budget_s,
        )
        addr, options = self._channel_args()
        if channel is None:
            if tls:
                channel = grpc.secure_channel(addr, tls.credentials(), options)
            else:
                channel = grpc.insecure_channel(addr, options)
        self._channel = channel
        # Set by close(): wakes streams waiting to resubscribe, so they end at once.
        self._closing = threading.Event()
        # cardeck.v1 and, on the same channel, KUKSA's val v2 (client.signals).
        self._calls = {rpc: rpc.bind(channel) for rpc in (*ALL_RPCS, *KUKSA_RPCS)}
        #: Vehicle profiles and computed layouts.
        self.layout = LayoutAPI(self)
        #: The browser panel.
        self.browser = BrowserAPI(self)
        #: Simulator controls (taps, rotary, screenshots, audio injection).
        self.simulator = SimulatorAPI(self)
        #: Place search, routes, guidance, markers and camera.
        self.maps = MapsAPI(self)
        #: Speech recognition, understanding, OEM intents and speech.
        self.voice = VoiceAPI(self)
        #: Installed bundles, installation and rollback.
        self.packages = PackagesAPI(self)
        #: Vehicle signals by VSS path, over the KUKSA val v2 API.
        self.signals = SignalsAPI(self)

    def __enter__(self) -> Self:
        return self

    # -- the seam the sub-APIs call through (SyncCaller in _seam.py) ---------------

    def _unary(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, *, timeout_s: float | None = None
    ) -> RespT:
        """Call a unary RPC with its deadline, retrying idempotent ones while UNAVAILABLE."""
        call: grpc.UnaryUnaryMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        timeout, retry = self._deadline(rpc, timeout_s), None
        while True:
            try:
                return call(request, timeout=timeout, metadata=self._metadata)
            except grpc.RpcError as exc:
                retry = retry or self._retry_for(rpc, timeout)
                time.sleep(self._retry_delay(exc, retry))

    def _stream_in(self, rpc: Rpc[ReqT, RespT], requests: Iterable[ReqT]) -> RespT:
        """Send a stream of requests, return the response; a stream cannot be replayed: no retry."""
        call: grpc.StreamUnaryMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        with map_rpc_error():
            return call(iter(requests), metadata=self._metadata)

    def _stream(self, rpc: Rpc[ReqT, RespT], requests: Iterator[ReqT]) -> StreamCall[RespT]:
        """Open a bidirectional stream."""
        call: grpc.StreamStreamMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        return call(requests, metadata=self._metadata)  # type: ignore[return-value]  # grpc-stubs 1.53 omit the call's __next__

    def _open_stream(self, rpc: Rpc[ReqT, RespT], request: ReqT) -> grpc.CallIterator[RespT]:
        """Start a server-streaming call."""
        call: grpc.UnaryStreamMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        return call(request, metadata=self._metadata)

    def _watch(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, parse: Callable[[RespT], T]
    ) -> StateStream[T]:
        """States from a server stream that reopens after UNAVAILABLE."""
        self._start_call()
        return StateStream(lambda: self._open_stream(rpc, request), parse, self)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _pause(self, seconds: float) -> None:
        """Sleep before a stream resubscribes; close() cuts it short."""
        self._closing.wait(seconds)

    def close(self) -> None:
        """Close the channel; later calls raise UsageError.

        Event and state streams of this client end: a loop reading one in
        another thread stops without an exception.
        """
        if self.state is not ClientState.CLOSED:
            self.state = ClientState.CLOSED
            self._closing.set()
            self._channel.close()

    def info(self) -> ServerInfo:
        """What the head unit is and can do; checks the API version.

        :raises IncompatibleServerError: the head unit speaks another major API version.
        :raises CarDeckError: any other failure.
        """
        try:
            resp = self._unary(HeadUnitService.GetInfo, self._build_info_request())
        except StatusError as exc:
            raise self._map_info_error(exc) from exc
        return self._parse_info_response(resp)

    def vehicle_state(self) -> VehicleState:
        """The current vehicle state."""
        request = hu_pb.GetVehicleStateRequest()
        resp = self._unary(HeadUnitService.GetVehicleState, request)
        return VehicleState.from_proto(resp.state)

    def update_vehicle_state(
        self, update: VehicleStateUpdate | None = None, **fields: Any
    ) -> VehicleState:
        """Change vehicle-state fields.

        Example: ``client.update_vehicle_state(speed_kmh=50, gear=Gear.DRIVE)``.
        """
        request = self._build_update_request(update, fields)
        resp = self._unary(HeadUnitService.UpdateVehicleState, request)
        return VehicleState.from_proto(resp.state)

    def stream_vehicle_state(self, updates: Iterable[VehicleStateUpdate]) -> int:
        """Send vehicle-state updates in order (e.g. replayed from the car's bus).

        One gRPC stream carries them all, which costs far less per update than
        one call each. Returns how many the head unit applied.

        :raises InvalidArgumentError: an update was out of range; its index is in the field path.
        """
        requests = (self._build_stream_request(u) for u in updates)
        resp = self._stream_in(HeadUnitService.StreamVehicleState, requests)
        return int(resp.applied_count)

    def drive_restrictions(self) -> DriveRestrictions:
        """What the UI locks now."""
        request = hu_pb.GetDriveRestrictionsRequest()
        resp = self._unary(HeadUnitService.GetDriveRestrictions, request)
        return DriveRestrictions.from_proto(resp.restrictions)

    def set_locale(self, tag: str) -> LocaleInfo:
        """Switch the head unit's locale; panels, guidance and voice follow it.

        Example: ``client.set_locale("ko").name == "한국어"``. Setting the current
        locale again changes nothing; a change emits a ``LocaleChange`` event.

        :param tag: a supported tag (``info().supported_locales``), e.g. ``"ko"``,
            ``"en-XA"``; case and ``_`` do not matter, ``"ko_KR"`` selects ``"ko"``.
        :returns: the locale now in use.
        :raises InvalidArgumentError: the head unit does not ship that locale; the
            message lists those it does.
        """
        request = self._build_locale_request(tag)
        resp = self._unary(HeadUnitService.SetLocale, request)
        return self._parse_locale_response(resp)

    def connection_states(self) -> Iterator[ConnectionState]:
        """Connection state changes, starting with the current state; ends at SHUTDOWN.

        Iterating asks the channel to connect. Close the iterator (or the
        client) to stop.
        """
        changes: queue.Queue[grpc.ChannelConnectivity] = queue.Queue()
        self._channel.subscribe(changes.put, try_to_connect=True)
        try:
            while True:
                state = ConnectionState.from_grpc(changes.get())
                yield state
                if state is ConnectionState.SHUTDOWN:
                    return
        finally:
            self._channel.unsubscribe(changes.put)

    def events(
        self, *, after_seq: int | None = None, run_id: str = "", kinds: Iterable[EventKind] = ()
    ) -> EventStream:
        """Every state change, in seq order, resuming by itself after UNAVAILABLE.

        :param after_seq: resume after this seq (of ``run_id``); None starts with a snapshot.
        :param run_id: the run ``after_seq`` belongs to; empty means the current run.
        :param kinds: only these kinds; empty means every kind except ``EventKind.SIGNALS``
            (vehicle signals change many times a second: ask for them by name).
        """
        return EventStream(self, self._subscription(after_seq, run_id, kinds))


class AsyncClient(_BaseClient):
    """An asyncio client for a CarDeck head unit; the twin of :class:`Client`.

    Usage::

        async with cardeck.AsyncClient("127.0.0.1:50051") as client:
            info = await client.info()
            async for event in client.events():
                print(event.seq, event.kind, event.data)

    Parameters are those of :class:`Client`; ``channel`` is a ``grpc.aio.Channel``.
    """

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        *,
        token: str | None = None,
        tls: TLSConfig | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        reconnect: ReconnectPolicy | None = None,
        deadlines: Mapping[str, float] | None = None,
        retry_budget_s: float = DEFAULT_RETRY_BUDGET_S,
        channel: grpc.aio.Channel | None = None,
    ) -> None:
        super().__init__(
            target,
            token=token,
            tls=tls,
            timeout_s=timeout_s,
            reconnect=reconnect,
            deadlines=deadlines,
            retry_budget_s=retry_budget_s,
        )
        addr, options = self._channel_args()
        if channel is None:
            if tls:
                channel = grpc.aio.secure_channel(addr, tls.credentials(), options)
            else:
                channel = grpc.aio.insecure_channel(addr, options)
        self._channel = channel
        # Set by aclose(): wakes streams waiting to resubscribe, so they end at once.
        self._closing = asyncio.Event()
        # cardeck.v1 and, on the same channel, KUKSA's val v2 (client.signals).
        self._calls = {rpc: rpc.bind(channel) for rpc in (*ALL_RPCS, *KUKSA_RPCS)}
        #: Vehicle profiles and computed layouts.
        self.layout = AsyncLayoutAPI(self)
        #: The browser panel.
        self.browser = AsyncBrowserAPI(self)
        #: Simulator controls (taps, rotary, screenshots, audio injection).
        self.simulator = AsyncSimulatorAPI(self)
        #: Place search, routes, guidance, markers and camera.
        self.maps = AsyncMapsAPI(self)
        #: Speech recognition, understanding, OEM intents and speech.
        self.voice = AsyncVoiceAPI(self)
        #: Installed bundles, installation and rollback.
        self.packages = AsyncPackagesAPI(self)
        #: Vehicle signals by VSS path, over the KUKSA val v2 API.
        self.signals = AsyncSignalsAPI(self)

    async def __aenter__(self) -> Self:
        return self

    # -- the seam the sub-APIs call through (AsyncCaller in _seam.py) --------------

    async def _unary(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, *, timeout_s: float | None = None
    ) -> RespT:
        """Call a unary RPC with its deadline, retrying idempotent ones while UNAVAILABLE."""
        call: grpc.aio.UnaryUnaryMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        timeout, retry = self._deadline(rpc, timeout_s), None
        while True:
            try:
                return await call(request, timeout=timeout, metadata=self._metadata)
            except grpc.RpcError as exc:
                retry = retry or self._retry_for(rpc, timeout)
                await asyncio.sleep(self._retry_delay(exc, retry))

    async def _stream_in(self, rpc: Rpc[ReqT, RespT], requests: AsyncIterator[ReqT]) -> RespT:
        """Send a stream of requests, return the response; a stream cannot be replayed: no retry."""
        call: grpc.aio.StreamUnaryMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        with map_rpc_error():
            return await call(requests, metadata=self._metadata)

    def _stream(
        self, rpc: Rpc[ReqT, RespT], requests: AsyncIterator[ReqT] | None = None
    ) -> grpc.aio.StreamStreamCall[ReqT, RespT]:
        """Open a bidirectional stream; without ``requests``, write to the call instead."""
        call: grpc.aio.StreamStreamMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        return call(requests, metadata=self._metadata)

    def _open_stream(
        self, rpc: Rpc[ReqT, RespT], request: ReqT
    ) -> grpc.aio.UnaryStreamCall[ReqT, RespT]:
        """Start a server-streaming call."""
        call: grpc.aio.UnaryStreamMultiCallable[ReqT, RespT] = self._calls[rpc]
        self._start_call()
        return call(request, metadata=self._metadata)

    def _watch(
        self, rpc: Rpc[ReqT, RespT], request: ReqT, parse: Callable[[RespT], T]
    ) -> AsyncStateStream[T]:
        """States from a server stream that reopens after UNAVAILABLE."""
        self._start_call()
        return AsyncStateStream(lambda: self._open_stream(rpc, request), parse, self)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _pause(self, seconds: float) -> None:
        """Sleep before a stream resubscribes; aclose() cuts it short."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def aclose(self) -> None:
        """Close the channel; later calls raise UsageError.

        Event and state streams of this client end: a loop reading one in
        another task stops without an exception.
        """
        if self.state is not ClientState.CLOSED:
            self.state = ClientState.CLOSED
            self._closing.set()
            await self._channel.close(None)

    async def info(self) -> ServerInfo:
        """What the head unit is and can do; checks the API version (see :meth:`Client.info`)."""
        try:
            resp = await self._unary(HeadUnitService.GetInfo, self._build_info_request())
        except StatusError as exc:
            raise self._map_info_error(exc) from exc
        return self._parse_info_response(resp)

    async def vehicle_state(self) -> VehicleState:
        """The current vehicle state."""
        request = hu_pb.GetVehicleStateRequest()
        resp = await self._unary(HeadUnitService.GetVehicleState, request)
        return VehicleState.from_proto(resp.state)

    async def update_vehicle_state(
        self, update: VehicleStateUpdate | None = None, **fields: Any
    ) -> VehicleState:
        """Change vehicle-state fields (see :meth:`Client.update_vehicle_state`)."""
        request = self._build_update_request(update, fields)
        resp = await self._unary(HeadUnitService.UpdateVehicleState, request)
        return VehicleState.from_proto(resp.state)

    async def stream_vehicle_state(
        self, updates: Iterable[VehicleStateUpdate] | AsyncIterable[VehicleStateUpdate]
    ) -> int:
        """Send vehicle-state updates in order (see :meth:`Client.stream_vehicle_state`)."""
        requests = self._build_stream_requests(updates)
        resp = await self._stream_in(HeadUnitService.StreamVehicleState, requests)
        return int(resp.applied_count)

    async def drive_restrictions(self) -> DriveRestrictions:
        """What the UI locks now."""
        request = hu_pb.GetDriveRestrictionsRequest()
        resp = await self._unary(HeadUnitService.GetDriveRestrictions, request)
        return DriveRestrictions.from_proto(resp.restrictions)

    async def set_locale(self, tag: str) -> LocaleInfo:
        """Switch the head unit's locale (see :meth:`Client.set_locale`)."""
        request = self._build_locale_request(tag)
        resp = await self._unary(HeadUnitService.SetLocale, request)
        return self._parse_locale_response(resp)

    async def connection_states(self) -> AsyncIterator[ConnectionState]:
        """Connection state changes, starting with the current state; ends at SHUTDOWN."""
        state = self._channel.get_state(try_to_connect=True)
        while True:
            public = ConnectionState.from_grpc(state)
            yield public
            if public is ConnectionState.SHUTDOWN:
                return
            await self._channel.wait_for_state_change(state)
            state = self._channel.get_state(try_to_connect=True)

    def events(
        self, *, after_seq: int | None = None, run_id: str = "", kinds: Iterable[EventKind] = ()
    ) -> AsyncEventStream:
        """Every state change (see :meth:`Client.events`)."""
        return AsyncEventStream(self, self._subscription(after_seq, run_id, kinds))


def connect(
    target: str = DEFAULT_TARGET,
    token: str | None = None,
    tls: TLSConfig | None = None,
    **kwargs: Any,
) -> Client:
    """Open a :class:`Client` and negotiate the API version with one ``info()`` call.

    :raises IncompatibleServerError: the head unit speaks another major API version.
    :raises UnavailableError: nothing answers at ``target``.
    """
    client = Client(target, token=token, tls=tls, **kwargs)
    try:
        client.info()
    except BaseException:
        client.close()
        raise
    return client


async def connect_async(
    target: str = DEFAULT_TARGET,
    token: str | None = None,
    tls: TLSConfig | None = None,
    **kwargs: Any,
) -> AsyncClient:
    """Open an :class:`AsyncClient` and negotiate the API version (see :func:`connect`)."""
    client = AsyncClient(target, token=token, tls=tls, **kwargs)
    try:
        await client.info()
    except BaseException:
        await client.aclose()
        raise
    return client
