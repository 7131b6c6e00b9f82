"""Every RPC of the ``cardeck.v1`` API, for tests that must cover each one.

A new service file is added here once; the scope table test and the fuzz targets
then both cover its RPCs.
"""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor

from cardeck.v1 import (
    browser_service_pb2,
    headunit_service_pb2,
    layout_service_pb2,
    maps_service_pb2,
    packages_service_pb2,
    simulator_service_pb2,
    voice_service_pb2,
)

# Every service file of the API; importing them registers them in the descriptor pool.
SERVICE_MODULES = (
    browser_service_pb2,
    headunit_service_pb2,
    layout_service_pb2,
    maps_service_pb2,
    packages_service_pb2,
    simulator_service_pb2,
    voice_service_pb2,
)


def every_method() -> Iterator[MethodDescriptor]:
    """Every method of every ``cardeck.v1`` service in the descriptor pool."""
    pool = descriptor_pool.Default()
    for module in SERVICE_MODULES:
        for service in module.DESCRIPTOR.services_by_name.values():
            yield from pool.FindServiceByName(service.full_name).methods


def method_path(method: MethodDescriptor) -> str:
    """The method's full gRPC path, ``/cardeck.v1.Service/Method``."""
    return f"/{method.containing_service.full_name}/{method.name}"
