"""The console's climate controls: driver and passenger temperature, fan, A/C, defrost, seats.

Drawn as a production climate strip is: each temperature zone a large value
over its down/up buttons at the two ends, the toggles between them. Every
control is at least the console's touch target (114 dp, ``min_touch_px``).
The store holds no climate state yet, so the panel shows a fixed demo
setting; the controls are drawn, not wired.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from kivy.graphics import Color, Ellipse, InstructionGroup, Line

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
        zone_w = max(2 * t + gap, (iw - cols * t - (cols + 1) * gap) / 2 * 0.9)
        zone_w = min(zone_w, (iw - cols * t - 2 * gap) / 2)
        zone_w = max(zone_w, 2 * t)
        cell = min(
            (iw - 2 * zone_w - 2 * gap - (cols - 1) * gap) / cols, (ih - (rows - 1) * gap) / rows
        )
        cell = max(cell, t)
        self._zone(g, "Driver", view.driver_c, (ix, iy, zone_w, ih), t, gap, line, theme)
        self._zone(
            g,
            "Passenger",
            view.passenger_c,
            (ix + iw - zone_w, iy, zone_w, ih),
            t,
            gap,
            line,
            theme,
        )
        grid_w = cols * cell + (cols - 1) * gap
        gx0 = ix + (iw - grid_w) / 2
        gy0 = iy + (ih - (rows * cell + (rows - 1) * gap)) / 2
        toggles = [
            ("Fan", view.fan_level > 0, view.fan_level, FAN_LEVELS, "fan"),
            ("A/C", view.ac_on, 0, 0, "ac"),
            ("Defrost", view.defrost_on, 0, 0, "defrost"),
            ("Seat", view.seat_heat_level > 0, view.seat_heat_level, SEAT_LEVELS, "seat"),
        ]
        for i, (label, on, level, levels, glyph) in enumerate(toggles):
            r, c = divmod(i, cols)
            box = (gx0 + c * (cell + gap), gy0 + (rows - 1 - r) * (cell + gap), cell, cell)
            self._toggle(g, box, label, on, level, levels, glyph, theme)

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
            _chevron(g, bx + btn_w / 2, buttons + btn_h / 2, min(btn_w, btn_h) * 0.22, up, fg)
        top = buttons + btn_h
        used = ctx.label(
            g,
            f"{celsius:.1f}°",
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
        size = min(w, h - line) * 0.42
        cx, cy = x + w / 2, y + h - inset - (h - 2 * inset - line) * 0.45
        _pictogram(g, glyph, cx, cy, size, fg)
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
            dot = max(3.0, size * 0.1)
            span = levels * dot * 2.2
            dy = cy - size * 0.62
            for i in range(levels):
                g.add(Color(*rgba(fg, 1.0 if i < level else 0.35)))
                dx = cx - span / 2 + i * dot * 2.2
                g.add(Ellipse(pos=(dx, dy - dot / 2), size=(dot, dot)))


def _chevron(
    g: InstructionGroup, cx: float, cy: float, size: float, up: bool, color: tuple[int, int, int]
) -> None:
    s = 1 if up else -1
    g.add(Color(*rgba(color)))
    pts = [
        cx - size,
        cy - s * size * 0.45,
        cx,
        cy + s * size * 0.45,
        cx + size,
        cy - s * size * 0.45,
    ]
    g.add(Line(points=pts, width=max(2.0, size * 0.14), cap="round", joint="round"))


def _pictogram(
    g: InstructionGroup, kind: str, cx: float, cy: float, size: float, color: tuple[int, int, int]
) -> None:
    """A line-drawn stand-in for the Material Symbol of a control."""
    g.add(Color(*rgba(color)))
    lw = max(1.5, size * 0.08)
    r = size / 2
    if kind == "fan":
        for k in range(3):
            a = math.radians(90 + k * 120)
            g.add(
                Line(
                    ellipse=(
                        cx - r * 0.5 + r * 0.5 * math.cos(a),
                        cy - r * 0.5 + r * 0.5 * math.sin(a),
                        r,
                        r,
                    ),
                    width=lw,
                )
            )
    elif kind == "ac":
        for k in range(3):
            a = math.radians(k * 60)
            dx, dy = r * math.cos(a), r * math.sin(a)
            g.add(Line(points=[cx - dx, cy - dy, cx + dx, cy + dy], width=lw, cap="round"))
    elif kind == "defrost":
        g.add(Line(points=[cx - r, cy - r * 0.7, cx + r, cy - r * 0.7], width=lw, cap="round"))
        for k in (-1, 0, 1):
            px = cx + k * r * 0.55
            g.add(
                Line(
                    bezier=[
                        px,
                        cy - r * 0.4,
                        px - r * 0.2,
                        cy,
                        px + r * 0.2,
                        cy + r * 0.3,
                        px,
                        cy + r * 0.8,
                    ],
                    width=lw,
                )
            )
    else:  # seat heat
        g.add(
            Line(
                points=[
                    cx - r * 0.4,
                    cy + r,
                    cx - r * 0.5,
                    cy - r * 0.2,
                    cx + r * 0.6,
                    cy - r * 0.2,
                ],
                width=lw,
                joint="round",
                cap="round",
            )
        )
        g.add(
            Line(
                points=[
                    cx - r * 0.5,
                    cy - r * 0.2,
                    cx - r * 0.4,
                    cy - r * 0.6,
                    cx + r * 0.7,
                    cy - r * 0.6,
                ],
                width=lw,
                joint="round",
                cap="round",
            )
        )
