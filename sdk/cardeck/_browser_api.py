"""``client.browser``: the browser panel (BrowserService).

While the vehicle moves, every call that changes the page raises
``FailedPreconditionError`` (reason ``BROWSER_LOCKED``); a URL the policy
refuses raises ``PermissionDeniedError`` (reason ``URL_BLOCKED``).
"""

from __future__ import annotations

from typing import Any

from ._models import BrowserState, Image, UrlPolicy
from ._rpcs import BrowserService
from ._seam import AsyncCaller, SyncCaller
from ._streams import AsyncStateStream, StateStream
from .v1 import browser_service_pb2 as pb

# Navigation waits for the page's load event; give the call that long plus margin.
_NAVIGATE_MARGIN_S = 5.0


def _state(resp: Any) -> BrowserState:
    return BrowserState.from_proto(resp.state)


class BrowserAPI:
    """The browser panel, as ``Client.browser``."""

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    def navigate(self, url: str, *, wait_timeout_s: float = 10.0) -> BrowserState:
        """Open ``url`` and wait for its load event (up to ``wait_timeout_s``).

        :raises PermissionDeniedError: the URL policy refuses the URL.
        :raises FailedPreconditionError: locked while driving, or no browser installed.
        """
        request = pb.NavigateRequest(url=url, wait_timeout_s=wait_timeout_s)
        timeout_s = wait_timeout_s + _NAVIGATE_MARGIN_S
        return _state(self._c._unary(BrowserService.Navigate, request, timeout_s=timeout_s))

    def go_back(self) -> BrowserState:
        """One step back in history."""
        return _state(self._c._unary(BrowserService.GoBack, pb.GoBackRequest()))

    def go_forward(self) -> BrowserState:
        """One step forward in history."""
        return _state(self._c._unary(BrowserService.GoForward, pb.GoForwardRequest()))

    def reload(self) -> BrowserState:
        """Reload the page."""
        return _state(self._c._unary(BrowserService.Reload, pb.ReloadRequest()))

    def stop(self) -> BrowserState:
        """Stop loading."""
        return _state(self._c._unary(BrowserService.Stop, pb.StopRequest()))

    def state(self) -> BrowserState:
        """The browser state now."""
        return _state(self._c._unary(BrowserService.GetState, pb.GetStateRequest()))

    def watch_state(self) -> StateStream[BrowserState]:
        """Browser states as they change; the first is the current one."""
        return self._c._watch(BrowserService.WatchState, pb.WatchStateRequest(), _state)

    def capture(self) -> Image:
        """A PNG of the page."""
        resp = self._c._unary(BrowserService.Capture, pb.CaptureRequest())
        return Image(resp.png, resp.width_px, resp.height_px)

    def url_policy(self) -> UrlPolicy:
        """Which URLs the browser may open."""
        resp = self._c._unary(BrowserService.GetUrlPolicy, pb.GetUrlPolicyRequest())
        return UrlPolicy.from_proto(resp.policy)

    def set_url_policy(self, policy: UrlPolicy) -> UrlPolicy:
        """Replace the URL policy; returns the policy in force."""
        request = pb.SetUrlPolicyRequest(policy=policy.to_proto())
        resp = self._c._unary(BrowserService.SetUrlPolicy, request)
        return UrlPolicy.from_proto(resp.policy)


class AsyncBrowserAPI:
    """The asyncio twin of :class:`BrowserAPI`, as ``AsyncClient.browser``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    async def navigate(self, url: str, *, wait_timeout_s: float = 10.0) -> BrowserState:
        """Open ``url`` and wait for its load event (see :meth:`BrowserAPI.navigate`)."""
        request = pb.NavigateRequest(url=url, wait_timeout_s=wait_timeout_s)
        timeout_s = wait_timeout_s + _NAVIGATE_MARGIN_S
        return _state(await self._c._unary(BrowserService.Navigate, request, timeout_s=timeout_s))

    async def go_back(self) -> BrowserState:
        """One step back in history."""
        return _state(await self._c._unary(BrowserService.GoBack, pb.GoBackRequest()))

    async def go_forward(self) -> BrowserState:
        """One step forward in history."""
        resp = await self._c._unary(BrowserService.GoForward, pb.GoForwardRequest())
        return _state(resp)

    async def reload(self) -> BrowserState:
        """Reload the page."""
        return _state(await self._c._unary(BrowserService.Reload, pb.ReloadRequest()))

    async def stop(self) -> BrowserState:
        """Stop loading."""
        return _state(await self._c._unary(BrowserService.Stop, pb.StopRequest()))

    async def state(self) -> BrowserState:
        """The browser state now."""
        resp = await self._c._unary(BrowserService.GetState, pb.GetStateRequest())
        return _state(resp)

    def watch_state(self) -> AsyncStateStream[BrowserState]:
        """Browser states as they change; the first is the current one."""
        return self._c._watch(BrowserService.WatchState, pb.WatchStateRequest(), _state)

    async def capture(self) -> Image:
        """A PNG of the page."""
        resp = await self._c._unary(BrowserService.Capture, pb.CaptureRequest())
        return Image(resp.png, resp.width_px, resp.height_px)

    async def url_policy(self) -> UrlPolicy:
        """Which URLs the browser may open."""
        resp = await self._c._unary(BrowserService.GetUrlPolicy, pb.GetUrlPolicyRequest())
        return UrlPolicy.from_proto(resp.policy)

    async def set_url_policy(self, policy: UrlPolicy) -> UrlPolicy:
        """Replace the URL policy; returns the policy in force."""
        request = pb.SetUrlPolicyRequest(policy=policy.to_proto())
        resp = await self._c._unary(BrowserService.SetUrlPolicy, request)
        return UrlPolicy.from_proto(resp.policy)
