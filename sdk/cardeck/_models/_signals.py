"""Models of vehicle signals: one VSS signal's value, and a change of several."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..v1 import types_pb2
from ..vss import SIGNALS, SignalScalar
from ._common import time_or_none


@dataclass(frozen=True)
class SignalValue:
    """One vehicle signal's value, by its COVESA VSS path.

    :param path: the VSS path, e.g. ``"Vehicle.Speed"``.
    :param value: a bool, int, float or str as the signal's VSS datatype says; None when
        the signal has no value yet.
    :param time: when the value was set; None when it has none.
    :param unit: the signal's VSS unit (``"km/h"``, ``"percent"``, ``"m"`` …), None when it
        has none or the path is not in this SDK's subset.
    """

    path: str
    value: SignalScalar | None
    time: datetime | None = None
    unit: str | None = None

    @classmethod
    def from_proto(cls, msg: types_pb2.SignalValue) -> SignalValue:
        which = msg.WhichOneof("value")
        value: SignalScalar | None = None if which is None else getattr(msg, which)
        spec = SIGNALS.get(msg.path)
        return cls(msg.path, value, time_or_none(msg.time), spec.unit if spec else None)

    def to_proto(self) -> types_pb2.SignalValue:
        msg = types_pb2.SignalValue(path=self.path)
        value = self.value
        spec = SIGNALS.get(self.path)
        if isinstance(value, bool):
            msg.bool_value = value
        elif isinstance(value, str):
            msg.string_value = value
        elif isinstance(value, float) or (spec is not None and spec.python_type is float):
            msg.double_value = float(value)  # type: ignore[arg-type]
        elif isinstance(value, int):
            if spec is not None and spec.datatype.startswith("uint"):
                msg.uint_value = value
            else:
                msg.int_value = value
        if self.time is not None:
            msg.time.FromDatetime(self.time)
        return msg


@dataclass(frozen=True)
class SignalsChange:
    """Vehicle signals that changed together (one update of the car's data).

    :param signals: the changed signals, each with its new value.
    """

    signals: tuple[SignalValue, ...]

    @property
    def values(self) -> Mapping[str, SignalScalar | None]:
        """The new values by path."""
        return {s.path: s.value for s in self.signals}

    @classmethod
    def from_proto(cls, msg: types_pb2.SignalsChanged) -> SignalsChange:
        return cls(tuple(SignalValue.from_proto(s) for s in msg.signals))

    def to_proto(self) -> types_pb2.SignalsChanged:
        return types_pb2.SignalsChanged(signals=[s.to_proto() for s in self.signals])
