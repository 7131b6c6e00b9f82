"""What every service's models share: proto enums mapped by name, and optional timestamps."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Hashable
from datetime import UTC, datetime
from typing import Protocol, Self, TypeVar, cast

from google.protobuf import timestamp_pb2

V = TypeVar("V", bound=int)


class ProtoEnumNames(Hashable, Protocol[V]):
    """A generated proto enum (``types_pb2.Gear``): its value names and numbers."""

    def Name(self, number: V) -> str: ...

    def Value(self, name: str) -> V: ...


def time_or_none(stamp: timestamp_pb2.Timestamp) -> datetime | None:
    """The time a Timestamp holds, None when it is unset (zero)."""
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return stamp.ToDatetime(tzinfo=UTC)


class ProtoEnum(enum.Enum):
    """An enum whose members map to a proto enum by name suffix.

    The SDK enum is named like the proto enum, whose values carry its name in
    UPPER_SNAKE_CASE as their prefix (buf's ENUM_VALUE_PREFIX rule): Gear ->
    GEAR_PARK, DayNightMode -> DAY_NIGHT_MODE_DAY.
    """

    @classmethod
    def _prefix(cls) -> str:
        return _proto_prefix(cls.__name__)

    @classmethod
    def from_proto(cls, value: V, names: ProtoEnumNames[V]) -> Self:
        return cast(Self, _from_proto_cached(cls, value, names))

    def to_proto(self, names: ProtoEnumNames[V]) -> V:
        return names.Value(self._prefix() + self.name)


@functools.cache
def _proto_prefix(class_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).upper() + "_"


@functools.cache
def _from_proto_cached(cls: type[ProtoEnum], value: V, names: ProtoEnumNames[V]) -> ProtoEnum:
    # Cached: the name lookup costs more than the rest of a small model's conversion.
    return cls[names.Name(value).removeprefix(cls._prefix())]
