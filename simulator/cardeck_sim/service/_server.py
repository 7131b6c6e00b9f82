"""One grpc.aio server holding every servicer, health checking and reflection (v1 and v1alpha).

The composition root (``cardeck_sim.headunit``) builds the servicers over the
store and the engines; this module knows which generated ``add_*_to_server``
registers each of them, and how every call is authorized and mapped to a status.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from cardeck.kuksa.val.v1 import val_pb2_grpc as kuksa_v1_grpc
from cardeck.kuksa.val.v2 import val_pb2_grpc as kuksa_v2_grpc
from cardeck.v1 import (
    browser_service_pb2_grpc,
    headunit_service_pb2_grpc,
    layout_service_pb2_grpc,
    maps_service_pb2_grpc,
    packages_service_pb2_grpc,
    simulator_service_pb2_grpc,
    voice_service_pb2_grpc,
)

from ._auth import Authorizer
from ._browser import BrowserServicer
from ._headunit import HeadUnitServicer
from ._health import HealthService
from ._interceptors import ServiceInterceptor
from ._kuksa_v1 import KuksaV1Servicer
from ._kuksa_v2 import KuksaV2Servicer
from ._layout import LayoutServicer
from ._maps import MapsServicer
from ._packages import PackagesServicer
from ._reflection import add_reflection
from ._simulator import SimulatorServicer
from ._voice import VoiceServicer

__all__ = ["KUKSA_SERVICE_NAMES", "SERVICE_NAMES", "Servicers", "build_server"]

#: The full names of the cardeck.v1 services, as health checking and reflection list them.
SERVICE_NAMES = tuple(
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
)
#: Eclipse KUKSA's val services, served on the same port (see ``_kuksa_v1`` and ``_kuksa_v2``).
KUKSA_SERVICE_NAMES = ("kuksa.val.v1.VAL", "kuksa.val.v2.VAL")


@dataclass(frozen=True)
class Servicers:
    """One servicer per cardeck.v1 service, KUKSA's val services, and health checking."""

    headunit: HeadUnitServicer
    layout: LayoutServicer
    maps: MapsServicer
    voice: VoiceServicer
    browser: BrowserServicer
    packages: PackagesServicer
    simulator: SimulatorServicer
    kuksa_v1: KuksaV1Servicer
    kuksa_v2: KuksaV2Servicer
    health: HealthService


def build_server(servicers: Servicers, authorizer: Authorizer) -> grpc.aio.Server:
    """A server (not yet bound or started) serving ``servicers`` behind ``authorizer``."""
    server = grpc.aio.server(
        interceptors=[ServiceInterceptor(authorizer)],
        # gRPC sets SO_REUSEPORT by default, so a second head unit on the same
        # port would start silently and take a random share of the clients.
        options=[("grpc.so_reuseport", 0)],
    )
    headunit_service_pb2_grpc.add_HeadUnitServiceServicer_to_server(servicers.headunit, server)
    layout_service_pb2_grpc.add_LayoutServiceServicer_to_server(servicers.layout, server)
    browser_service_pb2_grpc.add_BrowserServiceServicer_to_server(servicers.browser, server)
    simulator_service_pb2_grpc.add_SimulatorServiceServicer_to_server(servicers.simulator, server)
    maps_service_pb2_grpc.add_MapsServiceServicer_to_server(servicers.maps, server)
    voice_service_pb2_grpc.add_VoiceServiceServicer_to_server(servicers.voice, server)
    packages_service_pb2_grpc.add_PackagesServiceServicer_to_server(servicers.packages, server)
    kuksa_v1_grpc.add_VALServicer_to_server(servicers.kuksa_v1, server)
    kuksa_v2_grpc.add_VALServicer_to_server(servicers.kuksa_v2, server)
    health_pb2_grpc.add_HealthServicer_to_server(servicers.health, server)
    add_reflection(server, [*SERVICE_NAMES, *KUKSA_SERVICE_NAMES, health.SERVICE_NAME])
    return server
