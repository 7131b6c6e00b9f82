"""The vehicle's data as COVESA VSS signals, and how the typed VehicleState reads them.

The store keeps one table of signal values (path → value and time); VehicleState is a view
derived from it (speed, gear, parking brake, light, theme selection), and ``update_vehicle``
writes through to the signals. Some signals follow others the way a car's would:
``Vehicle.IsMoving`` from the speed, ``CurrentGear`` from ``SelectedGear``, the HMI's
``DayNightMode`` from the light and the theme selection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from cardeck.vss import SIGNALS, SignalScalar, SignalSpec, check_value, signal
from cardeck.vss import VSS_VERSION as _VSS_VERSION

SPEED = "Vehicle.Speed"
IS_MOVING = "Vehicle.IsMoving"
SELECTED_GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
CURRENT_GEAR = "Vehicle.Powertrain.Transmission.CurrentGear"
PARKING_BRAKE = "Vehicle.Chassis.ParkingBrake.IsEngaged"
POWER_STATE = "Vehicle.LowVoltageSystemState"
LIGHT = "Vehicle.Exterior.LightIntensity"
HMI_DAY_NIGHT = "Vehicle.Cabin.Infotainment.HMI.DayNightMode"
DAY_NIGHT_SELECTION = "Vehicle.Private.CarDeck.DayNightSelection"
AIR_TEMPERATURE = "Vehicle.Exterior.AirTemperature"
POWERTRAIN_TYPE = "Vehicle.Powertrain.Type"
RANGE = "Vehicle.Powertrain.Range"
SOC = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"
SOC_DISPLAYED = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed"
BATTERY_RANGE = "Vehicle.Powertrain.TractionBattery.Range"
BATTERY_CAPACITY = "Vehicle.Powertrain.TractionBattery.GrossCapacity"
FUEL_LEVEL = "Vehicle.Powertrain.FuelSystem.RelativeLevel"
FUEL_RANGE = "Vehicle.Powertrain.FuelSystem.Range"
ODOMETER = "Vehicle.TraveledDistance"
LATITUDE = "Vehicle.CurrentLocation.Latitude"
LONGITUDE = "Vehicle.CurrentLocation.Longitude"
HEADING = "Vehicle.CurrentLocation.Heading"
SUNROOF_POSITION = "Vehicle.Cabin.Sunroof.Position"
SUNROOF_SWITCH = "Vehicle.Cabin.Sunroof.Switch"
LANGUAGE = "Vehicle.Cabin.Infotainment.HMI.CurrentLanguage"

#: Below this exterior light (percent) the light sensor reports night.
NIGHT_LIGHT_PERCENT = 10.0
#: What the light sensor reads when VehicleState.night is set to false or true.
DAYLIGHT_PERCENT = 100.0
DARK_PERCENT = 0.0

# VSS SelectedGear values for the typed view's gears (cardeck.v1.Gear).
GEAR_PARK = 126
GEAR_DRIVE = 127
GEAR_NEUTRAL = 0
GEAR_REVERSE = -1

#: The simulated car's values at power-on: an electric car, parked, in daylight.
INITIAL_VALUES: dict[str, SignalScalar] = {
    SPEED: 0.0,
    IS_MOVING: False,
    SELECTED_GEAR: GEAR_PARK,
    CURRENT_GEAR: 0,
    PARKING_BRAKE: True,
    POWER_STATE: "ON",
    LIGHT: DAYLIGHT_PERCENT,
    DAY_NIGHT_SELECTION: "AUTO",
    HMI_DAY_NIGHT: "DAY",
    AIR_TEMPERATURE: 18.0,
    POWERTRAIN_TYPE: "ELECTRIC",
    BATTERY_CAPACITY: 75,
    SOC: 80.0,
    SOC_DISPLAYED: 80.0,
    BATTERY_RANGE: 360_000,
    RANGE: 360_000,
    ODOMETER: 12_345_000,
    SUNROOF_POSITION: 0,
    SUNROOF_SWITCH: "INACTIVE",
    "Vehicle.VersionVSS.Major": int(_VSS_VERSION.split(".")[0]),
    "Vehicle.VersionVSS.Minor": int(_VSS_VERSION.split(".")[1]),
    "Vehicle.VersionVSS.Patch": 0,
}


@dataclass(frozen=True, slots=True)
class SignalDatum:
    """A signal's value and when it was set (wall clock, ns since the epoch)."""

    value: SignalScalar
    time_ns: int


class SignalTable:
    """The current value of every signal that has one; replaced entry by entry by the store."""

    def __init__(self) -> None:
        self._values: dict[str, SignalDatum] = {}

    def get(self, path: str) -> SignalDatum | None:
        """The signal's value and time, or None when it has no value yet."""
        return self._values.get(path)

    def value(self, path: str, default: SignalScalar | None = None) -> SignalScalar | None:
        """The signal's value, or ``default`` when it has none."""
        datum = self._values.get(path)
        return default if datum is None else datum.value

    def items(self) -> Iterator[tuple[str, SignalDatum]]:
        """Every (path, datum) with a value, in the subset's order."""
        for path in SIGNALS:
            datum = self._values.get(path)
            if datum is not None:
                yield path, datum

    def __len__(self) -> int:
        return len(self._values)

    def _put(self, path: str, datum: SignalDatum) -> None:
        # Only the store writes (StateStore.set_signals): one source of truth.
        self._values[path] = datum


def checked_updates(updates: Mapping[str, object]) -> dict[str, SignalScalar]:
    """Check every update against its signal, all before any is applied.

    :raises cardeck.vss.UnknownSignalError: a path is not a signal of the subset.
    :raises cardeck.vss.SignalValueError: a value does not fit its signal.
    """
    checked: dict[str, SignalScalar] = {}
    for path, value in updates.items():
        spec: SignalSpec = signal(path)
        checked[path] = check_value(spec, value)
    return checked


def follow(table: SignalTable, updates: dict[str, SignalScalar]) -> dict[str, SignalScalar]:
    """Add the signals that follow the updated ones, unless the updates set them too."""
    out = dict(updates)
    if SPEED in updates and IS_MOVING not in updates:
        out[IS_MOVING] = float(updates[SPEED]) > 0.0
    if SELECTED_GEAR in updates and CURRENT_GEAR not in updates:
        out[CURRENT_GEAR] = current_gear_for(int(updates[SELECTED_GEAR]))
    if LIGHT in out or DAY_NIGHT_SELECTION in out:
        light = float(out.get(LIGHT, table.value(LIGHT, DAYLIGHT_PERCENT)))  # type: ignore[arg-type]
        selection = str(out.get(DAY_NIGHT_SELECTION, table.value(DAY_NIGHT_SELECTION, "AUTO")))
        night = light < NIGHT_LIGHT_PERCENT if selection == "AUTO" else selection == "NIGHT"
        out.setdefault(HMI_DAY_NIGHT, "NIGHT" if night else "DAY")
    return out


def current_gear_for(selected: int) -> int:
    """The gear engaged for a selected one: Park and Neutral engage none, Drive the first."""
    if selected in (GEAR_PARK, GEAR_NEUTRAL):
        return 0
    if selected == GEAR_DRIVE:
        return 1
    return selected


def now_ns() -> int:
    """The wall clock in ns, as signal times are kept."""
    return time.time_ns()


#: The simulated car's consumption: a mid-size electric car at town speeds.
CONSUMPTION_KWH_PER_KM = 0.16


class SimulatedPowertrain:
    """What driving does to the simulated car's odometer, battery and range.

    The odometer counts whole metres (VSS ``TraveledDistance`` is a uint32 in m), so the
    fraction of a metre carries over to the next step.
    """

    def __init__(self) -> None:
        self._carry_m = 0.0

    def advance(self, table: SignalTable, distance_m: float) -> dict[str, SignalScalar]:
        """The signal updates for ``distance_m`` driven (none for no distance)."""
        if distance_m <= 0:
            return {}
        total = self._carry_m + distance_m
        whole = int(total)
        self._carry_m = total - whole
        updates: dict[str, SignalScalar] = {}
        if whole:
            updates[ODOMETER] = int(table.value(ODOMETER, 0)) + whole  # type: ignore[arg-type]
        capacity = float(table.value(BATTERY_CAPACITY, 75))  # type: ignore[arg-type]
        soc = float(table.value(SOC, 80.0))  # type: ignore[arg-type]
        soc = max(0.0, soc - distance_m / 1000 * CONSUMPTION_KWH_PER_KM / capacity * 100)
        range_m = int(soc / 100 * capacity / CONSUMPTION_KWH_PER_KM * 1000)
        updates[SOC] = round(soc, 4)
        # The cluster shows whole percent, as a car's displayed state of charge does.
        updates[SOC_DISPLAYED] = float(round(soc))
        updates[BATTERY_RANGE] = range_m
        updates[RANGE] = range_m
        return updates
