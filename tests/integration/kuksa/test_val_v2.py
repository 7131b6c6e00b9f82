"""kuksa.val.v2.VAL reads and publishes the head unit's signals: values, metadata, subscriptions."""

import asyncio

import grpc
import pytest

from cardeck.kuksa.val.v2 import types_pb2 as t
from cardeck.kuksa.val.v2 import val_pb2 as pb
from cardeck.vss import SIGNALS, signal
from cardeck_sim._version import SERVER_VERSION

SPEED = "Vehicle.Speed"
GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"


def by_path(path: str) -> t.SignalID:
    return t.SignalID(path=path)


async def code_of(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


async def test_get_value_reads_the_store(aio_unit, v2):
    aio_unit.store.set_signals({SPEED: 42.5})
    datum = aio_unit.store.signals.get(SPEED)
    reply = await v2.GetValue(pb.GetValueRequest(signal_id=by_path(SPEED)))
    assert reply.data_point.value.WhichOneof("typed_value") == "float"
    assert reply.data_point.value.float == 42.5
    assert reply.data_point.timestamp.ToNanoseconds() == datum.time_ns
    by_id = await v2.GetValue(pb.GetValueRequest(signal_id=t.SignalID(id=signal(SPEED).signal_id)))
    assert by_id.data_point == reply.data_point


async def test_get_value_types_follow_vss(v2):
    cases = {
        GEAR: ("int32", 126),
        "Vehicle.Chassis.ParkingBrake.IsEngaged": ("bool", True),
        "Vehicle.Powertrain.Range": ("uint32", 360_000),
        "Vehicle.Powertrain.Type": ("string", "ELECTRIC"),
    }
    for path, (field, value) in cases.items():
        reply = await v2.GetValue(pb.GetValueRequest(signal_id=by_path(path)))
        assert reply.data_point.value.WhichOneof("typed_value") == field, path
        assert getattr(reply.data_point.value, field) == value


async def test_signal_without_value_has_an_empty_datapoint(v2):
    reply = await v2.GetValue(
        pb.GetValueRequest(signal_id=by_path("Vehicle.CurrentLocation.Latitude"))
    )
    assert not reply.data_point.HasField("value")


async def test_get_value_refusals(v2):
    code, details = await code_of(
        v2.GetValue(pb.GetValueRequest(signal_id=by_path("Vehicle.Warp")))
    )
    assert code is grpc.StatusCode.NOT_FOUND and "Vehicle.Warp" in details
    code, _ = await code_of(v2.GetValue(pb.GetValueRequest(signal_id=t.SignalID(id=9999))))
    assert code is grpc.StatusCode.NOT_FOUND
    code, details = await code_of(v2.GetValue(pb.GetValueRequest()))
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "signal_id" in details
    code, _ = await code_of(v2.GetValue(pb.GetValueRequest(signal_id=by_path("V." * 600))))
    assert code is grpc.StatusCode.INVALID_ARGUMENT


async def test_get_values_keeps_the_request_order(v2):
    ids = [by_path(GEAR), by_path(SPEED), by_path("Vehicle.CurrentLocation.Heading")]
    reply = await v2.GetValues(pb.GetValuesRequest(signal_ids=ids))
    assert [p.value.WhichOneof("typed_value") for p in reply.data_points] == [
        "int32",
        "float",
        None,
    ]
    code, details = await code_of(
        v2.GetValues(pb.GetValuesRequest(signal_ids=[by_path(SPEED), by_path("Nope")]))
    )
    assert code is grpc.StatusCode.NOT_FOUND and "signal_ids[1]" in details


async def test_list_metadata_describes_signals(v2):
    every = await v2.ListMetadata(pb.ListMetadataRequest(root="Vehicle"))
    assert [m.path for m in every.metadata] == list(SIGNALS)
    assert [m.id for m in every.metadata] == [s.signal_id for s in SIGNALS.values()]
    speed = (await v2.ListMetadata(pb.ListMetadataRequest(root=SPEED))).metadata
    assert len(speed) == 1
    assert speed[0].data_type == t.DATA_TYPE_FLOAT
    assert speed[0].entry_type == t.ENTRY_TYPE_SENSOR
    assert speed[0].unit == "km/h"
    soc = (
        await v2.ListMetadata(
            pb.ListMetadataRequest(root="Vehicle.Powertrain.TractionBattery.StateOfCharge.Current")
        )
    ).metadata[0]
    assert (soc.min.float, soc.max.float) == (0, 100)
    switch = (
        await v2.ListMetadata(pb.ListMetadataRequest(root="Vehicle.Cabin.Sunroof.*"))
    ).metadata
    assert [m.path for m in switch] == [
        "Vehicle.Cabin.Sunroof.Position",
        "Vehicle.Cabin.Sunroof.Switch",
    ]
    assert switch[1].entry_type == t.ENTRY_TYPE_ACTUATOR
    assert "OPEN" in switch[1].allowed_values.string_array.values
    assert switch[0].min.int32 == -100
    cabin = (await v2.ListMetadata(pb.ListMetadataRequest(root="Vehicle.Cabin"))).metadata
    assert all(m.path.startswith("Vehicle.Cabin.") for m in cabin) and len(cabin) == 4


async def test_list_metadata_refusals(v2):
    code, _ = await code_of(v2.ListMetadata(pb.ListMetadataRequest(root="Vehicle.Wings")))
    assert code is grpc.StatusCode.NOT_FOUND
    code, details = await code_of(v2.ListMetadata(pb.ListMetadataRequest(root="Vehicle..Speed")))
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "root" in details


async def test_publish_value_writes_the_store(aio_unit, v2):
    point = t.Datapoint(value=t.Value(float=88.0))
    await v2.PublishValue(pb.PublishValueRequest(signal_id=by_path(SPEED), data_point=point))
    assert aio_unit.store.signals.value(SPEED) == 88.0
    assert aio_unit.store.vehicle.speed_kmh == 88.0
    # Signals that follow others follow a published one too.
    assert aio_unit.store.signals.value("Vehicle.IsMoving") is True


PUBLISH_REFUSALS = (
    (SPEED, t.Value(double=1.0), "float field"),
    (SPEED, t.Value(string="fast"), "float field"),
    ("Vehicle.Exterior.LightIntensity", t.Value(float=140.0), "out of range"),
    ("Vehicle.Cabin.Sunroof.Position", t.Value(int32=300), "out of range"),
    ("Vehicle.LowVoltageSystemState", t.Value(string="WARP"), "not an allowed value"),
    (SPEED, t.Value(), "has no value"),
)


async def test_publish_value_refuses_values_that_do_not_fit(aio_unit, v2):
    for path, value, words in PUBLISH_REFUSALS:
        before = aio_unit.store.signals.get(path)
        code, details = await code_of(
            v2.PublishValue(
                pb.PublishValueRequest(signal_id=by_path(path), data_point=t.Datapoint(value=value))
            )
        )
        assert code is grpc.StatusCode.INVALID_ARGUMENT, (path, value)
        assert words in details
        assert aio_unit.store.signals.get(path) is before


async def test_publish_value_unknown_signal(v2):
    code, _ = await code_of(
        v2.PublishValue(
            pb.PublishValueRequest(
                signal_id=by_path("Vehicle.Warp"), data_point=t.Datapoint(value=t.Value(bool=True))
            )
        )
    )
    assert code is grpc.StatusCode.NOT_FOUND


async def test_subscribe_sends_current_values_then_changes(aio_unit, v2):
    call = v2.Subscribe(pb.SubscribeRequest(signal_paths=[SPEED, GEAR]))
    first = await call.read()
    assert set(first.entries) == {SPEED, GEAR}
    assert first.entries[GEAR].value.int32 == 126
    aio_unit.store.set_signals({SPEED: 30.0})
    update = await asyncio.wait_for(call.read(), 5)
    assert set(update.entries) == {SPEED}
    assert update.entries[SPEED].value.float == 30.0
    # A change to other signals only sends nothing; the next relevant one arrives alone.
    aio_unit.store.set_signals({"Vehicle.Exterior.AirTemperature": 3.0})
    aio_unit.store.update_vehicle(speed_kmh=50.0)
    update = await asyncio.wait_for(call.read(), 5)
    assert dict(update.entries)[SPEED].value.float == 50.0
    call.cancel()


async def test_subscribe_by_id_keys_by_id(aio_unit, v2):
    number = signal(SPEED).signal_id
    call = v2.SubscribeById(pb.SubscribeByIdRequest(signal_ids=[number]))
    first = await call.read()
    assert list(first.entries) == [number]
    aio_unit.store.set_signals({SPEED: 12.0})
    update = await asyncio.wait_for(call.read(), 5)
    assert update.entries[number].value.float == 12.0
    call.cancel()


async def test_slow_subscriber_gets_merged_latest_values(aio_unit, v2):
    call = v2.Subscribe(pb.SubscribeRequest(signal_paths=[SPEED], buffer_size=2))
    await call.read()
    # Many changes before the subscriber reads: it gets at most buffer_size responses per
    # batch, the oldest merged, and the last carries the latest value.
    for speed in range(1, 60):
        aio_unit.store.set_signals({SPEED: float(speed)})
    seen = []
    while not seen or seen[-1] != 59.0:
        seen.append((await asyncio.wait_for(call.read(), 5)).entries[SPEED].value.float)
    assert len(seen) <= 3
    call.cancel()


async def test_subscribe_refusals(v2):
    for request, code in [
        (pb.SubscribeRequest(signal_paths=["Vehicle.Warp"]), grpc.StatusCode.NOT_FOUND),
        (pb.SubscribeRequest(signal_paths=["Vehicle.Cabin"]), grpc.StatusCode.NOT_FOUND),
        (pb.SubscribeRequest(), grpc.StatusCode.INVALID_ARGUMENT),
        (
            pb.SubscribeRequest(signal_paths=[SPEED], buffer_size=5000),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ]:
        call = v2.Subscribe(request)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call.read()
        assert caught.value.code() is code, request
    call = v2.SubscribeById(pb.SubscribeByIdRequest(signal_ids=[4242]))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call.read()
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


async def test_subscribe_duration_ends_the_stream(v2):
    call = v2.Subscribe(pb.SubscribeRequest(signal_paths=[SPEED], filter=t.Filter(duration_ms=100)))
    responses = [r async for r in call]
    assert len(responses) == 1
    assert await call.code() is grpc.StatusCode.OK


async def test_server_info(v2):
    reply = await v2.GetServerInfo(pb.GetServerInfoRequest())
    assert reply.name == "CarDeck head unit"
    assert reply.version == SERVER_VERSION


async def test_lagging_subscriber_starts_again_from_current_values():
    from cardeck.kuksa.val.v2 import val_pb2_grpc
    from cardeck_sim.headunit import HeadUnit, ServiceConfig
    from tests.integration.conftest import serving

    config = ServiceConfig(port=0, event_capacity=64, max_subscriber_lag=16)
    async with serving(HeadUnit(config)) as unit:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{unit.port}") as channel:
            call = val_pb2_grpc.VALStub(channel).Subscribe(
                pb.SubscribeRequest(signal_paths=[SPEED], buffer_size=1000)
            )
            await call.read()
            # More changes at once than the log lets a subscriber lag behind (and more
            # than its ring holds): the stream is not ended, it resumes from now.
            for speed in range(1, 201):
                unit.store.set_signals({SPEED: float(speed)})
            seen = []
            while not seen or seen[-1] != 200.0:
                seen.append((await asyncio.wait_for(call.read(), 5)).entries[SPEED].value.float)
            assert len(seen) < 20
            unit.store.set_signals({SPEED: 3.0})
            assert (await asyncio.wait_for(call.read(), 5)).entries[SPEED].value.float == 3.0
            call.cancel()
