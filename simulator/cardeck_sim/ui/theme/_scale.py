"""The design system's sizes: type scale, spacing grid, corner radii and elevation, per display.

Every size starts from the two floors the layout engine computes for a display
(:class:`cardeck.layout.DisplayLayout`): ``min_text_px``, the body text — the
larger of 24 dp and 16 arc-minutes at the display's viewing distance — and
``min_touch_px``, the 76 dp touch target (114 dp on a console). Text sizes are
multiples of the body, never below it: a cluster seen from 75 cm gets larger
type than a centre screen at 65 cm, in the same proportions. Spacing and radii
are dp on an 8 dp grid (the layout's grid), converted by the display's density.

Kivy-free: numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardeck.layout import DisplayLayout

__all__ = ["Elevation", "Scale", "scale_for"]

#: The spacing grid, dp (the layout engine's grid).
GRID_DP = 8.0

#: The type scale: each role's size as a multiple of the body (the display's floor).
BODY = 1.0
TITLE = 1.25
HEADLINE = 1.6
DISPLAY = 2.4
#: A primary icon (a dock tab's, a maneuver's) against the body text beside it.
ICON = 1.5

#: Corner radii, dp: chips and small controls, cards and buttons, sheets.
RADIUS_SMALL_DP = 8.0
RADIUS_MEDIUM_DP = 16.0
RADIUS_LARGE_DP = 24.0

#: Elevation levels: 0 flat, 1 a card on the map, 2 the dock and bars, 3 an overlay.
#: Each is the shadow's reach below the thing in dp (the shadow is drawn as soft
#: steps fading out to that reach).
_ELEVATION_DP = (0.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True)
class Elevation:
    """How a raised thing's shadow is drawn.

    :param reach_px: How far the shadow reaches beyond the thing, px (0: flat).
    :param offset_px: How far it falls down (light comes from above), px.
    :param steps: Soft steps from the edge out to ``reach_px``.
    """

    reach_px: float
    offset_px: float
    steps: int


@dataclass(frozen=True)
class Scale:
    """The design system's sizes on one display, in px.

    Usage::

        s = scale_for(layout)
        ctx.label(g, "120 m", box, s.display, theme.text, bold=True)
        pad = s.space(2)  # 16 dp

    :param dp: Pixels per dp (the display's logical density / 160).
    :param body: Body text, the display's floor (``min_text_px``).
    :param touch: The smallest touch target (``min_touch_px``).
    """

    dp: float
    body: float
    touch: float

    @property
    def title(self) -> float:
        """A panel's title, a street name on the maneuver card."""
        return round(self.body * TITLE)

    @property
    def headline(self) -> float:
        """The maneuver distance, the clock on a cluster."""
        return round(self.body * HEADLINE)

    @property
    def display(self) -> float:
        """The cluster's speed: the largest number on screen."""
        return round(self.body * DISPLAY)

    @property
    def icon(self) -> float:
        """A primary icon: a dock tab's, a maneuver arrow beside its distance."""
        return round(self.body * ICON)

    def space(self, units: float = 1.0) -> float:
        """``units`` steps of the 8 dp grid, in whole px (at least 1 per step)."""
        return float(max(round(units), round(units * GRID_DP * self.dp)))

    @property
    def radius_small(self) -> float:
        """Chips, the status bar's controls."""
        return round(RADIUS_SMALL_DP * self.dp)

    @property
    def radius_medium(self) -> float:
        """Cards and buttons: the maneuver card, the active tab's indicator."""
        return round(RADIUS_MEDIUM_DP * self.dp)

    @property
    def radius_large(self) -> float:
        """Sheets and large panels."""
        return round(RADIUS_LARGE_DP * self.dp)

    def elevation(self, level: int) -> Elevation:
        """The shadow of elevation ``level`` (0 flat … 3 an overlay; clamped)."""
        reach = _ELEVATION_DP[max(0, min(level, len(_ELEVATION_DP) - 1))] * self.dp
        return Elevation(round(reach), round(reach / 2), 0 if reach == 0 else 3)


def scale_for(layout: DisplayLayout) -> Scale:
    """Return the design system's sizes on a solved display."""
    return Scale(
        dp=max(layout.density_dpi, 1) / 160.0,
        body=float(layout.min_text_px),
        touch=float(layout.min_touch_px),
    )
