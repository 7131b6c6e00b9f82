"""What KUKSA's val v1 and v2 services share: message conversions, path patterns, actuation.

Both services read and write the one state store (``store.signals`` /
``store.set_signals``); nothing here keeps a second copy of a signal's value. What KUKSA
has and the store does not is kept next to it: which provider stream carries out each
actuator's requests, and the v1 actuator targets (the last value each actuator was asked
to take).

Conversions follow the databroker: VSS ``int8``/``int16``/``int32`` travel in a Value's
``int32`` field, ``uint8``/``uint16``/``uint32`` in ``uint32``, ``int64``/``uint64``,
``float``, ``double``, ``string`` and ``bool`` in their own; a value in any other field is
a type error. Path patterns follow the databroker's wildcard rules (``""`` matches every
signal, a branch path every signal under it, ``*`` one level, ``**`` any number).
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import timestamp_pb2

from cardeck.kuksa.val.v1 import types_pb2 as v1types
from cardeck.kuksa.val.v2 import types_pb2 as v2types
from cardeck.kuksa.val.v2 import val_pb2 as v2val
from cardeck.vss import (
    SIGNALS,
    SignalScalar,
    SignalSpec,
    SignalValueError,
    UnknownSignalError,
    check_value,
)

from ..state import SignalDatum, StateStore
from ._status import RpcFailure

__all__ = [
    "BUILTIN_ACTUATORS",
    "BY_ID",
    "MAX_PATH_LENGTH",
    "Actuation",
    "PatternError",
    "ProviderLink",
    "apply_published",
    "bad_pattern",
    "invalid",
    "match_paths",
    "not_an_actuator",
    "not_found",
    "python_value",
    "resolve",
    "resolve_path",
    "typed",
    "v1_datapoint",
    "v1_metadata",
    "v2_datapoint",
    "v2_metadata",
    "v2_point_of",
    "v2_value",
    "value_failure",
]

#: The databroker's longest accepted path (MAX_REQUEST_PATH_LENGTH).
MAX_PATH_LENGTH = 1000

#: Every signal by its KUKSA v2 id (``SignalSpec.signal_id``).
BY_ID: Mapping[int, SignalSpec] = {spec.signal_id: spec for spec in SIGNALS.values()}

# The Value / Datapoint oneof field each VSS datatype travels in.
VALUE_FIELD: Mapping[str, str] = {
    "boolean": "bool",
    "string": "string",
    "float": "float",
    "double": "double",
    "int8": "int32",
    "int16": "int32",
    "int32": "int32",
    "int64": "int64",
    "uint8": "uint32",
    "uint16": "uint32",
    "uint32": "uint32",
    "uint64": "uint64",
}
# v1 and v2 number their DataType and EntryType enums alike.
DATA_TYPE: Mapping[str, int] = {
    name: v2types.DataType.Value(f"DATA_TYPE_{name.upper()}") for name in VALUE_FIELD
}
ENTRY_TYPE: Mapping[str, int] = {
    "attribute": v2types.ENTRY_TYPE_ATTRIBUTE,
    "sensor": v2types.ENTRY_TYPE_SENSOR,
    "actuator": v2types.ENTRY_TYPE_ACTUATOR,
}

# The head unit's own actuators (paths as cardeck_sim.state names them). HMI.DayNightMode
# is asked through the selection it follows: DAY or NIGHT pins it, as the theme switch does.
SELECTED_GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
PARKING_BRAKE = "Vehicle.Chassis.ParkingBrake.IsEngaged"
HMI_DAY_NIGHT = "Vehicle.Cabin.Infotainment.HMI.DayNightMode"
DAY_NIGHT_SELECTION = "Vehicle.Private.CarDeck.DayNightSelection"
#: Actuators the head unit carries out itself unless a provider stream claims them.
BUILTIN_ACTUATORS = frozenset({SELECTED_GEAR, PARKING_BRAKE, HMI_DAY_NIGHT, DAY_NIGHT_SELECTION})
_APPLIED_AS = {HMI_DAY_NIGHT: DAY_NIGHT_SELECTION}


def not_found(what: str) -> RpcFailure:
    """NOT_FOUND for a path or id that names no signal."""
    return RpcFailure(
        grpc.StatusCode.NOT_FOUND,
        f"{what} is not a signal of this head unit; ListMetadata lists its "
        f"{len(SIGNALS)} signals with their paths and ids.",
        reason="SIGNAL_NOT_FOUND",
    )


def invalid(field_name: str, sentence: str) -> RpcFailure:
    """INVALID_ARGUMENT naming one field."""
    return RpcFailure(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"{field_name}: {sentence}",
        reason="INVALID_ARGUMENT",
        violations=[(field_name, sentence)],
    )


def bad_pattern(field_name: str, sentence: str) -> RpcFailure:
    """INVALID_ARGUMENT for a path pattern that breaks the wildcard rules."""
    return RpcFailure(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"{field_name}: {sentence}",
        reason="BAD_PATTERN",
        violations=[(field_name, sentence)],
    )


def value_failure(field_name: str, exc: SignalValueError) -> RpcFailure:
    """INVALID_ARGUMENT for a value of the wrong type, out of range or not allowed;
    ``metadata["problem"]`` says which (``type``, ``range``, ``allowed``)."""
    return RpcFailure(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"{field_name}: {exc}",
        reason="VALUE_NOT_ACCEPTED",
        violations=[(field_name, str(exc))],
        metadata={"path": exc.path, "problem": exc.reason},
    )


def not_an_actuator(field_name: str, spec: SignalSpec, what: str) -> RpcFailure:
    """INVALID_ARGUMENT for asking a sensor or attribute to do what only actuators do."""
    sentence = f"{spec.path} is a {spec.entry_type}, not an actuator; {what}"
    return RpcFailure(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"{field_name}: {sentence}",
        reason="NOT_AN_ACTUATOR",
        violations=[(field_name, sentence)],
    )


def resolve(signal_id: v2types.SignalID, field_name: str) -> SignalSpec:
    """The signal a v2 SignalID names.

    :raises RpcFailure: INVALID_ARGUMENT when empty or too long, NOT_FOUND when unknown.
    """
    which = signal_id.WhichOneof("signal")
    if which == "path":
        return resolve_path(signal_id.path, f"{field_name}.path")
    if which == "id":
        spec = BY_ID.get(signal_id.id)
        if spec is None:
            raise not_found(f"{field_name}.id {signal_id.id}")
        return spec
    raise invalid(field_name, "the signal id is empty; set its path or its id.")


def resolve_path(path: str, field_name: str) -> SignalSpec:
    """The signal at an exact path (no wildcards, no branches)."""
    spec = SIGNALS.get(path)
    if spec is not None:
        return spec
    if not path:
        raise invalid(field_name, "the path is empty; name a signal, e.g. Vehicle.Speed.")
    if len(path) > MAX_PATH_LENGTH:
        raise invalid(field_name, f"the path is longer than {MAX_PATH_LENGTH} characters.")
    shown = path if len(path) <= 80 else path[:77] + "..."
    raise not_found(f"{field_name} {shown!r}")


def python_value(spec: SignalSpec, which: str | None, raw: Any) -> SignalScalar:
    """The checked Python value of a Value (v2) or Datapoint (v1) field ``which``.

    :raises SignalValueError: the field is not the signal's, or the value does not fit it.
    """
    expected = VALUE_FIELD[spec.datatype]
    if which != expected:
        got = f"the {which} field" if which else "no value"
        raise SignalValueError(
            spec.path,
            "type",
            f"{spec.path} is a {spec.datatype} signal, so its value travels in the "
            f"{expected} field; the request has {got}.",
        )
    return check_value(spec, raw)


def typed(spec: SignalSpec, value: Any) -> dict[str, Any]:
    """The keyword argument that puts ``value`` in its signal's Value field."""
    return {VALUE_FIELD[spec.datatype]: value}


def v2_value(spec: SignalSpec, value: SignalScalar) -> v2types.Value:
    """A value in the Value field its signal's datatype uses."""
    return v2types.Value(**typed(spec, value))


def _timestamp(time_ns: int) -> timestamp_pb2.Timestamp:
    seconds, nanos = divmod(time_ns, 1_000_000_000)
    return timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)


# The last Datapoint built per signal, with the datum it was built from: GetValue of an
# unchanged signal (the common case on a polling dashboard) costs a dict lookup.
_v2_cache: dict[str, tuple[SignalDatum, v2types.Datapoint]] = {}


def v2_datapoint(spec: SignalSpec, datum: SignalDatum | None) -> v2types.Datapoint:
    """A signal's value as a v2 Datapoint; one without a value when it has none.

    The result may be shared: callers copy it into their response and never change it.
    """
    if datum is None:
        return v2types.Datapoint()
    cached = _v2_cache.get(spec.path)
    if cached is not None and cached[0] is datum:
        return cached[1]
    point = v2types.Datapoint(
        timestamp=_timestamp(datum.time_ns),
        value=v2types.Value(**typed(spec, datum.value)),
    )
    _v2_cache[spec.path] = (datum, point)
    return point


def v2_point_of(spec: SignalSpec, value: Any, stamp: timestamp_pb2.Timestamp) -> v2types.Datapoint:
    """A v2 Datapoint of a signal event's value and time."""
    return v2types.Datapoint(timestamp=stamp, value=v2types.Value(**typed(spec, value)))


# Likewise for v1 (values and targets apart, so neither evicts the other).
_v1_caches: tuple[dict[str, tuple[SignalDatum, v1types.Datapoint]], ...] = ({}, {})


def v1_datapoint(
    spec: SignalSpec, datum: SignalDatum, *, target: bool = False
) -> v1types.Datapoint:
    """A signal's value (or target) as a v1 Datapoint (shared: copy it, never change it)."""
    cache = _v1_caches[target]
    cached = cache.get(spec.path)
    if cached is not None and cached[0] is datum:
        return cached[1]
    point = v1types.Datapoint(timestamp=_timestamp(datum.time_ns), **typed(spec, datum.value))
    cache[spec.path] = (datum, point)
    return point


def _bound(spec: SignalSpec, number: float) -> SignalScalar:
    return float(number) if spec.python_type is float else int(number)


def _build_v2_metadata(spec: SignalSpec) -> v2types.Metadata:
    meta = v2types.Metadata(
        path=spec.path,
        id=spec.signal_id,
        data_type=DATA_TYPE[spec.datatype],  # type: ignore[arg-type]
        entry_type=ENTRY_TYPE[spec.entry_type],  # type: ignore[arg-type]
        description=spec.description,
        comment=spec.comment,
        unit=spec.unit or "",
    )
    if spec.allowed is not None:
        meta.allowed_values.string_array.values.extend(spec.allowed)
    if spec.minimum is not None:
        meta.min.CopyFrom(v2_value(spec, _bound(spec, spec.minimum)))
    if spec.maximum is not None:
        meta.max.CopyFrom(v2_value(spec, _bound(spec, spec.maximum)))
    return meta


_V2_METADATA = {path: _build_v2_metadata(spec) for path, spec in SIGNALS.items()}


def v2_metadata(path: str) -> v2types.Metadata:
    """A signal's v2 Metadata (shared: copy it, never change it)."""
    return _V2_METADATA[path]


def _build_v1_metadata(spec: SignalSpec) -> v1types.Metadata:
    meta = v1types.Metadata(
        data_type=DATA_TYPE[spec.datatype],  # type: ignore[arg-type]
        entry_type=ENTRY_TYPE[spec.entry_type],  # type: ignore[arg-type]
        description=spec.description,
    )
    if spec.comment:
        meta.comment = spec.comment
    if spec.unit:
        meta.unit = spec.unit
    restriction = meta.value_restriction
    if spec.allowed is not None:
        restriction.string.allowed_values.extend(spec.allowed)
    elif spec.minimum is not None or spec.maximum is not None:
        kind = VALUE_FIELD[spec.datatype]
        bounds = (
            restriction.floating_point
            if kind in ("float", "double")
            else restriction.unsigned
            if kind.startswith("uint")
            else restriction.signed
        )
        if spec.minimum is not None:
            bounds.min = _bound(spec, spec.minimum)  # type: ignore[assignment]
        if spec.maximum is not None:
            bounds.max = _bound(spec, spec.maximum)  # type: ignore[assignment]
    getattr(meta, spec.entry_type).SetInParent()
    return meta


_V1_METADATA = {path: _build_v1_metadata(spec) for path, spec in SIGNALS.items()}

# Which v1 Metadata field each FIELD_METADATA_* selects.
_V1_METADATA_FIELDS: dict[int, str] = {
    v1types.FIELD_METADATA_DATA_TYPE: "data_type",
    v1types.FIELD_METADATA_DESCRIPTION: "description",
    v1types.FIELD_METADATA_ENTRY_TYPE: "entry_type",
    v1types.FIELD_METADATA_COMMENT: "comment",
    v1types.FIELD_METADATA_DEPRECATION: "deprecation",
    v1types.FIELD_METADATA_UNIT: "unit",
    v1types.FIELD_METADATA_VALUE_RESTRICTION: "value_restriction",
    v1types.FIELD_METADATA_ACTUATOR: "actuator",
    v1types.FIELD_METADATA_SENSOR: "sensor",
    v1types.FIELD_METADATA_ATTRIBUTE: "attribute",
}


def v1_metadata(path: str, fields: frozenset[int]) -> v1types.Metadata | None:
    """A signal's v1 Metadata with the fields asked for; None when none is asked for."""
    full = _V1_METADATA[path]
    if v1types.FIELD_METADATA in fields:
        return full
    names = [_V1_METADATA_FIELDS[f] for f in fields if f in _V1_METADATA_FIELDS]
    if not names:
        return None
    meta = v1types.Metadata()
    for name in names:
        if name in ("data_type", "entry_type"):
            setattr(meta, name, getattr(full, name))
        elif full.HasField(name):  # type: ignore[arg-type]  # one of the names above
            if name in ("value_restriction", "actuator", "sensor", "attribute"):
                getattr(meta, name).CopyFrom(getattr(full, name))
            else:
                setattr(meta, name, getattr(full, name))
    return meta


# -- path patterns ----------------------------------------------------------------------

_SEGMENT = re.compile(r"[^\s:.*]+")


class PatternError(ValueError):
    """A path pattern breaks the wildcard rules (empty segment, ``*`` inside a name …)."""


@functools.lru_cache(maxsize=256)
def match_paths(pattern: str) -> tuple[str, ...]:
    """The signals a path pattern matches, in the subset's order (the databroker's rules).

    ``""`` matches every signal; a path without ``*`` the signal itself or every signal
    under that branch; ``*`` one path segment; ``**`` any number of them (at the end, at
    least one).

    :raises PatternError: the pattern is not a valid path pattern.
    """
    if pattern == "":
        return tuple(SIGNALS)
    if len(pattern) > MAX_PATH_LENGTH:
        raise PatternError(f"the pattern is longer than {MAX_PATH_LENGTH} characters.")
    parts = pattern.split(".")
    for part in parts:
        if part not in ("*", "**") and not _SEGMENT.fullmatch(part):
            raise PatternError(
                f"{pattern!r} is not a valid path pattern: each dot-separated part is a name, "
                "* (one level) or ** (any levels)."
            )
    if "*" not in pattern:
        if pattern in SIGNALS:
            return (pattern,)
        prefix = pattern + "."
        return tuple(p for p in SIGNALS if p.startswith(prefix))
    pieces: list[str] = []
    last = len(parts) - 1
    for i, part in enumerate(parts):
        if part == "**":
            if i == last:
                pieces.append(r"(?:\.[^.]+)+" if i else r"[^.]+(?:\.[^.]+)*")
            else:
                pieces.append(r"(?:\.[^.]+)*" if i else r"(?:[^.]+\.)*")
            continue
        # A leading ** already ends in a dot.
        lead = "" if i == 0 or (i == 1 and parts[0] == "**") else r"\."
        pieces.append(lead + (r"[^.]+" if part == "*" else re.escape(part)))
    regex = "".join(pieces)
    compiled = re.compile(regex)
    return tuple(p for p in SIGNALS if compiled.fullmatch(p))


# -- actuation -------------------------------------------------------------------------

#: How many messages wait for a provider stream before an actuation is refused (DATA_LOSS).
PROVIDER_QUEUE = 1024


@dataclass(eq=False)
class ProviderLink:
    """One OpenProviderStream: what it claimed and the messages waiting for it."""

    name: str
    outbox: asyncio.Queue[v2val.OpenProviderStreamResponse] = field(
        default_factory=lambda: asyncio.Queue(PROVIDER_QUEUE)
    )
    actuators: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)


class Actuation:
    """Who carries out each actuator's requests, and the actuator targets (KUKSA v1).

    The head unit carries out :data:`BUILTIN_ACTUATORS` itself, through the store; a
    provider stream that claims an actuator (OpenProviderStream's
    provide_actuation_request) takes it over until its stream ends. An actuator nobody
    provides refuses actuation with UNAVAILABLE; a v1 target set on one is still kept, for
    a v1 provider that follows targets.

    :param store: the state store the built-in actuators change.
    """

    def __init__(self, store: StateStore) -> None:
        self._store = store
        self._actuator_owners: dict[str, ProviderLink] = {}
        self._signal_owners: dict[str, ProviderLink] = {}
        #: The last target each actuator was asked to take, by path.
        self.targets: dict[str, SignalDatum] = {}
        self.targets_version = 0
        self._targets_changed = asyncio.Event()

    def owner(self, path: str) -> ProviderLink | None:
        """The provider stream that claimed the actuator, if any."""
        return self._actuator_owners.get(path)

    def has_provider(self, path: str) -> bool:
        """Whether an actuation of ``path`` has anyone to carry it out."""
        return path in self._actuator_owners or path in BUILTIN_ACTUATORS

    def claim_actuators(self, link: ProviderLink, specs: Sequence[SignalSpec]) -> None:
        """Give ``link`` the actuators, all or none.

        :raises RpcFailure: INVALID_ARGUMENT for a non-actuator, ALREADY_EXISTS when
            another stream provides one of them.
        """
        for spec in specs:
            if spec.entry_type != "actuator":
                raise not_an_actuator(
                    "provide_actuation_request.actuator_identifiers",
                    spec,
                    "only actuators can be provided for actuation.",
                )
            self._refuse_taken(self._actuator_owners, link, spec.path, "actuator")
        for spec in specs:
            self._actuator_owners[spec.path] = link
            link.actuators.add(spec.path)

    def claim_signals(self, link: ProviderLink, specs: Sequence[SignalSpec]) -> None:
        """Give ``link`` the signals to publish, all or none (ALREADY_EXISTS if taken)."""
        for spec in specs:
            self._refuse_taken(self._signal_owners, link, spec.path, "signal")
        for spec in specs:
            self._signal_owners[spec.path] = link
            link.signals.add(spec.path)

    def check_publisher(self, link: ProviderLink | None, path: str) -> None:
        """ALREADY_EXISTS when another stream claimed the signal for publishing."""
        owner = self._signal_owners.get(path)
        if owner is not None and owner is not link:
            raise RpcFailure(
                grpc.StatusCode.ALREADY_EXISTS,
                f"{path} is provided by another provider stream ({owner.name}); only it may "
                "publish the signal until its stream ends.",
                reason="ALREADY_PROVIDED",
            )

    @staticmethod
    def _refuse_taken(
        owners: dict[str, ProviderLink], link: ProviderLink, path: str, what: str
    ) -> None:
        owner = owners.get(path)
        if owner is not None and owner is not link:
            raise RpcFailure(
                grpc.StatusCode.ALREADY_EXISTS,
                f"The {what} {path} is already provided by another provider stream "
                f"({owner.name}); one provider per {what}. It is free again once that "
                "stream ends.",
                reason="ALREADY_PROVIDED",
            )

    def release(self, link: ProviderLink) -> None:
        """Free what ``link`` claimed (its stream ended): built-ins are the head unit's again."""
        for path in link.actuators:
            if self._actuator_owners.get(path) is link:
                del self._actuator_owners[path]
        for path in link.signals:
            if self._signal_owners.get(path) is link:
                del self._signal_owners[path]
        link.actuators.clear()
        link.signals.clear()

    def actuate(
        self,
        requests: Sequence[tuple[SignalSpec, SignalScalar]],
        field_name: str,
        *,
        require_provider: bool = True,
    ) -> None:
        """Carry out checked actuations, all or none: built-ins through the store, the
        rest forwarded to their provider streams as one BatchActuateStreamRequest each.
        Every one becomes its actuator's target.

        :param require_provider: refuse an actuator nobody provides (v2's Actuate); when
            False (v1's Set of actuator_target) its target is only recorded.
        :raises RpcFailure: INVALID_ARGUMENT for a non-actuator, UNAVAILABLE when an
            actuator has no provider, DATA_LOSS when a provider's queue is full.
        """
        for i, (spec, _) in enumerate(requests):
            where = f"{field_name}[{i}]" if len(requests) > 1 else field_name
            if spec.entry_type != "actuator":
                raise not_an_actuator(
                    where,
                    spec,
                    "only actuators can be actuated (a provider publishes sensors with "
                    "PublishValue).",
                )
            if require_provider and not self.has_provider(spec.path):
                raise RpcFailure(
                    grpc.StatusCode.UNAVAILABLE,
                    f"No provider is connected for the actuator {spec.path}; a provider "
                    "claims it with OpenProviderStream (provide_actuation_request).",
                    reason="NO_PROVIDER",
                )
        builtin: dict[str, SignalScalar] = {}
        forwards: dict[ProviderLink, list[v2val.ActuateRequest]] = {}
        for spec, value in requests:
            link = self._actuator_owners.get(spec.path)
            if link is None:
                if spec.path in BUILTIN_ACTUATORS:
                    builtin[_APPLIED_AS.get(spec.path, spec.path)] = value
            else:
                forwards.setdefault(link, []).append(
                    v2val.ActuateRequest(
                        signal_id=v2types.SignalID(id=spec.signal_id), value=v2_value(spec, value)
                    )
                )
        for link in forwards:
            if link.outbox.full():
                raise RpcFailure(
                    grpc.StatusCode.DATA_LOSS,
                    f"The provider stream {link.name} is not reading its actuation requests "
                    "(its queue is full); the request was not sent.",
                    reason="PROVIDER_QUEUE_FULL",
                )
        if builtin:
            self._store.set_signals(builtin)
        for link, batch in forwards.items():
            link.outbox.put_nowait(
                v2val.OpenProviderStreamResponse(
                    batch_actuate_stream_request=v2val.BatchActuateStreamRequest(
                        actuate_requests=batch
                    )
                )
            )
        self.set_targets(requests)

    def set_targets(self, requests: Iterable[tuple[SignalSpec, SignalScalar]]) -> None:
        """Record each actuator's target and wake the target subscribers."""
        stamp = time.time_ns()
        for spec, value in requests:
            self.targets[spec.path] = SignalDatum(value, stamp)
        self.targets_version += 1
        self._targets_changed.set()
        self._targets_changed.clear()

    async def wait_targets_beyond(self, version: int) -> None:
        """Return once the targets changed after ``version``."""
        while self.targets_version <= version:
            await self._targets_changed.wait()


def apply_published(
    store: StateStore, updates: Mapping[str, SignalScalar], field_name: str
) -> None:
    """Write published values through the store, mapping its refusals to statuses."""
    try:
        store.set_signals(updates)
    except UnknownSignalError as exc:  # pragma: no cover - paths were resolved before
        raise not_found(str(exc)) from exc
    except SignalValueError as exc:
        raise value_failure(field_name, exc) from exc
