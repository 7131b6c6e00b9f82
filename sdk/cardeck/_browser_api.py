"""``client.browser``: the browser panel (BrowserService).

While the vehicle moves, every call that changes the page raises
``FailedPreconditionError`` (reason ``BROWSER_LOCKED``); a URL the policy
refuses raises ``PermissionDeniedError`` (reason ``URL_BLOCKED``).
"""

from __future__ import annotations

from typing import Any

from ._exceptions import map_rpc_error
from ._models import BrowserState, Image, UrlPolicy
from ._streams import AsyncStateStream, StateStream
from .v1 import browser_service_pb2 as pb
from .v1 import browser_service_pb2_grpc as pb_grpc

# Navigation waits for the page's load event; give the call that long plus margin.
_NAVIGATE_MARGIN_S = 5.0


def _state(resp: Any) -> BrowserState:
    return BrowserState.from_proto(resp.state)


class BrowserAPI:
    """The browser panel, as ``Client.browser``."""

    def __init__(self, client: Any, channel: Any) -> None:
        self._c = client
        self._stub = pb_grpc.BrowserServiceStub(channel)

    def navigate(self, url: str, *, wait_timeout_s: float = 10.0) -> BrowserState:
        """Open ``url`` and wait for its load event (up to ``wait_timeout_s``).

        :raises PermissionDeniedError: the URL policy refuses the URL.
        :raises FailedPreconditionError: locked while driving, or no browser installed.
        """
        request = pb.NavigateRequest(url=url, wait_timeout_s=wait_timeout_s)
        kwargs = self._c._call_kwargs() | {"timeout": wait_timeout_s + _NAVIGATE_MARGIN_S}
        with map_rpc_error():
            return _state(self._stub.Navigate(request, **kwargs))

    def go_back(self) -> BrowserState:
        """One step back in history."""
        with map_rpc_error():
            return _state(self._stub.GoBack(pb.GoBackRequest(), **self._c._call_kwargs()))

    def go_forward(self) -> BrowserState:
        """One step forward in history."""
        with map_rpc_error():
            return _state(self._stub.GoForward(pb.GoForwardRequest(), **self._c._call_kwargs()))

    def reload(self) -> BrowserState:
        """Reload the page."""
        with map_rpc_error():
            return _state(self._stub.Reload(pb.ReloadRequest(), **self._c._call_kwargs()))

    def stop(self) -> BrowserState:
        """Stop loading."""
        with map_rpc_error():
            return _state(self._stub.Stop(pb.StopRequest(), **self._c._call_kwargs()))

    def state(self) -> BrowserState:
        """The browser state now."""
        with map_rpc_error():
            return _state(self._stub.GetState(pb.GetStateRequest(), **self._c._call_kwargs()))

    def watch_state(self) -> StateStream[BrowserState]:
        """Browser states as they change; the first is the current one."""
        self._c._check_open()
        return StateStream(
            lambda: self._stub.WatchState(pb.WatchStateRequest(), metadata=self._c._metadata),
            _state,
            self._c.reconnect,
        )

    def capture(self) -> Image:
        """A PNG of the page."""
        with map_rpc_error():
            resp = self._stub.Capture(pb.CaptureRequest(), **self._c._call_kwargs())
        return Image(resp.png, resp.width_px, resp.height_px)

    def url_policy(self) -> UrlPolicy:
        """Which URLs the browser may open."""
        with map_rpc_error():
            resp = self._stub.GetUrlPolicy(pb.GetUrlPolicyRequest(), **self._c._call_kwargs())
        return UrlPolicy.from_proto(resp.policy)

    def set_url_policy(self, policy: UrlPolicy) -> UrlPolicy:
        """Replace the URL policy; returns the policy in force."""
        request = pb.SetUrlPolicyRequest(policy=policy.to_proto())
        with map_rpc_error():
            resp = self._stub.SetUrlPolicy(request, **self._c._call_kwargs())
        return UrlPolicy.from_proto(resp.policy)


class AsyncBrowserAPI:
    """The asyncio twin of :class:`BrowserAPI`, as ``AsyncClient.browser``."""

    def __init__(self, client: Any, channel: Any) -> None:
        self._c = client
        self._stub = pb_grpc.BrowserServiceStub(channel)

    async def navigate(self, url: str, *, wait_timeout_s: float = 10.0) -> BrowserState:
        """Open ``url`` and wait for its load event (see :meth:`BrowserAPI.navigate`)."""
        request = pb.NavigateRequest(url=url, wait_timeout_s=wait_timeout_s)
        kwargs = self._c._call_kwargs() | {"timeout": wait_timeout_s + _NAVIGATE_MARGIN_S}
        with map_rpc_error():
            return _state(await self._stub.Navigate(request, **kwargs))

    async def go_back(self) -> BrowserState:
        """One step back in history."""
        with map_rpc_error():
            return _state(await self._stub.GoBack(pb.GoBackRequest(), **self._c._call_kwargs()))

    async def go_forward(self) -> BrowserState:
        """One step forward in history."""
        with map_rpc_error():
            resp = await self._stub.GoForward(pb.GoForwardRequest(), **self._c._call_kwargs())
        return _state(resp)

    async def reload(self) -> BrowserState:
        """Reload the page."""
        with map_rpc_error():
            return _state(await self._stub.Reload(pb.ReloadRequest(), **self._c._call_kwargs()))

    async def stop(self) -> BrowserState:
        """Stop loading."""
        with map_rpc_error():
            return _state(await self._stub.Stop(pb.StopRequest(), **self._c._call_kwargs()))

    async def state(self) -> BrowserState:
        """The browser state now."""
        with map_rpc_error():
            resp = await self._stub.GetState(pb.GetStateRequest(), **self._c._call_kwargs())
        return _state(resp)

    def watch_state(self) -> AsyncStateStream[BrowserState]:
        """Browser states as they change; the first is the current one."""
        self._c._check_open()
        return AsyncStateStream(
            lambda: self._stub.WatchState(pb.WatchStateRequest(), metadata=self._c._metadata),
            _state,
            self._c.reconnect,
        )

    async def capture(self) -> Image:
        """A PNG of the page."""
        with map_rpc_error():
            resp = await self._stub.Capture(pb.CaptureRequest(), **self._c._call_kwargs())
        return Image(resp.png, resp.width_px, resp.height_px)

    async def url_policy(self) -> UrlPolicy:
        """Which URLs the browser may open."""
        with map_rpc_error():
            resp = await self._stub.GetUrlPolicy(pb.GetUrlPolicyRequest(), **self._c._call_kwargs())
        return UrlPolicy.from_proto(resp.policy)

    async def set_url_policy(self, policy: UrlPolicy) -> UrlPolicy:
        """Replace the URL policy; returns the policy in force."""
        request = pb.SetUrlPolicyRequest(policy=policy.to_proto())
        with map_rpc_error():
            resp = await self._stub.SetUrlPolicy(request, **self._c._call_kwargs())
        return UrlPolicy.from_proto(resp.policy)
