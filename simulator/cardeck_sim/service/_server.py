"""The head-unit gRPC server: every service, health and reflection on one grpc.aio server."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import signal
import ssl
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cardeck.deploy import check_profiles, load_public_key, raise_for_profile_problems
from cardeck.v1 import (
    browser_service_pb2_grpc,
    headunit_service_pb2,
    headunit_service_pb2_grpc,
    layout_service_pb2_grpc,
    maps_service_pb2_grpc,
    packages_service_pb2_grpc,
    simulator_service_pb2_grpc,
    types_pb2,
    voice_service_pb2_grpc,
)

from .._ports import advertised_host, bind_error, port_taken
from ..install import Installer, PackagesServicer, UsbWatcher
from ..state import StateStore
from ._auth import Authorizer, check_bind_address, load_tokens
from ._browser import BrowserPanel, BrowserServicer, png_size
from ._catalog import ProfileCatalog
from ._headunit import HeadUnitServicer
from ._health import HealthService
from ._interceptors import ServiceInterceptor
from ._layout import LayoutServicer
from ._maps import MapsPanel, MapsServicer
from ._profile_worker import ProfileWorker
from ._simulator import SimulatorControls, SimulatorServicer
from ._status import RpcFailure
from ._voice import VoicePanel, VoiceServicer, inject_audio

log = logging.getLogger("cardeck_sim")

Cap = headunit_service_pb2.CapabilityStatus

_SERVICE_NAMES = [
    f"cardeck.v1.{name}"
    for name in (
        "HeadUnitService",
        "LayoutService",
        "MapsService",
        "VoiceService",
        "BrowserService",
        "PackagesService",
        "SimulatorService",
    )
]


class ServiceConfig(BaseModel):
    """How to run the head-unit service.

    :param host: address to bind; loopback unless TLS and tokens are configured.
    :param advertise_host: the host clients are told to dial (GetInfo's ``websocket_url``);
        None uses ``host``, or for a wildcard bind this machine's primary address.
    :param port: TCP port; 0 picks a free one.
    :param profile: vehicle profile id to start with; empty picks the default.
    :param event_capacity: events kept for resuming clients.
    :param max_subscriber_lag: how far behind a subscriber may fall before its stream ends
        (it then resumes); None means ``event_capacity``.
    :param ws_port: port of the WebSocket event bridge; 0 picks a free one, None turns it off.
    :param browser: whether to offer the browser panel (Chromium starts on first use).
    :param chromium_path: the Chromium binary; None finds Debian's.
    :param map_data: an OpenStreetMap ``.osm.pbf``; None uses the bundled Helsinki extract.
    :param state_dir: where the event journal lives; with it a restarted head unit keeps
        its run id, its events and its vehicle state, so clients resume with no loss.
    :param install_root: where installed bundles live (default: STATE_DIR/packages, or a
        temporary folder without a state dir).
    :param trusted_keys: Ed25519 public keys whose bundles the head unit installs.
    :param usb_dir: a mounted USB mass-storage folder watched for ``*.cdbundle`` files.
    :param voice_guidance_time_scale: how fast guidance started by "navigate to" drives
        (1 is real time; tests and demos speed it up).
    :param tokens_file: YAML of token hashes and scopes; None grants everything (loopback only).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    advertise_host: str | None = None
    port: int = Field(default=50051, ge=0, le=65535)
    profile: str = ""
    event_capacity: int = Field(default=65_536, ge=16)
    max_subscriber_lag: int | None = Field(default=None, ge=1)
    ws_port: int | None = Field(default=0, ge=0, le=65535)
    browser: bool = True
    chromium_path: str | None = None
    map_data: Path | None = None
    voice_guidance_time_scale: float = Field(default=1.0, ge=0.1, le=1000)
    state_dir: Path | None = None
    install_root: Path | None = None
    trusted_keys: tuple[Path, ...] = ()
    usb_dir: Path | None = None
    tokens_file: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    client_ca: Path | None = None

    @field_validator("host")
    @classmethod
    def _host_given(cls, value: str) -> str:
        # gRPC reads ":50051" as every interface, which the loopback-only rule would miss.
        if not value.strip():
            raise ValueError(
                "--host is empty; pass the address to bind, such as 127.0.0.1 (this machine "
                "only) or 0.0.0.0 (every interface, with --tokens and TLS)."
            )
        return value

    @field_validator("advertise_host")
    @classmethod
    def _advertise_given(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError(
                "--advertise-host is empty; pass the host clients should dial, or leave the "
                "flag out to use --host."
            )
        return value

    @model_validator(mode="after")
    def _distinct_ports(self) -> ServiceConfig:
        if self.port and self.port == self.ws_port:
            raise ValueError(
                f"--port and --ws-port are both {self.port}, but gRPC and the event bridge "
                "need a port each; pass another --ws-port (0 picks a free one)."
            )
        return self

    @model_validator(mode="after")
    def _tls_pairs(self) -> ServiceConfig:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key.")
        if self.client_ca is not None and self.tls_cert is None:
            raise ValueError("Mutual TLS (--client-ca) needs --tls-cert and --tls-key as well.")
        return self

    def server_credentials(self) -> grpc.ServerCredentials | None:
        """TLS (or mutual TLS, with a client CA) credentials, or None for plaintext."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        client_ca = self.client_ca.read_bytes() if self.client_ca else None
        return grpc.ssl_server_credentials(
            [(self.tls_key.read_bytes(), self.tls_cert.read_bytes())],
            root_certificates=client_ca,
            require_client_auth=client_ca is not None,
        )

    def bridge_ssl_context(self) -> ssl.SSLContext | None:
        """The same certificate (and client-certificate rule) for the WebSocket bridge."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.tls_cert, self.tls_key)
        if self.client_ca is not None:
            context.load_verify_locations(self.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        return context


class HeadUnit:
    """The reference head unit: state store plus gRPC server.

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
        )
        restored = self.store.active_profile_id
        if restored not in self.catalog.ids() or (self.config.profile and restored != profile_id):
            # A journal may name a profile that is gone, and --profile wins over it.
            self.store.active_profile_id = profile_id
        tokens = load_tokens(self.config.tokens_file) if self.config.tokens_file else None
        self.authorizer = Authorizer(tokens)
        secured = tokens is not None and self.config.tls_cert is not None
        check_bind_address(self.config.host, secured=secured)
        self.port = 0
        self._server: grpc.aio.Server | None = None
        self._health = HealthService()
        self.browser = BrowserPanel(
            self.store,
            enabled=self.config.browser,
            chromium_path=self.config.chromium_path,
            size=self._browser_size(),
        )
        self.bridge: Any = None  # the EventBridge, once started
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
        self.controls = SimulatorControls(self.store, self.catalog)
        self.controls.worker = self.worker
        self.maps = MapsPanel(self.store, self.config.map_data)
        self.controls.browser_click = self._browser_click
        if importlib.util.find_spec("kivy") is not None:
            self.controls.screenshotter = self._screenshot
        self.voice = VoicePanel(
            self.store,
            self.maps,
            self.browser,
            self.controls.focus_kind,
            guidance_time_scale=self.config.voice_guidance_time_scale,
        )
        if not self.voice.asr_reason:
            self.controls.audio_injector = partial(inject_audio, self.voice)

    def _browser_size(self) -> tuple[int, int]:
        """The browser panel's size on the first centre display, as the engine's viewport."""
        profile_id = self.store.active_profile_id
        if not profile_id:
            return 1024, 600
        for layout in self.catalog.layouts(profile_id).values():
            if layout.role == "center":
                for panel in layout.panels:
                    if panel.kind == "browser" and panel.visible:
                        return int(panel.rect_px.width), int(panel.rect_px.height)
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

    async def _browser_click(self, x: int, y: int) -> None:
        await self.browser.call(lambda engine: engine.click(x, y))

    async def _screenshot(self, display_id: str) -> tuple[bytes, int, int]:
        """Render a display (or the dashboard) offscreen with the Kivy UI's painter."""
        from ..ui import screenshot  # loads kivy: only when a screenshot is asked for

        try:
            png = screenshot(self.store, self.catalog, display_id, map_data=self.maps.data)
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
            headunit_service_pb2.CAPABILITY_SPEECH_RECOGNITION: self.voice.asr_reason,
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

    async def start(self) -> int:
        """Bind and start serving; returns the bound port."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        server = grpc.aio.server(
            interceptors=[ServiceInterceptor(self.authorizer)],
            # gRPC sets SO_REUSEPORT by default, so a second head unit on the same
            # port would start silently and take a random share of the clients.
            options=[("grpc.so_reuseport", 0)],
        )
        headunit_service_pb2_grpc.add_HeadUnitServiceServicer_to_server(
            HeadUnitServicer(self.store, self.describe, lambda: self.websocket_url), server
        )
        layout_service_pb2_grpc.add_LayoutServiceServicer_to_server(
            LayoutServicer(self.store, self.catalog, self.worker), server
        )
        browser_service_pb2_grpc.add_BrowserServiceServicer_to_server(
            BrowserServicer(self.store, self.browser), server
        )
        simulator_service_pb2_grpc.add_SimulatorServiceServicer_to_server(
            SimulatorServicer(self.store, self.controls), server
        )
        maps_service_pb2_grpc.add_MapsServiceServicer_to_server(
            MapsServicer(self.store, self.maps), server
        )
        voice_service_pb2_grpc.add_VoiceServiceServicer_to_server(
            VoiceServicer(self.store, self.voice), server
        )
        packages_service_pb2_grpc.add_PackagesServiceServicer_to_server(self.packages, server)
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        reflection.enable_server_reflection(
            [*_SERVICE_NAMES, health.SERVICE_NAME, reflection.SERVICE_NAME], server
        )
        # Check both ports before binding either: a taken port then fails with
        # one sentence, before gRPC logs its own bind error or starts serving.
        # The binds below still catch a port taken in between.
        for port, flag in ((self.config.port, "--port"), (self.config.ws_port, "--ws-port")):
            if port and (taken := port_taken(self.config.host, port)) is not None:
                raise bind_error(self.config.host, port, flag, taken)
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
            # Imported here: the bridge builds on this package (its event log).
            from ..bridge import EventBridge

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
        if self.config.usb_dir is not None:
            self.usb_watcher = UsbWatcher(
                self.config.usb_dir,
                self.installer,
                on_result=self.packages.on_usb_result,
                progress=self.packages.emit_progress,
            )
            self.usb_watcher.start()
        for name in ["", *_SERVICE_NAMES]:
            await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return self.port

    async def stop(self, grace: float = 1.0) -> None:
        """Stop serving: streams end with UNAVAILABLE so clients resume elsewhere.

        Safe on a head unit whose :meth:`start` failed half-way, and idempotent.
        """
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


@dataclass(frozen=True)
class UiOptions:
    """How ``cardeck sim`` shows the window: one display, a console script, stdin console."""

    display_id: str | None = None
    script: str | None = None
    console: bool = False


async def serve_forever(
    config: ServiceConfig,
    announce: Callable[[str], None] | None = None,
    ui: UiOptions | None = None,
) -> None:
    """Run a head unit until SIGINT or SIGTERM (or its window closes), then shut down cleanly."""
    unit = HeadUnit(config)
    # Handlers first: whoever reads the announcement may signal right away.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        port = await unit.start()
    except BaseException:
        # A taken port and the like: leave no temporary install root, no
        # half-started server and no signal handlers behind.
        await unit.stop(0)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        raise
    say = announce or (lambda text: print(text, flush=True))
    scheme = "TLS" if config.tls_cert else "plaintext"
    say(
        f"CarDeck head unit listening on {config.host}:{port} ({scheme}, "
        f"profile {unit.store.active_profile_id or 'none'}, run {unit.store.events.run_id})"
    )
    if unit.websocket_url:
        say(f"WebSocket event bridge on {unit.websocket_url}")
    if unit.authorizer.open:
        print(
            "WARNING: no tokens file: every caller gets every scope, including vehicle:write "
            "and packages:install. Serving on loopback only. Pass --tokens FILE for real use.",
            file=sys.stderr,
            flush=True,
        )
    try:
        if ui is None:
            await stop.wait()
        else:
            from ..ui import run_ui  # the window: kivy loads only here

            window = asyncio.ensure_future(
                run_ui(unit, display_id=ui.display_id, script=ui.script, console=ui.console)
            )
            signalled = asyncio.ensure_future(stop.wait())
            await asyncio.wait({window, signalled}, return_when=asyncio.FIRST_COMPLETED)
            signalled.cancel()
            if window.done():
                window.result()  # a failing script line surfaces here
            else:
                window.cancel()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        print("CarDeck head unit stopping.", file=sys.stderr, flush=True)
        await unit.stop()
