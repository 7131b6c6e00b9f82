"""Bench helper: a head unit in its own process that appends events on command.

Prints ``PORT <n>``; then each stdin line ``go N`` appends N events (yielding
to the loop every 256 so deliveries interleave) and prints ``done``.
"""

import asyncio
import sys

from cardeck.v1 import types_pb2
from cardeck_sim.headunit import HeadUnit, ServiceConfig


async def main() -> None:
    unit = HeadUnit(ServiceConfig(port=0, event_capacity=262_144))
    port = await unit.start()
    print(f"PORT {port}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().strip():
        _, n = line.split()
        for i in range(int(n)):
            unit.store.events.append(
                vehicle_state_changed=types_pb2.VehicleStateChanged(
                    state=types_pb2.VehicleState(speed_kmh=i % 200, gear=types_pb2.GEAR_DRIVE)
                )
            )
            if i % 256 == 255:
                await asyncio.sleep(0)
        print("done", flush=True)
    await unit.stop(0.5)


if __name__ == "__main__":
    asyncio.run(main())
