"""What every panel painter shares: the display's paint context and the painter base class.

A painter paints one panel kind. It states the slice of the store it shows
(:meth:`PanelPainter.read`, a typed view) and how it paints that slice
(:meth:`PanelPainter.paint`); the base class repaints the panel only when
the slice, the theme or the panel's focus changed. Coordinates: the layout's
rects are top-left origin, Kivy's are bottom-left; :meth:`PaintContext.flip`
converts.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypedDict, TypeVar, Unpack

from kivy.graphics import Color, InstructionGroup, Rectangle, RoundedRectangle
from kivy.graphics.scissor_instructions import ScissorPop, ScissorPush

from cardeck.i18n import DEFAULT_LOCALE, Translator, translator
from cardeck.layout import Display, DisplayLayout, PanelLayout, Rect
from cardeck_sim.state import StateStore

from ..theme import RGB, Scale, Theme, scale_for
from ..theme.icons import icon_char
from .frames import FrameTextures
from .text import TextCache, TextTypes, rgba

if TYPE_CHECKING:
    from cardeck_sim.maps import MapData

__all__ = [
    "Box",
    "Clock",
    "Fit",
    "PaintContext",
    "PaintedText",
    "Painter",
    "PainterFactory",
    "PanelPainter",
]

#: Returns the time the status bar shows (tests pass a fixed one).
Clock = Callable[[], datetime]
#: A panel's box in Kivy coordinates and its inner padding: x, y, width, height, pad.
CardBox = tuple[float, float, float, float, float]
#: A box in Kivy coordinates (y up): x, y, width, height.
Box = tuple[float, float, float, float]

View = TypeVar("View")


class Fit(TypedDict, total=False):
    """How :meth:`PaintContext.place` fits and aligns a text (every key is optional)."""

    #: Bold type (default False).
    bold: bool
    #: At most this many lines, however tall the box (default 1).
    max_lines: int
    #: left, center or right in the box; by default where reading starts
    #: (left, or right in a right-to-left locale: :attr:`PaintContext.start`).
    halign: str
    #: top (default), middle or bottom in the box.
    valign: str
    #: False for data (a distance, a speed, the clock): whole or nothing (default True).
    truncate: bool
    #: A one-letter pictogram inside an icon (a marker's "P"), sized by the icon
    #: rather than held to the text floor (default False).
    glyph: bool


@dataclass(frozen=True)
class PaintedText:
    """One string as painted: what tests measure to check that no text is clipped.

    :param source: The text asked for (its longest wording).
    :param text: The text as drawn, its lines joined by newlines.
    :param rect: The box it was fitted to, Kivy (x, y, width, height).
    :param font_px: The font size it is drawn at.
    :param pos: Where its texture is drawn (bottom-left, Kivy coordinates).
    :param size: The texture's size as measured (when recorded, the real texture's).
    :param glyph: A pictogram inside an icon, not held to the text floor.
    :param icon: For an icon (:meth:`PaintContext.icon`), its name; ``text`` is then its
        private-use character. Empty for text: a test tells them apart by it.
    """

    source: str
    text: str
    rect: Box
    font_px: int
    pos: tuple[float, float]
    size: tuple[int, int]
    bold: bool = False
    halign: str = "left"
    glyph: bool = False
    icon: str = ""


@dataclass
class PaintContext:
    """One display's painting setup, shared by the painters of its panels.

    :param display: The profile's display (size, role, corner radii, cutouts).
    :param layout: Its solved layout.
    :param text: The label textures, shared by every panel of the display.
    :param frames: The browser's frame textures.
    :param clock: Returns the time the status bar shows.
    :param map_data: The map; None draws the map panel without roads.
    :param incremental: Panels paint over their old pixels (the live window's
        Fbo is never cleared), so each must be opaque and stay inside its rect.
    :param painted: When a list, every text drawn is appended to it, in display
        coordinates (tests measure them).
    :param locale: The head unit's locale (``store.locale``); the display painter sets
        it at each frame, so a switch repaints every panel in the new language.
    """

    display: Display
    layout: DisplayLayout
    text: TextCache
    frames: FrameTextures
    clock: Clock
    map_data: MapData | None = None
    incremental: bool = False
    #: > 0 in the live window: panels leave the focus outline to the display
    #: painter, which fades it in over this many seconds.
    focus_fade_s: float = 0.0
    #: > 0 in the live window: a guidance card slides its new maneuver in over this long.
    slide_s: float = 0.0
    #: Monotonic seconds for transitions (tests pass a fake one).
    now: Callable[[], float] = time.monotonic
    painted: list[PaintedText] | None = None
    locale: str = DEFAULT_LOCALE
    body_px: float = field(init=False)
    #: The design system's sizes on this display (type scale, grid, radii, elevation).
    scale: Scale = field(init=False)
    #: Where the layer being painted sits on the display (the map's cached layers).
    origin: tuple[float, float] = field(init=False, default=(0.0, 0.0))
    _tr: tuple[str, Translator] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.body_px = float(self.layout.min_text_px)
        self.scale = scale_for(self.layout)

    @property
    def tr(self) -> Translator:
        """The current locale's messages and formats (the shared Translator, kept per tag)."""
        # translator() normalizes the tag on each call (~4 µs); painters ask many times a frame.
        if self._tr is None or self._tr[0] != self.locale:
            self._tr = (self.locale, translator(self.locale))
        return self._tr[1]

    @property
    def rtl(self) -> bool:
        """Whether the locale reads right to left: reading-order rows are mirrored."""
        return self.tr.rtl

    @property
    def start(self) -> str:
        """The ``halign`` where reading starts: left, or right in a right-to-left locale."""
        return "right" if self.rtl else "left"

    @property
    def end(self) -> str:
        """The ``halign`` where reading ends: right, or left in a right-to-left locale."""
        return "left" if self.rtl else "right"

    def mirror(self, box: Box, within: Box) -> Box:
        """A box laid out left to right, mirrored inside ``within`` in a right-to-left locale.

        Painters lay a row that follows reading order (an icon before its label, a
        card's columns) out from the left, then draw each part at ``mirror(part, row)``:
        unchanged left to right, across the row's middle right to left. Geographic
        things (maneuver and lane arrows, the map) and physical ones (the driver's
        climate zone) are never mirrored.
        """
        if not self.rtl:
            return box
        x, y, w, h = box
        wx, _, ww, _ = within
        return (wx + ww - (x - wx) - w, y, w, h)

    @property
    def hud(self) -> bool:
        """Whether the display is a head-up display: black is its transparent."""
        return self.display.role == "hud"

    def flip(self, r: Rect) -> tuple[float, float, float, float]:
        """Return a layout rect as Kivy (x, y, w, h) with y up."""
        height = self.display.height_px
        return (float(r.x), float(height - r.y - r.height), float(r.width), float(r.height))

    def place(
        self, text: TextTypes, box: Box, size: float, **how: Unpack[Fit]
    ) -> PaintedText | None:
        """Fit text to a box (see :meth:`TextCache.fit`) and place it; None if nothing fits.

        :param box: The box the text is painted in, Kivy (x, y, width, height).
        :param size: The size the text would like; never drawn below ``min_text_px``.
        :param how: How it is fitted and aligned (:class:`Fit`).
        """
        bx, by, bw, bh = box
        # Unless told, text starts where reading starts: right-aligned right to left.
        bold, halign, glyph = (
            how.get("bold", False),
            how.get("halign", self.start),
            how.get("glyph", False),
        )
        fit = self.text.fit(
            text,
            bw,
            bh,
            size,
            1.0 if glyph else float(self.layout.min_text_px),
            bold=bold,
            max_lines=how.get("max_lines", 1),
            truncate=how.get("truncate", True),
        )
        if fit is None:
            return None
        w = max((self.text.width(line, fit.size_px, bold=bold) for line in fit.lines), default=0)
        h = self.text.line_height(fit.size_px, bold=bold) * len(fit.lines)
        px = {"center": bx + (bw - w) / 2, "right": bx + bw - w}.get(halign, bx)
        py = {"middle": by + (bh - h) / 2, "bottom": by}.get(how.get("valign", "top"), by + bh - h)
        pos = (_snap(px, bx, bw, w), _snap(py, by, bh, h))
        first = text if isinstance(text, str) else (text[0] if text else "")
        return PaintedText(first, fit.text, box, fit.size_px, pos, (w, h), bold, halign, glyph)

    def draw(self, g: InstructionGroup, placed: PaintedText, color: RGB) -> None:
        """Draw placed text in a colour (and record it when the context records)."""
        tex = self.text.texture(
            placed.text, placed.font_px, color, bold=placed.bold, halign=placed.halign
        )
        if self.painted is not None:
            ox, oy = self.origin
            bx, by, bw, bh = placed.rect
            self.painted.append(
                replace(
                    placed,
                    rect=(bx + ox, by + oy, bw, bh),
                    pos=(placed.pos[0] + ox, placed.pos[1] + oy),
                    size=(tex.width, tex.height),
                )
            )
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=tex, pos=placed.pos, size=tex.size))

    def icon(
        self,
        g: InstructionGroup,
        name: str,
        box: Box,
        color: RGB,
        *,
        size: float | None = None,
        filled: bool = False,
    ) -> PaintedText | None:
        """Draw a named icon centred in a box, as large as the box allows (or ``size``).

        The icon is a square of whole pixels, recorded in :attr:`painted` like a text
        with its name in :attr:`PaintedText.icon`. None when the box is under 8 px.

        :param name: A name from :data:`cardeck_sim.ui.theme.icons.ICONS` (e.g. ``"mic"``).
        :param box: The box to centre it in, Kivy (x, y, width, height).
        :param color: Its colour.
        :param size: At most this many px (the box's shorter side if None).
        :param filled: The filled variant (a lit control), else outlined.
        :raises KeyError: ``name`` is not in the icon set.
        """
        bx, by, bw, bh = box
        side = int(min(bw, bh, size if size is not None else math.inf))
        if side < _MIN_ICON_PX:
            return None
        tex = self.text.icon(name, side, color, filled=filled)
        pos = (float(round(bx + (bw - side) / 2)), float(round(by + (bh - side) / 2)))
        placed = PaintedText(
            name, icon_char(name), box, side, pos, (side, side), glyph=True, icon=name
        )
        if self.painted is not None:
            ox, oy = self.origin
            self.painted.append(
                replace(placed, rect=(bx + ox, by + oy, bw, bh), pos=(pos[0] + ox, pos[1] + oy))
            )
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=tex, pos=pos, size=(side, side)))
        return placed

    def label(
        self,
        g: InstructionGroup,
        text: TextTypes,
        box: Box,
        size: float,
        color: RGB,
        **how: Unpack[Fit],
    ) -> float:
        """Fit text to its box and draw it; return the height drawn (0 when nothing fits).

        The parameters are :meth:`place`'s; stacked texts pass the box left below the
        last one, so each is measured against the room it really has.
        """
        placed = self.place(text, box, size, **how)
        if placed is None:
            return 0.0
        self.draw(g, placed, color)
        return float(placed.size[1])

    @contextmanager
    def layer_at(self, x: float, y: float) -> Iterator[None]:
        """Paint into an offscreen layer drawn at (x, y): texts are recorded where they show."""
        before = self.origin
        self.origin = (before[0] + x, before[1] + y)
        try:
            yield
        finally:
            self.origin = before

    def line_px(self, size: float, *, bold: bool = False) -> float:
        """The height of one line of text at a size (at least the display's minimum)."""
        return float(self.text.line_height(max(size, self.layout.min_text_px), bold=bold))

    def card(self, g: InstructionGroup, panel: PanelLayout, theme: Theme) -> CardBox:
        """Fill a panel with the surface colour; return its Kivy rect and padding."""
        x, y, w, h = self.flip(panel.rect_px)
        # Opaque in every case (a HUD's black is its "transparent"): incremental
        # frames paint a panel over its old pixels.
        g.add(Color(*rgba((0, 0, 0) if self.hud else theme.surface)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        pad = max(8.0, round(self.body_px * 0.6))
        return x, y, w, h, pad

    def raised(
        self,
        g: InstructionGroup,
        box: Box,
        theme: Theme,
        *,
        level: int = 1,
        radius: float | None = None,
        color: RGB | None = None,
    ) -> None:
        """Draw a raised card: its soft shadow (elevation ``level``), then its rounded face.

        :param box: The card, Kivy (x, y, width, height); the shadow reaches beyond it.
        :param radius: Its corner radius (the scale's medium radius if None).
        :param color: Its face (``theme.surface_raised`` if None).
        """
        x, y, w, h = box
        r = self.scale.radius_medium if radius is None else radius
        shade = self.scale.elevation(level)
        for k in range(shade.steps, 0, -1):
            # Wider, fainter steps outward: cheap (one rounded rect each) and soft enough.
            grow = shade.reach_px * k / shade.steps
            g.add(Color(*rgba(theme.shadow, theme.shadow_alpha / (shade.steps + 1))))
            g.add(
                RoundedRectangle(
                    pos=(x - grow, y - grow - shade.offset_px * k / shade.steps),
                    size=(w + 2 * grow, h + 2 * grow),
                    radius=[r + grow],
                )
            )
        g.add(Color(*rgba(theme.surface_raised if color is None else color)))
        g.add(RoundedRectangle(pos=(x, y), size=(w, h), radius=[r]))

    def control_button(
        self,
        g: InstructionGroup,
        rect: tuple[float, float, float, float],
        active: bool,
        theme: Theme,
    ) -> tuple[float, RGB]:
        """Draw a touch control's rounded button (the status bar's menu), lit when active.

        :return: the button's inset inside ``rect`` and the colour to draw on it.
        """
        x, y, w, h = rect
        inset = max(4.0, round(self.layout.min_touch_px * 0.08))
        g.add(Color(*rgba(theme.accent if active else theme.control)))
        g.add(
            RoundedRectangle(
                pos=(x + inset, y + inset),
                size=(w - 2 * inset, h - 2 * inset),
                radius=[inset * 1.5],
            )
        )
        return inset, theme.on_accent if active else theme.text

    def focus_outline(
        self, g: InstructionGroup, panel: PanelLayout, theme: Theme, alpha: float = 1.0
    ) -> None:
        """Outline the focused panel in the accent colour (the rotary controller's cursor)."""
        x, y, w, h = self.flip(panel.rect_px)
        # A band 2t wide along the inside of the panel's edge, as four rectangles
        # that do not overlap (a translucent Line would also tint the inside).
        b = 2 * max(2.0, self.layout.min_touch_px / 25.0)
        g.add(Color(*rgba(theme.accent, alpha)))
        for rx, ry, rw, rh in (
            (x, y, w, b),
            (x, y + h - b, w, b),
            (x, y + b, b, h - 2 * b),
            (x + w - b, y + b, b, h - 2 * b),
        ):
            g.add(Rectangle(pos=(rx, ry), size=(rw, max(0.0, rh))))


#: Smaller than this an icon is a smudge: not drawn.
_MIN_ICON_PX = 8


def _snap(pos: float, start: float, room: float, length: float) -> float:
    """A whole-pixel position for a texture, kept inside its box when the box allows."""
    lo, hi = math.ceil(start), math.floor(start + room) - length
    return float(min(max(round(pos), lo), hi) if lo <= hi else round(pos))


def out_to_the_glass(rects: list[Rect], layout: DisplayLayout) -> list[Rect]:
    """Widen a region's strips over the unusable pixels between them and the glass's edge.

    The usable region keeps rounded corners as an inner staircase; drawn as is,
    its steps would show between the panel and the arc. Each strip grows left,
    right, up and down to the nearest usable pixel (or the display's edge), which
    only covers pixels no panel owns; the glass mask drawn on top trims the arc.
    """
    usable = layout.usable_px
    out: list[Rect] = []
    for r in rects:
        rows = [q for q in usable if q.y < r.bottom and r.y < q.bottom]
        left, right = r.x, r.right
        # Only where the pixel beside the strip is usable in none of its rows.
        if not any(q.x < r.x <= q.right for q in rows):
            left = max((q.right for q in rows if q.right <= r.x), default=0)
        if not any(q.x <= r.right < q.right for q in rows):
            right = min((q.x for q in rows if q.x >= r.right), default=layout.width_px)
        out.append(Rect(left, r.y, right - left, r.height))
        # The same up and down, for the rows a step of the staircase leaves out.
        cols = [q for q in usable if q.x < r.right and r.x < q.right]
        if not any(q.y < r.y <= q.bottom for q in cols):
            top = max((q.bottom for q in cols if q.bottom <= r.y), default=0)
            out.append(Rect(r.x, top, r.width, r.y - top))
        if not any(q.y <= r.bottom < q.bottom for q in cols):
            bottom = min((q.y for q in cols if q.y >= r.bottom), default=layout.height_px)
            out.append(Rect(r.x, r.bottom, r.width, bottom - r.bottom))
    return out


class Painter(ABC):
    """One panel's drawing, as the display painter drives it.

    :param ctx: The display's paint context.
    :param panel: The panel this painter draws.
    """

    def __init__(self, ctx: PaintContext, panel: PanelLayout) -> None:
        self.ctx = ctx
        self.panel = panel
        #: The panel's instructions; the display painter stacks the groups in layout order.
        self.group = InstructionGroup()

    @abstractmethod
    def update(self, store: StateStore, theme: Theme, focused: bool) -> bool:
        """Bring the group up to date with the store; return whether the group changed."""

    @abstractmethod
    def invalidate(self) -> None:
        """Forget what the group shows, so the next :meth:`update` repaints it."""

    @property
    def animating(self) -> bool:
        """Whether the panel is in a transition and wants a frame even if the store rests."""
        return False


#: Makes the painter of one panel; the registry maps each panel kind to one.
PainterFactory = Callable[[PaintContext, PanelLayout], Painter]


class PanelPainter(Painter, Generic[View]):
    """A painter that repaints its panel only when the view it reads has changed.

    Subclasses say what they show and how::

        class SpeedPainter(PanelPainter[int]):
            def read(self, store: StateStore) -> int:
                return round(store.vehicle.speed_kmh)

            def paint(self, g, view, theme, focused): ...

    The view must compare equal exactly when the panel would look the same:
    plain values, tuples, frozen dataclasses.
    """

    def __init__(self, ctx: PaintContext, panel: PanelLayout) -> None:
        super().__init__(ctx, panel)
        self._shown: tuple[str, str, bool, View] | None = None
        # The strips of the panel's region beside rounded corners and cutouts, out to
        # the glass, in Kivy coordinates: fixed for the painter's layout, so worked
        # out once rather than on every repaint (the map repaints every frame).
        extra = [r for r in panel.region_px if not panel.rect_px.contains(r)]
        self._beyond = [ctx.flip(r) for r in out_to_the_glass(extra, ctx.layout)] if extra else []

    @abstractmethod
    def read(self, store: StateStore) -> View:
        """Return the slice of the store this panel shows."""

    @abstractmethod
    def paint(self, g: InstructionGroup, view: View, theme: Theme, focused: bool) -> None:
        """Draw the view into the (empty) group, inside the panel's rect."""

    def backdrop(self, theme: Theme) -> RGB:
        """The colour of the panel's area beyond its rect (beside corners and cutouts)."""
        return (0, 0, 0) if self.ctx.hud else theme.surface

    def paint_beyond(self, g: InstructionGroup, view: View, theme: Theme) -> None:
        """Draw in the panel's region beyond its rect (the strip past a notch); none by default.

        Called after the backdrop and before :meth:`paint`, unclipped: what it draws
        must stay inside ``panel.region_px``, which no other panel owns.
        """

    def invalidate(self) -> None:
        """Forget the view shown, so the next :meth:`update` repaints the panel."""
        self._shown = None

    def update(self, store: StateStore, theme: Theme, focused: bool) -> bool:
        """Repaint when the view, theme, locale or focus changed; return whether it changed.

        In incremental mode an unchanged panel's group is emptied: its pixels
        stay in the (never cleared) Fbo, so a frame draws only what changed.
        """
        # The locale is part of what is shown: a switch repaints every panel.
        shown = (theme.name, self.ctx.locale, focused, self.read(store))
        g = self.group
        if shown == self._shown:
            if self.ctx.incremental and g.children:
                g.clear()
                return True
            return False
        self._shown = shown
        g.clear()
        # The strips beside rounded corners and cutouts carry the panel's background;
        # the region never overlaps another panel's.
        if self._beyond:
            g.add(Color(*rgba(self.backdrop(theme))))
            for rx, ry, rw, rh in self._beyond:
                g.add(Rectangle(pos=(rx, ry), size=(rw, rh)))
            self.paint_beyond(g, shown[3], theme)
        # Clip to the panel: nothing may spill into a neighbour, which in
        # incremental mode would not be repainted.
        x, y, w, h = self.ctx.flip(self.panel.rect_px)
        g.add(ScissorPush(x=int(x), y=int(y), width=max(1, int(w)), height=max(1, int(h))))
        self.paint(g, shown[3], theme, focused)
        if focused and self.ctx.focus_fade_s <= 0:
            self.ctx.focus_outline(g, self.panel, theme)
        g.add(ScissorPop())
        return True
