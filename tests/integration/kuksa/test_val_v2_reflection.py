"""Stock tools reach KUKSA's services: buf curl over server reflection, health checking."""

import asyncio
import json
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parents[3]
BUF = ROOT / "node_modules" / ".bin" / "buf"


async def buf_curl(*args: str) -> str:
    assert BUF.exists(), "buf is missing; `npm ci` installs it (make does this)"
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


async def test_buf_curl_lists_and_calls_kuksa_over_reflection(aio_unit):
    base = f"http://127.0.0.1:{aio_unit.port}"
    services = (await buf_curl("--list-services", base)).split()
    assert {"kuksa.val.v1.VAL", "kuksa.val.v2.VAL"} <= set(services)
    aio_unit.store.set_signals({"Vehicle.Speed": 72.0})
    out = await buf_curl(
        "-d", '{"signal_id": {"path": "Vehicle.Speed"}}', f"{base}/kuksa.val.v2.VAL/GetValue"
    )
    assert json.loads(out)["dataPoint"]["value"]["float"] == 72


async def test_health_lists_kuksa_services(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for name in ("kuksa.val.v1.VAL", "kuksa.val.v2.VAL"):
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=name))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING, name
