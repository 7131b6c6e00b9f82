"""What every panel painter shares: the display's paint context and the painter base class.

A painter paints one panel kind. It states the slice of the store it shows
(:meth:`PanelPainter.read`, a typed view) and how it paints that slice
(:meth:`PanelPainter.paint`); the base class repaints the panel only when
the slice, the theme or the panel's focus changed. Coordinates: the layout's
rects are top-left origin, Kivy's are bottom-left; :meth:`PaintContext.flip`
converts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from kivy.graphics import Color, InstructionGroup, Line, Rectangle, RoundedRectangle
from kivy.graphics.scissor_instructions import ScissorPop, ScissorPush

from cardeck.layout import Display, DisplayLayout, PanelLayout, Rect
from cardeck_sim.state import StateStore

from .._theme import RGB, Theme
from .frames import FrameTextures
from .text import TextCache, rgba

if TYPE_CHECKING:
    from cardeck_sim.maps import MapData

__all__ = ["Clock", "PaintContext", "Painter", "PainterFactory", "PanelPainter"]

#: Returns the time the status bar shows (tests pass a fixed one).
Clock = Callable[[], datetime]
#: A panel's box in Kivy coordinates and its inner padding: x, y, width, height, pad.
CardBox = tuple[float, float, float, float, float]

View = TypeVar("View")


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
    """

    display: Display
    layout: DisplayLayout
    text: TextCache
    frames: FrameTextures
    clock: Clock
    map_data: MapData | None = None
    incremental: bool = False
    body_px: float = field(init=False)

    def __post_init__(self) -> None:
        self.body_px = float(self.layout.min_text_px)

    @property
    def hud(self) -> bool:
        """Whether the display is a head-up display: black is its transparent."""
        return self.display.role == "hud"

    def flip(self, r: Rect) -> tuple[float, float, float, float]:
        """Return a layout rect as Kivy (x, y, w, h) with y up."""
        height = self.display.height_px
        return (float(r.x), float(height - r.y - r.height), float(r.width), float(r.height))

    def label(
        self,
        g: InstructionGroup,
        text: str,
        x: float,
        y: float,
        size: float,
        color: RGB,
        *,
        bold: bool = False,
        width: float | None = None,
        max_lines: int = 1,
        halign: str = "left",
        center: bool = False,
    ) -> float:
        """Draw text with its top-left at (x, y) in Kivy coords; return its height.

        With ``center`` the text is centred on (x, y) instead (one line, centred).
        """
        if not text:
            return 0.0
        if center:
            halign = "center"
        tex = self.text.texture(
            text, size, color, bold=bold, width=width, max_lines=max_lines, halign=halign
        )
        w, h = tex.size
        pos = (round(x - w / 2), round(y - h / 2)) if center else (round(x), round(y - h))
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=tex, pos=pos, size=(w, h)))
        return float(h)

    def card(self, g: InstructionGroup, panel: PanelLayout, theme: Theme) -> CardBox:
        """Fill a panel with the surface colour; return its Kivy rect and padding."""
        x, y, w, h = self.flip(panel.rect_px)
        # Opaque in every case (a HUD's black is its "transparent"): incremental
        # frames paint a panel over its old pixels.
        g.add(Color(*rgba((0, 0, 0) if self.hud else theme.surface)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        pad = max(8.0, round(self.body_px * 0.6))
        return x, y, w, h, pad

    def control_button(
        self,
        g: InstructionGroup,
        rect: tuple[float, float, float, float],
        active: bool,
        theme: Theme,
    ) -> tuple[float, RGB]:
        """Draw a touch control's rounded button (a dock tab, the status menu), lit when active.

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

    def focus_outline(self, g: InstructionGroup, panel: PanelLayout, theme: Theme) -> None:
        """Outline the focused panel in the accent colour (the rotary controller's cursor)."""
        x, y, w, h = self.flip(panel.rect_px)
        t = max(2.0, self.layout.min_touch_px / 25.0)
        g.add(Color(*rgba(theme.accent)))
        g.add(Line(rectangle=(x + t, y + t, w - 2 * t, h - 2 * t), width=t, joint="miter"))


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
        self._shown: tuple[str, bool, View] | None = None

    @abstractmethod
    def read(self, store: StateStore) -> View:
        """Return the slice of the store this panel shows."""

    @abstractmethod
    def paint(self, g: InstructionGroup, view: View, theme: Theme, focused: bool) -> None:
        """Draw the view into the (empty) group, inside the panel's rect."""

    def backdrop(self, theme: Theme) -> RGB:
        """The colour of the panel's area beyond its rect (beside corners and cutouts)."""
        return (0, 0, 0) if self.ctx.hud else theme.surface

    def invalidate(self) -> None:
        """Forget the view shown, so the next :meth:`update` repaints the panel."""
        self._shown = None

    def update(self, store: StateStore, theme: Theme, focused: bool) -> bool:
        """Repaint when the view, theme or focus changed; return whether the group changed.

        In incremental mode an unchanged panel's group is emptied: its pixels
        stay in the (never cleared) Fbo, so a frame draws only what changed.
        """
        shown = (theme.name, focused, self.read(store))
        g = self.group
        if shown == self._shown:
            if self.ctx.incremental and g.children:
                g.clear()
                return True
            return False
        self._shown = shown
        g.clear()
        # The strips of the panel's region beside rounded corners and cutouts carry
        # its background; the region never overlaps another panel's.
        extra = [r for r in self.panel.region_px if not self.panel.rect_px.contains(r)]
        if extra:
            g.add(Color(*rgba(self.backdrop(theme))))
            for r in out_to_the_glass(extra, self.ctx.layout):
                rx, ry, rw, rh = self.ctx.flip(r)
                g.add(Rectangle(pos=(rx, ry), size=(rw, rh)))
        # Clip to the panel: nothing may spill into a neighbour, which in
        # incremental mode would not be repainted.
        x, y, w, h = self.ctx.flip(self.panel.rect_px)
        g.add(ScissorPush(x=int(x), y=int(y), width=max(1, int(w)), height=max(1, int(h))))
        self.paint(g, shown[2], theme, focused)
        if focused:
            self.ctx.focus_outline(g, self.panel, theme)
        g.add(ScissorPop())
        return True
