"""Inputs that once escaped or stalled the head unit (issue 14), each answered with its status.

Raw stubs on purpose: these are the requests an attacker or a foreign client sends, not what
the SDK would build.
"""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from cardeck.testing import HeadUnitProcess
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


async def test_the_snapshot_carries_every_panel_state_over_grpc_and_the_bridge(aio_unit):
    import json

    from websockets.asyncio.client import connect

    import cardeck

    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        place = (await client.maps.search_places("stockmann", limit=1))[0]
        await client.maps.set_destination(place)
        await client.maps.start_guidance(time_scale=1)
        stream = client.events()
        snapshot = await stream.open()
        await stream.aclose()
    assert snapshot is not None
    assert snapshot.guidance_state is not None
    assert snapshot.guidance_state.status is cardeck.GuidanceStatus.ACTIVE
    assert snapshot.browser_state is not None
    assert snapshot.browser_state.available == aio_unit.browser.available
    assert snapshot.voice_state is not None

    async with connect(aio_unit.websocket_url) as ws:
        first = json.loads(await ws.recv())
    assert first["snapshot"]["guidanceState"]["status"] == "GUIDANCE_STATUS_ACTIVE"
    assert "browserState" in first["snapshot"]


def _processes_mentioning(text: str) -> set[int]:
    """Pids whose command line or environment mentions ``text`` (a Chromium profile root)."""
    import os

    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            blob = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text.encode() in blob and state != "Z":
            found.add(int(entry.name))
    return found


def test_a_killed_head_unit_takes_its_browser_with_it(tmp_path):
    """SIGKILL runs no cleanup: the kernel must end Chromium (PR_SET_PDEATHSIG)."""
    import re
    import time

    import cardeck

    unit = HeadUnitProcess("--ws-port", "-1").start()
    try:
        with cardeck.Client(unit.target) as client:
            client.browser.navigate("about:blank")
        browsers = [pid for pid in _processes_mentioning("cardeck-chromium-") if pid != unit.pid]
        roots = set()
        for pid in browsers:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            found = re.search(r"--user-data-dir=(/[^\x00]*cardeck-chromium-[^/\x00]+)", cmdline)
            if found and _is_descendant(pid, unit.pid):
                roots.add(found.group(1))
        assert len(roots) == 1, roots
        (root,) = roots
        assert _processes_mentioning(root), "Chromium should be running now"
    finally:
        unit.kill()
        unit.stop()
    deadline = time.monotonic() + 10
    while _processes_mentioning(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_mentioning(root), "Chromium outlived its head unit"


def _is_descendant(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return False


def test_navigation_to_a_closed_port_reports_the_load_error(thread_unit):
    import socket

    import cardeck

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    with cardeck.Client(thread_unit.target) as client:
        state = client.browser.navigate(f"http://127.0.0.1:{port}/")
        assert state.load_error == "net::ERR_CONNECTION_REFUSED"
        assert client.browser.state().load_error == "net::ERR_CONNECTION_REFUSED"


def test_screenshots_over_changing_profiles_do_not_grow_the_head_unit(tmp_path):
    """Evicted display surfaces are freed without a Kivy Clock (once ~6 MB per screenshot)."""
    from cardeck.layout import bundled_profiles
    from cardeck.v1 import simulator_service_pb2 as sim
    from cardeck.v1 import simulator_service_pb2_grpc as sim_grpc

    profiles = sorted(bundled_profiles().values(), key=lambda p: p.id)[:8]
    # A fixed mmap threshold, so RSS follows what the head unit holds rather than the
    # allocator's high-water mark (tests/fuzz/test_fuzz_rpcs.py says why).
    fixed = {"MALLOC_MMAP_THRESHOLD_": str(128 * 1024)}
    with (
        HeadUnitProcess("--ws-port", "-1", "--no-browser", env=fixed) as unit,
        grpc.insecure_channel(unit.target) as channel,
    ):
        stub = sim_grpc.SimulatorServiceStub(channel)

        def draw_all() -> None:
            for profile in profiles:
                stub.LoadProfile(sim.LoadProfileRequest(profile_id=profile.id), timeout=30)
                for display in profile.displays:
                    stub.Screenshot(sim.ScreenshotRequest(display_id=display.id), timeout=30)

        draw_all()
        warm = unit.rss_bytes()
        draw_all()
        draw_all()
        grown = unit.rss_bytes() - warm
    # Before the fix two more passes grew it by about 210 MB.
    assert grown < 60 * 2**20, f"two more passes grew the head unit by {grown / 2**20:.0f} MB"


ALIAS_BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x]"]
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}]"
        for i in range(8)
    ]
)


async def test_a_hostile_validate_profile_does_not_stall_other_calls(aio_unit):
    """The alias bomb that froze the head unit: answered, and GetInfo keeps answering."""
    import asyncio
    import time

    import cardeck
    from cardeck.v1 import layout_service_pb2

    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        await client.info()
        quiet = []
        for _ in range(20):
            t = time.perf_counter()
            await client.info()
            quiet.append(time.perf_counter() - t)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}")
        validate = channel.unary_unary(
            "/cardeck.v1.LayoutService/ValidateProfile",
            request_serializer=layout_service_pb2.ValidateProfileRequest.SerializeToString,
            response_deserializer=layout_service_pb2.ValidateProfileResponse.FromString,
        )
        hostile = asyncio.ensure_future(
            validate(layout_service_pb2.ValidateProfileRequest(yaml=ALIAS_BOMB), timeout=30)
        )
        busy = []
        while not hostile.done():
            t = time.perf_counter()
            await client.info()
            busy.append(time.perf_counter() - t)
            await asyncio.sleep(0.005)
        try:
            reply = hostile.result()
            assert not reply.valid  # refused by the loader's limits
        except grpc.aio.AioRpcError as exc:
            assert exc.code() is grpc.StatusCode.RESOURCE_EXHAUSTED, exc
        await channel.close()
    assert busy, "GetInfo ran while the profile was checked"
    # Loose on purpose (a noisy 2-core machine): a stalled loop took > 30 s here.
    assert max(busy) < max(1.0, 20 * max(quiet)), (max(busy), max(quiet))
