"""kuksa.val over server reflection with buf curl: a tool that knows nothing of CarDeck."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from google.protobuf.timestamp_pb2 import Timestamp

from cardeck_sim.headunit import HeadUnit

ROOT = Path(__file__).resolve().parents[3]
BUF = ROOT / "node_modules" / ".bin" / "buf"


async def buf_curl(*args: str) -> str:
    """buf curl over plaintext HTTP/2, from a subprocess the head unit's loop does not wait on."""
    assert BUF.exists(), "buf is missing; `npm ci` installs it (make setup does this)"
    proc = await asyncio.create_subprocess_exec(
        str(BUF),
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_reflection_lists_both_val_services(aio_unit: HeadUnit) -> None:
    services = (await buf_curl("--list-services", f"http://127.0.0.1:{aio_unit.port}")).split()
    assert "kuksa.val.v1.VAL" in services
    assert "kuksa.val.v2.VAL" in services


async def test_buf_curl_gets_the_speed_as_json(aio_unit: HeadUnit) -> None:
    aio_unit.store.set_signals({"Vehicle.Speed": 42.5})
    out = await buf_curl(
        "--data",
        '{"signalId":{"path":"Vehicle.Speed"}}',
        f"http://127.0.0.1:{aio_unit.port}/kuksa.val.v2.VAL/GetValue",
    )
    point = json.loads(out)["dataPoint"]
    assert point["value"] == {"float": 42.5}
    # The time is the store's, to the nanosecond: the value is the stored one, not a copy.
    datum = aio_unit.store.signals.get("Vehicle.Speed")
    assert datum is not None and datum.value == 42.5
    stamp = Timestamp()
    stamp.FromJsonString(point["timestamp"])
    assert stamp.ToNanoseconds() == datum.time_ns
