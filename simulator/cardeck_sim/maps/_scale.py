"""The map's scale bar: a round ground distance and how many pixels it spans."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ScaleBar", "scale_bar"]

# Round lengths are 1, 2 or 5 times a power of ten, as on printed and car maps.
_STEPS = (5.0, 2.0, 1.0)


@dataclass(frozen=True, slots=True)
class ScaleBar:
    """A scale bar: ``metres`` of ground drawn ``length_px`` long, written ``label``."""

    metres: float
    length_px: float
    label: str


def scale_bar(metres_per_px: float, max_px: float) -> ScaleBar | None:
    """Return the longest round-length scale bar no longer than ``max_px``, or None.

    Usage::

        scale_bar(2.39, 150)  # ScaleBar(metres=200.0, length_px=83.7, label="200 m")

    :param metres_per_px: Ground metres per pixel at the map's centre (``DrawList.metres_per_px``).
    :param max_px: The longest the bar may be drawn.
    """
    if not (metres_per_px > 0 and max_px >= 1) or not math.isfinite(metres_per_px):
        return None
    most = metres_per_px * max_px
    power = 10.0 ** math.floor(math.log10(most))
    metres = next(step * power for step in _STEPS if step * power <= most)
    if metres < 1.0:
        return None
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    return ScaleBar(metres, metres / metres_per_px, label)
