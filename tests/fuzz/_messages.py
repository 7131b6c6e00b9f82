"""Hypothesis strategies built from protobuf descriptors: any RPC of the API, no code per RPC.

:func:`request_bytes` reads a method's input descriptor and draws a message whose every field
may be unset, an edge value or a plausible one (ids of bundled profiles, Helsinki coordinates,
URLs on loopback), nested up to a depth; sometimes the encoded bytes are mangled so that the
head unit's decoding path is fuzzed too. A new RPC in ``cardeck.v1`` is fuzzed as soon as it
is generated.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from hypothesis import strategies as st

from tests._rpcs import every_served_method, method_path

FD = FieldDescriptor
MAX_DEPTH = 3

_STRINGS = [
    "",
    " ",
    "\x00",
    "\u0000abc",
    "polestar-2",
    "tesla-model-3",
    "center",
    "cluster",
    "passenger",
    "city hall",
    "Mannerheimintie",
    "cafe",
    "amenity=cafe",
    "navigate to city hall",
    "open the sunroof",
    "en",
    "../../../victim",
    "..",
    "/etc/passwd",
    "a" * 300,
    "x" * 5000,
    "http://127.0.0.1:1/",
    "https://example.com/",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,hi",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "시청",
    "😀" * 20,
    "%s%n%x",
    "{{7*7}}",
]

_INT32_EDGES = [0, 1, -1, 2, 100, 2**31 - 1, -(2**31)]
_UINT32_EDGES = [0, 1, 2, 100, 1920, 2**32 - 1]
_INT64_EDGES = [0, 1, -1, 2**63 - 1, -(2**63)]
_UINT64_EDGES = [0, 1, 2**64 - 1]
_DOUBLE_EDGES = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    60.17,
    24.94,
    60.1699,
    24.9384,
    1e-300,
    1e300,
    -1e300,
    float("inf"),
    float("-inf"),
    float("nan"),
]


def _floats(width: int) -> st.SearchStrategy[float]:
    return st.one_of(
        st.sampled_from(_DOUBLE_EDGES if width == 64 else [0.0, 1.0, -1.0, 3e38, float("nan")]),
        st.floats(width=width),
        st.floats(_at_width(60.160, width), _at_width(60.180, width), width=width),
        st.floats(_at_width(24.930, width), _at_width(24.955, width), width=width),
    )


def _at_width(bound: float, width: int) -> float:
    """``bound`` as a float of ``width`` bits holds it (hypothesis wants exact bounds)."""
    return bound if width == 64 else struct.unpack("f", struct.pack("f", bound))[0]


def _scalar(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any]:
    t = field.type
    if t == FD.TYPE_STRING:
        return st.one_of(st.sampled_from(_STRINGS), st.text(max_size=40))
    if t == FD.TYPE_BYTES:
        return st.one_of(st.binary(max_size=64), st.sampled_from([b"", tiny_wav(), b"PK\x03\x04"]))
    if t == FD.TYPE_BOOL:
        return st.booleans()
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return st.one_of(st.sampled_from(_INT32_EDGES), st.integers(-(2**31), 2**31 - 1))
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return st.one_of(st.sampled_from(_UINT32_EDGES), st.integers(0, 2**32 - 1))
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return st.one_of(st.sampled_from(_INT64_EDGES), st.integers(-(2**63), 2**63 - 1))
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return st.one_of(st.sampled_from(_UINT64_EDGES), st.integers(0, 2**64 - 1))
    if t == FD.TYPE_DOUBLE:
        return _floats(64)
    if t == FD.TYPE_FLOAT:
        return _floats(32)
    if t == FD.TYPE_ENUM:
        numbers = [v.number for v in field.enum_type.values]
        # Proto3 enums are open: an unknown number reaches the handler as it is.
        return st.one_of(st.sampled_from(numbers), st.integers(-5, max(numbers) + 5))
    if t == FD.TYPE_MESSAGE:
        return message_dict(field.message_type, depth + 1)
    raise AssertionError(f"unhandled field type {t} of {field.full_name}")


def _is_map(field: FieldDescriptor) -> bool:
    return field.type == FD.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


def message_dict(descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Field name -> value for ``descriptor``; any field may be missing."""
    if depth > MAX_DEPTH:
        return st.just({})
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        if _is_map(field):
            key_f, value_f = (
                field.message_type.fields_by_name["key"],
                field.message_type.fields_by_name["value"],
            )
            parts[field.name] = st.dictionaries(
                _scalar(key_f, depth), _scalar(value_f, depth), max_size=3
            )
        elif field.is_repeated:
            parts[field.name] = st.lists(_scalar(field, depth), max_size=3)
        else:
            parts[field.name] = _scalar(field, depth)
    if not parts:
        return st.just({})
    return st.fixed_dictionaries({}, optional=parts)


def build(descriptor: Descriptor, values: dict[str, Any]) -> Any:
    """A message of ``descriptor`` with ``values`` (nested dicts become messages)."""
    cls = message_factory.GetMessageClass(descriptor)
    msg = cls()
    for name, value in values.items():
        field = descriptor.fields_by_name[name]
        if _is_map(field):
            target = getattr(msg, name)
            value_f = field.message_type.fields_by_name["value"]
            for k, v in value.items():
                if value_f.type == FD.TYPE_MESSAGE:
                    target[k].CopyFrom(build(value_f.message_type, v))
                else:
                    target[k] = v
        elif field.is_repeated:
            target = getattr(msg, name)
            for item in value:
                if field.type == FD.TYPE_MESSAGE:
                    target.add().CopyFrom(build(field.message_type, item))
                else:
                    target.append(item)
        elif field.type == FD.TYPE_MESSAGE:
            getattr(msg, name).CopyFrom(build(field.message_type, value))
        else:
            setattr(msg, name, value)
    return msg


@st.composite
def _mangled(draw: st.DrawFn, encoded: bytes) -> bytes:
    how = draw(st.sampled_from(["truncate", "flip", "append", "junk", "bad-utf8"]))
    if how == "truncate" and encoded:
        return encoded[: draw(st.integers(0, len(encoded) - 1))]
    if how == "flip" and encoded:
        i = draw(st.integers(0, len(encoded) - 1))
        return encoded[:i] + bytes([encoded[i] ^ draw(st.integers(1, 255))]) + encoded[i + 1 :]
    if how == "append":
        return encoded + draw(st.binary(min_size=1, max_size=16))
    if how == "bad-utf8":
        # Field 1 as length-delimited invalid UTF-8 (a lone surrogate, encoded as CESU would).
        return encoded + b"\x0a\x03\xed\xa0\x80"
    return draw(st.binary(max_size=64))


@st.composite
def request_bytes(draw: st.DrawFn, method: MethodDescriptor) -> bytes:
    """The wire bytes of one request to ``method``: valid most of the time, mangled sometimes."""
    values = draw(message_dict(method.input_type))
    encoded = build(method.input_type, values).SerializeToString()
    if draw(st.integers(0, 9)) == 0:
        return draw(_mangled(encoded))
    return encoded


@dataclass(frozen=True)
class Rpc:
    """One method of the API: its full path and how it streams."""

    method: MethodDescriptor

    @property
    def path(self) -> str:
        return method_path(self.method)

    @property
    def client_streaming(self) -> bool:
        return self.method.client_streaming

    @property
    def server_streaming(self) -> bool:
        return self.method.server_streaming

    def __str__(self) -> str:
        return self.path


def every_rpc() -> Iterator[Rpc]:
    """Every method the head unit serves (cardeck.v1, kuksa.val v1 and v2)."""
    for method in every_served_method():
        yield Rpc(method)


def tiny_wav() -> bytes:
    """0.1 s of 16 kHz mono silence as a WAV file."""
    samples = b"\x00\x00" * 1600
    header = b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    return header + b"data" + struct.pack("<I", len(samples)) + samples
