"""KUKSA val v2 messages ⇄ CarDeck's signal models: values, datapoints and metadata.

``client.signals`` speaks ``kuksa.val.v2``; this module is the one place that
knows how a VSS datatype travels in KUKSA's ``Value`` oneof (int8 … int32 as
``int32``, uint8 … uint32 as ``uint32``, float as a 32-bit ``float``) and how
``Metadata`` becomes a :class:`cardeck.vss.SignalSpec`.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

from ..kuksa.val.v2 import types_pb2 as kt
from ..vss import SIGNALS, SignalScalar, SignalSpec
from ._common import time_or_none
from ._signals import SignalsChange, SignalValue

__all__ = [
    "datapoint_to_signal_value",
    "signal_spec_from_metadata",
    "signals_change_from_entries",
    "value_from_proto",
    "value_to_proto",
]

# The Value oneof field each scalar VSS datatype travels in.
_FIELD_OF_DATATYPE = {
    "boolean": "bool",
    "string": "string",
    "int8": "int32",
    "int16": "int32",
    "int32": "int32",
    "int64": "int64",
    "uint8": "uint32",
    "uint16": "uint32",
    "uint32": "uint32",
    "uint64": "uint64",
    "float": "float",
    "double": "double",
}

# KUKSA's DataType enum names, DATA_TYPE_<X>, by VSS datatype ("boolean" is BOOLEAN).
_DATATYPE_OF_ENUM = {
    kt.DataType.Value(f"DATA_TYPE_{name.upper()}"): name for name in _FIELD_OF_DATATYPE
}
_ENTRY_TYPES = {
    kt.ENTRY_TYPE_SENSOR: "sensor",
    kt.ENTRY_TYPE_ACTUATOR: "actuator",
    kt.ENTRY_TYPE_ATTRIBUTE: "attribute",
}
_F32 = struct.Struct("<f")


def _float32(value: float) -> float:
    """The shortest decimal that is the same 32-bit float, so ``12.3`` reads back as 12.3.

    Protobuf widens a 32-bit float to the nearest double (12.300000190734863);
    VSS ``float`` signals are 32-bit, so that tail is noise, not data.
    """
    for digits in range(6, 10):
        shorter = float(f"{value:.{digits}g}")
        if _F32.unpack(_F32.pack(shorter))[0] == value:
            return shorter
    return value


def value_from_proto(msg: kt.Value) -> SignalScalar | None:
    """The Python value a KUKSA ``Value`` holds; None when it holds none.

    :raises ValueError: an array value (the head unit's VSS subset has none).
    """
    which = msg.WhichOneof("typed_value")
    if which is None:
        return None
    if which.endswith("_array"):
        raise ValueError(f"KUKSA array values ({which}) are not supported by cardeck.signals.")
    value: SignalScalar = getattr(msg, which)
    if which == "float":
        return _float32(float(value))
    return value


def value_to_proto(spec: SignalSpec, value: SignalScalar) -> kt.Value:
    """``value`` (already checked against ``spec``) in the ``Value`` field of its datatype."""
    field = _FIELD_OF_DATATYPE.get(spec.datatype)
    if field is None:
        raise ValueError(f"{spec.path} has datatype {spec.datatype}, which cardeck cannot send.")
    msg = kt.Value()
    setattr(msg, field, value)
    return msg


def datapoint_to_signal_value(path: str, dp: kt.Datapoint) -> SignalValue:
    """One datapoint of ``path`` as a SignalValue, with the unit this SDK's VSS subset gives."""
    spec = SIGNALS.get(path)
    value = value_from_proto(dp.value) if dp.HasField("value") else None
    return SignalValue(path, value, time_or_none(dp.timestamp), spec.unit if spec else None)


def signals_change_from_entries(
    entries: Mapping[str, kt.Datapoint], order: Sequence[str]
) -> SignalsChange:
    """A Subscribe response's entries as one change, in the order the paths were asked for."""
    rank = {path: i for i, path in enumerate(order)}
    paths = sorted(entries, key=lambda p: (rank.get(p, len(rank)), p))
    return SignalsChange(tuple(datapoint_to_signal_value(p, entries[p]) for p in paths))


def _number(msg: kt.Value) -> float | None:
    value = value_from_proto(msg)
    return None if value is None or isinstance(value, bool | str) else value


def signal_spec_from_metadata(md: kt.Metadata) -> SignalSpec:
    """KUKSA metadata as a SignalSpec; its ``signal_id`` is the server's id.

    :raises ValueError: a datatype the SDK cannot carry (arrays, timestamps).
    """
    datatype = _DATATYPE_OF_ENUM.get(md.data_type)
    if datatype is None:
        raise ValueError(
            f"{md.path} has KUKSA datatype {kt.DataType.Name(md.data_type)}, which "
            "cardeck.signals does not support (only scalar VSS datatypes)."
        )
    allowed: tuple[str, ...] | None = None
    if md.allowed_values.WhichOneof("typed_value") == "string_array":
        allowed = tuple(md.allowed_values.string_array.values)
    local = SIGNALS.get(md.path)
    return SignalSpec(
        path=md.path,
        datatype=datatype,
        entry_type=_ENTRY_TYPES.get(md.entry_type, "sensor"),  # type: ignore[arg-type]  # the dict's values are the Literal's
        unit=md.unit or None,
        minimum=_number(md.min) if md.HasField("min") else None,
        maximum=_number(md.max) if md.HasField("max") else None,
        allowed=allowed,
        default=local.default if local else None,
        description=md.description,
        comment=md.comment,
        signal_id=md.id,
        overlay=local.overlay if local else md.path.startswith("Vehicle.Private."),
    )
