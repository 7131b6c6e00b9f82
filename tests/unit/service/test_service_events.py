"""The event log: sequence numbers, a bounded ring, cursors that lag or keep up."""

import asyncio

import pytest

from cardeck.v1 import types_pb2
from cardeck_sim.state import Cursor, EventLog, SubscriberLagError


def notice(i):
    return {"service_notice": types_pb2.ServiceNotice(code=f"N{i}")}


def test_sequence_numbers_start_at_one_and_increase_by_one():
    log = EventLog(capacity=8)
    seqs = [log.append(**notice(i)).seq for i in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    assert log.head_seq == 5
    assert [e.service_notice.code for e in log.read(2, 10)] == ["N2", "N3", "N4"]


def test_ring_keeps_only_the_newest_capacity_events():
    log = EventLog(capacity=4)
    for i in range(10):
        log.append(**notice(i))
    assert log.oldest_seq == 7
    assert log.contains(6)
    assert not log.contains(5)
    assert [e.seq for e in log.read(6, 100)] == [7, 8, 9, 10]
    with pytest.raises(SubscriberLagError):
        log.read(5, 100)


def test_append_rejects_unknown_payloads():
    log = EventLog(capacity=4)
    with pytest.raises(TypeError):
        log.append(bogus=types_pb2.ServiceNotice())


async def test_cursor_waits_then_gets_a_batch():
    log = EventLog(capacity=64)
    cursor = Cursor(log, 0)
    waiter = asyncio.ensure_future(cursor.next_batch())
    await asyncio.sleep(0)
    assert not waiter.done()
    for i in range(3):
        log.append(**notice(i))
    batch = await asyncio.wait_for(waiter, 1)
    assert [e.seq for e in batch] == [1, 2, 3]
    assert cursor.seq == 3


async def test_cursor_that_falls_behind_is_told_so():
    log = EventLog(capacity=64, max_lag=10)
    cursor = Cursor(log, 0)
    for i in range(11):
        log.append(**notice(i))
    with pytest.raises(SubscriberLagError, match="11 events behind"):
        await cursor.next_batch()


async def test_cursor_filters_kinds_but_advances_past_everything():
    log = EventLog(capacity=64)
    cursor = Cursor(log, 0, kinds=[types_pb2.EVENT_KIND_LAYOUT])
    log.append(**notice(0))
    log.append(layout_changed=types_pb2.LayoutChanged(profile_id="p"))
    batch = await cursor.next_batch()
    assert [e.WhichOneof("payload") for e in batch] == ["layout_changed"]
    assert cursor.seq == 2


def test_encoded_batches_parse_to_the_same_events():
    from cardeck.v1 import headunit_service_pb2

    log = EventLog(capacity=64)
    for i in range(10):
        log.append(**notice(i))
        log.append(layout_changed=types_pb2.LayoutChanged(profile_id=f"p{i}"))
    last, blob = log.read_encoded(3, 8, frozenset())
    parsed = headunit_service_pb2.WatchEventsResponse.FromString(blob)
    assert last == 11
    assert list(parsed.events) == log.read(3, 8)
    last, blob = log.read_encoded(0, 100, frozenset({types_pb2.EVENT_KIND_LAYOUT}))
    parsed = headunit_service_pb2.WatchEventsResponse.FromString(blob)
    assert last == 20
    assert [e.layout_changed.profile_id for e in parsed.events] == [f"p{i}" for i in range(10)]


def test_large_events_encode_multi_byte_lengths():
    from cardeck.v1 import headunit_service_pb2

    log = EventLog(capacity=4)
    big = "x" * 100_000  # a length that needs a three-byte varint
    log.append(service_notice=types_pb2.ServiceNotice(message=big))
    _, blob = log.read_encoded(0, 10, frozenset())
    assert (
        headunit_service_pb2.WatchEventsResponse.FromString(blob).events[0].service_notice.message
        == big
    )


async def test_a_resume_from_behind_max_lag_replays_then_is_held_to_the_limit():
    log = EventLog(capacity=256, max_lag=10)
    for i in range(100):
        log.append(**notice(i))
    cursor = Cursor(log, 20, batch=32)  # 80 behind, more than max_lag, but in the ring
    seen = []
    while cursor.seq < log.head_seq:
        seen.extend(e.seq for e in await cursor.next_batch())
    assert seen == list(range(21, 101))
    for i in range(11):  # now live: falling behind again is an error
        log.append(**notice(i))
    with pytest.raises(SubscriberLagError):
        await cursor.next_batch()
