"""client.signals without a server: KUKSA value mapping, local checks before any call, the
provider protocol, and the val v2 RPC constants."""

import asyncio
from datetime import UTC, datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

import cardeck
from cardeck._kuksa_rpcs import KUKSA_RPCS, VAL
from cardeck._models._kuksa import (
    datapoint_to_signal_value,
    signal_spec_from_metadata,
    signals_change_from_entries,
    value_from_proto,
    value_to_proto,
)
from cardeck._rpcs import ALL_RPCS
from cardeck._signals_api import _ProviderProtocol
from cardeck.kuksa.val.v2 import types_pb2 as kt
from cardeck.kuksa.val.v2 import val_pb2 as pb
from cardeck.vss import SIGNALS, SignalSpec

# Nothing listens on port 9 (discard): a call that went out would fail with UnavailableError.
NOWHERE = "127.0.0.1:9"


@pytest.fixture
def client():
    with cardeck.Client(NOWHERE, timeout_s=0.5, retry_budget_s=0) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("Vehicle.Speed", 50.0, "float"),
        ("Vehicle.IsMoving", True, "bool"),
        ("Vehicle.Powertrain.Transmission.SelectedGear", -1, "int32"),  # int8 travels as int32
        ("Vehicle.Powertrain.FuelSystem.RelativeLevel", 80, "uint32"),  # uint8 as uint32
        ("Vehicle.TraveledDistance", 12_000, "uint32"),
        ("Vehicle.CurrentLocation.Latitude", 60.17, "double"),
        ("Vehicle.Cabin.Sunroof.Switch", "OPEN", "string"),
    ],
)
def test_each_vss_datatype_travels_in_its_kuksa_value_field_and_back(path, value, field):
    msg = value_to_proto(SIGNALS[path], value)
    assert msg.WhichOneof("typed_value") == field
    assert value_from_proto(msg) == value
    assert type(value_from_proto(msg)) is type(value)


def test_32_bit_floats_read_back_as_the_decimal_that_was_sent():
    msg = kt.Value(float=12.3)
    assert msg.float != 12.3  # protobuf widened the 32-bit float
    assert value_from_proto(msg) == 12.3
    big = kt.Value(float=16_777_216.0)  # 2**24: 7 digits would round it wrongly
    assert value_from_proto(big) == 16_777_216.0
    assert value_from_proto(kt.Value()) is None


def test_array_values_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="array"):
        value_from_proto(kt.Value(string_array=kt.StringArray(values=["a"])))


def test_a_datapoint_becomes_a_signal_value_with_the_subsets_unit_and_time():
    stamp = Timestamp()
    stamp.FromDatetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    dp = kt.Datapoint(timestamp=stamp, value=kt.Value(float=88.5))
    got = datapoint_to_signal_value("Vehicle.Speed", dp)
    assert got == cardeck.SignalValue(
        "Vehicle.Speed", 88.5, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "km/h"
    )
    empty = datapoint_to_signal_value("Vehicle.Something.Else", kt.Datapoint())
    assert empty == cardeck.SignalValue("Vehicle.Something.Else", None, None, None)


def test_subscription_entries_keep_the_order_the_paths_were_asked_in():
    entries = {
        "Vehicle.Speed": kt.Datapoint(value=kt.Value(float=1.0)),
        "Vehicle.IsMoving": kt.Datapoint(value=kt.Value(bool=True)),
    }
    change = signals_change_from_entries(entries, ["Vehicle.IsMoving", "Vehicle.Speed"])
    assert [s.path for s in change.signals] == ["Vehicle.IsMoving", "Vehicle.Speed"]
    assert change.values == {"Vehicle.IsMoving": True, "Vehicle.Speed": 1.0}


def test_metadata_becomes_a_signal_spec_with_the_servers_id():
    md = kt.Metadata(
        path="Vehicle.Cabin.Sunroof.Switch",
        id=230,
        data_type=kt.DATA_TYPE_STRING,
        entry_type=kt.ENTRY_TYPE_ACTUATOR,
        description="Switch controlling sliding action of window.",
        allowed_values=kt.Value(string_array=kt.StringArray(values=["OPEN", "CLOSE"])),
    )
    spec = signal_spec_from_metadata(md)
    assert spec == SignalSpec(
        path="Vehicle.Cabin.Sunroof.Switch",
        datatype="string",
        entry_type="actuator",
        allowed=("OPEN", "CLOSE"),
        description="Switch controlling sliding action of window.",
        signal_id=230,
    )
    level = kt.Metadata(
        path="Vehicle.Powertrain.FuelSystem.RelativeLevel",
        data_type=kt.DATA_TYPE_UINT8,
        entry_type=kt.ENTRY_TYPE_SENSOR,
        unit="percent",
        min=kt.Value(uint32=0),
        max=kt.Value(uint32=100),
    )
    spec = signal_spec_from_metadata(level)
    assert (spec.datatype, spec.unit, spec.minimum, spec.maximum) == ("uint8", "percent", 0, 100)
    with pytest.raises(ValueError, match="DATA_TYPE_STRING_ARRAY"):
        signal_spec_from_metadata(kt.Metadata(path="V.X", data_type=kt.DATA_TYPE_STRING_ARRAY))


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"Vehicle.Speed": "fast"}, r"Vehicle\.Speed is a float signal"),
        ({"Vehicle.Exterior.LightIntensity": 120.0}, r"out of range for Vehicle\.Exterior"),
        ({"Vehicle.Cabin.Sunroof.Switch": "AJAR"}, r"'AJAR' is not an allowed value of Vehicle"),
        # The first value is fine: nothing may be published when a later one is wrong.
        ({"Vehicle.Speed": 10.0, "Vehicle.IsMoving": 1}, r"Vehicle\.IsMoving is a boolean"),
    ],
)
def test_set_checks_every_value_before_any_call_and_names_the_path(client, values, match):
    with pytest.raises(cardeck.InvalidArgumentError, match=match) as caught:
        client.signals.set(values)
    bad = next(p for p in values if p in str(caught.value))
    assert [v.field for v in caught.value.field_violations] == [bad]
    assert client.state is cardeck.ClientState.UNOPENED  # no call went out


def test_actuate_refuses_a_sensor_and_a_bad_value_before_any_call(client):
    with pytest.raises(cardeck.InvalidArgumentError, match=r"Vehicle\.Speed is a sensor, not an"):
        client.signals.actuate("Vehicle.Speed", 10.0)
    with pytest.raises(cardeck.InvalidArgumentError, match="'WIDE' is not an allowed value"):
        client.signals.actuate("Vehicle.Cabin.Sunroof.Switch", "WIDE")
    assert client.state is cardeck.ClientState.UNOPENED


def test_the_async_twin_checks_the_same_way():
    async def main():
        async with cardeck.AsyncClient(NOWHERE, timeout_s=0.5, retry_budget_s=0) as client:
            with pytest.raises(cardeck.InvalidArgumentError, match=r"Vehicle\.IsMoving"):
                await client.signals.set({"Vehicle.IsMoving": "yes"})
            with pytest.raises(cardeck.InvalidArgumentError, match="not an actuator"):
                await client.signals.actuate("Vehicle.TraveledDistance", 5)
            assert client.state is cardeck.ClientState.UNOPENED

    asyncio.run(main())


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda s: s.get_many([]), "get_many"),
        (lambda s: s.set({}), r"set\(\) takes \{path: value"),
        (lambda s: s.subscribe([]), "subscribe"),
        (lambda s: s.get(""), "get"),
        (lambda s: s.list(""), "list"),
    ],
)
def test_empty_input_is_a_usage_error(client, call, match):
    with pytest.raises(cardeck.UsageError, match=match):
        call(client.signals)


def test_a_lone_path_is_one_path_not_its_letters(client):
    # Nothing listens: the call fails, but it was made for one path.
    with pytest.raises(cardeck.UnavailableError):
        client.signals.get_many("Vehicle.Speed")


def test_the_provider_claims_its_signals_then_its_actuators_publishes_then_answers():
    switch = SIGNALS["Vehicle.Cabin.Sunroof.Switch"]
    position = SIGNALS["Vehicle.Cabin.Sunroof.Position"]
    specs = {s.path: s for s in (switch, position)}
    protocol = _ProviderProtocol([switch.path], [switch.path, position.path], specs.get)
    (signals, signals_answer), (actuators, actuators_answer) = protocol.claims()
    # Signals first: no actuation can arrive before the provider may publish its result.
    assert set(signals.provide_signal_request.signals_sample_intervals) == {
        switch.signal_id,
        position.signal_id,
    }
    assert signals_answer == "provide_signal_response"
    ids = actuators.provide_actuation_request.actuator_identifiers
    assert [i.path for i in ids] == [switch.path]
    assert actuators_answer == "provide_actuation_response"
    with pytest.raises(cardeck.UsageError, match="provide_signal_response"):
        protocol.confirmed(pb.OpenProviderStreamResponse(), "provide_signal_response")

    ask = pb.OpenProviderStreamResponse(
        batch_actuate_stream_request=pb.BatchActuateStreamRequest(
            actuate_requests=[
                pb.ActuateRequest(
                    signal_id=kt.SignalID(id=switch.signal_id), value=kt.Value(string="OPEN")
                )
            ]
        )
    )
    [(signal_id, path, value)] = protocol.actuations(ask)
    assert (signal_id.id, path, value) == (switch.signal_id, switch.path, "OPEN")

    published = protocol.published(path, {position.path: 100, switch.path: "OPEN"})
    publish = protocol.publish(published).publish_values_request
    assert {k: value_from_proto(v.value) for k, v in publish.data_points.items()} == {
        position.signal_id: 100,
        switch.signal_id: "OPEN",
    }
    assert protocol.publish(protocol.published(path, None)) is None
    assert protocol.published(path, "OPEN") == {path: "OPEN"}
    with pytest.raises(cardeck.InvalidArgumentError, match=r"Sunroof\.Position"):
        protocol.publish({position.path: 101})
    # A signal the stream did not claim would end it on the head unit: refused here.
    with pytest.raises(cardeck.UsageError, match=r"publishes=\["):
        protocol.publish({"Vehicle.Speed": 1.0})

    ok = protocol.answer(signal_id, None).batch_actuate_stream_response
    assert ok.error.code == kt.ERROR_CODE_OK and ok.signal_id.id == switch.signal_id
    failed = protocol.answer(signal_id, "jammed").batch_actuate_stream_response
    assert (failed.error.code, failed.error.message) == (kt.ERROR_CODE_INVALID_ARGUMENT, "jammed")
    # Anything else on the stream asks nothing of the handler.
    assert protocol.actuations(pb.OpenProviderStreamResponse(provide_signal_response={})) == []


def test_provide_claims_actuators_only(client):
    # A sensor is refused before the stream opens (the ids come from the server, so
    # the spec is primed the way a ListMetadata answer would).
    speed = SIGNALS["Vehicle.Speed"]
    client.signals._server_specs[speed.path] = speed
    with pytest.raises(cardeck.InvalidArgumentError, match="provide"):
        client.signals.provide([speed.path], lambda p, v: None)


def test_every_val_v2_rpc_has_a_constant_and_only_reads_and_publish_retry():
    methods = pb.DESCRIPTOR.services_by_name["VAL"].methods_by_name
    assert {r.path for r in KUKSA_RPCS} == {f"/kuksa.val.v2.VAL/{m}" for m in methods}
    assert not set(KUKSA_RPCS) & set(ALL_RPCS)
    assert VAL.GetValue.retry_safe and VAL.ListMetadata.retry_safe and VAL.PublishValue.retry_safe
    # UNAVAILABLE from Actuate means "no provider": retrying would only hide it.
    assert not VAL.Actuate.retry_safe and not VAL.BatchActuate.retry_safe
    assert VAL.OpenProviderStream.client_streaming and VAL.OpenProviderStream.server_streaming
    assert VAL.Actuate.path != VAL.ActuateStream.path  # one request message, two RPCs


def test_client_signals_is_on_both_twins(client):
    assert isinstance(client.signals, cardeck.SignalsAPI)

    async def main():
        async with cardeck.AsyncClient(NOWHERE) as aclient:
            assert isinstance(aclient.signals, cardeck.AsyncSignalsAPI)

    asyncio.run(main())
