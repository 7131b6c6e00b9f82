"""The console's climate controls: driver and passenger temperature, fan, A/C, defrost, seats.

Drawn as a production climate strip is: each temperature zone a large value
over its down/up buttons at the two ends, the toggles between them. Every
control is at least the console's touch target (114 dp, ``min_touch_px``).
The store holds no climate state yet, so the panel shows a fixed demo
setting; the controls are drawn, not wired.

The zones are physical (the driver's is on the driver's side in every locale);
right to left the toggles between them run from the right.
"""

from __future__ import annotations

from typing import NamedTuple

from kivy.graphics import Color, Ellipse, InstructionGroup

from cardeck.i18n import N_
from cardeck_sim.state import StateStore

from .._theme import Theme
from .base import Box, PanelPainter
from .text import rgba

__all__ = ["DEMO_CLIMATE", "ClimatePainter", "ClimateView"]


class ClimateView(NamedTuple):
    """A climate setting as the console shows it."""

    driver_c: float
    passenger_c: float
    fan_level: int  # 0 (off) to FAN_LEVELS
    ac_on: bool
    defrost_on: bool
    seat_heat_level: int  # 0 (off) to 3


FAN_LEVELS = 7
SEAT_LEVELS = 3
#: No climate in the store yet (a vehicle-signals change adds it): a fixed setting.
DEMO_CLIMATE = ClimateView(21.5, 22.0, 3, True, False, 2)
# i18n: climate panel, the two temperature zones' names (under the temperature)
_DRIVER, _PASSENGER = N_("Driver"), N_("Passenger")
# i18n: climate panel, a toggle's name under its pictogram (one short word)
_FAN, _AC, _DEFROST, _SEAT = N_("Fan"), N_("A/C"), N_("Defrost"), N_("Seat")


class ClimatePainter(PanelPainter[ClimateView]):
    """The ``climate`` panel (consoles): reads nothing from the store yet.

    After each paint :attr:`targets` holds every touch control's box, Kivy
    coordinates, so tests can check them against ``min_touch_px``.
    """

    targets: list[Box]

    def read(self, store: StateStore) -> ClimateView:
        return DEMO_CLIMATE

    def paint(self, g: InstructionGroup, view: ClimateView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        self.targets = []
        t = float(ctx.layout.min_touch_px)
        gap = max(pad, round(t * 0.12))
        ix, iy, iw, ih = x + pad, y + pad, w - 2 * pad, h - 2 * pad
        line = ctx.line_px(ctx.body_px * 1.6, bold=True)
        # Zones are two targets wide; the toggles are a 2×2 grid when two rows fit.
        rows = 2 if ih >= 2 * t + gap else 1
        cols = 4 // rows
        # The toggles take what the two zones (two targets each) leave, up to 1.5 targets.
        middle = iw - 2 * (2 * t + gap) - 2 * gap
        cell = min((middle - (cols - 1) * gap) / cols, (ih - (rows - 1) * gap) / rows)
        cell = min(max(cell, t), 1.5 * t)
        grid_w = cols * cell + (cols - 1) * gap
        zone_w = max(2 * t, min((iw - grid_w - 2 * gap) / 2, 3 * t))
        tr = ctx.tr
        self._zone(g, tr.gettext(_DRIVER), view.driver_c, (ix, iy, zone_w, ih), t, gap, line, theme)
        self._zone(
            g,
            tr.gettext(_PASSENGER),
            view.passenger_c,
            (ix + iw - zone_w, iy, zone_w, ih),
            t,
            gap,
            line,
            theme,
        )
        gx0 = ix + (iw - grid_w) / 2
        gy0 = iy + (ih - (rows * cell + (rows - 1) * gap)) / 2
        toggles = [
            (_FAN, view.fan_level > 0, view.fan_level, FAN_LEVELS, "mode_fan"),
            (_AC, view.ac_on, 0, 0, "ac_unit"),
            (_DEFROST, view.defrost_on, 0, 0, "windshield_defrost_front"),
            (_SEAT, view.seat_heat_level > 0, view.seat_heat_level, SEAT_LEVELS, "seat_heat_left"),
        ]
        grid = (gx0, gy0, grid_w, ih)
        for i, (label, on, level, levels, glyph) in enumerate(toggles):
            r, c = divmod(i, cols)
            box = (gx0 + c * (cell + gap), gy0 + (rows - 1 - r) * (cell + gap), cell, cell)
            box = ctx.mirror(box, grid)  # in reading order: from the right, right to left
            self._toggle(g, box, tr.gettext(label), on, level, levels, glyph, theme)

    def _zone(
        self,
        g: InstructionGroup,
        name: str,
        celsius: float,
        box: Box,
        t: float,
        gap: float,
        line: float,
        theme: Theme,
    ) -> None:
        """A temperature: its value over a down and an up button, each a full target."""
        ctx = self.ctx
        x, y, w, h = box
        btn_w = max(t, (w - gap) / 2)
        btn_h = t if h < 2 * t + gap else min(max(t, h * 0.45), 1.4 * t)
        buttons = y + (h - btn_h - line - ctx.line_px(ctx.body_px)) / 2
        buttons = max(y, buttons)
        for i, up in enumerate((False, True)):
            bx = x + i * (btn_w + gap) if 2 * btn_w + gap <= w else x + i * btn_w
            rect = (bx, buttons, btn_w, btn_h)
            _, fg = ctx.control_button(g, rect, False, theme)
            self.targets.append(rect)
            icon = "expand_less" if up else "expand_more"
            ctx.icon(g, icon, rect, fg, size=min(btn_w, btn_h) * 0.6)
        top = buttons + btn_h
        used = ctx.label(
            g,
            ctx.tr.temperature(celsius),
            (x, top, w, y + h - top),
            ctx.body_px * 1.6,
            theme.text,
            bold=True,
            halign="center",
            valign="bottom",
            truncate=False,
        )
        ctx.label(
            g,
            name,
            (x, top + used, w, y + h - top - used),
            ctx.body_px,
            theme.text_muted,
            halign="center",
            valign="bottom",
        )

    def _toggle(
        self,
        g: InstructionGroup,
        box: Box,
        label: str,
        on: bool,
        level: int,
        levels: int,
        glyph: str,
        theme: Theme,
    ) -> None:
        """A square toggle: a pictogram, its name, and level dots when it has levels."""
        ctx = self.ctx
        inset, fg = ctx.control_button(g, box, on, theme)
        self.targets.append(box)
        x, y, w, h = box
        line = ctx.line_px(ctx.body_px)
        size = min(w, h - line) * 0.3
        cx, cy = x + w / 2, y + h - inset - (h - 2 * inset - line) * 0.45
        ctx.icon(g, glyph, (cx - size, cy - size, 2 * size, 2 * size), fg, filled=on)
        ctx.label(
            g,
            label,
            (x + inset, y + inset, w - 2 * inset, line),
            ctx.body_px,
            fg,
            halign="center",
            valign="bottom",
        )
        if levels:
            dot = max(4.0, size * 0.16)
            span = levels * dot * 2.2 - dot * 1.2
            dy = cy - size * 1.15
            row: Box = (cx - span / 2, dy - dot / 2, span, dot)
            for i in range(levels):
                # Lit from the start of reading: from the right, right to left.
                g.add(Color(*rgba(fg, 1.0 if i < level else 0.35)))
                lit = ctx.mirror((cx - span / 2 + i * dot * 2.2, dy - dot / 2, dot, dot), row)
                g.add(Ellipse(pos=lit[:2], size=(dot, dot)))
