"""The event journal: a restarted store keeps its run, its events and its vehicle state."""

import asyncio

import pytest

from cardeck.v1 import types_pb2
from cardeck_sim.state import Gear, Journal, JournalError, StateStore


def test_a_reopened_store_continues_the_run(tmp_path):
    path = tmp_path / "events.journal"
    store = StateStore(journal_path=path, active_profile_id="polestar-2")
    store.update_vehicle(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=42)
    store.set_active_profile("tesla-model-3", "test")
    run_id, head = store.events.run_id, store.events.head_seq
    store.events.close()

    again = StateStore(journal_path=path)
    assert again.events.run_id == run_id
    assert again.events.head_seq == head
    assert [e.seq for e in again.events.read(0, 100)] == list(range(1, head + 1))
    assert again.vehicle.speed_kmh == 42 and again.vehicle.gear is Gear.DRIVE
    assert not again.restrictions.parked
    assert again.active_profile_id == "tesla-model-3"
    assert again.signals.value("Vehicle.Speed") == 42.0
    assert again.signals.value("Vehicle.Powertrain.Transmission.SelectedGear") == 127
    again.update_vehicle(speed_kmh=50)
    assert again.events.head_seq == head + 2  # signals, then the vehicle state


def test_a_record_cut_short_by_a_kill_is_dropped(tmp_path):
    path = tmp_path / "events.journal"
    store = StateStore(journal_path=path)
    for speed in (10, 20, 30):
        store.update_vehicle(speed_kmh=speed)
    store.events.close()
    whole = path.stat().st_size
    with open(path, "ab") as f:
        f.write(b"E\x40partial")  # claims 64 bytes, holds 7
    again = StateStore(journal_path=path)
    assert again.events.head_seq == 6  # each speed: signals, then the vehicle state
    assert again.vehicle.speed_kmh == 30
    assert path.stat().st_size == whole
    again.events.close()


def test_compaction_keeps_state_and_the_ring(tmp_path):
    path = tmp_path / "events.journal"
    store = StateStore(journal_path=path, event_capacity=16)
    for i in range(1, 200):
        store.update_vehicle(speed_kmh=float(i))
    assert store.events.journal.records <= 4 * 16 + 1
    head = store.events.head_seq
    store.events.close()
    size = path.stat().st_size
    assert size < 16 * 1024, "compaction keeps the file bounded"

    again = StateStore(journal_path=path, event_capacity=16)
    assert again.events.head_seq == head
    assert again.vehicle.speed_kmh == 199
    assert again.events.oldest_seq == head - 15
    again.events.close()


def test_a_foreign_file_is_refused_with_a_sentence(tmp_path):
    path = tmp_path / "events.journal"
    path.write_bytes(b"not a journal at all")
    with pytest.raises(JournalError, match="not a CarDeck event journal"):
        Journal(path)


async def test_recovered_events_are_served_to_resuming_cursors(tmp_path):
    from cardeck_sim.state import Cursor

    path = tmp_path / "events.journal"
    store = StateStore(journal_path=path)
    for i in range(5):
        store.events.append(service_notice=types_pb2.ServiceNotice(code=f"N{i}"))
    store.events.close()
    again = StateStore(journal_path=path)
    batch = await asyncio.wait_for(Cursor(again.events, 2).next_batch(), 1)
    assert [e.service_notice.code for e in batch] == ["N2", "N3", "N4"]
    again.events.close()
