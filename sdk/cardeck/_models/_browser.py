"""Models of the browser service (``client.browser``): its state, URL policy and captures."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..v1 import browser_service_pb2 as browser_pb
from ..v1 import types_pb2


@dataclass(frozen=True)
class BrowserState:
    """What the browser panel shows."""

    url: str
    title: str
    loading: bool
    progress: float
    can_go_back: bool
    can_go_forward: bool
    blocked_reason: str
    locked: bool
    available: bool
    #: Chromium's network error for the last navigation (``net::ERR_CONNECTION_REFUSED``),
    #: "" when it loaded.
    load_error: str = ""

    @classmethod
    def from_proto(cls, msg: types_pb2.BrowserState) -> BrowserState:
        return cls(
            msg.url,
            msg.title,
            msg.loading,
            msg.progress,
            msg.can_go_back,
            msg.can_go_forward,
            msg.blocked_reason,
            msg.locked,
            msg.available,
            msg.load_error,
        )


@dataclass(frozen=True)
class UrlPolicy:
    """Which URLs the browser panel may open.

    :param allowed_schemes: lower-case schemes; file, javascript and data are
        refused unless listed.
    :param allowed_hosts: host names or ``*.domain`` patterns; empty allows any host.
    """

    allowed_schemes: tuple[str, ...] = ("http", "https", "about")
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def from_proto(cls, msg: browser_pb.UrlPolicy) -> UrlPolicy:
        return cls(tuple(msg.allowed_schemes), tuple(msg.allowed_hosts))

    def to_proto(self) -> browser_pb.UrlPolicy:
        return browser_pb.UrlPolicy(
            allowed_schemes=list(self.allowed_schemes), allowed_hosts=list(self.allowed_hosts)
        )


@dataclass(frozen=True)
class Image:
    """A PNG: a browser capture or a display screenshot."""

    png: bytes
    width_px: int
    height_px: int

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the PNG to a file."""
        with open(path, "wb") as f:
            f.write(self.png)
