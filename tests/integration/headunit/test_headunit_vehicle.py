"""Vehicle state in both twins: unary and streamed updates; the head unit's WebSocket bridge."""

import asyncio
import json

import pytest
import websockets

import cardeck
from cardeck import Gear, VehicleStateUpdate


def drive_log(n):
    """A drive: pull away, speed up to n km/h, then park."""
    updates = [VehicleStateUpdate(gear=Gear.DRIVE, parking_brake_on=False)]
    updates += [VehicleStateUpdate(speed_kmh=float(v)) for v in range(1, n + 1)]
    updates += [VehicleStateUpdate(speed_kmh=0.0), VehicleStateUpdate(gear=Gear.PARK)]
    return updates


def test_sync_stream_vehicle_state_applies_every_update_in_order(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        stream = client.events(kinds=[cardeck.EventKind.VEHICLE_STATE])
        stream.open()
        assert client.stream_vehicle_state(drive_log(100)) == 103
        speeds = [next(stream).data.speed_kmh for _ in range(102)]
        stream.close()
        assert speeds[1:101] == [float(v) for v in range(1, 101)]
        assert client.drive_restrictions().parked


async def test_async_stream_vehicle_state_from_an_async_source(aio_unit):
    async def source():
        for update in drive_log(20):
            yield update

    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        assert await client.stream_vehicle_state(source()) == 23
        state = await client.vehicle_state()
    assert state.gear is Gear.PARK and state.speed_kmh == 0


async def test_async_bad_update_in_a_stream_names_its_index(aio_unit):
    updates = [VehicleStateUpdate(speed_kmh=10), VehicleStateUpdate(speed_kmh=-1)]
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            await client.stream_vehicle_state(updates)
    assert caught.value.field_violations[0].field == "requests[1].update.speed_kmh"


async def test_async_head_unit_serves_the_websocket_bridge(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        info = await client.info()
        assert info.has(cardeck.Capability.WEBSOCKET_BRIDGE)
        url = info.websocket_url
        assert url == aio_unit.websocket_url
        async with websockets.connect(url, compression=None) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert "snapshot" in first
            await client.update_vehicle_state(speed_kmh=42)
            frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
    event = frame["events"][0]
    assert event["vehicleStateChanged"]["state"]["speedKmh"] == 42
