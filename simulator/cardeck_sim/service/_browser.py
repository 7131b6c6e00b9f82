"""The browser panel: one Chromium engine, locked while driving, its state in the store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc

from cardeck.i18n import translator
from cardeck.v1 import browser_service_pb2 as pb
from cardeck.v1 import browser_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

from ..browser import (
    BrowserBlockedError,
    BrowserCrashedError,
    BrowserEngine,
    BrowserError,
    BrowserLockedError,
    BrowserState,
    BrowserUnavailableError,
    UrlPolicy,
    find_chromium,
)
from ..state import BrowserView, Cursor, StateStore, SubscriberLagError
from ._status import RpcFailure, invalid_argument

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_URL_CHARS = 8192
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
_HOST = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$|^\[[0-9a-f:.]+\]$")

_LOCKED_MESSAGE = (
    "The browser is locked while the vehicle moves (NHTSA: no reading web pages while "
    "driving); park the car (gear P, or parking brake on at 0 km/h) and try again."
)


def _state_to_proto(state: BrowserState, available: bool) -> types_pb2.BrowserState:
    return types_pb2.BrowserState(
        url=state.url,
        title=state.title,
        loading=state.loading,
        progress=state.progress,
        can_go_back=state.can_go_back,
        can_go_forward=state.can_go_forward,
        blocked_reason=state.blocked_reason,
        locked=state.locked,
        available=available,
        load_error=state.load_error,
    )


class BrowserPanel:
    """Owns the browser engine for the head unit.

    Chromium starts on the first call that needs it, so head units that never
    browse pay nothing. A background reader follows the drive restrictions in
    the event log and locks or unlocks the engine; the engine's state, frames
    and restarts go into the store.

    :param store: the state store.
    :param enabled: False turns the capability off.
    :param chromium_path: a Chromium binary; None finds Debian's.
    :param size: the viewport in px (the browser panel's size).
    """

    def __init__(
        self,
        store: StateStore,
        *,
        enabled: bool = True,
        chromium_path: str | None = None,
        size: tuple[int, int] = (1024, 600),
        policy: UrlPolicy | None = None,
    ) -> None:
        self._store = store
        self._path = chromium_path or find_chromium()
        self.reason = ""
        if not enabled:
            self.reason = "The browser panel is turned off in this head unit's configuration."
        elif self._path is None:
            self.reason = (
                "Chromium is not installed; install Debian's package with "
                "`apt-get install chromium` and restart the head unit."
            )
        elif not os.access(self._path, os.X_OK):
            self.reason = (
                f"There is no Chromium at {self._path}; install Debian's package with "
                "`apt-get install chromium`, or point chromium_path at the binary."
            )
        self.available = not self.reason
        self._size = size
        self._policy = policy or UrlPolicy()
        self._engine: BrowserEngine | None = None
        self._starting = asyncio.Lock()
        self._follower: asyncio.Task[None] | None = None
        store.set_browser(
            BrowserView(
                available=self.available, state=BrowserState(), unavailable_reason=self.reason
            )
        )

    # -- lifecycle ---------------------------------------------------------------

    def start_following(self) -> None:
        """Start following drive restrictions (call on the running loop)."""
        self._follower = asyncio.get_running_loop().create_task(self._follow_restrictions())

    async def aclose(self) -> None:
        """Stop following and reap Chromium."""
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        if self._engine is not None:
            await self._engine.aclose()
            self._engine = None

    async def engine(self) -> BrowserEngine:
        """The running engine, started on first use.

        :raises RpcFailure: FAILED_PRECONDITION when Chromium is unavailable.
        """
        if not self.available:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.reason, reason="BROWSER_UNAVAILABLE"
            )
        async with self._starting:
            if self._engine is None:
                engine = BrowserEngine(
                    width=self._size[0],
                    height=self._size[1],
                    policy=self._policy,
                    chromium_path=self._path,
                    on_state=self._on_state,
                    on_frame=self._store.set_browser_frame,
                    on_restart=self._on_restart,
                )
                try:
                    await engine.start()
                except BrowserUnavailableError as exc:
                    raise RpcFailure(
                        grpc.StatusCode.FAILED_PRECONDITION, str(exc), reason="BROWSER_UNAVAILABLE"
                    ) from exc
                await engine.set_locked(self._store.restrictions.browser_locked_everywhere)
                self._engine = engine
        return self._engine

    async def refresh_frame(self) -> None:
        """Put a frame of the page as it is now into the store (before a screenshot).

        Does nothing when no page engine runs or driving locks the browser on every
        display (the panel covers the page then); a failed capture keeps the last
        screencast frame, so a screenshot never fails for the page's sake.
        """
        engine = self._engine
        if engine is None or self._store.restrictions.browser_locked_everywhere:
            return
        try:
            frame = await engine.capture_frame()
        except BrowserError:
            return
        self._store.set_browser_frame(frame)

    # -- policy ------------------------------------------------------------------

    @property
    def policy(self) -> UrlPolicy:
        """The URL policy in force."""
        return self._policy

    def set_policy(self, policy: UrlPolicy) -> None:
        """Replace the URL policy (also in a running engine)."""
        self._policy = policy
        if self._engine is not None:
            self._engine.policy = policy

    # -- state -------------------------------------------------------------------

    def state(self) -> types_pb2.BrowserState:
        """The browser state as the wire message."""
        state = self._store.browser.state or BrowserState()
        if self._engine is None:
            state = BrowserState(locked=self._store.restrictions.browser_locked_everywhere)
        return _state_to_proto(state, self.available)

    def _on_state(self, state: BrowserState) -> None:
        view = self._store.browser
        self._store.set_browser(
            BrowserView(
                available=self.available,
                state=state,
                frame=view.frame,
                unavailable_reason=self.reason,
            ),
            _state_to_proto(state, self.available),
        )

    def _on_restart(self, count: int, reason: str) -> None:
        # ServiceNotice.message is shown to people: in the head unit's locale now.
        tr = translator(self._store.locale)
        self._store.notice(
            types_pb2.NOTICE_SEVERITY_WARNING,
            "BROWSER_RESTARTED",
            # i18n: a notice on screen; {reason} is the engine's own English reason (e.g.
            # "exit code -9"), {count} how many restarts so far.
            tr.gettext(
                "The browser engine stopped ({reason}) and was restarted (restart {count}).",
                reason=reason,
                count=count,
            ),
        )

    async def _follow_restrictions(self) -> None:
        events = self._store.events
        cursor = Cursor(events, events.head_seq, kinds=[types_pb2.EVENT_KIND_DRIVE_RESTRICTIONS])
        while not events.closed:
            try:
                changed = bool(await cursor.next_batch())
            except SubscriberLagError:
                # Fell behind a burst of events: the store has the current answer.
                cursor = Cursor(events, events.head_seq, kinds=cursor.kinds)
                changed = True
            if changed and self._engine is not None:
                locked = self._store.restrictions.browser_locked_everywhere
                try:
                    await self._engine.set_locked(locked)
                except Exception:  # a crashed engine re-applies the lock when it restarts
                    log.exception("Could not %s the browser.", "lock" if locked else "unlock")

    # -- calls -------------------------------------------------------------------

    async def call(self, action: Callable[[BrowserEngine], Awaitable[T]]) -> T:
        """Run an action on the engine with every engine error mapped to a status."""
        if self._store.restrictions.browser_locked_everywhere:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, _LOCKED_MESSAGE, reason="BROWSER_LOCKED"
            )
        engine = await self.engine()
        if engine.state.locked:
            # The store says parked but the follower has not unlocked yet: the
            # store is the truth, so catch the engine up before acting.
            await engine.set_locked(False)
        try:
            return await action(engine)
        except BrowserBlockedError as exc:
            raise RpcFailure(
                grpc.StatusCode.PERMISSION_DENIED,
                f"The URL policy refuses this page: {exc.reason}",
                reason="URL_BLOCKED",
            ) from exc
        except BrowserLockedError as exc:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, _LOCKED_MESSAGE, reason="BROWSER_LOCKED"
            ) from exc
        except BrowserCrashedError as exc:
            raise RpcFailure(
                grpc.StatusCode.UNAVAILABLE,
                f"{exc} The head unit restarts the browser; retry in a moment.",
                reason="BROWSER_RESTARTING",
            ) from exc
        except TimeoutError as exc:
            raise RpcFailure(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                "The page did not finish loading in time; it may still be loading.",
                reason="BROWSER_TIMEOUT",
            ) from exc
        except BrowserError as exc:
            # Chromium answered the DevTools command with an error (e.g. a reload while a
            # navigation is being committed): the page's state, not the request, is wrong.
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"{exc} Wait for the page to settle (watch_state) and try again.",
                reason="BROWSER_REFUSED",
            ) from exc


def png_size(png: bytes) -> tuple[int, int]:
    # The IHDR chunk follows the 8-byte signature: width and height are big-endian u32.
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return 0, 0
    width, height = struct.unpack(">II", png[16:24])
    return width, height


class BrowserServicer(pb_grpc.BrowserServiceServicer):
    """Serves BrowserService through the browser panel."""

    def __init__(self, store: StateStore, panel: BrowserPanel) -> None:
        self._store = store
        self._panel = panel

    async def _act(
        self, action: Callable[[BrowserEngine], Awaitable[BrowserState]]
    ) -> types_pb2.BrowserState:
        """Run a page action on the engine; the page's state after it (the engine is up)."""
        return _state_to_proto(await self._panel.call(action), True)

    async def Navigate(self, request: pb.NavigateRequest, context: Any) -> pb.NavigateResponse:
        url = request.url.strip()
        problems = []
        if not url:
            problems.append(("url", "url is required: give an absolute URL."))
        elif len(url) > MAX_URL_CHARS:
            problems.append(("url", f"url is longer than {MAX_URL_CHARS} characters."))
        elif ":" not in url:
            problems.append(("url", f"url {url!r} is not absolute; add a scheme (https://…)."))
        if not (0 <= request.wait_timeout_s <= 60):
            problems.append(("wait_timeout_s", "wait_timeout_s must be from 0 to 60 seconds."))
        if problems:
            raise invalid_argument(problems)
        timeout = request.wait_timeout_s or 10.0
        return pb.NavigateResponse(
            state=await self._act(lambda e: e.navigate(url, timeout=timeout))
        )

    async def GoBack(self, request: pb.GoBackRequest, context: Any) -> pb.GoBackResponse:
        return pb.GoBackResponse(state=await self._act(lambda e: e.go_back()))

    async def GoForward(self, request: pb.GoForwardRequest, context: Any) -> pb.GoForwardResponse:
        return pb.GoForwardResponse(state=await self._act(lambda e: e.go_forward()))

    async def Reload(self, request: pb.ReloadRequest, context: Any) -> pb.ReloadResponse:
        return pb.ReloadResponse(state=await self._act(lambda e: e.reload()))

    async def Stop(self, request: pb.StopRequest, context: Any) -> pb.StopResponse:
        return pb.StopResponse(state=await self._act(lambda e: e.stop()))

    async def GetState(self, request: pb.GetStateRequest, context: Any) -> pb.GetStateResponse:
        return pb.GetStateResponse(state=self._panel.state())

    async def WatchState(
        self, request: pb.WatchStateRequest, context: Any
    ) -> AsyncIterator[pb.WatchStateResponse]:
        log_ = self._store.events
        cursor = Cursor(log_, log_.head_seq, kinds=[types_pb2.EVENT_KIND_BROWSER])
        yield pb.WatchStateResponse(state=self._panel.state())
        while not log_.closed:
            for event in await cursor.next_batch():
                yield pb.WatchStateResponse(state=event.browser_state_changed.state)

    async def Capture(self, request: pb.CaptureRequest, context: Any) -> pb.CaptureResponse:
        png = await self._panel.call(lambda e: e.capture_png())
        width, height = png_size(png)
        return pb.CaptureResponse(png=png, width_px=width, height_px=height)

    async def GetUrlPolicy(
        self, request: pb.GetUrlPolicyRequest, context: Any
    ) -> pb.GetUrlPolicyResponse:
        return pb.GetUrlPolicyResponse(policy=_policy_to_proto(self._panel.policy))

    async def SetUrlPolicy(
        self, request: pb.SetUrlPolicyRequest, context: Any
    ) -> pb.SetUrlPolicyResponse:
        schemes = [s.strip().lower() for s in request.policy.allowed_schemes]
        hosts = [h.strip().lower() for h in request.policy.allowed_hosts]
        problems = [
            (f"policy.allowed_schemes[{i}]", f"{s!r} is not a URL scheme name.")
            for i, s in enumerate(schemes)
            if not _SCHEME.match(s)
        ] + [
            (f"policy.allowed_hosts[{i}]", f"{h!r} is not a host name or *.domain pattern.")
            for i, h in enumerate(hosts)
            if not _HOST.match(h)
        ]
        if not schemes:
            problems.append(("policy.allowed_schemes", "allowed_schemes must name one scheme."))
        if problems:
            raise invalid_argument(problems)
        self._panel.set_policy(
            UrlPolicy(allowed_schemes=tuple(schemes), allowed_hosts=tuple(hosts))
        )
        return pb.SetUrlPolicyResponse(policy=_policy_to_proto(self._panel.policy))


def _policy_to_proto(policy: UrlPolicy) -> pb.UrlPolicy:
    return pb.UrlPolicy(
        allowed_schemes=list(policy.allowed_schemes), allowed_hosts=list(policy.allowed_hosts)
    )
