"""WebSocket event bridge: fan-out throughput to 1, 10 and 50 clients, against raw websockets.

Both sides run in this process and send to the same client process, in the
same run, alternating trials so machine noise hits both alike:

* **bridge**: ``EventBridge`` over a real ``StateStore``; the benchmark
  appends vehicle-state events in bursts and the bridge turns them into
  JSON frames for every subscriber (serialising each event once, shared).
* **raw**: a bare ``websockets`` server that sends the *same* JSON payloads
  with ``broadcast()``, pre-serialised before the clock starts, in the same
  bursts, to every client. Its producer makes the same store updates, so
  both sides pay for creating events; raw is the floor: the transport with
  no cursor, per-subscriber flow control or JSON encoding.

With one client the bridge is bound by protobuf's pure-Python JSON mapping
(``MessageToDict``, printed below the table as µs per event): every event is
encoded once whatever the number of clients, so the ratio climbs with fan-out.

The clients live in a separate process (this script with ``--clients``), so
their parsing does not share a core with the server. The table prints events
delivered per second (events × clients / time, best of the trials) and the
ratio bridge / raw.
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

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve

from cardeck_sim.bridge import EventBridge
from cardeck_sim.bridge._server import _JsonCache
from cardeck_sim.state import Gear, StateStore

CLIENTS = (1, 10, 50)
EVENTS = {1: 10_000, 10: 5_000, 50: 2_000}
BURST = 50
TRIALS = 3


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


def _store(events: int) -> StateStore:
    store = StateStore("bench", event_capacity=max(65_536, 2 * events))
    store.update_vehicle(speed_kmh=1, gear=Gear.DRIVE, parking_brake_on=False)
    return store


def _speed(i: int) -> float:
    # Never 0 and never repeating back to back, so each update is one event.
    return 1 + (i % 199) + 0.5


async def _append_events(store: StateStore, events: int) -> None:
    for start in range(0, events, BURST):
        for i in range(start, min(events, start + BURST)):
            store.update_vehicle(speed_kmh=_speed(i))
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


async def bench_bridge(clients: int, events: int) -> float:
    store = _store(events)
    bridge = EventBridge(store)
    await bridge.start()
    try:
        last = store.events.head_seq + events
        return await _trial(bridge.url, clients, last, lambda: _append_events(store, events))
    finally:
        await bridge.aclose()


async def bench_raw(clients: int, events: int) -> float:
    # The same events, serialised the same way, before the clock starts.
    store = _store(events)
    first = store.events.head_seq
    for i in range(events):
        store.update_vehicle(speed_kmh=_speed(i))
    cache = _JsonCache(capacity=events + 1)
    encoded = [cache.event(e) for e in store.events.read(first, events)]
    frames = [
        b'{"events":[' + b",".join(encoded[i : i + BURST]) + b"]}" for i in range(0, events, BURST)
    ]
    connected: set[ServerConnection] = set()
    everyone = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        connected.add(ws)
        if len(connected) == clients:
            everyone.set()
        await ws.wait_closed()

    twin = _store(events)  # the bridge side's event production, for a like cost

    async def produce() -> None:
        await everyone.wait()
        for n, frame in enumerate(frames):
            for i in range(n * BURST, min(events, (n + 1) * BURST)):
                twin.update_vehicle(speed_kmh=_speed(i))
            # broadcast() writes to every socket without waiting for any one
            # to drain: the cheapest fan-out websockets offers.
            broadcast(connected, frame, text=True)
            await asyncio.sleep(0)

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        return await _trial(f"ws://127.0.0.1:{port}/", clients, first + events, produce)


async def main() -> None:
    print(f"{'clients':>7} {'events':>7} {'bridge ev/s':>12} {'raw ev/s':>12} {'bridge/raw':>10}")
    for clients in CLIENTS:
        events = EVENTS[clients]
        bridge_times: list[float] = []
        raw_times: list[float] = []
        for _ in range(TRIALS):
            bridge_times.append(await bench_bridge(clients, events))
            raw_times.append(await bench_raw(clients, events))
        delivered = events * clients
        bridge_rate = delivered / min(bridge_times)
        raw_rate = delivered / min(raw_times)
        print(
            f"{clients:>7} {events:>7} {bridge_rate:>12,.0f} {raw_rate:>12,.0f} "
            f"{bridge_rate / raw_rate:>10.2f}"
        )
        spread = statistics.pstdev(bridge_times) / statistics.mean(bridge_times)
        if spread > 0.25:
            print(f"        (bridge trials vary by {spread:.0%}; the machine is busy)")
    print(f"JSON encoding of one event (MessageToDict + dumps): {encode_cost_us():.1f} µs")


def encode_cost_us(events: int = 5_000) -> float:
    """Microseconds to serialise one vehicle-state event, uncached."""
    store = _store(events)
    first = store.events.head_seq
    for i in range(events):
        store.update_vehicle(speed_kmh=_speed(i))
    batch = store.events.read(first, events)
    cache = _JsonCache(capacity=events)
    start = time.perf_counter()
    for event in batch:
        cache.event(event)
    return (time.perf_counter() - start) / events * 1e6


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", nargs=3, metavar=("URL", "COUNT", "LAST_SEQ"))
    args = parser.parse_args()
    if args.clients:
        url, count, last_seq = args.clients
        asyncio.run(run_clients(url, int(count), int(last_seq)))
    else:
        asyncio.run(main())
