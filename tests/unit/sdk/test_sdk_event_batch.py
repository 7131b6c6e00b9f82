"""EventBatch: a sequence of typed Events over one message's events."""

import pytest

import cardeck
from cardeck.v1 import types_pb2


def batch_of(seqs):
    msgs = [
        types_pb2.Event(seq=s, run_id="r1", service_notice=types_pb2.ServiceNotice(code=f"C{s}"))
        for s in seqs
    ]
    return cardeck.EventBatch(msgs)


def test_a_batch_is_a_sequence_of_typed_events():
    batch = batch_of([7, 8, 9])
    assert len(batch) == 3
    assert (batch.first_seq, batch.last_seq) == (7, 9)
    events = list(batch)
    assert all(isinstance(e, cardeck.Event) for e in events)
    assert [e.seq for e in events] == [7, 8, 9]
    assert events[1].kind is cardeck.EventKind.SERVICE
    assert events[1].data.code == "C8"
    assert batch[-1].seq == 9 and batch[0] == events[0]
    assert [e.seq for e in batch[1:]] == [8, 9]
    assert [e.seq for e in reversed(batch)] == [9, 8, 7]
    assert batch.index(events[2]) == 2 and events[2] in batch
    assert repr(batch) == "EventBatch(3 events, seq 7..9)"
    with pytest.raises(IndexError):
        batch[3]


def test_an_event_carries_the_wire_message_seq_and_run():
    event = cardeck.Event(types_pb2.Event(seq=42, run_id="r1"))
    assert event.seq == 42 and event.run_id == "r1"
    assert event.to_proto().seq == 42
