"""A provider stream's answers keep their order around a refusal, without a server."""

import pytest

from cardeck.kuksa.val.v2 import types_pb2 as t
from cardeck.kuksa.val.v2 import val_pb2 as pb
from cardeck_sim.service import Actuation, KuksaV2Servicer, RpcFailure
from cardeck_sim.state import StateStore


async def test_answers_before_a_refused_request_are_sent_before_its_status():
    store = StateStore()
    actuation = Actuation(store)
    servicer = KuksaV2Servicer(store, actuation)

    async def requests():
        # All at once, as a fast provider's requests arrive in one read.
        yield pb.OpenProviderStreamRequest(
            provide_signal_request=pb.ProvideSignalRequest(
                signals_sample_intervals={1: t.SampleInterval(interval_ms=10)}
            )
        )
        yield pb.OpenProviderStreamRequest(
            provide_actuation_request=pb.ProvideActuationRequest(
                actuator_identifiers=[t.SignalID(path="Vehicle.Cabin.Sunroof.Switch")]
            )
        )
        yield pb.OpenProviderStreamRequest(
            publish_values_request=pb.PublishValuesRequest(
                data_points={2: t.Datapoint(value=t.Value(bool=True))}
            )
        )

    answers = []
    with pytest.raises(RpcFailure) as caught:
        async for answer in servicer.OpenProviderStream(requests(), None):
            answers.append(answer.WhichOneof("action"))
    assert answers == ["provide_signal_response", "provide_actuation_response"]
    assert caught.value.reason == "SIGNAL_NOT_CLAIMED"
    # The stream ended: what it claimed is free again.
    assert actuation.owner("Vehicle.Cabin.Sunroof.Switch") is None
