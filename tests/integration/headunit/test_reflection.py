"""Server reflection v1 and v1alpha, asked by buf curl (a tool that knows nothing of CarDeck)
and by a bare v1 client: both list the same services and resolve the google.rpc detail types
the head unit's errors carry.

buf curl prints an error's details from connect-go's error writer, which decodes a detail
only into types compiled into buf (bufcurl/invoker.go ``handleErrorResponse``), so it shows
``value`` as base64 whatever reflection serves; the test decodes those values with the
descriptors it fetched over reflection v1, as grpcurl and Postman do.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from cardeck_sim.headunit import HeadUnit

ROOT = Path(__file__).resolve().parents[3]
BUF = ROOT / "node_modules" / ".bin" / "buf"

SERVICES = {
    *(
        f"cardeck.v1.{name}"
        for name in (
            "HeadUnitService",
            "LayoutService",
            "MapsService",
            "VoiceService",
            "BrowserService",
            "PackagesService",
            "SimulatorService",
        )
    ),
    "kuksa.val.v1.VAL",
    "kuksa.val.v2.VAL",
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
}
DETAIL_TYPES = (
    "google.rpc.Status",
    "google.rpc.ErrorInfo",
    "google.rpc.BadRequest",
    "google.rpc.RetryInfo",
    "google.rpc.DebugInfo",
    "google.rpc.QuotaFailure",
    "google.rpc.PreconditionFailure",
    "google.rpc.RequestInfo",
    "google.rpc.ResourceInfo",
    "google.rpc.Help",
    "google.rpc.LocalizedMessage",
)
PROTOCOLS = {"grpc-v1": "grpc.reflection.v1", "grpc-v1alpha": "grpc.reflection.v1alpha"}


async def buf_curl(*args: str, check: bool = True) -> tuple[int, str, str]:
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
    assert proc.returncode is not None
    if check:
        assert proc.returncode == 0, err.decode()
    return proc.returncode, out.decode(), err.decode()


class ReflectionClient:
    """A reflection client for one package, built from the descriptors of its messages."""

    def __init__(self, channel: grpc.aio.Channel, package: str) -> None:
        pool = descriptor_pool.Default()
        self.request = message_factory.GetMessageClass(
            pool.FindMessageTypeByName(f"{package}.ServerReflectionRequest")
        )
        response = message_factory.GetMessageClass(
            pool.FindMessageTypeByName(f"{package}.ServerReflectionResponse")
        )
        self._call = channel.stream_stream(
            f"/{package}.ServerReflection/ServerReflectionInfo",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response.FromString,
        )

    async def ask(self, **request: Any) -> Any:
        replies = [reply async for reply in self._call(iter([self.request(**request)]))]
        assert len(replies) == 1
        return replies[0]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_buf_curl_lists_every_service(aio_unit: HeadUnit, protocol: str) -> None:
    _, out, err = await buf_curl(
        "-v",
        "--reflect-protocol",
        protocol,
        "--list-services",
        f"http://127.0.0.1:{aio_unit.port}",
    )
    assert set(out.split()) == SERVICES
    # The protocol asked for is the one used: no fallback from v1 to v1alpha.
    assert f"POST /{PROTOCOLS[protocol]}.ServerReflection/ServerReflectionInfo" in err
    [other] = [p for p in PROTOCOLS.values() if p != PROTOCOLS[protocol]]
    assert f"/{other}.ServerReflection/" not in err


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_buf_curl_prints_the_details_of_a_failed_call(
    aio_unit: HeadUnit, protocol: str
) -> None:
    code, _, err = await buf_curl(
        "--reflect-protocol",
        protocol,
        "-d",
        '{"update": {"speed_kmh": 999}}',
        f"http://127.0.0.1:{aio_unit.port}/cardeck.v1.HeadUnitService/UpdateVehicleState",
        check=False,
    )
    assert code != 0
    error = json.loads(err)
    assert error["code"] == "invalid_argument"
    assert "speed_kmh" in error["message"]
    details = {detail["type"]: detail for detail in error["details"]}
    assert set(details) == {"google.rpc.BadRequest", "google.rpc.ErrorInfo"}

    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        pool = await fetch_pool(ReflectionClient(channel, "grpc.reflection.v1"), details)
    decoded = {name: decode(pool, name, detail["value"]) for name, detail in details.items()}
    for name, detail in details.items():
        # A buf with the google.rpc types compiled in prints them as "debug": the same.
        assert detail.get("debug", decoded[name]) == decoded[name]
    assert decoded["google.rpc.ErrorInfo"] == {"reason": "INVALID_ARGUMENT", "domain": "cardeck.v1"}
    [violation] = decoded["google.rpc.BadRequest"]["fieldViolations"]
    assert violation["field"] == "update.speed_kmh"
    assert "0 to 400" in violation["description"]


async def fetch_pool(client: ReflectionClient, symbols: Any) -> descriptor_pool.DescriptorPool:
    """A fresh pool holding the files reflection returns for ``symbols`` (and their imports)."""
    files: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for symbol in symbols:
        reply = await client.ask(file_containing_symbol=symbol)
        assert reply.WhichOneof("message_response") == "file_descriptor_response", reply
        for data in reply.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(data)
            files[proto.name] = proto
    pool = descriptor_pool.DescriptorPool()
    added: set[str] = set()

    def add(name: str) -> None:
        if name in added:
            return
        for dependency in files[name].dependency:
            add(dependency)
        pool.Add(files[name])
        added.add(name)

    for name in files:
        add(name)
    return pool


def decode(pool: descriptor_pool.DescriptorPool, type_name: str, value: str) -> Any:
    """A detail's base64 ``value`` as protobuf JSON, decoded with ``pool``'s descriptors."""
    cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))
    data = base64.b64decode(value + "=" * (-len(value) % 4))
    return json_format.MessageToDict(cls.FromString(data))


@pytest.mark.parametrize("package", PROTOCOLS.values())
async def test_a_reflection_client_lists_services_and_resolves_detail_types(
    aio_unit: HeadUnit, package: str
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        client = ReflectionClient(channel, package)
        listed = await client.ask(list_services="")
        assert {s.name for s in listed.list_services_response.service} == SERVICES

        pool = await fetch_pool(client, DETAIL_TYPES)
        for name in DETAIL_TYPES:
            assert pool.FindMessageTypeByName(name).file.name.startswith("google/rpc/")
        violation = pool.FindMessageTypeByName("google.rpc.BadRequest.FieldViolation")
        assert "field" in violation.fields_by_name

        # Reflection describes itself in both versions.
        for version in PROTOCOLS.values():
            own = await client.ask(file_containing_symbol=f"{version}.ServerReflection")
            [data, *_] = own.file_descriptor_response.file_descriptor_proto
            assert descriptor_pb2.FileDescriptorProto.FromString(data).package == version

        missing = await client.ask(file_containing_symbol="google.rpc.NoSuchDetail")
        assert missing.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
