"""The head-unit service: the state store, its event log and the gRPC servicers.

Runs without kivy; only ``cardeck_sim.ui`` needs it.
"""

from ._events import EventLog, SubscriberLagError
from ._server import HeadUnit, ServiceConfig, serve_forever
from ._store import DriveRestrictions, StateStore, VehicleState

__all__ = [
    "DriveRestrictions",
    "EventLog",
    "HeadUnit",
    "ServiceConfig",
    "StateStore",
    "SubscriberLagError",
    "VehicleState",
    "serve_forever",
]
