"""SimulatorService: the Desktop-Head-Unit console over gRPC.

Taps and rotary input work on the computed layouts, so they work headless
too; screenshots need a renderer, which the UI provides when it runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from cardeck.layout import DisplayLayout, PanelLayout, stage_views
from cardeck.v1 import simulator_service_pb2 as pb
from cardeck.v1 import simulator_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

from ..state import DayNight, StateStore, panel_kind_value, takes_focus, vehicle_state_to_proto
from ._catalog import ProfileCatalog
from ._profile_worker import ProfileWorker
from ._status import RpcFailure, invalid_argument

# Renders one display (or, with "", the dashboard) to PNG bytes; the UI's renderer,
# passed in by the composition root when Kivy can render.
Screenshotter = Callable[[str], Awaitable[tuple[bytes, int, int]]]
# Acts on a touch at (x, y) px of a display and returns (panel id, panel kind value),
# ("", 0) for nothing: the UI's input path, passed in by the composition root, so a
# tap means the same thing from the window, the console and SimulatorService.Tap.
Tapper = Callable[[str, float, float], Awaitable[tuple[str, int]]]
# Runs a WAV through speech recognition; set by the voice capability.
AudioInjector = Callable[[bytes, bool], Awaitable[Any]]

_MAX_WAV_BYTES = 10 << 20


def focus_order(layout: DisplayLayout) -> list[PanelLayout]:
    """Focusable panels in reading order: the rotary controller walks this list."""
    panels = [p for p in layout.panels if p.visible and takes_focus(p.kind)]
    return sorted(panels, key=lambda p: (p.rect_px.y, p.rect_px.x))


class SimulatorControls:
    """The console's commands over the store; shared by the gRPC servicer and the UI console.

    :param tapper: resolves and acts on taps (the UI's input path).

    The head unit sets ``screenshotter`` (when Kivy can render) and
    ``audio_injector`` (when speech recognition works).
    """

    def __init__(self, store: StateStore, catalog: ProfileCatalog, tapper: Tapper) -> None:
        self._store = store
        self._catalog = catalog
        self._tapper = tapper
        self.screenshotter: Screenshotter | None = None
        self.audio_injector: AudioInjector | None = None
        # Set by the head unit: solves profiles off the event loop (None: solve in place).
        self.worker: ProfileWorker | None = None

    def layout(self, display_id: str) -> DisplayLayout:
        """The layout of a display of the active profile ("" = the first centre display)."""
        layouts = self._catalog.layouts(self._store.active_profile_id)
        if not display_id:
            centre = [d for d, lay in layouts.items() if lay.role == "center"]
            display_id = (centre or list(layouts))[0]
        try:
            return layouts[display_id]
        except KeyError:
            raise RpcFailure(
                grpc.StatusCode.NOT_FOUND,
                f"The active profile has no display {display_id!r}; it has {', '.join(layouts)}.",
                reason="DISPLAY_NOT_FOUND",
            ) from None

    def focus(self, display_id: str, panel: PanelLayout) -> None:
        """Focus a panel (a no-op for panels that take no focus)."""
        if takes_focus(panel.kind):
            self._store.set_focus(display_id, panel.panel_id, panel_kind_value(panel.kind))

    async def tap(self, display_id: str, x: float, y: float) -> tuple[str, str, int]:
        """Touch a point; returns (display id, panel id, panel kind), ("", 0) for nothing.

        The UI's input path decides: a dock tab focuses its panel, a panel is
        focused, and a tap on the page of an unlocked browser clicks it.
        """
        layout = self.layout(display_id)
        if not (0 <= x < layout.width_px and 0 <= y < layout.height_px):
            raise invalid_argument(
                [
                    (
                        "x_px" if not 0 <= x < layout.width_px else "y_px",
                        f"({x:g}, {y:g}) is outside display {layout.display_id!r} "
                        f"({layout.width_px}x{layout.height_px} px).",
                    )
                ]
            )
        panel_id, kind = await self._tapper(layout.display_id, x, y)
        return layout.display_id, panel_id, kind

    def rotate(self, display_id: str, steps: int) -> PanelLayout | None:
        """Move the focus ``steps`` panels along the focus order (negative: backwards)."""
        layout = self.layout(display_id)
        order = focus_order(layout)
        if not order:
            return None
        current = self._store.focus.get(layout.display_id)
        ids = [p.panel_id for p in order]
        index = ids.index(current) if current in ids else -1 if steps > 0 else 0
        panel = order[(index + steps) % len(order)]
        self.focus(layout.display_id, panel)
        return panel

    def nudge(self, display_id: str, dx: int, dy: int) -> PanelLayout | None:
        """Move the focus to the nearest panel in a direction."""
        layout = self.layout(display_id)
        order = focus_order(layout)
        current = next(
            (p for p in order if p.panel_id == self._store.focus.get(layout.display_id)), None
        )
        if current is None:
            return self.rotate(display_id, 1)
        cx = current.rect_px.x + current.rect_px.width / 2
        cy = current.rect_px.y + current.rect_px.height / 2

        def ahead(p: PanelLayout) -> float | None:
            px = p.rect_px.x + p.rect_px.width / 2 - cx
            py = p.rect_px.y + p.rect_px.height / 2 - cy
            along = px * dx + py * dy
            return px * px + py * py if along > 0 else None

        candidates = [(d, p) for p in order if p is not current and (d := ahead(p)) is not None]
        if not candidates:
            return current
        panel = min(candidates, key=lambda c: c[0])[1]
        self.focus(layout.display_id, panel)
        return panel

    def cycle_view(self) -> tuple[str, PanelLayout | None]:
        """The steering wheel's view key: show the next view on the cluster's stage.

        The driver's cluster, or without one the HUD, steps through its stage and
        the panels collapsed into views of it (``cardeck.layout.stage_views``).
        Returns the display and the panel now shown, ``("", None)`` when no cluster
        or HUD has a collapsed panel.
        """
        layouts = self._catalog.layouts(self._store.active_profile_id)
        for role in ("cluster", "hud"):
            for display_id, layout in layouts.items():
                views = stage_views(layout)
                if layout.role != role or not views:
                    continue
                ids = [p.panel_id for p in views]
                current = self._store.focus.get(display_id)
                index = ids.index(current) if current in ids else 0
                panel = views[(index + 1) % len(views)]
                self._store.set_focus(display_id, panel.panel_id, panel_kind_value(panel.kind))
                return display_id, panel
        return "", None

    def focus_kind(self, display_id: str, kind: str) -> PanelLayout | None:
        """Focus the first visible panel of a kind, e.g. "map" for HOME."""
        layout = self.layout(display_id)
        panel = next((p for p in layout.panels if p.kind == kind and p.visible), None)
        if panel is not None:
            self.focus(layout.display_id, panel)
        return panel

    async def aload_profile(self, profile_id: str) -> list[types_pb2.Display]:
        """:meth:`load_profile`, solving a profile not solved yet in the profile worker."""
        await self._catalog.asolved(profile_id, self.worker)
        return self.load_profile(profile_id)

    def load_profile(self, profile_id: str) -> list[types_pb2.Display]:
        """Switch the simulated vehicle, as LayoutService.SetActiveProfile does."""
        self._catalog.solved(profile_id)
        if profile_id != self._store.active_profile_id:
            self._store.set_active_profile(profile_id, f"Profile {profile_id} was loaded.")
        return self._catalog.displays(profile_id)


class SimulatorServicer(pb_grpc.SimulatorServiceServicer):
    """Serves SimulatorService through :class:`SimulatorControls`."""

    def __init__(self, store: StateStore, controls: SimulatorControls) -> None:
        self._store = store
        self._controls = controls

    async def Tap(self, request: pb.TapRequest, context: Any) -> pb.TapResponse:
        display_id, panel_id, kind = await self._controls.tap(
            request.display_id, request.x_px, request.y_px
        )
        return pb.TapResponse(
            panel=types_pb2.PanelKind.ValueType(kind), panel_id=panel_id, display_id=display_id
        )

    async def Rotary(self, request: pb.RotaryRequest, context: Any) -> pb.RotaryResponse:
        steps = request.steps or 1
        if not 1 <= steps <= 100:
            raise invalid_argument([("steps", "steps must be from 1 to 100.")])
        c = self._controls
        action = request.action
        nudges = {
            pb.ROTARY_ACTION_NUDGE_UP: (0, -1),
            pb.ROTARY_ACTION_NUDGE_DOWN: (0, 1),
            pb.ROTARY_ACTION_NUDGE_LEFT: (-1, 0),
            pb.ROTARY_ACTION_NUDGE_RIGHT: (1, 0),
        }
        if action == pb.ROTARY_ACTION_ROTATE_CLOCKWISE:
            panel = c.rotate("", steps)
        elif action == pb.ROTARY_ACTION_ROTATE_COUNTERCLOCKWISE:
            panel = c.rotate("", -steps)
        elif action in nudges:
            panel = c.nudge("", *nudges[action])
        elif action in (pb.ROTARY_ACTION_PUSH, pb.ROTARY_ACTION_BACK):
            layout = c.layout("")
            focused = self._store.focus.get(layout.display_id, "")
            panel = next((p for p in layout.panels if p.panel_id == focused), None)
        else:
            raise invalid_argument([("action", "action must be a RotaryAction other than 0.")])
        layout = c.layout("")
        return pb.RotaryResponse(
            display_id=layout.display_id, panel_id=panel.panel_id if panel else ""
        )

    async def Key(self, request: pb.KeyRequest, context: Any) -> pb.KeyResponse:
        key = request.key
        if key == pb.HARD_KEY_HOME:
            self._controls.focus_kind("", "map")
        elif key == pb.HARD_KEY_PUSH_TO_TALK:
            self._controls.focus_kind("", "voice")
            self._store.set_voice(activity="listening", transcript="", intent_id="")
        elif key == pb.HARD_KEY_VIEW:
            display_id, panel = self._controls.cycle_view()
            return pb.KeyResponse(display_id=display_id, panel_id=panel.panel_id if panel else "")
        elif key in (pb.HARD_KEY_BACK, pb.HARD_KEY_MEDIA_NEXT, pb.HARD_KEY_MEDIA_PREVIOUS):
            pass  # no media panel; BACK has nothing to leave on the simulator's single screen
        else:
            raise invalid_argument([("key", "key must be a HardKey other than 0.")])
        return pb.KeyResponse()

    async def Screenshot(
        self, request: pb.ScreenshotRequest, context: Any
    ) -> pb.ScreenshotResponse:
        if self._controls.screenshotter is None:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION,
                "No UI renders this head unit, so there is nothing to screenshot; run "
                "`cardeck sim` with its window (or headless rendering) to take screenshots.",
                reason="NO_UI",
            )
        if request.display_id:
            self._controls.layout(request.display_id)  # NOT_FOUND for unknown displays
        png, width, height = await self._controls.screenshotter(request.display_id)
        return pb.ScreenshotResponse(png=png, width_px=width, height_px=height)

    async def LoadProfile(
        self, request: pb.LoadProfileRequest, context: Any
    ) -> pb.LoadProfileResponse:
        if not request.profile_id:
            raise invalid_argument([("profile_id", "profile_id is required.")])
        displays = await self._controls.aload_profile(request.profile_id)
        return pb.LoadProfileResponse(displays=displays)

    async def SetDayNight(
        self, request: pb.SetDayNightRequest, context: Any
    ) -> pb.SetDayNightResponse:
        if request.mode == types_pb2.DAY_NIGHT_MODE_UNSPECIFIED or request.mode not in (
            types_pb2.DayNightMode.values()
        ):
            raise invalid_argument([("mode", "mode must be AUTO, DAY or NIGHT.")])
        self._store.update_vehicle(day_night=DayNight(request.mode))
        return pb.SetDayNightResponse(state=vehicle_state_to_proto(self._store.vehicle))

    async def InjectAudio(
        self, request: pb.InjectAudioRequest, context: Any
    ) -> pb.InjectAudioResponse:
        if not request.wav:
            raise invalid_argument([("wav", "wav is required: send a RIFF WAV file's bytes.")])
        if len(request.wav) > _MAX_WAV_BYTES:
            raise invalid_argument([("wav", "wav is larger than 10 MiB.")])
        if self._controls.audio_injector is None:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION,
                "Speech recognition is not available on this head unit, so injected audio "
                "has nowhere to go; check the speech_recognition capability in GetInfo.",
                reason="ASR_UNAVAILABLE",
            )
        response: pb.InjectAudioResponse = await self._controls.audio_injector(
            request.wav, request.execute_intents
        )
        return response
