"""A panel kind no painter knows yet: its id on an empty card, so the layout still shows."""

from __future__ import annotations

from kivy.graphics import InstructionGroup

from cardeck_sim.state import StateStore

from .._theme import Theme
from .base import PanelPainter

__all__ = ["PlaceholderPainter"]


class PlaceholderPainter(PanelPainter[None]):
    """Any panel kind without a painter: reads nothing from the store."""

    def read(self, store: StateStore) -> None:
        return None

    def paint(self, g: InstructionGroup, view: None, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        ctx.label(
            g,
            self.panel.panel_id,
            (x + pad, y + pad, w - 2 * pad, h - 2 * pad),
            ctx.body_px,
            theme.text_muted,
            max_lines=3,
        )
