"""The cluster, the HUD and the status bar show what the car's VSS signals say.

Signals are set on a real store (``store.set_signals``), the display is painted for
real (Kivy offscreen, an Fbo read back) with every text recorded, and the tests
read the texts and their pixels: the charge and range, the fuel level on a car
without a battery, the outside temperature, each in the locale's format, and a low
level in the theme's caution colour.
"""

from __future__ import annotations

import numpy as np
import pytest

from cardeck_sim.state import Gear, StateStore
from cardeck_sim.ui import DEMO_CLOCK, demo_store
from cardeck_sim.ui.theme import DAY, NIGHT, RGB

from ._pixels import color_mask
from .test_ui_locales import layouts_for
from .test_ui_text_fit import assert_fits

CLUSTER = ("hyundai-kia-ccnc", "cluster")
CENTER = ("hyundai-kia-ccnc", "center")
HUD = ("concept-ribbon-33in", "hud")

SOC = "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed"
RANGE = "Vehicle.Powertrain.Range"
FUEL = "Vehicle.Powertrain.FuelSystem.RelativeLevel"
TYPE = "Vehicle.Powertrain.Type"
AIR = "Vehicle.Exterior.AirTemperature"

LOW = {SOC: 9.0, RANGE: 12_000, AIR: -7.4}


class Shown:
    """One display painted from a store: its painter, pixels and the texts it recorded."""

    def __init__(self, catalog, map_data, store: StateStore, where: tuple[str, str]) -> None:
        from cardeck_sim.ui import DisplayPainter
        from cardeck_sim.ui._render import read_fbo

        pid, did = where
        self.display = next(d for d in catalog.get(pid).displays if d.id == did)
        self.layout = layouts_for(pid, store.locale)[did]
        # Incremental, as the live window paints: a panel whose view is unchanged empties
        # its group (its pixels stay), so a repaint says which panels read a change.
        self.painter = DisplayPainter(
            self.display, self.layout, map_data=map_data, clock=DEMO_CLOCK, incremental=True
        )
        self.painter.ctx.painted = []
        self.fbo = self.painter.make_fbo()
        self.painter.update(store)
        self.image = read_fbo(self.fbo)

    def repaint(self, store: StateStore) -> set[str]:
        """Paint the store's changes; return the kinds of the panels that repainted."""
        from cardeck_sim.ui._render import read_fbo

        self.painter.ctx.painted = []
        self.painter.update(store)
        self.image = read_fbo(self.fbo)
        return {p.panel.kind for p in self.painter.painters if p.group.children}

    def panel_painted(self, kind: str) -> list:
        """What was drawn inside the first visible panel of a kind (texts and icons)."""
        r = next(p for p in self.layout.panels if p.kind == kind and p.visible).rect_px
        top = self.display.height_px - r.y - r.height
        return [
            p
            for p in self.painter.ctx.painted
            if r.x - 1 <= p.pos[0] <= r.right + 1 and top - 1 <= p.pos[1] <= top + r.height + 1
        ]

    def texts(self, kind: str) -> list[str]:
        return [p.text for p in self.panel_painted(kind) if not p.icon]

    def icons(self, kind: str) -> list[str]:
        return [p.icon for p in self.panel_painted(kind) if p.icon]

    def ink(self, text: str, colour: RGB) -> int:
        """How many pixels of a painted text's texture are in a colour."""
        p = next(p for p in self.painter.ctx.painted if p.text == text)
        x, y = p.pos
        w, h = p.size
        top = self.display.height_px - (y + h)
        rgb = np.asarray(self.image.convert("RGB"))
        box = rgb[round(top) : round(top + h), round(x) : round(x + w)]
        return int(color_mask(box, colour, tol=12).sum())


def _driving(map_data, pid: str, locale: str = "en") -> StateStore:
    store = demo_store(map_data, pid, locale=locale)
    store.update_vehicle(speed_kmh=87, gear=Gear.DRIVE)
    return store


def test_the_cluster_shows_charge_range_and_temperature_and_follows_the_signals(
    window, catalog, map_data
):
    store = _driving(map_data, CLUSTER[0])
    shown = Shown(catalog, map_data, store, CLUSTER)
    texts = shown.texts("speed")
    # The store's simulated car: 80 % charged, 360 km to go, 18 °C outside.
    assert "80% · 360 km" in texts and "18°C" in texts, texts
    assert {"battery_full", "device_thermostat"} <= set(shown.icons("speed"))
    assert shown.ink("80% · 360 km", DAY.text) > 20
    assert shown.ink("80% · 360 km", DAY.caution) == 0

    store.set_signals(LOW)
    # Only the panel that reads the signals repaints (the status bar is on the centre).
    assert shown.repaint(store) == {"speed"}
    texts = shown.texts("speed")
    assert "Charge soon · 9% · 12 km" in texts and "-7°C" in texts, texts
    assert not any("360 km" in t for t in texts)
    # Low: the words, the icon and the bar in the theme's caution colour, none in the text's.
    assert shown.ink("Charge soon · 9% · 12 km", DAY.caution) > 20
    assert shown.ink("Charge soon · 9% · 12 km", DAY.text) == 0
    icon = next(p for p in shown.panel_painted("speed") if p.icon == "battery_full")
    assert shown.ink(icon.text, DAY.caution) > 20


def test_the_cluster_speaks_the_locale_in_korean(window, catalog, map_data):
    store = _driving(map_data, CLUSTER[0], "ko")
    store.set_signals({SOC: 80.0, RANGE: 1_234_000})
    shown = Shown(catalog, map_data, store, CLUSTER)
    # Korean units sit on the number ("1,234km"); a low charge says so in Korean.
    assert "80% · 1,234km" in shown.texts("speed"), shown.texts("speed")
    store.set_signals(LOW)
    shown.repaint(store)
    assert "충전 필요 · 9% · 12km" in shown.texts("speed"), shown.texts("speed")
    assert "-7°C" in shown.texts("speed")


def test_a_car_with_only_an_engine_shows_its_fuel_level_in_german(window, catalog, map_data):
    store = _driving(map_data, CLUSTER[0], "de")
    store.set_signals({TYPE: "COMBUSTION", FUEL: 40, RANGE: 1_234_000, AIR: 21.5})
    shown = Shown(catalog, map_data, store, CLUSTER)
    texts = shown.texts("speed")
    # German groups thousands with a dot and spaces the degree sign off the number.
    assert "40% · 1.234 km" in texts and "22 °C" in texts, texts
    assert "local_gas_station" in shown.icons("speed")
    assert "battery_full" not in shown.icons("speed")
    store.set_signals({FUEL: 8, RANGE: 60_000})
    shown.repaint(store)
    assert "Bald tanken · 8% · 60 km" in shown.texts("speed"), shown.texts("speed")
    assert shown.ink("Bald tanken · 8% · 60 km", DAY.caution) > 20


def test_the_hud_warns_of_a_low_charge_and_shows_nothing_more_before(window, catalog, map_data):
    store = _driving(map_data, HUD[0])
    shown = Shown(catalog, map_data, store, HUD)
    # 80 %: the windshield keeps to the speed (anything more distracts).
    assert set(shown.texts("speed")) == {"87", "km/h"}
    store.set_signals({SOC: 9.0, RANGE: 12_000})
    assert shown.repaint(store) == {"speed"}
    warning = [t for t in shown.texts("speed") if "12 km" in t]
    assert warning, shown.texts("speed")
    assert shown.ink(warning[0], NIGHT.caution) > 20  # a HUD is drawn in the night theme
    assert "battery_full" in shown.icons("speed")
    store.set_signals({SOC: 60.0, RANGE: 250_000})
    shown.repaint(store)
    assert set(shown.texts("speed")) == {"87", "km/h"}


@pytest.mark.parametrize(
    ("locale", "cold", "warm"), [("en", "-7°C", "18°C"), ("de", "-7 °C", "18 °C")]
)
def test_the_status_bar_shows_the_outside_temperature(
    window, catalog, map_data, locale, cold, warm
):
    store = demo_store(map_data, CENTER[0], locale=locale)
    shown = Shown(catalog, map_data, store, CENTER)
    assert warm in shown.texts("status_bar"), shown.texts("status_bar")
    store.set_signals({AIR: -7.4})
    assert "status_bar" in shown.repaint(store)
    assert cold in shown.texts("status_bar") and warm not in shown.texts("status_bar")


@pytest.mark.parametrize("locale", ["en", "ko", "de", "ar"])
def test_low_fuel_and_cold_fit_every_bundled_cluster_and_hud(window, catalog, map_data, locale):
    """The longest wordings (a low tank, a negative temperature) stay in their boxes."""
    from cardeck.layout import bundled_profiles

    for pid, profile in sorted(bundled_profiles().items()):
        for display in profile.displays:
            if display.role not in ("cluster", "hud"):
                continue
            store = _driving(map_data, pid, locale)
            store.set_signals({TYPE: "COMBUSTION", FUEL: 8, RANGE: 1_234_000, AIR: -17.5})
            shown = Shown(catalog, map_data, store, (pid, display.id))
            assert_fits(shown.painter.ctx.painted, shown.layout, f"{pid}/{display.id} in {locale}")
            if display.role == "cluster":
                # (The concept HUD's panel has room for the number alone in Arabic's taller
                # lines; the HUD's warning is checked above, in English.)
                assert any("1" in t for t in shown.texts("speed")), (pid, display.id, locale)


def test_right_to_left_the_temperature_and_range_rows_are_mirrored(window, catalog, map_data):
    """docs/guides/ui-locales.md: top right, the thermometer right of the number; the
    battery icon after its text, the bar filling from the right."""
    store = _driving(map_data, CLUSTER[0], "ar")
    store.set_signals(LOW)
    shown = Shown(catalog, map_data, store, CLUSTER)
    r = next(p for p in shown.layout.panels if p.kind == "speed" and p.visible).rect_px
    painted = shown.panel_painted("speed")
    cold = next(p for p in painted if not p.icon and "7" in p.text and "°" in p.text)
    # The minus stays on the number: RLM, LRM, then "-7" (the bidi order the renderer keeps).
    assert cold.text.startswith("\u200f\u200e-7"), repr(cold.text)
    thermometer = next(p for p in painted if p.icon == "device_thermostat")
    assert thermometer.pos[0] > cold.pos[0] + cold.size[0] - 1
    assert cold.pos[0] > r.x + r.width / 2  # the right-hand corner
    warning = next(p for p in painted if "12" in p.text and not p.icon)
    assert warning.text.startswith("اشحن قريبًا"), warning.text
    battery = next(p for p in painted if p.icon == "battery_full")
    assert battery.pos[0] > warning.pos[0] + warning.size[0] - 1
