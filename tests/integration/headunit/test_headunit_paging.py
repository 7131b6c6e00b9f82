"""AIP-158 pagination on a real head unit: ListMarkers, ListProfiles, ListPackages, SearchPlaces."""

import base64
import json

import grpc
import pytest
import yaml

import cardeck
from cardeck import LatLng, Page
from cardeck.deploy import build_bundle, generate_keypair
from cardeck.layout import bundled_layouts_dir
from cardeck.testing import HeadUnitThread
from cardeck.v1 import layout_service_pb2 as layout_pb
from cardeck.v1 import layout_service_pb2_grpc as layout_grpc
from cardeck.v1 import maps_service_pb2 as pb
from cardeck.v1 import maps_service_pb2_grpc as pb_grpc
from cardeck.v1 import packages_service_pb2 as pkg_pb
from cardeck.v1 import packages_service_pb2_grpc as pkg_grpc
from cardeck.v1 import types_pb2
from cardeck_sim.headunit import ServiceConfig

VEHICLE = "hyundai-kia-ccnc"  # the head unit's active profile: bundles must target it


def make_payload(root, profile_id):
    """A payload with one vehicle profile, derived from a bundled one."""
    source = bundled_layouts_dir() / "vehicles" / "tesla-model-3.yaml"
    data = yaml.safe_load(source.read_text())
    data["id"], data["name"] = profile_id, f"Test car {profile_id}"
    (root / "profiles").mkdir(parents=True)
    (root / "profiles" / f"{profile_id}.yaml").write_text(yaml.safe_dump(data))
    return root


def _marker(i: int) -> types_pb2.Marker:
    return types_pb2.Marker(
        marker_id=f"m{i:05d}",
        position=types_pb2.LatLng(latitude_deg=60.1 + i * 1e-5, longitude_deg=24.9),
        style=types_pb2.MarkerStyle(label=f"Marker number {i}", glyph="⚡"),
    )


async def _fill(stub: pb_grpc.MapsServiceStub, ids: range) -> None:
    for start in range(ids.start, ids.stop, 1000):
        chunk = [_marker(i) for i in range(start, min(start + 1000, ids.stop))]
        await stub.AddMarkers(pb.AddMarkersRequest(markers=chunk))


async def _refusal(call) -> cardeck.CarDeckError:
    with pytest.raises(grpc.RpcError) as caught:
        await call
    return cardeck._exceptions.error_from_rpc(caught.value)


async def test_async_walk_of_10000_markers_sees_each_once_while_markers_come_and_go(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = pb_grpc.MapsServiceStub(channel)
        await _fill(stub, range(10_000))
        seen: list[str] = []
        removed: set[str] = set()
        passed: set[str] = set()  # inserted behind the cursor
        ahead: set[str] = set()  # inserted in front of it
        token, pages = "", 0
        while True:
            resp = await stub.ListMarkers(pb.ListMarkersRequest(page_size=333, page_token=token))
            seen += [m.marker_id for m in resp.markers]
            pages += 1
            if not resp.next_page_token:
                break
            token = resp.next_page_token
            # Between pages: remove the marker the token ends at, one already sent
            # and one not yet sent (the head unit stays at or under its 10,000);
            # insert one just behind the cursor and one just in front of it.
            last = int(seen[-1][1:6])
            gone = [seen[-1], seen[-5], f"m{last + 100:05d}"]
            await stub.RemoveMarkers(pb.RemoveMarkersRequest(marker_ids=gone))
            removed.update(gone)
            behind, front = _marker(last - 2), _marker(last)
            behind.marker_id += "b"
            front.marker_id += "a"
            await stub.AddMarkers(pb.AddMarkersRequest(markers=[behind, front]))
            passed.add(behind.marker_id)
            ahead.add(front.marker_id)
        assert len(seen) == len(set(seen)), "no marker repeats"
        assert seen == sorted(seen)
        everything = {f"m{i:05d}" for i in range(10_000)} | ahead
        assert everything - removed <= set(seen), "no marker present throughout is skipped"
        assert not passed & set(seen), "markers inserted behind the cursor are not sent"
        assert pages == 31


async def test_async_page_size_0_returns_all_10000_markers_in_one_response(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = pb_grpc.MapsServiceStub(channel)
        await _fill(stub, range(10_000))
        resp = await stub.ListMarkers(pb.ListMarkersRequest())
        assert len(resp.markers) == 10_000 and resp.next_page_token == ""
        # Under grpc's 4 MiB default receive limit: 0.59 MB here, 2.49 MB measured
        # with every id and label at its longest (64 characters, 2-byte labels).
        assert resp.ByteSize() < 1024 * 1024
        # page_size above the maximum is coerced to it.
        big = await stub.ListMarkers(pb.ListMarkersRequest(page_size=1_000_000))
        assert len(big.markers) == 10_000 and big.next_page_token == ""
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        assert len(await client.maps.list_markers()) == 10_000
        page = await client.maps.list_markers(page_size=4000)
        assert isinstance(page, Page) and len(page) == 4000 and page.next_page_token
        rest = await client.maps.list_markers(page_token=page.next_page_token, page_size=9000)
        assert len(rest.items) == 6000 and rest.next_page_token == ""
        assert [m.marker_id for m in page] + [m.marker_id for m in rest] == [
            f"m{i:05d}" for i in range(10_000)
        ]


def _forged(token: str) -> str:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    body = json.loads(raw[:-16])
    body["a"] = "m00000"
    edited = json.dumps(body, separators=(",", ":")).encode() + raw[-16:]
    return base64.urlsafe_b64encode(edited).decode().rstrip("=")


async def test_async_bad_tokens_and_sizes_are_invalid_argument_on_the_field(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        maps = pb_grpc.MapsServiceStub(channel)
        layout = layout_grpc.LayoutServiceStub(channel)
        await _fill(maps, range(10))
        token = (await maps.ListMarkers(pb.ListMarkersRequest(page_size=3))).next_page_token
        profiles_token = (
            await layout.ListProfiles(layout_pb.ListProfilesRequest(page_size=1))
        ).next_page_token
        assert token and profiles_token
        cases = {
            "garbage": maps.ListMarkers(pb.ListMarkersRequest(page_token="not a token!")),
            "base64 noise": maps.ListMarkers(pb.ListMarkersRequest(page_token="QUJD" * 10)),
            "edited": maps.ListMarkers(pb.ListMarkersRequest(page_token=_forged(token))),
            "truncated": maps.ListMarkers(pb.ListMarkersRequest(page_token=token[:-3])),
            "another call's": maps.ListMarkers(pb.ListMarkersRequest(page_token=profiles_token)),
            "huge": maps.ListMarkers(pb.ListMarkersRequest(page_token="A" * 100_000)),
        }
        for name, call in cases.items():
            err = await _refusal(call)
            assert isinstance(err, cardeck.InvalidArgumentError), name
            assert [v.field for v in err.field_violations] == ["page_token"], name
        foreign = await _refusal(maps.ListMarkers(pb.ListMarkersRequest(page_token=profiles_token)))
        assert "ListProfiles" in foreign.field_violations[0].description
        for call in (
            maps.ListMarkers(pb.ListMarkersRequest(page_size=-1)),
            layout.ListProfiles(layout_pb.ListProfilesRequest(page_size=-5)),
            pkg_grpc.PackagesServiceStub(channel).ListPackages(
                pkg_pb.ListPackagesRequest(page_size=-1)
            ),
            maps.SearchPlaces(pb.SearchPlacesRequest(query="cafe", page_size=-1)),
        ):
            err = await _refusal(call)
            assert [v.field for v in err.field_violations] == ["page_size"]


def test_sync_profiles_page_by_page_equal_the_whole_list(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        everything = client.layout.list_profiles()
        assert len(everything) >= 2
        walked, token = [], ""
        while True:
            page = client.layout.list_profiles(page_size=1, page_token=token)
            assert len(page.items) == 1
            walked += page.items
            token = page.next_page_token
            if not token:
                break
        assert walked == everything
        packages = client.packages.list(page_size=10)
        assert packages.items == client.packages.list() and packages.next_page_token == ""


def _ids(places):
    return [p.place_id for p in places]


async def test_async_search_pages_continue_one_search_around_the_first_position(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        first = await client.maps.search_places("cafe", page_size=7)
        assert len(first) == 7 and first.next_page_token
        # The car moves between pages: the rest of the walk still ranks around
        # where it was, so it matches the walk of an unmoved car.
        reference = await client.maps.search_places("cafe", limit=100)
        await client.maps.report_positions(
            [cardeck.GnssFix(LatLng(60.20, 24.80), speed_kmh=10, heading_deg=0)]
        )
        walked, token = list(first), first.next_page_token
        while token:
            page = await client.maps.search_places("cafe", page_token=token, page_size=31)
            walked += page.items
            token = page.next_page_token
        assert _ids(walked[:100]) == _ids(reference)
        assert len(walked) == len(set(_ids(walked))) <= 500
        # Without page fields, limit keeps its meaning.
        assert len(await client.maps.search_places("cafe")) == 10
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            await client.maps.search_places("bar", page_token=first.next_page_token)
        assert [v.field for v in caught.value.field_violations] == ["page_token"]
        assert "query or near" in caught.value.field_violations[0].description
        with pytest.raises(cardeck.InvalidArgumentError):
            await client.maps.search_places(
                "cafe", near=(60.17, 24.94), page_token=first.next_page_token
            )


async def test_async_search_stops_at_500_results(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = pb_grpc.MapsServiceStub(channel)
        near = types_pb2.LatLng(latitude_deg=60.17, longitude_deg=24.94)
        # A query that matches (fuzzily) very many places.
        total, token = 0, ""
        while True:
            resp = await stub.SearchPlaces(
                pb.SearchPlacesRequest(query="a", near=near, page_size=100, page_token=token)
            )
            total += len(resp.places)
            token = resp.next_page_token
            if not token:
                break
        assert total == 500


def test_sync_packages_page_by_name(tmp_path):
    keys = generate_keypair(tmp_path / "keys", "oem")
    config = ServiceConfig(port=0, trusted_keys=(keys.public_path,))
    with HeadUnitThread(config) as unit, cardeck.Client(unit.target) as client:
        for name in ("oem-c", "oem-a", "oem-b"):
            payload = make_payload(tmp_path / name, f"{name}-car")
            built = build_bundle(
                payload,
                tmp_path / f"{name}.cdbundle",
                key=keys.private_path,
                name=name,
                version="1.0.0",
                target_vehicles=[VEHICLE],
            )
            client.packages.install(built.path)
        first = client.packages.list(page_size=2)
        assert [p.name for p in first] == ["oem-a", "oem-b"] and first.next_page_token
        rest = client.packages.list(page_size=2, page_token=first.next_page_token)
        assert [p.name for p in rest] == ["oem-c"] and rest.next_page_token == ""
        assert [p.name for p in client.packages.list()] == ["oem-a", "oem-b", "oem-c"]
