"""The status bar: the clock and drive state on the left, temperature and connectivity on the right.

The right-hand group (outside temperature, mobile signal, Wi-Fi) are icons as on
a phone's or Android Automotive's status bar. When a notch or camera cutout
splits the bar, the layout keeps the content on one side and the bar's region
holds a strip on the other (``PanelLayout.region_px``); the group moves into
that strip when it is wide enough, leaving the content side to the clock and
the drive state. Items drop in order of need: connectivity first, then the
temperature, then words of the drive state; the clock stays.

When the dock collapsed into the status bar, its menu control sits at the right end
(see :func:`cardeck_sim.ui._scene.status_menu`); it is lit while it focuses a panel.

Right to left the bar is mirrored: the clock on the right, the group and the menu
on the left, the group's items in reverse order (the strip past a notch is a
physical place and stays where it is). The words, the clock and the temperature
come from the locale (``ctx.tr``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from kivy.graphics import Color, InstructionGroup, Rectangle

from cardeck.i18n import N_, Translator
from cardeck.layout import Rect
from cardeck_sim.state import Gear, StateStore

from .._readout import outside_temperature_of
from .._scene import status_menu
from ..theme import RGB, Theme
from .base import Box, PanelPainter
from .text import rgba

__all__ = ["StatusBarPainter", "StatusView"]

#: Connectivity icons: the simulator is always online.
_CONNECTIVITY = ("signal_cellular_alt", "wifi")
#: The drive state, longest wording first; ``{gear}`` is the shifter's letter (P R N D,
#: the same in every locale), ``{speed}`` a formatted speed ("50 km/h").
# i18n: status bar, while parked; {gear} is the shifter's letter (P, R, N, D)
_PARKED = N_("Parked · {gear}")
# i18n: status bar, while driving; {gear} is the shifter's letter, {speed} e.g. "50 km/h"
_DRIVING = N_("Driving · {gear} · {speed}")


class StatusView(NamedTuple):
    """What the status bar shows (the speed as displayed, so 50.2 → 50.4 redraws nothing)."""

    time: str
    parked: bool
    gear: Gear
    speed_kmh: int
    night: bool
    menu_focus: str = ""  # the collapsed panel the menu control focuses, if any
    #: ``Vehicle.Exterior.AirTemperature`` in whole °C; None (not shown) when the car has none.
    outside_c: int | None = None


class StatusBarPainter(PanelPainter[StatusView]):
    """The ``status_bar`` panel: reads the clock, ``store.restrictions``, ``store.vehicle``
    and the outside temperature of ``store.signals``."""

    def read(self, store: StateStore) -> StatusView:
        v = store.vehicle
        focused = store.focus.get(self.ctx.layout.display_id, "")
        menu = status_menu(self.ctx.layout)
        in_menu = menu is not None and any(p.panel_id == focused for p in menu.panels)
        return StatusView(
            # The head unit's clock is 24-hour (its setting, not the language's).
            self.ctx.tr.clock(self.ctx.clock(), hour12=False),
            store.restrictions.parked,
            v.gear,
            round(v.speed_kmh),
            v.dark_theme,
            focused if in_menu else "",
            outside_temperature_of(store.signals),
        )

    def backdrop(self, theme: Theme) -> RGB:
        """The status bar's colour, out to the glass's edge beside a notch."""
        return theme.status_bar

    def paint(self, g: InstructionGroup, view: StatusView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        bar: Box = (x, y, w, h)
        g.add(Color(*rgba(theme.status_bar)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        size = ctx.body_px
        pad = self._pad()
        # Laid out left to right, each part drawn at ctx.mirror(part, bar): right to
        # left the clock is on the right and the group and the menu on the left.
        right = x + w
        menu = status_menu(ctx.layout)
        if menu is not None:
            mx, my, mw, mh = ctx.flip(menu.rect)
            right = mx
            self._menu_control(g, ctx.mirror((mx, my, mw, mh), bar), bool(view.menu_focus), theme)
        clock = ctx.place(
            view.time,
            ctx.mirror((x + pad, y, right - x - 2 * pad, h), bar),
            size,
            bold=True,
            valign="middle",
            truncate=False,
        )
        if clock is None:
            return
        ctx.draw(g, clock, theme.text)
        left = x + pad + clock.size[0] + pad
        drive = _drive_texts(view, ctx.tr)
        # The right-hand group: in the strip beyond a notch when it fits there,
        # else at the end of the bar, as much of it as leaves the drive state room.
        if not self._group_beyond(view):
            drive_room = ctx.text.width(drive[-1], size) + pad
            group = self._group(view, right - pad - left - drive_room, h)
            right = self._draw_group(g, group, right - pad, y, h, theme, bar) - pad
        # The longest wording that fits between the clock and the group (or the menu
        # control); whole parts are dropped, never cut, and nothing if none fits.
        ctx.label(
            g,
            drive,
            ctx.mirror((left, y, right - left, h), bar),
            size,
            theme.text_muted,
            halign=ctx.end,
            valign="middle",
            truncate=False,
        )

    def paint_beyond(self, g: InstructionGroup, view: StatusView, theme: Theme) -> None:
        """Draw the right-hand group in the strip past a notch, when it fits there."""
        strip = self._other_strip()
        if strip is None or not self._group_beyond(view):
            return
        sx, sy, sw, sh = strip
        pad = self._pad()
        group = self._group(view, sw - 2 * pad, sh)
        self._draw_group(g, group, sx + sw - pad, sy, sh, theme, strip)

    def _group_beyond(self, view: StatusView) -> bool:
        """Whether the whole right-hand group fits in the strip past a notch."""
        strip = self._other_strip()
        if strip is None:
            return False
        full = self._group(view, math.inf, strip[3])
        return self._group(view, strip[2] - 2 * self._pad(), strip[3]) == full

    def _pad(self) -> float:
        """The bar's padding at its ends and between its texts."""
        return max(8.0, self.ctx.scale.space(2), round(self.ctx.body_px * 0.8))

    def _icon_px(self, h: float) -> float:
        """The status icons' size: a little over the body text, inside the bar."""
        return min(round(self.ctx.body_px * 1.15), h - 2 * max(2.0, self.ctx.scale.space(0.5)))

    def _group(self, view: StatusView, room: float, h: float) -> list[tuple[str, float]]:
        """The right-hand items that fit in ``room`` px: (icon name or text, width)."""
        ctx = self.ctx
        icon = self._icon_px(h)
        gap = ctx.scale.space(1)
        items = [(f"icon:{name}", icon) for name in _CONNECTIVITY]
        if view.outside_c is not None:
            temp = ctx.tr.temperature(view.outside_c)
            items[:0] = [
                ("icon:device_thermostat", icon),
                (temp, float(ctx.text.width(temp, ctx.body_px)) + 1),
            ]
        # The thermometer and its value go together: the last two, or none.
        pair = 2 if view.outside_c is not None else 0
        while items:
            width = sum(wd for _, wd in items) + gap * (len(items) - 1) + gap * 2
            if width <= room:
                return items
            # Connectivity goes first, then the temperature with its icon.
            items = items[:-1] if len(items) > pair else []
        return []

    def _draw_group(
        self,
        g: InstructionGroup,
        items: list[tuple[str, float]],
        end: float,
        y: float,
        h: float,
        theme: Theme,
        within: Box,
    ) -> float:
        """Draw the group right-aligned to ``end``; return where it starts (``end`` if empty).

        Right to left each item is mirrored inside ``within`` (the bar, or the strip
        past a notch), which also reverses their order.
        """
        ctx = self.ctx
        gap = ctx.scale.space(1)
        x = end + gap
        for item, width in reversed(items):
            # Twice the gap between the temperature and the connectivity icons.
            x -= width + gap * (2 if item[5:] in _CONNECTIVITY[:1] else 1)
            box = ctx.mirror((x, y, width, h), within)
            if item.startswith("icon:"):
                ctx.icon(g, item[5:], box, theme.icon, size=width)
            else:
                ctx.label(g, item, box, ctx.body_px, theme.text, valign="middle", truncate=False)
        return x

    def _other_strip(self) -> Box | None:
        """The bar's strip on the far side of a notch (Kivy box), or None without one.

        The region's rows beyond the content rect (on its right, else its left),
        clipped to that side and merged into the band all of them cover; None when
        that band is narrower than a touch target or shorter than a line of text.
        """
        ctx = self.ctx
        rect = self.panel.rect_px
        right = [
            Rect(max(r.x, rect.right), r.y, r.right - max(r.x, rect.right), r.height)
            for r in self.panel.region_px
            if r.right > rect.right + 1
        ]
        left = [
            Rect(r.x, r.y, min(r.right, rect.x) - r.x, r.height)
            for r in self.panel.region_px
            if r.x < rect.x - 1
        ]
        best: Box | None = None
        for rows in (right, left):
            if not rows:
                continue
            x0, x1 = max(r.x for r in rows), min(r.right for r in rows)
            y0, y1 = min(r.y for r in rows), max(r.bottom for r in rows)
            if x1 - x0 < ctx.layout.min_touch_px or y1 - y0 < ctx.line_px(ctx.body_px):
                continue
            if best is None or x1 - x0 > best[2]:
                best = ctx.flip(Rect(x0, y0, x1 - x0, y1 - y0))
        return best

    def _menu_control(
        self,
        g: InstructionGroup,
        rect: tuple[float, float, float, float],
        active: bool,
        theme: Theme,
    ) -> None:
        """Draw the menu control: a rounded button with the menu icon, lit when active."""
        x, y, w, h = rect
        inset, fg = self.ctx.control_button(g, rect, active, theme)
        box = (x + inset, y + inset, w - 2 * inset, h - 2 * inset)
        self.ctx.icon(g, "menu", box, fg, size=self.ctx.scale.icon)


def _drive_texts(view: StatusView, tr: Translator) -> tuple[str, ...]:
    """The drive state, longest wording first, in the locale."""
    gear = view.gear.name[0]
    speed = tr.speed(view.speed_kmh)
    # The short wordings are symbols, the same in every locale: P (parked) and the gear.
    if view.parked:
        return (tr.gettext(_PARKED, gear=gear), f"P · {gear}", "P")
    return (tr.gettext(_DRIVING, gear=gear, speed=speed), f"{gear} · {speed}", speed)
