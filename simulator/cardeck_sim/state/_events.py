"""The event log: a bounded ring of sequenced events and its subscribers.

Every state change becomes one ``cardeck.v1.Event`` with the next sequence
number. The log keeps the newest ``capacity`` events in a ring; subscribers
do not get queues of their own but a cursor into the ring. That keeps memory
bounded by the ring whatever the number of subscribers, lets one append wake
every subscriber, and means a slow subscriber delays nobody: when its cursor
falls more than ``max_lag`` events behind the head, it is told so
(:class:`SubscriberLagError`) and its stream ends; the client resumes from its
last seq, which the ring still holds if it comes back in time.

The ring holds each event only as its encoded bytes (framed as a
``WatchEventsResponse.events`` field, ready to send) and its kind: a decoded
protobuf message costs about ten times its wire size, and a head unit's memory
is not a desktop's. Readers that want messages decode on read
(:meth:`EventLog.read`), after the kind filter, so they decode only what they use.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from google.protobuf import timestamp_pb2

from cardeck import EventKind
from cardeck.v1 import types_pb2

from ._journal import Journal, varint

# The payload field of an Event maps to the kind a WatchEvents filter uses. The SDK's
# payload table is the one record of it (EventKind.of_payload); this is its wire form.
KIND_OF_PAYLOAD: dict[str, int] = {
    field.name: EventKind.of_payload(field.name).to_proto(types_pb2.EventKind)
    for field in types_pb2.Event.DESCRIPTOR.oneofs_by_name["payload"].fields
}

#: Kinds a subscriber gets only by naming them: the vehicle signals change many times a
#: second while driving, and clients from before them could not read them.
OPT_IN_KINDS: frozenset[int] = frozenset({types_pb2.EVENT_KIND_SIGNALS})
#: What a subscriber that names no kind gets: every kind but the opt-in ones.
DEFAULT_KINDS: frozenset[int] = frozenset(
    kind for kind in types_pb2.EventKind.values() if kind and kind not in OPT_IN_KINDS
)


def subscribed_kinds(kinds: Iterable[int]) -> frozenset[int]:
    """The kinds a subscription delivers: those it names, or :data:`DEFAULT_KINDS`."""
    return frozenset(kinds) or DEFAULT_KINDS


# WatchEventsResponse.events is field 3, length-delimited: tag byte (3 << 3) | 2.
_EVENTS_FIELD_TAG = b"\x1a"


class SubscriberLagError(Exception):
    """A subscriber fell so far behind that its next events may leave the ring."""


class EventLog:
    """Sequenced events in a bounded ring, readable by any number of cursors.

    :param capacity: how many of the newest events the ring keeps.
    :param max_lag: how far behind the head a subscriber may fall before its
        stream is ended; at most ``capacity``.
    """

    def __init__(
        self, capacity: int = 65_536, max_lag: int | None = None, journal: Journal | None = None
    ) -> None:
        if capacity < 1:
            raise ValueError("EventLog capacity must be at least 1.")
        self.capacity = capacity
        self.max_lag = min(max_lag or capacity, capacity)
        self.journal = journal
        self.run_id = journal.run_id if journal else uuid.uuid4().hex[:16]
        # Called for a state snapshot when the journal is compacted (set by the store).
        self.snapshot_provider: Callable[[], types_pb2.StateSnapshot] | None = None
        # Each event encoded once, as a ready `events` field of WatchEventsResponse,
        # so fan-out to N subscribers costs N byte joins, not N serialisations.
        self._encoded: list[bytes] = [b""] * capacity
        self._kinds: list[int] = [0] * capacity
        self._head = 0  # seq of the newest event; 0 = none yet
        self._changed = asyncio.Event()
        self._closed = False
        if journal is not None and journal.recovered is not None:
            for event in journal.recovered.events[-capacity:]:
                self._store(event.seq, event.WhichOneof("payload") or "", event.SerializeToString())

    @property
    def head_seq(self) -> int:
        """Sequence number of the newest event, 0 before the first."""
        return self._head

    @property
    def oldest_seq(self) -> int:
        """Sequence number of the oldest event still in the ring (head + 1 when empty)."""
        return max(1, self._head - self.capacity + 1)

    def append(self, **payload: object) -> types_pb2.Event:
        """Record one change; ``payload`` is one Event oneof field, e.g. ``service_notice=...``."""
        if len(payload) != 1:
            raise TypeError("EventLog.append takes exactly one payload field.")
        ((field, message),) = payload.items()
        if field not in KIND_OF_PAYLOAD:
            raise TypeError(f"{field!r} is not an Event payload field.")
        stamp = timestamp_pb2.Timestamp()
        stamp.GetCurrentTime()
        # Which message type goes with the field is protobuf's check, at run time.
        payload_field: dict[str, Any] = {field: message}
        event = types_pb2.Event(seq=self._head + 1, time=stamp, run_id=self.run_id, **payload_field)
        body = event.SerializeToString()
        if self.journal is not None:
            # Journaled before anyone can see it: a published event survives a kill.
            self.journal.append(body)
        self._store(event.seq, field, body)
        if self.journal is not None and self.journal.records > 4 * self.capacity:
            self._compact()
        # Event.set wakes every current waiter; clearing right after re-arms it.
        self._changed.set()
        self._changed.clear()
        return event

    def _store(self, seq: int, field: str, body: bytes) -> None:
        slot = seq % self.capacity
        self._encoded[slot] = _EVENTS_FIELD_TAG + varint(len(body)) + body
        self._kinds[slot] = KIND_OF_PAYLOAD[field]
        self._head = seq

    def _body(self, seq: int) -> bytes:
        """The Event's own bytes (the ring keeps them behind a tag and a length)."""
        framed = self._encoded[seq % self.capacity]
        return framed[_prefix_length(framed) :]

    def _compact(self) -> None:
        assert self.journal is not None and self.snapshot_provider is not None
        keep = [self._body(s) for s in range(self.oldest_seq, self._head + 1)]
        self.journal.compact(self.snapshot_provider(), keep)

    def contains(self, after_seq: int) -> bool:
        """Whether every event after ``after_seq`` is still in the ring."""
        return after_seq + 1 >= self.oldest_seq

    def _read_stop(self, after_seq: int, limit: int) -> int:
        """The last seq that a read of up to ``limit`` events after ``after_seq`` returns.

        :raises SubscriberLagError: when some of them already left the ring.
        """
        if not self.contains(after_seq):
            raise SubscriberLagError(
                f"Events after seq {after_seq} left the ring (oldest kept: {self.oldest_seq})."
            )
        return min(self._head, after_seq + limit)

    def read(
        self, after_seq: int, limit: int, kinds: frozenset[int] = frozenset()
    ) -> list[types_pb2.Event]:
        """Events with seq in (after_seq, after_seq + limit], oldest first, decoded.

        Events whose kind is not in ``kinds`` (when non-empty) are left out undecoded.

        :raises SubscriberLagError: when some of them already left the ring.
        """
        stop = self._read_stop(after_seq, limit)
        cap, kind_of = self.capacity, self._kinds
        decode = types_pb2.Event.FromString
        return [
            decode(self._body(s))
            for s in range(after_seq + 1, stop + 1)
            if not kinds or kind_of[s % cap] in kinds
        ]

    def read_seqs(self, after_seq: int, limit: int, kinds: frozenset[int]) -> tuple[int, list[int]]:
        """Like :meth:`read`, the seqs only (nothing decoded); returns (last seq read, seqs).

        For readers that share one decode of each event (:meth:`event`) between them.

        :raises SubscriberLagError: when some of them already left the ring.
        """
        stop = self._read_stop(after_seq, limit)
        cap, kind_of = self.capacity, self._kinds
        return stop, [
            s for s in range(after_seq + 1, stop + 1) if not kinds or kind_of[s % cap] in kinds
        ]

    def event(self, seq: int) -> types_pb2.Event:
        """The event with ``seq``, decoded; it must still be in the ring (see :meth:`contains`)."""
        return types_pb2.Event.FromString(self._body(seq))

    def read_encoded(self, after_seq: int, limit: int, kinds: frozenset[int]) -> tuple[int, bytes]:
        """Like :meth:`read`, as the bytes of one WatchEventsResponse; returns (last seq, bytes).

        Events whose kind is not in ``kinds`` (when non-empty) are left out.

        :raises SubscriberLagError: when some of them already left the ring.
        """
        stop = self._read_stop(after_seq, limit)
        cap, encoded = self.capacity, self._encoded
        if kinds:
            slots = [s % cap for s in range(after_seq + 1, stop + 1)]
            blob = b"".join(encoded[i] for i in slots if self._kinds[i] in kinds)
        else:
            blob = b"".join(encoded[s % cap] for s in range(after_seq + 1, stop + 1))
        return stop, blob

    async def wait_beyond(self, seq: int) -> None:
        """Return once the head is past ``seq`` (or the log closes)."""
        while self._head <= seq and not self._closed:
            await self._changed.wait()

    def close(self) -> None:
        """Wake every waiter so streams can end on shutdown; close the journal."""
        self._closed = True
        self._changed.set()
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    @property
    def closed(self) -> bool:
        """Whether the log was closed."""
        return self._closed


class Cursor:
    """One subscriber's position in the log, with its kind filter.

    :param log: the event log.
    :param after_seq: the last seq the subscriber already has.
    :param kinds: EventKind values to deliver; empty delivers every kind.
    :param batch: most events per read, so one gRPC message carries many.
    """

    def __init__(
        self, log: EventLog, after_seq: int, kinds: Iterable[int] = (), batch: int = 512
    ) -> None:
        self._log = log
        self.seq = after_seq
        self._kinds = frozenset(kinds)
        self.kinds = tuple(self._kinds)
        self._batch = batch
        self._caught_up = after_seq >= log.head_seq

    async def _wait(self) -> None:
        log = self._log
        await log.wait_beyond(self.seq)
        # The lag limit is for a live subscriber that falls behind. One that is
        # still replaying a resume may be further back, as long as the ring
        # holds what it needs (read_encoded checks that); otherwise a resume
        # from behind max_lag would be cut off again before its first batch.
        if self._caught_up and log.head_seq - self.seq > log.max_lag:
            raise SubscriberLagError(
                f"The subscriber is {log.head_seq - self.seq} events behind (limit {log.max_lag})."
            )

    def take_encoded(self) -> bytes:
        """The events after the cursor available now (one batch at most), without waiting."""
        self.seq, blob = self._log.read_encoded(self.seq, self._batch, self._kinds)
        self._caught_up = self._caught_up or self.seq == self._log.head_seq
        return blob

    async def next_encoded(self) -> bytes:
        """Wait for events after the cursor; the next batch as WatchEventsResponse bytes.

        The bytes are empty when the kind filter left nothing out of the batch.

        :raises SubscriberLagError: when the subscriber is more than ``max_lag`` behind.
        """
        await self._wait()
        return self.take_encoded()

    async def next_seqs(self) -> tuple[int, int, list[int]]:
        """Wait for events after the cursor; the next batch as (after seq, last seq, the seqs
        of the events the kind filter lets through), nothing decoded.

        :raises SubscriberLagError: when the subscriber is more than ``max_lag`` behind.
        """
        await self._wait()
        after = self.seq
        self.seq, seqs = self._log.read_seqs(after, self._batch, self._kinds)
        self._caught_up = self._caught_up or self.seq == self._log.head_seq
        return after, self.seq, seqs

    async def next_batch(self) -> list[types_pb2.Event]:
        """Wait for events after the cursor and return the next batch (possibly filtered to empty).

        :raises SubscriberLagError: when the subscriber is more than ``max_lag`` behind.
        """
        await self._wait()
        log = self._log
        events = log.read(self.seq, self._batch, self._kinds)
        self.seq = min(log.head_seq, self.seq + self._batch)
        self._caught_up = self._caught_up or self.seq == log.head_seq
        return events


def _prefix_length(framed: bytes) -> int:
    """Bytes of the tag and varint length before a framed event's body."""
    i = 1  # the one-byte tag
    while framed[i] & 0x80:
        i += 1
    return i + 1
