"""The browser engine of the reference head unit: headless Chromium over CDP."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from ._cdp import CdpClosedError, CdpConnection, CdpError
from ._chromium import ChromiumProcess, find_chromium
from ._errors import (
    BrowserBlockedError,
    BrowserCrashedError,
    BrowserError,
    BrowserLockedError,
    BrowserUnavailableError,
)
from ._policy import UrlPolicy

__all__ = ["BrowserEngine", "BrowserState", "ScreencastFrame"]

_log = logging.getLogger(__name__)

_BACKOFF_FIRST = 0.2
_BACKOFF_MAX = 5.0
# A session that survived this long was healthy, so the next crash starts the
# backoff afresh instead of continuing to double.
_HEALTHY_SECONDS = 10.0

# Installed into the page (and into every new document while locked): a
# full-viewport black cover that swallows input, and a capture-phase "play"
# listener so media a script restarts is paused again at once.
_LOCK_JS = """(() => {
  if (window.__cardeckLock) return;
  // Same-origin frames are reachable; cross-origin ones get their own copy
  // of this script only when they load a new document.
  const pauseIn = (w) => {
    try {
      w.document.querySelectorAll('video,audio').forEach(m => m.pause());
      for (let i = 0; i < w.frames.length; i++) pauseIn(w.frames[i]);
    } catch (e) {}
  };
  const pause = () => pauseIn(window);
  const onPlay = (e) => { if (e.target instanceof HTMLMediaElement) e.target.pause(); };
  const cover = document.createElement('div');
  cover.id = '__cardeck_lock';
  cover.setAttribute('style', 'position:fixed;inset:0;z-index:2147483647;background:#000;' +
    'color:#fff;display:flex;align-items:center;justify-content:center;font:32px sans-serif');
  cover.textContent = 'Browser locked while driving';
  const attach = () => { (document.body || document.documentElement).appendChild(cover); pause(); };
  document.addEventListener('play', onPlay, true);
  if (document.documentElement) attach();
  else document.addEventListener('DOMContentLoaded', attach, {once: true});
  pause();
  window.__cardeckLock = {cover, onPlay};
})()"""
# Chromium reports script-made title changes in the navigation history but
# sends no event for them, so every top-level document reports its own title
# changes through a CDP binding (deduplicated: mutations are frequent).
_TITLE_BINDING = "__cardeckTitleChanged"
_TITLE_JS = """(() => {
  if (window !== window.top) return;
  let last = null;
  const report = () => {
    if (document.title === last) return;
    last = document.title;
    try { globalThis.BINDING(last); } catch (e) {}
  };
  new MutationObserver(report).observe(document,
    {subtree: true, childList: true, characterData: true});
})()""".replace("BINDING", _TITLE_BINDING)
_UNLOCK_JS = """(() => {
  const lock = window.__cardeckLock;
  if (!lock) return;
  document.removeEventListener('play', lock.onPlay, true);
  lock.cover.remove();
  delete window.__cardeckLock;
})()"""


@dataclass(frozen=True)
class BrowserState:
    """A snapshot of the browser panel.

    :param url: the committed URL of the main frame ("" before the first page).
    :param title: the page title, "" if the page has none.
    :param loading: whether the main frame is loading.
    :param progress: loading progress, 0.0 to 1.0.
    :param blocked_reason: why the last navigation was denied, "" if it was not.
    :param locked: whether the panel is locked while driving.
    :param crashed_restarts: how often Chromium was restarted after dying.
    :param load_error: Chromium's network error for the last navigation
        (``net::ERR_CONNECTION_REFUSED``), "" when it loaded.
    """

    url: str = ""
    title: str = ""
    loading: bool = False
    progress: float = 0.0
    can_go_back: bool = False
    can_go_forward: bool = False
    blocked_reason: str = ""
    locked: bool = False
    crashed_restarts: int = 0
    load_error: str = ""


@dataclass(frozen=True)
class ScreencastFrame:
    """One JPEG frame of the page, undecoded.

    :param jpeg: the JPEG bytes as Chromium encoded them.
    :param width: pixel width, read from the JPEG header.
    :param height: pixel height, read from the JPEG header.
    :param seq: 1-based frame number since the engine started.
    :param received_monotonic: ``time.monotonic()`` when the frame arrived.
    :param timestamp: Chromium's capture time in seconds since the epoch
        (``time.time()`` scale), 0.0 if Chromium sent none.
    """

    jpeg: bytes
    width: int
    height: int
    seq: int
    received_monotonic: float
    timestamp: float = 0.0


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Read (width, height) from a JPEG's SOF marker without decoding pixels."""
    i = 2
    n = len(data)
    while i + 9 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    return None


class BrowserEngine:
    """Headless Chromium for the browser panel, driven over the DevTools protocol.

    State changes arrive through ``on_state``, screencast JPEGs through
    ``on_frame`` (on the event loop: hand them on, do not decode there), and
    restarts after a crash through ``on_restart(count, reason)``.

    Example::

        async with BrowserEngine(policy=UrlPolicy(allowed_hosts=("127.0.0.1",))) as b:
            state = await b.navigate("http://127.0.0.1:8000/")
            png = await b.capture_png()

    :param width: viewport width in CSS pixels.
    :param height: viewport height in CSS pixels.
    :param policy: which URLs may be opened; the default allows http, https
        and about:blank on any host.
    :param chromium_path: the Chromium binary; found with ``find_chromium``
        when omitted.
    :param screencast: whether to stream JPEG frames to ``on_frame``.
    :param jpeg_quality: screencast JPEG quality, 0 to 100.
    """

    def __init__(
        self,
        *,
        width: int = 1024,
        height: int = 600,
        policy: UrlPolicy | None = None,
        chromium_path: str | None = None,
        on_state: Callable[[BrowserState], None] | None = None,
        on_frame: Callable[[ScreencastFrame], None] | None = None,
        on_restart: Callable[[int, str], None] | None = None,
        screencast: bool = True,
        jpeg_quality: int = 70,
    ) -> None:
        self._width = width
        self._height = height
        self._policy = policy if policy is not None else UrlPolicy()
        self._chromium_path = chromium_path
        self._on_state = on_state
        self._on_frame = on_frame
        self._on_restart = on_restart
        self._screencast = screencast
        self._jpeg_quality = jpeg_quality

        self._state = BrowserState()
        self._proc: ChromiumProcess | None = None
        self._cdp: CdpConnection | None = None
        self._generation = 0
        self._session_started = 0.0
        self._main_frame_id = ""
        self._committed_loader = ""
        self._lock_script_id: str | None = None
        self._loaded: deque[str] = deque(maxlen=32)
        self._load_waiters: dict[str, asyncio.Future[None]] = {}
        # History moves and reloads settle in two steps: the main frame commits
        # a document, then stops loading. A stop event of the previous page
        # must not end the wait, so waiters move from one list to the other.
        self._commit_waiters: list[asyncio.Future[None]] = []
        self._stop_waiters: list[asyncio.Future[None]] = []
        self._frame_seq = 0
        self._restarts = 0
        self._died = asyncio.Event()
        self._death_reason = ""
        self._death_wait_exit = False
        self._exit_task: asyncio.Task[None] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._refresh_task: asyncio.Task[None] | None = None
        self._refresh_again = False
        self._started = False
        self._closing = False

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> BrowserEngine:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Launch Chromium and attach to its page.

        :raises BrowserUnavailableError: Chromium is missing or would not start.
        """
        if self._started:
            raise RuntimeError("This BrowserEngine was already started; create a new one.")
        self._started = True
        binary = self._chromium_path or find_chromium()
        if binary is None:
            raise BrowserUnavailableError(
                "No Chromium binary was found. Install the Debian package `chromium` "
                "(sudo apt-get install chromium) or pass chromium_path=."
            )
        self._chromium_path = binary
        await self._launch_and_attach()
        self._watchdog = asyncio.get_running_loop().create_task(self._watch())

    async def aclose(self) -> None:
        """Stop Chromium, reap every process it started and delete its profile."""
        if self._closing:
            return
        self._closing = True
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        await self._teardown("the browser engine was closed")

    @property
    def state(self) -> BrowserState:
        """The current state snapshot."""
        return self._state

    @property
    def policy(self) -> UrlPolicy:
        """The URL policy every navigation is checked against."""
        return self._policy

    @policy.setter
    def policy(self, policy: UrlPolicy) -> None:
        # Takes effect for the next navigation, and inside Chromium for links
        # and redirects, which the request interception checks on each request.
        self._policy = policy

    @property
    def pid(self) -> int | None:
        """The Chromium browser process id, or ``None`` while none runs."""
        return self._proc.pid if self._proc is not None else None

    # ------------------------------------------------------------------ commands

    async def navigate(self, url: str, *, timeout: float = 10.0) -> BrowserState:
        """Open ``url`` and wait for its load event (or ``timeout`` seconds).

        :raises BrowserLockedError: the panel is locked while driving.
        :raises BrowserBlockedError: the URL policy denies ``url``; Chromium
            never sees it.
        :raises BrowserCrashedError: Chromium died or is restarting.
        """
        self._check_unlocked("open a page")
        reason = self._policy.check(url)
        if reason is not None:
            self._update(blocked_reason=reason)
            raise BrowserBlockedError(reason)
        self._update(blocked_reason="", load_error="")
        result = await self._call("Page.navigate", {"url": url})
        # Chromium answers a navigation that cannot load (refused, unresolvable, TLS)
        # with errorText and shows its own error page: report it, do not pretend.
        self._update(load_error=str(result.get("errorText", "")))
        loader = str(result.get("loaderId", ""))
        if loader:
            await self._wait_for_load(loader, timeout)
        await self._refresh()
        return self._state

    async def go_back(self, *, timeout: float = 10.0) -> BrowserState:
        """Go one entry back in history; a no-op at the first entry."""
        return await self._go_history(-1, timeout)

    async def go_forward(self, *, timeout: float = 10.0) -> BrowserState:
        """Go one entry forward in history; a no-op at the last entry."""
        return await self._go_history(+1, timeout)

    async def reload(self, *, timeout: float = 10.0) -> BrowserState:
        """Reload the page and wait until it has loaded."""
        self._check_unlocked("reload the page")
        await self._settled(self._call("Page.reload", {}), timeout)
        await self._refresh()
        return self._state

    async def stop(self) -> BrowserState:
        """Stop loading the page."""
        await self._call("Page.stopLoading", {})
        await self._refresh()
        return self._state

    async def capture_png(self) -> bytes:
        """Return a PNG of the viewport as it is shown (the lock cover included)."""
        result = await self._call("Page.captureScreenshot", {"format": "png"})
        return base64.b64decode(result["data"])

    async def capture_frame(self) -> ScreencastFrame:
        """Capture the page as it is now, as a frame like the screencast's.

        The screencast lags a navigation: Chromium sends the first frame of a new
        page only after its compositor has drawn it and the previous frame was
        acknowledged, about 0.25 s after the load event, and nothing more while a
        page stands still. A picture taken right after ``navigate`` would show
        the previous page (or no page); this frame is the page as loaded.
        """
        result = await self._call(
            "Page.captureScreenshot", {"format": "jpeg", "quality": self._jpeg_quality}
        )
        jpeg = base64.b64decode(result["data"])
        width, height = _jpeg_size(jpeg) or (self._width, self._height)
        self._frame_seq += 1
        return ScreencastFrame(
            jpeg=jpeg,
            width=width,
            height=height,
            seq=self._frame_seq,
            received_monotonic=time.monotonic(),
            timestamp=time.time(),
        )

    async def set_locked(self, locked: bool) -> None:
        """Lock or unlock the panel.

        Locked, the page is covered, its media are paused (and stay paused
        if a script restarts them), and navigation, reload and clicks raise
        ``BrowserLockedError``. Unlocking removes the cover; media stay
        paused until the user resumes them.
        """
        if locked == self._state.locked:
            return
        self._update(locked=locked)
        if self._cdp is not None and not self._cdp.closed:
            await self._apply_lock()

    async def click(self, x: int, y: int) -> None:
        """Click the left mouse button at viewport pixel (x, y).

        :raises BrowserLockedError: the panel is locked while driving.
        """
        self._check_unlocked("touch the page")
        base = {"x": x, "y": y, "button": "left", "clickCount": 1}
        await self._call("Input.dispatchMouseEvent", {"type": "mousePressed", **base})
        await self._call("Input.dispatchMouseEvent", {"type": "mouseReleased", **base})

    async def resize(self, width: int, height: int) -> None:
        """Change the viewport size; the screencast follows."""
        self._width, self._height = width, height
        await self._apply_viewport()
        if self._screencast:
            await self._call("Page.stopScreencast", {})
            await self._start_screencast()

    # ------------------------------------------------------------------ internals

    def _check_unlocked(self, action: str) -> None:
        if self._state.locked:
            raise BrowserLockedError(
                f"Cannot {action}: the browser panel is locked while the vehicle is moving. "
                "Try again when the vehicle is parked."
            )

    def _session(self) -> CdpConnection:
        if not self._started or self._closing:
            raise RuntimeError("The BrowserEngine is not running; call start() first.")
        cdp = self._cdp
        if cdp is None or cdp.closed:
            raise BrowserCrashedError(
                "Chromium is restarting after it stopped; try again in a moment."
            )
        return cdp

    async def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        cdp = self._session()
        try:
            return await cdp.send(method, params)
        except CdpClosedError as exc:
            raise BrowserCrashedError(
                f"Chromium stopped while handling {method}; it is being restarted, "
                "try again in a moment."
            ) from exc
        except CdpError as exc:
            raise BrowserError(f"Chromium refused {method}: {exc}") from exc
        except TimeoutError as exc:
            raise BrowserCrashedError(
                f"Chromium did not answer {method} in time; it may be hung. Try again."
            ) from exc

    def _update(self, **changes: Any) -> None:
        new = replace(self._state, **changes)
        if new == self._state:
            return
        self._state = new
        if self._on_state is not None:
            try:
                self._on_state(new)
            except Exception:
                _log.exception("on_state callback failed")

    async def _wait_for_load(self, loader: str, timeout: float) -> None:
        if loader in self._loaded:
            return
        future = asyncio.get_running_loop().create_future()
        self._load_waiters[loader] = future
        try:
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError:
            # Slow pages are not an error: the state says it is still loading.
            pass
        finally:
            self._load_waiters.pop(loader, None)

    async def _settled(self, command: Awaitable[object], timeout: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._commit_waiters.append(future)
        try:
            await command
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError:
            pass
        finally:
            for waiters in (self._commit_waiters, self._stop_waiters):
                with contextlib.suppress(ValueError):
                    waiters.remove(future)

    async def _go_history(self, step: int, timeout: float) -> BrowserState:
        self._check_unlocked("go back or forward")
        history = await self._call("Page.getNavigationHistory", {})
        index = int(history["currentIndex"]) + step
        entries = history["entries"]
        if not 0 <= index < len(entries):
            return self._state
        entry = entries[index]
        reason = self._policy.check(str(entry["url"]))
        if reason is not None:
            self._update(blocked_reason=reason)
            raise BrowserBlockedError(reason)
        await self._settled(
            self._call("Page.navigateToHistoryEntry", {"entryId": entry["id"]}), timeout
        )
        await self._refresh()
        return self._state

    async def _refresh(self) -> None:
        """Read title and back/forward availability from the navigation history."""
        cdp = self._cdp
        if cdp is None or cdp.closed:
            return
        try:
            history = await cdp.send("Page.getNavigationHistory")
        except (CdpError, CdpClosedError, TimeoutError):
            return
        index = int(history["currentIndex"])
        entries = history["entries"]
        title = str(entries[index].get("title", "")) if 0 <= index < len(entries) else ""
        self._update(
            title=title,
            can_go_back=index > 0,
            can_go_forward=index < len(entries) - 1,
        )

    def _schedule_refresh(self) -> None:
        # Coalesce bursts of events into one history read at a time, but never
        # drop the last: a change reported while a read is in flight may be
        # missing from that read's answer, so one more read follows it.
        if self._refresh_task is not None and not self._refresh_task.done():
            self._refresh_again = True
            return
        self._refresh_task = asyncio.get_running_loop().create_task(self._refresh_until_current())

    async def _refresh_until_current(self) -> None:
        self._refresh_again = True
        while self._refresh_again:
            self._refresh_again = False
            await self._refresh()

    # ------------------------------------------------------------------ process

    async def _launch_and_attach(self) -> None:
        assert self._chromium_path is not None
        proc = await ChromiumProcess.launch(self._chromium_path, self._width, self._height)
        self._generation += 1
        generation = self._generation
        try:
            cdp = await CdpConnection.open(
                proc.page_ws_url,
                self._on_event,
                lambda: self._mark_dead(
                    "the DevTools connection closed unexpectedly", generation, wait_exit=True
                ),
            )
        except BaseException as exc:
            await proc.aclose()
            if isinstance(exc, Exception):
                raise BrowserUnavailableError(
                    f"Chromium started but its DevTools websocket could not be opened ({exc}). "
                    "Check that nothing blocks connections to 127.0.0.1."
                ) from exc
            raise
        self._proc, self._cdp = proc, cdp
        self._session_started = time.monotonic()
        self._exit_task = asyncio.get_running_loop().create_task(self._watch_exit(proc, generation))
        try:
            await self._attach(cdp)
        except BaseException as exc:
            await self._teardown("attaching to Chromium failed")
            if isinstance(exc, Exception) and not isinstance(exc, BrowserError):
                raise BrowserUnavailableError(
                    f"Chromium started but did not accept the engine's setup ({exc}). "
                    "Check that the installed Chromium is recent (version 120 or later)."
                ) from exc
            raise

    async def _attach(self, cdp: CdpConnection) -> None:
        self._lock_script_id = None
        await cdp.send("Page.enable")
        await cdp.send("Page.setLifecycleEventsEnabled", {"enabled": True})
        await cdp.send("Inspector.enable")  # for Inspector.targetCrashed
        await cdp.send("Runtime.enable")  # for Runtime.bindingCalled
        await cdp.send("Runtime.addBinding", {"name": _TITLE_BINDING})
        await cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": _TITLE_JS})
        tree = await cdp.send("Page.getFrameTree")
        self._main_frame_id = str(tree["frameTree"]["frame"]["id"])
        # Links, redirects and scripts navigate without us; the policy is
        # enforced on those main-frame document requests inside Chromium too.
        await cdp.send(
            "Fetch.enable", {"patterns": [{"resourceType": "Document", "requestStage": "Request"}]}
        )
        await self._apply_viewport()
        if self._state.locked:
            await self._apply_lock()
        if self._screencast:
            await self._start_screencast()

    async def _apply_viewport(self) -> None:
        await self._call(
            "Emulation.setDeviceMetricsOverride",
            {"width": self._width, "height": self._height, "deviceScaleFactor": 1, "mobile": False},
        )

    async def _start_screencast(self) -> None:
        await self._call(
            "Page.startScreencast",
            {
                "format": "jpeg",
                "quality": self._jpeg_quality,
                "maxWidth": self._width,
                "maxHeight": self._height,
                "everyNthFrame": 1,
            },
        )

    async def _apply_lock(self) -> None:
        if self._state.locked:
            if self._lock_script_id is None:
                result = await self._call(
                    "Page.addScriptToEvaluateOnNewDocument", {"source": _LOCK_JS}
                )
                self._lock_script_id = str(result["identifier"])
            await self._call("Runtime.evaluate", {"expression": _LOCK_JS})
        else:
            if self._lock_script_id is not None:
                await self._call(
                    "Page.removeScriptToEvaluateOnNewDocument",
                    {"identifier": self._lock_script_id},
                )
                self._lock_script_id = None
            await self._call("Runtime.evaluate", {"expression": _UNLOCK_JS})

    async def _watch_exit(self, proc: ChromiumProcess, generation: int) -> None:
        await proc.proc.wait()
        self._mark_dead(proc.exit_reason(), generation)

    def _mark_dead(self, reason: str, generation: int, *, wait_exit: bool = False) -> None:
        if self._closing or generation != self._generation or self._died.is_set():
            return
        self._death_reason = reason
        self._death_wait_exit = wait_exit
        self._died.set()

    async def _teardown(self, why: str) -> None:
        exit_task, self._exit_task = self._exit_task, None
        if exit_task is not None:
            exit_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await exit_task
        refresh, self._refresh_task = self._refresh_task, None
        if refresh is not None:
            refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresh
        # Each handle is dropped only once it is closed: if aclose() cancels a
        # watchdog mid-teardown, aclose's own teardown finishes the job and
        # no Chromium is left behind.
        if self._cdp is not None:
            await self._cdp.aclose()
            self._cdp = None
        if self._proc is not None:
            await self._proc.aclose()
            self._proc = None
        error = BrowserCrashedError(f"The page load was abandoned because {why}.")
        for future in [*self._load_waiters.values(), *self._commit_waiters, *self._stop_waiters]:
            if not future.done():
                future.set_exception(error)
        if self._state.loading:
            self._update(loading=False)

    async def _watch(self) -> None:
        """Restart Chromium with backoff whenever it dies."""
        delay = _BACKOFF_FIRST
        while True:
            await self._died.wait()
            reason = self._death_reason
            proc = self._proc
            if proc is not None and proc.proc.returncode is None and self._death_wait_exit:
                # A closed websocket usually means the process is dying, and
                # its exit status is the more useful reason. Tearing down a
                # killed 300 MB process can take a while on a busy machine.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(2.0):
                        await proc.proc.wait()
                if proc.proc.returncode is not None:
                    reason = proc.exit_reason()
            if time.monotonic() - self._session_started > _HEALTHY_SECONDS:
                delay = _BACKOFF_FIRST
            resume_url = self._state.url
            _log.warning("%s; restarting it in %.1f s.", reason, delay)
            await self._teardown(reason)
            while True:
                await asyncio.sleep(delay)
                delay = min(delay * 2, _BACKOFF_MAX)
                self._died.clear()
                try:
                    await self._launch_and_attach()
                    break
                except Exception as exc:
                    _log.warning("Restarting Chromium failed (%s); retrying in %.1f s.", exc, delay)
            if (
                resume_url
                and self._policy.check(resume_url) is None
                and resume_url != "about:blank"
            ):
                with contextlib.suppress(BrowserError):
                    result = await self._call("Page.navigate", {"url": resume_url})
                    if result.get("loaderId"):
                        await self._wait_for_load(str(result["loaderId"]), 10.0)
            self._restarts += 1
            self._update(crashed_restarts=self._restarts)
            if self._on_restart is not None:
                try:
                    self._on_restart(self._restarts, reason)
                except Exception:
                    _log.exception("on_restart callback failed")

    # ------------------------------------------------------------------ events

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        handler = _HANDLERS.get(method)
        if handler is not None:
            handler(self, params)

    def _is_main(self, params: dict[str, Any]) -> bool:
        return params.get("frameId") == self._main_frame_id

    def _ev_started_loading(self, params: dict[str, Any]) -> None:
        if self._is_main(params):
            self._update(loading=True, progress=0.1)

    def _ev_navigated(self, params: dict[str, Any]) -> None:
        frame = params["frame"]
        if frame.get("parentId"):
            return
        self._main_frame_id = str(frame["id"])
        self._committed_loader = str(frame.get("loaderId", ""))
        unreachable = frame.get("unreachableUrl")
        url = str(unreachable or frame.get("url", "")) + str(frame.get("urlFragment", ""))
        changes: dict[str, Any] = {"url": url, "progress": max(self._state.progress, 0.3)}
        if not unreachable:
            changes["blocked_reason"] = ""
        self._update(**changes)
        if params.get("type") == "BackForwardCacheRestore":
            # A page restored from the back/forward cache has stopped loading
            # before it commits; no stop event follows.
            self._resolve_settled(self._commit_waiters)
        else:
            self._stop_waiters.extend(self._commit_waiters)
        self._commit_waiters.clear()
        self._schedule_refresh()

    def _ev_within_document(self, params: dict[str, Any]) -> None:
        if self._is_main(params):
            self._update(url=str(params["url"]))
            self._resolve_settled(self._commit_waiters)
            self._resolve_settled(self._stop_waiters)
            self._schedule_refresh()

    def _ev_lifecycle(self, params: dict[str, Any]) -> None:
        if not self._is_main(params):
            return
        name = params.get("name")
        if name == "DOMContentLoaded":
            self._update(progress=max(self._state.progress, 0.7))
            self._schedule_refresh()
        elif name == "load":
            # navigate() returns on the stop event that follows, so that the
            # state it returns is no longer loading.
            self._update(progress=max(self._state.progress, 0.9))

    def _ev_stopped_loading(self, params: dict[str, Any]) -> None:
        if not self._is_main(params):
            return
        self._update(loading=False, progress=1.0)
        # Also reached by error pages, which never report "load".
        self._loaded_loader(self._committed_loader)
        self._resolve_settled(self._stop_waiters)
        self._schedule_refresh()

    def _loaded_loader(self, loader: str) -> None:
        if not loader:
            return
        self._loaded.append(loader)
        future = self._load_waiters.get(loader)
        if future is not None and not future.done():
            future.set_result(None)

    @staticmethod
    def _resolve_settled(waiters: list[asyncio.Future[None]]) -> None:
        for future in waiters:
            if not future.done():
                future.set_result(None)

    def _ev_binding(self, params: dict[str, Any]) -> None:
        if params.get("name") == _TITLE_BINDING:
            # The payload comes from the page; read the title from history.
            self._schedule_refresh()

    def _ev_crashed(self, params: dict[str, Any]) -> None:
        self._mark_dead("the page's renderer process crashed", self._generation)

    def _ev_request_paused(self, params: dict[str, Any]) -> None:
        cdp = self._cdp
        if cdp is None:
            return
        request_id = params["requestId"]
        url = str(params["request"]["url"])
        reason = self._policy.check(url) if params.get("frameId") == self._main_frame_id else None
        if reason is None:
            cdp.send_nowait("Fetch.continueRequest", {"requestId": request_id})
        else:
            cdp.send_nowait(
                "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}
            )
            self._update(blocked_reason=reason)

    def _ev_screencast_frame(self, params: dict[str, Any]) -> None:
        received = time.monotonic()
        cdp = self._cdp
        if cdp is not None:
            # Chromium sends the next frame only after this ack.
            cdp.send_nowait("Page.screencastFrameAck", {"sessionId": params["sessionId"]})
        if self._on_frame is None:
            return
        jpeg = base64.b64decode(params["data"])
        meta = params.get("metadata", {})
        size = _jpeg_size(jpeg)
        if size is None:
            scale = float(meta.get("pageScaleFactor", 1.0))
            size = (
                round(float(meta.get("deviceWidth", 0)) * scale),
                round(float(meta.get("deviceHeight", 0)) * scale),
            )
        self._frame_seq += 1
        frame = ScreencastFrame(
            jpeg=jpeg,
            width=size[0],
            height=size[1],
            seq=self._frame_seq,
            received_monotonic=received,
            timestamp=float(meta.get("timestamp", 0.0)),
        )
        try:
            self._on_frame(frame)
        except Exception:
            _log.exception("on_frame callback failed")


_HANDLERS: dict[str, Callable[[BrowserEngine, dict[str, Any]], None]] = {
    "Page.frameStartedLoading": BrowserEngine._ev_started_loading,
    "Page.frameNavigated": BrowserEngine._ev_navigated,
    "Page.navigatedWithinDocument": BrowserEngine._ev_within_document,
    "Page.lifecycleEvent": BrowserEngine._ev_lifecycle,
    "Page.frameStoppedLoading": BrowserEngine._ev_stopped_loading,
    "Page.screencastFrame": BrowserEngine._ev_screencast_frame,
    "Inspector.targetCrashed": BrowserEngine._ev_crashed,
    "Runtime.bindingCalled": BrowserEngine._ev_binding,
    "Fetch.requestPaused": BrowserEngine._ev_request_paused,
}
