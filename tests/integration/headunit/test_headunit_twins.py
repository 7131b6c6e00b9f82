"""Both twins against a real head unit: info, vehicle state, events, errors."""

import asyncio
import threading
from concurrent import futures

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import cardeck
from cardeck import EventKind, Gear
from cardeck.v1 import maps_service_pb2_grpc


def target_of(unit):
    return f"127.0.0.1:{unit.port}"


# -- info -------------------------------------------------------------------------


async def test_async_info_describes_the_head_unit(aio_unit):
    async with await cardeck.connect_async(target_of(aio_unit)) as client:
        info = await client.info()
    assert info.api_version == cardeck.API_VERSION
    assert info.product_name == "CarDeck reference head unit"
    assert info.run_id == aio_unit.store.events.run_id
    assert info.active_profile_id == aio_unit.store.active_profile_id != ""
    assert info.displays, "the active profile's displays are listed"
    assert all(d.width_px > 0 and d.height_px > 0 and d.density_dpi > 0 for d in info.displays)
    assert info.has(cardeck.Capability.EVENTS)
    assert not info.has(cardeck.Capability.PACKAGES), "no trusted keys configured"
    missing = [c for c in info.capabilities if not c.available]
    assert all(c.reason for c in missing)


def test_sync_info_describes_the_head_unit(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        info = client.info()
    assert info.api_version == cardeck.API_VERSION
    assert info.run_id == thread_unit.unit.store.events.run_id
    assert info.displays


def test_a_closed_client_refuses_calls(thread_unit):
    client = cardeck.connect(thread_unit.target)
    client.close()
    assert client.state is cardeck.ClientState.CLOSED
    with pytest.raises(cardeck.UsageError, match="closed"):
        client.info()


def test_nothing_listening_is_unavailable(unused_tcp_port):
    with pytest.raises(cardeck.UnavailableError):
        cardeck.connect(f"127.0.0.1:{unused_tcp_port}", timeout_s=2)


# -- vehicle state and events --------------------------------------------------


async def test_async_events_start_with_a_snapshot_then_follow_changes(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        stream = client.events()
        snapshot = await stream.open()
        await client.update_vehicle_state(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=50)
        first = await asyncio.wait_for(stream.__anext__(), 5)
        second = await asyncio.wait_for(stream.__anext__(), 5)
        assert snapshot is stream.snapshot and snapshot.seq == 0
        assert snapshot.drive_restrictions.parked
        # seq 1 is the SignalsChanged under it, which events() leaves out unless asked for.
        assert (first.seq, first.kind) == (2, EventKind.VEHICLE_STATE)
        assert first.data.speed_kmh == 50 and first.data.gear is Gear.DRIVE
        assert (second.seq, second.kind) == (3, EventKind.DRIVE_RESTRICTIONS)
        assert second.data.browser_locked and not second.data.parked
        assert (await client.drive_restrictions()).browser_locked
        await stream.aclose()


def test_sync_events_start_with_a_snapshot_then_follow_changes(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        client.update_vehicle_state(night=True)
        stream = client.events()
        stream.open()
        client.update_vehicle_state(speed_kmh=20, gear=Gear.DRIVE, parking_brake_on=False)
        got = [next(stream), next(stream)]
        # Each change: the signals (opt-in, not delivered here), then the typed view.
        assert stream.snapshot.seq == 2 and stream.snapshot.vehicle_state.night
        assert [e.seq for e in got] == [4, 5]
        assert [e.kind for e in got] == [EventKind.VEHICLE_STATE, EventKind.DRIVE_RESTRICTIONS]
        stream.close()


def test_sync_events_resume_after_a_seq_without_a_snapshot(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        for speed in (10, 20, 30):
            client.update_vehicle_state(speed_kmh=speed)
        stream = client.events(after_seq=2)  # each speed: signals, then the vehicle state
        got = [next(stream).data.speed_kmh for _ in range(2)]
        assert stream.snapshot is None
        assert got == [20, 30]
        stream.close()


async def test_async_kind_filter(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        stream = client.events(kinds=[EventKind.DRIVE_RESTRICTIONS])
        await stream.open()
        await client.update_vehicle_state(speed_kmh=5, gear=Gear.DRIVE, parking_brake_on=False)
        await client.update_vehicle_state(gear=Gear.PARK, speed_kmh=0)
        kinds = [(await asyncio.wait_for(stream.__anext__(), 5)) for _ in range(2)]
        assert [e.kind for e in kinds] == [EventKind.DRIVE_RESTRICTIONS] * 2
        assert [e.data.parked for e in kinds] == [False, True]
        await stream.aclose()


def test_sync_events_resubscribe_after_the_head_unit_restarts(unused_tcp_port):
    from cardeck.testing import HeadUnitThread
    from cardeck_sim.headunit import ServiceConfig

    config = ServiceConfig(port=unused_tcp_port)
    unit = HeadUnitThread(config).start()
    client = cardeck.Client(unit.target, reconnect=cardeck.ReconnectPolicy(initial_s=0.05))
    stream = client.events()
    stream.open()
    client.update_vehicle_state(speed_kmh=10)
    assert next(stream).seq == 2  # after the signals event
    old_run = stream.run_id
    unit.stop()
    unit = HeadUnitThread(config).start()
    try:
        got = []
        reader = threading.Thread(target=lambda: got.append(next(stream)), daemon=True)
        reader.start()
        # The new run starts with a snapshot; its first event arrives on the resubscribed stream.
        for _ in range(100):
            if stream.run_id != old_run:
                break
            threading.Event().wait(0.05)
        client.update_vehicle_state(speed_kmh=99)
        reader.join(10)
        assert got and got[0].data.speed_kmh == 99 and got[0].seq == 2
        assert stream.run_id != old_run
        assert stream.resubscriptions >= 1
    finally:
        stream.close()
        client.close()
        unit.stop()


# -- errors ------------------------------------------------------------------------


async def test_async_invalid_vehicle_state_names_the_field(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            await client.update_vehicle_state(speed_kmh=-3)
    err = caught.value
    assert [v.field for v in err.field_violations] == ["update.speed_kmh"]
    assert "from 0 to 400" in err.field_violations[0].description
    assert aio_unit.store.events.head_seq == 0, "a bad request changes nothing"


def test_sync_invalid_vehicle_state_names_the_field(thread_unit):
    with (
        cardeck.Client(thread_unit.target) as client,
        pytest.raises(cardeck.InvalidArgumentError) as caught,
    ):
        client.update_vehicle_state(speed_kmh=1e9)
    assert [v.field for v in caught.value.field_violations] == ["update.speed_kmh"]


def test_unknown_update_field_is_a_usage_error(thread_unit):
    with (
        cardeck.Client(thread_unit.target) as client,
        pytest.raises(cardeck.UsageError, match="Valid fields"),
    ):
        client.update_vehicle_state(velocity=3)


@pytest.fixture
def bare_maps_target():
    """A spec'd server whose MapsService is grpc's generated base: every RPC UNIMPLEMENTED.

    The real head unit implements every RPC, so an older or partial head unit
    is what this stands in for.
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    maps_service_pb2_grpc.add_MapsServiceServicer_to_server(
        maps_service_pb2_grpc.MapsServiceServicer(), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(0).wait()


async def test_async_unimplemented_rpc_is_a_typed_error(bare_maps_target):
    async with cardeck.AsyncClient(bare_maps_target) as client:
        with pytest.raises(cardeck.UnimplementedError) as caught:
            await client.maps.search_places("cafe")
    assert caught.value.code is grpc.StatusCode.UNIMPLEMENTED


def test_sync_unimplemented_rpc_is_a_typed_error(bare_maps_target):
    with cardeck.Client(bare_maps_target) as client:
        with pytest.raises(cardeck.UnimplementedError):
            client.maps.list_markers()


# -- health -------------------------------------------------------------------------


async def test_async_health_is_serving_for_every_service(aio_unit):
    async with grpc.aio.insecure_channel(target_of(aio_unit)) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", "cardeck.v1.HeadUnitService", "cardeck.v1.MapsService"):
            resp = await stub.Check(health_pb2.HealthCheckRequest(service=service))
            assert resp.status == health_pb2.HealthCheckResponse.SERVING, service


def test_sync_health_is_serving(thread_unit):
    with grpc.insecure_channel(thread_unit.target) as channel:
        resp = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert resp.status == health_pb2.HealthCheckResponse.SERVING


async def test_async_vehicle_signals_are_events_only_for_who_asks(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        every = client.events()
        signals = client.events(kinds=[EventKind.SIGNALS])
        snapshot = await every.open()
        await signals.open()
        await client.update_vehicle_state(speed_kmh=42, gear=Gear.DRIVE, parking_brake_on=False)
        changed = await asyncio.wait_for(signals.__anext__(), 5)
        first = await asyncio.wait_for(every.__anext__(), 5)
        await every.aclose()
        await signals.aclose()
    # The snapshot holds every signal; an old client's "every kind" leaves them out.
    assert {s.path for s in snapshot.signals} >= {"Vehicle.Speed", "Vehicle.TraveledDistance"}
    assert first.kind is EventKind.VEHICLE_STATE and first.seq == changed.seq + 1
    assert changed.kind is EventKind.SIGNALS
    values = changed.data.values
    assert values["Vehicle.Speed"] == 42.0
    assert values["Vehicle.Powertrain.Transmission.SelectedGear"] == 127
    assert values["Vehicle.Chassis.ParkingBrake.IsEngaged"] is False
    units = {s.path: s.unit for s in changed.data.signals}
    assert units["Vehicle.Speed"] == "km/h"
