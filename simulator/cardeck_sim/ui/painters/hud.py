"""The head-up display's next maneuver: the maneuver's icon and its distance, nothing else."""

from __future__ import annotations

from kivy.graphics import InstructionGroup

from .._theme import Theme
from ..theme.icons import MANEUVER_ICONS
from .guidance import GuidancePainter, GuidanceTexts

__all__ = ["NextManeuverPainter"]


class NextManeuverPainter(GuidancePainter):
    """The ``next_maneuver`` panel (HUDs): the next maneuver's arrow and distance."""

    def paint(
        self, g: InstructionGroup, view: GuidanceTexts | None, theme: Theme, focused: bool
    ) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        inner = (x + pad, y + pad, w - 2 * pad, h - 2 * pad)
        if view is None:
            ctx.label(
                g, "—", inner, ctx.body_px, theme.text_muted, halign="center", valign="middle"
            )
            return
        # The distance first, at the bottom; the arrow takes the height it leaves.
        big = ctx.body_px * 1.2
        dist_h = min(inner[3], ctx.line_px(big, bold=True))
        used = ctx.label(
            g,
            view.distance,
            (inner[0], inner[1], inner[2], dist_h),
            big,
            theme.text,
            bold=True,
            halign="center",
            valign="bottom",
            truncate=False,
        )
        icon = min(h - 2 * pad - used, w * 0.5, h * 0.55)
        if icon >= ctx.body_px * 0.5:
            name = MANEUVER_ICONS.get(view.maneuver, "straight")
            box = (x + w / 2 - icon / 2, y + h - pad - icon, icon, icon)
            ctx.icon(g, name, box, theme.accent, filled=True)
