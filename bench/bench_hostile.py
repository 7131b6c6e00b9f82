"""A hostile request must not hurt others: GetInfo latency while ValidateProfile is attacked.

Run: ``python bench/bench_hostile.py [--calls N]``

A ``cardeck sim --headless`` process serves; one client measures GetInfo round trips, first
on a quiet head unit, then while two other clients keep sending the worst ValidateProfile
requests we know (a YAML alias bomb; a profile at the size limit with a hundred displays;
numbers at the edge of the schema), back to back. Profiles are parsed and solved in the
head unit's worker process, so the event loop — and GetInfo — should not notice.

Goal (issue 14): GetInfo p99 under attack <= 2x its quiet p99 in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

import grpc

from cardeck.testing import HeadUnitProcess
from cardeck.v1 import headunit_service_pb2 as hu
from cardeck.v1 import layout_service_pb2 as lay
from cardeck.v1 import types_pb2

GOAL = 2.0


def alias_bomb(levels: int = 9) -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(levels - 1):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def crowded_profile() -> str:
    """A bundled profile grown to the schema's limits: most displays, most pixels."""
    import yaml

    from cardeck.layout import bundled_layouts_dir
    from cardeck.layout._limits import MAX_DISPLAYS, MAX_PX

    data = yaml.safe_load((bundled_layouts_dir() / "vehicles" / "polestar-2.yaml").read_text())
    base = {
        k: v for k, v in data["displays"][0].items() if k not in ("dpi", "diagonal_in", "width_mm")
    }
    data["id"] = "crowded"
    data["displays"] = [
        {
            **base,
            "id": f"d{i}",
            "role": "center" if i == 0 else "passenger",
            "width_px": MAX_PX,
            "height_px": 1200 + i,
            "diagonal_in": 120,
        }
        for i in range(MAX_DISPLAYS)
    ]
    return str(yaml.safe_dump(data, sort_keys=False))


HOSTILE = [alias_bomb(), crowded_profile(), "id: x\nname: y\ndisplays:\n" + "[" * 5000 + "\n"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def info_latencies(channel: grpc.aio.Channel, calls: int) -> list[float]:
    get_info = channel.unary_unary(
        "/cardeck.v1.HeadUnitService/GetInfo",
        request_serializer=hu.GetInfoRequest.SerializeToString,
        response_deserializer=hu.GetInfoResponse.FromString,
    )
    request = hu.GetInfoRequest(client_api_version=types_pb2.ApiVersion(major=1))
    out = []
    for _ in range(calls):
        start = time.perf_counter()
        await get_info(request, timeout=30)
        out.append(time.perf_counter() - start)
        await asyncio.sleep(0.002)
    return out


async def attack(target: str, stop: asyncio.Event, counts: dict[str, int]) -> None:
    async with grpc.aio.insecure_channel(target) as channel:
        validate = channel.unary_unary(
            "/cardeck.v1.LayoutService/ValidateProfile",
            request_serializer=lay.ValidateProfileRequest.SerializeToString,
            response_deserializer=lay.ValidateProfileResponse.FromString,
        )
        i = 0
        while not stop.is_set():
            text = HOSTILE[i % len(HOSTILE)]
            i += 1
            try:
                await validate(lay.ValidateProfileRequest(yaml=text), timeout=30)
                counts["answered"] += 1
            except grpc.aio.AioRpcError as exc:
                counts[exc.code().name] = counts.get(exc.code().name, 0) + 1


def _attacker_main(target: str, seconds: float) -> None:
    """In its own process, so its work never delays the measuring client.

    Niced: a real attacker's CPU is not the head unit's; on this 2-core machine the
    attacking client would otherwise take a core from the head unit it attacks.
    """
    os.nice(19)

    async def go() -> None:
        stop = asyncio.Event()
        counts: dict[str, int] = {"answered": 0}
        tasks = [asyncio.ensure_future(attack(target, stop, counts)) for _ in range(2)]
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*tasks)
        print(counts, flush=True)

    asyncio.run(go())


async def run(target: str, calls: int) -> tuple[list[float], list[float], str]:
    async with grpc.aio.insecure_channel(target) as channel:
        await info_latencies(channel, 50)  # warm-up
        started = time.perf_counter()
        quiet = await info_latencies(channel, calls)
        phase_s = time.perf_counter() - started
        attackers = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--attack",
            target,
            str(phase_s * 1.5 + 1.0),
            stdout=asyncio.subprocess.PIPE,
        )
        await asyncio.sleep(0.5)
        busy = await info_latencies(channel, calls)
        out, _ = await attackers.communicate()
    return quiet, busy, out.decode().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="GetInfo calls per phase")
    parser.add_argument("--attack", nargs=2, metavar=("TARGET", "SECONDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.attack:
        _attacker_main(args.attack[0], float(args.attack[1]))
        return 0
    with HeadUnitProcess("--ws-port", "-1", "--no-browser") as unit:
        quiet, busy, counts = asyncio.run(run(unit.target, args.calls))
    ratio = pct(busy, 0.99) / pct(quiet, 0.99)
    verdict = "ok" if ratio <= GOAL else "MISSED"
    print(
        f"GetInfo under hostile ValidateProfile ({args.calls} calls per phase; 2 attackers "
        "in another process)"
    )
    for name, values in (("quiet", quiet), ("attack", busy)):
        p50, p99 = statistics.median(values) * 1e3, pct(values, 0.99) * 1e3
        print(f"  {name + ':':8}p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    print(f"  hostile requests: {counts}")
    print(f"  p99 ratio attack / quiet: {ratio:.2f} (goal <= {GOAL:g}: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
