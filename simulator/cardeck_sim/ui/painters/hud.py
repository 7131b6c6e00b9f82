"""The head-up display's next maneuver: one big arrow and its distance, nothing else."""

from __future__ import annotations

from kivy.graphics import InstructionGroup

from .._theme import Theme
from .guidance import GuidancePainter, GuidanceTexts, arrow

__all__ = ["NextManeuverPainter"]


class NextManeuverPainter(GuidancePainter):
    """The ``next_maneuver`` panel (HUDs): the next maneuver's arrow and distance."""

    def paint(
        self, g: InstructionGroup, view: GuidanceTexts | None, theme: Theme, focused: bool
    ) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        if view is None:
            ctx.label(g, "—", x + w / 2, y + h / 2, ctx.body_px, theme.text_muted, center=True)
            return
        icon = min(h * 0.55, w * 0.5)
        arrow(g, view.maneuver, x + w / 2, y + h - pad - icon / 2, icon, theme.accent)
        ctx.label(
            g,
            view.distance,
            x + w / 2,
            y + pad + ctx.body_px,
            ctx.body_px * 1.2,
            theme.text,
            bold=True,
            width=w - 2 * pad,
            center=True,
        )
