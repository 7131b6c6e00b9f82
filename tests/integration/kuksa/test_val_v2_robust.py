"""Every KUKSA method answers empty and undecodable requests with a status it means."""

import asyncio

import grpc
import pytest

from cardeck.kuksa.val.v1 import val_pb2 as v1
from cardeck.kuksa.val.v2 import val_pb2 as v2

METHODS = [
    (f"/{module.DESCRIPTOR.package}.{service.name}/{method.name}", method)
    for module in (v1, v2)
    for service in module.DESCRIPTOR.services_by_name.values()
    for method in service.methods
]
# What garbage bytes decode to is protobuf's business; these are not valid messages.
GARBAGE = b"\xff\xff\xff\xff\x0f"


async def call(channel, name, method, payload: bytes) -> grpc.StatusCode:
    ident = bytes
    try:
        if method.client_streaming and method.server_streaming:
            stream = channel.stream_stream(name, ident, ident)(iter([payload]), timeout=2)
            async for _ in stream:
                break
            stream.cancel()
        elif method.client_streaming:
            await channel.stream_unary(name, ident, ident)(iter([payload]), timeout=2)
        elif method.server_streaming:
            stream = channel.unary_stream(name, ident, ident)(payload, timeout=2)
            async for _ in stream:
                break
            stream.cancel()
        else:
            await channel.unary_unary(name, ident, ident)(payload, timeout=2)
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    except asyncio.CancelledError:
        return grpc.StatusCode.CANCELLED
    return grpc.StatusCode.OK


@pytest.mark.parametrize("payload", [b"", GARBAGE], ids=["empty", "garbage"])
async def test_no_method_answers_unknown_or_internal(channel, payload):
    for name, method in METHODS:
        code = await call(channel, name, method, payload)
        assert code not in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL), (name, code)
        if payload == GARBAGE:
            assert code is grpc.StatusCode.INVALID_ARGUMENT, name
