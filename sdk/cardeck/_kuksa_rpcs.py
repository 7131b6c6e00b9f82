"""Every kuksa.val.v2 RPC as an :class:`~cardeck._rpcs.Rpc` constant the client can call.

KUKSA's protos are not CarDeck's: two RPCs share a request message
(``Actuate`` and ``ActuateStream`` both take ``ActuateRequest``) and none
declares an ``idempotency_level``. So each constant names its method, and
whether it may be sent again after UNAVAILABLE is decided here, with the
reason beside it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from google.protobuf.message import Message

from ._rpcs import Rpc
from .kuksa.val.v2 import val_pb2 as pb

__all__ = ["KUKSA_RPCS", "VAL"]

ReqT = TypeVar("ReqT", bound=Message)
RespT = TypeVar("RespT", bound=Message)

_SERVICE = pb.DESCRIPTOR.services_by_name["VAL"]

#: Every kuksa.val.v2 RPC, filled as :class:`VAL` is defined.
KUKSA_RPCS: list[Rpc[Any, Any]] = []


class _KuksaRpc(Rpc[ReqT, RespT]):
    """A kuksa.val.v2 method, addressed by name; retry safety given, not read from the proto."""

    def __init__(
        self, name: str, request: type[ReqT], response: type[RespT], *, retry_safe: bool
    ) -> None:
        method = _SERVICE.methods_by_name[name]
        if (method.input_type, method.output_type) != (request.DESCRIPTOR, response.DESCRIPTOR):
            raise TypeError(f"{method.full_name} does not take {request.__name__}.")
        self.name = name
        self.service = _SERVICE.name
        self.path = f"/{_SERVICE.full_name}/{name}"
        self.client_streaming = method.client_streaming
        self.server_streaming = method.server_streaming
        self.retry_safe = retry_safe
        self.request_serializer = request.SerializeToString
        self.response_deserializer = response.FromString
        KUKSA_RPCS.append(self)

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.name:
            raise TypeError(f"{owner.__name__}.{name} must be named {owner.__name__}.{self.name}.")


class VAL:
    """kuksa.val.v2.VAL, as the head unit serves it next to cardeck.v1."""

    # Reads: safe to repeat.
    GetValue = _KuksaRpc("GetValue", pb.GetValueRequest, pb.GetValueResponse, retry_safe=True)
    GetValues = _KuksaRpc("GetValues", pb.GetValuesRequest, pb.GetValuesResponse, retry_safe=True)
    ListMetadata = _KuksaRpc(
        "ListMetadata", pb.ListMetadataRequest, pb.ListMetadataResponse, retry_safe=True
    )
    GetServerInfo = _KuksaRpc(
        "GetServerInfo", pb.GetServerInfoRequest, pb.GetServerInfoResponse, retry_safe=True
    )
    Subscribe = _KuksaRpc("Subscribe", pb.SubscribeRequest, pb.SubscribeResponse, retry_safe=True)
    SubscribeById = _KuksaRpc(
        "SubscribeById", pb.SubscribeByIdRequest, pb.SubscribeByIdResponse, retry_safe=True
    )
    # Publishing sets an absolute value: sent twice, the signal holds the same value.
    PublishValue = _KuksaRpc(
        "PublishValue", pb.PublishValueRequest, pb.PublishValueResponse, retry_safe=True
    )
    # Never retried: KUKSA answers UNAVAILABLE when no provider serves the actuator,
    # which waiting does not cure; the caller must hear it at once.
    Actuate = _KuksaRpc("Actuate", pb.ActuateRequest, pb.ActuateResponse, retry_safe=False)
    ActuateStream = _KuksaRpc(
        "ActuateStream", pb.ActuateRequest, pb.ActuateResponse, retry_safe=False
    )
    BatchActuate = _KuksaRpc(
        "BatchActuate", pb.BatchActuateRequest, pb.BatchActuateResponse, retry_safe=False
    )
    OpenProviderStream = _KuksaRpc(
        "OpenProviderStream",
        pb.OpenProviderStreamRequest,
        pb.OpenProviderStreamResponse,
        retry_safe=False,
    )


if {rpc.name for rpc in KUKSA_RPCS} != set(_SERVICE.methods_by_name):
    raise TypeError("cardeck._kuksa_rpcs.VAL must list every kuksa.val.v2 RPC.")
