"""Bench helper: the least a grpc.aio server pays per streamed message.

A bare ``kuksa.val.v2.VAL/Subscribe`` whose stream yields N pre-encoded
SubscribeResponses (one Vehicle.Speed datapoint each) as fast as the subscriber takes
them: no store, no interceptors, no conversion, no serialization. N is the request's
``buffer_size``. Prints ``PORT <n>``; runs until stdin closes.
"""

import asyncio
import sys
from collections.abc import AsyncIterator

import grpc

from cardeck.kuksa.val.v2 import types_pb2 as kt
from cardeck.kuksa.val.v2 import val_pb2

ENCODED = [
    val_pb2.SubscribeResponse(
        entries={"Vehicle.Speed": kt.Datapoint(value=kt.Value(float=float(i)))}
    ).SerializeToString()
    for i in range(200)
]


async def subscribe(request: val_pb2.SubscribeRequest, context: object) -> AsyncIterator[bytes]:
    for i in range(request.buffer_size):
        yield ENCODED[i % 200]


async def main() -> None:
    server = grpc.aio.server()
    handler = grpc.unary_stream_rpc_method_handler(
        subscribe, request_deserializer=val_pb2.SubscribeRequest.FromString
    )
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("kuksa.val.v2.VAL", {"Subscribe": handler})]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(f"PORT {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.stop(0)


if __name__ == "__main__":
    asyncio.run(main())
