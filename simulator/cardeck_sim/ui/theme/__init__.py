"""CarDeck's head-unit design system: palettes, icons, and the contrast arithmetic.

Kivy-free: colours are 0–255 RGB tuples, sizes are numbers; the painters turn
them into Kivy instructions.

- :mod:`._palette` — the day and night :class:`Theme` colours (night: a dark map
  style, dimmed chrome, no pure white) and the WCAG checks every pair passes;
- :mod:`._scale` — :class:`Scale`, one display's type scale (multiples of the
  viewing-distance text floor), 8 dp spacing grid, corner radii and elevation;
- :mod:`.icons` — the Material Symbols icons CarDeck draws and their bundled font;
- :mod:`._fonts` — the text fonts' fallback chain (Noto Sans, Noto Sans CJK KR, Noto Sans
  Arabic, found on the system) and :func:`missing_glyphs`.

Usage::

    theme = theme_for(store.vehicle.dark_theme)
    s = scale_for(layout)
    ctx.label(g, "120 m", box, s.headline, theme.text, bold=True)
    ctx.icon(g, MANEUVER_ICONS["left"], (x, y, s.icon, s.icon), theme.accent)
"""

from __future__ import annotations

from ._fonts import (
    FONT_DIRS_ENV,
    FontChain,
    FontFace,
    font_attribution,
    font_chain,
    is_ignorable,
    missing_glyphs,
)
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
    "FONT_DIRS_ENV",
    "ICONS",
    "MANEUVER_ICONS",
    "NIGHT",
    "PANEL_ICONS",
    "RGB",
    "Elevation",
    "FontChain",
    "FontFace",
    "Scale",
    "Theme",
    "contrast_pairs",
    "contrast_ratio",
    "font_attribution",
    "font_chain",
    "icon_char",
    "icon_font_path",
    "is_ignorable",
    "missing_glyphs",
    "relative_luminance",
    "scale_for",
    "theme_for",
]
