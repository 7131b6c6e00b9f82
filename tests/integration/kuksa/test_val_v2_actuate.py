"""kuksa.val.v2.VAL actuation: the head unit's own actuators, provider streams, refusals."""

import asyncio

import grpc
import pytest

from cardeck.kuksa.val.v2 import types_pb2 as t
from cardeck.kuksa.val.v2 import val_pb2 as pb
from cardeck.vss import signal

GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
BRAKE = "Vehicle.Chassis.ParkingBrake.IsEngaged"
HMI = "Vehicle.Cabin.Infotainment.HMI.DayNightMode"
SELECTION = "Vehicle.Private.CarDeck.DayNightSelection"
SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"


def actuate(path: str, **value) -> pb.ActuateRequest:
    return pb.ActuateRequest(signal_id=t.SignalID(path=path), value=t.Value(**value))


def provide(*paths: str) -> pb.OpenProviderStreamRequest:
    intervals = {signal(p).signal_id: t.SampleInterval(interval_ms=100) for p in paths}
    return pb.OpenProviderStreamRequest(
        provide_signal_request=pb.ProvideSignalRequest(signals_sample_intervals=intervals)
    )


def publish(**values: t.Value) -> pb.OpenProviderStreamRequest:
    return pb.OpenProviderStreamRequest(
        publish_values_request=pb.PublishValuesRequest(
            request_id=1,
            data_points={int(k[1:]): t.Datapoint(value=v) for k, v in values.items()},
        )
    )


def claim(*paths: str) -> pb.OpenProviderStreamRequest:
    return pb.OpenProviderStreamRequest(
        provide_actuation_request=pb.ProvideActuationRequest(
            actuator_identifiers=[t.SignalID(path=p) for p in paths]
        )
    )


async def refusal(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), caught.value.details() or ""


async def test_builtin_actuators_change_the_store(aio_unit, v2):
    store = aio_unit.store
    await v2.Actuate(actuate(GEAR, int32=127))
    assert store.signals.value(GEAR) == 127
    assert store.signals.value("Vehicle.Powertrain.Transmission.CurrentGear") == 1
    assert store.vehicle.gear.name == "DRIVE"
    await v2.Actuate(actuate(BRAKE, bool=False))
    assert store.vehicle.parking_brake_on is False
    await v2.Actuate(actuate(HMI, string="NIGHT"))
    assert store.signals.value(SELECTION) == "NIGHT"
    assert store.signals.value(HMI) == "NIGHT"
    await v2.Actuate(actuate(SELECTION, string="AUTO"))
    assert store.signals.value(HMI) == "DAY"  # daylight outside


ACTUATE_REFUSALS = (
    (actuate("Vehicle.Warp", bool=True), grpc.StatusCode.NOT_FOUND, "Vehicle.Warp"),
    (actuate("Vehicle.Speed", float=3.0), grpc.StatusCode.INVALID_ARGUMENT, "not an actuator"),
    (actuate(GEAR, string="D"), grpc.StatusCode.INVALID_ARGUMENT, "int32 field"),
    (actuate(GEAR, int32=500), grpc.StatusCode.INVALID_ARGUMENT, "out of range"),
    (actuate(HMI, string="DUSK"), grpc.StatusCode.INVALID_ARGUMENT, "not an allowed value"),
    (actuate(SWITCH, string="OPEN"), grpc.StatusCode.UNAVAILABLE, "No provider"),
)


async def test_actuate_refusals(aio_unit, v2):
    revision = aio_unit.store.revision
    for request, code, words in ACTUATE_REFUSALS:
        got, details = await refusal(v2.Actuate(request))
        assert got is code, details
        assert words in details
    assert aio_unit.store.revision == revision


async def test_batch_actuate_is_all_or_nothing(aio_unit, v2):
    store = aio_unit.store
    bad = pb.BatchActuateRequest(
        actuate_requests=[actuate(GEAR, int32=127), actuate(BRAKE, string="yes")]
    )
    code, details = await refusal(v2.BatchActuate(bad))
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "actuate_requests[1]" in details
    unprovided = pb.BatchActuateRequest(
        actuate_requests=[actuate(GEAR, int32=127), actuate(SWITCH, string="OPEN")]
    )
    code, _ = await refusal(v2.BatchActuate(unprovided))
    assert code is grpc.StatusCode.UNAVAILABLE
    assert store.signals.value(GEAR) == 126
    await v2.BatchActuate(
        pb.BatchActuateRequest(
            actuate_requests=[actuate(GEAR, int32=-1), actuate(BRAKE, bool=False)]
        )
    )
    assert (store.vehicle.gear.name, store.vehicle.parking_brake_on) == ("REVERSE", False)


async def test_actuate_stream_applies_each_then_answers(aio_unit, v2):
    reply = await v2.ActuateStream(
        iter([actuate(GEAR, int32=127), actuate(BRAKE, bool=False), actuate(GEAR, int32=0)])
    )
    assert reply == pb.ActuateResponse()
    assert aio_unit.store.signals.value(GEAR) == 0
    code, details = await refusal(
        v2.ActuateStream(iter([actuate(GEAR, int32=127), actuate("Vehicle.Speed", float=1.0)]))
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT and "requests[1]" in details
    assert aio_unit.store.signals.value(GEAR) == 127


async def test_provider_receives_actuation_and_publishes_back(aio_unit, v2):
    outbox: asyncio.Queue = asyncio.Queue()

    async def requests():
        while (item := await outbox.get()) is not None:
            yield item

    stream = v2.OpenProviderStream(requests())
    await outbox.put(claim(SWITCH, GEAR))
    answer = await asyncio.wait_for(stream.read(), 5)
    assert answer.WhichOneof("action") == "provide_actuation_response"

    await v2.Actuate(actuate(SWITCH, string="OPEN"))
    forwarded = (await asyncio.wait_for(stream.read(), 5)).batch_actuate_stream_request
    [request] = forwarded.actuate_requests
    assert request.signal_id.id == signal(SWITCH).signal_id
    assert request.value.string == "OPEN"
    # A claimed built-in goes to the provider, not the store.
    await v2.Actuate(actuate(GEAR, int32=127))
    forwarded = (await asyncio.wait_for(stream.read(), 5)).batch_actuate_stream_request
    assert forwarded.actuate_requests[0].value.int32 == 127
    assert aio_unit.store.signals.value(GEAR) == 126

    # The provider acknowledges, claims the signals it publishes and publishes the sunroof
    # moving: the store has it.
    ack = pb.BatchActuateStreamResponse(
        signal_id=t.SignalID(id=signal(SWITCH).signal_id), error=t.Error(code=t.ERROR_CODE_OK)
    )
    await outbox.put(pb.OpenProviderStreamRequest(batch_actuate_stream_response=ack))
    await outbox.put(provide(SWITCH, POSITION, "Vehicle.Speed"))
    answer = await asyncio.wait_for(stream.read(), 5)
    assert answer.WhichOneof("action") == "provide_signal_response"
    points = {
        signal(SWITCH).signal_id: t.Datapoint(value=t.Value(string="OPEN")),
        signal(POSITION).signal_id: t.Datapoint(value=t.Value(int32=40)),
    }
    await outbox.put(
        pb.OpenProviderStreamRequest(
            publish_values_request=pb.PublishValuesRequest(request_id=7, data_points=points)
        )
    )
    for _ in range(100):
        if aio_unit.store.signals.value(POSITION) == 40:
            break
        await asyncio.sleep(0.02)
    assert aio_unit.store.signals.value(SWITCH) == "OPEN"
    assert aio_unit.store.signals.value(POSITION) == 40

    # Per-id errors come back; the good value of the same request is still published.
    points = {
        signal(SWITCH).signal_id: t.Datapoint(value=t.Value(string="AJAR")),
        signal(POSITION).signal_id: t.Datapoint(value=t.Value(int32=900)),
        signal("Vehicle.Speed").signal_id: t.Datapoint(value=t.Value(float=5.0)),
    }
    await outbox.put(
        pb.OpenProviderStreamRequest(
            publish_values_request=pb.PublishValuesRequest(request_id=8, data_points=points)
        )
    )
    reply = (await asyncio.wait_for(stream.read(), 5)).publish_values_response
    assert reply.request_id == 8
    assert reply.status[signal(SWITCH).signal_id].code == t.ERROR_CODE_INVALID_ARGUMENT
    assert reply.status[signal(POSITION).signal_id].code == t.ERROR_CODE_INVALID_ARGUMENT
    assert signal("Vehicle.Speed").signal_id not in reply.status
    assert aio_unit.store.signals.value("Vehicle.Speed") == 5.0

    # Ending the stream releases its actuators: the sunroof has no provider, the gear is
    # the head unit's again.
    await outbox.put(None)
    stream.cancel()
    for _ in range(100):
        if aio_unit.actuation.owner(SWITCH) is None:
            break
        await asyncio.sleep(0.02)
    code, _ = await refusal(v2.Actuate(actuate(SWITCH, string="CLOSE")))
    assert code is grpc.StatusCode.UNAVAILABLE
    await v2.Actuate(actuate(GEAR, int32=127))
    assert aio_unit.store.signals.value(GEAR) == 127


async def test_second_provider_of_an_actuator_is_refused(aio_unit, v2):
    first = v2.OpenProviderStream(iter([claim(SWITCH)]))
    assert (await first.read()).HasField("provide_actuation_response")
    second = v2.OpenProviderStream(iter([claim(SWITCH)]))
    code, details = await refusal(second.read())
    assert code is grpc.StatusCode.ALREADY_EXISTS and SWITCH in details
    # The first stream, half-closed after its claim, still gets actuation requests.
    await v2.Actuate(actuate(SWITCH, string="TILT_UP"))
    forwarded = await asyncio.wait_for(first.read(), 5)
    assert forwarded.batch_actuate_stream_request.actuate_requests[0].value.string == "TILT_UP"
    first.cancel()


PROVIDER_REFUSALS = (
    (claim("Vehicle.Warp"), grpc.StatusCode.NOT_FOUND),
    (claim("Vehicle.Speed"), grpc.StatusCode.INVALID_ARGUMENT),
    (publish(s1=t.Value(float=1.0)), grpc.StatusCode.ABORTED),
    (
        pb.OpenProviderStreamRequest(
            provider_error_indication=pb.ProviderErrorIndication(
                provider_error=t.CODE_NETWORK_ERROR
            )
        ),
        grpc.StatusCode.ABORTED,
    ),
)


async def test_provider_stream_refusals(v2):
    for request, code in PROVIDER_REFUSALS:
        stream = v2.OpenProviderStream(iter([request]))
        got, details = await refusal(stream.read())
        assert got is code, details


async def test_provider_publishes_only_what_it_claimed(aio_unit, v2):
    speed = signal("Vehicle.Speed").signal_id
    stream = v2.OpenProviderStream(
        iter(
            [
                provide("Vehicle.Speed"),
                claim(SWITCH),
                publish(**{f"s{speed}": t.Value(float=7.0), "s9999": t.Value(bool=True)}),
            ]
        )
    )
    # The answers to the requests before the refused one arrive before its status.
    assert (await stream.read()).HasField("provide_signal_response")
    assert (await stream.read()).HasField("provide_actuation_response")
    code, details = await refusal(stream.read())
    assert code is grpc.StatusCode.ALREADY_EXISTS and "9999" in details
    assert aio_unit.store.vehicle.speed_kmh == 0.0
    unknown = pb.OpenProviderStreamRequest(
        provide_signal_request=pb.ProvideSignalRequest(
            signals_sample_intervals={9999: t.SampleInterval(interval_ms=100)}
        )
    )
    code, _ = await refusal(v2.OpenProviderStream(iter([unknown])).read())
    assert code is grpc.StatusCode.NOT_FOUND


async def test_provide_signal_claims_publishing(aio_unit, v2):
    number = signal("Vehicle.Exterior.AirTemperature").signal_id
    owner = v2.OpenProviderStream(
        iter(
            [
                pb.OpenProviderStreamRequest(
                    provide_signal_request=pb.ProvideSignalRequest(
                        signals_sample_intervals={number: t.SampleInterval(interval_ms=100)}
                    )
                )
            ]
        )
    )
    assert (await owner.read()).HasField("provide_signal_response")
    code, _ = await refusal(
        v2.PublishValue(
            pb.PublishValueRequest(
                signal_id=t.SignalID(id=number), data_point=t.Datapoint(value=t.Value(float=1.0))
            )
        )
    )
    assert code is grpc.StatusCode.ALREADY_EXISTS
    owner.cancel()
