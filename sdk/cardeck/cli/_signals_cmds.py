"""The vehicle-signal parts of ``cardeck call signals …`` and ``cardeck watch --signals``.

Values on the command line are text (``Vehicle.Speed=50``); each is read as
its signal's VSS datatype (this SDK's subset, else the head unit's metadata),
so ``cardeck call signals set Vehicle.IsMoving=maybe`` fails before anything
is sent, naming the path.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence

from .._client import Client
from .._exceptions import NotFoundError, UsageError
from .._models import SignalsChange, SignalValue
from ..vss import SIGNALS, SignalScalar, SignalSpec

__all__ = [
    "actuate_signal",
    "assignment",
    "change_text",
    "get_signals",
    "list_text",
    "parse_paths",
    "require_signals",
    "set_signals",
    "values_text",
]

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def assignment(text: str) -> tuple[str, str]:
    """Parse ``PATH=VALUE`` (argparse ``type=``); the value's type is checked later."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise argparse.ArgumentTypeError(
            f"expected PATH=VALUE, such as Vehicle.Speed=50 or Vehicle.Cabin.Sunroof.Switch=OPEN, "
            f"but got {text!r}"
        )
    return path.strip(), value


def parse_paths(text: str) -> tuple[str, ...]:
    """Parse ``PATH[,PATH…]`` (argparse ``type=``)."""
    paths = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    if not paths:
        raise argparse.ArgumentTypeError(
            f"expected VSS paths separated by commas, such as Vehicle.Speed,Vehicle.IsMoving, "
            f"but got {text!r}"
        )
    return paths


def _spec(client: Client, path: str) -> SignalSpec:
    """The signal's spec: this SDK's, else the head unit's (which names an unknown path)."""
    spec = SIGNALS.get(path)
    if spec is not None:
        return spec
    found = [s for s in client.signals.list(path) if s.path == path]
    if not found:
        raise NotFoundError(f"{path} is not a signal of the head unit; only a branch is.")
    return found[0]


def _typed(spec: SignalSpec, text: str) -> SignalScalar:
    """Command-line text as the signal's Python type; the SDK checks range and allowed values."""
    kind = spec.python_type
    try:
        if kind is bool:
            word = text.strip().lower()
            if word in _TRUE | _FALSE:
                return word in _TRUE
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
    except ValueError:
        unit = f" in {spec.unit}" if spec.unit else ""
        example = (
            "true or false" if kind is bool else ("a whole number" if kind is int else "a number")
        )
        raise UsageError(
            f"{spec.path} takes {example}{unit} ({spec.datatype}); {text!r} is not one. "
            f"Write it as {spec.path}=VALUE."
        ) from None
    return text


def _typed_values(client: Client, pairs: Iterable[tuple[str, str]]) -> dict[str, SignalScalar]:
    return {path: _typed(_spec(client, path), text) for path, text in pairs}


def require_signals(client: Client, paths: Iterable[str]) -> None:
    """Fail with a NotFoundError naming the first path the head unit does not have."""
    for path in paths:
        _spec(client, path)


def get_signals(client: Client, paths: Sequence[str]) -> dict[str, SignalValue]:
    """``call signals get``: every path's current value."""
    if len(paths) == 1:
        return {paths[0]: client.signals.get(paths[0])}
    return client.signals.get_many(paths)


def set_signals(client: Client, pairs: Sequence[tuple[str, str]]) -> None:
    """``call signals set``: publish the values."""
    client.signals.set(_typed_values(client, pairs))


def actuate_signal(client: Client, pair: tuple[str, str]) -> None:
    """``call signals actuate``: ask the actuator's provider to take the value."""
    [(path, value)] = _typed_values(client, [pair]).items()
    client.signals.actuate(path, value)


def _value(value: SignalScalar | None) -> str:
    if value is None:
        return "(no value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def _one(signal: SignalValue) -> str:
    unit = f" {signal.unit}" if signal.unit and signal.value is not None else ""
    return f"{signal.path} = {_value(signal.value)}{unit}"


def values_text(values: Mapping[str, SignalValue]) -> str:
    """``call signals get``: one ``PATH = VALUE UNIT`` line per signal."""
    return "\n".join(_one(v) for v in values.values())


def change_text(change: SignalsChange) -> str:
    """``watch --signals``: one change on one line, each signal with its unit."""
    return ", ".join(_one(s) for s in change.signals)


def list_text(specs: Sequence[SignalSpec]) -> str:
    """``call signals list``: one line per signal with its type, unit and limits."""
    if not specs:
        return "no signals"
    width = max(len(s.path) for s in specs)
    lines = []
    for s in specs:
        parts = [f"{s.entry_type:<9}", f"{s.datatype:<7}"]
        if s.unit:
            parts.append(s.unit)
        if s.minimum is not None or s.maximum is not None:
            low = "" if s.minimum is None else f"{s.minimum:g}"
            high = "" if s.maximum is None else f"{s.maximum:g}"
            parts.append(f"[{low}..{high}]")
        if s.allowed:
            parts.append("{" + ",".join(s.allowed) + "}")
        lines.append(f"{s.path:<{width}}  {'  '.join(parts)}")
    return "\n".join(lines)
