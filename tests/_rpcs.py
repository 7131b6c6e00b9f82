"""Every RPC of the ``cardeck.v1`` API, and every RPC the head unit serves, for tests that
must cover each one.

The scope table test and the fuzz targets cover each RPC the head unit serves: the
``cardeck.v1`` API, Eclipse KUKSA's ``kuksa.val.v1`` and ``v2``, and server reflection v1 and
v1alpha (``every_served_method``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor

import cardeck.v1
from cardeck.kuksa.val.v1 import val_pb2 as kuksa_v1
from cardeck.kuksa.val.v2 import val_pb2 as kuksa_v2
from cardeck_sim.service._reflection import REFLECTION_SERVICE_NAMES

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


def every_served_method() -> Iterator[MethodDescriptor]:
    """Every method the head unit serves: cardeck.v1's, KUKSA's val v1 and v2, reflection's."""
    yield from every_method()
    for module in (kuksa_v1, kuksa_v2):
        for service in module.DESCRIPTOR.services_by_name.values():
            yield from service.methods
    for name in REFLECTION_SERVICE_NAMES:
        yield from descriptor_pool.Default().FindServiceByName(name).methods


def method_path(method: MethodDescriptor) -> str:
    """The method's full gRPC path, ``/cardeck.v1.Service/Method``."""
    return f"/{method.containing_service.full_name}/{method.name}"
