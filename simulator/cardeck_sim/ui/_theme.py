"""The themes' old home: :mod:`cardeck_sim.ui.theme` holds them now (issue 17).

Kept so the painters' ``from .._theme import …`` keeps working while they move
to ``from ..theme import …``; it adds nothing.
"""

from __future__ import annotations

from .theme import (
    DAY,
    NIGHT,
    RGB,
    Theme,
    contrast_pairs,
    contrast_ratio,
    relative_luminance,
    theme_for,
)

__all__ = [
    "DAY",
    "NIGHT",
    "RGB",
    "Theme",
    "contrast_pairs",
    "contrast_ratio",
    "relative_luminance",
    "theme_for",
]
