"""Eclipse KUKSA's ``kuksa.val.v1.VAL`` over the head unit's signals.

Served on the head unit's gRPC port next to cardeck.v1 and kuksa.val.v2 (same TLS, same
bearer tokens: ``read`` for Get, Subscribe and GetServerInfo, ``vehicle:write`` for Set
and StreamedUpdate), with the databroker's semantics:

- Get and Set report problems with single entries in the response body
  (``DataEntryError`` with an HTTP-like ``Error``: 404 ``not_found``; 400 ``bad_request``,
  ``type mismatch``, ``value out of min/max bounds``, ``value out of type bounds``,
  ``value out of allowed bounds``); Get repeats the first in ``error``. As in the
  databroker, Set applies the entries that fit and reports the others; a target on a
  non-actuator refuses the whole call (INVALID_ARGUMENT).
- Paths in Get and Subscribe may be patterns (``Vehicle.Cabin``, ``Vehicle.Cabin.Sunroof.*``,
  ``**.Position``); one that matches nothing is tried again as a branch
  (``Vehicle.Cabin.*`` as ``Vehicle.Cabin.*.**``).
- A Set of ``actuator_target`` records the actuator's target (Get with VIEW_TARGET_VALUE
  and target subscriptions see it) and asks for it: the head unit's own actuators change
  the store, one claimed by a v2 provider stream is forwarded to it, and on any other the
  target waits for a v1 provider that subscribes to it.
- Subscribe sends the current values (and targets, metadata) of every matched signal
  first, then each change; StreamedUpdate answers every request, with its errors if any.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import grpc

from cardeck.kuksa.val.v1 import types_pb2 as v1types
from cardeck.kuksa.val.v1 import val_pb2 as pb
from cardeck.kuksa.val.v1 import val_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2
from cardeck.vss import SIGNALS, SignalScalar, SignalSpec, SignalValueError

from .._version import SERVER_VERSION
from ..state import Cursor, StateStore, SubscriberLagError
from ._kuksa_common import (
    MAX_PATH_LENGTH,
    Actuation,
    PatternError,
    bad_pattern,
    invalid,
    match_paths,
    not_an_actuator,
    not_found,
    python_value,
    typed,
    v1_datapoint,
    v1_metadata,
)
from ._kuksa_v2 import SERVER_NAME
from ._status import RpcFailure

__all__ = ["KuksaV1Servicer"]

F = v1types
_ALL_FIELDS = frozenset({F.FIELD_PATH, F.FIELD_VALUE, F.FIELD_ACTUATOR_TARGET, F.FIELD_METADATA})
_VIEW_FIELDS: dict[int, frozenset[int]] = {
    F.VIEW_UNSPECIFIED: frozenset(),
    F.VIEW_CURRENT_VALUE: frozenset({F.FIELD_PATH, F.FIELD_VALUE}),
    F.VIEW_TARGET_VALUE: frozenset({F.FIELD_PATH, F.FIELD_ACTUATOR_TARGET}),
    F.VIEW_METADATA: frozenset({F.FIELD_PATH, F.FIELD_METADATA}),
    F.VIEW_FIELDS: frozenset(),
    F.VIEW_ALL: _ALL_FIELDS,
}
# What each SignalValueError reason is called in a v1 Error (the databroker's words).
_VALUE_REASONS = {
    "type": "type mismatch",
    "range": "value out of type bounds",
    "allowed": "value out of allowed bounds",
}
_SIGNAL_KINDS = (types_pb2.EVENT_KIND_SIGNALS,)
# Most change responses a lagging subscriber is sent per read of the log; older ones merge.
_KEEP = 32


def view_fields(view: int, fields: Iterable[int]) -> frozenset[int] | None:
    """The DataEntry fields a view and explicit fields ask for (the databroker's union);
    None for an unknown view."""
    base = _VIEW_FIELDS.get(view)
    if base is None:
        return None
    combined = base | frozenset(fields)
    if not combined and view == F.VIEW_UNSPECIFIED:
        combined = _VIEW_FIELDS[F.VIEW_CURRENT_VALUE]
    if F.FIELD_UNSPECIFIED in combined:
        combined = _ALL_FIELDS
    return combined


def entry_error(path: str, code: int, reason: str, message: str) -> v1types.DataEntryError:
    """One entry's problem, as the databroker reports it in a response body."""
    return v1types.DataEntryError(
        path=path, error=v1types.Error(code=code, reason=reason, message=message)
    )


def _not_found(path: str) -> v1types.DataEntryError:
    shown = path if len(path) <= 80 else path[:77] + "..."
    return entry_error(
        path,
        404,
        "not_found",
        f"{shown!r} matches no signal of this head unit; Get with path 'Vehicle' and "
        "VIEW_METADATA lists them.",
    )


def _paths(pattern: str) -> tuple[tuple[str, ...], v1types.DataEntryError | None]:
    """The signals a v1 path matches. As the databroker does, a pattern that matches
    nothing is tried once more as a branch (``Vehicle.Cabin.*`` as ``Vehicle.Cabin.*.**``)."""
    if len(pattern) > MAX_PATH_LENGTH:
        return (), entry_error(
            pattern[:80],
            400,
            "bad_request",
            f"The path is longer than {MAX_PATH_LENGTH} characters.",
        )
    try:
        paths = match_paths(pattern)
        if not paths and pattern and not pattern.startswith("**") and not pattern.endswith(".**"):
            paths = match_paths(pattern + ".**")
    except PatternError as exc:
        return (), entry_error(pattern, 400, "bad_request", str(exc))
    return paths, None if paths else _not_found(pattern)


def _value_error(spec: SignalSpec, raw: Any, exc: SignalValueError) -> v1types.DataEntryError:
    """A value's problem in the databroker's words: min/max bounds apart from type bounds."""
    reason = _VALUE_REASONS[exc.reason]
    if reason == _VALUE_REASONS["range"] and isinstance(raw, int | float):
        low, high = spec.minimum, spec.maximum
        if (low is not None and raw < low) or (high is not None and raw > high):
            reason = "value out of min/max bounds"
    return entry_error(spec.path, 400, reason, str(exc))


def _event_point(spec: SignalSpec, value: Any, stamp: Any) -> v1types.Datapoint:
    return v1types.Datapoint(timestamp=stamp, **typed(spec, value))


class KuksaV1Servicer(pb_grpc.VALServicer):
    """Serves ``kuksa.val.v1.VAL`` over the store.

    :param store: the state store (values are read from and written to it).
    :param actuation: providers and targets, shared with the v2 service.
    """

    def __init__(self, store: StateStore, actuation: Actuation) -> None:
        self._store = store
        self._actuation = actuation

    def _entry(self, path: str, fields: frozenset[int]) -> v1types.DataEntry:
        spec = SIGNALS[path]
        entry = v1types.DataEntry(path=path)
        if F.FIELD_VALUE in fields:
            datum = self._store.signals.get(path)
            if datum is not None:
                entry.value.CopyFrom(v1_datapoint(spec, datum))
        if F.FIELD_ACTUATOR_TARGET in fields:
            target = self._actuation.targets.get(path)
            if target is not None:
                entry.actuator_target.CopyFrom(v1_datapoint(spec, target, target=True))
        meta = v1_metadata(path, fields)
        if meta is not None:
            entry.metadata.CopyFrom(meta)
        return entry

    async def Get(self, request: pb.GetRequest, context: object) -> pb.GetResponse:
        if not request.entries:
            raise invalid("entries", "entries is empty; ask for at least one path.")
        entries: list[v1types.DataEntry] = []
        errors: list[v1types.DataEntryError] = []
        for i, asked in enumerate(request.entries):
            fields = view_fields(asked.view, asked.fields)
            if fields is None:
                raise invalid(f"entries[{i}].view", f"view {asked.view} is not a View value.")
            paths, error = _paths(asked.path)
            if error is not None:
                errors.append(error)
            entries.extend(self._entry(path, fields) for path in paths)
        # The databroker repeats the first entry's error as the response's error.
        first = errors[0].error if errors else None
        return pb.GetResponse(entries=entries, errors=errors, error=first)

    async def Set(self, request: pb.SetRequest, context: object) -> pb.SetResponse:
        errors, refusal = self._set(request.updates)
        if refusal is not None:
            field_name, spec = refusal
            raise not_an_actuator(field_name, spec, "only actuators have a target value.")
        return pb.SetResponse(errors=errors)

    async def StreamedUpdate(
        self, request_iterator: AsyncIterator[pb.StreamedUpdateRequest], context: object
    ) -> AsyncIterator[pb.StreamedUpdateResponse]:
        async for request in request_iterator:
            errors, refusal = self._set(request.updates)
            if refusal is not None:
                field_name, spec = refusal
                errors.append(
                    entry_error(
                        spec.path,
                        400,
                        "invalid_data",
                        f"{field_name}: {spec.path} is a {spec.entry_type}; only actuators "
                        "have a target value.",
                    )
                )
            # One answer per request, as the databroker sends; the first error repeated.
            yield pb.StreamedUpdateResponse(
                errors=errors, error=errors[0].error if errors else None
            )

    def _set(
        self, updates: Sequence[pb.EntryUpdate]
    ) -> tuple[list[v1types.DataEntryError], tuple[str, SignalSpec] | None]:
        """Apply each update that fits (as the databroker does, one bad entry does not stop
        the others); the problems of the rest.

        Returns (entry errors, refusal): a refusal (field, signal) is a target set on a
        non-actuator, which the databroker refuses before changing anything.
        """
        errors: list[v1types.DataEntryError] = []
        values: dict[str, SignalScalar] = {}
        targets: list[tuple[SignalSpec, SignalScalar]] = []
        for i, update in enumerate(updates):
            entry = update.entry
            spec = SIGNALS.get(entry.path)
            if spec is None:
                errors.append(_not_found(entry.path))
                continue
            if entry.HasField("actuator_target") and spec.entry_type != "actuator":
                return [], (f"updates[{i}].entry.actuator_target", spec)
            fields = set(update.fields)
            if not fields & {F.FIELD_VALUE, F.FIELD_ACTUATOR_TARGET}:
                errors.append(
                    entry_error(
                        spec.path,
                        400,
                        "bad_request",
                        "The update lists neither FIELD_VALUE nor FIELD_ACTUATOR_TARGET; Set "
                        "changes values and targets only (metadata is read-only).",
                    )
                )
                continue
            for field, point in (
                (F.FIELD_VALUE, entry.value),
                (F.FIELD_ACTUATOR_TARGET, entry.actuator_target),
            ):
                if field not in fields:
                    continue
                which = point.WhichOneof("value")
                raw = getattr(point, which) if which else None
                try:
                    checked = python_value(spec, which, raw)
                except SignalValueError as exc:
                    errors.append(_value_error(spec, raw, exc))
                    continue
                if field == F.FIELD_VALUE:
                    values[spec.path] = checked
                else:
                    targets.append((spec, checked))
        if values:
            try:
                self._store.set_signals(values)
            except SignalValueError as exc:  # the language signal's locale check
                errors.append(entry_error(exc.path, 400, _VALUE_REASONS[exc.reason], str(exc)))
                values.pop(exc.path, None)
                if values:
                    self._store.set_signals(values)
        if targets:
            try:
                self._actuation.actuate(targets, "updates", require_provider=False)
            except RpcFailure as exc:  # a provider stream that stopped reading
                errors.extend(
                    entry_error(spec.path, 503, "unavailable", exc.message) for spec, _ in targets
                )
        return errors, None

    async def Subscribe(
        self, request: pb.SubscribeRequest, context: object
    ) -> AsyncIterator[pb.SubscribeResponse]:
        if not request.entries:
            raise invalid("entries", "entries is empty; subscribe to at least one path.")
        wanted: dict[str, frozenset[int]] = {}
        for i, asked in enumerate(request.entries):
            fields = view_fields(asked.view, asked.fields)
            if fields is None:
                raise invalid(f"entries[{i}].view", f"view {asked.view} is not a View value.")
            paths, error = _paths(asked.path)
            if error is not None:
                if error.error.code == 404:
                    raise not_found(f"entries[{i}].path {asked.path[:80]!r}")
                raise bad_pattern(f"entries[{i}].path", error.error.message)
            for path in paths:
                wanted[path] = wanted.get(path, frozenset()) | fields
        # Follow from the state the first response shows: a change made after the client
        # reads it (before this generator resumes) must not fall between the two.
        after_seq = self._store.events.head_seq
        targets = self._actuation.targets
        shown = {p: targets.get(p) for p, f in wanted.items() if F.FIELD_ACTUATOR_TARGET in f}
        shown_version = self._actuation.targets_version
        yield pb.SubscribeResponse(
            updates=[
                pb.EntryUpdate(
                    entry=self._entry(path, fields),
                    fields=sorted(fields),  # type: ignore[arg-type]  # Field values
                )
                for path, fields in wanted.items()
            ]
        )
        async for response in self._changes(wanted, after_seq, shown, shown_version):
            yield response

    async def _changes(
        self,
        wanted: dict[str, frozenset[int]],
        after_seq: int,
        sent: dict[str, Any],
        version: int,
    ) -> AsyncIterator[pb.SubscribeResponse]:
        """Responses for the changes of subscribed values and targets, until shutdown."""
        events = self._store.events
        value_paths = {p for p, f in wanted.items() if F.FIELD_VALUE in f}
        target_paths = {p for p, f in wanted.items() if F.FIELD_ACTUATOR_TARGET in f}
        targets = self._actuation.targets
        cursor = Cursor(events, after_seq, _SIGNAL_KINDS)
        value_task: asyncio.Future[Any] | None = None
        target_task: asyncio.Future[Any] | None = None
        try:
            while not events.closed:
                if value_task is None:
                    # Without value paths this only notices shutdown.
                    value_task = asyncio.ensure_future(cursor.next_batch())
                if target_paths and target_task is None:
                    target_task = asyncio.ensure_future(
                        self._actuation.wait_targets_beyond(version)
                    )
                waiting = {t for t in (value_task, target_task) if t is not None}
                done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if value_task in done:
                    task, value_task = value_task, None
                    try:
                        batch = task.result()
                    except SubscriberLagError:
                        cursor = Cursor(events, events.head_seq, _SIGNAL_KINDS)
                        current = [
                            pb.EntryUpdate(
                                entry=self._entry(p, frozenset({F.FIELD_VALUE})),
                                fields=[F.FIELD_VALUE],
                            )
                            for p in value_paths
                        ]
                        if current:
                            yield pb.SubscribeResponse(updates=current)
                        continue
                    for response in self._value_responses(batch, value_paths):
                        yield response
                if target_task is not None and target_task in done:
                    target_task = None
                    version = self._actuation.targets_version
                    changed = [p for p in target_paths if targets.get(p) is not sent[p]]
                    updates = []
                    for path in changed:
                        sent[path] = datum = targets.get(path)
                        entry = v1types.DataEntry(path=path)
                        if datum is not None:
                            entry.actuator_target.CopyFrom(
                                v1_datapoint(SIGNALS[path], datum, target=True)
                            )
                        updates.append(
                            pb.EntryUpdate(entry=entry, fields=[F.FIELD_ACTUATOR_TARGET])
                        )
                    if updates:
                        yield pb.SubscribeResponse(updates=updates)
        finally:
            for pending in (value_task, target_task):
                if pending is not None:
                    pending.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await pending
        raise RpcFailure(
            grpc.StatusCode.UNAVAILABLE,
            "The head unit is shutting down; subscribe again once it is back.",
            reason="SHUTTING_DOWN",
        )

    @staticmethod
    def _value_responses(
        batch: Sequence[types_pb2.Event], value_paths: set[str]
    ) -> list[pb.SubscribeResponse]:
        ready: list[dict[str, pb.EntryUpdate]] = []
        for event in batch:
            updates: dict[str, pb.EntryUpdate] = {}
            for value in event.signals_changed.signals:
                which = value.WhichOneof("value")
                if value.path in value_paths and which is not None:
                    point = _event_point(SIGNALS[value.path], getattr(value, which), value.time)
                    updates[value.path] = pb.EntryUpdate(
                        entry=v1types.DataEntry(path=value.path, value=point),
                        fields=[F.FIELD_VALUE],
                    )
            if updates:
                ready.append(updates)
        if len(ready) > _KEEP:
            merged: dict[str, pb.EntryUpdate] = {}
            for updates in ready[: len(ready) - _KEEP + 1]:
                merged.update(updates)
            ready = [merged, *ready[len(ready) - _KEEP + 1 :]]
        return [pb.SubscribeResponse(updates=list(u.values())) for u in ready]

    async def GetServerInfo(
        self, request: pb.GetServerInfoRequest, context: object
    ) -> pb.GetServerInfoResponse:
        return pb.GetServerInfoResponse(name=SERVER_NAME, version=SERVER_VERSION)
