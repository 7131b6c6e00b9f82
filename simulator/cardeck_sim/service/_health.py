"""gRPC health checking with ``List``: grpcio-health-checking's servicer leaves it unimplemented.

Stock tools (grpc-health-probe, buf curl) call ``grpc.health.v1.Health/List`` to see every
service at once; the library's servicer raises NotImplementedError there, which reached
clients as UNKNOWN. This subclass keeps its own copy of the statuses it was given.
"""

from __future__ import annotations

from typing import Any

from grpc_health.v1 import health, health_pb2

__all__ = ["HealthService"]


class HealthService(health.aio.HealthServicer):  # type: ignore[name-defined,misc]  # grpc_health's stubs leave out its asyncio servicer
    """The library's asyncio health servicer plus ``List``."""

    def __init__(self) -> None:
        super().__init__()
        self._listed: dict[str, health_pb2.HealthCheckResponse.ServingStatus.ValueType] = {
            "": health_pb2.HealthCheckResponse.SERVING
        }

    async def set(
        self, service: str, status: health_pb2.HealthCheckResponse.ServingStatus.ValueType
    ) -> None:
        """Set a service's status (as the library does) and remember it for ``List``."""
        await super().set(service, status)
        self._listed[service] = status

    async def enter_graceful_shutdown(self) -> None:
        """Every service NOT_SERVING, as the library does, in ``List`` too."""
        await super().enter_graceful_shutdown()
        self._listed = dict.fromkeys(self._listed, health_pb2.HealthCheckResponse.NOT_SERVING)

    async def List(
        self, request: health_pb2.HealthListRequest, context: Any
    ) -> health_pb2.HealthListResponse:
        """Every service's status."""
        reply = health_pb2.HealthListResponse()
        for name, status in self._listed.items():
            reply.statuses[name].status = status
        return reply
