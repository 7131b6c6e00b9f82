"""The status bar: the clock on the left, drive state and day/night on the right.

When the dock collapsed into the status bar, its menu control sits at the right end
(see :func:`cardeck_sim.ui._scene.status_menu`); it is lit while it focuses a panel.
"""

from __future__ import annotations

from typing import NamedTuple

from kivy.graphics import Color, InstructionGroup, Rectangle

from cardeck_sim.state import Gear, StateStore

from .._scene import status_menu
from .._theme import RGB, Theme
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
    menu_focus: str = ""  # the collapsed panel the menu control focuses, if any


class StatusBarPainter(PanelPainter[StatusView]):
    """The ``status_bar`` panel: reads the clock, ``store.restrictions`` and ``store.vehicle``."""

    def read(self, store: StateStore) -> StatusView:
        v = store.vehicle
        focused = store.focus.get(self.ctx.layout.display_id, "")
        menu = status_menu(self.ctx.layout)
        in_menu = menu is not None and any(p.panel_id == focused for p in menu.panels)
        return StatusView(
            self.ctx.clock().strftime("%H:%M"),
            store.restrictions.parked,
            v.gear,
            round(v.speed_kmh),
            v.dark_theme,
            focused if in_menu else "",
        )

    def backdrop(self, theme: Theme) -> RGB:
        """The status bar's colour, out to the glass's edge beside a notch."""
        return theme.status_bar

    def paint(self, g: InstructionGroup, view: StatusView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        g.add(Color(*rgba(theme.status_bar)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        size = ctx.body_px
        pad = max(8.0, round(size * 0.8))
        right = x + w
        menu = status_menu(ctx.layout)
        if menu is not None:
            mx, my, mw, mh = ctx.flip(menu.rect)
            right = mx
            self._menu_control(g, (mx, my, mw, mh), bool(view.menu_focus), theme)
        clock = ctx.place(
            view.time,
            (x + pad, y, right - x - 2 * pad, h),
            size,
            bold=True,
            valign="middle",
            truncate=False,
        )
        if clock is None:
            return
        ctx.draw(g, clock, theme.text)
        # The longest wording that fits between the clock and the end (or the menu
        # control); whole parts are dropped, never cut, and nothing if none fits.
        left = clock.pos[0] + clock.size[0] + pad
        ctx.label(
            g,
            _drive_texts(view),
            (left, y, right - pad - left, h),
            size,
            theme.text_muted,
            halign="right",
            valign="middle",
            truncate=False,
        )

    def _menu_control(
        self,
        g: InstructionGroup,
        rect: tuple[float, float, float, float],
        active: bool,
        theme: Theme,
    ) -> None:
        """Draw the menu control: a rounded button with three bars, lit when active."""
        x, y, w, h = rect
        inset, fg = self.ctx.control_button(g, rect, active, theme)
        g.add(Color(*rgba(fg)))
        bar_w = (w - 2 * inset) * 0.5
        bar_h = max(2.0, round(h * 0.06))
        cx, cy = x + w / 2, y + h / 2
        for k in (-1, 0, 1):
            g.add(
                Rectangle(
                    pos=(round(cx - bar_w / 2), round(cy + k * bar_h * 2.5 - bar_h / 2)),
                    size=(round(bar_w), bar_h),
                )
            )


def _drive_texts(view: StatusView) -> tuple[str, ...]:
    """The drive state and day/night, longest wording first."""
    gear = view.gear.name[0]
    drive = f"Parked · {gear}" if view.parked else f"Driving · {gear} · {view.speed_kmh} km/h"
    short = f"P · {gear}" if view.parked else f"{gear} · {view.speed_kmh} km/h"
    shortest = "P" if view.parked else f"{view.speed_kmh} km/h"
    mode = "Night" if view.night else "Day"
    return (f"{drive}   {mode}", drive, short, shortest)
