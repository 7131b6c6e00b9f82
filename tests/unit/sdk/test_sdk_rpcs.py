"""RPC constants come from the descriptors, and retry safety from the protos' idempotency_level."""

import warnings

import pytest
from google.protobuf.descriptor_pb2 import MethodOptions

import cardeck
from cardeck import _rpcs
from cardeck._retry import DEFAULT_DEADLINES_S
from cardeck._rpcs import ALL_RPCS, HeadUnitService, MapsService, Rpc, VoiceService
from cardeck.v1 import headunit_service_pb2 as hu
from cardeck.v1 import maps_service_pb2 as maps

SERVICES = [
    _rpcs.BrowserService,
    _rpcs.HeadUnitService,
    _rpcs.LayoutService,
    _rpcs.MapsService,
    _rpcs.PackagesService,
    _rpcs.SimulatorService,
    _rpcs.VoiceService,
]


def level(rpc):
    service = next(s for s in SERVICES if s.__name__ == rpc.service)
    return service.DESCRIPTOR.methods_by_name[rpc.name].GetOptions().idempotency_level


@pytest.fixture
def client():
    with cardeck.Client("127.0.0.1:9", deadlines={"SearchPlaces": 3.0}) as client:
        yield client


def test_every_rpc_of_every_service_has_a_constant_with_its_full_path():
    expected = {
        f"/cardeck.v1.{s.DESCRIPTOR.name}/{m}"
        for s in SERVICES
        for m in s.DESCRIPTOR.methods_by_name
    }
    assert {rpc.path for rpc in ALL_RPCS} == expected
    assert len(ALL_RPCS) == len(expected) == 52
    assert MapsService.SearchPlaces.path == "/cardeck.v1.MapsService/SearchPlaces"


def test_stream_kinds_come_from_the_descriptor():
    assert not HeadUnitService.GetInfo.client_streaming
    assert HeadUnitService.WatchEvents.server_streaming
    assert MapsService.ReportPosition.client_streaming
    assert VoiceService.Recognize.client_streaming and VoiceService.Recognize.server_streaming


def test_retry_safety_is_the_protos_idempotency_level(client):
    safe = {MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT}
    for rpc in ALL_RPCS:
        assert rpc.retry_safe == (level(rpc) in safe), rpc
        assert (client._retry_for(rpc, 1.0) is not None) == rpc.retry_safe, rpc
    assert HeadUnitService.GetInfo.retry_safe
    assert not MapsService.StartGuidance.retry_safe
    assert not VoiceService.Understand.retry_safe  # execute_intents may act twice


def test_a_constant_that_disagrees_with_the_protos_fails_at_import():
    with pytest.raises(TypeError, match="returns SearchPlacesResponse, not GetPlaceResponse"):
        Rpc(maps.SearchPlacesRequest, maps.GetPlaceResponse)
    # Python 3.11 wraps an error of __set_name__ in a RuntimeError.
    with pytest.raises((TypeError, RuntimeError)) as caught:
        type("HeadUnitService", (), {"Info": Rpc(hu.GetInfoRequest, hu.GetInfoResponse)})
    cause = caught.value.__cause__ or caught.value
    assert "must be named HeadUnitService.GetInfo" in str(cause)
    with pytest.raises(TypeError, match="MapsService lacks AddMarkers, ClearDestination, "):
        type(
            "MapsService",
            (_rpcs._Service,),
            {
                "DESCRIPTOR": maps.DESCRIPTOR.services_by_name["MapsService"],
                "SearchPlaces": Rpc(maps.SearchPlacesRequest, maps.SearchPlacesResponse),
            },
        )


def test_default_deadlines_name_real_rpcs():
    assert set(DEFAULT_DEADLINES_S) <= {rpc.name for rpc in ALL_RPCS}


def test_a_deadline_of_0_is_a_deadline_not_unset(client):
    assert client._deadline(MapsService.SearchPlaces, 0) == 0
    assert client._deadline(MapsService.SearchPlaces, 0.5) == 0.5
    assert client._deadline(MapsService.SearchPlaces, None) == 3.0  # per method
    assert client._deadline(HeadUnitService.GetInfo, None) == client.timeout_s
    assert client._deadline(MapsService.ComputeRoute, None) == DEFAULT_DEADLINES_S["ComputeRoute"]


def test_checking_that_the_client_is_open_changes_nothing(client):
    client._check_open()
    assert client.state is cardeck.ClientState.UNOPENED
    client._start_call()
    assert client.state is cardeck.ClientState.OPEN
    client.close()
    with pytest.raises(cardeck.UsageError, match="closed"):
        client._check_open()
    assert client.state is cardeck.ClientState.CLOSED


def test_cancelled_error_is_a_deprecated_alias_of_call_cancelled_error():
    assert "CancelledError" not in cardeck.__all__
    assert "CallCancelledError" in cardeck.__all__
    with pytest.warns(DeprecationWarning, match="use cardeck.CallCancelledError"):
        alias = cardeck.CancelledError
    assert alias is cardeck.CallCancelledError
    assert issubclass(alias, cardeck.StatusError)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        namespace: dict[str, object] = {}
        exec("from cardeck import *", namespace)
    assert "CancelledError" not in namespace
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        cardeck.NoSuchName  # noqa: B018
