"""The bridge's compiled JSON encoder against protobuf's own mapping, on every event kind.

The encoder promises byte equality with ``json.dumps(MessageToDict(...))`` as
the bridge always called it (``reference_json``), key order included. The
events here are built from the descriptors, so a new payload kind, field or
enum value is covered without editing this file.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from google.protobuf import descriptor, json_format, message_factory
from google.protobuf.message import Message

from cardeck.v1 import headunit_service_pb2, types_pb2
from cardeck_sim.bridge._json import message_encoder, reference_json

_FD = descriptor.FieldDescriptor

_INT32 = [0, 1, -1, 2**31 - 1, -(2**31)]
_UINT32 = [0, 1, 2**32 - 1]
_INT64 = [0, -1, 2**53 + 1, 2**63 - 1, -(2**63)]
_UINT64 = [0, 1, 2**53 + 1, 2**64 - 1]
_DOUBLE = [0.0, -0.0, 1.5, 5.0, 0.1, -2.5e-300, 1e300, 1e16, math.nan, math.inf, -math.inf]
_FLOAT = [0.0, -0.0, 0.1, 1.5, -3.4e38, 1e-45, math.nan, math.inf, -math.inf]
_STRING = ["", "a", 'héllo "q" \\ \n\t\x00\x1f \u2028 😀 한국어 עברית', "Vehicle.Speed"]
_BYTES = [b"", b"\x00\xff binary", b"RIFF"]
# Seconds: the epoch, before it, both ends of the valid range, a year below 1000;
# nanos giving 0, 3, 6 and 9 fractional digits.
_SECONDS = [0, -1, 1_764_800_000, 253402300799, -62135596800, -50_000_000_000]
_NANOS = [0, 1_000_000, 1_000, 1, 999_999_999, 500_000_000, 123_456_000]

_SCALARS: dict[int, Sequence[object]] = {
    _FD.TYPE_INT32: _INT32,
    _FD.TYPE_SINT32: _INT32,
    _FD.TYPE_SFIXED32: _INT32,
    _FD.TYPE_UINT32: _UINT32,
    _FD.TYPE_FIXED32: _UINT32,
    _FD.TYPE_INT64: _INT64,
    _FD.TYPE_SINT64: _INT64,
    _FD.TYPE_SFIXED64: _INT64,
    _FD.TYPE_UINT64: _UINT64,
    _FD.TYPE_FIXED64: _UINT64,
    _FD.TYPE_DOUBLE: _DOUBLE,
    _FD.TYPE_FLOAT: _FLOAT,
    _FD.TYPE_BOOL: [False, True],
    _FD.TYPE_STRING: _STRING,
    _FD.TYPE_BYTES: _BYTES,
}


def _scalar(field: descriptor.FieldDescriptor, rng: random.Random) -> object:
    if field.type == _FD.TYPE_ENUM:
        assert field.enum_type is not None
        numbers = [v.number for v in field.enum_type.values]
        # An open enum keeps numbers it does not know; JSON prints them as numbers.
        return rng.choice([*numbers, 99] if not field.enum_type.is_closed else numbers)
    return rng.choice(_SCALARS[field.type])


def _fill(message: Message, rng: random.Random, depth: int = 0) -> Message:
    """Set a random choice of ``message``'s fields to edge values, recursively."""
    if message.DESCRIPTOR.full_name == "google.protobuf.Timestamp":
        message.seconds = rng.choice(_SECONDS)  # type: ignore[attr-defined]
        message.nanos = rng.choice(_NANOS)  # type: ignore[attr-defined]
        return message
    for oneof in message.DESCRIPTOR.oneofs:
        # At most one member set; sometimes none.
        member: Any = rng.choice([None, *oneof.fields])
        if member is not None:
            _set(message, member, rng, depth)
    fields: list[Any] = list(message.DESCRIPTOR.fields)
    for field in fields:
        if field.containing_oneof is None and rng.random() < 0.7:
            _set(message, field, rng, depth)
    return message


def _set(
    message: Message, field: descriptor.FieldDescriptor, rng: random.Random, depth: int
) -> None:
    if field.is_repeated:
        container = getattr(message, field.name)
        for _ in range(rng.choice([0, 1, 2, 3])):
            if field.message_type is not None:
                if depth < 4:
                    _fill(container.add(), rng, depth + 1)
            else:
                container.append(_scalar(field, rng))
    elif field.message_type is not None:
        child = getattr(message, field.name)
        child.SetInParent()  # set even when left empty: "{}" with its defaults
        if depth < 4 and rng.random() < 0.8:
            _fill(child, rng, depth + 1)
    else:
        setattr(message, field.name, _scalar(field, rng))


_PAYLOADS = list(types_pb2.Event.DESCRIPTOR.oneofs_by_name["payload"].fields)


def _events(kind: descriptor.FieldDescriptor, count: int) -> Iterator[types_pb2.Event]:
    rng = random.Random(kind.number)
    for i in range(count):
        event = types_pb2.Event()
        if i % 3:
            _fill(event, rng)
            event.ClearField("payload")
        payload = getattr(event, kind.name)
        payload.SetInParent()
        if i:  # the first one carries an empty payload and nothing else
            _fill(payload, rng)
        yield event


def _assert_same(message: Message) -> None:
    expected = reference_json(message)
    kind: Any = message.DESCRIPTOR
    got = message_encoder(kind)(message)
    assert json.loads(got) == json.loads(expected)
    assert got == expected, f"{message.DESCRIPTOR.full_name} differs: {got} != {expected}"


@pytest.mark.parametrize("kind", _PAYLOADS, ids=lambda f: f.name)
def test_every_event_kind_encodes_as_message_to_dict_does(kind: descriptor.FieldDescriptor) -> None:
    for event in _events(kind, 150):
        _assert_same(event)


def test_every_signal_value_member_and_edge_value() -> None:
    members = types_pb2.SignalValue.DESCRIPTOR.oneofs_by_name["value"].fields
    for member in members:
        for value in _SCALARS[member.type]:
            signal = types_pb2.SignalValue(path="Vehicle.Speed")
            setattr(signal, member.name, value)
            signal.time.FromNanoseconds(1_764_800_000_123_456_789)
            event = types_pb2.Event(seq=2**64 - 1, run_id="r")
            event.signals_changed.signals.append(signal)
            event.signals_changed.signals.add()  # no value, no time
            _assert_same(event)


def test_every_enum_value_of_every_event_field() -> None:
    seen: set[str] = set()

    def walk(
        message: descriptor.Descriptor,
    ) -> Iterator[tuple[descriptor.Descriptor, descriptor.FieldDescriptor]]:
        if message.full_name in seen:
            return
        seen.add(message.full_name)
        for field in message.fields:
            if field.enum_type is not None and not field.is_repeated:
                yield message, field
            if field.message_type is not None:
                yield from walk(field.message_type)

    checked = 0
    for message_type, field in walk(types_pb2.Event.DESCRIPTOR):
        assert field.enum_type is not None
        cls = message_factory.GetMessageClass(message_type)
        for value in field.enum_type.values:
            _assert_same(cls(**{field.name: value.number}))
            checked += 1
    assert checked > 20


def test_timestamps_print_0_3_6_or_9_digits_like_message_to_json() -> None:
    for seconds in _SECONDS:
        for nanos in _NANOS:
            event = types_pb2.Event(seq=1)
            event.time.seconds, event.time.nanos = seconds, nanos
            _assert_same(event)
            # Twice: the second call takes the cached date of that second.
            _assert_same(event)
    stamp = types_pb2.Event()
    stamp.time.FromNanoseconds(1_764_800_000_020_000_000)
    assert '"time":"2025-12-03T22:13:20.020Z"' in message_encoder(stamp.DESCRIPTOR)(stamp)


def test_an_invalid_timestamp_fails_as_protobuf_does() -> None:
    event = types_pb2.Event()
    event.time.seconds = 253402300800  # year 10000
    with pytest.raises((ValueError, json_format.Error), match="253402300800"):
        reference_json(event)
    with pytest.raises((ValueError, json_format.Error), match="253402300800"):
        message_encoder(event.DESCRIPTOR)(event)


def test_snapshots_and_whole_responses_encode_alike() -> None:
    rng = random.Random(7)
    for _ in range(100):
        _assert_same(_fill(types_pb2.StateSnapshot(), rng))
        _assert_same(_fill(headunit_service_pb2.WatchEventsResponse(), rng))


def test_the_text_matches_message_to_json_once_reformatted() -> None:
    # MessageToJson is the documented mapping; the bridge prints it compactly.
    for kind in _PAYLOADS:
        for event in _events(kind, 10):
            pretty = json_format.MessageToJson(
                event, always_print_fields_with_no_presence=True, ensure_ascii=False
            )
            compact = json.dumps(json.loads(pretty), separators=(",", ":"), ensure_ascii=False)
            assert message_encoder(event.DESCRIPTOR)(event) == compact
