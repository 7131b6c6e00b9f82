"""The speed panel: a cluster's gauge, gear, charge and range; a head-up display's bare speed.

On a cluster the panel is what a production digital cluster shows in its
middle: a speed arc with ticks, filled up to the current speed, the number
inside it, the PRND strip in the arc's opening, a state-of-charge (or fuel
level) bar with the range under it, and the outside temperature in a top corner
where the arc leaves room. A head-up display keeps only the number and its
unit: anything more distracts on a windshield, so the charge and range appear
there only once they are low, as a warning.

The charge, range and temperature are the store's VSS signals, read through
:mod:`cardeck_sim.ui._readout`. A level under ``LOW_LEVEL_PERCENT`` is drawn in the
theme's caution colour and says "Charge soon" (or "Refuel soon") where it fits, so
the colour is not the only cue.

The gauge and the PRND strip are physical (they read as a dial and a shifter do, in
every locale); the numbers and units come from the locale (``ctx.tr``), and right
to left the range row's icon follows its text and the level bar fills from the right.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from kivy.graphics import Color, InstructionGroup, Line, RoundedRectangle

from cardeck.i18n import N_, Translator
from cardeck.layout import stage_views
from cardeck_sim.state import Gear, StateStore

from .._readout import Energy, EnergySource, energy_of, outside_temperature_of
from .._theme import Theme
from ..theme import RGB
from .base import Box, PaintContext, PanelPainter
from .text import rgba

__all__ = [
    "GAUGE_MAX_KMH",
    "GAUGE_SWEEP_DEG",
    "Gauge",
    "SpeedPainter",
    "SpeedView",
    "energy_texts",
    "gauge_angle",
    "gauge_for",
]

#: The shifter's letters: symbols, the same in every locale.
_GEARS = "PRND"
# i18n: the speed's unit under the speedometer's number (kilometres per hour, abbreviated)
_KMH = N_("km/h")
# i18n: cluster and head-up display, the traction battery is low (under 15 %); {level} is
# its charge ("9%"), {range} how far the car can still drive ("12 km"). Keep it short.
_CHARGE_SOON = N_("Charge soon · {level} · {range}")
# i18n: cluster and head-up display, the fuel tank is low (under 15 %); {level} is its
# level ("9%"), {range} how far the car can still drive ("60 km"). Keep it short.
_REFUEL_SOON = N_("Refuel soon · {level} · {range}")
#: The gauge's full scale, km/h (a production EV cluster's usual 0–200).
GAUGE_MAX_KMH = 200
#: The arc's sweep, degrees; its opening (120°) is at the bottom, where the gear sits.
GAUGE_SWEEP_DEG = 240.0
#: Ticks every this many km/h; every second one is long and numbered.
_TICK_KMH = 20
#: The range row's icon for each energy source.
_ENERGY_ICONS = {EnergySource.BATTERY: "battery_full", EnergySource.FUEL: "local_gas_station"}


class SpeedView(NamedTuple):
    """What the speed panel shows: the speed as displayed, the gear, energy and weather.

    :param energy: The charge or fuel level and the range; None when the car reports none.
    :param outside_c: The outside temperature, whole °C; None when the car reports none.
    """

    speed_kmh: int
    gear: Gear
    energy: Energy | None = None
    outside_c: int | None = None


def energy_texts(tr: Translator, energy: Energy) -> tuple[str, ...]:
    """The range row's wordings in a locale, longest first (the first that fits is drawn).

    A low level leads with "Charge soon" / "Refuel soon"; the shortest wording is the
    range alone (or the level, for a car that reports no range).
    """
    level = None if energy.level_pct is None else tr.percent(energy.level_pct / 100)
    reach = None if energy.range_m is None else tr.distance(energy.range_m)
    if level is None or reach is None:
        return tuple(t for t in (reach, level) if t is not None)
    texts = (f"{level} · {reach}", reach)
    if not energy.low:
        return texts
    soon = _CHARGE_SOON if energy.source is EnergySource.BATTERY else _REFUEL_SOON
    return (tr.gettext(soon, level=level, range=reach), *texts)


def _energy_colors(energy: Energy, theme: Theme) -> tuple[RGB, RGB]:
    """The range row's (icon and bar, text) colours: the caution colour when the level is low."""
    if energy.low:
        return theme.caution, theme.caution
    return theme.accent, theme.text


class Gauge(NamedTuple):
    """Where a speed gauge is drawn, Kivy coordinates: centre, radius, arc width."""

    cx: float
    cy: float
    radius: float
    stroke: float


def gauge_angle(speed_kmh: float) -> float:
    """The arc angle of a speed, degrees clockwise from 12 o'clock (Kivy's convention)."""
    f = min(max(speed_kmh, 0.0), GAUGE_MAX_KMH) / GAUGE_MAX_KMH
    return -GAUGE_SWEEP_DEG / 2 + GAUGE_SWEEP_DEG * f


def gauge_for(box: Box, body_px: float) -> Gauge | None:
    """The gauge that fits a box (the room above the range row), or None if too small.

    The 240° arc spans 2r across and 1.5r down (its ends sit r·sin 30° below
    the centre), so the radius is the smaller of half the width and the height
    over 1.5; the number inside needs about three body lines of height.
    """
    x, y, w, h = box
    stroke = max(4.0, round(body_px * 0.5))
    r = min(w / 2, (h - stroke) / 1.5) - stroke / 2
    if r < body_px * 4.5:
        return None
    return Gauge(x + w / 2, y + 0.5 * r + stroke / 2 + (h - stroke - 1.5 * r) / 2, r, stroke)


def _point(cx: float, cy: float, r: float, deg: float) -> tuple[float, float]:
    a = math.radians(deg)
    return cx + r * math.sin(a), cy + r * math.cos(a)


class SpeedPainter(PanelPainter[SpeedView]):
    """The ``speed`` panel (cluster and HUD): the speed and gear of ``store.vehicle``, the
    charge or fuel level, range and outside temperature of ``store.signals``."""

    def read(self, store: StateStore) -> SpeedView:
        v = store.vehicle
        return SpeedView(
            round(v.speed_kmh),
            v.gear,
            energy_of(store.signals),
            outside_temperature_of(store.signals),
        )

    def paint(self, g: InstructionGroup, view: SpeedView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        top = pad
        views = stage_views(ctx.layout)
        if views and views[0].rect_px == self.panel.rect_px:
            # The page dots of the stage's views sit along its top (DisplayPainter).
            top = max(pad, 3 * max(6.0, round(ctx.layout.min_touch_px / 6)))
        inner = (x + pad, y + pad, w - 2 * pad, h - pad - top)
        if ctx.hud:
            # On the windshield the charge shows only as a warning.
            warning = view.energy if view.energy is not None and view.energy.low else None
            _bare_speed(ctx, g, view, theme, inner, energy=warning)
            return
        body = ctx.body_px
        line = ctx.line_px(body)
        # The range row (a bar a third of a line tall over "80 % · 360 km") under the gauge.
        range_h = line * 1.5 + body if view.energy is not None else 0.0
        gauge = gauge_for((inner[0], inner[1] + range_h, inner[2], inner[3] - range_h), body)
        if gauge is None:
            gauge = gauge_for(inner, body)
            range_h = 0.0
        if gauge is None:
            _bare_speed(ctx, g, view, theme, inner, gear=True, energy=view.energy)
            return
        # The gauge is centred above the range row; the row moves up under it.
        slack = max(0.0, (inner[3] - range_h - 1.5 * gauge.radius - gauge.stroke) / 2)
        _gauge(ctx, g, gauge, view.speed_kmh, theme)
        _gear_strip(ctx, g, gauge, view.gear, theme)
        if range_h and view.energy is not None:
            row = (inner[0], inner[1] + slack, inner[2], range_h)
            _range_row(ctx, g, view.energy, row, gauge, theme)
        if view.outside_c is not None:
            _outside_temperature(ctx, g, ctx.tr.temperature(view.outside_c), inner, gauge, theme)


def _gauge(ctx: PaintContext, g: InstructionGroup, gauge: Gauge, speed: int, theme: Theme) -> None:
    """The arc (track, then the filled part), its ticks and the number in the middle."""
    cx, cy, r, stroke = gauge
    start = -GAUGE_SWEEP_DEG / 2
    g.add(Color(*rgba(theme.gauge_track)))
    g.add(Line(circle=(cx, cy, r, start, -start, 96), width=stroke / 2, cap="none"))
    end = gauge_angle(speed)
    if end > start:
        g.add(Color(*rgba(theme.accent)))
        segments = max(2, int(96 * (end - start) / GAUGE_SWEEP_DEG))
        g.add(Line(circle=(cx, cy, r, start, end, segments), width=stroke / 2, cap="none"))
    # Ticks inside the arc; the long ones carry their number further in.
    body = ctx.body_px
    labels = r >= body * 5.5
    for i, kmh in enumerate(range(0, GAUGE_MAX_KMH + 1, _TICK_KMH)):
        deg = gauge_angle(kmh)
        major = i % 2 == 0
        outer = r - stroke
        inner = outer - stroke * (1.3 if major else 0.7)
        g.add(Color(*rgba(theme.text_muted)))
        points = [*_point(cx, cy, outer, deg), *_point(cx, cy, inner, deg)]
        g.add(Line(points=points, width=max(1.0, stroke * (0.14 if major else 0.08))))
        if labels and major:
            lx, ly = _point(cx, cy, inner - body * 1.2, deg)
            box = (lx - body * 1.3, ly - body * 0.75, body * 2.6, body * 1.5)
            ctx.label(
                g,
                ctx.tr.decimal(kmh),
                box,
                body * 0.8,
                theme.text_muted,
                halign="center",
                valign="middle",
                truncate=False,
            )
    # Bottom up inside the ring: the gear strip in the opening, the unit over it, then
    # the number up to the ticks (and their numbers). The number is never cut.
    room = r - stroke * 2.3 - (body * 2.3 if labels else 0.0)
    unit_h = ctx.line_px(body)
    unit_y = cy - 0.5 * r - stroke / 2 + _gear_cell(ctx) * 0.9
    top = cy + room * 0.55
    half = math.sqrt(max(room * room - (top - cy) ** 2, 0.0))  # the ring's half-width there
    number = (cx - half, unit_y + unit_h, half * 2, top - unit_y - unit_h)
    _digits(ctx, g, speed, number, max(body, number[3] * 0.85), theme)
    ctx.label(
        g,
        ctx.tr.gettext(_KMH),
        (cx - room, unit_y, room * 2, unit_h),
        body,
        theme.text_muted,
        halign="center",
        valign="middle",
    )


def _gear_cell(ctx: PaintContext) -> float:
    """The height of a gear letter's lit box: a bold line, or the widest letter."""
    body = ctx.body_px
    letter_w = max(ctx.text.width(c, body, bold=True) for c in _GEARS)
    return max(ctx.line_px(body, bold=True), letter_w) / 0.84


def _digits(
    ctx: PaintContext, g: InstructionGroup, speed: int, box: Box, size: float, theme: Theme
) -> float:
    """The speed in bold digits centred in a box (never cut); return the y just under them."""
    used = ctx.label(
        g,
        ctx.tr.decimal(speed),
        box,
        size,
        theme.text,
        bold=True,
        halign="center",
        valign="middle",
        truncate=False,
    )
    return box[1] + (box[3] - used) / 2


def _gear_strip(
    ctx: PaintContext, g: InstructionGroup, gauge: Gauge, gear: Gear, theme: Theme
) -> None:
    """PRND in the arc's opening, the current gear lit in the accent colour."""
    cx, cy, r, stroke = gauge
    body = ctx.body_px
    cell_h = _gear_cell(ctx)
    # The opening is r·√3 wide at the arc's ends; the strip keeps inside it.
    step = min(max(cell_h, body * 1.8), r * 1.6 / 4)
    _gears(ctx, g, gear, (cx, cy - 0.5 * r - stroke / 2 + cell_h * 0.42), step, cell_h, theme)


def _range_row(
    ctx: PaintContext,
    g: InstructionGroup,
    energy: Energy,
    box: Box,
    gauge: Gauge,
    theme: Theme,
) -> None:
    """The level as a bar as wide as the gauge, the level and range under it with an icon."""
    _, y, w, h = box
    body = ctx.body_px
    width = min(w, gauge.radius * 2)
    left = gauge.cx - width / 2
    line = ctx.line_px(body)
    bar_h = max(4.0, round(h - line - body * 0.3))
    bar_h = min(bar_h, body * 0.45)
    by = y + h - bar_h - body  # a body's gap under the gear strip
    mark, ink = _energy_colors(energy, theme)
    if energy.level_pct is not None:
        radius = [bar_h / 2]
        g.add(Color(*rgba(theme.gauge_track)))
        g.add(RoundedRectangle(pos=(left, by), size=(width, bar_h), radius=radius))
        g.add(Color(*rgba(mark)))
        fill = max(bar_h, width * energy.level_pct / 100)
        # A level bar fills from the start of reading (from the right, right to left).
        filled = ctx.mirror((left, by, fill, bar_h), (left, by, width, bar_h))
        g.add(RoundedRectangle(pos=filled[:2], size=(fill, bar_h), radius=radius))
    _icon_and_text(ctx, g, energy, (left, y, width, by - y), min(by - y, line), mark, ink)


def _icon_and_text(
    ctx: PaintContext,
    g: InstructionGroup,
    energy: Energy,
    row: Box,
    side: float,
    mark: RGB,
    ink: RGB,
) -> None:
    """The energy icon and the longest wording that fits beside it, centred together in a row.

    Right to left the icon follows the text (it stays at the start of reading).
    """
    left, y, width, height = row
    text = energy_texts(ctx.tr, energy)
    if not text:
        return
    body = ctx.body_px
    placed = ctx.place(text, (left + side, y, width - side, height), body, truncate=False)
    if placed is None:
        return
    start = left + (width - side - placed.size[0]) / 2
    both: Box = (start, y, side + placed.size[0] + 1, height)
    icon_box = ctx.mirror((start, y + (height - side) / 2, side, side), both)
    ctx.icon(g, _ENERGY_ICONS[energy.source], icon_box, mark)
    shifted = ctx.mirror((start + side, y, placed.size[0] + 1, height), both)
    ctx.label(g, text, shifted, body, ink, valign="middle", truncate=False)


def _outside_temperature(
    ctx: PaintContext, g: InstructionGroup, text: str, inner: Box, gauge: Gauge, theme: Theme
) -> None:
    """A thermometer and the outside temperature in the panel's top corner where reading starts.

    Only where they clear the arc's outer edge by half a stroke: a gauge as wide as the
    panel leaves its corners too little room, and nothing is drawn over the dial.
    """
    ix, iy, iw, ih = inner
    body = ctx.body_px
    line = ctx.line_px(body)
    tw = ctx.text.width(text, body) + 1
    row: Box = (ix, iy + ih - line, line + tw, line)
    # The row's point nearest the gauge's centre lies outside the ring (outer edge r + s/2).
    near_x = min(max(gauge.cx, row[0]), row[0] + row[2])
    near_y = min(max(gauge.cy, row[1]), row[1] + row[3])
    if (
        row[2] > iw
        or math.hypot(near_x - gauge.cx, near_y - gauge.cy) < gauge.radius + gauge.stroke
    ):
        return
    # Right to left the corner is the top right one, the thermometer rightmost.
    ctx.icon(g, "device_thermostat", ctx.mirror((ix, row[1], line, line), inner), theme.icon)
    box = ctx.mirror((ix + line, row[1], tw, line), inner)
    ctx.label(g, text, box, body, theme.text_muted, valign="middle", truncate=False)


def _bare_speed(
    ctx: PaintContext,
    g: InstructionGroup,
    view: SpeedView,
    theme: Theme,
    inner: Box,
    *,
    gear: bool = False,
    energy: Energy | None = None,
) -> None:
    """The speed in big digits, its unit, the energy row and (on a small cluster) the gears.

    Bottom up: the gear strip, the energy row (icon and level · range, when ``energy`` is
    given), the unit, the number. When the panel is short the energy row goes first, then
    the unit; a low level's warning outranks the unit. The number always stays.
    """
    ix, iy, iw, ih = inner
    body = ctx.body_px
    line = ctx.line_px(body)
    letter_w = max(ctx.text.width(c, body, bold=True) for c in _GEARS)
    step = max(min(iw / 5, body * 2), letter_w / 0.84)
    cell_h = max(step, line / 0.84)
    strip = gear and 4 * step <= iw and ih >= 2 * line + cell_h
    strip_h = cell_h if strip else 0.0
    warning = energy is not None and energy.low
    row = energy is not None and ih >= 2 * line + strip_h
    unit = ih >= 2 * line + strip_h + (line if row and warning else 0.0)
    row = row and ih >= 2 * line + strip_h + (line if unit else 0.0)
    row_h = line if row else 0.0
    floor = iy + strip_h + row_h
    big = max(body, min(ih * 0.6, iw * 0.32))
    number_h = ih - strip_h - row_h - (line if unit else 0.0)
    number = (ix, iy + ih - number_h, iw, number_h)
    below = _digits(ctx, g, view.speed_kmh, number, big, theme)
    if unit:
        kmh = ctx.tr.gettext(_KMH)
        ctx.label(g, kmh, (ix, floor, iw, below - floor), body, theme.text_muted, halign="center")
    if row_h and energy is not None:
        mark, ink = _energy_colors(energy, theme)
        _icon_and_text(ctx, g, energy, (ix, iy + strip_h, iw, row_h), row_h, mark, ink)
    if not strip:
        return
    _gears(ctx, g, view.gear, (ix + iw / 2, iy + cell_h * 0.42), step, cell_h, theme)


def _gears(
    ctx: PaintContext,
    g: InstructionGroup,
    gear: Gear,
    centre: tuple[float, float],
    step: float,
    cell_h: float,
    theme: Theme,
) -> None:
    """P R N D centred on a point, one ``step`` apart, the current gear lit in the accent."""
    for i, letter in enumerate(_GEARS):
        gx, gy = centre[0] + (i - 1.5) * step, centre[1]
        active = gear.name.startswith(letter)
        box = (gx - step * 0.42, gy - cell_h * 0.42, step * 0.84, cell_h * 0.84)
        if active:
            g.add(Color(*rgba(theme.accent)))
            g.add(RoundedRectangle(pos=box[:2], size=box[2:], radius=[step * 0.2]))
        ctx.label(
            g,
            letter,
            box,
            ctx.body_px,
            theme.on_accent if active else theme.text_muted,
            bold=active,
            halign="center",
            valign="middle",
            truncate=False,
        )
