"""A head unit whose bridge port is taken after its gRPC port bound stops its gRPC side."""

from __future__ import annotations

import asyncio
import gc
import socket

import pytest

from cardeck_sim.headunit import AddressInUseError, HeadUnit, ServiceConfig


def listen(port: int) -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    return holder


async def test_bridge_port_taken_mid_start_stops_grpc_and_names_the_port(
    unused_tcp_port: int,
) -> None:
    unit = HeadUnit(ServiceConfig(port=0, ws_port=unused_tcp_port))
    start = asyncio.create_task(unit.start())
    # One turn of the loop: start() ran past its port checks and the gRPC
    # bind to its first await, and has not bound the bridge yet.
    await asyncio.sleep(0)
    assert unit.port != 0
    with listen(unused_tcp_port), pytest.raises(AddressInUseError) as caught:
        await start
    assert str(caught.value) == (
        f"Port {unused_tcp_port} on 127.0.0.1 is already in use (another head unit?); stop it "
        "or pass --ws-port 0 to pick a free one."
    )
    # The gRPC port is free again: the half-started head unit let it go.
    listen(unit.port).close()
    assert unit.bridge is None
    await unit.stop(0)  # idempotent after a failed start
    del start, caught
    gc.collect()  # a gRPC server left running would complain here, after the test
