"""Inputs that once escaped or stalled the head unit (issue 14), each answered with its status.

Raw stubs on purpose: these are the requests an attacker or a foreign client sends, not what
the SDK would build.
"""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cardeck.v1 import (
    maps_service_pb2,
    maps_service_pb2_grpc,
    packages_service_pb2,
    packages_service_pb2_grpc,
    types_pb2,
    voice_service_pb2,
    voice_service_pb2_grpc,
)


@pytest.fixture
def channel(thread_unit):
    with grpc.insecure_channel(thread_unit.target) as ch:
        yield ch


def _fails(call, request, code: grpc.StatusCode) -> tuple[str, list[str]]:
    """Call, expect ``code``; return the message and the BadRequest field paths."""
    with pytest.raises(grpc.RpcError) as info:
        call(request, timeout=10)
    err = info.value
    assert err.code() is code, (err.code(), err.details())
    fields: list[str] = []
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad = error_details_pb2.BadRequest()
                    detail.Unpack(bad)
                    fields += [v.field for v in bad.field_violations]
    return err.details(), fields


def _marker(marker_id: str, **kw) -> types_pb2.Marker:
    m = types_pb2.Marker(marker_id=marker_id, **kw)
    if "position" not in kw:
        m.position.CopyFrom(types_pb2.LatLng(latitude_deg=60.17, longitude_deg=24.94))
    return m


def test_add_markers_lists_every_violation_at_its_field(channel):
    stub = maps_service_pb2_grpc.MapsServiceStub(channel)
    request = maps_service_pb2.AddMarkersRequest(
        markers=[
            _marker("fuel-1"),
            _marker("fuel-1"),  # the same id twice: once a bare ValueError (UNKNOWN)
            _marker("bad id!"),
            types_pb2.Marker(marker_id="nowhere"),  # no position
            _marker("odd-shape", style=types_pb2.MarkerStyle(shape=99)),
        ]
    )
    _, fields = _fails(stub.AddMarkers, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert fields == [
        "markers[1].marker_id",
        "markers[2].marker_id",
        "markers[3].position",
        "markers[4].style.shape",
    ]
    assert stub.ListMarkers(maps_service_pb2.ListMarkersRequest()).markers == []


def test_empty_set_camera_and_remove_markers_are_invalid(channel):
    stub = maps_service_pb2_grpc.MapsServiceStub(channel)
    before = stub.GetCamera(maps_service_pb2.GetCameraRequest()).camera
    _, fields = _fails(
        stub.SetCamera, maps_service_pb2.SetCameraRequest(), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert fields == ["camera"]
    assert stub.GetCamera(maps_service_pb2.GetCameraRequest()).camera == before
    _, fields = _fails(
        stub.RemoveMarkers,
        maps_service_pb2.RemoveMarkersRequest(),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert fields == ["marker_ids"]


@pytest.mark.parametrize("method", ["ComputeRoute", "SetDestination"])
def test_points_far_from_any_road_are_not_found(channel, method):
    stub = maps_service_pb2_grpc.MapsServiceStub(channel)
    far = types_pb2.LatLng(latitude_deg=1, longitude_deg=1)
    if method == "ComputeRoute":
        request = maps_service_pb2.ComputeRouteRequest(
            origin=types_pb2.LatLng(latitude_deg=0, longitude_deg=0), destination=far
        )
    else:
        request = maps_service_pb2.SetDestinationRequest(position=far)
    message, _ = _fails(getattr(stub, method), request, grpc.StatusCode.NOT_FOUND)
    assert "from the nearest road" in message


@pytest.mark.parametrize("query", ["a\x00b", "😀 cafe", "\u202ekamppi"])
def test_search_places_with_odd_text_answers(channel, query):
    stub = maps_service_pb2_grpc.MapsServiceStub(channel)
    reply = stub.SearchPlaces(maps_service_pb2.SearchPlacesRequest(query=query), timeout=10)
    assert isinstance(list(reply.places), list)


@pytest.mark.parametrize("query", ["\x00", "\u202e", "😀", "..."])
def test_search_places_with_nothing_to_search_is_invalid(channel, query):
    stub = maps_service_pb2_grpc.MapsServiceStub(channel)
    message, fields = _fails(
        stub.SearchPlaces,
        maps_service_pb2.SearchPlacesRequest(query=query),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert fields == ["query"] and "letter or digit" in message


def test_undecodable_request_is_invalid_argument(channel):
    call = channel.unary_unary("/cardeck.v1.MapsService/SearchPlaces")
    # Field 1 (query) as a length-delimited string holding a UTF-16 surrogate: not UTF-8.
    message, _ = _fails(call, b"\x0a\x03\xed\xa0\x80", grpc.StatusCode.INVALID_ARGUMENT)
    assert "cardeck.v1.SearchPlacesRequest" in message


def test_speak_with_an_unknown_voice_is_invalid(channel):
    stub = voice_service_pb2_grpc.VoiceServiceStub(channel)
    _, fields = _fails(
        stub.Speak,
        voice_service_pb2.SpeakRequest(text="hello", voice="xx-nowhere"),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert fields == ["voice"]
    _, fields = _fails(
        stub.Speak,
        voice_service_pb2.SpeakRequest(text="\x00", voice=" "),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert fields == ["text", "voice"]


@pytest.mark.parametrize("name", ["../../../victim", "..", "a" * 300, "x/y", "UPPER"])
def test_rollback_refuses_names_that_are_no_package_name(channel, thread_unit, tmp_path, name):
    stub = packages_service_pb2_grpc.PackagesServiceStub(channel)
    _, fields = _fails(
        stub.RollbackPackage,
        packages_service_pb2.RollbackPackageRequest(name=name),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert fields == ["name"]


def test_installer_never_builds_a_path_outside_its_root(thread_unit, tmp_path):
    from cardeck_sim.install import Installer

    victim = tmp_path / "victim"
    (victim / "versions" / "1").mkdir(parents=True)
    (victim / "current").symlink_to("versions/1")
    installer = Installer(tmp_path / "root", [], vehicle_id=lambda: "polestar-2")
    with pytest.raises(Exception, match="not a valid bundle name"):
        installer.rollback("../../victim")
    assert (victim / "current").is_symlink()


def test_health_list_answers(channel):
    reply = health_pb2_grpc.HealthStub(channel).List(health_pb2.HealthListRequest(), timeout=5)
    assert reply.statuses[""].status == health_pb2.HealthCheckResponse.SERVING
    assert reply.statuses["cardeck.v1.MapsService"].status == health_pb2.HealthCheckResponse.SERVING
