"""The head unit's gRPC servicers: each turns requests into store commands.

Runs without kivy; only ``cardeck_sim.ui`` needs it. The state they change
lives in ``cardeck_sim.state``.
"""

from .._ports import AddressInUseError
from ._server import HeadUnit, ServiceConfig, UiOptions, serve_forever

__all__ = [
    "AddressInUseError",
    "HeadUnit",
    "ServiceConfig",
    "UiOptions",
    "serve_forever",
]
