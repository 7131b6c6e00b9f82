"""The browser panel: a title bar, the page's newest screencast frame, the driving lock."""

from __future__ import annotations

from typing import NamedTuple

from kivy.graphics import Color, InstructionGroup, Line, Rectangle, RoundedRectangle

from cardeck_sim.state import BrowserView, StateStore

from .._scene import browser_content_rect, frame_rect
from .._theme import Theme
from .base import PaintContext, PanelPainter
from .text import rgba

__all__ = ["BrowserPainter", "BrowserSlice", "lock_overlay"]


class BrowserSlice(NamedTuple):
    """What the browser panel shows: the page, whether driving locks it, whether its
    newest frame has been decoded (the live app decodes on a worker)."""

    browser: BrowserView
    locked: bool
    decoded: bool


class BrowserPainter(PanelPainter[BrowserSlice]):
    """The ``browser`` panel: reads ``store.browser`` and whether driving locks it on this display.

    Only displays the driver can see lock (``DriveRestrictions.browser_locked_on``);
    a passenger screen behind a privacy filter keeps its page while driving.
    """

    def read(self, store: StateStore) -> BrowserSlice:
        b = store.browser
        locked = store.restrictions.browser_locked_on(self.ctx.display.id)
        return BrowserSlice(b, locked, self.ctx.frames.is_decoded(b.frame))

    def paint(self, g: InstructionGroup, view: BrowserSlice, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        b = view.browser
        size = ctx.body_px
        content = browser_content_rect(self.panel, ctx.layout)
        _, cy, _, ch = ctx.flip(content)
        # Title bar: the page's title (or URL) on the background colour.
        g.add(Color(*rgba(theme.background)))
        g.add(Rectangle(pos=(x, cy + ch), size=(w, y + h - cy - ch)))
        title = ""
        if b.state is not None:
            title = b.state.title or b.state.url
        title = title or "Browser"
        bar_h = y + h - cy - ch
        ctx.label(
            g,
            title,
            (x + pad, cy + ch, w - 2 * pad, bar_h),
            size * 0.9,
            theme.text,
            valign="middle",
        )
        if not b.available:
            top = cy + ch - pad
            box = (x + pad, y + pad, w - 2 * pad, top - y - pad)
            top -= ctx.label(g, "Browser unavailable", box, size * 1.2, theme.text, bold=True)
            box = (x + pad, y + pad, w - 2 * pad, top - pad / 2 - y - pad)
            ctx.label(g, b.unavailable_reason, box, size, theme.text_muted, max_lines=6)
        elif b.frame is not None:
            frame_tex = ctx.frames.texture(b.frame)
            if frame_tex is not None:
                fx, fy, fw, fh = ctx.flip(frame_rect(content, b.frame.width, b.frame.height))
                g.add(Color(1, 1, 1, 1))
                g.add(Rectangle(texture=frame_tex, pos=(fx, fy), size=(fw, fh)))
        if view.locked:
            lock_overlay(ctx, g, (x, y, w, h), theme)


def lock_overlay(
    ctx: PaintContext,
    g: InstructionGroup,
    rect: tuple[float, float, float, float],
    theme: Theme,
) -> None:
    """Cover a panel: nothing of the page shows while driving (CarUxRestrictions)."""
    x, y, w, h = rect
    g.add(Color(*rgba(theme.lock_overlay)))
    g.add(Rectangle(pos=(x, y), size=(w, h)))
    s = min(w, h) * 0.18
    cx, cy = x + w / 2, y + h / 2 + s * 0.4
    g.add(Color(*rgba(theme.on_lock)))
    g.add(RoundedRectangle(pos=(cx - s * 0.5, cy - s * 0.45), size=(s, s * 0.75), radius=[s * 0.1]))
    g.add(
        Line(
            ellipse=(cx - s * 0.32, cy + s * 0.05, s * 0.64, s * 0.7, -90, 90),
            width=max(2.0, s * 0.08),
        )
    )
    # Below the padlock, centred: as many lines as the panel has room for.
    below = cy - s * 0.45 - ctx.body_px * 0.6
    ctx.label(
        g,
        "Locked while driving",
        (x + 8, y + 4, w - 16, below - y - 4),
        ctx.body_px,
        theme.on_lock,
        bold=True,
        max_lines=2,
        halign="center",
    )
