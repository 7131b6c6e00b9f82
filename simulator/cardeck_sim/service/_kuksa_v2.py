"""Eclipse KUKSA's ``kuksa.val.v2.VAL`` over the head unit's signals.

Served on the head unit's gRPC port next to cardeck.v1 (same TLS, same bearer tokens:
``read`` for GetValue, GetValues, Subscribe, SubscribeById, ListMetadata and
GetServerInfo; ``vehicle:write`` for Actuate, ActuateStream, BatchActuate, PublishValue and
OpenProviderStream), with the databroker's semantics as val.proto's comments give them:
NOT_FOUND for an unknown path or id, INVALID_ARGUMENT for a value of the wrong type, out of
range or not allowed and for actuating a non-actuator, UNAVAILABLE for an actuator nobody
provides. Signal ids are ``cardeck.vss.SignalSpec.signal_id`` (stable for a head unit).

Subscriptions follow the store's event log with a cursor (as WatchEvents does): the first
response holds every subscribed signal's current value, then one response per change that
touches them. A subscriber that reads slower than the signals change gets its older
responses merged (the latest value of each signal kept) once more than ``buffer_size``
wait, and one that falls behind the log's ring starts again from the current values, so a
slow reader never makes the head unit hold more. ``Filter.duration_ms`` ends a
subscription; ``min_sample_interval`` is not applied (every change is sent).

As in the databroker, ListMetadata ignores ``filter``. Published values take the head
unit's clock as their time (the store stamps every change), not the data point's timestamp.
A provider stream stays open after the provider half-closes it (kuksa-client claims
actuators and then only reads); whatever it claimed is released when the call ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from google.protobuf.message import Message

from cardeck.kuksa.val.v2 import types_pb2 as v2types
from cardeck.kuksa.val.v2 import val_pb2 as pb
from cardeck.kuksa.val.v2 import val_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2
from cardeck.vss import SIGNALS, SignalScalar, SignalSpec, SignalValueError

from .._version import SERVER_VERSION
from ..state import Cursor, EventLog, StateStore, SubscriberLagError
from ._kuksa_common import (
    BY_ID,
    Actuation,
    PatternError,
    ProviderLink,
    apply_published,
    bad_pattern,
    invalid,
    match_paths,
    not_found,
    python_value,
    resolve,
    resolve_path,
    v2_datapoint,
    v2_metadata,
    v2_point_of,
    value_failure,
)
from ._status import RpcFailure

__all__ = ["MAX_BUFFER_SIZE", "SERVER_NAME", "KuksaV2Servicer"]

#: What GetServerInfo (v1 and v2) names the server.
SERVER_NAME = "CarDeck head unit"
#: The largest buffer_size a subscription may ask for (the databroker's MAX_BUFFER_SIZE).
MAX_BUFFER_SIZE = 1000

log = logging.getLogger("cardeck_sim.service.kuksa")

_SIGNAL_KINDS = (types_pb2.EVENT_KIND_SIGNALS,)
_provider_numbers = itertools.count(1)


def _shutting_down() -> RpcFailure:
    return RpcFailure(
        grpc.StatusCode.UNAVAILABLE,
        "The head unit is shutting down; subscribe again once it is back.",
        reason="SHUTTING_DOWN",
    )


class SignalFanout:
    """What the v2 subscriptions of one head unit share, so that a change costs each of them
    little more than the send: every SignalsChanged event converted to KUKSA Datapoints once,
    and every response encoded once for all subscriptions that ask for the same signals
    (they read the log in step, so their batches are the same events).

    Both caches are bounded rings keyed by seq; a subscriber far behind only recomputes.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._capacity = capacity
        self._points: OrderedDict[int, dict[str, v2types.Datapoint]] = OrderedDict()
        self._encoded: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()

    def points(self, log: EventLog, seq: int) -> dict[str, v2types.Datapoint]:
        """The signals of the event ``seq`` as Datapoints by path (shared: never change them)."""
        found = self._points.get(seq)
        if found is None:
            found = {}
            for value in log.event(seq).signals_changed.signals:
                which = value.WhichOneof("value")
                spec = SIGNALS.get(value.path)
                if which is not None and spec is not None:
                    found[value.path] = v2_point_of(spec, getattr(value, which), value.time)
            self._points[seq] = found
            if len(self._points) > self._capacity:
                self._points.popitem(last=False)
        return found

    def encoded(self, key: tuple[Any, ...], message: Callable[[], Message]) -> bytes:
        """The encoded response under ``key``, built by ``message`` the first time."""
        found = self._encoded.get(key)
        if found is None:
            found = message().SerializeToString()
            self._encoded[key] = found
            if len(self._encoded) > self._capacity:
                self._encoded.popitem(last=False)
        return found


async def follow_signals(
    store: StateStore,
    fanout: SignalFanout,
    keys: dict[str, Any],
    response: Callable[..., Message],
    buffer_size: int,
    duration_ms: int = 0,
) -> AsyncIterator[bytes]:
    """Current values of the signals in ``keys`` (path -> response key), then each change,
    as encoded ``response(entries=...)`` messages.

    Yields one response per store change that touched them, merging the oldest when more
    than ``max(buffer_size, 1)`` are ready at once (KUKSA's default buffer_size 0: a
    subscriber that falls behind gets the newest values); ends after ``duration_ms`` when
    that is set.
    """
    events = store.events
    cursor = Cursor(events, events.head_seq, _SIGNAL_KINDS)
    # frozenset caches its hash: the key of the shared encodings costs nothing per change.
    asked = (response, frozenset(keys.items()))
    yield response(entries=_current(store, keys)).SerializeToString()
    deadline = time.monotonic() + duration_ms / 1000 if duration_ms else None
    keep = max(buffer_size, 1)
    while not events.closed:
        try:
            if deadline is None:
                after, last, seqs = await cursor.next_seqs()
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                try:
                    after, last, seqs = await asyncio.wait_for(cursor.next_seqs(), left)
                except TimeoutError:
                    return
            if keep == 1:
                # The newest value of each key in the batch: read from the newest event
                # back, and stop once every key has one (a burst of changes costs one look).
                latest: dict[Any, v2types.Datapoint] = {}
                for seq in reversed(seqs):
                    for path, point in fanout.points(events, seq).items():
                        key = keys.get(path)
                        if key is not None and key not in latest:
                            latest[key] = point
                    if len(latest) == len(keys):
                        break
                if latest:
                    entries = latest
                    yield fanout.encoded(
                        (*asked, "newest", after, last),
                        functools.partial(response, entries=entries),
                    )
                continue
            # (first seq, last seq, entries) of each change that touched the subscription.
            ready: list[tuple[int, int, dict[Any, v2types.Datapoint]]] = []
            for seq in seqs:
                points = fanout.points(events, seq)
                entries = {keys[path]: point for path, point in points.items() if path in keys}
                if entries:
                    ready.append((seq, seq, entries))
        except SubscriberLagError:
            # Too far behind for the ring: start again from what the signals are now.
            cursor = Cursor(events, events.head_seq, _SIGNAL_KINDS)
            yield response(entries=_current(store, keys)).SerializeToString()
            continue
        if len(ready) > keep:
            cut = len(ready) - keep + 1
            merged: dict[Any, v2types.Datapoint] = {}
            for _, _, entries in ready[:cut]:
                merged.update(entries)
            ready = [(ready[0][0], ready[cut - 1][1], merged), *ready[cut:]]
        for first, last_touch, entries in ready:
            # The events from first to last that touch these keys are always the same ones,
            # so the same key always encodes the same bytes.
            yield fanout.encoded(
                (*asked, first, last_touch), functools.partial(response, entries=entries)
            )
    raise _shutting_down()


def _current(store: StateStore, keys: dict[str, Any]) -> dict[Any, v2types.Datapoint]:
    get = store.signals.get
    return {key: v2_datapoint(SIGNALS[path], get(path)) for path, key in keys.items()}


def _check_buffer(buffer_size: int) -> None:
    if buffer_size > MAX_BUFFER_SIZE:
        raise invalid(
            "buffer_size",
            f"buffer_size {buffer_size} exceeds the maximum of {MAX_BUFFER_SIZE}.",
        )


def checked_actuation(request: pb.ActuateRequest, field_name: str) -> tuple[SignalSpec, Any]:
    """The signal and checked value of one ActuateRequest (NOT_FOUND / INVALID_ARGUMENT)."""
    spec = resolve(request.signal_id, f"{field_name}.signal_id")
    which = request.value.WhichOneof("typed_value")
    try:
        value = python_value(spec, which, getattr(request.value, which) if which else None)
    except SignalValueError as exc:
        raise value_failure(f"{field_name}.value", exc) from exc
    return spec, value


class KuksaV2Servicer(pb_grpc.VALServicer):
    """Serves ``kuksa.val.v2.VAL`` over the store.

    :param store: the state store (values are read from and written to it).
    :param actuation: providers and targets, shared with the v1 service.
    """

    def __init__(self, store: StateStore, actuation: Actuation) -> None:
        self._store = store
        self._actuation = actuation
        self._fanout = SignalFanout()

    async def GetValue(self, request: pb.GetValueRequest, context: object) -> pb.GetValueResponse:
        spec = resolve(request.signal_id, "signal_id")
        return pb.GetValueResponse(
            data_point=v2_datapoint(spec, self._store.signals.get(spec.path))
        )

    async def GetValues(
        self, request: pb.GetValuesRequest, context: object
    ) -> pb.GetValuesResponse:
        if not request.signal_ids:
            raise invalid("signal_ids", "signal_ids is empty; name at least one signal.")
        get = self._store.signals.get
        specs = [resolve(s, f"signal_ids[{i}]") for i, s in enumerate(request.signal_ids)]
        return pb.GetValuesResponse(data_points=[v2_datapoint(s, get(s.path)) for s in specs])

    async def Subscribe(  # type: ignore[override]  # yields encoded responses, which the interceptor sends as they are
        self, request: pb.SubscribeRequest, context: object
    ) -> AsyncIterator[bytes]:
        if not request.signal_paths:
            raise invalid("signal_paths", "signal_paths is empty; name at least one signal.")
        _check_buffer(request.buffer_size)
        keys = {
            resolve_path(p, f"signal_paths[{i}]").path: p
            for i, p in enumerate(request.signal_paths)
        }
        async for encoded in follow_signals(
            self._store,
            self._fanout,
            keys,
            pb.SubscribeResponse,
            request.buffer_size,
            request.filter.duration_ms,
        ):
            yield encoded

    async def SubscribeById(  # type: ignore[override]  # yields encoded responses (see Subscribe)
        self, request: pb.SubscribeByIdRequest, context: object
    ) -> AsyncIterator[bytes]:
        if not request.signal_ids:
            raise invalid("signal_ids", "signal_ids is empty; name at least one signal.")
        _check_buffer(request.buffer_size)
        keys: dict[str, int] = {}
        for i, number in enumerate(request.signal_ids):
            spec = BY_ID.get(number)
            if spec is None:
                raise not_found(f"signal_ids[{i}] {number}")
            keys[spec.path] = number
        async for encoded in follow_signals(
            self._store,
            self._fanout,
            keys,
            pb.SubscribeByIdResponse,
            request.buffer_size,
            request.filter.duration_ms,
        ):
            yield encoded

    async def Actuate(self, request: pb.ActuateRequest, context: object) -> pb.ActuateResponse:
        self._actuation.actuate([checked_actuation(request, "request")], "signal_id")
        return pb.ActuateResponse()

    async def ActuateStream(
        self, request_iterator: AsyncIterator[pb.ActuateRequest], context: object
    ) -> pb.ActuateResponse:
        count = 0
        async for request in request_iterator:
            where = f"requests[{count}]"
            self._actuation.actuate([checked_actuation(request, where)], where)
            count += 1
        return pb.ActuateResponse()

    async def BatchActuate(
        self, request: pb.BatchActuateRequest, context: object
    ) -> pb.BatchActuateResponse:
        if not request.actuate_requests:
            raise invalid("actuate_requests", "actuate_requests is empty.")
        checked = [
            checked_actuation(r, f"actuate_requests[{i}]")
            for i, r in enumerate(request.actuate_requests)
        ]
        self._actuation.actuate(checked, "actuate_requests")
        return pb.BatchActuateResponse()

    async def ListMetadata(
        self, request: pb.ListMetadataRequest, context: object
    ) -> pb.ListMetadataResponse:
        try:
            paths = match_paths(request.root)
        except PatternError as exc:
            raise bad_pattern("root", str(exc)) from exc
        if not paths:
            raise RpcFailure(
                grpc.StatusCode.NOT_FOUND,
                f"No signal matches root {request.root[:80]!r}; use a branch (Vehicle.Cabin), "
                "a signal, or a pattern with * and **, or an empty root for every signal.",
                reason="SIGNAL_NOT_FOUND",
            )
        return pb.ListMetadataResponse(metadata=[v2_metadata(p) for p in paths])

    async def PublishValue(
        self, request: pb.PublishValueRequest, context: object
    ) -> pb.PublishValueResponse:
        spec = resolve(request.signal_id, "signal_id")
        self._actuation.check_publisher(None, spec.path)
        value = _published_value(spec, request.data_point, "data_point.value")
        apply_published(self._store, {spec.path: value}, "data_point.value")
        return pb.PublishValueResponse()

    async def OpenProviderStream(
        self, request_iterator: AsyncIterator[pb.OpenProviderStreamRequest], context: object
    ) -> AsyncIterator[pb.OpenProviderStreamResponse]:
        link = ProviderLink(name=f"provider-{next(_provider_numbers)}")
        failure: list[BaseException] = []

        async def read() -> None:
            try:
                async for request in request_iterator:
                    await self._provider_request(link, request)
            except Exception as exc:  # handed to the writer, which ends the call with it
                failure.append(exc)

        reader: asyncio.Task[None] | None = asyncio.create_task(read())
        getter: asyncio.Future[pb.OpenProviderStreamResponse] | None = None
        try:
            while True:
                if getter is None:
                    getter = asyncio.ensure_future(link.outbox.get())
                waiting: set[asyncio.Future[Any]] = {getter} if reader is None else {getter, reader}
                done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    message, getter = getter.result(), None
                    yield message
                    continue
                # The provider stopped sending. Without an error the stream stays open for
                # the actuation requests (kuksa-client half-closes after claiming).
                reader = None
                if failure:
                    # Answers queued before the failing request go out before its status.
                    getter.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        yield await getter
                    getter = None
                    while not link.outbox.empty():
                        yield link.outbox.get_nowait()
                    raise failure[0]
        finally:
            self._actuation.release(link)
            for task in (getter, reader):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

    async def _provider_request(
        self, link: ProviderLink, request: pb.OpenProviderStreamRequest
    ) -> None:
        action = request.WhichOneof("action")
        # Answers to the provider's own requests wait for room: a provider that stops
        # reading its answers stops being read, so its queue stays bounded.
        put = link.outbox.put
        if action == "provide_actuation_request":
            ids = request.provide_actuation_request.actuator_identifiers
            specs = [
                resolve(s, f"provide_actuation_request.actuator_identifiers[{i}]")
                for i, s in enumerate(ids)
            ]
            self._actuation.claim_actuators(link, specs)
            await put(
                pb.OpenProviderStreamResponse(
                    provide_actuation_response=pb.ProvideActuationResponse()
                )
            )
        elif action == "publish_values_request":
            reply = self._publish_values(link, request.publish_values_request)
            if reply is not None:
                await put(pb.OpenProviderStreamResponse(publish_values_response=reply))
        elif action == "provide_signal_request":
            numbers = request.provide_signal_request.signals_sample_intervals
            claimed = []
            for number in sorted(numbers):
                spec = BY_ID.get(number)
                if spec is None:
                    raise not_found(f"provide_signal_request.signals_sample_intervals id {number}")
                claimed.append(spec)
            self._actuation.claim_signals(link, claimed)
            await put(
                pb.OpenProviderStreamResponse(provide_signal_response=pb.ProvideSignalResponse())
            )
        elif action == "batch_actuate_stream_response":
            answer = request.batch_actuate_stream_response
            if answer.HasField("error") and answer.error.code not in (
                v2types.ERROR_CODE_UNSPECIFIED,
                v2types.ERROR_CODE_OK,
            ):
                log.info(
                    "%s refused an actuation of %s: %s",
                    link.name,
                    answer.signal_id,
                    answer.error.message,
                )
        elif action == "provider_error_indication":
            if not link.actuators and not link.signals:
                raise RpcFailure(
                    grpc.StatusCode.ABORTED,
                    "provider_error_indication came from a stream that provides nothing yet; "
                    "claim actuators or signals first.",
                    reason="NOTHING_PROVIDED",
                )
            log.info("%s reports %s", link.name, request.provider_error_indication)
        # update_filter_response and get_provider_value_response answer requests this
        # head unit never sends, and a request without an action says nothing: the
        # databroker ignores them, and so does the head unit.

    def _publish_values(
        self, link: ProviderLink, request: pb.PublishValuesRequest
    ) -> pb.PublishValuesResponse | None:
        """Publish what fits, answer per id what does not (nothing when everything fits).

        As in the databroker, a stream publishes only the signals it claimed with
        provide_signal_request: ABORTED before any claim, ALREADY_EXISTS for others.
        """
        if not link.signals:
            raise RpcFailure(
                grpc.StatusCode.ABORTED,
                "The provider has not claimed any signals yet; send provide_signal_request "
                "with their ids before publish_values_request.",
                reason="NOTHING_PROVIDED",
            )
        unclaimed = sorted(
            n
            for n in request.data_points
            if BY_ID.get(n) is None or BY_ID[n].path not in link.signals
        )
        if unclaimed:
            raise RpcFailure(
                grpc.StatusCode.ALREADY_EXISTS,
                f"publish_values_request has signal ids this stream did not claim: "
                f"{', '.join(map(str, unclaimed[:10]))}; claim them with provide_signal_request "
                "(a signal another stream provides cannot be claimed until that stream ends).",
                reason="SIGNAL_NOT_CLAIMED",
            )
        errors: dict[int, v2types.Error] = {}
        updates: dict[str, SignalScalar] = {}
        for number in sorted(request.data_points):
            spec = BY_ID[number]
            try:
                updates[spec.path] = _published_value(spec, request.data_points[number], "")
            except RpcFailure as exc:
                errors[number] = v2types.Error(
                    code=v2types.ERROR_CODE_INVALID_ARGUMENT, message=exc.message
                )
        if updates:
            try:
                self._store.set_signals(updates)
            except SignalValueError as exc:  # the language signal's locale check
                spec = SIGNALS[exc.path]
                errors[spec.signal_id] = v2types.Error(
                    code=v2types.ERROR_CODE_INVALID_ARGUMENT, message=str(exc)
                )
        if not errors:
            return None
        return pb.PublishValuesResponse(request_id=request.request_id, status=errors)

    async def GetServerInfo(
        self, request: pb.GetServerInfoRequest, context: object
    ) -> pb.GetServerInfoResponse:
        return pb.GetServerInfoResponse(name=SERVER_NAME, version=SERVER_VERSION)


def _published_value(spec: SignalSpec, point: v2types.Datapoint, field_name: str) -> SignalScalar:
    which = point.value.WhichOneof("typed_value")
    where = field_name or spec.path
    if which is None:
        raise invalid(where, f"the data point for {spec.path} has no value; set its value.")
    try:
        return python_value(spec, which, getattr(point.value, which))
    except SignalValueError as exc:
        raise value_failure(where, exc) from exc
