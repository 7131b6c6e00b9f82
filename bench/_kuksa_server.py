"""Bench helper: a head unit in its own process whose car changes speed on command.

Prints ``PORT <n>``; then each stdin line ``go N BURST`` changes ``Vehicle.Speed`` N
times through the store (the way a provider or the simulated drive does: ``set_signals``,
one SignalsChanged and one VehicleStateChanged per change), yielding to the loop after
every BURST changes so deliveries interleave (1: changes that arrive one by one, as
PublishValue calls or CAN frames do; 256: bursts), the last change to
:data:`LAST_SPEED`; then prints ``done``.

With ``CARDECK_BENCH_PROFILE=FILE`` set, the head unit's process runs under cProfile and
writes its statistics to FILE when stdin closes (what the bench reads to find a hot spot).
"""

import asyncio
import cProfile
import os
import sys

from cardeck_sim.headunit import HeadUnit, ServiceConfig

#: The speed of the last change of a burst: a subscriber that sees it has seen the burst.
LAST_SPEED = 500.0


async def main() -> None:
    unit = HeadUnit(ServiceConfig(port=0, ws_port=None, browser=False, event_capacity=262_144))
    port = await unit.start()
    print(f"PORT {port}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    set_signals = unit.store.set_signals
    while line := (await reader.readline()).decode().strip():
        _, n, burst = line.split()
        count, every = int(n), int(burst)
        for i in range(count - 1):
            # 1..200 km/h: every change changes the value (the store drops repeats).
            set_signals({"Vehicle.Speed": float(1 + i % 200)})
            if i % every == every - 1:
                await asyncio.sleep(0)
        set_signals({"Vehicle.Speed": LAST_SPEED})
        print("done", flush=True)
    await unit.stop(0.5)


if __name__ == "__main__":
    profile_path = os.environ.get("CARDECK_BENCH_PROFILE")
    if profile_path:
        profiler = cProfile.Profile()
        profiler.runcall(asyncio.run, main())
        profiler.dump_stats(profile_path)
    else:
        asyncio.run(main())
