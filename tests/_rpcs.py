"""Every RPC of the ``cardeck.v1`` API, for tests that must cover each one.

The scope table test and the fuzz targets both cover each RPC listed here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor

import cardeck.v1

# Every service file of the API (``cardeck/v1/*_service_pb2.py``), found rather than
# listed so that a new service is covered as soon as it is generated; importing them
# registers them in the descriptor pool.
SERVICE_MODULES = tuple(
    importlib.import_module(f"cardeck.v1.{module.name}")
    for module in pkgutil.iter_modules(cardeck.v1.__path__)
    if module.name.endswith("_service_pb2")
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
