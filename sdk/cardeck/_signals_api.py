"""``client.signals``: vehicle signals by COVESA VSS path, over KUKSA's ``kuksa.val.v2`` API.

The head unit serves ``kuksa.val.v2.VAL`` on its gRPC port next to
``cardeck.v1``, so ``client.signals`` goes over the client's own channel, with
its token, TLS, deadlines, retries and error classes. It speaks to any server
of that API (a KUKSA databroker too): paths outside this SDK's VSS subset
(:data:`cardeck.vss.SIGNALS`) work, their datatype read once from the server's
metadata.

The sans-I/O steps (requests, checks, parsing, the provider protocol) live in
:class:`_SignalsBase` and :class:`_ProviderProtocol`; the twins only do I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import itertools
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

import grpc
import grpc.aio
from google.rpc import error_details_pb2

from ._exceptions import (
    IncompatibleServerError,
    InvalidArgumentError,
    NotFoundError,
    UsageError,
    error_from_rpc,
    map_rpc_error,
)
from ._kuksa_rpcs import VAL
from ._models import SignalsChange, SignalValue
from ._models._kuksa import (
    datapoint_to_signal_value,
    signal_spec_from_metadata,
    signals_change_from_entries,
    value_from_proto,
    value_to_proto,
)
from ._seam import AsyncCaller, StreamCall, SyncCaller
from ._streams import AsyncStateStream, StateStream
from .kuksa.val.v2 import types_pb2 as kt
from .kuksa.val.v2 import val_pb2 as pb
from .vss import SIGNALS, SignalScalar, SignalSpec, SignalValueError, check_value

__all__ = [
    "ActuationHandler",
    "ActuationResult",
    "AsyncSignalProvider",
    "AsyncSignalsAPI",
    "SignalProvider",
    "SignalsAPI",
]

log = logging.getLogger(__name__)

#: What an actuation handler returns: None (publish nothing), a value (the actuator's
#: new current value) or ``{path: value}`` (several signals, published together).
ActuationResult = SignalScalar | Mapping[str, SignalScalar] | None
#: ``handler(path, value)``, called for each actuation request a provider receives.
ActuationHandler = Callable[[str, SignalScalar], "ActuationResult | Awaitable[ActuationResult]"]

_SyncProviderCall = StreamCall[pb.OpenProviderStreamResponse]
_AsyncProviderCall = grpc.aio.StreamStreamCall[
    pb.OpenProviderStreamRequest, pb.OpenProviderStreamResponse
]


def _paths(paths: Iterable[str], what: str) -> list[str]:
    """The paths as a list; a lone string is one path, not its characters."""
    listed = [paths] if isinstance(paths, str) else list(dict.fromkeys(paths))
    if not listed or not all(isinstance(p, str) and p for p in listed):
        raise UsageError(f"{what} takes VSS paths such as 'Vehicle.Speed'; got {paths!r}.")
    return listed


def _invalid(path: str, message: str) -> InvalidArgumentError:
    """An INVALID_ARGUMENT raised before any call, shaped like the head unit's own."""
    violation = error_details_pb2.BadRequest.FieldViolation(field=path, description=message)
    return InvalidArgumentError(
        message, details=[error_details_pb2.BadRequest(field_violations=[violation])]
    )


def _checked(spec: SignalSpec, value: object) -> SignalScalar:
    """``value`` as ``spec``'s type, or InvalidArgumentError naming the path."""
    try:
        return check_value(spec, value)
    except SignalValueError as exc:
        raise _invalid(spec.path, str(exc)) from exc


@contextlib.contextmanager
def _naming(paths: Iterable[str]) -> Iterator[None]:
    """Make sure a NOT_FOUND names the path: a server's sentence may only say "not found"."""
    try:
        yield
    except NotFoundError as exc:
        paths = list(paths)
        if any(p in exc.message for p in paths):
            raise
        raise NotFoundError(
            f"{', '.join(paths)}: {exc.message} (no such signal on the head unit; "
            "client.signals.list() shows what it has)",
            details=exc.details,
            reason=exc.reason,
            metadata=exc.metadata,
        ) from exc


def _signal_id(path: str) -> kt.SignalID:
    return kt.SignalID(path=path)


class _SignalsBase:
    """What both twins share: the specs of signals outside the subset, and every pure step."""

    def __init__(self) -> None:
        # Specs read from the server's metadata, by path: the server's ids and the
        # datatypes of paths this SDK's subset lacks.
        self._server_specs: dict[str, SignalSpec] = {}

    # -- specs ---------------------------------------------------------------------

    def _known(self, path: str) -> SignalSpec | None:
        """The spec to check values against: the SDK's own, else one the server sent."""
        return SIGNALS.get(path) or self._server_specs.get(path)

    def _unknown(self, paths: Iterable[str]) -> list[str]:
        """Paths whose datatype only the server can tell."""
        return [p for p in paths if self._known(p) is None]

    def _without_server_id(self, paths: Iterable[str]) -> list[str]:
        return [p for p in paths if p not in self._server_specs]

    @staticmethod
    def _metadata_request(path: str) -> pb.ListMetadataRequest:
        return pb.ListMetadataRequest(root=path)

    def _remember(self, path: str, resp: pb.ListMetadataResponse) -> SignalSpec:
        """Keep what the server says of ``path``; NotFoundError when it says nothing."""
        for md in resp.metadata:
            with contextlib.suppress(ValueError):  # array signals: not for this SDK
                self._server_specs[md.path] = signal_spec_from_metadata(md)
        spec = self._server_specs.get(path)
        if spec is None:
            raise NotFoundError(f"{path} is not a signal of the head unit.")
        return spec

    def _spec(self, path: str) -> SignalSpec:
        spec = self._known(path)
        assert spec is not None, "resolved before"
        return spec

    # -- requests and answers --------------------------------------------------------

    @staticmethod
    def _get_request(path: str) -> pb.GetValueRequest:
        if not isinstance(path, str) or not path:
            raise UsageError(f"get() takes one VSS path such as 'Vehicle.Speed'; got {path!r}.")
        return pb.GetValueRequest(signal_id=_signal_id(path))

    @staticmethod
    def _get_many_request(paths: list[str]) -> pb.GetValuesRequest:
        return pb.GetValuesRequest(signal_ids=[_signal_id(p) for p in paths])

    @staticmethod
    def _parse_many(paths: list[str], resp: pb.GetValuesResponse) -> dict[str, SignalValue]:
        if len(resp.data_points) != len(paths):
            raise IncompatibleServerError(
                f"The head unit answered GetValues with {len(resp.data_points)} values for "
                f"{len(paths)} paths; KUKSA's val v2 answers one per path, in order."
            )
        return {
            p: datapoint_to_signal_value(p, dp)
            for p, dp in zip(paths, resp.data_points, strict=True)
        }

    @staticmethod
    def _values(values: Mapping[str, SignalScalar]) -> dict[str, SignalScalar]:
        if not isinstance(values, Mapping) or not values:
            raise UsageError(
                f"set() takes {{path: value, ...}}, e.g. {{'Vehicle.Speed': 50.0}}; got {values!r}."
            )
        _paths(values, "set()")
        return dict(values)

    def _publish_requests(self, values: dict[str, SignalScalar]) -> list[pb.PublishValueRequest]:
        """One PublishValue per signal, every value checked first (nothing sent if one fails)."""
        requests = []
        for path, value in values.items():
            spec = self._spec(path)
            checked = _checked(spec, value)
            requests.append(
                pb.PublishValueRequest(
                    signal_id=_signal_id(path),
                    data_point=kt.Datapoint(value=value_to_proto(spec, checked)),
                )
            )
        return requests

    def _actuate_request(self, path: str, value: SignalScalar) -> pb.ActuateRequest:
        spec = self._spec(path)
        if spec.entry_type != "actuator":
            raise _invalid(
                path,
                f"{path} is a {spec.entry_type}, not an actuator: only actuators can be "
                "actuated. Publish a sensor's value with client.signals.set().",
            )
        checked = _checked(spec, value)
        return pb.ActuateRequest(signal_id=_signal_id(path), value=value_to_proto(spec, checked))

    @staticmethod
    def _subscribe_request(paths: list[str]) -> pb.SubscribeRequest:
        return pb.SubscribeRequest(signal_paths=paths)

    @staticmethod
    def _list_request(root: str) -> pb.ListMetadataRequest:
        if not isinstance(root, str) or not root:
            raise UsageError(f"list() takes a VSS branch such as 'Vehicle'; got {root!r}.")
        return pb.ListMetadataRequest(root=root)

    def _parse_list(self, resp: pb.ListMetadataResponse) -> list[SignalSpec]:
        specs = []
        for md in resp.metadata:
            try:
                spec = signal_spec_from_metadata(md)
            except ValueError:
                continue  # array and timestamp signals: documented as left out
            self._server_specs[spec.path] = spec
            specs.append(spec)
        return specs

    @staticmethod
    def _provided(paths: Iterable[str], publishes: Iterable[str]) -> tuple[list[str], list[str]]:
        """The actuators to serve, and every signal to publish (they and ``publishes``)."""
        actuators = _paths(paths, "provide()")
        others = [publishes] if isinstance(publishes, str) else list(publishes)
        return actuators, list(dict.fromkeys([*actuators, *others]))

    def _check_provided(self, paths: list[str]) -> None:
        for path in paths:
            spec = self._spec(path)
            if spec.entry_type != "actuator":
                raise _invalid(
                    path,
                    f"{path} is a {spec.entry_type}, not an actuator: provide() serves "
                    "actuation requests, so it claims actuators only. Publish other signals "
                    "with client.signals.set().",
                )


class _ProviderProtocol:
    """Sans-I/O half of a provider: what to send on OpenProviderStream, and what was asked.

    As the databroker wants it, the stream first claims the signals it publishes
    (``provide_signal_request``), then the actuators it serves
    (``provide_actuation_request``): no actuation can arrive before both claims are
    confirmed. It turns each BatchActuateStreamRequest into ``(path, value)`` pairs
    for the handler, and the handler's results into one PublishValuesRequest (all or
    nothing on the head unit) followed by one BatchActuateStreamResponse per signal.

    :param actuators: the actuators served.
    :param signals: the signals published (the actuators and any others).
    :param specs: each signal's spec with the server's id.
    """

    def __init__(
        self,
        actuators: list[str],
        signals: list[str],
        specs: Callable[[str], SignalSpec | None],
    ) -> None:
        self.paths = actuators
        self.signals = signals
        self._specs = specs
        self._request_ids = itertools.count(1)

    def _server_spec(self, path: str) -> SignalSpec:
        spec = self._specs(path)
        if spec is None:
            raise NotFoundError(f"{path} is not a signal of the head unit.")
        return spec

    def claims(self) -> list[tuple[pb.OpenProviderStreamRequest, str]]:
        """The two claims and the answer each must get, in the order to send them."""
        intervals = {self._server_spec(p).signal_id: kt.SampleInterval() for p in self.signals}
        return [
            (
                pb.OpenProviderStreamRequest(
                    provide_signal_request=pb.ProvideSignalRequest(
                        signals_sample_intervals=intervals
                    )
                ),
                "provide_signal_response",
            ),
            (
                pb.OpenProviderStreamRequest(
                    provide_actuation_request=pb.ProvideActuationRequest(
                        actuator_identifiers=[_signal_id(p) for p in self.paths]
                    )
                ),
                "provide_actuation_response",
            ),
        ]

    @staticmethod
    def confirmed(resp: pb.OpenProviderStreamResponse, expected: str) -> None:
        if resp.WhichOneof("action") != expected:
            raise UsageError(
                f"The head unit did not confirm the provider's claim ({expected}); it "
                f"answered {resp.WhichOneof('action')}."
            )

    def actuations(
        self, resp: pb.OpenProviderStreamResponse
    ) -> list[tuple[kt.SignalID, str, SignalScalar]]:
        """The actuations asked for in ``resp`` (none for any other message)."""
        which = resp.WhichOneof("action")
        if which == "publish_values_response":
            for signal_id, error in resp.publish_values_response.status.items():
                log.warning(
                    "The head unit refused a published value (id %s): %s", signal_id, error.message
                )
            return []
        if which != "batch_actuate_stream_request":
            log.debug("Ignoring %s on the provider stream.", which)
            return []
        out = []
        for req in resp.batch_actuate_stream_request.actuate_requests:
            path = self._path_of(req.signal_id)
            value = value_from_proto(req.value)
            if value is not None:
                out.append((req.signal_id, path, value))
        return out

    def _path_of(self, signal_id: kt.SignalID) -> str:
        if signal_id.WhichOneof("signal") == "path":
            return signal_id.path
        for path in self.paths:
            spec = self._specs(path)
            if spec is not None and spec.signal_id == signal_id.id:
                return path
        return f"#{signal_id.id}"

    @staticmethod
    def published(path: str, result: ActuationResult) -> dict[str, SignalScalar]:
        """What a handler's result asks to publish."""
        if result is None:
            return {}
        if isinstance(result, Mapping):
            return dict(result)
        return {path: result}

    def publish(self, values: Mapping[str, SignalScalar]) -> pb.OpenProviderStreamRequest | None:
        """One PublishValuesRequest for every value; None when there is nothing to publish.

        :raises InvalidArgumentError: a value does not fit its signal.
        :raises UsageError: a signal the stream did not claim.
        """
        if not values:
            return None
        points: dict[int, kt.Datapoint] = {}
        for path, value in values.items():
            if path not in self.signals:
                # The head unit would end the whole stream (ALREADY_EXISTS): refuse here.
                raise UsageError(
                    f"{path} is not among the signals this provider publishes "
                    f"({', '.join(self.signals)}); name it in provide(..., publishes=[...])."
                )
            spec = self._server_spec(path)
            checked = _checked(spec, value)
            points[spec.signal_id] = kt.Datapoint(value=value_to_proto(spec, checked))
        return pb.OpenProviderStreamRequest(
            publish_values_request=pb.PublishValuesRequest(
                request_id=next(self._request_ids), data_points=points
            )
        )

    @staticmethod
    def answer(signal_id: kt.SignalID, error: str | None) -> pb.OpenProviderStreamRequest:
        code = kt.ERROR_CODE_OK if error is None else kt.ERROR_CODE_INVALID_ARGUMENT
        return pb.OpenProviderStreamRequest(
            batch_actuate_stream_response=pb.BatchActuateStreamResponse(
                signal_id=signal_id, error=kt.Error(code=code, message=error or "")
            )
        )


def _log_handler_error(path: str) -> str:
    log.exception("The actuation handler failed for %s.", path)
    return f"The provider's handler failed for {path}."


class SignalProvider:
    """Actuators served and signals published by :meth:`SignalsAPI.provide`.

    A background thread receives actuation requests, calls the handler and
    publishes what it returns; :meth:`publish` sends values at any other time.
    The claims end on ``close()``.
    """

    _END = object()

    def __init__(
        self,
        open_call: Callable[[Iterator[pb.OpenProviderStreamRequest]], _SyncProviderCall],
        protocol: _ProviderProtocol,
        handler: ActuationHandler,
    ) -> None:
        self._protocol = protocol
        self._handler = handler
        #: The actuators served.
        self.paths = tuple(protocol.paths)
        #: The signals this provider publishes (the actuators and any others).
        self.signals = tuple(protocol.signals)
        self._requests: queue.Queue[Any] = queue.Queue()
        claims = protocol.claims()
        self._call = open_call(iter(self._requests.get, self._END))
        try:
            with map_rpc_error():
                for request, expected in claims:
                    self._requests.put(request)
                    protocol.confirmed(next(self._call), expected)
        except BaseException:
            self._requests.put(self._END)
            self._call.cancel()
            raise
        self._thread = threading.Thread(target=self._serve, name="cardeck-provider", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            for resp in self._call:
                actuations = self._protocol.actuations(resp)
                if actuations:
                    self._act(actuations)
        except grpc.RpcError as exc:
            if exc.code() is not grpc.StatusCode.CANCELLED:
                log.warning("The provider stream ended: %s", error_from_rpc(exc))

    def _act(self, actuations: list[tuple[kt.SignalID, str, SignalScalar]]) -> None:
        values: dict[str, SignalScalar] = {}
        errors: dict[str, str] = {}
        for _, path, value in actuations:
            try:
                values.update(self._protocol.published(path, self._handler(path, value)))  # type: ignore[arg-type]  # ActuationHandler also allows the async twin's awaitables
            except Exception:
                errors[path] = _log_handler_error(path)
        try:
            publish = self._protocol.publish(values)
            if publish is not None:
                self._requests.put(publish)
        except Exception as exc:  # a value the handler returned does not fit: tell the caller
            log.warning("Could not publish what the actuation handler returned: %s", exc)
            errors = {path: str(exc) for _, path, _ in actuations}
        for signal_id, path, _ in actuations:
            self._requests.put(self._protocol.answer(signal_id, errors.get(path)))

    def publish(self, values: Mapping[str, SignalScalar]) -> None:
        """Publish values of this provider's signals on its stream (e.g. a change it noticed).

        The values are checked here; the head unit applies them all or none (a
        refusal is logged as a warning: the stream carries no answer to a success).

        :raises InvalidArgumentError: a value does not fit its signal.
        :raises UsageError: a signal this provider does not publish.
        """
        request = self._protocol.publish(values)
        if request is not None:
            self._requests.put(request)

    def close(self) -> None:
        """Give everything up: end the stream and wait for the thread."""
        self._requests.put(self._END)
        self._call.cancel()
        self._thread.join(timeout=10)

    def __enter__(self) -> SignalProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncSignalProvider:
    """The asyncio twin of :class:`SignalProvider`; the handler may be a coroutine function."""

    def __init__(
        self,
        open_call: Callable[[], _AsyncProviderCall],
        protocol: _ProviderProtocol,
        handler: ActuationHandler,
    ) -> None:
        self._open_call = open_call
        self._protocol = protocol
        self._handler = handler
        #: The actuators served.
        self.paths = tuple(protocol.paths)
        #: The signals this provider publishes (the actuators and any others).
        self.signals = tuple(protocol.signals)
        self._call: Any = None
        self._task: asyncio.Task[None] | None = None
        # grpc.aio takes one write at a time; publish() and the serving task both write.
        self._writing = asyncio.Lock()

    async def _write(self, request: pb.OpenProviderStreamRequest) -> None:
        async with self._writing:
            await self._call.write(request)

    async def start(self) -> None:
        # The write() style, as AsyncIntentSession: no hidden reader task waits on a queue.
        claims = self._protocol.claims()
        self._call = self._open_call()
        try:
            with map_rpc_error():
                for request, expected in claims:
                    await self._write(request)
                    self._protocol.confirmed(await self._call.read(), expected)
        except BaseException:
            self._call.cancel()
            raise
        self._task = asyncio.get_running_loop().create_task(self._serve())

    async def _serve(self) -> None:
        try:
            while (resp := await self._call.read()) is not grpc.aio.EOF:  # type: ignore[attr-defined]  # grpc-stubs do not declare grpc.aio.EOF
                actuations = self._protocol.actuations(resp)
                if actuations:
                    await self._act(actuations)
        except grpc.RpcError as exc:
            if exc.code() is not grpc.StatusCode.CANCELLED:
                log.warning("The provider stream ended: %s", error_from_rpc(exc))

    async def _act(self, actuations: list[tuple[kt.SignalID, str, SignalScalar]]) -> None:
        values: dict[str, SignalScalar] = {}
        errors: dict[str, str] = {}
        for _, path, value in actuations:
            try:
                result = self._handler(path, value)
                if inspect.isawaitable(result):
                    result = await result
                values.update(self._protocol.published(path, result))
            except Exception:
                errors[path] = _log_handler_error(path)
        try:
            publish = self._protocol.publish(values)
        except Exception as exc:  # a value the handler returned does not fit: tell the caller
            log.warning("Could not publish what the actuation handler returned: %s", exc)
            errors = {path: str(exc) for _, path, _ in actuations}
            publish = None
        if publish is not None:
            await self._write(publish)
        for signal_id, path, _ in actuations:
            await self._write(self._protocol.answer(signal_id, errors.get(path)))

    async def publish(self, values: Mapping[str, SignalScalar]) -> None:
        """Publish values of this provider's signals (see :meth:`SignalProvider.publish`)."""
        request = self._protocol.publish(values)
        if request is not None:
            await self._write(request)

    async def aclose(self) -> None:
        """Give everything up: end the stream and the task."""
        if self._call is not None:
            self._call.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def __aenter__(self) -> AsyncSignalProvider:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class SignalsAPI(_SignalsBase):
    """Vehicle signals by VSS path, as ``Client.signals`` (KUKSA val v2 underneath).

    Usage::

        speed = client.signals.get("Vehicle.Speed")
        print(speed.value, speed.unit)  # 50.0 km/h
        client.signals.set({"Vehicle.Speed": 30.0})
        client.signals.actuate("Vehicle.Cabin.Sunroof.Switch", "OPEN")
        for change in client.signals.subscribe(["Vehicle.Speed"]):
            print(change.values)
    """

    def __init__(self, client: SyncCaller) -> None:
        super().__init__()
        self._c = client

    def _resolve(self, paths: list[str]) -> None:
        """Read the server's metadata of paths whose datatype this SDK does not know."""
        for path in self._unknown(paths):
            with _naming([path]):
                self._remember(path, self._c._unary(VAL.ListMetadata, self._metadata_request(path)))

    def _resolve_ids(self, paths: list[str]) -> None:
        """Read the server's ids of ``paths`` (a provider publishes by id)."""
        for path in self._without_server_id(paths):
            with _naming([path]):
                self._remember(path, self._c._unary(VAL.ListMetadata, self._metadata_request(path)))

    def get(self, path: str) -> SignalValue:
        """The signal's current value, with its time and unit.

        :param path: a VSS path, e.g. ``"Vehicle.Speed"``.
        :returns: the value (None when the signal has none yet) as bool, int, float or
            str, as the signal's VSS datatype says.
        :raises NotFoundError: the head unit has no such signal (the message names it).
        :raises PermissionDeniedError: the token lacks the ``read`` scope.
        """
        request = self._get_request(path)
        with _naming([path]):
            resp = self._c._unary(VAL.GetValue, request)
        return datapoint_to_signal_value(path, resp.data_point)

    def get_many(self, paths: Iterable[str]) -> dict[str, SignalValue]:
        """Several signals' current values in one call, by path in the order asked.

        :raises NotFoundError: one of the paths names no signal.
        """
        listed = _paths(paths, "get_many()")
        with _naming(listed):
            resp = self._c._unary(VAL.GetValues, self._get_many_request(listed))
        return self._parse_many(listed, resp)

    def set(self, values: Mapping[str, SignalScalar]) -> None:
        """Publish signal values, e.g. ``{"Vehicle.Speed": 50.0}`` (what a feeder does).

        Every value is checked against its signal (type, min/max, allowed values)
        before anything is sent; then each is published with one ``PublishValue``,
        in the mapping's order.

        :raises InvalidArgumentError: a value does not fit its signal; the error's
            ``field_violations[0].field`` and message name the path.
        :raises NotFoundError: the head unit has no such signal.
        :raises PermissionDeniedError: the token lacks the ``vehicle:write`` scope.
        """
        checked = self._values(values)
        self._resolve(list(checked))
        for request in self._publish_requests(checked):
            with _naming([request.signal_id.path]):
                self._c._unary(VAL.PublishValue, request)

    def actuate(self, path: str, value: SignalScalar) -> None:
        """Ask an actuator to take a value (its target); its provider carries it out.

        Example: ``client.signals.actuate("Vehicle.Cabin.Sunroof.Switch", "OPEN")``.

        :raises InvalidArgumentError: the signal is not an actuator, or the value does
            not fit it.
        :raises UnavailableError: no provider serves the actuator (never retried).
        :raises NotFoundError: the head unit has no such signal.
        """
        self._resolve([path])
        request = self._actuate_request(path, value)
        with _naming([path]):
            self._c._unary(VAL.Actuate, request)

    def subscribe(self, paths: Iterable[str]) -> StateStream[SignalsChange]:
        """Changes of the signals as they happen; the first carries every current value.

        After a dropped connection the stream resubscribes by itself (with the
        client's reconnect policy) and its first change brings every value up to
        date again. Close it (or the client) to stop.

        :raises NotFoundError: (on iteration) one of the paths names no signal.
        """
        listed = _paths(paths, "subscribe()")
        parse = functools.partial(_parse_subscription, listed)
        return self._c._watch(VAL.Subscribe, self._subscribe_request(listed), parse)

    def list(self, root: str = "Vehicle") -> list[SignalSpec]:
        """Every signal under ``root`` (a branch or one signal), with datatype, unit and limits.

        ``signal_id`` is the server's id. Signals of array or timestamp datatypes,
        which this SDK does not carry, are left out.

        :raises NotFoundError: no branch or signal ``root``.
        """
        request = self._list_request(root)
        with _naming([root]):
            resp = self._c._unary(VAL.ListMetadata, request)
        return self._parse_list(resp)

    def provide(
        self, paths: Iterable[str], handler: ActuationHandler, *, publishes: Iterable[str] = ()
    ) -> SignalProvider:
        """Serve actuators: ``handler(path, value)`` runs for each actuation request.

        What the handler returns is published: a value becomes the actuator's
        current value, ``{path: value, ...}`` sets several signals at once (a
        sunroof's ``Switch`` and ``Position``), None publishes nothing. As with the
        databroker, the provider claims every signal it publishes: the actuators and
        those named in ``publishes``; while it runs only it may publish them (with
        :meth:`SignalProvider.publish` at any time), and ``set()`` from elsewhere gets
        AlreadyExistsError. Use it as a context manager; leaving it gives everything
        up. Example::

            position = {"OPEN": 100, "CLOSE": 0}
            with client.signals.provide(
                ["Vehicle.Cabin.Sunroof.Switch"],
                lambda path, value: {"Vehicle.Cabin.Sunroof.Position": position[value]},
                publishes=["Vehicle.Cabin.Sunroof.Position"],
            ):
                ...

        :param paths: the actuators to serve.
        :param handler: ``handler(path, value)`` for each actuation request.
        :param publishes: other signals the provider publishes (sensors it reports).
        :raises InvalidArgumentError: a path is not an actuator.
        :raises AlreadyExistsError: another provider serves or publishes one of them.
        :raises PermissionDeniedError: the token lacks the ``vehicle:write`` scope.
        """
        listed, signals = self._provided(paths, publishes)
        self._resolve_ids(signals)
        self._check_provided(listed)
        protocol = _ProviderProtocol(listed, signals, self._server_specs.get)
        open_call = functools.partial(self._c._stream, VAL.OpenProviderStream)
        return SignalProvider(open_call, protocol, handler)


class AsyncSignalsAPI(_SignalsBase):
    """The asyncio twin of :class:`SignalsAPI`, as ``AsyncClient.signals``."""

    def __init__(self, client: AsyncCaller) -> None:
        super().__init__()
        self._c = client

    async def _resolve(self, paths: list[str]) -> None:
        for path in self._unknown(paths):
            with _naming([path]):
                self._remember(
                    path, await self._c._unary(VAL.ListMetadata, self._metadata_request(path))
                )

    async def _resolve_ids(self, paths: list[str]) -> None:
        for path in self._without_server_id(paths):
            with _naming([path]):
                self._remember(
                    path, await self._c._unary(VAL.ListMetadata, self._metadata_request(path))
                )

    async def get(self, path: str) -> SignalValue:
        """The signal's current value, with its time and unit (see :meth:`SignalsAPI.get`)."""
        request = self._get_request(path)
        with _naming([path]):
            resp = await self._c._unary(VAL.GetValue, request)
        return datapoint_to_signal_value(path, resp.data_point)

    async def get_many(self, paths: Iterable[str]) -> dict[str, SignalValue]:
        """Several signals' current values in one call (see :meth:`SignalsAPI.get_many`)."""
        listed = _paths(paths, "get_many()")
        with _naming(listed):
            resp = await self._c._unary(VAL.GetValues, self._get_many_request(listed))
        return self._parse_many(listed, resp)

    async def set(self, values: Mapping[str, SignalScalar]) -> None:
        """Publish signal values, all checked first (see :meth:`SignalsAPI.set`)."""
        checked = self._values(values)
        await self._resolve(list(checked))
        for request in self._publish_requests(checked):
            with _naming([request.signal_id.path]):
                await self._c._unary(VAL.PublishValue, request)

    async def actuate(self, path: str, value: SignalScalar) -> None:
        """Ask an actuator to take a value (see :meth:`SignalsAPI.actuate`)."""
        await self._resolve([path])
        request = self._actuate_request(path, value)
        with _naming([path]):
            await self._c._unary(VAL.Actuate, request)

    def subscribe(self, paths: Iterable[str]) -> AsyncStateStream[SignalsChange]:
        """Changes of the signals as they happen (see :meth:`SignalsAPI.subscribe`)."""
        listed = _paths(paths, "subscribe()")
        parse = functools.partial(_parse_subscription, listed)
        return self._c._watch(VAL.Subscribe, self._subscribe_request(listed), parse)

    async def list(self, root: str = "Vehicle") -> list[SignalSpec]:
        """Every signal under ``root`` (see :meth:`SignalsAPI.list`)."""
        request = self._list_request(root)
        with _naming([root]):
            resp = await self._c._unary(VAL.ListMetadata, request)
        return self._parse_list(resp)

    async def provide(
        self, paths: Iterable[str], handler: ActuationHandler, *, publishes: Iterable[str] = ()
    ) -> AsyncSignalProvider:
        """Serve actuators (see :meth:`SignalsAPI.provide`); the handler may be async.

        Use ``async with await client.signals.provide(paths, handler):``.
        """
        listed, signals = self._provided(paths, publishes)
        await self._resolve_ids(signals)
        self._check_provided(listed)
        protocol = _ProviderProtocol(listed, signals, self._server_specs.get)
        open_call = functools.partial(self._c._stream, VAL.OpenProviderStream)
        provider = AsyncSignalProvider(open_call, protocol, handler)
        await provider.start()
        return provider


def _parse_subscription(paths: list[str], resp: pb.SubscribeResponse) -> SignalsChange:
    return signals_change_from_entries(resp.entries, paths)
