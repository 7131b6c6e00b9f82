"""KUKSA val v2 values as the Python values the store's signals hold."""

from __future__ import annotations

import struct

from cardeck.kuksa.val.v2 import types_pb2 as kuksa_types

__all__ = ["NO_VALUE", "value_of"]

#: What :func:`value_of` returns for a datapoint without a value (KUKSA's "None").
NO_VALUE = object()

# The subset has no array signals; an array arrives as a list, which the
# subset's check then refuses as the wrong type.
_ARRAYS = frozenset(
    {
        "string_array",
        "bool_array",
        "int32_array",
        "int64_array",
        "uint32_array",
        "uint64_array",
        "float_array",
        "double_array",
    }
)


def value_of(datapoint: kuksa_types.Datapoint) -> object:
    """The datapoint's value as a Python scalar, or :data:`NO_VALUE`."""
    if not datapoint.HasField("value"):
        return NO_VALUE
    field = datapoint.value.WhichOneof("typed_value")
    if field is None:
        return NO_VALUE
    raw = getattr(datapoint.value, field)
    if field in _ARRAYS:
        return list(raw.values)
    if field == "float":
        return shortest_float32(raw)
    return raw


def shortest_float32(value: float) -> float:
    """The shortest decimal that is the same float32: 50.3 on the wire reads as 50.3.

    A float32 carries about 7 significant digits; protobuf widens it to the double
    nearest it (50.29999923706055), which the head unit would show and compare as such.
    """
    packed = struct.pack("<f", value)
    for digits in range(6, 10):
        candidate = float(f"{value:.{digits}g}")
        if struct.pack("<f", candidate) == packed:
            return candidate
    return value
