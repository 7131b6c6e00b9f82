"""CarDeck's head-unit design system: palettes, icons, and the contrast arithmetic.

Kivy-free: colours are 0–255 RGB tuples, sizes are numbers; the painters turn
them into Kivy instructions.

- :mod:`._palette` — the day and night :class:`Theme` colours and the WCAG checks;
- :mod:`.icons` — the Material Symbols icons CarDeck draws and their bundled font.
"""

from __future__ import annotations

from ._palette import (
    DAY,
    NIGHT,
    RGB,
    Theme,
    contrast_pairs,
    contrast_ratio,
    relative_luminance,
    theme_for,
)
from .icons import ICONS, MANEUVER_ICONS, PANEL_ICONS, icon_char, icon_font_path

__all__ = [
    "DAY",
    "ICONS",
    "MANEUVER_ICONS",
    "NIGHT",
    "PANEL_ICONS",
    "RGB",
    "Theme",
    "contrast_pairs",
    "contrast_ratio",
    "icon_char",
    "icon_font_path",
    "relative_luminance",
    "theme_for",
]
