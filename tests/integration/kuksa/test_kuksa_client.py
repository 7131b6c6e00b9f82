"""The released kuksa-client's VSSClient reads, subscribes and actuates on the head unit.

Each test runs twice (conftest.served): plaintext on an open head unit, and TLS
with a token scoped to what the client does.
"""

from __future__ import annotations

import asyncio
import datetime
import struct

import cardeck
from cardeck_sim.state._signals import SignalDatum
from cardeck_sim.state._store import signal_from_proto
from tests.integration.kuksa._kuksa import KuksaDriver, datapoint
from tests.integration.kuksa.conftest import Served

SPEED = "Vehicle.Speed"
GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
BRAKE = "Vehicle.Chassis.ParkingBrake.IsEngaged"
SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"
PARK, DRIVE = 126, 127
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def as_float32(value: float) -> float:
    """``value`` as KUKSA's ``float`` carries it (VSS float is 32 bits)."""
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def as_read(datum: SignalDatum) -> tuple[float, str]:
    """A stored speed as kuksa-client reads it: a 32-bit float, the time to the microsecond."""
    time = EPOCH + datetime.timedelta(microseconds=datum.time_ns // 1000)
    return as_float32(float(datum.value)), time.isoformat()


def store_speeds(served: Served, after_seq: int) -> list[SignalDatum]:
    """Every Vehicle.Speed the store took in the events after ``after_seq``."""
    log = served.unit.store.events
    speeds = []
    for event in log.read(after_seq, log.head_seq - after_seq):
        if event.HasField("signals_changed"):
            for msg in event.signals_changed.signals:
                decoded = signal_from_proto(msg)
                if decoded is not None and decoded[0] == SPEED:
                    speeds.append(decoded[1])
    return speeds


async def test_server_info_metadata_and_branches(served: Served, kuksa: KuksaDriver) -> None:
    client = await served.kuksa_client(kuksa, token="kuksa-reader")
    info = await client.call("get_server_info")
    assert info == {"name": "CarDeck head unit", "version": cardeck.__version__}
    metadata = await client.call("get_metadata", [SPEED, GEAR])
    assert metadata[SPEED]["unit"] == "km/h"
    assert metadata[SPEED]["data_type"] == "FLOAT"
    assert metadata[SPEED]["entry_type"] == "SENSOR"
    assert metadata[GEAR]["data_type"] == "INT8"
    assert metadata[GEAR]["entry_type"] == "ACTUATOR"
    switch = (await client.call("get_metadata", [SWITCH]))[SWITCH]
    assert switch["value_restriction"]["allowed_values"][:3] == ["INACTIVE", "CLOSE", "OPEN"]

    # Branches: v1 Get takes wildcards; for v2 Subscribe, which takes signals
    # only, kuksa-client expands a branch with ListMetadata after NOT_FOUND.
    sunroof = {SWITCH: "INACTIVE", POSITION: 0}
    values = await client.call("get_current_values", ["Vehicle.Cabin.Sunroof.*"])
    assert {path: point["value"] for path, point in values.items()} == sunroof
    changes = await client.stream("subscribe_current_values", ["Vehicle.Cabin.Sunroof"])
    first = await changes.next()
    assert {path: point["value"] for path, point in first.items()} == sunroof


async def test_reads_speed_and_sees_gear_and_brake_while_a_route_drives(
    served: Served, kuksa: KuksaDriver
) -> None:
    store = served.unit.store
    client = await served.kuksa_client(kuksa, token="kuksa-reader")
    # The v2 Subscribe answers with the current values first, so once that
    # arrives the subscription is in place before the car moves.
    changes = await client.stream("subscribe_current_values", [GEAR, BRAKE])
    first = await changes.next()
    assert {path: point["value"] for path, point in first.items()} == {GEAR: PARK, BRAKE: True}
    assert store.restrictions.parked

    async with served.cardeck_client() as oem:
        place = (await oem.maps.search_places("stockmann", limit=1))[0]
        await oem.maps.set_destination(place)
        # Slow enough that the car is still on its way when the checks run.
        await oem.maps.start_guidance(time_scale=5)
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            speed = 0.0
            while speed <= 0 and loop.time() < deadline:
                # The drive moves on while the read is under way: the value read
                # must be one the store held at some moment of the call.
                seq = store.events.head_seq
                held = [store.signals.get(SPEED)]
                # The typed view is the same store: it says what the signal says.
                assert held[0] is not None and store.vehicle.speed_kmh == held[0].value
                values = await client.call("get_current_values", [SPEED])
                held += store_speeds(served, seq)
                point = values[SPEED]
                read = (point["value"], point["timestamp"])
                assert read in {as_read(d) for d in held if d is not None}, (read, held)
                speed = point["value"]
                await asyncio.sleep(0.05)
            assert speed > 0, "the route never made the car move"

            await changes.until_values({GEAR: DRIVE, BRAKE: False}, timeout=5)
            assert not store.restrictions.parked
            assert not (await oem.drive_restrictions()).parked
        finally:
            await oem.maps.stop_guidance()


async def test_actuating_gear_and_brake_changes_the_drive_restriction(
    served: Served, kuksa: KuksaDriver
) -> None:
    store = served.unit.store
    client = await served.kuksa_client(kuksa)
    changes = await client.stream("subscribe_current_values", [GEAR, BRAKE])
    await changes.until_values({GEAR: PARK, BRAKE: True})

    # The head unit provides gear and parking brake itself: setting their target
    # values moves them, as the car would.
    await client.call("set_target_values", {GEAR: datapoint(DRIVE)})
    await changes.until_values({GEAR: DRIVE, BRAKE: True})
    assert store.vehicle.gear.name == "DRIVE"
    assert store.restrictions.parked, "the parking brake on at speed 0 still parks"

    await client.call("set_target_values", {BRAKE: datapoint(False)})
    await changes.until_values({GEAR: DRIVE, BRAKE: False})
    assert not store.restrictions.parked
    async with served.cardeck_client() as oem:
        assert not (await oem.drive_restrictions()).parked

        await client.call("set_current_values", {SPEED: datapoint(30.0)})
        assert (await oem.vehicle_state()).speed_kmh == 30.0
        await client.call("set_target_values", {GEAR: datapoint(PARK)})
        await changes.until_values({GEAR: PARK, BRAKE: False})
        assert (await oem.drive_restrictions()).parked
