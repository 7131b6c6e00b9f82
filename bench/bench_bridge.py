"""WebSocket event bridge: fan-out throughput to 1, 10 and 50 clients, against raw websockets.

Both sides run in this process and send to the same client process, in the
same run, alternating trials so machine noise hits both alike:

* **bridge**: ``EventBridge`` over a real ``StateStore``; the benchmark makes
  vehicle updates in bursts of 50 (each appends a signals event and a
  vehicle-state event) and the bridge turns them into JSON frames for every
  subscriber (each event decoded and encoded once, shared; one fan-out task
  writes the frames to the subscribers that keep up).
* **raw**: a bare ``websockets`` server that sends the *same* events' JSON
  (``MessageToDict`` + ``json.dumps``, byte for byte what the bridge sends),
  framed per burst exactly as the bridge frames them and serialised before
  the clock starts, with ``broadcast()``, to every client. Its producer makes
  the same store updates, so both sides pay for creating events; raw is the
  floor: the transport with no cursor, per-subscriber flow control or JSON
  encoding.

Two subscriptions: ``default`` (a page that names no kinds: the vehicle-state
events; the opt-in signals events are made but not sent) and ``with signals``
(``?kinds=vehicle_state,signals``: every event, so the bridge encodes twice as
many per update and one client is bound by the encoder). Below the table: the
cost of encoding one event over a drive's mix of kinds (signals, vehicle
state, guidance, restrictions, voice, notices, locale, focus, packages), for
the bridge's compiled encoder and for ``MessageToDict`` + ``dumps`` (goal:
≤ 10 µs).

The clients live in a separate process (this script with ``--clients``), so
their parsing does not share a core with the server. The table prints events
delivered per second (events × clients / time, best of the trials) and the
ratio bridge / raw (goal ≥ 0.8). With 50 clients both sides are bound by the
client process's JSON parsing. Figures from a 2-core machine shared with
other work (load average 0.5-1.2), six runs: default 0.77-0.91 / 0.76-1.07 /
0.72-1.02, with signals 0.63-0.77 / 0.60-0.69 / 0.89-1.01 for 1 / 10 / 50
clients; 5.4-6.0 µs an event (one run 9.2) against 25-35 µs for MessageToDict
+ dumps. Before (an older bench that miscounted the signals events): 0.40 /
0.35 / 0.56 and 49.7 µs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve

from cardeck.v1 import types_pb2
from cardeck_sim.bridge import KIND_NAMES, EventBridge
from cardeck_sim.bridge._json import reference_json
from cardeck_sim.bridge._server import _encode_event
from cardeck_sim.state import Gear, StateStore, subscribed_kinds

CLIENTS = (1, 10, 50)
#: Vehicle updates per trial; each makes two events (signals, then vehicle state).
UPDATES = {1: 10_000, 10: 5_000, 50: 2_000}
#: Updates between two yields of the producer: the pumps send once per burst.
BURST = 50
TRIALS = 5
#: The subscriptions measured: a page that names no kinds (vehicle state, not the
#: opt-in signals: one event of the two each update makes), and one that asks
#: for the signals too (every event).
SUBSCRIPTIONS = {"default": "", "with signals": "vehicle_state,signals"}


# -- the client process ---------------------------------------------------


async def run_clients(url: str, count: int, last_seq: int) -> None:
    """Connect ``count`` clients, say ready, read until ``last_seq``, say done."""
    clients = [await connect(url, compression=None, max_size=None) for _ in range(count)]

    async def read(ws: ClientConnection) -> None:
        while True:
            message = json.loads(await ws.recv())
            events = message.get("events")
            if events and int(events[-1]["seq"]) >= last_seq:
                return

    print("ready", flush=True)
    await asyncio.gather(*(read(ws) for ws in clients))
    print("done", flush=True)
    for ws in clients:
        await ws.close()


# -- the server side -------------------------------------------------------


def _store(capacity: int) -> StateStore:
    store = StateStore("bench", event_capacity=max(65_536, 4 * capacity))
    store.update_vehicle(speed_kmh=1, gear=Gear.DRIVE, parking_brake_on=False)
    return store


def _speed(i: int) -> float:
    # Never 0 and never repeating back to back, so each update changes the speed.
    return 1 + (i % 199) + 0.5


def _burst(store: StateStore, start: int, updates: int) -> None:
    for i in range(start, min(updates, start + BURST)):
        store.update_vehicle(speed_kmh=_speed(i))


def _planned_bursts(updates: int) -> tuple[StateStore, list[tuple[int, int]]]:
    """The trial's updates made on a store of their own: (store, seq range of each burst).

    Production is deterministic, so a bridge trial's store appends the same
    events with the same seqs.
    """
    store = _store(updates)
    bursts = []
    for start in range(0, updates, BURST):
        before = store.events.head_seq
        _burst(store, start, updates)
        bursts.append((before, store.events.head_seq))
    return store, bursts


async def _append_events(store: StateStore, updates: int) -> None:
    for start in range(0, updates, BURST):
        _burst(store, start, updates)
        await asyncio.sleep(0)  # let the pumps send this burst


async def _trial(
    url: str,
    clients: int,
    last_seq: int,
    produce: Callable[[], Awaitable[None]],
) -> float:
    """Seconds from the first event until every client has the last one."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--clients",
        url,
        str(clients),
        str(last_seq),
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        if (await proc.stdout.readline()).strip() != b"ready":
            raise RuntimeError("The client process did not connect; see its output above.")
        start = time.perf_counter()
        await produce()
        if (await proc.stdout.readline()).strip() != b"done":
            raise RuntimeError("The client process ended early; see its output above.")
        return time.perf_counter() - start
    finally:
        await proc.wait()


def _delivered(store: StateStore, bursts: list[tuple[int, int]], kinds: str) -> list[list[int]]:
    """The seqs a subscriber with ``?kinds=kinds`` gets, per burst."""
    wanted = subscribed_kinds(KIND_NAMES[k] for k in kinds.split(",") if k)
    return [store.events.read_seqs(before, upto - before, wanted)[1] for before, upto in bursts]


async def bench_bridge(clients: int, updates: int, kinds: str) -> tuple[float, int]:
    """Seconds for one bridge trial, and the events each client received."""
    planned, bursts = _planned_bursts(updates)
    seqs = [s for burst in _delivered(planned, bursts, kinds) for s in burst]
    store = _store(updates)
    first = store.events.head_seq
    assert bursts[0][0] == first, "The planned and the measured store must start alike."
    bridge = EventBridge(store)
    await bridge.start()
    try:
        url = f"{bridge.url}?kinds={kinds}&after={first}"
        seconds = await _trial(url, clients, seqs[-1], lambda: _append_events(store, updates))
    finally:
        await bridge.aclose()
    assert store.events.head_seq == bursts[-1][1], "The store made other events than planned."
    return seconds, len(seqs)


async def bench_raw(clients: int, updates: int, kinds: str) -> float:
    """Seconds for one raw trial: the same events' JSON, framed per burst before the clock."""
    planned, bursts = _planned_bursts(updates)
    delivered = _delivered(planned, bursts, kinds)
    frames = [
        b'{"events":['
        + b",".join(reference_json(planned.events.event(s)).encode() for s in burst)
        + b"]}"
        for burst in delivered
    ]
    connected: set[ServerConnection] = set()
    everyone = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        connected.add(ws)
        if len(connected) == clients:
            everyone.set()
        await ws.wait_closed()

    twin = _store(updates)  # the bridge side's event production, for a like cost

    async def produce() -> None:
        await everyone.wait()
        for n, frame in enumerate(frames):
            _burst(twin, n * BURST, updates)
            # broadcast() writes to every socket without waiting for any one
            # to drain: the cheapest fan-out websockets offers.
            broadcast(connected, frame, text=True)
            await asyncio.sleep(0)

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        last = delivered[-1][-1]
        return await _trial(f"ws://127.0.0.1:{port}/", clients, last, produce)


async def main() -> None:
    print(
        f"{'subscription':<13} {'clients':>7} {'events':>7} {'bridge ev/s':>12} "
        f"{'raw ev/s':>12} {'bridge/raw':>10}"
    )
    for label, kinds in SUBSCRIPTIONS.items():
        for clients in CLIENTS:
            await _row(label, kinds, clients)
    mix = _event_mix()
    kind_count = len({e.WhichOneof("payload") for e in mix})
    print(
        f"JSON encoding of one event ({len(mix)} events of {kind_count} kinds): "
        f"{encode_cost_us(mix, _encode_event):.1f} µs compiled encoder, "
        f"{encode_cost_us(mix, reference_json):.1f} µs MessageToDict + dumps"
    )


async def _row(label: str, kinds: str, clients: int) -> None:
    updates = UPDATES[clients]
    bridge_times: list[float] = []
    raw_times: list[float] = []
    events = 0
    for _ in range(TRIALS):
        seconds, events = await bench_bridge(clients, updates, kinds)
        bridge_times.append(seconds)
        raw_times.append(await bench_raw(clients, updates, kinds))
    delivered = events * clients
    bridge_rate = delivered / min(bridge_times)
    raw_rate = delivered / min(raw_times)
    print(
        f"{label:<13} {clients:>7} {events:>7} {bridge_rate:>12,.0f} {raw_rate:>12,.0f} "
        f"{bridge_rate / raw_rate:>10.2f}"
    )
    spread = statistics.pstdev(bridge_times) / statistics.mean(bridge_times)
    if spread > 0.25:
        print(f"        (bridge trials vary by {spread:.0%}; the machine is busy)")


def _event_mix() -> list[types_pb2.Event]:
    """Events as a drive makes them: signals and vehicle state above all, guidance
    every few updates, the drive restrictions at each stop, the rest now and then."""
    store = _store(4_000)
    first = store.events.head_seq
    for i in range(1_000):
        parked = i % 250 == 249
        store.update_vehicle(speed_kmh=0 if parked else _speed(i), gear=Gear.DRIVE)
        if parked:
            store.update_vehicle(speed_kmh=_speed(i), parking_brake_on=False)
        if i % 5 == 0:
            store.set_map(event={"guidance_changed": _guidance(i)})
    store.set_voice(transcript="navigate to the central station", intent_id="navigate")
    store.notice(types_pb2.NOTICE_SEVERITY_WARNING, "ROUTING_SLOW", "Routing took 2.1 s.")
    store.set_focus("center", "maps", types_pb2.PANEL_KIND_MAP)
    store.set_locale("ko")
    store.install_progress(
        types_pb2.InstallProgress(
            install_id="i-1", package_name="weather", version="1.2.0", fraction=0.5
        )
    )
    return store.events.read(first, store.events.head_seq - first)


def _guidance(i: int) -> types_pb2.GuidanceChanged:
    state = types_pb2.GuidanceState(
        status=types_pb2.GUIDANCE_STATUS_ACTIVE,
        position=types_pb2.LatLng(latitude_deg=52.52 + i * 1e-5, longitude_deg=13.405),
        heading_deg=87.5,
        speed_kmh=_speed(i),
        next_maneuver=types_pb2.Maneuver(
            kind=types_pb2.MANEUVER_KIND_LEFT,
            position=types_pb2.LatLng(latitude_deg=52.53, longitude_deg=13.41),
            street_name="Invalidenstraße",
            distance_from_start_m=1200.0,
            instruction="Turn left onto Invalidenstraße",
        ),
        distance_to_next_m=350.0 - i % 300,
        remaining_distance_m=5400.0 - i,
        remaining_time_s=600.0 - i % 600,
        route_id="route-1",
    )
    state.eta.GetCurrentTime()
    return types_pb2.GuidanceChanged(state=state)


def encode_cost_us(events: list[types_pb2.Event], encode: Callable[[Any], str]) -> float:
    """Microseconds to encode one event of ``events``, best of five passes."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for event in events:
            encode(event)
        best = min(best, time.perf_counter() - start)
    return best / len(events) * 1e6


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", nargs=3, metavar=("URL", "COUNT", "LAST_SEQ"))
    args = parser.parse_args()
    if args.clients:
        url, count, last_seq = args.clients
        asyncio.run(run_clients(url, int(count), int(last_seq)))
    else:
        asyncio.run(main())
