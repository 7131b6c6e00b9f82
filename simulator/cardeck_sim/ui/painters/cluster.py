"""The cluster's speed panel: the speed in big digits over the PRND gear strip."""

from __future__ import annotations

from typing import NamedTuple

from kivy.graphics import Color, InstructionGroup, RoundedRectangle

from cardeck_sim.state import Gear, StateStore

from .._theme import Theme
from .base import PanelPainter
from .text import rgba

__all__ = ["SpeedPainter", "SpeedView"]

_GEARS = "PRND"


class SpeedView(NamedTuple):
    """What the speed panel shows: the speed as displayed and the gear."""

    speed_kmh: int
    gear: Gear


class SpeedPainter(PanelPainter[SpeedView]):
    """The ``speed`` panel (cluster and HUD): reads ``store.vehicle``'s speed and gear."""

    def read(self, store: StateStore) -> SpeedView:
        v = store.vehicle
        return SpeedView(round(v.speed_kmh), v.gear)

    def paint(self, g: InstructionGroup, view: SpeedView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        body = ctx.body_px
        ix, iy, iw, ih = x + pad, y + pad, w - 2 * pad, h - 2 * pad
        line = ctx.line_px(body)
        # The speed comes first; the unit under it, then the gear strip, go when the
        # panel is too small for them (a HUD's corner) and the speed still fits.
        # Each gear's lit box holds its letter: as wide as the widest, a line tall.
        letter_w = max(ctx.text.width(c, body, bold=True) for c in _GEARS)
        step = max(min(w / 6, body * 2), letter_w / 0.84)
        cell_h = max(step, line / 0.84)
        strip = 4 * step <= iw and ih >= 2 * line + cell_h
        unit = ih >= (2 * line + (cell_h if strip else 0.0))
        floor = iy + (cell_h if strip else 0.0)
        big = max(body, min(h * 0.35, w * 0.3))
        number_h = ih - (cell_h if strip else 0.0) - (line if unit else 0.0)
        number = (ix, y + h - pad - number_h, iw, number_h)
        used = ctx.label(
            g,
            f"{view.speed_kmh}",
            number,
            big,
            theme.text,
            bold=True,
            halign="center",
            valign="middle",
            truncate=False,
        )
        if unit:
            below = number[1] + (number_h - used) / 2
            box = (ix, floor, iw, below - floor)
            ctx.label(g, "km/h", box, body, theme.text_muted, halign="center")
        if not strip:
            return
        gy = y + pad + cell_h * 0.42
        for i, letter in enumerate(_GEARS):
            gx = x + w / 2 + (i - 1.5) * step
            active = view.gear.name.startswith(letter)
            box = (gx - step * 0.42, gy - cell_h * 0.42, step * 0.84, cell_h * 0.84)
            if active:
                g.add(Color(*rgba(theme.accent)))
                g.add(RoundedRectangle(pos=box[:2], size=box[2:], radius=[step * 0.2]))
            ctx.label(
                g,
                letter,
                box,
                body,
                theme.on_accent if active else theme.text_muted,
                bold=active,
                halign="center",
                valign="middle",
                truncate=False,
            )
