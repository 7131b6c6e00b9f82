"""A real head unit on 127.0.0.1 and KUKSA val v1/v2 stubs on a grpc.aio channel to it."""

from collections.abc import AsyncIterator

import grpc
import pytest

from cardeck.kuksa.val.v1 import val_pb2_grpc as v1_grpc
from cardeck.kuksa.val.v2 import val_pb2_grpc as v2_grpc
from cardeck_sim.headunit import HeadUnit


@pytest.fixture
async def channel(aio_unit: HeadUnit) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as chan:
        yield chan


@pytest.fixture
def v2(channel: grpc.aio.Channel) -> v2_grpc.VALStub:
    return v2_grpc.VALStub(channel)


@pytest.fixture
def v1(channel: grpc.aio.Channel) -> v1_grpc.VALStub:
    return v1_grpc.VALStub(channel)
