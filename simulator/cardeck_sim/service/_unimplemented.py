"""Servicers for capabilities this head unit does not provide yet.

Every RPC of such a service answers UNIMPLEMENTED with a sentence naming the
missing capability, so a client never mistakes a gap for a success.
"""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from ._status import RpcFailure


def unimplemented_servicer(base: type[Any], service: ServiceDescriptor, capability: str) -> Any:
    """An instance of ``base`` whose every RPC refuses with UNIMPLEMENTED.

    :param base: the generated ``*Servicer`` class.
    :param service: the service's descriptor.
    :param capability: what is missing, e.g. "the maps capability (place search, routing)".
    """

    def make(method_name: str) -> Any:
        async def refuse(self: Any, request: Any, context: Any) -> Any:
            raise RpcFailure(
                grpc.StatusCode.UNIMPLEMENTED,
                f"{service.name}.{method_name} is not implemented by this head unit yet: "
                f"{capability} is missing. Check the capabilities in GetInfo before calling it.",
                reason="CAPABILITY_MISSING",
                metadata={"service": service.full_name, "method": method_name},
            )

        refuse.__name__ = method_name
        return refuse

    methods = {m.name: make(m.name) for m in service.methods}
    cls = type(f"Unimplemented{service.name}", (base,), methods)
    return cls()
