"""CarDeck's head-unit design system: palettes, icons, and the contrast arithmetic.

Kivy-free: colours are 0–255 RGB tuples, sizes are numbers; the painters turn
them into Kivy instructions.

- :mod:`._palette` — the day and night :class:`Theme` colours (night: a dark map
  style, dimmed chrome, no pure white) and the WCAG checks every pair passes;
- :mod:`._scale` — :class:`Scale`, one display's type scale (multiples of the
  viewing-distance text floor), 8 dp spacing grid, corner radii and elevation;
- :mod:`.icons` — the Material Symbols icons CarDeck draws and their bundled font.

Usage::

    theme = theme_for(store.vehicle.dark_theme)
    s = scale_for(layout)
    ctx.label(g, "120 m", box, s.headline, theme.text, bold=True)
    ctx.icon(g, MANEUVER_ICONS["left"], (x, y, s.icon, s.icon), theme.accent)
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
from ._scale import Elevation, Scale, scale_for
from .icons import ICONS, MANEUVER_ICONS, PANEL_ICONS, icon_char, icon_font_path

__all__ = [
    "DAY",
    "ICONS",
    "MANEUVER_ICONS",
    "NIGHT",
    "PANEL_ICONS",
    "RGB",
    "Elevation",
    "Scale",
    "Theme",
    "contrast_pairs",
    "contrast_ratio",
    "icon_char",
    "icon_font_path",
    "relative_luminance",
    "scale_for",
    "theme_for",
]
