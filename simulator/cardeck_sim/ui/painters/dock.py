"""The dock: launcher tabs for the collapsed and the side panels, the focused one lit."""

from __future__ import annotations

from kivy.graphics import Color, Ellipse, InstructionGroup, Rectangle

from cardeck_sim.state import StateStore

from .._scene import dock_tabs
from .._theme import Theme
from .base import PanelPainter
from .text import rgba

__all__ = ["DockPainter"]


class DockPainter(PanelPainter[str | None]):
    """The ``dock`` panel: reads which panel of the display ``store.focus`` names."""

    def read(self, store: StateStore) -> str | None:
        return store.focus.get(self.ctx.layout.display_id)

    def paint(self, g: InstructionGroup, view: str | None, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        g.add(Color(*rgba(theme.surface)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        for tab in dock_tabs(ctx.layout):
            tx, ty, tw, th = tab_rect = ctx.flip(tab.rect)
            active = tab.panel_id == view
            inset, fg = ctx.control_button(g, tab_rect, active, theme)
            ctx.label(
                g,
                tab.label,
                (tx + inset, ty + inset, tw - 2 * inset, th - 2 * inset),
                ctx.body_px,
                fg,
                bold=active,
                max_lines=2,
                halign="center",
                valign="middle",
            )
            if tab.collapsed:
                # A dot marks a panel that lives only in the dock on this display.
                g.add(Color(*rgba(theme.accent if not active else theme.on_accent)))
                r = inset
                g.add(Ellipse(pos=(tx + tw - 3 * inset, ty + th - 3 * inset), size=(r, r)))
