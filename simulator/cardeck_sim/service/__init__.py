"""The head-unit service: the state store, its event log and the gRPC servicers.

Runs without kivy; only ``cardeck_sim.ui`` needs it.
"""

from .._ports import AddressInUseError
from ._events import EventLog, SubscriberLagError
from ._server import HeadUnit, ServiceConfig, UiOptions, serve_forever
from ._store import BrowserView, DriveRestrictions, MapView, StateStore, VehicleState, VoiceView

__all__ = [
    "AddressInUseError",
    "BrowserView",
    "DriveRestrictions",
    "EventLog",
    "HeadUnit",
    "MapView",
    "ServiceConfig",
    "StateStore",
    "SubscriberLagError",
    "UiOptions",
    "VehicleState",
    "VoiceView",
    "serve_forever",
]
