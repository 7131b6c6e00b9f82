"""The head unit's vehicle data from another KUKSA val v2 server (``--vehicle-source``).

A car's head unit does not invent its speed: it reads the vehicle's databroker. With a
source, the head unit stops simulating its own car (``store.vehicle_source`` names the
source, so the simulated drive writes no vehicle signals) and mirrors the source's
signals into its store: on every connection one ``GetValues`` for the listed signals,
then a ``Subscribe`` whose every response becomes one ``store.set_signals`` call (one
``SignalsChanged`` event), so drive restrictions and panels follow the source as they
follow the simulated car. When the source goes away the feed reconnects with capped,
jittered backoff and starts again with a fresh ``GetValues``, so a value changed while it
was away is picked up; a service notice says when the source is lost and when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

import grpc

from cardeck import ReconnectPolicy
from cardeck.i18n import translator
from cardeck.kuksa.val.v2 import types_pb2 as kuksa_types
from cardeck.kuksa.val.v2 import val_pb2, val_pb2_grpc
from cardeck.v1 import types_pb2
from cardeck.vss import SIGNALS, SignalScalar, SignalValueError, UnknownSignalError, check_value

from ..state import StateStore
from ._source import DEFAULT_FEED_SIGNALS, VehicleSource
from ._values import NO_VALUE, value_of

__all__ = ["FeedState", "VehicleFeed"]

log = logging.getLogger(__name__)

#: The notice codes (stable: clients match on them; the messages are localised).
LOST_CODE = "VEHICLE_SOURCE_LOST"
RESTORED_CODE = "VEHICLE_SOURCE_RESTORED"

#: How long one GetValues may take, connecting included.
GET_TIMEOUT_S = 10.0

#: A car's databroker may be a few seconds away after a restart; 5 s between attempts at
#: most keeps the head unit from showing old values much longer than the outage.
DEFAULT_POLICY = ReconnectPolicy(initial_s=0.2, maximum_s=5.0, multiplier=1.5, jitter=0.3)

_CHANNEL_OPTIONS = [
    # A new channel per attempt: the feed's own backoff decides when to dial again, not
    # gRPC's (which starts at 1 s and grows to 120 s on a channel that keeps failing).
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 5_000),
    # A silent dead link (no FIN, no RST) ends the subscription after at most 5 min 20 s.
    # Not sooner: a gRPC server counts pings closer than 5 min on a quiet stream as abuse
    # and closes the connection (GOAWAY too_many_pings), which would be a reconnect loop.
    ("grpc.keepalive_time_ms", 300_000),
    ("grpc.keepalive_timeout_ms", 20_000),
]


_LATITUDE = "Vehicle.CurrentLocation.Latitude"
_LONGITUDE = "Vehicle.CurrentLocation.Longitude"
_HEADING = "Vehicle.CurrentLocation.Heading"


class FeedState(enum.Enum):
    """Where the feed is: dialling the first time, mirroring, lost, or closed."""

    CONNECTING = "connecting"
    LIVE = "live"
    LOST = "lost"
    CLOSED = "closed"


class _SourceError(Exception):
    """The source answered, but not with what the feed needs (a sentence)."""


class VehicleFeed:
    """Mirrors a KUKSA val v2 server's vehicle signals into the head unit's store.

    :param store: the head unit's store; its ``vehicle_source`` becomes ``source.url`` at
        once, so the simulated car stops writing vehicle signals.
    :param source: the server (``kuksa://`` or ``kuksas://``).
    :param signals: the VSS paths to read (default: every signal that describes the car).
    :param token: a bearer token for the source, sent as ``authorization`` metadata.
    :param root_certificates: PEM of the CA to trust for ``kuksas://``; None trusts the
        system's roots.
    :param policy: the delays between attempts; a policy that runs out of attempts ends
        the feed (state LOST, for good).

    Usage::

        feed = VehicleFeed(store, parse_vehicle_source("kuksa://127.0.0.1:55555"))
        feed.start()
        ...
        await feed.aclose()
    """

    def __init__(
        self,
        store: StateStore,
        source: VehicleSource,
        signals: Sequence[str] = DEFAULT_FEED_SIGNALS,
        *,
        token: str | None = None,
        root_certificates: bytes | None = None,
        policy: ReconnectPolicy = DEFAULT_POLICY,
        on_location: Callable[[float, float, float | None], None] | None = None,
    ) -> None:
        self.store = store
        #: Called with (latitude, longitude, heading or None) when the source moves the car,
        #: so the map's car follows it (the composition root wires it to the maps panel).
        self.on_location = on_location
        self.source = source
        self.paths: tuple[str, ...] = tuple(signals)
        self._wanted = frozenset(self.paths)
        self.policy = policy
        self.state = FeedState.CONNECTING
        #: Why the source was last lost (English, for logs and notices); "" while live.
        self.last_error = ""
        #: How many times the feed has gone live (1 after the first connection).
        self.connections = 0
        #: Attempts that failed since the feed was last live.
        self.failures = 0
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        self._root_certificates = root_certificates
        self._task: asyncio.Task[None] | None = None
        self._lost_notified = False
        # Rejections already logged, so a source that keeps sending a value the
        # subset refuses does not flood the log: (path, reason).
        self._rejected: set[tuple[str, str]] = set()
        self._missing_logged = False
        # From now on the source is the car: the simulated drive writes no vehicle signals.
        store.vehicle_source = source.url

    def start(self) -> None:
        """Start mirroring the source (on the running loop); a second call does nothing."""
        if self._task is not None:
            return
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"vehicle feed {self.source.url}"
        )

    async def aclose(self) -> None:
        """Stop mirroring; the store keeps the last values. Idempotent."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.state = FeedState.CLOSED

    # -- the connection loop ---------------------------------------------

    async def _run(self) -> None:
        delays = self.policy.delays()
        while True:
            subscribed = False
            try:
                async for _ in self._session():
                    if not subscribed:
                        # The subscription delivers: the next loss starts the backoff over.
                        subscribed = True
                        delays = self.policy.delays()
                reason = "the source ended the subscription"
            except grpc.RpcError as exc:
                reason = _describe(exc)
            except _SourceError as exc:
                reason = str(exc)
            except Exception as exc:  # the feed outlives any one failure; the log has it
                log.exception("The vehicle feed from %s failed.", self.source.url)
                reason = f"{type(exc).__name__}: {exc}"
            self._down(reason)
            delay = next(delays, None)
            if delay is None:
                log.error("Gave up on the vehicle data source %s: %s", self.source.url, reason)
                return
            await asyncio.sleep(delay)

    async def _session(self) -> AsyncIterator[None]:
        """One connection: GetValues, then the subscription; yields per subscription update."""
        async with self._channel() as channel:
            stub = val_pb2_grpc.VALStub(channel)
            values = await self._get_values(stub)
            self._apply(values)
            self._up()
            call = stub.Subscribe(
                val_pb2.SubscribeRequest(signal_paths=self.paths), metadata=self._metadata
            )
            async for response in call:
                self._apply(response.entries.items())
                yield

    @contextlib.asynccontextmanager
    async def _channel(self) -> AsyncIterator[grpc.aio.Channel]:
        if self.source.tls:
            credentials = grpc.ssl_channel_credentials(self._root_certificates)
            channel = grpc.aio.secure_channel(self.source.target, credentials, _CHANNEL_OPTIONS)
        else:
            channel = grpc.aio.insecure_channel(self.source.target, _CHANNEL_OPTIONS)
        try:
            yield channel
        finally:
            await channel.close(None)

    async def _get_values(
        self, stub: val_pb2_grpc.VALAsyncStub
    ) -> list[tuple[str, kuksa_types.Datapoint]]:
        """The current value of every path; paths the source lacks are dropped (once logged)."""
        try:
            response = await self._call_get_values(stub, self.paths)
        except grpc.RpcError as exc:
            if _code(exc) is not grpc.StatusCode.NOT_FOUND:
                raise
            await self._drop_missing(stub)
            response = await self._call_get_values(stub, self.paths)
        points = list(response.data_points)
        if len(points) != len(self.paths):
            raise _SourceError(
                f"GetValues answered {len(points)} values for {len(self.paths)} signals"
            )
        return list(zip(self.paths, points, strict=True))

    async def _call_get_values(
        self, stub: val_pb2_grpc.VALAsyncStub, paths: Sequence[str]
    ) -> val_pb2.GetValuesResponse:
        request = val_pb2.GetValuesRequest(
            signal_ids=[kuksa_types.SignalID(path=path) for path in paths]
        )
        return await stub.GetValues(request, metadata=self._metadata, timeout=GET_TIMEOUT_S)

    async def _drop_missing(self, stub: val_pb2_grpc.VALAsyncStub) -> None:
        """GetValues fails whole for one unknown path: find which, and read the rest."""

        async def exists(path: str) -> bool:
            request = val_pb2.GetValueRequest(signal_id=kuksa_types.SignalID(path=path))
            try:
                await stub.GetValue(request, metadata=self._metadata, timeout=GET_TIMEOUT_S)
            except grpc.RpcError as exc:
                if _code(exc) is grpc.StatusCode.NOT_FOUND:
                    return False
                raise
            return True

        found = await asyncio.gather(*(exists(path) for path in self.paths))
        missing = [path for path, ok in zip(self.paths, found, strict=True) if not ok]
        kept = tuple(path for path, ok in zip(self.paths, found, strict=True) if ok)
        if not kept:
            raise _SourceError("the source has none of the signals the head unit reads")
        if missing and not self._missing_logged:
            self._missing_logged = True
            log.warning(
                "The vehicle data source %s has no %s; the head unit reads the other %d "
                "signals and keeps its own values for these.",
                self.source.url,
                ", ".join(missing),
                len(kept),
            )
        self.paths = kept
        self._wanted = frozenset(kept)

    # -- writing to the store ---------------------------------------------

    def _apply(self, entries: Iterable[tuple[str, kuksa_types.Datapoint]]) -> None:
        """One response's values into the store in one ``set_signals`` call."""
        updates: dict[str, SignalScalar] = {}
        for path, datapoint in entries:
            spec = SIGNALS.get(path)
            if spec is None or path not in self._wanted:
                continue  # not asked for: a source may send more than it was asked
            value = value_of(datapoint)
            if value is NO_VALUE:
                continue  # the source has no value yet: keep the head unit's
            try:
                updates[path] = check_value(spec, value)
            except SignalValueError as exc:
                self._reject(path, exc.reason, str(exc))
        if not updates:
            return
        try:
            self.store.set_signals(updates)
        except (SignalValueError, UnknownSignalError) as exc:
            # The store's own checks beyond the subset's (a language it has no catalog for).
            for path in updates:
                self._reject(path, getattr(exc, "reason", "store"), str(exc))
            return
        if self.on_location is not None and (_LATITUDE in updates or _LONGITUDE in updates):
            value = self.store.signals.value
            latitude, longitude = value(_LATITUDE), value(_LONGITUDE)
            if isinstance(latitude, float) and isinstance(longitude, float):
                heading = value(_HEADING)
                self.on_location(
                    latitude, longitude, float(heading) if heading is not None else None
                )

    def _reject(self, path: str, reason: str, message: str) -> None:
        if (path, reason) in self._rejected:
            return
        self._rejected.add((path, reason))
        log.warning(
            "Skipped a value of %s from the vehicle data source %s (logged once): %s",
            path,
            self.source.url,
            message,
        )

    # -- state and notices ---------------------------------------------------

    def _up(self) -> None:
        self.state = FeedState.LIVE
        self.last_error = ""
        self.failures = 0
        self.connections += 1
        log.info("Reading vehicle signals from %s.", self.source.url)
        if self._lost_notified:
            self._lost_notified = False
            # ServiceNotice.message is shown to people: in the head unit's locale now.
            tr = translator(self.store.locale)
            self.store.notice(
                types_pb2.NOTICE_SEVERITY_INFO,
                RESTORED_CODE,
                # i18n: a notice on screen; {source} is an address such as
                # kuksa://192.168.1.20:55555, the car's data service.
                tr.gettext(
                    "The vehicle data source {source} is back; speed, gear and the other "
                    "vehicle values are live again.",
                    source=self.source.url,
                ),
            )

    def _down(self, reason: str) -> None:
        self.state = FeedState.LOST
        self.last_error = reason
        self.failures += 1
        if self._lost_notified:
            log.debug("The vehicle data source %s is still away: %s", self.source.url, reason)
            return
        log.warning(
            "Lost the vehicle data source %s: %s%s",
            self.source.url,
            reason,
            _hint(reason),
        )
        self._lost_notified = True
        tr = translator(self.store.locale)
        self.store.notice(
            types_pb2.NOTICE_SEVERITY_WARNING,
            LOST_CODE,
            # i18n: a notice on screen; {source} is an address such as
            # kuksa://192.168.1.20:55555, the car's data service; {reason} is gRPC's own
            # English reason (e.g. "UNAVAILABLE: failed to connect").
            tr.gettext(
                "The vehicle data source {source} cannot be reached ({reason}); the vehicle "
                "values shown are the last it sent. Reconnecting.",
                source=self.source.url,
                reason=reason,
            ),
        )


def _code(exc: grpc.RpcError) -> grpc.StatusCode | None:
    code = getattr(exc, "code", None)
    return code() if callable(code) else None


def _describe(exc: grpc.RpcError) -> str:
    code = _code(exc)
    details = getattr(exc, "details", None)
    text = details() if callable(details) else ""
    name = code.name if code is not None else "ERROR"
    return f"{name}: {text}" if text else name


def _hint(reason: str) -> str:
    """What the person who started the head unit can do about a refusal."""
    if reason.startswith(("UNAUTHENTICATED", "PERMISSION_DENIED")):
        return " (check --vehicle-source-token: the source needs a token with its read scope)"
    if reason.startswith("UNIMPLEMENTED"):
        return " (the server at --vehicle-source does not serve kuksa.val.v2)"
    return ""
