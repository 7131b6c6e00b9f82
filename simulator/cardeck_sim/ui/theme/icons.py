"""The icons CarDeck draws: Material Symbols names and the code points of the bundled subset.

The glyphs come from Google's Material Symbols Rounded (Apache-2.0, npm
``material-symbols``), subset by ``tools/subset_icons.py`` to exactly the names
in :data:`ICONS` and shipped as ``fonts/MaterialSymbolsRounded-CarDeck.ttf``
(outlined, weight 400) and ``fonts/MaterialSymbolsRounded-CarDeck-Filled.ttf``
(the same glyphs filled, for a lit control), each a few tens of KB. Kivy's SDL2
text provider does not apply ligatures, so an icon is drawn by its private-use
code point, never by spelling its name.

Adding an icon: put its Material Symbols name (fonts.google.com/icons) and code
point here, run ``.venv/bin/python tools/subset_icons.py`` and commit the fonts;
``tests/unit/test_icons.py`` fails while the list and the fonts disagree.

Painters draw icons with :meth:`cardeck_sim.ui.painters.base.PaintContext.icon`;
panel kinds and maneuvers have their icon in :data:`PANEL_ICONS` and
:data:`MANEUVER_ICONS`. Kivy-free.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = [
    "ICONS",
    "ICON_FONT",
    "ICON_FONT_FILLED",
    "MANEUVER_ICONS",
    "PANEL_ICONS",
    "icon_char",
    "icon_font_path",
]

#: Material Symbols name → its code point in the font (private use area).
ICONS: dict[str, int] = {
    # Dock tabs and menus.
    "map": 0xE55B,
    "mic": 0xE029,
    "language": 0xE894,
    "public": 0xE80B,
    "apps": 0xE5C3,
    "menu": 0xE5D2,
    "more_horiz": 0xE5D3,
    "home": 0xE88A,
    "settings": 0xE8B8,
    "dashboard": 0xE871,
    # Maneuvers.
    "turn_left": 0xEBA6,
    "turn_right": 0xEBAB,
    "turn_slight_left": 0xEBA4,
    "turn_slight_right": 0xEB9A,
    "turn_sharp_left": 0xEBA7,
    "turn_sharp_right": 0xEBAA,
    "straight": 0xEB95,
    "u_turn_left": 0xEBA1,
    "u_turn_right": 0xEBA2,
    "roundabout_left": 0xEB99,
    "roundabout_right": 0xEBA3,
    "merge": 0xEB98,
    "fork_left": 0xEBA0,
    "fork_right": 0xEBAC,
    "ramp_left": 0xEB9C,
    "ramp_right": 0xEB96,
    "flag": 0xE153,
    "sports_score": 0xF06E,
    "navigation": 0xE55D,
    "near_me": 0xE569,
    "place": 0xE55F,
    "directions_car": 0xE531,
    # Voice.
    "mic_off": 0xE02B,
    "graphic_eq": 0xE1B8,
    "volume_up": 0xE050,
    "music_note": 0xE405,
    # Browser.
    "arrow_back": 0xE5C4,
    "arrow_forward": 0xE5C8,
    "refresh": 0xE5D5,
    "lock": 0xE897,
    "web": 0xE051,
    # Status bar and cluster.
    "signal_cellular_4_bar": 0xE1C8,
    "signal_cellular_alt": 0xE202,
    "wifi": 0xE63E,
    "thermostat": 0xF076,
    "device_thermostat": 0xE1FF,
    "schedule": 0xE8B5,
    "battery_full": 0xE1A4,
    "battery_charging_full": 0xE1A3,
    "ev_station": 0xE56D,
    "local_gas_station": 0xE546,
    "speed": 0xE9E4,
    "dark_mode": 0xE51C,
    "light_mode": 0xE518,
    # Climate (the console).
    "ac_unit": 0xEB3B,
    "mode_fan": 0xF168,
    "airline_seat_recline_normal": 0xE637,
    "seat_heat_left": 0xF32F,
    "seat_heat_right": 0xF32E,
    "heat": 0xF537,
    "mode_heat": 0xF16A,
    "windshield_defrost_front": 0xF32A,
    "windshield_defrost_rear": 0xF329,
    # General.
    "expand_more": 0xE5CF,
    "expand_less": 0xE5CE,
    "close": 0xE5CD,
    "check": 0xE5CA,
    "warning": 0xE002,
    "error": 0xE000,
    "info": 0xE88E,
    "search": 0xE8B6,
}

#: Each panel kind's icon: its dock tab, a collapsed panel's tab, a status menu entry.
PANEL_ICONS: dict[str, str] = {
    "map": "map",
    "voice": "mic",
    "browser": "language",
    "guidance_card": "navigation",
    "next_maneuver": "turn_right",
    "speed": "speed",
    "status_bar": "menu",
    "dock": "apps",
    "climate": "thermostat",
}

#: Each maneuver type (``cardeck_sim.maps.ManeuverType`` values) → its arrow.
MANEUVER_ICONS: dict[str, str] = {
    "depart": "navigation",
    "continue": "straight",
    "straight": "straight",
    "slight_left": "turn_slight_left",
    "slight_right": "turn_slight_right",
    "left": "turn_left",
    "right": "turn_right",
    "sharp_left": "turn_sharp_left",
    "sharp_right": "turn_sharp_right",
    "u_turn": "u_turn_left",
    "roundabout_enter": "roundabout_right",
    "roundabout_exit": "roundabout_right",
    "arrive": "sports_score",
}

#: The subset fonts' file names, in ``cardeck_sim/ui/theme/fonts``.
ICON_FONT = "MaterialSymbolsRounded-CarDeck.ttf"
ICON_FONT_FILLED = "MaterialSymbolsRounded-CarDeck-Filled.ttf"


def icon_char(name: str) -> str:
    """Return the character that draws an icon in the icon fonts.

    :raises KeyError: ``name`` is not in :data:`ICONS`; the message says how to add it.
    """
    try:
        return chr(ICONS[name])
    except KeyError:
        raise KeyError(
            f"The icon {name!r} is not in CarDeck's icon set. Add its Material Symbols name "
            "and code point to cardeck_sim/ui/theme/icons.py, then run tools/subset_icons.py."
        ) from None


def icon_font_path(*, filled: bool = False) -> Path:
    """Return the path of the bundled icon font (outlined, or filled for a lit control)."""
    name = ICON_FONT_FILLED if filled else ICON_FONT
    return Path(str(resources.files(__package__ or "cardeck_sim.ui.theme") / "fonts" / name))
