"""What the cluster, HUD and status bar read of the store's VSS signals (ui/_readout.py).

No window: the views are plain data read from a real store, so these run in
milliseconds; tests/integration/ui/test_ui_signals.py paints them.
"""

from __future__ import annotations

import pytest

from cardeck.i18n import translator
from cardeck_sim.state import StateStore
from cardeck_sim.ui._readout import (
    LOW_LEVEL_PERCENT,
    Energy,
    EnergySource,
    energy_of,
    outside_temperature_of,
)

SOC = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed"
RANGE = "Vehicle.Powertrain.Range"
FUEL = "Vehicle.Powertrain.FuelSystem.RelativeLevel"
FUEL_RANGE = "Vehicle.Powertrain.FuelSystem.Range"
TYPE = "Vehicle.Powertrain.Type"
AIR = "Vehicle.Exterior.AirTemperature"


def test_the_simulated_electric_car_shows_its_charge_and_range() -> None:
    store = StateStore()
    assert energy_of(store.signals) == Energy(EnergySource.BATTERY, 80, 360_000)
    assert not energy_of(store.signals).low  # type: ignore[union-attr]
    assert outside_temperature_of(store.signals) == 18


def test_the_view_follows_the_signals_and_goes_low_under_the_threshold() -> None:
    store = StateStore()
    store.set_signals({SOC: float(LOW_LEVEL_PERCENT), RANGE: 60_000})
    at = energy_of(store.signals)
    assert at == Energy(EnergySource.BATTERY, LOW_LEVEL_PERCENT, 60_000) and not at.low
    store.set_signals({SOC: 9.0, RANGE: 12_000})
    low = energy_of(store.signals)
    assert low == Energy(EnergySource.BATTERY, 9, 12_000) and low.low


def test_the_range_is_rounded_as_shown_so_a_metre_driven_repaints_nothing() -> None:
    store = StateStore()
    store.set_signals({RANGE: 359_501})
    first = energy_of(store.signals)
    store.set_signals({RANGE: 360_499})
    assert energy_of(store.signals) == first
    assert first is not None and first.range_m == 360_000
    store.set_signals({RANGE: 734})
    assert energy_of(store.signals).range_m == 730  # type: ignore[union-attr]


def test_a_combustion_car_shows_its_tank_not_the_stale_battery() -> None:
    store = StateStore()
    store.set_signals({TYPE: "COMBUSTION", FUEL: 40, RANGE: 520_000})
    assert energy_of(store.signals) == Energy(EnergySource.FUEL, 40, 520_000)
    store.set_signals({FUEL: 8})
    assert energy_of(store.signals).low  # type: ignore[union-attr]


def test_a_hybrid_with_a_charge_shows_the_battery() -> None:
    store = StateStore()
    store.set_signals({TYPE: "HYBRID", FUEL: 50})
    assert energy_of(store.signals).source is EnergySource.BATTERY  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("celsius", "shown"), [(18.0, 18), (-7.4, -7), (2.5, 3), (-0.4, 0), (-0.5, 0), (-0.6, -1)]
)
def test_the_outside_temperature_is_whole_degrees_rounded_half_up(celsius, shown) -> None:
    store = StateStore()
    store.set_signals({AIR: celsius})
    assert outside_temperature_of(store.signals) == shown


def test_a_negative_number_keeps_its_minus_on_its_left_right_to_left() -> None:
    # RLM keeps the text right to left, LRM binds the minus to the digits (CLDR's ar sign).
    assert translator("ar").temperature(-7) == "\u200f\u200e-7°م"
    assert translator("ar").decimal(-3) == "\u200f\u200e-3"
    assert translator("ar").temperature(7) == "7°م"
    assert translator("en").temperature(-7) == "-7°C"
