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
        big = min(h * 0.35, w * 0.3)
        ctx.label(
            g, f"{view.speed_kmh}", x + w / 2, y + h * 0.62, big, theme.text, bold=True, center=True
        )
        ctx.label(
            g,
            "km/h",
            x + w / 2,
            y + h * 0.62 - big * 0.75,
            ctx.body_px,
            theme.text_muted,
            center=True,
        )
        step = min(w / 6, ctx.body_px * 2)
        gy = y + pad + step * 0.42
        for i, letter in enumerate(_GEARS):
            gx = x + w / 2 + (i - 1.5) * step
            active = view.gear.name.startswith(letter)
            if active:
                g.add(Color(*rgba(theme.accent)))
                g.add(
                    RoundedRectangle(
                        pos=(gx - step * 0.42, gy - step * 0.42),
                        size=(step * 0.84, step * 0.84),
                        radius=[step * 0.2],
                    )
                )
            ctx.label(
                g,
                letter,
                gx,
                gy,
                ctx.body_px,
                theme.on_accent if active else theme.text_muted,
                bold=active,
                center=True,
            )
