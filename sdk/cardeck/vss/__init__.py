"""Vehicle signals in COVESA VSS terms: the subset of VSS 6.0 a CarDeck head unit keeps.

The head unit's state store holds the vehicle's data as VSS signals (``Vehicle.Speed``,
``Vehicle.Powertrain.Transmission.SelectedGear``, …); ``cardeck.v1.VehicleState`` is a typed
view of the same signals, and the KUKSA val API (v1 and v2) serves them by path. This module
is the model both sides share: each signal's datatype, entry type, unit, range and allowed
values, read from ``vss-subset.json`` (copied from the VSS 6.0 release by
``tools/vss_subset.py``; MPL-2.0, see ``LICENSE-VSS.txt``), and the one check every write
goes through.

Paths under ``Vehicle.Private.CarDeck`` are CarDeck's overlay, not VSS.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Literal

__all__ = [
    "SIGNALS",
    "VSS_VERSION",
    "SignalScalar",
    "SignalSpec",
    "SignalValueError",
    "UnknownSignalError",
    "check_value",
    "signal",
]

#: A signal's value: VSS booleans, integers, floats and strings (the subset has no arrays).
SignalScalar = bool | int | float | str

EntryType = Literal["sensor", "actuator", "attribute"]

# The integer datatypes' ranges, as VSS defines them.
_INT_RANGES: dict[str, tuple[int, int]] = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}
_FLOATS = frozenset({"float", "double"})


class UnknownSignalError(LookupError):
    """The path names no signal of the head unit's VSS subset."""


class SignalValueError(ValueError):
    """A value does not fit its signal: wrong type, out of min/max, or not an allowed value.

    :param path: the signal's path.
    :param reason: ``"type"``, ``"range"`` or ``"allowed"``.
    """

    def __init__(self, path: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class SignalSpec:
    """One VSS signal: what it is and which values it takes.

    :param path: the dotted VSS path, e.g. ``"Vehicle.Speed"``.
    :param datatype: the VSS datatype: ``boolean``, ``string``, ``float``, ``double``,
        ``int8`` … ``int64``, ``uint8`` … ``uint64``.
    :param entry_type: ``sensor`` (the car reports it), ``actuator`` (it can be asked to
        change) or ``attribute`` (fixed for the vehicle).
    :param unit: the VSS unit (``km/h``, ``percent``, ``m``, ``celsius`` …) or None.
    :param minimum: the smallest value allowed, if VSS gives one.
    :param maximum: the largest value allowed, if VSS gives one.
    :param allowed: the values a string signal may take, if VSS lists them.
    :param default: the value an attribute has until set (VSS ``default``), if any.
    :param description: VSS's description.
    :param signal_id: a number for the signal, stable within one head unit's subset
        (KUKSA v2's ``SignalID.id``): its position in the subset, from 1.
    :param overlay: whether the signal is CarDeck's overlay rather than VSS's.
    """

    path: str
    datatype: str
    entry_type: EntryType
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    default: SignalScalar | None = None
    description: str = ""
    comment: str = ""
    signal_id: int = 0
    overlay: bool = False

    @property
    def python_type(self) -> type:
        """The Python type of the signal's values: bool, int, float or str."""
        if self.datatype == "boolean":
            return bool
        if self.datatype == "string":
            return str
        if self.datatype in _FLOATS:
            return float
        return int


def _load() -> tuple[str, dict[str, SignalSpec]]:
    data = json.loads(resources.files(__name__).joinpath("vss-subset.json").read_text("utf-8"))
    specs: dict[str, SignalSpec] = {}
    for number, entry in enumerate(data["signals"], start=1):
        allowed = entry.get("allowed")
        specs[entry["path"]] = SignalSpec(
            path=entry["path"],
            datatype=entry["datatype"],
            entry_type=entry["type"],
            unit=entry.get("unit"),
            minimum=entry.get("min"),
            maximum=entry.get("max"),
            allowed=tuple(allowed) if allowed is not None else None,
            default=entry.get("default"),
            description=entry.get("description", ""),
            comment=entry.get("comment", ""),
            signal_id=number,
            overlay=entry.get("overlay") == "cardeck",
        )
    return str(data["vss_version"]), specs


VSS_VERSION, _SPECS = _load()
#: Every signal of the subset by path, in the subset's order.
SIGNALS: Mapping[str, SignalSpec] = MappingProxyType(_SPECS)


def signal(path: str) -> SignalSpec:
    """The signal at ``path``.

    :raises UnknownSignalError: no signal of the subset has that path.
    """
    spec = _SPECS.get(path)
    if spec is None:
        raise UnknownSignalError(
            f"{path!r} is not a signal of this head unit (VSS {VSS_VERSION} subset of "
            f"{len(_SPECS)} signals, listed in cardeck.vss.SIGNALS and by KUKSA's ListMetadata)."
        )
    return spec


def check_value(spec: SignalSpec, value: object) -> SignalScalar:
    """Check ``value`` against the signal and return it as the signal's Python type.

    Integers are accepted for float signals (``60`` for ``Vehicle.Speed``); nothing else is
    converted: a string for a number, a number for a boolean, a float for an integer are errors.

    :raises SignalValueError: the value has the wrong type, lies outside min/max or the
        datatype's range, or is not one of the allowed values.
    """
    kind = spec.python_type
    if kind is bool:
        if not isinstance(value, bool):
            raise _type_error(spec, value)
        return value
    if kind is str:
        if not isinstance(value, str):
            raise _type_error(spec, value)
        if spec.allowed is not None and value not in spec.allowed:
            raise SignalValueError(
                spec.path,
                "allowed",
                f"{value!r} is not an allowed value of {spec.path}; it takes one of "
                f"{', '.join(spec.allowed)}.",
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(spec, value)
    number: int | float
    if kind is int:
        if isinstance(value, float):
            if not value.is_integer():
                raise _type_error(spec, value)
            value = int(value)
        low, high = _INT_RANGES[spec.datatype]
        if not low <= value <= high:
            raise _range_error(spec, value, low, high)
        number = value
    else:
        number = float(value)
        if not math.isfinite(number):
            raise SignalValueError(
                spec.path, "range", f"{spec.path} takes a finite number, not {value!r}."
            )
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise _range_error(spec, number, spec.minimum, spec.maximum)
    return number


def _type_error(spec: SignalSpec, value: object) -> SignalValueError:
    return SignalValueError(
        spec.path,
        "type",
        f"{spec.path} is {_article(spec.datatype)} {spec.datatype} signal "
        f"({spec.python_type.__name__} values); got "
        f"{type(value).__name__} {value!r}.",
    )


def _range_error(
    spec: SignalSpec, value: float, low: float | None, high: float | None
) -> SignalValueError:
    bounds = " and ".join(
        part
        for part in (
            f"at least {_number(low)}" if low is not None else "",
            f"at most {_number(high)}" if high is not None else "",
        )
        if part
    )
    unit = f" {spec.unit}" if spec.unit else ""
    return SignalValueError(
        spec.path,
        "range",
        f"{_number(value)}{unit} is out of range for {spec.path}: it must be {bounds}.",
    )


def _article(word: str) -> str:
    # "an int8", but "a uint32" (said "you-int") and "a float".
    return "an" if word[0] in "aeio" else "a"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
