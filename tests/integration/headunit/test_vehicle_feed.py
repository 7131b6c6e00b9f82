"""A head unit whose car is another head unit: ``--vehicle-source kuksa://HOST:PORT``.

Head unit A serves the KUKSA val v2 API (the real databroker binary is not installable
here); head unit B mirrors A's signals. A's changes reach B's store and B's drive
restrictions; when A goes away B says so, and when A is back on the same port B resumes
with what changed meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import grpc
import yaml

from cardeck import ReconnectPolicy
from cardeck.kuksa.val.v2 import types_pb2 as kt
from cardeck.kuksa.val.v2 import val_pb2, val_pb2_grpc
from cardeck.v1 import types_pb2
from cardeck_sim.feed import LOST_CODE, RESTORED_CODE, FeedState
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.service._auth import hash_token
from cardeck_sim.state import Cursor, Gear
from tests.integration._pki import make_pki

FAST = ReconnectPolicy(initial_s=0.05, maximum_s=0.3)


def unit_config(**fields: object) -> ServiceConfig:
    # Only the gRPC side: no bridge, no Chromium.
    return ServiceConfig(ws_port=None, browser=False, **fields)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(unit: HeadUnit) -> AsyncIterator[HeadUnit]:
    if unit.vehicle_feed is not None:
        unit.vehicle_feed.policy = FAST
    await unit.start()
    try:
        yield unit
    finally:
        await unit.stop(0.2)


async def until(predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait (without blocking the loop) until ``predicate()`` holds."""
    async with asyncio.timeout(timeout_s):
        while not predicate():
            await asyncio.sleep(0.01)


async def next_notice(cursor: Cursor) -> types_pb2.ServiceNotice:
    """The next vehicle-source notice after the cursor."""
    async with asyncio.timeout(10):
        while True:
            for event in await cursor.next_batch():
                if event.service_notice.code.startswith("VEHICLE_SOURCE_"):
                    return event.service_notice


async def test_b_follows_a_loses_it_and_resumes_with_what_changed_meanwhile():
    async with running(HeadUnit(unit_config(port=0))) as a:
        # Set before B connects: B's first GetValues must bring them.
        a.store.set_signals({"Vehicle.TraveledDistance": 4_321_000, "Vehicle.Speed": 0.0})
        url = f"kuksa://127.0.0.1:{a.port}"
        async with running(HeadUnit(unit_config(port=0, vehicle_source=url))) as b:
            feed = b.vehicle_feed
            assert feed is not None and b.store.vehicle_source == url
            await until(lambda: feed.state is FeedState.LIVE)
            assert b.store.signals.value("Vehicle.TraveledDistance") == 4_321_000
            assert b.store.restrictions.parked

            # A drives off (its own store command): B's vehicle and restrictions follow.
            a.store.update_vehicle(speed_kmh=48.5, gear=Gear.DRIVE, parking_brake_on=False)
            await until(lambda: b.store.vehicle.speed_kmh == 48.5)
            assert b.store.vehicle.gear is Gear.DRIVE
            assert not b.store.vehicle.parking_brake_on
            assert b.store.restrictions.browser_locked and not b.store.restrictions.parked

            # A provider publishes on A's val API: B follows that too (a float32 on the wire).
            async with grpc.aio.insecure_channel(f"127.0.0.1:{a.port}") as channel:
                await val_pb2_grpc.VALStub(channel).PublishValue(
                    val_pb2.PublishValueRequest(
                        signal_id=kt.SignalID(path="Vehicle.Speed"),
                        data_point=kt.Datapoint(value=kt.Value(float=31.7)),
                    )
                )
            await until(lambda: b.store.vehicle.speed_kmh == 31.7)

            # A parks and goes away; B says so and keeps the last values.
            a.store.update_vehicle(speed_kmh=0.0, gear=Gear.PARK)
            await until(lambda: b.store.restrictions.parked)
            notices = Cursor(b.store.events, b.store.events.head_seq)
            port = a.port
            await a.stop(0.2)
            lost = await next_notice(notices)
            assert lost.code == LOST_CODE
            assert lost.severity == types_pb2.NOTICE_SEVERITY_WARNING
            assert url in lost.message
            assert feed.state is FeedState.LOST
            assert b.store.vehicle.gear is Gear.PARK
            await until(lambda: feed.failures >= 3)  # retrying, without a notice per attempt

            # A comes back on the same port with a value changed while B could not see it.
            again = HeadUnit(unit_config(port=port))
            again.store.update_vehicle(speed_kmh=77.0, gear=Gear.DRIVE, parking_brake_on=False)
            async with running(again):
                restored = await next_notice(notices)
                assert restored.code == RESTORED_CODE
                assert restored.severity == types_pb2.NOTICE_SEVERITY_INFO
                await until(lambda: b.store.vehicle.speed_kmh == 77.0)
                assert b.store.vehicle.gear is Gear.DRIVE
                assert not b.store.restrictions.parked
                assert feed.connections == 2
                # And it keeps following the new A.
                again.store.update_vehicle(speed_kmh=12.0)
                await until(lambda: b.store.vehicle.speed_kmh == 12.0)
            # A again stopped: one more LOST, no notice per retry.
            assert (await next_notice(notices)).code == LOST_CODE


async def test_the_notice_is_in_the_head_units_locale():
    async with running(HeadUnit(unit_config(port=0))) as a:
        url = f"kuksa://127.0.0.1:{a.port}"
        b = HeadUnit(unit_config(port=0, vehicle_source=url, locale="de"))
        async with running(b):
            await until(lambda: b.vehicle_feed is not None and b.vehicle_feed.state.value == "live")
            notices = Cursor(b.store.events, b.store.events.head_seq)
            await a.stop(0.2)
            lost = await next_notice(notices)
    assert lost.message.startswith(f"Die Fahrzeugdatenquelle {url} ist nicht erreichbar (")


async def test_a_tls_source_with_a_token(tmp_path):
    pki = make_pki(tmp_path)
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(
        yaml.safe_dump(
            {"tokens": [{"name": "feed", "sha256": hash_token("feed-jwt"), "scopes": ["read"]}]}
        )
    )
    (tmp_path / "feed.jwt").write_text("feed-jwt\n")
    source = HeadUnit(
        unit_config(
            port=0, tokens_file=tokens, tls_cert=pki["server_cert"], tls_key=pki["server_key"]
        )
    )
    async with running(source) as a:
        a.store.update_vehicle(speed_kmh=23.0, gear=Gear.DRIVE, parking_brake_on=False)
        b = HeadUnit(
            unit_config(
                port=0,
                vehicle_source=f"kuksas://127.0.0.1:{a.port}",
                vehicle_source_ca=pki["ca"],
                vehicle_source_token_file=tmp_path / "feed.jwt",
                vehicle_signals=("Vehicle.Speed", "Vehicle.Powertrain.Transmission.SelectedGear"),
            )
        )
        async with running(b):
            await until(lambda: b.store.vehicle.speed_kmh == 23.0)
            assert b.store.vehicle.gear is Gear.DRIVE
            # Only the listed signals are mirrored: the parking brake stays B's own.
            assert b.store.vehicle.parking_brake_on


async def test_the_maps_car_follows_the_sources_location():
    async with running(HeadUnit(unit_config(port=0))) as a:
        url = f"kuksa://127.0.0.1:{a.port}"
        async with running(HeadUnit(unit_config(port=0, vehicle_source=url))) as b:
            feed = b.vehicle_feed
            assert feed is not None
            await until(lambda: feed.state is FeedState.LIVE)
            # The source's GNSS position (Helsinki, near the bundled map's streets).
            a.store.set_signals(
                {
                    "Vehicle.CurrentLocation.Latitude": 60.1699,
                    "Vehicle.CurrentLocation.Longitude": 24.9384,
                    "Vehicle.CurrentLocation.Heading": 90.0,
                }
            )

            def placed() -> bool:
                pose = b.store.map.vehicle
                return pose is not None and abs(pose.position.lat - 60.1699) < 1e-9

            await until(placed)
            pose = b.store.map.vehicle
            assert abs(pose.position.lon - 24.9384) < 1e-9 and pose.heading_deg == 90.0
