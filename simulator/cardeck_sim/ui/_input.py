"""User input as store commands: taps, drags, pinches and rotary steps.

The window, the console and SimulatorService.Tap all come through here, so a
tap means the same thing whoever sends it. Free of kivy. Coordinates are
display pixels with the origin at the top left (as the layout's rects).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cardeck.i18n import locale_info
from cardeck.layout import DisplayLayout, PanelLayout
from cardeck.v1 import types_pb2
from cardeck_sim.state import takes_focus

from ._scene import (
    browser_content_rect,
    browser_toolbar,
    camera_for,
    contains,
    dock_tabs,
    frame_rect,
    menu_target,
    opened_panel,
    pan_camera,
    panel_kind_value,
    status_menu,
    voice_answer_buttons,
    zoom_camera,
)

if TYPE_CHECKING:
    from cardeck_sim.maps import MapData
    from cardeck_sim.state import ProfileSource, StateStore

__all__ = [
    "BrowserActionHook",
    "BrowserClickHook",
    "VoiceAnswerHook",
    "drag_map",
    "hit_test",
    "pinch_map",
    "rotate_focus",
    "tap",
    "tap_async",
]

#: Called with page coordinates (CSS px of the screencast frame) of a browser tap.
BrowserClickHook = Callable[[int, int], Awaitable[object]]
#: Called with the action of a browser toolbar button tapped: back, forward or reload.
BrowserActionHook = Callable[[str], Awaitable[object]]
#: Called with True (Yes) or False (No) when the voice panel's answer button is tapped.
VoiceAnswerHook = Callable[[bool], Awaitable[object]]


@dataclass(frozen=True)
class _VoiceAnswer:
    confirmed: bool


#: What a tap asks for: page coordinates to click or a toolbar action of the
#: browser, an answer to the voice panel's question, or nothing.
_BrowserTap = tuple[int, int] | str | _VoiceAnswer | None

# Panels a tap or the rotary controller can focus; the status bar and the dock
# are chrome, not destinations.
_log = logging.getLogger(__name__)
# Fire-and-forget click tasks, referenced until done so they are not collected.
_PENDING: set[asyncio.Future[object]] = set()


def hit_test(layout: DisplayLayout, x_px: float, y_px: float) -> PanelLayout | None:
    """Return the visible panel under a point of a display, or None.

    :param layout: The display's solved layout.
    :param x_px: Distance from the display's left edge in pixels.
    :param y_px: Distance from the display's top edge in pixels.
    """
    return layout.panel_at(x_px, y_px)


def _layout(catalog: ProfileSource, store: StateStore, display_id: str) -> DisplayLayout:
    """Return a display's layout in the active profile, with a sentence if it has none."""
    layouts = catalog.layouts(store.active_profile_id)
    try:
        layout: DisplayLayout = layouts[display_id]
        return layout
    except KeyError:
        raise KeyError(
            f"The profile {store.active_profile_id!r} has no display {display_id!r}; "
            f"its displays are {', '.join(sorted(layouts))}."
        ) from None


def _resolve_tap(
    store: StateStore, layout: DisplayLayout, display_id: str, x: float, y: float
) -> tuple[str, int, _BrowserTap]:
    """Apply a tap's focus change; return (panel id, kind value, what the browser is asked).

    The browser is asked for a click at page coordinates, a toolbar action
    (``BROWSER_ACTIONS``), or nothing.
    """
    panel = hit_test(layout, x, y)
    if panel is None:
        return "", types_pb2.PANEL_KIND_UNSPECIFIED, None
    # Rows in reading order (dock tabs, toolbar, answer buttons) mirror right to left,
    # as the painters draw them: a tap hits what the driver sees.
    rtl = locale_info(store.locale).rtl
    opened = opened_panel(layout, store.focus.get(display_id))
    if opened is not None and panel.rect_px == opened.rect_px:
        # The stage shows an opened collapsed panel: the tap is that panel's.
        panel = opened
    if panel.kind == "dock":
        for tab in dock_tabs(layout, rtl=rtl):
            if contains(tab.rect, x, y):
                kind = panel_kind_value(tab.kind)
                store.set_focus(display_id, tab.panel_id, kind)
                return tab.panel_id, kind, None
        return panel.panel_id, panel_kind_value(panel.kind), None
    if panel.kind == "status_bar":
        menu = status_menu(layout, rtl=rtl)
        if menu is not None and contains(menu.rect, x, y):
            target = menu_target(menu, store.focus.get(display_id))
            kind = panel_kind_value(target.kind)
            store.set_focus(display_id, target.panel_id, kind)
            return target.panel_id, kind, None
    kind = panel_kind_value(panel.kind)
    if not takes_focus(panel.kind):
        return panel.panel_id, kind, None
    store.set_focus(display_id, panel.panel_id, kind)
    if panel.kind == "voice" and store.voice.confirmation is not None:
        for confirmed, rect in voice_answer_buttons(panel, layout, rtl=rtl):
            if contains(rect, x, y):
                return panel.panel_id, kind, _VoiceAnswer(confirmed)
        return panel.panel_id, kind, None
    if panel.kind != "browser" or store.restrictions.browser_locked_on(display_id):
        # A locked panel swallows the tap: nothing reaches the page while driving.
        return panel.panel_id, kind, None
    content = browser_content_rect(panel, layout)
    frame = store.browser.frame
    if not contains(content, x, y):
        for action, rect in browser_toolbar(panel, layout, rtl=rtl):
            if contains(rect, x, y):
                return panel.panel_id, kind, action
        return panel.panel_id, kind, None
    if frame is None:
        return panel.panel_id, kind, (int(x - content.x), int(y - content.y))
    shown = frame_rect(content, frame.width, frame.height)
    if not contains(shown, x, y):
        return panel.panel_id, kind, None
    scale = frame.width / shown.width
    return panel.panel_id, kind, (int((x - shown.x) * scale), int((y - shown.y) * scale))


def _ask_browser(
    asked: _BrowserTap,
    on_click: BrowserClickHook | None,
    on_action: BrowserActionHook | None,
    on_voice: VoiceAnswerHook | None = None,
) -> Awaitable[object] | None:
    """The hook call a tap asks for: a click on the page, a toolbar action or a voice answer."""
    if isinstance(asked, _VoiceAnswer):
        return on_voice(asked.confirmed) if on_voice is not None else None
    if isinstance(asked, str):
        return on_action(asked) if on_action is not None else None
    if asked is not None and on_click is not None:
        return on_click(*asked)
    return None


def tap(
    store: StateStore,
    catalog: ProfileSource,
    display_id: str,
    x: float,
    y: float,
    *,
    on_browser_click: BrowserClickHook | None = None,
    on_browser_action: BrowserActionHook | None = None,
    on_voice_answer: VoiceAnswerHook | None = None,
) -> tuple[str, int]:
    """Apply a tap at a display point; return ``(panel_id, panel_kind)`` of what was hit.

    A dock tab focuses its panel, the status bar's menu control (when the dock
    collapsed into it) focuses the next collapsed panel, a tap on a panel focuses
    it, and a tap on the page of an unlocked browser panel also schedules
    ``on_browser_click`` with page coordinates on the running loop (a tap on its
    toolbar's back, forward or reload button ``on_browser_action``). Nothing hit
    gives ``("", 0)``.

    :param store: The head unit's state store (changed through ``set_focus``).
    :param catalog: The profiles, for the active profile's layout.
    :param display_id: A display of the active profile.
    :param x: Pixels from the display's left edge.
    :param y: Pixels from the display's top edge.
    :param on_browser_click: Awaited with page coordinates of a browser tap; the
        click is scheduled on the running loop, so call ``tap`` on the loop thread.
    :param on_browser_action: Awaited with "back", "forward" or "reload" for a tap
        on the browser toolbar's button, scheduled the same way.
    :param on_voice_answer: Awaited with True or False for a tap on the voice
        panel's Yes or No (shown while a question waits), scheduled the same way.
    :raises KeyError: If the active profile has no such display.
    """
    panel_id, kind, asked = _resolve_tap(
        store, _layout(catalog, store, display_id), display_id, x, y
    )
    call = _ask_browser(asked, on_browser_click, on_browser_action, on_voice_answer)
    if call is not None:
        task = asyncio.ensure_future(call)
        _PENDING.add(task)
        task.add_done_callback(_settled)
    return panel_id, kind


def _settled(task: asyncio.Future[object]) -> None:
    """Forget a finished browser tap; one that failed (no browser, a page that will
    not go back) is logged, as a window has no caller to tell."""
    _PENDING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        _log.info("A tap on the browser failed: %s", task.exception())


async def tap_async(
    store: StateStore,
    catalog: ProfileSource,
    display_id: str,
    x: float,
    y: float,
    *,
    on_browser_click: BrowserClickHook | None = None,
    on_browser_action: BrowserActionHook | None = None,
    on_voice_answer: VoiceAnswerHook | None = None,
) -> tuple[str, int]:
    """Like :func:`tap`, but await the hook (browser click, voice answer) before returning."""
    panel_id, kind, asked = _resolve_tap(
        store, _layout(catalog, store, display_id), display_id, x, y
    )
    call = _ask_browser(asked, on_browser_click, on_browser_action, on_voice_answer)
    if call is not None:
        await call
    return panel_id, kind


def drag_map(
    store: StateStore,
    map_data: MapData | None,
    panel: PanelLayout,
    dx_px: float,
    dy_px: float,
) -> None:
    """Move the map camera by a drag of (dx, dy) display px (y down) on a map panel."""
    camera = camera_for(store.map, map_data, int(panel.rect_px.width), int(panel.rect_px.height))
    store.set_map(camera=pan_camera(camera, dx_px, dy_px))


def pinch_map(
    store: StateStore, map_data: MapData | None, panel: PanelLayout, factor: float
) -> None:
    """Zoom the map camera by a pinch factor (> 1 zooms in) on a map panel."""
    camera = camera_for(store.map, map_data, int(panel.rect_px.width), int(panel.rect_px.height))
    store.set_map(camera=zoom_camera(camera, factor))


def rotate_focus(store: StateStore, layout: DisplayLayout, display_id: str, steps: int) -> str:
    """Move the focus ``steps`` focusable panels on (negative: back), wrapping; return it.

    This is the rotary controller: each detent is a step, in layout order.
    """
    order = [p for p in layout.panels if p.visible and takes_focus(p.kind)]
    if not order:
        return ""
    ids = [p.panel_id for p in order]
    current = store.focus.get(display_id, "")
    i = ids.index(current) if current in ids else -1 if steps > 0 else 0
    target = order[(i + steps) % len(order)]
    store.set_focus(display_id, target.panel_id, panel_kind_value(target.kind))
    panel_id: str = target.panel_id
    return panel_id
