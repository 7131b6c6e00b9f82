"""The guidance card: the next maneuver's arrow and distance, the street, the trip summary.

Also what the other guidance views share: the texts a driver reads
(:func:`guidance_texts`), the maneuver arrow and the card's content, which
the map floats over itself on displays without a guidance card panel.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from kivy.graphics import Color, Ellipse, InstructionGroup, Line, RoundedRectangle, Triangle

from cardeck_sim.state import MapView, StateStore

from .._theme import RGB, Theme
from .base import Box, PaintContext, PanelPainter
from .text import rgba

__all__ = [
    "GuidanceCardPainter",
    "GuidancePainter",
    "GuidanceTexts",
    "arrow",
    "guidance_content",
    "guidance_texts",
    "summary_wordings",
]

_TURN_DEG = {
    "depart": 0.0,
    "continue": 0.0,
    "straight": 0.0,
    "slight_left": -40.0,
    "slight_right": 40.0,
    "left": -90.0,
    "right": 90.0,
    "sharp_left": -135.0,
    "sharp_right": 135.0,
    "roundabout_enter": 60.0,
    "roundabout_exit": 60.0,
}


class GuidanceTexts(NamedTuple):
    """What the guidance views show, as shown: panels key on these strings."""

    maneuver: str  # a ManeuverType value, or "arrive"
    distance: str
    street: str
    summary: str


def format_distance(m: float) -> str:
    """Distance as a driver reads it: 50 m steps under 1 km, then 0.1 km."""
    if m < 1000:
        return f"{int(round(m / 10.0) * 10)} m"
    return f"{m / 1000:.1f} km"


def guidance_texts(m: MapView) -> GuidanceTexts | None:
    """Return the maneuver type, distance, street and trip summary as shown, or None.

    Panels key on these strings rather than on the GuidanceUpdate, so a
    guidance step that changes no visible text redraws nothing.
    """
    if m.guidance is not None:
        gu = m.guidance
        if gu.arrived:
            return GuidanceTexts("arrive", "", "You have arrived", "")
        eta = gu.eta.astimezone().strftime("%H:%M") if gu.eta else ""
        summary = (
            f"{format_distance(gu.remaining_distance_m)} · "
            f"{max(1, round(gu.remaining_time_s / 60))} min · ETA {eta}"
        )
        maneuver, dist = gu.next_maneuver, gu.distance_to_next_m
    elif m.route is not None:
        r = m.route
        maneuver = r.maneuvers[1] if len(r.maneuvers) > 1 else None
        dist = maneuver.distance_from_start_m if maneuver is not None else None
        summary = f"{format_distance(r.distance_m)} · {max(1, round(r.duration_s / 60))} min"
    else:
        return None
    kind = str(maneuver.type) if maneuver is not None else "arrive"
    street = (maneuver.street_name or maneuver.instruction) if maneuver is not None else ""
    return GuidanceTexts(kind, format_distance(dist) if dist is not None else "", street, summary)


def arrow(g: InstructionGroup, kind: str, cx: float, cy: float, size: float, color: RGB) -> None:
    """Draw a maneuver arrow in a box of ``size`` centred on (cx, cy)."""
    g.add(Color(*rgba(color)))
    lw = max(2.0, size * 0.08)
    if kind == "arrive":
        g.add(Line(circle=(cx, cy, size * 0.3), width=lw))
        g.add(Ellipse(pos=(cx - size * 0.12, cy - size * 0.12), size=(size * 0.24, size * 0.24)))
        return
    if kind == "u_turn":
        _u_turn(g, cx, cy, size, lw)
        return
    turn = math.radians(_TURN_DEG.get(kind, 0.0))
    mid = (cx, cy - size * 0.05)
    start = (cx, cy - size * 0.45)
    end = (mid[0] + math.sin(turn) * size * 0.32, mid[1] + math.cos(turn) * size * 0.32)
    if kind.startswith("roundabout"):
        g.add(Line(circle=(cx, cy - size * 0.05, size * 0.16), width=lw))
    g.add(Line(points=[*start, *mid, *end], width=lw, joint="round"))
    head = size * 0.18
    tip = (end[0] + math.sin(turn) * head, end[1] + math.cos(turn) * head)
    left = (
        end[0] + math.sin(turn - math.pi / 2) * head * 0.8,
        end[1] + math.cos(turn - math.pi / 2) * head * 0.8,
    )
    right = (
        end[0] + math.sin(turn + math.pi / 2) * head * 0.8,
        end[1] + math.cos(turn + math.pi / 2) * head * 0.8,
    )
    g.add(Triangle(points=[*tip, *left, *right]))


def _u_turn(g: InstructionGroup, cx: float, cy: float, size: float, lw: float) -> None:
    """Draw a U-turn arrow: up the right, over the top, down the left to the head."""
    g.add(
        Line(points=[cx + size * 0.2, cy - size * 0.4, cx + size * 0.2, cy + size * 0.1], width=lw)
    )
    g.add(
        Line(
            ellipse=(cx - size * 0.2, cy - size * 0.1, size * 0.4, size * 0.4, -90, 90),
            width=lw,
        )
    )
    g.add(
        Line(points=[cx - size * 0.2, cy + size * 0.1, cx - size * 0.2, cy - size * 0.2], width=lw)
    )
    g.add(
        Triangle(
            points=[
                cx - size * 0.38,
                cy - size * 0.15,
                cx - size * 0.02,
                cy - size * 0.15,
                cx - size * 0.2,
                cy - size * 0.42,
            ]
        )
    )


def guidance_content(
    ctx: PaintContext,
    g: InstructionGroup,
    texts: GuidanceTexts | None,
    theme: Theme,
    box: Box,
    *,
    card: bool,
) -> None:
    """Draw the next maneuver, its distance, the street and the trip summary in a box.

    The distance comes first: it is never cut, the arrow shrinks (or goes) to leave
    it and the street's longest word room, and the trip summary, the secondary line,
    drops its later parts or goes when the box is too short for all of it.

    :param box: x, y, width, height in Kivy coordinates.
    :param card: Fill the box as a rounded card first (the map's floating card).
    """
    x, y, w, h = box
    body = ctx.body_px
    if card:
        g.add(Color(*rgba(theme.surface)))
        g.add(RoundedRectangle(pos=(x, y), size=(w, h), radius=[body * 0.4]))
    pad = max(8.0, body * 0.5)
    ix, iy, iw, ih = x + pad, y + pad, w - 2 * pad, h - 2 * pad
    if texts is None:
        ctx.label(g, "No active route", (ix, iy, iw, ih), body, theme.text_muted, max_lines=2)
        return
    kind, dist, street, summary = texts
    line = ctx.line_px(body)
    top = iy + ih
    bottom = iy
    if summary and ih >= 3 * line:
        used = ctx.label(
            g, summary_wordings(summary), (ix, iy, iw, line), body, theme.text_muted, truncate=False
        )
        bottom += used + min(pad / 2, ih - 3 * line) if used else 0.0
    room = top - bottom
    # The arrow leaves room beside it for the distance and the street's longest word;
    # a street name too long for that is cut rather than pushing the arrow out.
    dist_w = ctx.text.width(dist, body, bold=True)
    word_w = max((ctx.text.width(word, body) for word in street.split()), default=0)
    icon = min(room, iw * 0.3, body * 4, iw - pad - max(dist_w, word_w))
    if icon < body * 1.5:
        icon = min(room, iw * 0.3, body * 4, iw - pad - dist_w)
    tx = ix
    if icon >= body:
        arrow(g, kind, ix + icon / 2, top - icon / 2, icon, theme.accent)
        tx += icon + pad
    tw = ix + iw - tx
    big = body * 1.6
    # The street gets the lines below the distance, but never the distance's own.
    dist_h = min(room, ctx.line_px(big, bold=True))
    if street:
        dist_h = min(dist_h, max(room - line, ctx.line_px(body, bold=True)))
    top -= ctx.label(
        g, dist, (tx, top - dist_h, tw, dist_h), big, theme.text, bold=True, truncate=False
    )
    ctx.label(g, street, (tx, bottom, tw, top - bottom), body, theme.text, max_lines=3)


def summary_wordings(summary: str) -> tuple[str, ...]:
    """The trip summary, then shorter by whole parts: "1.4 km · 3 min · ETA 12:50", …, "1.4 km"."""
    parts = summary.split(" · ")
    return tuple(" · ".join(parts[:n]) for n in range(len(parts), 0, -1))


class GuidancePainter(PanelPainter[GuidanceTexts | None]):
    """A panel showing the guidance: reads the guidance texts of ``store.map``."""

    def read(self, store: StateStore) -> GuidanceTexts | None:
        return guidance_texts(store.map)


class GuidanceCardPainter(GuidancePainter):
    """The ``guidance_card`` panel (clusters): arrow, distance, street, trip summary."""

    def paint(
        self, g: InstructionGroup, view: GuidanceTexts | None, theme: Theme, focused: bool
    ) -> None:
        x, y, w, h, pad = self.ctx.card(g, self.panel, theme)
        box = (x + pad, y + pad, w - 2 * pad, h - 2 * pad)
        guidance_content(self.ctx, g, view, theme, box, card=False)
