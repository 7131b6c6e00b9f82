"""The browser panel: a toolbar (back, forward, reload, the address) over the live page.

While driving locks the browser on the display, the toolbar's controls are off,
the address field says so with a padlock, and the page is covered
(CarUxRestrictions): nothing of it shows.

Right to left the toolbar is mirrored: the buttons start on the right, back
first, its arrow pointing right (where "back" is in that reading direction),
and the address field's icon and text start on its right.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from kivy.graphics import Color, InstructionGroup, Line, Rectangle, RoundedRectangle

from cardeck.i18n import N_
from cardeck_sim.state import BrowserView, StateStore

from .._scene import browser_content_rect, browser_toolbar, frame_rect
from ..theme import RGB, Theme
from .base import Box, PaintContext, PanelPainter
from .text import rgba

__all__ = [
    "LOCKED",
    "TOOLBAR_ICONS",
    "TOOLBAR_ICONS_RTL",
    "BrowserPainter",
    "BrowserSlice",
    "address_wordings",
    "lock_overlay",
]

#: The toolbar's controls' icons, left to right (``BROWSER_ACTIONS``: back, forward, reload).
TOOLBAR_ICONS = ("arrow_back", "arrow_forward", "refresh")
#: The same right to left: back points right, forward left (Android mirrors them so).
TOOLBAR_ICONS_RTL = ("arrow_forward", "arrow_back", "refresh")
# i18n: the browser's empty address field, long then short
_NO_ADDRESS = (N_("Search or type a web address"), N_("Web address"))
# i18n: the browser while driving locks it (the page is hidden), long then short
LOCKED = (N_("Locked while driving"), N_("Locked"))
_UNAVAILABLE = N_("Browser unavailable")
_NO_PAGE = N_("No page open")


class BrowserSlice(NamedTuple):
    """What the browser panel shows: the page, whether driving locks it, whether its
    newest frame has been decoded (the live app decodes on a worker)."""

    browser: BrowserView
    locked: bool
    decoded: bool


def address_wordings(url: str, title: str) -> tuple[str, ...]:
    """The address field's text, longest first: "Title · host/path", "Title", "host/path", "host".

    The scheme and a leading ``www.`` go, as a car's browser shows them.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = host.removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    short = f"{host}{path}" if host else url
    wordings = [f"{title} · {short}", title] if title else []
    wordings += [short, host] if host and short != host else [short]
    return tuple(dict.fromkeys(w for w in wordings if w))


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
        x, y, w, h, _ = ctx.card(g, self.panel, theme)
        b = view.browser
        content = browser_content_rect(self.panel, ctx.layout)
        cx, cy, cw, ch = ctx.flip(content)
        self._toolbar(g, view, theme, (x, cy + ch, w, y + h - cy - ch))
        page = (cx, cy, cw, ch)
        if not b.available:
            title = ctx.tr.gettext(_UNAVAILABLE)
            self._message(g, theme, page, "public", title, b.unavailable_reason, view.locked)
        elif b.frame is not None:
            frame_tex = ctx.frames.texture(b.frame)
            if frame_tex is not None:
                fx, fy, fw, fh = ctx.flip(frame_rect(content, b.frame.width, b.frame.height))
                g.add(Color(1, 1, 1, 1))
                g.add(Rectangle(texture=frame_tex, pos=(fx, fy), size=(fw, fh)))
        elif not view.locked:
            self._message(g, theme, page, "public", ctx.tr.gettext(_NO_PAGE), "", False)
        if view.locked:
            lock_overlay(ctx, g, page, theme)

    def _toolbar(self, g: InstructionGroup, view: BrowserSlice, theme: Theme, bar: Box) -> None:
        """Back, forward and reload buttons, then the address field; a progress line."""
        ctx = self.ctx
        x, y, w, h = bar
        state = view.browser.state
        g.add(Color(*rgba(theme.status_bar)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        enabled = (
            bool(state and state.can_go_back),
            bool(state and state.can_go_forward),
            bool(state and state.url),
        )
        buttons = browser_toolbar(self.panel, ctx.layout, rtl=ctx.rtl)
        side = buttons[0][1].width
        icons = TOOLBAR_ICONS_RTL if ctx.rtl else TOOLBAR_ICONS
        for name, on, (_, rect) in zip(icons, enabled, buttons, strict=True):
            usable = on and view.browser.available and not view.locked
            bx, by, bw, bh = ctx.flip(rect)
            icon = min(bw, bh) * 0.5
            box = (bx + (bw - icon) / 2, by + (bh - icon) / 2, icon, icon)
            ctx.icon(g, name, box, theme.text if usable else theme.text_muted)
        gap = max(4.0, h * 0.12)
        # The address field after the buttons, laid out left to right and mirrored.
        fx, fw = x + 3 * side + gap, w - 3 * side - 2 * gap
        fy, fh = y + gap, h - 2 * gap
        if fw <= fh:
            return
        field = ctx.mirror((fx, fy, fw, fh), bar)
        g.add(Color(*rgba(theme.control)))
        g.add(RoundedRectangle(pos=field[:2], size=(fw, fh), radius=[fh / 2]))
        icon = fh * 0.55
        lead = fx + fh * 0.35
        lead_box = ctx.mirror((lead, fy + (fh - icon) / 2, icon, icon), bar)
        if view.locked:
            ctx.icon(g, "lock", lead_box, theme.text)
            words: tuple[str, ...] = tuple(ctx.tr.gettext(m) for m in LOCKED)
            color: RGB = theme.text
        else:
            ctx.icon(g, "public", lead_box, theme.text_muted)
            url, title = (state.url, state.title) if state is not None else ("", "")
            if url:
                words = address_wordings(url, title)
            else:
                words = tuple(ctx.tr.gettext(m) for m in _NO_ADDRESS)
            color = theme.text if url else theme.text_muted
        tx = lead + icon + fh * 0.25
        # Centred on the field, the toolbar's height tall: a script with a tall line
        # box (Arabic's) still fits one line, its letters inside the field.
        box = ctx.mirror((tx, y, fx + fw - fh * 0.35 - tx, h), bar)
        ctx.label(g, words, box, ctx.body_px, color, valign="middle")
        if state is not None and state.loading and not view.locked:
            # Chrome's loading line along the toolbar's bottom edge.
            t = max(2.0, h * 0.05)
            done = ctx.mirror((x, y, w * max(0.05, state.progress), t), bar)
            g.add(Color(*rgba(theme.accent)))
            g.add(Rectangle(pos=done[:2], size=done[2:]))
        g.add(Color(*rgba(theme.control)))
        g.add(Line(points=[x, y, x + w, y], width=1))

    def _message(
        self,
        g: InstructionGroup,
        theme: Theme,
        page: Box,
        icon_name: str,
        title: str,
        detail: str,
        locked: bool,
    ) -> None:
        """An empty page: an icon over a title and a detail, centred."""
        ctx = self.ctx
        x, y, w, h = page
        pad = max(8.0, ctx.body_px * 0.6)
        icon = min(w, h) * 0.22
        top = y + h * 0.62
        ctx.icon(g, icon_name, (x + (w - icon) / 2, top, icon, icon), theme.text_muted)
        top -= pad / 2
        used = ctx.label(
            g,
            title,
            (x + pad, y + pad, w - 2 * pad, top - y - pad),
            ctx.body_px * 1.2,
            theme.text,
            bold=True,
            halign="center",
        )
        if detail and not locked:
            box = (x + pad, y + pad, w - 2 * pad, top - used - pad / 2 - y - pad)
            ctx.label(g, detail, box, ctx.body_px, theme.text_muted, max_lines=6, halign="center")


def lock_overlay(ctx: PaintContext, g: InstructionGroup, rect: Box, theme: Theme) -> None:
    """Cover the page: nothing of it shows while driving (CarUxRestrictions)."""
    x, y, w, h = rect
    g.add(Color(*rgba(theme.lock_overlay)))
    g.add(Rectangle(pos=(x, y), size=(w, h)))
    s = min(w, h) * 0.2
    cx, cy = x + w / 2, y + h / 2 + s * 0.3
    ctx.icon(g, "lock", (cx - s / 2, cy - s / 2, s, s), theme.on_lock)
    # Below the padlock, centred: as many lines as the panel has room for.
    below = cy - s / 2 - ctx.body_px * 0.4
    ctx.label(
        g,
        tuple(ctx.tr.gettext(m) for m in LOCKED),
        (x + 8, y + 4, w - 16, below - y - 4),
        ctx.body_px,
        theme.on_lock,
        bold=True,
        max_lines=2,
        halign="center",
    )
