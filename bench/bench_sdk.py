"""SDK overhead: Client.info() and AsyncClient.info() against raw generated stubs, same run.

Calls alternate in small blocks (SDK, raw, SDK, raw, …) against one head
unit, so machine noise hits both sides alike; the table prints p50/p95 and
the ratio SDK p50 / raw p50 (goal ≤ 1.10). On a 2-core machine shared with
other work (load average about 1): sync 1.011-1.017, async 1.004-1.008 (after
info() stopped building its request on every call; before: 1.031 and 1.021,
and 1.106 / 1.087 in an earlier busier full run).
"""

from __future__ import annotations

import asyncio
import statistics
import time

import grpc

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import headunit_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

ROUNDS = 40
BLOCK = 50


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def bench_sync(target: str) -> tuple[list[float], list[float]]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    request = pb.GetInfoRequest(client_api_version=types_pb2.ApiVersion(major=1))
    with cardeck.Client(target) as client, grpc.insecure_channel(target) as channel:
        stub = pb_grpc.HeadUnitServiceStub(channel)
        client.info()
        stub.GetInfo(request, timeout=10)
        for _ in range(ROUNDS):
            for _ in range(BLOCK):
                t = time.perf_counter()
                client.info()
                sdk_times.append(time.perf_counter() - t)
            for _ in range(BLOCK):
                t = time.perf_counter()
                stub.GetInfo(request, timeout=10)
                raw_times.append(time.perf_counter() - t)
    return sdk_times, raw_times


async def bench_async(target: str) -> tuple[list[float], list[float]]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    request = pb.GetInfoRequest(client_api_version=types_pb2.ApiVersion(major=1))
    async with cardeck.AsyncClient(target) as client, grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.HeadUnitServiceStub(channel)
        await client.info()
        await stub.GetInfo(request, timeout=10)
        for _ in range(ROUNDS):
            for _ in range(BLOCK):
                t = time.perf_counter()
                await client.info()
                sdk_times.append(time.perf_counter() - t)
            for _ in range(BLOCK):
                t = time.perf_counter()
                await stub.GetInfo(request, timeout=10)
                raw_times.append(time.perf_counter() - t)
    return sdk_times, raw_times


def row(name: str, sdk: list[float], raw: list[float]) -> str:
    s50, r50 = statistics.median(sdk), statistics.median(raw)
    verdict = "ok" if s50 / r50 <= 1.10 else "over goal"
    return (
        f"{name:<22} {s50 * 1e6:>9.0f} {pct(sdk, 95) * 1e6:>9.0f} "
        f"{r50 * 1e6:>9.0f} {pct(raw, 95) * 1e6:>9.0f} {s50 / r50:>7.3f}  {verdict}"
    )


def main() -> None:
    with HeadUnitThread() as unit:
        sync_sdk, sync_raw = bench_sync(unit.target)
        async_sdk, async_raw = asyncio.run(bench_async(unit.target))
    n = ROUNDS * BLOCK
    print(f"info() latency, {n} calls per column, interleaved in blocks of {BLOCK} (µs)")
    head = f"{'':<22} {'sdk p50':>9} {'sdk p95':>9} {'raw p50':>9} {'raw p95':>9} {'ratio':>7}"
    print(head + "  goal ≤ 1.10")
    print(row("Client.info (sync)", sync_sdk, sync_raw))
    print(row("AsyncClient.info", async_sdk, async_raw))


if __name__ == "__main__":
    main()
