"""The dock: launcher tabs for the collapsed and the side panels, the focused one lit.

Each tab is an icon over its label (beside it when the tab is too short, the
icon alone when not even that fits), as Android Automotive's navigation rail
and bar draw them. The active tab is marked by a pill-shaped indicator behind a
filled icon and a bold label; a panel that lives only in the dock on this
display wears a dot beside its icon. The tabs share the dock's whole strip
(:func:`cardeck_sim.ui._scene.dock_tabs`), in a column beside the stage or a
row under it. Labels are the locale's (``ctx.tr``); right to left a row of tabs
starts on the right and an icon beside its label sits on the label's right.
"""

from __future__ import annotations

from kivy.graphics import Color, Ellipse, InstructionGroup, Rectangle, RoundedRectangle

from cardeck_sim.state import StateStore

from .._scene import DockTab, dock_tabs
from ..theme import PANEL_ICONS, Theme
from .base import Box, PanelPainter
from .text import rgba

__all__ = ["DockPainter"]

# The indicator's size around the icon (Material 3's navigation indicator: 56 × 32
# around a 24 dp icon).
_PILL_W, _PILL_H = 1.75, 1.3


class DockPainter(PanelPainter[str | None]):
    """The ``dock`` panel: reads which panel of the display ``store.focus`` names."""

    def read(self, store: StateStore) -> str | None:
        return store.focus.get(self.ctx.layout.display_id)

    def backdrop(self, theme: Theme) -> tuple[int, int, int]:
        """The dock's strip colour, out to the glass's edge beside a corner."""
        return (0, 0, 0) if self.ctx.hud else theme.dock

    def paint(self, g: InstructionGroup, view: str | None, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        g.add(Color(*rgba(theme.dock)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        # A hairline between the dock and the stage it serves, on the stage's side
        # (the layout puts the dock where the profile and the locale want it).
        line = max(1.0, round(ctx.scale.dp))
        g.add(Color(*rgba(theme.outline)))
        if h >= w:
            stage_right = x + w / 2 < ctx.display.width_px / 2
            g.add(Rectangle(pos=(x + w - line if stage_right else x, y), size=(line, h)))
        else:
            g.add(Rectangle(pos=(x, y + h - line), size=(w, line)))
        for tab in dock_tabs(ctx.layout, rtl=ctx.rtl):
            self._tab(g, tab, tab.panel_id == view, theme)

    def _tab(self, g: InstructionGroup, tab: DockTab, active: bool, theme: Theme) -> None:
        """Draw one tab: indicator, icon and label, centred in the tab."""
        ctx, s = self.ctx, self.ctx.scale
        tx, ty, tw, th = ctx.flip(tab.rect)
        pad = s.space(1)
        room_w, room_h = tw - 2 * pad, th - 2 * pad
        icon = min(s.icon, room_w / _PILL_W, room_h / _PILL_H)
        pill_w, pill_h = icon * _PILL_W, icon * _PILL_H
        line = ctx.line_px(ctx.body_px, bold=True)
        gap = s.space(0.5)
        cx = tx + tw / 2
        name = PANEL_ICONS.get(tab.kind, "apps")
        fg = theme.text if active else theme.text_muted
        # A catalog message, or a panel's id (data): gettext leaves that as it is.
        text = ctx.tr.gettext(tab.label)
        tab_box: Box = (tx, ty, tw, th)
        if pill_h + gap + line <= room_h:
            # Stacked: the indicator, the label under it; the pair centred in the tab.
            top = ty + th / 2 + (pill_h + gap + line) / 2
            pill: Box = (cx - pill_w / 2, top - pill_h, pill_w, pill_h)
            edge = s.space(0.5)
            label: Box = (tx + edge, top - pill_h - gap - line, tw - 2 * edge, line)
            halign = "center"
        else:
            # Side by side when the label fits beside the icon; else the icon alone.
            width = ctx.text.width(text, ctx.body_px, bold=True)
            pill_w = min(pill_w, room_w)
            both = pill_w + gap + width <= room_w and line <= room_h
            left = cx - (pill_w + gap + width) / 2 if both else cx - pill_w / 2
            pill = (left, ty + th / 2 - pill_h / 2, pill_w, pill_h)
            label = (left + pill_w + gap, ty + th / 2 - line / 2, width + 1, line)
            halign = "left"
            if not both:
                label = (0.0, 0.0, 0.0, 0.0)
            # Right to left the icon sits on the label's right.
            pill, label = ctx.mirror(pill, tab_box), ctx.mirror(label, tab_box)
        px, py, pw, ph = pill
        if active:
            g.add(Color(*rgba(theme.indicator)))
            g.add(RoundedRectangle(pos=(px, py), size=(pw, ph), radius=[ph / 2]))
        ctx.icon(
            g,
            name,
            pill,
            theme.on_indicator if active else theme.icon,
            size=icon,
            filled=active,
        )
        if tab.collapsed:
            # A dot beside the icon marks a panel that lives only in the dock here.
            d = max(4.0, round(icon / 5))
            dot: Box = (px + pw / 2 + icon / 2, py + ph / 2 + icon / 2 - d, d, d)
            dot = ctx.mirror(dot, pill)  # at the icon's end corner
            g.add(Color(*rgba(theme.accent)))
            g.add(Ellipse(pos=dot[:2], size=(d, d)))
        if label[2] > 0:
            # Bold marks the active label, unless only the regular weight fits whole.
            bold = active and ctx.text.width(text, ctx.body_px, bold=True) <= label[2]
            ctx.label(
                g,
                text,
                label,
                ctx.body_px,
                fg,
                bold=bold,
                halign=halign,
                valign="middle",
            )
