"""Vehicle data from outside: the head unit mirrors another KUKSA val v2 server.

``cardeck sim --vehicle-source kuksa://HOST:PORT`` (or ``kuksas://`` for TLS) makes the
head unit read the listed VSS signals (``--vehicle-signals``) from that server instead of
simulating its own car: :class:`VehicleFeed` reads them with ``GetValues``, follows them
with ``Subscribe`` and writes each update through the state store, reconnecting with
backoff when the source goes away. It stands on ``state`` only; the composition root
(``headunit``) starts and stops it.

Usage::

    from cardeck_sim.feed import VehicleFeed, parse_vehicle_source

    feed = VehicleFeed(store, parse_vehicle_source("kuksa://127.0.0.1:55555"))
    feed.start()
    ...
    await feed.aclose()
"""

from ._feed import DEFAULT_POLICY, LOST_CODE, RESTORED_CODE, FeedState, VehicleFeed
from ._source import (
    DEFAULT_FEED_SIGNALS,
    SIMULATED,
    VehicleSource,
    parse_feed_signals,
    parse_vehicle_source,
)
from ._values import shortest_float32, value_of

__all__ = [
    "DEFAULT_FEED_SIGNALS",
    "DEFAULT_POLICY",
    "LOST_CODE",
    "RESTORED_CODE",
    "SIMULATED",
    "FeedState",
    "VehicleFeed",
    "VehicleSource",
    "parse_feed_signals",
    "parse_vehicle_source",
    "shortest_float32",
    "value_of",
]
