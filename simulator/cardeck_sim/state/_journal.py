"""An append-only event journal, so a head unit that is killed and restarted loses nothing.

The file holds a header, then records: a one-byte tag, a varint length and
a protobuf body. ``E`` records are events; an ``S`` record is a state
snapshot, written first when the journal is compacted, so the events before
it can go. Each record is handed to the kernel with one ``write`` before the
event is published, so a ``kill -9`` of the head unit loses no published
event (a power cut can lose what the kernel had not written yet: there is no
fsync per event, by choice, for speed). A record cut short by a kill while
being written is dropped, and the file truncated, when the journal is opened.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cardeck.v1 import types_pb2

MAGIC = b"CDKJRNL1"
_RUN_ID_BYTES = 16
TAG_EVENT = b"E"
TAG_SNAPSHOT = b"S"


class JournalError(Exception):
    """The journal file is not a CarDeck event journal."""


def varint(n: int) -> bytes:
    """Protobuf's base-128 varint encoding of a non-negative integer."""
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int] | None:
    shift = value = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None


@dataclass
class Recovered:
    """What an existing journal held: its run id, the newest snapshot, the events after it."""

    run_id: str
    snapshot: types_pb2.StateSnapshot | None = None
    events: list[types_pb2.Event] = field(default_factory=list)


class Journal:
    """The event journal of one head unit.

    :param path: the journal file; created with a new run id when missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.recovered = self._recover() if path.exists() else None
        if self.recovered is None:
            self.run_id = uuid.uuid4().hex[:_RUN_ID_BYTES]
            self._rewrite(None, [])
        else:
            self.run_id = self.recovered.run_id
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self.records = len(self.recovered.events) if self.recovered else 0

    def _recover(self) -> Recovered:
        data = self.path.read_bytes()
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _RUN_ID_BYTES:
            raise JournalError(
                f"{self.path} is not a CarDeck event journal; move it away or point the "
                "head unit at another state directory."
            )
        run_id = data[len(MAGIC) : len(MAGIC) + _RUN_ID_BYTES].decode("ascii")
        recovered = Recovered(run_id)
        pos = good = len(MAGIC) + _RUN_ID_BYTES
        for tag, body, end in _records(data, pos):
            if tag == TAG_SNAPSHOT:
                # Written first by a compaction; the events after it are the
                # ring it kept (older than the snapshot) and newer appends.
                recovered.snapshot = types_pb2.StateSnapshot.FromString(body)
            else:
                recovered.events.append(types_pb2.Event.FromString(body))
            good = end
        if good < len(data):
            # A record cut short by a kill mid-write: it was never published.
            with open(self.path, "r+b") as f:
                f.truncate(good)
        return recovered

    def append(self, event_bytes: bytes) -> None:
        """Write one event record (before the event is published)."""
        os.write(self._fd, TAG_EVENT + varint(len(event_bytes)) + event_bytes)
        self.records += 1

    def compact(self, snapshot: types_pb2.StateSnapshot, events: list[bytes]) -> None:
        """Replace the file with a snapshot and the events still in the ring, atomically."""
        os.close(self._fd)
        self._rewrite(snapshot, events)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self.records = len(events)

    def _rewrite(self, snapshot: types_pb2.StateSnapshot | None, events: list[bytes]) -> None:
        parts = [MAGIC, self.run_id.encode("ascii")]
        if snapshot is not None:
            body = snapshot.SerializeToString()
            parts.append(TAG_SNAPSHOT + varint(len(body)) + body)
        parts.extend(TAG_EVENT + varint(len(e)) + e for e in events)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(b"".join(parts))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def close(self) -> None:
        """Close the file."""
        os.close(self._fd)


def _records(data: bytes, pos: int) -> Iterator[tuple[bytes, bytes, int]]:
    while pos < len(data):
        tag = data[pos : pos + 1]
        if tag not in (TAG_EVENT, TAG_SNAPSHOT):
            return
        header = _read_varint(data, pos + 1)
        if header is None:
            return
        length, start = header
        end = start + length
        if end > len(data):
            return
        yield tag, data[start:end], end
        pos = end
