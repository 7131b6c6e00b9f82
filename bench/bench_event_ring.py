"""Memory the event ring costs per event, at a full ring.

Run: ``python bench/bench_event_ring.py [--events N] [--capacity N]``

A child process builds the head unit's state store with a ring of ``--capacity`` events and
streams ``--events`` vehicle-state updates through it (the same path UpdateVehicleState
takes), so the ring fills and wraps. Its RSS growth after the ring is full, divided by the
capacity, is what one event costs. The baseline, measured in the same run, is the same ring
holding each event as a decoded protobuf message beside its bytes (what the ring kept before
issue 14), so the ratio shows the saving on this machine.

Goal (issue 14): at most 200 bytes per small event.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

GOAL_BYTES = 200

_CHILD = r"""
import gc, json, re, sys
from pathlib import Path
from cardeck_sim.state import Gear
from cardeck_sim.state import StateStore
from cardeck.v1 import types_pb2

def rss():
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) * 1024

capacity, events, keep_decoded = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
store = StateStore(active_profile_id="polestar-2", event_capacity=capacity)
decoded = [None] * capacity  # the baseline's second copy of every event
for i in range(capacity // 10):  # warm-up: allocator pools, interned strings
    store.update_vehicle(speed_kmh=float(i % 130), gear=Gear.DRIVE, parking_brake_on=False)
gc.collect()
before = rss()
log = store.events
for i in range(events):
    store.update_vehicle(speed_kmh=float(i % 130) + 0.5, gear=Gear.DRIVE, parking_brake_on=False)
    if keep_decoded:
        seq = log.head_seq
        decoded[seq % capacity] = log.read(seq - 1, 1)[0]
gc.collect()
wire = log.read_encoded(log.head_seq - 1, 1, frozenset())[1]
print(json.dumps({"bytes": rss() - before, "wire": len(wire), "head": log.head_seq}))
"""


def _measure(capacity: int, events: int, keep_decoded: bool) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(capacity), str(events), "1" if keep_decoded else "0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=int, default=65_536, help="ring size (default 65,536)")
    parser.add_argument(
        "--events", type=int, default=150_000, help="updates streamed (default 150,000)"
    )
    args = parser.parse_args()
    ring = _measure(args.capacity, args.events, keep_decoded=False)
    baseline = _measure(args.capacity, args.events, keep_decoded=True)
    per_event = ring["bytes"] / args.capacity
    per_event_base = baseline["bytes"] / args.capacity
    ok = "ok" if per_event <= GOAL_BYTES else "MISSED"
    print(f"event ring: {args.events:,} vehicle-state updates into a ring of {args.capacity:,}")
    print(f"  one event on the wire (framed): {ring['wire']} bytes")
    print(f"  ring (encoded bytes only):      {per_event:7.0f} bytes per event RSS")
    print(f"  baseline (+ decoded message):   {per_event_base:7.0f} bytes per event RSS")
    print(f"  ratio ring / baseline:          {per_event / per_event_base:7.2f}")
    print(f"  goal <= {GOAL_BYTES} bytes per small event: {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
