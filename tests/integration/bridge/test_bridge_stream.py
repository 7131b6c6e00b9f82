"""The event stream over a real WebSocket: snapshot, events, JSON mapping, resume, filters."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from bridge_helpers import BridgeFactory, recv_events_until, recv_json
from google.protobuf import json_format
from websockets.asyncio.client import connect

from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import types_pb2
from cardeck_sim.bridge import EventBridge, _server
from cardeck_sim.state import Gear, StateStore

pytestmark = pytest.mark.timeout(30)


def _notice(store: StateStore, i: int) -> None:
    store.notice(types_pb2.NOTICE_SEVERITY_INFO, "TEST", f"notice {i}")


async def test_snapshot_first_then_events_in_the_protobuf_json_mapping(
    store: StateStore, bridge: EventBridge
) -> None:
    async with connect(bridge.url) as ws:
        first = await recv_json(ws)
        assert set(first) == {"snapshot", "eventsLost"}
        assert first["eventsLost"] is False
        snapshot = first["snapshot"]
        # uint64 is a decimal string in proto3 JSON; defaults are included.
        assert snapshot["seq"] == str(store.events.head_seq)
        assert snapshot["runId"] == store.events.run_id
        assert snapshot["vehicleState"]["gear"] == "GEAR_PARK"
        assert snapshot["vehicleState"]["speedKmh"] == 0
        assert snapshot["driveRestrictions"]["parked"] is True
        assert snapshot["driveRestrictions"]["maxListItems"] == 0

        store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE, parking_brake_on=False)
        head = store.events.head_seq
        events = await recv_events_until(ws, head)

    assert [e["seq"] for e in events] == [str(s) for s in range(head - 1, head + 1)]
    vehicle, restrictions = events
    assert vehicle["vehicleStateChanged"]["state"]["speedKmh"] == 50
    assert vehicle["vehicleStateChanged"]["state"]["gear"] == "GEAR_DRIVE"
    assert vehicle["vehicleStateChanged"]["state"]["parkingBrakeOn"] is False
    assert vehicle["time"].endswith("Z")
    assert restrictions["driveRestrictionsChanged"]["restrictions"]["parked"] is False
    assert restrictions["driveRestrictionsChanged"]["restrictions"]["browserLocked"] is True
    # Each frame is a WatchEventsResponse in the canonical mapping: parsing it
    # back gives exactly the events in the log.
    parsed = json_format.Parse(json.dumps({"events": events}), pb.WatchEventsResponse())
    assert list(parsed.events) == store.events.read(head - 2, 10)


async def test_resume_after_disconnect_loses_and_duplicates_nothing(
    store: StateStore, bridge: EventBridge
) -> None:
    start = store.events.head_seq
    received: list[int] = []
    async with connect(bridge.url) as ws:
        await recv_json(ws)  # snapshot
        for i in range(1000):
            _notice(store, i)
            if i % 100 == 99:
                await asyncio.sleep(0)  # let the bridge send while we append
        # Disconnect mid-way: after roughly half of the events arrived.
        while not received or received[-1] < start + 500:
            message = await recv_json(ws)
            received.extend(int(e["seq"]) for e in message["events"])
    for i in range(1000, 1100):  # and some happen while we are away
        _notice(store, i)
    resume = f"{bridge.url}?after={received[-1]}&run_id={store.events.run_id}"
    async with connect(resume) as ws:
        first = await recv_json(ws)
        assert "snapshot" not in first, "A resume within the ring replays without a snapshot."
        received.extend(int(e["seq"]) for e in first["events"])
        if received[-1] < store.events.head_seq:
            rest = await recv_events_until(ws, store.events.head_seq)
            received.extend(int(e["seq"]) for e in rest)
    assert received == list(range(start + 1, store.events.head_seq + 1))


async def test_resume_from_a_seq_that_left_the_ring_starts_with_a_lost_snapshot(
    make_bridge: BridgeFactory,
) -> None:
    store = StateStore("demo", event_capacity=16)
    bridge = await make_bridge(store)
    for i in range(40):
        _notice(store, i)
    async with connect(f"{bridge.url}?after=3") as ws:
        first = await recv_json(ws)
    assert first["eventsLost"] is True
    assert first["snapshot"]["seq"] == "40"


async def test_resume_from_another_run_starts_with_a_snapshot(
    store: StateStore, bridge: EventBridge
) -> None:
    for i in range(5):
        _notice(store, i)
    # seq 999 would be "ahead" in this run, but it belongs to an earlier one.
    async with connect(f"{bridge.url}?after=999&run_id=an-earlier-run") as ws:
        first = await recv_json(ws)
    assert first["eventsLost"] is True
    assert first["snapshot"]["runId"] == store.events.run_id


async def test_kinds_filter_delivers_only_those_kinds(
    store: StateStore, bridge: EventBridge
) -> None:
    async with connect(f"{bridge.url}?kinds=drive_restrictions,service") as ws:
        await recv_json(ws)
        store.update_vehicle(speed_kmh=10, gear=Gear.DRIVE, parking_brake_on=False)  # 2 events
        store.update_vehicle(speed_kmh=20)  # vehicle only: filtered out
        _notice(store, 1)
        events = await recv_events_until(ws, store.events.head_seq)
    kinds = [next(k for k in e if k.endswith("Changed") or k == "serviceNotice") for e in events]
    assert kinds == ["driveRestrictionsChanged", "serviceNotice"]


async def test_each_event_is_serialised_once_for_many_subscribers(
    store: StateStore, bridge: EventBridge, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = _server._encode_event

    def counting(message: Any) -> str:
        calls.append(type(message).__name__)
        return real(message)

    monkeypatch.setattr(_server, "_encode_event", counting)
    clients = [await connect(bridge.url) for _ in range(8)]
    try:
        for ws in clients:
            await recv_json(ws)
        for i in range(20):
            _notice(store, i)
            await asyncio.sleep(0)
        for ws in clients:
            await recv_events_until(ws, store.events.head_seq)
    finally:
        for ws in clients:
            await ws.close()
    assert calls.count("Event") == 20


async def test_resume_further_behind_than_max_lag_replays_instead_of_ending(
    make_bridge: BridgeFactory,
) -> None:
    # With max_lag below capacity a subscriber cut off for lagging always
    # comes back more than max_lag behind; it must get its backlog, not be
    # cut off again before the first frame.
    store = StateStore("demo", event_capacity=1024, max_lag=16)
    bridge = await make_bridge(store, batch=32)
    for i in range(300):
        _notice(store, i)
    async with connect(f"{bridge.url}?after=10&kinds=service") as ws:
        events = await recv_events_until(ws, store.events.head_seq)
    assert [int(e["seq"]) for e in events] == list(range(11, 301))


async def test_vehicle_signals_come_only_to_a_page_that_asks_for_them(
    store: StateStore, bridge: EventBridge
) -> None:
    async with connect(bridge.url) as every, connect(f"{bridge.url}?kinds=signals") as signals:
        await recv_json(every)  # snapshots
        await recv_json(signals)
        store.update_vehicle(speed_kmh=30, gear=Gear.DRIVE, parking_brake_on=False)
        head = store.events.head_seq
        default = await recv_events_until(every, head)
        asked = await recv_events_until(signals, head - 2)  # the signals come first
    # A page that names no kind gets every kind but the high-rate signals.
    assert [next(iter(set(e) - {"seq", "time", "runId"})) for e in default] == [
        "vehicleStateChanged",
        "driveRestrictionsChanged",
    ]
    assert len(asked) == 1
    changed = {s["path"]: s for s in asked[0]["signalsChanged"]["signals"]}
    assert changed["Vehicle.Speed"]["doubleValue"] == 30
    assert changed["Vehicle.Powertrain.Transmission.SelectedGear"]["intValue"] == "127"
    assert changed["Vehicle.IsMoving"]["boolValue"] is True
