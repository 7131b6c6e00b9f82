"""The head unit: the store, the engines, the servicers, the gRPC server and the bridge, wired."""

from __future__ import annotations

import asyncio
import importlib.util
import tempfile
import threading
from functools import partial
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from cardeck.deploy import check_profiles, load_public_key, raise_for_profile_problems
from cardeck.v1 import headunit_service_pb2, types_pb2

from .._ports import advertised_host, bind_error, refuse_taken_ports
from ..bridge import EventBridge
from ..feed import DEFAULT_FEED_SIGNALS, VehicleFeed
from ..install import Installer, UsbWatcher
from ..maps import LatLon
from ..service import (
    KUKSA_SERVICE_NAMES,
    SERVICE_NAMES,
    Actuation,
    Authorizer,
    BrowserPanel,
    BrowserServicer,
    HeadUnitServicer,
    HealthService,
    KuksaV1Servicer,
    KuksaV2Servicer,
    LayoutServicer,
    MapsPanel,
    MapsServicer,
    PackagesServicer,
    ProfileCatalog,
    ProfileWorker,
    RpcFailure,
    Servicers,
    SimulatorControls,
    SimulatorServicer,
    VoicePanel,
    VoiceServicer,
    build_server,
    check_bind_address,
    inject_audio,
    load_tokens,
    png_size,
)
from ..state import StateStore
from ..ui import browser_content_rect, tap_async
from ._config import ServiceConfig, start_locale

__all__ = ["HeadUnit"]

Cap = headunit_service_pb2.CapabilityStatus


class HeadUnit:
    """The reference head unit: the state store, the engines, the servicers and their server.

    It builds each part once and passes each the others it needs: the servicers
    get the store, the engines' panels and the catalog; SimulatorService gets the
    UI's input path for taps and, when Kivy is installed, its renderer for
    screenshots; the bridge gets the store and the authorizer. One gRPC port serves
    cardeck.v1 and Eclipse KUKSA's ``kuksa.val.v1.VAL`` and ``kuksa.val.v2.VAL`` over the
    same store, tokens and TLS; KUKSA's actuator providers and targets live in
    :attr:`actuation`.

    Usage::

        unit = HeadUnit(ServiceConfig(port=0))
        port = await unit.start()
        ...
        await unit.stop()
    """

    def __init__(self, config: ServiceConfig | None = None) -> None:
        self.config = config or ServiceConfig()
        self.catalog = ProfileCatalog.load()
        # Parses and solves untrusted profiles in its own process, started on first use.
        self.worker = ProfileWorker()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        profile_id = self.catalog.resolve(self.config.profile)
        self.store = StateStore(
            active_profile_id=profile_id,
            event_capacity=self.config.event_capacity,
            max_lag=self.config.max_subscriber_lag,
            journal_path=self.config.state_dir / "events.journal"
            if self.config.state_dir
            else None,
            displays_of=self.catalog.driver_visibility,
            locale=start_locale(self.config, self.catalog.get(profile_id) if profile_id else None),
        )
        if self.config.locale is not None:
            # --locale wins over a journal's locale; a change is an event for resuming clients.
            self.store.set_locale(self.config.locale)
        # Layouts are solved in the head unit's locale (direction and text fit).
        self.catalog.locale = lambda: self.store.locale
        restored = self.store.active_profile_id
        if restored not in self.catalog.ids() or (self.config.profile and restored != profile_id):
            # A journal may name a profile that is gone, and --profile wins over it.
            self.store.active_profile_id = profile_id
            self.store.refresh_restrictions(emit=False)
        self.vehicle_feed = self._vehicle_feed()
        tokens = load_tokens(self.config.tokens_file) if self.config.tokens_file else None
        self.authorizer = Authorizer(tokens)
        secured = tokens is not None and self.config.tls_cert is not None
        check_bind_address(self.config.host, secured=secured)
        self.port = 0
        self._server: grpc.aio.Server | None = None
        self._health = HealthService()
        # KUKSA's actuator providers and targets, next to the store's signals.
        self.actuation = Actuation(self.store)
        self.browser = BrowserPanel(
            self.store,
            enabled=self.config.browser,
            chromium_path=self.config.chromium_path,
            size=self._browser_size(),
        )
        self.bridge: EventBridge | None = None  # once started
        self._install_tmp: tempfile.TemporaryDirectory[str] | None = None
        install_root = self.config.install_root or (
            self.config.state_dir / "packages" if self.config.state_dir else None
        )
        # A missing or wrong key file is a start-up error (SigningError names the
        # file), not a surprise at the first install.
        for key in self.config.trusted_keys:
            load_public_key(key)
        if install_root is None:
            self._install_tmp = tempfile.TemporaryDirectory(prefix="cardeck-packages-")
            install_root = Path(self._install_tmp.name)
        self.installer = Installer(
            install_root,
            list(self.config.trusted_keys),
            vehicle_id=lambda: self.store.active_profile_id,
            profile_checker=self._check_bundle_profiles,
        )
        self.packages = PackagesServicer(
            self.installer,
            on_installed=self._activate_installed,
            publish=self.store.install_progress,
        )
        self.usb_watcher: UsbWatcher | None = None
        for package in self.installer.list():
            self.catalog.replace_installed(package.name, list(package.profile_paths))
        self.controls = SimulatorControls(self.store, self.catalog, self._tap)
        self.controls.worker = self.worker
        # Guidance reads the locale at every update, so a switch applies at once.
        self.maps = MapsPanel(self.store, self.config.map_data, locale=lambda: self.store.locale)
        if importlib.util.find_spec("kivy") is not None:
            self.controls.screenshotter = self._screenshot
        self.voice = VoicePanel(
            self.store,
            self.maps,
            self.browser,
            self.controls.focus_kind,
            guidance_time_scale=self.config.voice_guidance_time_scale,
            confirmation_timeout_s=self.config.voice_confirmation_timeout_s,
        )
        if not self.voice.asr_reason:
            self.controls.audio_injector = partial(inject_audio, self.voice)

    def _vehicle_feed(self) -> VehicleFeed | None:
        """The feed from --vehicle-source (it stops the simulated car), or None."""
        source = self.config.source()
        if source is None:
            return None
        return VehicleFeed(
            self.store,
            source,
            self.config.vehicle_signals or DEFAULT_FEED_SIGNALS,
            token=self.config.source_token(),
            root_certificates=self.config.source_root_certificates(),
            on_location=self._follow_location,
        )

    def _follow_location(self, latitude: float, longitude: float, heading: float | None) -> None:
        """The outside source moved the car: the map's car (and guidance) follow, as for a
        GNSS fix the car reports."""
        speed = self.store.vehicle.speed_kmh
        self.maps.report_position(LatLon(latitude, longitude), speed, heading)

    def _browser_size(self) -> tuple[int, int]:
        """The page area of the browser panel on the first centre display, as the engine's
        viewport: the page fills the panel under its toolbar without scaling."""
        profile_id = self.store.active_profile_id
        if not profile_id:
            return 1024, 600
        for layout in self.catalog.layouts(profile_id).values():
            if layout.role == "center":
                for panel in layout.panels:
                    if panel.kind == "browser" and panel.visible:
                        page = browser_content_rect(panel, layout)
                        return int(page.width), int(page.height)
        return 1024, 600

    def _activate_installed(self, profile_paths: list[Path]) -> None:
        """New profiles from an installed (or rolled back) bundle take effect now."""
        by_package: dict[str, list[Path]] = {}
        for path in profile_paths:
            # packages/<name>/versions/<version dir>/profiles/<file>.yaml
            by_package.setdefault(path.parents[3].name, []).append(path)
        for package, paths in by_package.items():
            ids = self.catalog.replace_installed(package, paths)
            self.store.layouts_changed(
                f"Package {package} installed profiles: {', '.join(ids) or 'none'}."
            )

    async def browser_click(self, x: int, y: int) -> None:
        """A tap on the browser's page, at page coordinates."""
        await self.browser.call(lambda engine: engine.click(x, y))

    async def browser_action(self, action: str) -> None:
        """A tap on the browser toolbar: back, forward or reload."""
        await self.browser.call(
            lambda engine: {
                "back": engine.go_back,
                "forward": engine.go_forward,
                "reload": engine.reload,
            }[action]()
        )

    async def _tap(self, display_id: str, x: float, y: float) -> tuple[str, int]:
        """SimulatorService.Tap through the UI's input path (kivy-free), as the window taps."""
        return await tap_async(
            self.store,
            self.catalog,
            display_id,
            x,
            y,
            on_browser_click=self.browser_click,
            on_browser_action=self.browser_action,
            on_voice_answer=self.voice.answer_tap,
        )

    async def _screenshot(self, display_id: str) -> tuple[bytes, int, int]:
        """Render a display (or the dashboard) offscreen with the Kivy UI's painter."""
        # Not a cycle: cardeck_sim.ui sits below this root. Its renderer loads kivy
        # (heavy, and optional for a headless head unit), so only a screenshot loads it.
        from ..ui import screenshot

        # The screencast's newest frame may still be the previous page's.
        await self.browser.refresh_frame()
        try:
            png: bytes = screenshot(self.store, self.catalog, display_id, map_data=self.maps.data)
        except KeyError as exc:
            raise RpcFailure(
                grpc.StatusCode.NOT_FOUND, str(exc.args[0]), reason="DISPLAY_NOT_FOUND"
            ) from exc
        width, height = png_size(png)
        return png, width, height

    @property
    def websocket_url(self) -> str:
        """The bridge's URL, or "" when it does not run."""
        return self.bridge.url if self.bridge is not None else ""

    def _grants_read(self, token: str | None) -> bool:
        grant = self.authorizer.scopes_for(token)
        return grant is not None and "read" in grant[1]

    def describe(
        self,
    ) -> tuple[list[types_pb2.Display], list[headunit_service_pb2.CapabilityStatus]]:
        """The active displays and the capability list, for GetInfo."""
        available = {
            headunit_service_pb2.CAPABILITY_VEHICLE_STATE: "",
            headunit_service_pb2.CAPABILITY_EVENTS: "",
            headunit_service_pb2.CAPABILITY_LAYOUT: "",
            headunit_service_pb2.CAPABILITY_BROWSER: self.browser.reason,
            headunit_service_pb2.CAPABILITY_SIMULATOR: "",
            headunit_service_pb2.CAPABILITY_MAPS: self.maps.reason,
            headunit_service_pb2.CAPABILITY_GUIDANCE: self.maps.reason,
            # In a locale without an acoustic model (Korean), recognition is unavailable.
            headunit_service_pb2.CAPABILITY_SPEECH_RECOGNITION: self.voice.recognition_reason,
            headunit_service_pb2.CAPABILITY_VOICE_INTENTS: self.voice.asr_reason,
            headunit_service_pb2.CAPABILITY_SPEECH_SYNTHESIS: self.voice.tts_reason,
            headunit_service_pb2.CAPABILITY_PACKAGES: ""
            if self.config.trusted_keys
            else "No trusted keys are configured, so every bundle is refused; start the head "
            "unit with --trusted-keys KEY.pub (a key from 'cardeck deploy keygen').",
        }
        if self.controls.screenshotter is not None:
            available[headunit_service_pb2.CAPABILITY_UI] = ""
        if self.bridge is not None:
            available[headunit_service_pb2.CAPABILITY_WEBSOCKET_BRIDGE] = ""
        elif self.config.ws_port is None:
            available[headunit_service_pb2.CAPABILITY_WEBSOCKET_BRIDGE] = (
                "The WebSocket event bridge is turned off (--ws-port -1); start the head unit "
                "with --ws-port 0 (any free port) or a port number to serve it."
            )
        capabilities = []
        for value in headunit_service_pb2.Capability.values():
            if value == headunit_service_pb2.CAPABILITY_UNSPECIFIED:
                continue
            if value in available:
                reason = available[value]
                capabilities.append(Cap(capability=value, available=not reason, reason=reason))
            else:
                name = headunit_service_pb2.Capability.Name(value).removeprefix("CAPABILITY_")
                capabilities.append(
                    Cap(
                        capability=value,
                        available=False,
                        reason=f"{name.lower().replace('_', ' ')} is not built into this head "
                        "unit yet.",
                    )
                )
        return self.catalog.displays(self.store.active_profile_id), capabilities

    def _check_bundle_profiles(self, profiles: list[tuple[str, bytes]]) -> None:
        """The installer's profile check, done in the profile worker process.

        The installer runs in a thread; parsing there would hold the GIL the event loop
        needs. Before the loop runs (or on its own thread) the check runs in place.
        """
        loop = self._loop
        if loop is None or not loop.is_running() or threading.get_ident() == self._loop_thread:
            check_profiles(profiles)
            return
        job = self.worker.run("profile_problems", profiles)
        raise_for_profile_problems(asyncio.run_coroutine_threadsafe(job, loop).result())

    def _servicers(self) -> Servicers:
        return Servicers(
            headunit=HeadUnitServicer(self.store, self.describe, lambda: self.websocket_url),
            layout=LayoutServicer(self.store, self.catalog, self.worker),
            maps=MapsServicer(self.store, self.maps),
            voice=VoiceServicer(self.store, self.voice),
            browser=BrowserServicer(self.store, self.browser),
            packages=self.packages,
            simulator=SimulatorServicer(self.store, self.controls),
            kuksa_v1=KuksaV1Servicer(self.store, self.actuation),
            kuksa_v2=KuksaV2Servicer(self.store, self.actuation),
            health=self._health,
        )

    async def start(self) -> int:
        """Bind and start serving; returns the bound port."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        server = build_server(self._servicers(), self.authorizer)
        # Check both ports before binding either; the binds below still catch a
        # port taken in between.
        refuse_taken_ports(
            self.config.host, ((self.config.port, "--port"), (self.config.ws_port, "--ws-port"))
        )
        address = f"{self.config.host}:{self.config.port}"
        credentials = self.config.server_credentials()
        try:
            if credentials is None:
                self.port = server.add_insecure_port(address)
            else:
                self.port = server.add_secure_port(address, credentials)
        except RuntimeError as exc:
            # gRPC says only that the bind failed; bind_error finds out why.
            raise bind_error(self.config.host, self.config.port, "--port") from exc
        await server.start()
        self._server = server
        if self.config.ws_port is not None:
            bridge = EventBridge(
                self.store,
                host=self.config.host,
                port=self.config.ws_port,
                authorize=None if self.authorizer.open else self._grants_read,
                ssl=self.config.bridge_ssl_context(),
                advertise_host=advertised_host(self.config.host, self.config.advertise_host),
            )
            try:
                await bridge.start()
            except OSError as exc:
                # Half a head unit is worse than none: stop the gRPC side too.
                await self.stop(0)
                raise bind_error(self.config.host, self.config.ws_port, "--ws-port", exc) from exc
            self.bridge = bridge
        self.browser.start_following()
        self.maps.start_loading()
        self.voice.start()
        if self.vehicle_feed is not None:
            self.vehicle_feed.start()
        if self.config.usb_dir is not None:
            self.usb_watcher = UsbWatcher(
                self.config.usb_dir,
                self.installer,
                on_result=self.packages.on_usb_result,
                progress=self.packages.emit_progress,
            )
            self.usb_watcher.start()
        for name in ["", *SERVICE_NAMES, *KUKSA_SERVICE_NAMES]:
            await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return self.port

    async def stop(self, grace: float = 1.0) -> None:
        """Stop serving: streams end with UNAVAILABLE so clients resume elsewhere.

        Safe on a head unit whose :meth:`start` failed half-way, and idempotent.
        """
        if self.vehicle_feed is not None:
            await self.vehicle_feed.aclose()
        if self._server is not None:
            await self._health.enter_graceful_shutdown()
            self.store.events.close()
            if self.bridge is not None:
                await self.bridge.aclose()
                self.bridge = None
            await self._server.stop(grace)
            self._server = None
            await self.browser.aclose()
            if self.usb_watcher is not None:
                await self.usb_watcher.stop()
                self.usb_watcher = None
            await self.voice.aclose()
            await self.maps.aclose()
        await self.worker.aclose()
        if self._install_tmp is not None:
            self._install_tmp.cleanup()
            self._install_tmp = None
