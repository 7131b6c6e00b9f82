"""The guidance card: the next maneuver's icon and distance, the street, the trip line.

Also what the other guidance views share: the texts a driver reads
(:func:`guidance_texts`), the maneuver arrow and the card's content, which
the map floats over itself on displays without a guidance card panel.

The trip line at the bottom reads "ETA 12:50 · 3 min · 1.4 km": the clock
time of arrival, then the time and distance left, dropping from the end when
the card is narrow. Lane guidance: when the road before the maneuver has OSM
``turn:lanes`` (the bundled extract tags 46 of its 878 drivable ways, on main
streets such as Mannerheimintie and Kaisaniemenkatu), a bar of lane arrows sits
above the trip line with the lanes that lead to the maneuver lit; elsewhere
there is no lane bar.

Words, times and distances come from the locale (``ctx.tr``); the street and
the instruction are the maps engine's. Right to left the tile sits right of the
text, which is right-aligned; maneuver and lane arrows stay geographic (a right
turn points right, the lanes run left to right as on the road).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import NamedTuple

from kivy.graphics import (
    Color,
    Ellipse,
    InstructionGroup,
    Line,
    Rectangle,
    RoundedRectangle,
    Triangle,
)

from cardeck.i18n import N_, Translator
from cardeck.layout import PanelLayout
from cardeck_sim.state import MapView, StateStore

from ..theme import MANEUVER_ICONS, RGB, Theme
from .base import Box, PaintContext, PanelPainter
from .text import rgba

__all__ = [
    "GuidanceCardPainter",
    "GuidancePainter",
    "GuidanceTexts",
    "arrow",
    "guidance_content",
    "guidance_texts",
    "lane_guidance",
    "lane_strip",
    "maneuver_tile",
    "summary_wordings",
    "trip_line",
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
    #: The OSM ``turn:lanes`` before the maneuver ("left|through|through;right"), or "".
    lanes: str = ""


# i18n: guidance, the arrival time at the head of the trip line ("ETA 12:50 · 3 min · 1.4 km")
_ETA = N_("ETA {time}")
# i18n: guidance card when the destination is reached
_ARRIVED = N_("You have arrived")
# i18n: guidance card with no route
_NO_ROUTE = N_("No active route")


def trip_line(eta: datetime | None, remaining_s: float, remaining_m: float, tr: Translator) -> str:
    """The trip line: "ETA 12:50 · 3 min · 1.4 km" (no ETA part without an arrival time)."""
    # 24-hour, as the status bar's clock (the head unit's setting, not the language's).
    parts = [tr.gettext(_ETA, time=tr.clock(eta, hour12=False))] if eta is not None else []
    parts += [tr.duration(remaining_s), tr.distance(remaining_m)]
    return " · ".join(parts)


def guidance_texts(m: MapView, tr: Translator, now: datetime | None = None) -> GuidanceTexts | None:
    """Return the maneuver type, distance, street and trip line as shown, or None.

    Panels key on these strings rather than on the GuidanceUpdate, so a
    guidance step that changes no visible text redraws nothing.

    :param tr: The locale the texts are shown in.
    :param now: The clock time, for the arrival time of a route not yet driven
        (guidance has its own ETA); None leaves the ETA out.
    """
    if m.guidance is not None:
        gu = m.guidance
        if gu.arrived:
            return GuidanceTexts("arrive", "", tr.gettext(_ARRIVED), "")
        eta = gu.eta.astimezone() if gu.eta else None
        summary = trip_line(eta, gu.remaining_time_s, gu.remaining_distance_m, tr)
        maneuver, dist = gu.next_maneuver, gu.distance_to_next_m
    elif m.route is not None:
        r = m.route
        maneuver = r.maneuvers[1] if len(r.maneuvers) > 1 else None
        dist = maneuver.distance_from_start_m if maneuver is not None else None
        eta = now + timedelta(seconds=r.duration_s) if now is not None else None
        summary = trip_line(eta, r.duration_s, r.distance_m, tr)
    else:
        return None
    kind = str(maneuver.type) if maneuver is not None else "arrive"
    street = (maneuver.street_name or maneuver.instruction) if maneuver is not None else ""
    lanes = maneuver.lanes if maneuver is not None else ""
    distance = tr.distance(dist) if dist is not None else ""
    return GuidanceTexts(kind, distance, street, summary, lanes)


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
    """Draw the next maneuver, its distance, the street and the trip line in a box.

    The distance comes first: it is never cut, the maneuver tile shrinks (or goes)
    to leave it and the street's longest word room, and the trip line, under a
    divider at the bottom, drops its later parts or goes when the box is too short.
    A box taller than wide (a cluster's card) stacks the tile, the distance and the
    street centred; a wide one puts the tile beside them.

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
        no_route = ctx.tr.gettext(_NO_ROUTE)
        ctx.label(g, no_route, (ix, iy, iw, ih), body, theme.text_muted, max_lines=2)
        return
    inner: Box = (ix, iy, iw, ih)
    kind, dist, street, summary = texts.maneuver, texts.distance, texts.street, texts.summary
    line = ctx.line_px(body)
    top = iy + ih
    bottom = iy
    if summary and ih >= 3 * line:
        used = ctx.label(
            g, summary_wordings(summary), (ix, iy, iw, line), body, theme.text, truncate=False
        )
        if used:
            bottom += used + min(pad, ih - 3 * line)
            g.add(Color(*rgba(theme.control)))
            g.add(Rectangle(pos=(ix, bottom - min(pad, ih - 3 * line) / 2), size=(iw, 1)))
    tall_lanes = top - bottom >= 12 * line
    strip = min(line * (2.2 if tall_lanes else 1.5), iw / max(1, len(texts.lanes.split("|"))))
    if texts.lanes and top - bottom >= strip + 3 * line:
        lane_strip(ctx, g, texts.lanes, kind, (ix, bottom, iw, strip), theme)
        bottom += strip + pad / 2
    room = top - bottom
    if room >= iw * 1.1 and room >= 8 * line:
        _stacked(ctx, g, texts, theme, (ix, bottom, iw, room))
        return
    # The tile leaves room beside it for the distance and the street's longest word;
    # a street name too long for that is cut rather than pushing the tile out.
    dist_w = ctx.text.width(dist, body, bold=True)
    word_w = max((ctx.text.width(word, body) for word in street.split()), default=0)
    icon = min(room, iw * 0.3, body * 4, iw - pad - max(dist_w, word_w))
    if icon < body * 1.5:
        icon = min(room, iw * 0.3, body * 4, iw - pad - dist_w)
    tx = ix
    if icon >= body:
        # Beside the text, before it in reading order (right of it right to left).
        maneuver_tile(ctx, g, kind, ctx.mirror((ix, top - icon, icon, icon), inner), theme)
        tx += icon + pad
    tw = ix + iw - tx
    big = body * 1.6
    # The street gets the lines below the distance, but never the distance's own.
    dist_h = min(room, ctx.line_px(big, bold=True))
    if street:
        dist_h = min(dist_h, max(room - line, ctx.line_px(body, bold=True)))
    dist_box = ctx.mirror((tx, top - dist_h, tw, dist_h), inner)
    top -= ctx.label(g, dist, dist_box, big, theme.text, bold=True, truncate=False)
    street_box = ctx.mirror((tx, bottom, tw, top - bottom), inner)
    ctx.label(g, street, street_box, body, theme.text, max_lines=3)


def _stacked(
    ctx: PaintContext, g: InstructionGroup, texts: GuidanceTexts, theme: Theme, box: Box
) -> None:
    """A tall card: the maneuver tile, then the distance, then the street, centred."""
    x, bottom, w, room = box
    body = ctx.body_px
    top = bottom + room
    big = body * 2.2
    dist_h = ctx.line_px(big, bold=True)
    street_h = 3 * ctx.line_px(body * 1.2)
    icon = min(w * 0.45, room - dist_h - street_h - body)
    # The block sits a little above the middle of the room, where the eye goes first.
    block = max(0.0, icon) + body * 0.6 + dist_h + street_h
    top -= max(0.0, (room - block) * 0.35)
    if icon >= body * 2:
        maneuver_tile(ctx, g, texts.maneuver, (x + (w - icon) / 2, top - icon, icon, icon), theme)
        top -= icon + body * 0.6
    top -= ctx.label(
        g,
        texts.distance,
        (x, top - dist_h, w, dist_h),
        big,
        theme.text,
        bold=True,
        halign="center",
        truncate=False,
    )
    ctx.label(
        g,
        texts.street,
        (x, bottom, w, top - bottom),
        body * 1.2,
        theme.text,
        max_lines=3,
        halign="center",
    )


# A lane's OSM indication → its arrow; a maneuver type → the indications that lead there
# (the first set when a lane has one of them, else the second).
_LANE_ICONS = {
    "left": "turn_left",
    "slight_left": "turn_slight_left",
    "sharp_left": "turn_sharp_left",
    "right": "turn_right",
    "slight_right": "turn_slight_right",
    "sharp_right": "turn_sharp_right",
    "reverse": "u_turn_left",
    "merge_to_left": "merge",
    "merge_to_right": "merge",
}
_THROUGH = frozenset({"through", "none", ""})
_LANES_FOR: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "left": (frozenset({"left"}), frozenset({"slight_left", "sharp_left"})),
    "slight_left": (frozenset({"slight_left"}), frozenset({"left"})),
    "sharp_left": (frozenset({"sharp_left"}), frozenset({"left"})),
    "u_turn": (frozenset({"reverse"}), frozenset({"left"})),
    "right": (frozenset({"right"}), frozenset({"slight_right", "sharp_right"})),
    "slight_right": (frozenset({"slight_right"}), frozenset({"right"})),
    "sharp_right": (frozenset({"sharp_right"}), frozenset({"right"})),
}


def lane_guidance(lanes: str, maneuver: str) -> tuple[tuple[str, bool], ...]:
    """Each lane, left to right, as (the arrow it shows, whether it leads to the maneuver).

    :param lanes: OSM ``turn:lanes``: lanes split by "|", a lane's directions by ";".
    :param maneuver: A ``ManeuverType`` value.
    """
    cells = [[d.strip() for d in lane.split(";")] for lane in lanes.split("|")]
    first, second = _LANES_FOR.get(maneuver, (_THROUGH, frozenset()))
    wanted = first if any(d in first for c in cells for d in c) else second
    out = []
    for cell in cells:
        hit = next((d for d in cell if d in wanted), None)
        shown = hit if hit is not None else cell[0]
        out.append((_LANE_ICONS.get(shown, "straight"), hit is not None))
    return tuple(out)


def lane_strip(
    ctx: PaintContext, g: InstructionGroup, lanes: str, maneuver: str, box: Box, theme: Theme
) -> None:
    """The lanes before the maneuver on a bar, centred: the ones to take lit."""
    x, y, w, h = box
    guidance = lane_guidance(lanes, maneuver)
    cell = min(h, w / len(guidance))
    left = x + (w - cell * len(guidance)) / 2
    g.add(Color(*rgba(theme.control)))
    g.add(RoundedRectangle(pos=(left, y), size=(cell * len(guidance), h), radius=[h * 0.2]))
    for i, (icon, take) in enumerate(guidance):
        box = (left + i * cell, y, cell, h)
        ctx.icon(g, icon, box, theme.text if take else theme.text_muted, size=cell * 0.75)
        if i:
            g.add(Color(*rgba(theme.surface)))
            g.add(Rectangle(pos=(left + i * cell, y + h * 0.2), size=(1, h * 0.6)))


def maneuver_tile(
    ctx: PaintContext, g: InstructionGroup, kind: str, box: Box, theme: Theme
) -> None:
    """The maneuver's icon on an accent tile, as Android Auto's guidance card shows it."""
    x, y, w, h = box
    g.add(Color(*rgba(theme.accent)))
    g.add(RoundedRectangle(pos=(x, y), size=(w, h), radius=[w * 0.18]))
    ctx.icon(g, MANEUVER_ICONS.get(kind, "straight"), (x, y, w, h), theme.on_accent, size=w * 0.8)


def summary_wordings(summary: str) -> tuple[str, ...]:
    """The trip line, then shorter by whole parts: "ETA 12:50 · 3 min · 1.4 km", …, "ETA 12:50"."""
    parts = summary.split(" · ")
    return tuple(" · ".join(parts[:n]) for n in range(len(parts), 0, -1))


class GuidancePainter(PanelPainter[GuidanceTexts | None]):
    """A panel showing the guidance: reads the guidance texts of ``store.map``."""

    def read(self, store: StateStore) -> GuidanceTexts | None:
        return guidance_texts(store.map, self.ctx.tr, self.ctx.clock())


#: The card's view: its texts and how far a new maneuver has slid in (1.0: in place).
CardView = tuple[GuidanceTexts | None, float]


class GuidanceCardPainter(PanelPainter[CardView]):
    """The ``guidance_card`` panel (clusters): arrow, distance, street, trip summary.

    In the live window (``ctx.slide_s`` > 0) a new maneuver slides up into the
    card over ``slide_s`` (ease-out), so the driver sees that the step changed;
    the distance counting down does not move it.
    """

    def __init__(self, ctx: PaintContext, panel: PanelLayout) -> None:
        super().__init__(ctx, panel)
        self._step: tuple[str, str] | None = None
        self._since = -math.inf

    def _progress(self) -> float:
        if self.ctx.slide_s <= 0:
            return 1.0
        t = min(1.0, (self.ctx.now() - self._since) / self.ctx.slide_s)
        return round(1.0 - (1.0 - t) ** 3, 2)

    @property
    def animating(self) -> bool:
        """Whether a new maneuver is still sliding in."""
        return self._progress() < 1.0

    def read(self, store: StateStore) -> CardView:
        texts = guidance_texts(store.map, self.ctx.tr, self.ctx.clock())
        step = (texts.maneuver, texts.street) if texts is not None else None
        if step != self._step:
            # The first step shown does not slide: only a change of maneuver does.
            if self._step is not None:
                self._since = self.ctx.now()
            self._step = step
        return texts, self._progress()

    def paint(self, g: InstructionGroup, view: CardView, theme: Theme, focused: bool) -> None:
        texts, progress = view
        x, y, w, h, pad = self.ctx.card(g, self.panel, theme)
        # Sliding up from a quarter of the card below its place; the panel's scissor clips it.
        drop = (1.0 - progress) * h * 0.25
        box = (x + pad, y + pad - drop, w - 2 * pad, h - 2 * pad)
        guidance_content(self.ctx, g, texts, theme, box, card=False)
