"""The simulator's Kivy UI: every display of a vehicle profile, drawn from the state store.

Run it with the service in one asyncio loop, or render pictures headless::

    from cardeck_sim.ui import render_display, run_ui

    await run_ui(unit)                                     # the window
    png = render_display(unit.store, unit.catalog, "center", map_data=data)

Importing this package does not import kivy: the input path (``hit_test``,
``tap``), themes, the console and the scene geometry are kivy-free, so the
service can use them; the rendering names load kivy on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._console import (
    Command,
    Console,
    ConsoleError,
    ConsoleHooks,
    ConsoleOptions,
    parse_line,
    parse_script,
    run_script,
)
from ._demo import DEMO_CLOCK, demo_frame, demo_store
from ._input import (
    BrowserClickHook,
    VoiceAnswerHook,
    drag_map,
    hit_test,
    pinch_map,
    rotate_focus,
    tap,
    tap_async,
)
from ._scene import (
    ROW_GAP_MM,
    DashboardSlot,
    DockTab,
    StatusMenu,
    arrange_dashboard,
    browser_content_rect,
    camera_for,
    dashboard_boxes_mm,
    dock_tabs,
    panel_kind_value,
    status_menu,
    voice_answer_buttons,
)
from ._sheet import SheetImage, SheetLabel, SheetPlan, display_caption, plan_sheet
from .theme import DAY, NIGHT, Theme, contrast_pairs, contrast_ratio, relative_luminance, theme_for

if TYPE_CHECKING:
    # The lazy names below, seen by type checkers with their real types.
    from ._app import SimulatorApp, run_ui
    from ._render import (
        GALLERY_COMMAND,
        ContactSheet,
        RenderFn,
        compose_dashboard,
        contact_sheet,
        demo_renderer,
        ensure_window,
        gallery_image,
        gallery_thumbnails,
        render_display,
        render_image,
        render_profile,
        render_profile_image,
        screenshot,
        write_gallery,
    )
    from .painters import DisplayPainter, decode_frame

# Names whose modules import kivy, loaded on first attribute access (PEP 562).
_LAZY = {
    "GALLERY_COMMAND": "._render",
    "ContactSheet": "._render",
    "RenderFn": "._render",
    "demo_renderer": "._render",
    "gallery_image": "._render",
    "gallery_thumbnails": "._render",
    "write_gallery": "._render",
    "DisplayPainter": ".painters",
    "SimulatorApp": "._app",
    "compose_dashboard": "._render",
    "contact_sheet": "._render",
    "decode_frame": ".painters",
    "ensure_window": "._render",
    "render_display": "._render",
    "render_image": "._render",
    "render_profile": "._render",
    "render_profile_image": "._render",
    "run_ui": "._app",
    "screenshot": "._render",
}

__all__ = [
    "DAY",
    "DEMO_CLOCK",
    "GALLERY_COMMAND",
    "NIGHT",
    "ROW_GAP_MM",
    "BrowserClickHook",
    "Command",
    "Console",
    "ConsoleError",
    "ConsoleHooks",
    "ConsoleOptions",
    "ContactSheet",
    "DashboardSlot",
    "DisplayPainter",
    "DockTab",
    "RenderFn",
    "SheetImage",
    "SheetLabel",
    "SheetPlan",
    "SimulatorApp",
    "StatusMenu",
    "Theme",
    "VoiceAnswerHook",
    "arrange_dashboard",
    "browser_content_rect",
    "camera_for",
    "compose_dashboard",
    "contact_sheet",
    "contrast_pairs",
    "contrast_ratio",
    "dashboard_boxes_mm",
    "decode_frame",
    "demo_frame",
    "demo_renderer",
    "demo_store",
    "display_caption",
    "dock_tabs",
    "drag_map",
    "ensure_window",
    "gallery_image",
    "gallery_thumbnails",
    "hit_test",
    "panel_kind_value",
    "parse_line",
    "parse_script",
    "pinch_map",
    "plan_sheet",
    "relative_luminance",
    "render_display",
    "render_image",
    "render_profile",
    "render_profile_image",
    "rotate_focus",
    "run_script",
    "run_ui",
    "screenshot",
    "status_menu",
    "tap",
    "tap_async",
    "theme_for",
    "voice_answer_buttons",
    "write_gallery",
]


def __getattr__(name: str) -> Any:
    """Import a kivy-backed name on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    from ._render import prepare_kivy_env

    # Kivy reads its environment once, at import: no argv parsing, no stderr takeover.
    prepare_kivy_env(headless=False)
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
