"""MapsService through both twins on the bundled OpenStreetMap extract (Helsinki)."""

import asyncio

import pytest

import cardeck
from cardeck import Camera, GnssFix, LatLng, Marker, MarkerShape, MarkerStyle


async def test_async_search_route_and_guidance_to_arrival(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        places = await client.maps.search_places("stockmann")
        assert places[0].name == "Stockmann"
        assert places[0].distance_m > 0
        route = await client.maps.set_destination(places[0])
        assert route.distance_m > 100 and route.duration_s > 0
        assert route.maneuvers[0].kind == "depart" and route.maneuvers[-1].kind == "arrive"
        assert route.polyline[0] != route.polyline[-1]

        updates = client.maps.watch_guidance()
        first = await asyncio.wait_for(updates.__anext__(), 5)
        assert first.status is cardeck.GuidanceStatus.IDLE
        await client.maps.start_guidance(time_scale=200)
        remaining = []
        moving = False
        async for state in updates:
            if state.status is cardeck.GuidanceStatus.ACTIVE:
                remaining.append(state.remaining_distance_m)
                moving = moving or (await client.drive_restrictions()).browser_locked
            if state.status is cardeck.GuidanceStatus.ARRIVED:
                break
        await updates.aclose()
        assert remaining == sorted(remaining, reverse=True), "remaining distance never grows"
        assert moving, "the simulated drive locked the browser on the way"
        vehicle = await client.vehicle_state()
        assert vehicle.gear is cardeck.Gear.PARK and vehicle.speed_kmh == 0
        assert (await client.drive_restrictions()).parked


def test_sync_route_events_and_clear(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        stream = client.events(kinds=[cardeck.EventKind.GUIDANCE])
        stream.open()
        hotel = client.maps.search_places("hotel arthur", limit=1)[0]
        client.maps.set_destination(hotel.place_id)
        change = next(stream)
        assert change.data.route is not None and "Hotel Arthur" in change.data.reason
        client.maps.clear_destination()
        cleared = next(stream)
        stream.close()
        assert cleared.data.route is None


def test_sync_off_route_fixes_cause_a_reroute(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        place = client.maps.search_places("stockmann", limit=1)[0]
        route = client.maps.set_destination(place)
        client.maps.start_guidance(time_scale=0.1)  # nearly still: the fixes decide
        start = route.polyline[0]
        off = LatLng(start.latitude_deg + 0.0015, start.longitude_deg + 0.003)  # ~220 m away
        applied, reroutes = client.maps.report_positions(
            [GnssFix(off, speed_kmh=20, heading_deg=90)] * 3
        )
        client.maps.stop_guidance()
        assert applied == 3
        assert reroutes == 1


async def test_async_markers_round_trip_and_camera(aio_unit):
    markers = [
        Marker("charger-1", LatLng(60.1700, 24.9400), MarkerStyle(MarkerShape.DIAMOND, 0x00FF00FF)),
        Marker("charger-2", LatLng(60.1710, 24.9420), MarkerStyle(label="Fast", glyph="⚡")),
    ]
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        assert await client.maps.add_markers(markers) == 2
        assert await client.maps.list_markers() == markers
        assert await client.maps.remove_markers(["charger-1", "nope"]) == ["charger-1"]
        assert [m.marker_id for m in await client.maps.list_markers()] == ["charger-2"]
        camera = await client.maps.set_camera(Camera(LatLng(60.17, 24.94), zoom=15, tilt_deg=30))
        assert camera == await client.maps.camera()
        assert (camera.zoom, camera.tilt_deg, camera.follow_vehicle) == (15, 30, True)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda m: m.search_places(""), "query"),
        (lambda m: m.search_places("cafe", near=(91.0, 0.0)), "near.latitude_deg"),
        (lambda m: m.search_places("cafe", limit=500), "limit"),
        (lambda m: m.compute_route((60.17, 24.94), (60.17, 200.0)), "destination.longitude_deg"),
        (lambda m: m.set_camera(Camera(zoom=30)), "camera.zoom"),
        (lambda m: m.add_markers([Marker("", LatLng(0, 0))]), "markers[0].marker_id"),
        (
            lambda m: m.add_markers([Marker("x", LatLng(-95, 0))]),
            "markers[0].position.latitude_deg",
        ),
        (lambda m: m.start_guidance(time_scale=5000), "time_scale"),
    ],
)
def test_sync_bad_input_names_the_field(thread_unit, call, field):
    with cardeck.Client(thread_unit.target) as client:
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            call(client.maps)
    assert field in [v.field for v in caught.value.field_violations]


def test_sync_unknown_place_is_not_found(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        with pytest.raises(cardeck.NotFoundError):
            client.maps.get_place("node/1")
        with pytest.raises(cardeck.NotFoundError):
            client.maps.set_destination("node/1")
        with pytest.raises(cardeck.FailedPreconditionError, match="SetDestination"):
            client.maps.start_guidance()
