"""The live simulator window: every display of the active profile, in the service's loop.

One :class:`DisplayView` per display paints into its own ``Fbo`` at native
resolution (so the window shows exactly what screenshots show) and draws
that texture scaled into its place on the dashboard. Each frame the app
compares ``store.revision`` with the last one drawn and only then asks the
painters to update, which rebuild just the panels whose inputs changed.
Touches and keys go to :mod:`._input`, which changes the store — the views
hold no state of their own ("attributes down, messages up").
"""

from __future__ import annotations

import asyncio
import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ._console import Console, ConsoleHooks
from ._render import ensure_window, prepare_kivy_env

if TYPE_CHECKING:
    from kivy.input import MotionEvent
    from kivy.uix.widget import Widget

    from cardeck.layout import Display, DisplayLayout
    from cardeck_sim.browser import ScreencastFrame
    from cardeck_sim.maps import MapData
    from cardeck_sim.state import HeadUnitView

    from ._input import BrowserActionHook, BrowserClickHook, VoiceAnswerHook
    from .painters import DecodedFrame

# SimulatorApp is provided by the module __getattr__ below (defining it needs a window).
__all__ = ["run_ui"]

# Below this many display px a touch that started on the map is a tap, not a drag.
_TAP_SLOP_PX = 12.0
_DEFAULT_WINDOW = (1600, 900)
#: The focus outline fades in over this long when the rotary controller or a tap
#: moves it (the issue's bound for transitions is 200 ms).
FOCUS_FADE_S = 0.15
#: A guidance card slides a new maneuver in over this long.
CARD_SLIDE_S = 0.2


def _window_size(unit: HeadUnitView, display_id: str | None) -> tuple[int, int]:
    """One display at 1:1, or the dashboard scaled into a 1600×900 box."""
    from ._scene import arrange_dashboard

    profile = unit.catalog.get(unit.store.active_profile_id)
    if display_id:
        d = next(d for d in profile.displays if d.id == display_id)
        return d.width_px, d.height_px
    w, h, _ = arrange_dashboard(profile, *_DEFAULT_WINDOW)
    return max(320, round(w)), max(240, round(h))


def _make_app_classes() -> tuple[type, type]:
    """Define the Kivy classes on first use, so importing this module needs no window."""
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.graphics import Color, Rectangle
    from kivy.uix.widget import Widget

    from ._input import drag_map, hit_test, pinch_map, rotate_focus, tap
    from ._scene import arrange_dashboard
    from .painters import DisplayPainter, decode_frame
    from .painters.voice import VoicePainter

    class DisplayView(Widget):  # type: ignore[misc]  # kivy is untyped: Widget is Any
        """One display: its painter's Fbo, shown scaled at its dashboard slot."""

        def __init__(
            self, app: SimulatorApp, display: Display, layout: DisplayLayout, **kw: Any
        ) -> None:
            super().__init__(**kw)
            self.app = app
            self.display = display
            self.layout = layout
            # Incremental: each frame draws only the panels that changed. Frames are
            # decoded on a worker; until then the previous texture stays.
            self.painter = DisplayPainter(
                display,
                layout,
                map_data=app.map_data,
                incremental=True,
                async_frames=True,
                focus_fade_s=FOCUS_FADE_S,
                slide_s=CARD_SLIDE_S,
            )
            self.fbo = self.painter.make_fbo()
            self.canvas.add(self.fbo)
            self.canvas.add(Color(1, 1, 1, 1))
            self.rect = Rectangle(texture=self.fbo.texture, pos=self.pos, size=self.size)
            self.canvas.add(self.rect)
            self.bind(pos=self._place, size=self._place)
            self._pinch: dict[int, tuple[float, float]] = {}

        def _place(self, *_: object) -> None:
            self.rect.pos = self.pos
            self.rect.size = self.size

        def to_display(self, wx: float, wy: float) -> tuple[float, float]:
            """Window coordinates → display px (top-left origin)."""
            sx = self.display.width_px / max(1.0, self.width)
            sy = self.display.height_px / max(1.0, self.height)
            return (wx - self.x) * sx, (self.top - wy) * sy

        def on_touch_down(self, touch: MotionEvent) -> bool:
            if not self.collide_point(*touch.pos):
                return False
            x, y = self.to_display(*touch.pos)
            panel = hit_test(self.layout, x, y)
            store = self.app.unit.store
            if panel is not None and panel.kind == "map":
                if touch.is_mouse_scrolling:
                    factor = 1.25 if touch.button == "scrolldown" else 0.8
                    pinch_map(store, self.app.map_data, panel, factor)
                    return True
                touch.grab(self)
                touch.ud["cardeck"] = (panel, x, y, x, y)
                self._pinch[touch.uid] = (x, y)
                return True
            tap(
                store,
                self.app.unit.catalog,
                self.display.id,
                x,
                y,
                on_browser_click=self.app.on_browser_click,
                on_browser_action=self.app.on_browser_action,
                on_voice_answer=self.app.on_voice_answer,
            )
            return True

        def on_touch_move(self, touch: MotionEvent) -> bool:
            if touch.grab_current is not self or "cardeck" not in touch.ud:
                return False
            panel, x0, y0, lx, ly = touch.ud["cardeck"]
            x, y = self.to_display(*touch.pos)
            store = self.app.unit.store
            others = [p for uid, p in self._pinch.items() if uid != touch.uid]
            if others:
                # Two fingers: the distance ratio to the other finger is the zoom.
                ox, oy = others[0]
                before = math.hypot(lx - ox, ly - oy)
                after = math.hypot(x - ox, y - oy)
                if before > 1 and after > 1:
                    pinch_map(store, self.app.map_data, panel, after / before)
            else:
                drag_map(store, self.app.map_data, panel, x - lx, y - ly)
            touch.ud["cardeck"] = (panel, x0, y0, x, y)
            self._pinch[touch.uid] = (x, y)
            return True

        def on_touch_up(self, touch: MotionEvent) -> bool:
            if touch.grab_current is not self:
                return False
            touch.ungrab(self)
            self._pinch.pop(touch.uid, None)
            panel, x0, y0, _, _ = touch.ud.get("cardeck", (None, 0, 0, 0, 0))
            x, y = self.to_display(*touch.pos)
            if panel is not None and math.hypot(x - x0, y - y0) < _TAP_SLOP_PX:
                tap(
                    self.app.unit.store,
                    self.app.unit.catalog,
                    self.display.id,
                    x0,
                    y0,
                    on_browser_click=self.app.on_browser_click,
                    on_browser_action=self.app.on_browser_action,
                    on_voice_answer=self.app.on_voice_answer,
                )
            return True

    class SimulatorApp(App):  # type: ignore[misc]  # kivy is untyped: App is Any
        """The Kivy app over a head unit's store; see :func:`run_ui`."""

        title = "CarDeck simulator"

        def __init__(
            self,
            unit: HeadUnitView,
            *,
            display_id: str | None = None,
            map_data: MapData | None = None,
            on_browser_click: BrowserClickHook | None = None,
            on_browser_action: BrowserActionHook | None = None,
            on_voice_answer: VoiceAnswerHook | None = None,
            **kw: Any,
        ) -> None:
            super().__init__(**kw)
            self.unit = unit
            self.display_id = display_id
            self.map_data = map_data
            self.on_browser_click = on_browser_click
            self.on_browser_action = on_browser_action
            self.on_voice_answer = on_voice_answer
            self.views: list[DisplayView] = []
            self._profile = ""
            self._locale = ""
            self._revision = -1
            self._minute = ""
            self._decoding: ScreencastFrame | None = None
            self._decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cardeck-jpeg")
            self.frames_drawn = 0

        def build(self) -> Widget:
            root = Widget()
            root.bind(size=lambda *_: self._arrange())
            self.root_widget = root
            self._rebuild(root)
            Window.bind(on_key_down=self._on_key)
            Clock.schedule_interval(self._tick, 0)
            return root

        def on_stop(self) -> None:
            self._decoder.shutdown(wait=False, cancel_futures=True)

        # -- views ------------------------------------------------------------

        def _rebuild(self, root: Widget) -> None:
            store = self.unit.store
            self._profile = store.active_profile_id
            # The layouts are solved in the locale (right to left mirrors reading order).
            self._locale = store.locale
            profile = self.unit.catalog.get(self._profile)
            layouts = self.unit.catalog.layouts(self._profile)
            for view in self.views:
                root.remove_widget(view)
            displays = [
                d for d in profile.displays if not self.display_id or d.id == self.display_id
            ]
            if not displays:
                # The new profile lacks the pinned display: show all of it instead.
                displays = list(profile.displays)
            self.views = [DisplayView(self, d, layouts[d.id]) for d in displays]
            for view in self.views:
                root.add_widget(view)
            self._arrange()
            self._revision = -1

        def _arrange(self) -> None:
            if not self.views:
                return
            W, H = Window.size
            if len(self.views) == 1:
                d = self.views[0].display
                scale = min(W / d.width_px, H / d.height_px)
                w, h = d.width_px * scale, d.height_px * scale
                self.views[0].pos = ((W - w) / 2, (H - h) / 2)
                self.views[0].size = (w, h)
                return
            profile = self.unit.catalog.get(self._profile)
            _, _, slots = arrange_dashboard(profile, W, H)
            by_id = {s.display_id: s for s in slots}
            for view in self.views:
                s = by_id[view.display.id]
                view.pos = (s.x, H - s.y - s.height)
                view.size = (s.width, s.height)

        # -- per frame -----------------------------------------------------------

        def _tick(self, _dt: float) -> None:
            store = self.unit.store
            switched = store.active_profile_id != self._profile or store.locale != self._locale
            if switched and store.active_profile_id:
                self._rebuild(self.root_widget)
            minute = self.views[0].painter.clock().strftime("%H:%M") if self.views else ""
            # The voice panel's level meter moves while the assistant listens.
            listening = store.voice.activity == "listening"
            if listening:
                VoicePainter.animate(time.monotonic())
            animating = any(view.painter.animating for view in self.views)
            quiet = store.revision == self._revision and minute == self._minute
            if quiet and not listening and not animating:
                return
            self._revision = store.revision
            self._minute = minute
            self._decode(store.browser.frame)
            for view in self.views:
                if view.painter.update(store):
                    self.frames_drawn += 1

        def _decode(self, frame: ScreencastFrame | None) -> None:
            """Decode a new JPEG frame on the worker; the painter gets it on the next tick."""
            if frame is None or self._decoding is frame:
                return
            self._decoding = frame
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._decoder, decode_frame, frame.jpeg)

            def done(fut: asyncio.Future[DecodedFrame]) -> None:
                if fut.cancelled() or fut.exception() is not None:
                    return
                for view in self.views:
                    view.painter.set_decoded_frame(frame, fut.result())
                self._revision = -1  # redraw on the next tick

            future.add_done_callback(done)

        def _on_key(self, _window: object, key: int, *_: object) -> bool:
            # Rotary controller: left/right arrows are detents on the focused display.
            steps = {276: -1, 275: 1}.get(key)
            if steps is None or not self.views:
                return False
            view = self.views[0]
            rotate_focus(self.unit.store, view.layout, view.display.id, steps)
            return True

    return DisplayView, SimulatorApp


_classes: tuple[type, type] | None = None


def __getattr__(name: str) -> Any:
    """Provide ``SimulatorApp`` lazily: defining it imports kivy's window."""
    global _classes
    if name in ("SimulatorApp", "DisplayView"):
        if _classes is None:
            ensure_window()
            _classes = _make_app_classes()
        return _classes[0] if name == "DisplayView" else _classes[1]
    raise AttributeError(name)


async def run_ui(
    unit: HeadUnitView,
    *,
    display_id: str | None = None,
    headless: bool = False,
    map_data: MapData | None = None,
    on_browser_click: BrowserClickHook | None = None,
    on_browser_action: BrowserActionHook | None = None,
    on_voice_answer: VoiceAnswerHook | None = None,
    script: str | None = None,
    console: bool = False,
    console_hooks: ConsoleHooks | None = None,
) -> None:
    """Run the simulator window in the running loop until it closes (or a script quits).

    Call it after ``await unit.start()``: the gRPC server and the window share
    the loop (``App.async_run(async_lib="asyncio")``).

    :param unit: The head unit whose store the window shows and changes.
    :param display_id: Show only this display, at 1:1; default: every display
        arranged as on the dashboard.
    :param headless: Render offscreen (SDL ``offscreen``), e.g. in CI.
    :param map_data: The map (default: ``unit.maps.data`` if loaded, else the bundled
        extract, loaded on a worker thread).
    :param on_browser_click: Awaited with page coordinates when the browser is tapped.
    :param on_browser_action: Awaited with "back", "forward" or "reload" when the
        browser toolbar's button is tapped.
    :param on_voice_answer: Awaited with True or False when the voice panel's Yes or
        No is tapped.
    :param script: A console script to run once the window is up; ``quit`` closes it.
    :param console: Read console commands from stdin.
    :param console_hooks: Extra :class:`Console` keyword arguments (``on_mic_play``, …).
    :raises KeyError: If ``display_id`` is not a display of the active profile.
    """
    prepare_kivy_env(headless)
    if display_id:
        displays = [d.id for d in unit.catalog.get(unit.store.active_profile_id).displays]
        if display_id not in displays:
            raise KeyError(
                f"The profile {unit.store.active_profile_id!r} has no display {display_id!r}; "
                f"it has {', '.join(displays)}."
            )
    ensure_window(*_window_size(unit, display_id), headless=headless)
    if map_data is None:
        # The service's maps panel may have loaded the map already; share it.
        map_data = getattr(getattr(unit, "maps", None), "data", None)
    if map_data is None:
        from cardeck_sim.maps import load_map

        map_data = await asyncio.to_thread(load_map)
    app_cls = __getattr__("SimulatorApp")
    app = app_cls(
        unit,
        display_id=display_id,
        map_data=map_data,
        on_browser_click=on_browser_click,
        on_browser_action=on_browser_action,
        on_voice_answer=on_voice_answer,
    )
    tasks: list[asyncio.Task[None]] = []

    async def drive() -> None:
        con = Console(
            unit.store,
            unit.catalog,
            display_id=display_id or "",
            map_data=map_data,
            on_browser_click=on_browser_click,
            on_voice_answer=on_voice_answer,
            on_quit=app.stop,
            **(console_hooks or ConsoleHooks()),
        )
        # Two frames so the window has drawn before the first command.
        await asyncio.sleep(0.1)
        try:
            if script is not None and not await con.run_script(script):
                return
        except BaseException:
            app.stop()
            raise
        if console:
            await con.run_stdin()
            app.stop()

    if script is not None or console:
        tasks.append(asyncio.get_running_loop().create_task(drive()))
    try:
        await app.async_run(async_lib="asyncio")
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        # A failed script line is the caller's error (e.g. ``cardeck sim --script``).
        if isinstance(result, Exception):
            raise result
