"""kuksa.val.v1.VAL: Get, Set, Subscribe, StreamedUpdate, GetServerInfo, as kuksa-client calls."""

import asyncio

import pytest

from cardeck.kuksa.val.v1 import types_pb2 as t
from cardeck.kuksa.val.v1 import val_pb2 as pb
from cardeck.kuksa.val.v2 import types_pb2 as t2
from cardeck.kuksa.val.v2 import val_pb2 as pb2
from cardeck_sim._version import SERVER_VERSION

SPEED = "Vehicle.Speed"
GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
SWITCH = "Vehicle.Cabin.Sunroof.Switch"


def get(path: str, view=t.VIEW_CURRENT_VALUE, fields=()) -> pb.GetRequest:
    return pb.GetRequest(entries=[pb.EntryRequest(path=path, view=view, fields=fields)])


def set_value(path: str, **value) -> pb.SetRequest:
    return pb.SetRequest(
        updates=[
            pb.EntryUpdate(
                entry=t.DataEntry(path=path, value=t.Datapoint(**value)), fields=[t.FIELD_VALUE]
            )
        ]
    )


def set_target(path: str, **value) -> pb.SetRequest:
    return pb.SetRequest(
        updates=[
            pb.EntryUpdate(
                entry=t.DataEntry(path=path, actuator_target=t.Datapoint(**value)),
                fields=[t.FIELD_ACTUATOR_TARGET],
            )
        ]
    )


async def test_get_current_value_as_kuksa_client_asks(aio_unit, v1):
    aio_unit.store.set_signals({SPEED: 61.0})
    reply = await v1.Get(get(SPEED, fields=[t.FIELD_VALUE]))
    assert not reply.errors and not reply.HasField("error")
    [entry] = reply.entries
    assert entry.path == SPEED
    assert entry.value.float == 61.0
    assert entry.value.timestamp.ToNanoseconds() == aio_unit.store.signals.get(SPEED).time_ns
    assert not entry.HasField("metadata") and not entry.HasField("actuator_target")


async def test_get_views_and_fields(v1):
    meta = (await v1.Get(get(SPEED, t.VIEW_METADATA, [t.FIELD_METADATA]))).entries[0]
    assert not meta.HasField("value")
    assert meta.metadata.data_type == t.DATA_TYPE_FLOAT
    assert meta.metadata.entry_type == t.ENTRY_TYPE_SENSOR
    assert meta.metadata.unit == "km/h"
    assert meta.metadata.HasField("sensor")
    only_type = (await v1.Get(get(SPEED, t.VIEW_METADATA, [t.FIELD_METADATA_DATA_TYPE]))).entries[0]
    # VIEW_METADATA asks for all metadata whatever the fields (the databroker's union).
    assert only_type.metadata.unit == "km/h"
    fields_only = (await v1.Get(get(SPEED, t.VIEW_FIELDS, [t.FIELD_METADATA_DATA_TYPE]))).entries[0]
    assert fields_only.metadata.data_type == t.DATA_TYPE_FLOAT
    assert not fields_only.metadata.HasField("unit")
    everything = (await v1.Get(get(GEAR, t.VIEW_ALL))).entries[0]
    assert everything.value.int32 == 126
    assert everything.metadata.entry_type == t.ENTRY_TYPE_ACTUATOR
    soc = (
        await v1.Get(
            get("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current", t.VIEW_METADATA)
        )
    ).entries[0]
    restriction = soc.metadata.value_restriction.floating_point
    assert (restriction.min, restriction.max) == (0, 100)
    switch = (await v1.Get(get(SWITCH, t.VIEW_METADATA))).entries[0]
    assert "OPEN" in switch.metadata.value_restriction.string.allowed_values
    position = (await v1.Get(get("Vehicle.Cabin.Sunroof.Position", t.VIEW_METADATA))).entries[0]
    assert position.metadata.value_restriction.signed.min == -100


async def test_get_wildcards_and_branches(v1):
    cabin = await v1.Get(get("Vehicle.Cabin"))
    assert {e.path for e in cabin.entries} == {
        "Vehicle.Cabin.Infotainment.HMI.DayNightMode",
        "Vehicle.Cabin.Infotainment.HMI.CurrentLanguage",
        "Vehicle.Cabin.Sunroof.Position",
        SWITCH,
    }
    sunroof = await v1.Get(get("Vehicle.Cabin.Sunroof.*"))
    assert [e.path for e in sunroof.entries] == ["Vehicle.Cabin.Sunroof.Position", SWITCH]
    deep = await v1.Get(get("Vehicle.Cabin.**"))
    assert len(deep.entries) == 4
    # No signal sits right under the cabin: the databroker tries the pattern as a branch.
    cabin_star = await v1.Get(get("Vehicle.Cabin.*"))
    assert {e.path for e in cabin_star.entries} == {e.path for e in cabin.entries}


async def test_get_errors_are_in_the_body(v1):
    reply = await v1.Get(
        pb.GetRequest(
            entries=[
                pb.EntryRequest(path=SPEED, view=t.VIEW_CURRENT_VALUE),
                pb.EntryRequest(path="Vehicle.Warp", view=t.VIEW_CURRENT_VALUE),
                pb.EntryRequest(path="Vehicle..Speed", view=t.VIEW_CURRENT_VALUE),
            ]
        )
    )
    assert [e.path for e in reply.entries] == [SPEED]
    codes = {e.path: (e.error.code, e.error.reason) for e in reply.errors}
    assert codes == {
        "Vehicle.Warp": (404, "not_found"),
        "Vehicle..Speed": (400, "bad_request"),
    }
    assert reply.error == reply.errors[0].error


async def test_set_value_writes_the_store(aio_unit, v1):
    reply = await v1.Set(set_value(SPEED, float=33.0))
    assert not reply.errors
    assert aio_unit.store.vehicle.speed_kmh == 33.0


SET_REFUSALS = (
    (set_value(SPEED, string="fast"), 400, "type mismatch"),
    (set_value(SPEED, double=3.0), 400, "type mismatch"),
    (set_value("Vehicle.Exterior.LightIntensity", float=-5.0), 400, "value out of min/max bounds"),
    (set_value(GEAR, int32=300), 400, "value out of type bounds"),
    (set_value("Vehicle.Powertrain.Type", string="STEAM"), 400, "value out of allowed bounds"),
    (set_value("Vehicle.Warp", bool=True), 404, "not_found"),
    (set_target(GEAR, uint32=3), 400, "type mismatch"),
)


async def test_set_errors_are_in_the_body(aio_unit, v1):
    revision = aio_unit.store.revision
    for request, code, reason in SET_REFUSALS:
        reply = await v1.Set(request)
        [error] = reply.errors
        assert (error.error.code, error.error.reason) == (code, reason), request
        assert error.error.message
    assert aio_unit.store.revision == revision


async def test_set_applies_what_fits_as_the_databroker_does(aio_unit, v1):
    request = set_value(SPEED, float=20.0)
    request.updates.extend(set_value("Vehicle.Warp", bool=True).updates)
    reply = await v1.Set(request)
    assert [e.path for e in reply.errors] == ["Vehicle.Warp"]
    assert aio_unit.store.vehicle.speed_kmh == 20.0


async def test_target_on_a_sensor_refuses_the_call(aio_unit, v1):
    import grpc

    request = set_value(SPEED, float=20.0)
    request.updates.extend(set_target(SPEED, float=3.0).updates)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await v1.Set(request)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "updates[1].entry.actuator_target" in caught.value.details()
    assert aio_unit.store.vehicle.speed_kmh == 0.0


async def test_targets_of_builtin_and_unprovided_actuators(aio_unit, v1):
    assert not (await v1.Set(set_target(GEAR, int32=127))).errors
    # The head unit's own actuator follows its target.
    assert aio_unit.store.signals.value(GEAR) == 127
    assert not (await v1.Set(set_target(SWITCH, string="OPEN"))).errors
    # Nobody provides the sunroof: the target waits, the value stays.
    assert aio_unit.store.signals.value(SWITCH) == "INACTIVE"
    reply = await v1.Get(
        pb.GetRequest(
            entries=[
                pb.EntryRequest(path=p, view=t.VIEW_TARGET_VALUE, fields=[t.FIELD_ACTUATOR_TARGET])
                for p in (GEAR, SWITCH, SPEED)
            ]
        )
    )
    targets = {e.path: e.actuator_target for e in reply.entries}
    assert targets[GEAR].int32 == 127
    assert targets[SWITCH].string == "OPEN"
    assert not reply.entries[2].HasField("actuator_target")


async def test_target_forwarded_to_a_v2_provider(aio_unit, v1, v2):
    stream = v2.OpenProviderStream(
        iter(
            [
                pb2.OpenProviderStreamRequest(
                    provide_actuation_request=pb2.ProvideActuationRequest(
                        actuator_identifiers=[t2.SignalID(path=SWITCH)]
                    )
                )
            ]
        )
    )
    assert (await stream.read()).HasField("provide_actuation_response")
    assert not (await v1.Set(set_target(SWITCH, string="TILT_DOWN"))).errors
    forwarded = await asyncio.wait_for(stream.read(), 5)
    assert forwarded.batch_actuate_stream_request.actuate_requests[0].value.string == "TILT_DOWN"
    stream.cancel()


async def test_subscribe_current_values_and_targets(aio_unit, v1):
    call = v1.Subscribe(
        pb.SubscribeRequest(
            entries=[
                pb.SubscribeEntry(path=SPEED, view=t.VIEW_CURRENT_VALUE, fields=[t.FIELD_VALUE]),
                pb.SubscribeEntry(
                    path=SWITCH, view=t.VIEW_TARGET_VALUE, fields=[t.FIELD_ACTUATOR_TARGET]
                ),
            ]
        )
    )
    first = await asyncio.wait_for(call.read(), 5)
    entries = {u.entry.path: u.entry for u in first.updates}
    assert entries[SPEED].value.float == 0.0
    assert not entries[SWITCH].HasField("actuator_target")

    aio_unit.store.set_signals({SPEED: 44.0})
    update = await asyncio.wait_for(call.read(), 5)
    [change] = update.updates
    assert change.entry.path == SPEED and change.entry.value.float == 44.0
    assert list(change.fields) == [t.FIELD_VALUE]

    await v1.Set(set_target(SWITCH, string="OPEN"))
    update = await asyncio.wait_for(call.read(), 5)
    [change] = update.updates
    assert change.entry.path == SWITCH and change.entry.actuator_target.string == "OPEN"
    assert list(change.fields) == [t.FIELD_ACTUATOR_TARGET]
    call.cancel()


async def test_subscribe_branch_expands_and_unknown_is_not_found(aio_unit, v1):
    import grpc

    call = v1.Subscribe(
        pb.SubscribeRequest(entries=[pb.SubscribeEntry(path="Vehicle.Cabin.Sunroof")])
    )
    first = await asyncio.wait_for(call.read(), 5)
    assert len(first.updates) == 2
    call.cancel()
    call = v1.Subscribe(pb.SubscribeRequest(entries=[pb.SubscribeEntry(path="Vehicle.Warp")]))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call.read()
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


async def test_streamed_update_answers_each_request(aio_unit, v1):
    requests = [
        pb.StreamedUpdateRequest(updates=set_value(SPEED, float=10.0).updates),
        pb.StreamedUpdateRequest(updates=set_value(SPEED, string="x").updates),
        pb.StreamedUpdateRequest(updates=set_target(SPEED, float=1.0).updates),
        pb.StreamedUpdateRequest(updates=set_value(SPEED, float=12.0).updates),
    ]
    replies = [r async for r in v1.StreamedUpdate(iter(requests))]
    assert [[e.error.reason for e in r.errors] for r in replies] == [
        [],
        ["type mismatch"],
        ["invalid_data"],
        [],
    ]
    assert replies[1].error.code == 400 and not replies[0].HasField("error")
    assert aio_unit.store.vehicle.speed_kmh == 12.0


async def test_server_info(v1):
    reply = await v1.GetServerInfo(pb.GetServerInfoRequest())
    assert (reply.name, reply.version) == ("CarDeck head unit", SERVER_VERSION)


async def test_get_refuses_an_empty_request_and_an_unknown_view(v1):
    import grpc

    for request, words in [
        (pb.GetRequest(), "entries"),
        (get(SPEED, view=7), "entries[0].view"),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await v1.Get(request)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert words in caught.value.details()
