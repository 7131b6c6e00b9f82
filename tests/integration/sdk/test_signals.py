"""client.signals against a real head unit serving kuksa.val.v2, on both twins."""

import asyncio
import queue
import threading

import pytest
import yaml

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import ServiceConfig
from cardeck_sim.service import hash_token

SPEED = "Vehicle.Speed"
GEAR = "Vehicle.Powertrain.Transmission.SelectedGear"
MOVING = "Vehicle.IsMoving"
SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"
FAST = cardeck.ReconnectPolicy(initial_s=0.05, maximum_s=0.3)
# A stream that never brings the awaited value fails the test here, not at the suite timeout.
pytestmark = pytest.mark.timeout(30)


def sunroof(path, value):
    """A provider's handler: the switch moves the roof, and both are published."""
    return {POSITION: 100 if value == "OPEN" else 0, SWITCH: value}


def until(changes, predicate):
    """The first change of the stream that satisfies ``predicate``."""
    for change in changes:
        if predicate(change.values):
            return change
    raise AssertionError("the stream ended")


def test_sync_get_reads_typed_values_with_units(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        client.update_vehicle_state(speed_kmh=50, gear=cardeck.Gear.DRIVE)
        speed = client.signals.get(SPEED)
        assert (speed.value, speed.unit) == (50.0, "km/h")
        assert speed.time is not None
        values = client.signals.get_many([GEAR, SPEED, MOVING])
        assert list(values) == [GEAR, SPEED, MOVING]
        assert values[GEAR].value == 127 and type(values[GEAR].value) is int
        assert values[MOVING].value is True


def test_sync_set_publishes_and_the_typed_view_follows(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        client.signals.set({SPEED: 33.5, "Vehicle.Exterior.LightIntensity": 4.0})
        state = client.vehicle_state()
        assert (state.speed_kmh, state.night) == (33.5, True)
        assert client.signals.get("Vehicle.Exterior.LightIntensity").value == 4.0


def test_sync_errors_are_cardecks_and_name_the_path(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        with pytest.raises(cardeck.NotFoundError, match=r"Vehicle\.Nope"):
            client.signals.get("Vehicle.Nope")
        with pytest.raises(cardeck.NotFoundError, match=r"Vehicle\.Nope"):
            client.signals.get_many([SPEED, "Vehicle.Nope"])
        # Outside this SDK's subset: the datatype is asked of the head unit, which has none.
        with pytest.raises(cardeck.NotFoundError, match=r"Vehicle\.Nope"):
            client.signals.set({"Vehicle.Nope": 1})
        with pytest.raises(cardeck.UnavailableError, match="provider"):
            client.signals.actuate(SWITCH, "OPEN")  # nobody provides the sunroof yet
        with pytest.raises(cardeck.NotFoundError, match=r"Vehicle\.Nope"):
            next(client.signals.subscribe([SPEED, "Vehicle.Nope"]))
        with pytest.raises(cardeck.InvalidArgumentError, match=r"SelectedGear") as caught:
            client.signals.set({SPEED: 10.0, GEAR: "drive"})
        assert caught.value.field_violations[0].field == GEAR
        assert client.signals.get(SPEED).value == 0.0  # nothing was published


def test_sync_list_gives_the_specs_the_head_unit_serves(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        specs = client.signals.list()
        assert [s.path for s in specs] == list(cardeck.vss.SIGNALS)
        for spec in specs:
            local = cardeck.vss.SIGNALS[spec.path]
            assert (spec.datatype, spec.entry_type, spec.unit, spec.signal_id) == (
                local.datatype,
                local.entry_type,
                local.unit,
                local.signal_id,
            )
        roof = client.signals.list("Vehicle.Cabin.Sunroof")
        assert [s.path for s in roof] == [POSITION, SWITCH]
        assert roof[0].minimum == -100 and "OPEN" in (roof[1].allowed or ())


def test_sync_subscribe_starts_with_current_values_then_follows(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        changes = client.signals.subscribe([SPEED, MOVING])
        try:
            first = next(changes)
            assert first.values == {SPEED: 0.0, MOVING: False}
            assert first.signals[0].unit == "km/h"
            client.update_vehicle_state(speed_kmh=20)
            change = until(changes, lambda v: v.get(SPEED) == 20.0)
            assert change.values.get(MOVING, True) is True
        finally:
            changes.close()


def test_sync_subscribe_resubscribes_after_the_head_unit_restarts(unused_tcp_port):
    unit = HeadUnitThread(ServiceConfig(port=unused_tcp_port)).start()
    client = cardeck.Client(unit.target, reconnect=FAST)
    changes = client.signals.subscribe([SPEED])
    try:
        assert next(changes).values == {SPEED: 0.0}
        unit.stop()
        unit.start()  # a new run: its state starts afresh
        with cardeck.connect(unit.target) as writer:
            writer.update_vehicle_state(speed_kmh=15)
        until(changes, lambda v: v.get(SPEED) == 15.0)
    finally:
        changes.close()
        client.close()
        unit.stop()


def test_sync_provider_answers_actuations_and_publishes_what_its_handler_returns(thread_unit):
    seen: queue.Queue[tuple[str, object]] = queue.Queue()

    def handler(path, value):
        seen.put((path, value, threading.current_thread().name))
        return sunroof(path, value)

    with cardeck.connect(thread_unit.target) as client:
        changes = client.signals.subscribe([POSITION])
        try:
            assert next(changes).values == {POSITION: 0}
            with client.signals.provide([SWITCH], handler, publishes=[POSITION]) as provider:
                assert (provider.paths, provider.signals) == ((SWITCH,), (SWITCH, POSITION))
                client.signals.actuate(SWITCH, "OPEN")
                until(changes, lambda v: v.get(POSITION) == 100)
                assert seen.get(timeout=5)[:2] == (SWITCH, "OPEN")
                assert client.signals.get(SWITCH).value == "OPEN"
                # Only the provider publishes what it claimed; it may at any time.
                with pytest.raises(cardeck.AlreadyExistsError):
                    client.signals.set({POSITION: 50})
                provider.publish({POSITION: -100})
                until(changes, lambda v: v.get(POSITION) == -100)
            # Given up: actuating the sunroof fails again.
            with pytest.raises(cardeck.UnavailableError):
                client.signals.actuate(SWITCH, "CLOSE")
        finally:
            changes.close()


def test_sync_provide_refuses_a_sensor(thread_unit):
    with cardeck.connect(thread_unit.target) as client:
        with pytest.raises(cardeck.InvalidArgumentError, match="not an actuator"):
            client.signals.provide([POSITION], sunroof)


def test_sync_scopes_read_and_vehicle_write(tmp_path):
    tokens = tmp_path / "tokens.yaml"
    entries = [
        {"name": name, "sha256": hash_token(f"secret-{name}"), "scopes": scopes}
        for name, scopes in (("reader", ["read"]), ("writer", ["read", "vehicle:write"]))
    ]
    tokens.write_text(yaml.safe_dump({"tokens": entries}))
    with HeadUnitThread(ServiceConfig(port=0, tokens_file=tokens)) as unit:
        with cardeck.connect(unit.target, token="secret-reader") as reader:
            assert reader.signals.get(SPEED).value == 0.0
            with pytest.raises(cardeck.PermissionDeniedError):
                reader.signals.set({SPEED: 5.0})
        with cardeck.connect(unit.target, token="secret-writer") as writer:
            writer.signals.set({SPEED: 5.0})
            assert writer.signals.get(SPEED).value == 5.0


async def test_async_get_set_list_and_errors(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        await client.signals.set({SPEED: 70.0, GEAR: 127})
        assert (await client.vehicle_state()).gear is cardeck.Gear.DRIVE
        got = await client.signals.get(SPEED)
        assert (got.value, got.unit) == (70.0, "km/h")
        many = await client.signals.get_many([MOVING, GEAR])
        assert {p: v.value for p, v in many.items()} == {MOVING: True, GEAR: 127}
        assert len(await client.signals.list("Vehicle.CurrentLocation")) == 3
        with pytest.raises(cardeck.NotFoundError, match=r"Vehicle\.Nope"):
            await client.signals.get("Vehicle.Nope")
        with pytest.raises(cardeck.UnavailableError):
            await client.signals.actuate(SWITCH, "OPEN")


async def test_async_provider_with_a_coroutine_handler_and_subscribe(aio_unit):
    calls = []

    async def handler(path, value):
        await asyncio.sleep(0)
        calls.append((path, value))
        return sunroof(path, value)

    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        changes = client.signals.subscribe([POSITION, SWITCH])
        try:
            first = await anext(changes)
            assert first.values[POSITION] == 0
            async with await client.signals.provide([SWITCH], handler, publishes=[POSITION]) as p:
                await client.signals.actuate(SWITCH, "OPEN")
                async for change in changes:
                    if change.values.get(POSITION) == 100:
                        break
                await p.publish({POSITION: 0})
                async for change in changes:
                    if change.values.get(POSITION) == 0:
                        break
            assert calls == [(SWITCH, "OPEN")]
        finally:
            await changes.aclose()
