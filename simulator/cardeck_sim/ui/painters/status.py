"""The status bar: the clock on the left, drive state and day/night on the right."""

from __future__ import annotations

from typing import NamedTuple

from kivy.graphics import Color, InstructionGroup, Rectangle

from cardeck_sim.state import Gear, StateStore

from .._theme import Theme
from .base import PanelPainter
from .text import rgba

__all__ = ["StatusBarPainter", "StatusView"]


class StatusView(NamedTuple):
    """What the status bar shows (the speed as displayed, so 50.2 → 50.4 redraws nothing)."""

    time: str
    parked: bool
    gear: Gear
    speed_kmh: int
    night: bool


class StatusBarPainter(PanelPainter[StatusView]):
    """The ``status_bar`` panel: reads the clock, ``store.restrictions`` and ``store.vehicle``."""

    def read(self, store: StateStore) -> StatusView:
        v = store.vehicle
        return StatusView(
            self.ctx.clock().strftime("%H:%M"),
            store.restrictions.parked,
            v.gear,
            round(v.speed_kmh),
            v.dark_theme,
        )

    def paint(self, g: InstructionGroup, view: StatusView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        g.add(Color(*rgba(theme.status_bar)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        size = ctx.body_px
        pad = max(8.0, round(size * 0.8))
        cy = y + h / 2
        tex_time = ctx.text.texture(view.time, size, theme.text, bold=True)
        g.add(Color(1, 1, 1, 1))
        g.add(
            Rectangle(
                texture=tex_time,
                pos=(round(x + pad), round(cy - tex_time.height / 2)),
                size=tex_time.size,
            )
        )
        gear = view.gear.name[0]
        drive = f"Parked · {gear}" if view.parked else f"Driving · {gear} · {view.speed_kmh} km/h"
        mode = "Night" if view.night else "Day"
        tex = ctx.text.texture(f"{drive}   {mode}", size, theme.text_muted)
        g.add(
            Rectangle(
                texture=tex,
                pos=(round(x + w - pad - tex.width), round(cy - tex.height / 2)),
                size=tex.size,
            )
        )
