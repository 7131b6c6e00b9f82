"""``client.simulator``: Desktop-Head-Unit-style controls of the simulator (SimulatorService).

A real car does not serve these; every call needs the ``sim:control`` scope.
"""

from __future__ import annotations

from pathlib import Path

from ._models import (
    DayNightMode,
    Display,
    HardKey,
    Image,
    PanelHit,
    PanelKind,
    RotaryAction,
    Understanding,
    VehicleState,
)
from ._rpcs import SimulatorService
from ._seam import AsyncCaller, SyncCaller
from .v1 import simulator_service_pb2 as pb
from .v1 import types_pb2


def _tap_request(display_id: str, x_px: float, y_px: float) -> pb.TapRequest:
    return pb.TapRequest(display_id=display_id, x_px=x_px, y_px=y_px)


def _hit(resp: pb.TapResponse) -> PanelHit:
    kind = PanelKind.from_proto(resp.panel, types_pb2.PanelKind)
    return PanelHit(resp.display_id, resp.panel_id, kind)


def _rotary_request(action: RotaryAction, steps: int) -> pb.RotaryRequest:
    return pb.RotaryRequest(action=action.to_proto(pb.RotaryAction), steps=steps)


def _wav_bytes(wav: bytes | str | Path) -> bytes:
    return wav if isinstance(wav, bytes) else Path(wav).read_bytes()


def _inject_result(resp: pb.InjectAudioResponse) -> Understanding:
    return Understanding.from_proto(resp.understanding)


class SimulatorAPI:
    """Simulator controls, as ``Client.simulator``."""

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    def tap(self, x_px: float, y_px: float, *, display_id: str = "") -> PanelHit:
        """Touch a display at a point (px from its top-left); returns the panel hit."""
        resp = self._c._unary(SimulatorService.Tap, _tap_request(display_id, x_px, y_px))
        return _hit(resp)

    def rotary(self, action: RotaryAction, steps: int = 1) -> PanelHit:
        """Turn, nudge or push the rotary controller; returns where the focus is."""
        resp = self._c._unary(SimulatorService.Rotary, _rotary_request(action, steps))
        return PanelHit(resp.display_id, resp.panel_id)

    def key(self, key: HardKey) -> PanelHit:
        """Press a hardware key (HOME focuses the map, PUSH_TO_TALK starts listening).

        VIEW (the steering wheel's view key) steps the cluster, or the HUD, through
        the panels collapsed into views of its stage; the hit says which display
        and panel it shows now (empty for the other keys, or with nothing to cycle).
        """
        request = pb.KeyRequest(key=key.to_proto(pb.HardKey))
        resp = self._c._unary(SimulatorService.Key, request)
        return PanelHit(resp.display_id, resp.panel_id)

    def screenshot(self, display_id: str = "") -> Image:
        """A PNG of one display, or of the whole dashboard with ``display_id=""``.

        :raises FailedPreconditionError: no UI renders this head unit.
        """
        request = pb.ScreenshotRequest(display_id=display_id)
        resp = self._c._unary(SimulatorService.Screenshot, request)
        return Image(resp.png, resp.width_px, resp.height_px)

    def load_profile(self, profile_id: str) -> list[Display]:
        """Switch the simulated vehicle; returns its displays."""
        request = pb.LoadProfileRequest(profile_id=profile_id)
        resp = self._c._unary(SimulatorService.LoadProfile, request)
        return [Display.from_proto(d) for d in resp.displays]

    def set_day_night(self, mode: DayNightMode) -> VehicleState:
        """Switch the theme (AUTO follows the light sensor)."""
        request = pb.SetDayNightRequest(mode=mode.to_proto(types_pb2.DayNightMode))
        resp = self._c._unary(SimulatorService.SetDayNight, request)
        return VehicleState.from_proto(resp.state)

    def inject_audio(
        self, wav: bytes | str | Path, *, execute_intents: bool = True
    ) -> Understanding:
        """Play a WAV into the simulated microphone; returns what was understood."""
        request = pb.InjectAudioRequest(wav=_wav_bytes(wav), execute_intents=execute_intents)
        resp = self._c._unary(SimulatorService.InjectAudio, request)
        return _inject_result(resp)


class AsyncSimulatorAPI:
    """The asyncio twin of :class:`SimulatorAPI`, as ``AsyncClient.simulator``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    async def tap(self, x_px: float, y_px: float, *, display_id: str = "") -> PanelHit:
        """Touch a display at a point (see :meth:`SimulatorAPI.tap`)."""
        request = _tap_request(display_id, x_px, y_px)
        resp = await self._c._unary(SimulatorService.Tap, request)
        return _hit(resp)

    async def rotary(self, action: RotaryAction, steps: int = 1) -> PanelHit:
        """Turn, nudge or push the rotary controller (see :meth:`SimulatorAPI.rotary`)."""
        request = _rotary_request(action, steps)
        resp = await self._c._unary(SimulatorService.Rotary, request)
        return PanelHit(resp.display_id, resp.panel_id)

    async def key(self, key: HardKey) -> PanelHit:
        """Press a hardware key (see :meth:`SimulatorAPI.key`)."""
        request = pb.KeyRequest(key=key.to_proto(pb.HardKey))
        resp = await self._c._unary(SimulatorService.Key, request)
        return PanelHit(resp.display_id, resp.panel_id)

    async def screenshot(self, display_id: str = "") -> Image:
        """A PNG of one display or the dashboard (see :meth:`SimulatorAPI.screenshot`)."""
        request = pb.ScreenshotRequest(display_id=display_id)
        resp = await self._c._unary(SimulatorService.Screenshot, request)
        return Image(resp.png, resp.width_px, resp.height_px)

    async def load_profile(self, profile_id: str) -> list[Display]:
        """Switch the simulated vehicle; returns its displays."""
        request = pb.LoadProfileRequest(profile_id=profile_id)
        resp = await self._c._unary(SimulatorService.LoadProfile, request)
        return [Display.from_proto(d) for d in resp.displays]

    async def set_day_night(self, mode: DayNightMode) -> VehicleState:
        """Switch the theme (AUTO follows the light sensor)."""
        request = pb.SetDayNightRequest(mode=mode.to_proto(types_pb2.DayNightMode))
        resp = await self._c._unary(SimulatorService.SetDayNight, request)
        return VehicleState.from_proto(resp.state)

    async def inject_audio(
        self, wav: bytes | str | Path, *, execute_intents: bool = True
    ) -> Understanding:
        """Play a WAV into the simulated microphone (see :meth:`SimulatorAPI.inject_audio`)."""
        request = pb.InjectAudioRequest(wav=_wav_bytes(wav), execute_intents=execute_intents)
        resp = await self._c._unary(SimulatorService.InjectAudio, request)
        return _inject_result(resp)
