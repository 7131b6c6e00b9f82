"""Vehicle-state bridge: replay a CSV drive log into a head unit and report what it locked.

A real bridge reads speed, gear and the parking brake from the car's bus and
forwards them; this one reads them from a CSV file with the columns
``t_s,speed_kmh,gear,parking_brake`` (lines starting with ``#`` are comments).
It sends every sample over one ``StreamVehicleState`` stream and prints each
drive-restriction change the head unit made because of them. As fast as
possible, the whole log is sent in milliseconds, so the changes print after
the progress lines of later samples; with ``--realtime`` they appear as they
happen.

Run a head unit first (``cardeck sim --headless``), then::

    python examples/drive_log_bridge.py --target 127.0.0.1:50051
    python examples/drive_log_bridge.py --realtime      # one sample per second, as recorded

The token, if the head unit wants one, needs the ``vehicle:write`` and ``read`` scopes.
"""

from __future__ import annotations

import argparse
import csv
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cardeck
from cardeck import DriveRestrictions, EventKind, Gear, VehicleStateUpdate

DEFAULT_LOG = Path(__file__).resolve().parent / "data" / "drive_log.csv"

# Print a progress line every this many seconds of log time; every sample would
# drown the restriction changes, which are what this example is about.
PROGRESS_EVERY_S = 10.0

# After the stream ends, wait this long for no further restriction events: the
# head unit has applied every sample by then, but the last events may still be
# on their way to our subscription.
QUIET_S = 0.3
SETTLE_LIMIT_S = 3.0


@dataclass(frozen=True)
class Sample:
    """One row of the drive log."""

    t_s: float
    speed_kmh: float
    gear: Gear
    parking_brake_on: bool

    def to_update(self) -> VehicleStateUpdate:
        return VehicleStateUpdate(
            speed_kmh=self.speed_kmh, gear=self.gear, parking_brake_on=self.parking_brake_on
        )

    def describe(self) -> str:
        brake = "on" if self.parking_brake_on else "off"
        speed = f"{self.speed_kmh:5.1f} km/h"
        return f"t={self.t_s:>4.0f} s  {speed}  gear {self.gear.value}  brake {brake}"


class DriveLogError(ValueError):
    """The drive log cannot be read; the message names the file and line."""


def read_drive_log(path: Path) -> list[Sample]:
    """Parse the CSV, collecting every bad row before failing (so one run shows all of them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DriveLogError(f"Cannot read the drive log {path}: {exc.strerror}.") from exc
    # Keep each row's line number in the file, for messages that point at it.
    numbered = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise DriveLogError(f"{path} holds no samples.")
    rows = csv.DictReader(line for _, line in numbered)
    wanted = {"t_s", "speed_kmh", "gear", "parking_brake"}
    if rows.fieldnames is None or not wanted <= set(rows.fieldnames):
        raise DriveLogError(
            f"{path} needs the header t_s,speed_kmh,gear,parking_brake; it has "
            f"{','.join(rows.fieldnames or [])}."
        )
    samples: list[Sample] = []
    problems: list[str] = []
    for (number, _), row in zip(numbered[1:], rows, strict=True):
        where = f"{path}:{number}"
        if None in row.values():
            problems.append(f"{where}: the row has fewer than 4 columns.")
            continue
        try:
            gear = Gear(row["gear"].strip().upper())
        except ValueError:
            problems.append(f"{where}: gear is {row['gear']!r}; use P, R, N or D.")
            continue
        try:
            samples.append(
                Sample(
                    float(row["t_s"]),
                    float(row["speed_kmh"]),
                    gear,
                    row["parking_brake"].strip() in ("1", "true", "on"),
                )
            )
        except (TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}.")
    if problems:
        raise DriveLogError("The drive log has bad rows:\n  " + "\n  ".join(problems))
    if not samples:
        raise DriveLogError(f"{path} holds no samples.")
    return samples


def label(restrictions: DriveRestrictions) -> str:
    return "parked" if restrictions.parked else "driving"


class RestrictionWatcher:
    """Reads drive-restriction events on a thread, so the main thread can keep streaming.

    The blocking ``EventStream`` is an iterator; a thread plus a queue is the
    simplest way to read it while ``stream_vehicle_state`` blocks elsewhere.
    """

    def __init__(self, client: cardeck.Client) -> None:
        self.stream = client.events(kinds=[EventKind.DRIVE_RESTRICTIONS])
        snapshot = self.stream.open()  # subscribed before the first sample goes out
        assert snapshot is not None  # a fresh subscription always starts with one
        self.initial = snapshot.drive_restrictions
        self.changes: list[DriveRestrictions] = []
        self._queue: queue.Queue[cardeck.Event] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for event in self.stream:
            self._queue.put(event)

    def print_new(self, timeout: float = 0.0) -> bool:
        """Print the changes that arrived; True if there was at least one."""
        got = False
        while True:
            try:
                event = self._queue.get(timeout=timeout if not got else 0.0)
            except queue.Empty:
                return got
            assert isinstance(event.data, DriveRestrictions)
            self.changes.append(event.data)
            print(f"  restrictions -> {label(event.data)} (seq {event.seq}): {event.data.reason}")
            got = True

    def settle(self, current: DriveRestrictions) -> None:
        """Print changes still in flight: wait until the last matches ``current``, then quiet."""
        deadline = time.monotonic() + SETTLE_LIMIT_S
        while time.monotonic() < deadline:
            arrived = self.print_new(timeout=QUIET_S)
            latest = self.changes[-1] if self.changes else self.initial
            if not arrived and latest == current:
                return

    def close(self) -> None:
        self.stream.close()
        self._thread.join(timeout=5)


def replay(
    samples: list[Sample], watcher: RestrictionWatcher, realtime: bool
) -> Iterator[VehicleStateUpdate]:
    """Yield the updates in order, pacing them like the recording when ``realtime``."""
    start = time.monotonic()
    next_progress = samples[0].t_s
    for sample in samples:
        if realtime:
            # Sleep until the sample's own time, not a fixed 1 s: logs may have gaps.
            delay = start + (sample.t_s - samples[0].t_s) - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        if sample.t_s >= next_progress or sample is samples[-1]:
            print(f"  {sample.describe()}", flush=True)
            next_progress = sample.t_s + PROGRESS_EVERY_S
        watcher.print_new()
        yield sample.to_update()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="head unit host:port")
    parser.add_argument("--token", default=None, help="bearer token (vehicle:write and read)")
    parser.add_argument("--log", type=Path, default=DEFAULT_LOG, help="the CSV drive log")
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="send samples at their recorded times (default: as fast as possible)",
    )
    args = parser.parse_args(argv)

    try:
        samples = read_drive_log(args.log)
    except DriveLogError as exc:
        print(exc, file=sys.stderr)
        return 2

    pace = "in real time" if args.realtime else "as fast as possible"
    duration = samples[-1].t_s - samples[0].t_s
    try:
        with cardeck.connect(args.target, token=args.token) as client:
            print(
                f"Replaying {len(samples)} samples ({duration:.0f} s of driving) from "
                f"{args.log.name} into {args.target}, {pace}."
            )
            watcher = RestrictionWatcher(client)
            print(f"  restrictions at start: {label(watcher.initial)}: {watcher.initial.reason}")
            started = time.monotonic()
            try:
                applied = client.stream_vehicle_state(replay(samples, watcher, args.realtime))
                elapsed = time.monotonic() - started
                watcher.settle(client.drive_restrictions())
            finally:
                watcher.close()
            state = client.vehicle_state()
            final = client.drive_restrictions()
    except cardeck.CarDeckError as exc:
        # The SDK's messages say what happened and what to do; no traceback needed.
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1

    print(f"Applied {applied} of {len(samples)} samples in {elapsed:.1f} s.")
    kinds = ", ".join(label(c) for c in watcher.changes) or "none"
    print(f"Drive restrictions changed {len(watcher.changes)} times: {kinds}.")
    brake = "on" if state.parking_brake_on else "off"
    print(
        f"Final vehicle state: {state.speed_kmh:g} km/h, gear {state.gear.value}, "
        f"parking brake {brake}; {label(final)}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
