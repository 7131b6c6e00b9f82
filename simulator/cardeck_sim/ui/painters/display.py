"""Paint one display of a vehicle profile from the state store into Kivy instructions.

:class:`DisplayPainter` composes one panel painter per visible panel (see
:mod:`.registry`), each owning an ``InstructionGroup`` that it rebuilds only
when the part of the store it shows has changed, so a guidance step redraws
the map overlay and the guidance card, not the browser or the roads. Over
the panels it paints the display's background and, on top, the glass mask.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from kivy.graphics import (
    ClearBuffers,
    ClearColor,
    Color,
    Ellipse,
    Fbo,
    InstructionGroup,
    Mesh,
    Rectangle,
)

from cardeck.layout import Display, DisplayLayout, stage_of, stage_views
from cardeck_sim.state import StateStore

from .._scene import opened_panel
from .._theme import NIGHT, Theme, theme_for
from .base import Clock, PaintContext, Painter
from .frames import DecodedFrame, FrameTextures
from .registry import painter_for
from .text import TextCache, rgba

if TYPE_CHECKING:
    from cardeck_sim.browser import ScreencastFrame
    from cardeck_sim.maps import MapData

__all__ = ["DisplayPainter"]


def _hide(painter: Painter) -> bool:
    """Empty a painter's group while another panel is shown in its place."""
    painter.invalidate()
    if painter.group.children:
        painter.group.clear()
        return True
    return False


class DisplayPainter:
    """Draws one display from the store; call :meth:`update` each frame, it is cheap when idle.

    Usage::

        painter = DisplayPainter(display, layout, map_data=data)
        fbo.add(painter.canvas)
        painter.update(store)  # True when something was redrawn

    :param display: The profile's display (size, role, corner radii, cutouts).
    :param layout: Its solved layout.
    :param map_data: The map; None draws the map panel without roads.
    :param clock: Returns the time shown in the status bar (tests pass a fixed one).
    :param text_cache: Label textures to share (default: a cache of its own).
    :param incremental: Draw only changed panels each frame into an Fbo that is
        never cleared (the live window); see :meth:`make_fbo`.
    :param async_frames: Browser frames are decoded on a worker and handed over
        with :meth:`set_decoded_frame` (the live window); until then the last
        frame stays. Otherwise frames are decoded when painted.
    :param focus_fade_s: The live window's focus outline fades in over this long
        (0: drawn at once, as renders do).
    :param slide_s: A guidance card slides a new maneuver in over this long (0: none).
    :param now: Monotonic seconds for those transitions (tests pass a fake clock);
        :attr:`animating` says when the window must keep drawing.
    """

    def __init__(
        self,
        display: Display,
        layout: DisplayLayout,
        *,
        map_data: MapData | None = None,
        clock: Clock | None = None,
        text_cache: TextCache | None = None,
        incremental: bool = False,
        async_frames: bool = False,
        focus_fade_s: float = 0.0,
        slide_s: float = 0.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.display = display
        self.layout = layout
        self.incremental = incremental
        self.width = display.width_px
        self.height = display.height_px
        self.ctx = PaintContext(
            display,
            layout,
            text=text_cache or TextCache(),
            frames=FrameTextures(async_decode=async_frames),
            clock=clock or datetime.now,
            map_data=map_data,
            incremental=incremental,
            focus_fade_s=focus_fade_s,
            slide_s=slide_s,
            now=now,
        )
        self._now = now
        self._ring = InstructionGroup()
        # (panel id, when it took the focus, what the ring shows: theme, alpha).
        self._ring_focus: tuple[str, float] = ("", 0.0)
        self._ring_shown: tuple[str, str, float] | None = None
        self.canvas = InstructionGroup()
        self._background = InstructionGroup()
        self._mask = InstructionGroup()
        self._bg_theme = ""
        self._painters: list[Painter] = [
            painter_for(panel.kind)(self.ctx, panel) for panel in layout.panels if panel.visible
        ]
        # Collapsed panels open on the stage (a dock tab, the status bar menu or the
        # view key focuses them); each has a painter placed there, idle until then.
        stage = stage_of(layout)
        self._stage = next(
            (p for p in self._painters if stage is not None and p.panel is stage), None
        )
        self._opened: dict[str, Painter] = {}
        for panel in layout.panels:
            placed = opened_panel(layout, panel.panel_id)
            if placed is not None:
                self._opened[panel.panel_id] = painter_for(placed.kind)(self.ctx, placed)
        self._views = stage_views(layout)
        self._dots = InstructionGroup()
        self._dots_shown: tuple[str, str] | None = None
        self.canvas.add(self._background)
        for painter in (*self._painters, *self._opened.values()):
            self.canvas.add(painter.group)
        self.canvas.add(self._dots)
        self.canvas.add(self._ring)
        self.canvas.add(self._mask)
        self._paint_mask()

    @property
    def painters(self) -> tuple[Painter, ...]:
        """The panel painters, one per visible panel, in drawing (layout) order."""
        return tuple(self._painters)

    @property
    def clock(self) -> Clock:
        """Returns the time the status bar shows; assignable (a render sets its own)."""
        return self.ctx.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.ctx.clock = clock

    # -- public -----------------------------------------------------------------

    def update(self, store: StateStore) -> bool:
        """Redraw the panels whose inputs changed since the last call; return whether any did.

        In incremental mode the groups of panels that did not change are
        emptied: their pixels stay in the (never cleared) Fbo, so a frame
        draws only what changed.
        """
        theme = self._theme(store)
        # Read at each frame, so a locale switch repaints every panel in the new language
        # (the text cache takes its default direction and line height; no-op if unchanged).
        self.ctx.locale = store.locale
        self.ctx.text.set_locale(store.locale)
        changed = False
        if self._bg_theme != theme.name:
            self._bg_theme = theme.name
            self._background.clear()
            bg = (0, 0, 0) if self.ctx.hud else theme.background
            self._background.add(Color(*rgba(bg)))
            self._background.add(Rectangle(pos=(0, 0), size=(self.width, self.height)))
            changed = True
        elif self.incremental and self._background.children:
            self._background.clear()
        focused = store.focus.get(self.layout.display_id)
        opened = self._opened.get(focused or "")
        for painter in self._painters:
            if painter is self._stage and opened is not None:
                changed = _hide(painter) or changed
            elif painter.update(store, theme, focused == painter.panel.panel_id):
                changed = True
        for painter in self._opened.values():
            if painter is opened:
                changed = painter.update(store, theme, True) or changed
            else:
                changed = _hide(painter) or changed
        changed = self._paint_dots(focused or "", theme) or changed
        return self._paint_ring(focused or "", opened, theme) or changed

    @property
    def animating(self) -> bool:
        """Whether a transition is under way, so the window must tick even if the store rests."""
        fade = self.ctx.focus_fade_s
        if fade > 0 and self._now() - self._ring_focus[1] < fade:
            return True
        return any(p.animating for p in (*self._painters, *self._opened.values()))

    def _paint_ring(self, focused: str, opened: Painter | None, theme: Theme) -> bool:
        """The live window's focus outline, faded in over ``focus_fade_s`` (ease-out).

        It sits over the panels and inside the focused one, so in incremental
        frames it never trails over a neighbour; the panel that loses the focus
        repaints without it.
        """
        fade = self.ctx.focus_fade_s
        if fade <= 0:
            return False
        now = self._now()
        if focused != self._ring_focus[0]:
            self._ring_focus = (focused, now)
        t = min(1.0, (now - self._ring_focus[1]) / fade)
        alpha = round(1.0 - (1.0 - t) ** 3, 3)
        shown = (focused, theme.name, alpha)
        if shown == self._ring_shown:
            return False
        self._ring_shown = shown
        self._ring.clear()
        target = opened or next((p for p in self._painters if p.panel.panel_id == focused), None)
        if target is not None and target.panel.kind not in ("dock", "status_bar"):
            self.ctx.focus_outline(self._ring, target.panel, theme, alpha)
        return True

    def make_fbo(self) -> Fbo:
        """Return an Fbo of the display's size drawing this painter.

        A full painter's Fbo clears each draw; an incremental one never
        clears, so unchanged panels keep their pixels.
        """
        fbo = Fbo(size=(self.width, self.height))
        if not self.incremental:
            fbo.add(ClearColor(0, 0, 0, 1))
            fbo.add(ClearBuffers())
        fbo.add(self.canvas)
        return fbo

    def set_decoded_frame(self, frame: ScreencastFrame, decoded: DecodedFrame) -> None:
        """Hand over a frame decoded off the loop thread (see :func:`.decode_frame`)."""
        self.ctx.frames.set_decoded(frame, decoded)

    # -- the display ------------------------------------------------------------

    def _theme(self, store: StateStore) -> Theme:
        # A HUD projects onto the windshield: black is transparent, so it is always "night".
        if self.ctx.hud:
            return NIGHT
        return theme_for(store.vehicle.dark_theme)

    def _paint_dots(self, focused: str, theme: Theme) -> bool:
        """Page dots on the stage of a cluster or HUD: one per view, the shown one lit."""
        if not self._views:
            return False
        ids = [p.panel_id for p in self._views]
        shown = focused if focused in ids else ids[0]
        if self._dots_shown == (theme.name, shown) and not self.incremental:
            return False
        self._dots_shown = (theme.name, shown)
        g = self._dots
        g.clear()
        # At the top of the stage: its bottom edge carries the map's credit line.
        x, y, w, h = self.ctx.flip(self._views[0].rect_px)
        d = max(6.0, round(self.layout.min_touch_px / 6))
        left = x + w / 2 - (len(ids) * 2 - 1) * d / 2
        for index, panel_id in enumerate(ids):
            lit = panel_id == shown
            g.add(Color(*rgba(theme.accent if lit else theme.control)))
            g.add(Ellipse(pos=(left + index * 2 * d, y + h - 1.5 * d), size=(d, d)))
        return True

    def _paint_mask(self) -> None:
        """Black out rounded corners and cutouts, as the glass does."""
        g = self._mask
        d = self.display
        g.add(Color(0, 0, 0, 1))
        W, H = self.width, self.height
        radii = d.corner_radii
        corners = (
            (radii.top_left, 0.0, float(H), 1.0, -1.0),
            (radii.top_right, float(W), float(H), -1.0, -1.0),
            (radii.bottom_right, float(W), 0.0, -1.0, 1.0),
            (radii.bottom_left, 0.0, 0.0, 1.0, 1.0),
        )
        for r, cx, cy, sx, sy in corners:
            if r <= 0:
                continue
            # A fan from the corner over the quarter arc: the area outside the rounding.
            ox, oy = cx + sx * r, cy + sy * r
            verts = [cx, cy, 0.0, 0.0]
            steps = 12
            for i in range(steps + 1):
                a = math.pi / 2 * i / steps
                verts += [ox - sx * r * math.cos(a), oy - sy * r * math.sin(a), 0.0, 0.0]
            g.add(Mesh(vertices=verts, indices=list(range(steps + 2)), mode="triangle_fan"))
        for c in d.cutouts:
            g.add(Rectangle(pos=(c.x, H - c.y - c.height), size=(c.width, c.height)))
