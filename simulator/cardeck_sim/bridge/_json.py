"""Protobuf's canonical JSON mapping, compiled once per message type.

``json.dumps(MessageToDict(m, always_print_fields_with_no_presence=True))``
walks descriptors for every field of every message and builds a dict only to
serialise it: about 30-50 µs an event. The encoder here reads the same
descriptors once, writes a Python function per message type that reads the
fields straight into JSON text, and compiles it; an event then costs a few
microseconds. The output is byte for byte what the bridge sent before
(``json.dumps(..., separators=(",", ":"), ensure_ascii=False)`` over
``MessageToDict``), key order included, which that path makes data-dependent:
the fields that are set come first in field-number order (``ListFields``),
then the fields at their default in declaration order. Fields with presence
(messages, oneof members, ``optional``) appear only when set.

What the mapping asks of each type: lowerCamelCase ``json_name``; 64-bit
integers as decimal strings; enums as names (an unknown number of an open enum
as the number); doubles as ``repr`` with ``"NaN"``/``"Infinity"``/
``"-Infinity"`` as strings; floats at their shortest round-trip; bytes as
base64; ``Timestamp`` as RFC 3339 with 0, 3, 6 or 9 fractional digits.
The other well-known types (Duration, Struct, Any, wrappers, ...) and
messages with maps or extensions are rare here, so their values go through
``MessageToDict`` itself: still exact, just not faster.
``tests/unit/bridge/test_json_encoding.py`` holds the encoder to the
reference on every event kind.
"""

from __future__ import annotations

import base64
import datetime
import json
import keyword
import math
from collections.abc import Callable
from typing import Any, Final

from google.protobuf import descriptor, json_format
from google.protobuf.internal import type_checkers
from google.protobuf.message import Message

__all__ = ["message_encoder", "reference_json"]

_FD = descriptor.FieldDescriptor
_INT64_TYPES: Final = frozenset(
    {_FD.CPPTYPE_INT64, _FD.CPPTYPE_UINT64},
)
_INT32_TYPES: Final = frozenset({_FD.CPPTYPE_INT32, _FD.CPPTYPE_UINT32})
# The well-known types MessageToDict maps specially (json_format._WKTJSONMETHODS).
_SPECIAL_TYPES: Final = frozenset(
    {
        "google.protobuf.Any",
        "google.protobuf.Duration",
        "google.protobuf.FieldMask",
        "google.protobuf.ListValue",
        "google.protobuf.Struct",
        "google.protobuf.Value",
    }
)
_TIMESTAMP: Final = "google.protobuf.Timestamp"
# Oneofs with at most this many members are dispatched by comparing names inline.
_CHAIN_MAX: Final = 6
# How deep singular sub-messages are written inline before a call.
_INLINE_DEPTH: Final = 6
_WRAPPERS_FILE: Final = "google/protobuf/wrappers.proto"

_NONFINITE: Final = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}
# Timestamp's valid range (well_known_types._CheckTimestampValid).
_TS_MIN: Final = -62135596800
_TS_MAX: Final = 253402300799
_EPOCH: Final = datetime.datetime(1970, 1, 1)

# What json.dumps(ensure_ascii=False) writes for a str: C-accelerated, quotes included.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def reference_json(message: Message) -> str:
    """The bridge's JSON of ``message`` the slow, obviously right way (MessageToDict + dumps).

    Every field without presence is printed (``"parked": false``), names are
    lowerCamelCase: the options the bridge has always used.
    """
    return _dumps(
        json_format.MessageToDict(
            message, always_print_fields_with_no_presence=True, preserving_proto_field_name=False
        )
    )


def _double(value: float) -> str:
    text = repr(value)
    return _NONFINITE.get(text, text)


def _float(value: float) -> str:
    text = repr(value)
    special = _NONFINITE.get(text)
    if special is not None:
        return special
    return repr(type_checkers.ToShortestFloat(value))


def _negative_zero(value: float) -> bool:
    # -0.0 is "set" for ListFields (its bits are not zero) but falsy in Python.
    return math.copysign(1.0, value) < 0


def _bytes(value: bytes) -> str:
    return '"' + base64.b64encode(value).decode("ascii") + '"'


# The quoted date and time of whole seconds already seen: events come in bursts
# within a second, so one formatted date serves many. Cleared when it grows.
_SECONDS_TEXT: dict[int, str] = {}


def _timestamp(stamp: Any) -> str:
    seconds = stamp.seconds
    nanos = stamp.nanos
    prefix = _SECONDS_TEXT.get(seconds)
    if prefix is None:
        if not (_TS_MIN <= seconds <= _TS_MAX and 0 <= nanos < 1_000_000_000):
            # Out of range: protobuf raises its own error.
            return '"' + str(stamp.ToJsonString()) + '"'
        day_seconds = seconds % 86_400
        moment = _EPOCH + datetime.timedelta((seconds - day_seconds) // 86_400, day_seconds)
        prefix = '"' + moment.isoformat()
        if len(_SECONDS_TEXT) >= 4096:
            _SECONDS_TEXT.clear()
        _SECONDS_TEXT[seconds] = prefix
    elif not 0 <= nanos < 1_000_000_000:
        return '"' + str(stamp.ToJsonString()) + '"'
    if nanos % 1_000:
        # 9 digits, zero-padded: cheaper than a format spec.
        return prefix + "." + str(nanos + 1_000_000_000)[1:] + 'Z"'
    if nanos == 0:
        return prefix + 'Z"'
    if nanos % 1_000_000:
        return prefix + "." + str(nanos // 1_000 + 1_000_000)[1:] + 'Z"'
    return prefix + "." + str(nanos // 1_000_000 + 1_000)[1:] + 'Z"'


class _Compiler:
    """Writes the encoder functions of a message type and the types it reaches.

    A message's singular sub-messages are written inline (a Python call costs
    as much as several field reads), to a depth of :data:`_INLINE_DEPTH`;
    repeated and recursive ones get a function of their own.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # message full name -> function name
        self.sources: list[str] = []
        self.namespace: dict[str, Any] = {
            "_double": _double,
            "_float": _float,
            "_negative_zero": _negative_zero,
            "_bytes": _bytes,
            "_string": _encode_string,
            "_timestamp": _timestamp,
            "_SECONDS_TEXT": _SECONDS_TEXT,
            "_reference": reference_json,
            "_NONFINITE": _NONFINITE,
            "_join": ",".join,
        }
        self._counter = 0

    def _fresh(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def function_for(self, message: descriptor.Descriptor) -> str:
        """The name of the function encoding ``message``; written on first use."""
        name = self.names.get(message.full_name)
        if name is not None:
            return name
        if message.full_name == _TIMESTAMP:
            return "_timestamp"
        if _needs_reference(message):
            return "_reference"
        name = f"_m{len(self.names)}"
        self.names[message.full_name] = name
        body, out = self._block(message, "m", (message.full_name,))
        self.sources.append(_function(name, body, out))
        return name

    def _message(
        self, message: descriptor.Descriptor, var: str, stack: tuple[str, ...]
    ) -> tuple[list[str], str]:
        """Lines setting a variable to the JSON of the message in ``var``, and its name."""
        if message.full_name == _TIMESTAMP:
            out, nanos = self._fresh("j"), self._fresh("n")
            # A second seen before (the date is cached) and some fraction: inline.
            return [
                f"{out} = _SECONDS_TEXT.get({var}.seconds)",
                f"{nanos} = {var}.nanos",
                f"if {out} is None or not 0 < {nanos} < 1_000_000_000:",
                f"    {out} = _timestamp({var})",
                f"elif {nanos} % 1_000:",
                f"    {out} += '.' + str({nanos} + 1_000_000_000)[1:] + 'Z\"'",
                f"elif {nanos} % 1_000_000:",
                f"    {out} += '.' + str({nanos} // 1_000 + 1_000_000)[1:] + 'Z\"'",
                "else:",
                f"    {out} += '.' + str({nanos} // 1_000_000 + 1_000)[1:] + 'Z\"'",
            ], out
        if _needs_reference(message) or message.full_name in stack or len(stack) >= _INLINE_DEPTH:
            return [], f"{self.function_for(message)}({var})"
        return self._block(message, var, (*stack, message.full_name))

    def _scalar(self, field: descriptor.FieldDescriptor, var: str) -> str:
        """A Python expression for the JSON of one scalar value held in ``var``."""
        cpp = field.cpp_type
        if cpp == _FD.CPPTYPE_ENUM:
            enum = field.enum_type
            assert enum is not None
            table = f"_enum_{enum.full_name.replace('.', '_')}"
            self.namespace[table] = {value.number: '"' + value.name + '"' for value in enum.values}
            if enum.is_closed:
                # MessageToDict refuses unknown numbers of a closed enum; so does a KeyError.
                return f"{table}[{var}]"
            return f"({table}.get({var}) or str({var}))"
        if cpp == _FD.CPPTYPE_STRING:
            if field.type == _FD.TYPE_BYTES:
                return f"_bytes({var})"
            return f"_string({var})"
        if cpp == _FD.CPPTYPE_BOOL:
            return f"('true' if {var} else 'false')"
        if cpp in _INT64_TYPES:
            return f"('\"' + str({var}) + '\"')"
        if cpp in _INT32_TYPES:
            return f"str({var})"
        if cpp == _FD.CPPTYPE_DOUBLE:
            # repr of a finite double ends in a digit; inf and nan go by the table.
            return f"(_r if (_r := repr({var}))[-1] < 'a' else _NONFINITE[_r])"
        if cpp == _FD.CPPTYPE_FLOAT:
            return f"_float({var})"
        raise TypeError(f"Field {field.full_name} has a type the JSON encoder does not know.")

    def _value(
        self, field: descriptor.FieldDescriptor, var: str, stack: tuple[str, ...]
    ) -> tuple[list[str], str]:
        """Lines and an expression for the JSON of one (non-repeated) value in ``var``."""
        if field.cpp_type == _FD.CPPTYPE_MESSAGE:
            assert field.message_type is not None
            return self._message(field.message_type, var, stack)
        return [], self._scalar(field, var)

    def _items(self, field: descriptor.FieldDescriptor, var: str) -> str:
        """An expression joining the JSON of each item of the repeated field in ``var``."""
        if field.cpp_type == _FD.CPPTYPE_MESSAGE:
            assert field.message_type is not None
            return f"_join(map({self.function_for(field.message_type)}, {var}))"
        item = self._scalar(field, "x")
        if item.endswith("(x)") and item[:-3].isidentifier():
            return f"_join(map({item[:-3]}, {var}))"
        return f"_join([{item} for x in {var}])"

    def _repeated(
        self, field: descriptor.FieldDescriptor, var: str, key: str, s: str, stack: tuple[str, ...]
    ) -> list[str]:
        """Lines adding a non-empty repeated field in ``var`` to ``s``; items of a message
        type written inline are encoded in a loop, without a call per item."""
        item = field.message_type
        if item is None or _needs_reference(item) or item.full_name == _TIMESTAMP:
            return [f"{s} += {key + '['!r} + {self._items(field, var)} + ']'"]
        x, parts = self._fresh("x"), self._fresh("p")
        body, out = self._message(item, x, stack)
        return [
            f"{parts} = []",
            f"for {x} in {var}:",
            *_indent(body),
            f"    {parts}.append({out})",
            f"{s} += {key + '['!r} + _join({parts}) + ']'",
        ]

    def _default_text(self, field: descriptor.FieldDescriptor) -> str:
        """The JSON MessageToDict prints for an unset field without presence."""
        if field.is_repeated:
            return "[]"
        expression = self._scalar(field, "v")
        return str(eval(expression, dict(self.namespace, v=field.default_value)))

    def _block(
        self, message: descriptor.Descriptor, src: str, stack: tuple[str, ...]
    ) -> tuple[list[str], str]:
        """Lines setting a variable to the JSON of the message in ``src``, and its name.

        Set fields go into ``s`` in number order, unset ones without presence
        into ``t`` in declaration order, each text led by a comma.
        """
        s, t, out = self._fresh("s"), self._fresh("t"), self._fresh("j")
        lines = [f"{s} = ''"]
        by_number = sorted(message.fields, key=lambda f: f.number)
        tail = [f for f in message.fields if not f.has_presence]
        # When declaration order is not number order, unset fields carry their
        # rank and are sorted at the end (no CarDeck message needs it today).
        ranked = [f.number for f in tail] != sorted(f.number for f in tail)
        if tail:
            lines.append(f"{t} = []" if ranked else f"{t} = ''")
        positions = {f.number: i for i, f in enumerate(by_number)}
        which: dict[int, str] = {}
        for oneof in message.oneofs:
            if len(oneof.fields) > 1:
                which[oneof.index] = self._fresh("w")
                lines.append(f"{which[oneof.index]} = {src}.WhichOneof({oneof.name!r})")
        for field in by_number:
            key = "," + _dumps(field.json_name) + ":"
            attr = _attribute(src, field)
            member_of = field.containing_oneof
            if member_of is not None and len(member_of.fields) > 1:
                lines += self._member(
                    member_of, field, (which[member_of.index], src, s), positions, stack
                )
                continue
            v = self._fresh("v")
            if field.has_presence:
                value_lines, value = self._value(field, v, stack)
                lines += [
                    f"if {src}.HasField({field.name!r}):",
                    f"    {v} = {attr}",
                    *_indent(value_lines),
                    f"    {s} += {key!r} + {value}",
                ]
                continue
            default = key + self._default_text(field)
            keep = (
                f"{t}.append(({tail.index(field)}, {default!r}))"
                if ranked
                else (f"{t} += {default!r}")
            )
            if field.cpp_type == _FD.CPPTYPE_BOOL and not field.is_repeated:
                lines += [f"if {attr}:", f"    {s} += {key + 'true'!r}"]
            elif field.is_repeated:
                lines += [f"{v} = {attr}", f"if {v}:"]
                lines += _indent(self._repeated(field, v, key, s, stack))
            else:
                is_set = v
                if field.cpp_type in (_FD.CPPTYPE_DOUBLE, _FD.CPPTYPE_FLOAT):
                    is_set = f"{v} or _negative_zero({v})"
                lines += [
                    f"{v} = {attr}",
                    f"if {is_set}:",
                    f"    {s} += {key!r} + {self._scalar(field, v)}",
                ]
            lines += ["else:", f"    {keep}"]
        if ranked:
            lines += [f"{t}.sort()", f"{t} = ''.join([text for _, text in {t}])"]
        joined = f"({s} + {t})" if tail else s
        lines.append(f"{out} = '{{' + {joined}[1:] + '}}'")
        return lines, out

    def _member(
        self,
        oneof: descriptor.OneofDescriptor,
        field: descriptor.FieldDescriptor,
        names: tuple[str, str, str],
        positions: dict[int, int],
        stack: tuple[str, ...],
    ) -> list[str]:
        """Lines adding a oneof's set member to ``s`` in its field-number place.

        Members next to each other in number order share one table lookup at
        the first one's place, a function per member; a member among other
        fields is placed by itself.
        """
        members = sorted(oneof.fields, key=lambda f: f.number)
        places = [positions[f.number] for f in members]
        which, src, target = names  # the WhichOneof, message and text variables
        if places[-1] - places[0] + 1 != len(members):
            v = self._fresh("v")
            value_lines, value = self._value(field, v, stack)
            key = "," + _dumps(field.json_name) + ":"
            return [
                f"if {which} == {field.name!r}:",
                f"    {v} = {_attribute(src, field)}",
                *_indent(value_lines),
                f"    {target} += {key!r} + {value}",
            ]
        if field is not members[0]:
            return []
        if len(members) <= _CHAIN_MAX:
            # A few members: comparing names inline is cheaper than a call.
            lines = []
            for i, member in enumerate(members):
                v = self._fresh("v")
                value_lines, value = self._value(member, v, stack)
                key = "," + _dumps(member.json_name) + ":"
                lines += [
                    f"{'if' if i == 0 else 'elif'} {which} == {member.name!r}:",
                    f"    {v} = {_attribute(src, member)}",
                    *_indent(value_lines),
                    f"    {target} += {key!r} + {value}",
                ]
            return lines
        table = self._fresh("_oneof")
        entries = []
        for member in members:
            name = self._fresh("_p")
            v = self._fresh("v")
            value_lines, value = self._value(member, v, stack)
            key = "," + _dumps(member.json_name) + ":"
            body = [f"{v} = {_attribute('m', member)}", *value_lines]
            self.sources.append(_function(name, body, f"{key!r} + {value}"))
            entries.append(f"{member.name!r}: {name}")
        self.sources.append(f"{table} = {{{', '.join(entries)}}}\n")
        return [f"if {which} is not None:", f"    {target} += {table}[{which}]({src})"]


def _is_map(field: descriptor.FieldDescriptor) -> bool:
    entry = field.message_type
    return entry is not None and entry.has_options and bool(entry.GetOptions().map_entry)


def _needs_reference(message: descriptor.Descriptor) -> bool:
    """Whether MessageToDict itself encodes ``message``: the special well-known types,
    and messages with maps or extensions, none of which an event carries today."""
    return bool(
        message.full_name in _SPECIAL_TYPES
        or message.file.name == _WRAPPERS_FILE
        or message.extension_ranges
        or any(_is_map(f) for f in message.fields)
    )


def _attribute(src: str, field: descriptor.FieldDescriptor) -> str:
    """The expression reading ``field`` of the message in ``src`` (a keyword needs getattr)."""
    if field.name.isidentifier() and not keyword.iskeyword(field.name):
        return f"{src}.{field.name}"
    return f"getattr({src}, {field.name!r})"


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _function(name: str, body: list[str], result: str) -> str:
    """The source of ``def name(m)`` running ``body`` and returning ``result``."""
    return "\n".join([f"def {name}(m):", *_indent(body), f"    return {result}"]) + "\n"


_ENCODERS: dict[str, Callable[[Message], str]] = {}


def message_encoder(message: descriptor.Descriptor) -> Callable[[Message], str]:
    """A function giving a message's JSON, exactly as :func:`reference_json` does, but fast.

    Compiled on the first call for a type (and for every type it reaches);
    later calls return the same function.
    """
    encoder = _ENCODERS.get(message.full_name)
    if encoder is None:
        compiler = _Compiler()
        name = compiler.function_for(message)
        exec(compile("\n".join(compiler.sources), "<cardeck-json>", "exec"), compiler.namespace)
        encoder = compiler.namespace[name]
        _ENCODERS[message.full_name] = encoder
    return encoder
