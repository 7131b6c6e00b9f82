"""What the cluster, the head-up display and the status bar show of the car's VSS signals.

Painters read the store's signals (``store.signals``) through these views, as they
read the speed and gear through ``store.vehicle``: each is a frozen value rounded
to what a driver sees (whole percent, whole km, whole degrees), so a panel repaints
when its text would change, not on every metre the simulated drive moves the range.

Free of kivy, like :mod:`cardeck_sim.ui._scene`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from cardeck.vss import signal
from cardeck_sim.state import SignalTable

__all__ = [
    "LOW_LEVEL_PERCENT",
    "Energy",
    "EnergySource",
    "energy_of",
    "outside_temperature_of",
]

# The paths are checked against the VSS subset when the module loads (signal()
# raises UnknownSignalError), so a renamed signal fails at import, not as a blank panel.
_RANGE = signal("Vehicle.Powertrain.Range").path
_SOC = signal("Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed").path
_BATTERY_RANGE = signal("Vehicle.Powertrain.TractionBattery.Range").path
_FUEL_LEVEL = signal("Vehicle.Powertrain.FuelSystem.RelativeLevel").path
_FUEL_RANGE = signal("Vehicle.Powertrain.FuelSystem.Range").path
_POWERTRAIN_TYPE = signal("Vehicle.Powertrain.Type").path
_AIR_TEMPERATURE = signal("Vehicle.Exterior.AirTemperature").path

#: Below this level (percent of the battery's charge or of the tank) the cluster and
#: the head-up display show the level in the theme's caution colour and ask the driver
#: to charge or refuel (a production cluster's reserve warning sits at 10–20 %).
LOW_LEVEL_PERCENT = 15


class EnergySource(Enum):
    """What moves the car, as the cluster draws it: the traction battery or the tank."""

    BATTERY = "battery"
    FUEL = "fuel"


@dataclass(frozen=True)
class Energy:
    """The charge or fuel level and the range, as the cluster shows them.

    :param source: The battery (an electric car, or a hybrid with a state of charge) or
        the tank (a combustion car, or a car with no state of charge).
    :param level_pct: Whole percent, or None when the car reports no level.
    :param range_m: The range as shown (whole km from 1 km, else 10 m), or None when the
        car reports none.
    """

    source: EnergySource
    level_pct: int | None
    range_m: int | None

    @property
    def low(self) -> bool:
        """Whether the level is under :data:`LOW_LEVEL_PERCENT` (an unknown level never is)."""
        return self.level_pct is not None and self.level_pct < LOW_LEVEL_PERCENT


def _number(signals: SignalTable, path: str) -> float | None:
    value = signals.value(path)
    # bool is an int to Python, never a level or a range to VSS.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _shown_range(metres: float | None) -> int | None:
    """The range rounded as the cluster shows it: whole km, or 10 m under 1 km."""
    if metres is None:
        return None
    metres = max(0.0, metres)
    if metres >= 1000:
        return round(metres / 1000) * 1000
    return round(metres / 10) * 10


def energy_of(signals: SignalTable) -> Energy | None:
    """The level and range the cluster shows, from the store's signals; None if it has neither.

    A car with a traction battery value (``StateOfCharge.Displayed``) shows its charge,
    unless ``Vehicle.Powertrain.Type`` says it has only an engine (the store's table keeps
    the simulated car's battery values until something overwrites them). Otherwise the
    tank: ``FuelSystem.RelativeLevel``. The range is ``Vehicle.Powertrain.Range`` (what
    the whole car can still drive), else the battery's or the tank's own.
    """
    level = _number(signals, _SOC)
    source, own_range = EnergySource.BATTERY, _BATTERY_RANGE
    if level is None or signals.value(_POWERTRAIN_TYPE) == "COMBUSTION":
        source, own_range = EnergySource.FUEL, _FUEL_RANGE
        level = _number(signals, _FUEL_LEVEL)
    total = _number(signals, _RANGE)
    metres = total if total is not None else _number(signals, own_range)
    if level is None and metres is None:
        return None
    # Whole percent as a car's display rounds it; within 0–100 whatever the feed sent.
    shown = None if level is None else min(100, max(0, math.floor(level + 0.5)))
    return Energy(source, shown, _shown_range(metres))


def outside_temperature_of(signals: SignalTable) -> int | None:
    """The exterior air temperature in whole °C, or None when the car reports none."""
    celsius = _number(signals, _AIR_TEMPERATURE)
    # Half up (2.5 → 3, -0.5 → 0), as a thermometer's display rounds.
    return None if celsius is None else math.floor(celsius + 0.5)
