"""Stock tools reach KUKSA's services: health checking (buf curl over reflection:
test_buf_curl_val.py)."""

from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parents[3]
BUF = ROOT / "node_modules" / ".bin" / "buf"


async def test_health_lists_kuksa_services(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for name in ("kuksa.val.v1.VAL", "kuksa.val.v2.VAL"):
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=name))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING, name
