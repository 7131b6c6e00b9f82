"""KUKSA's services behind the head unit's bearer tokens and scopes, like every cardeck.v1 RPC."""

import grpc
import pytest
import yaml

from cardeck.kuksa.val.v1 import val_pb2 as v1
from cardeck.kuksa.val.v1 import val_pb2_grpc as v1_grpc
from cardeck.kuksa.val.v2 import types_pb2 as t
from cardeck.kuksa.val.v2 import val_pb2 as v2
from cardeck.kuksa.val.v2 import val_pb2_grpc as v2_grpc
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.service._auth import METHOD_SCOPES, hash_token

KUKSA_METHODS = [
    f"/{module.DESCRIPTOR.package}.{service.name}/{method.name}"
    for module in (v1, v2)
    for service in module.DESCRIPTOR.services_by_name.values()
    for method in service.methods
]
READ_METHODS = {
    "/kuksa.val.v1.VAL/Get",
    "/kuksa.val.v1.VAL/Subscribe",
    "/kuksa.val.v1.VAL/GetServerInfo",
    "/kuksa.val.v2.VAL/GetValue",
    "/kuksa.val.v2.VAL/GetValues",
    "/kuksa.val.v2.VAL/Subscribe",
    "/kuksa.val.v2.VAL/SubscribeById",
    "/kuksa.val.v2.VAL/ListMetadata",
    "/kuksa.val.v2.VAL/GetServerInfo",
}


def test_every_kuksa_method_has_the_contracts_scope():
    assert len(KUKSA_METHODS) == 16
    for name in KUKSA_METHODS:
        assert METHOD_SCOPES[name] == ("read" if name in READ_METHODS else "vehicle:write"), name


@pytest.fixture
async def secured(tmp_path):
    entries = [
        {"name": "reader", "sha256": hash_token("secret-read"), "scopes": ["read"]},
        {
            "name": "provider",
            "sha256": hash_token("secret-write"),
            "scopes": ["read", "vehicle:write"],
        },
    ]
    path = tmp_path / "tokens.yaml"
    path.write_text(yaml.safe_dump({"tokens": entries}))
    unit = HeadUnit(ServiceConfig(port=0, tokens_file=path))
    await unit.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{unit.port}") as channel:
        yield unit, v2_grpc.VALStub(channel), v1_grpc.VALStub(channel)
    await unit.stop(0.2)


def bearer(token: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {token}"),)


async def test_tokens_and_scopes(secured):
    unit, stub, stub_v1 = secured
    speed = t.SignalID(path="Vehicle.Speed")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetValue(v2.GetValueRequest(signal_id=speed))
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert "scope `read`" in caught.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub_v1.GetServerInfo(v1.GetServerInfoRequest())
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED

    reply = await stub.GetValue(v2.GetValueRequest(signal_id=speed), metadata=bearer("secret-read"))
    assert reply.data_point.value.float == 0.0
    publish = v2.PublishValueRequest(
        signal_id=speed, data_point=t.Datapoint(value=t.Value(float=9.0))
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.PublishValue(publish, metadata=bearer("secret-read"))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "lacks scope `vehicle:write`" in caught.value.details()
    assert unit.store.vehicle.speed_kmh == 0.0
    stream = stub.OpenProviderStream(iter([]), metadata=bearer("secret-read"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stream.read()
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED

    await stub.PublishValue(publish, metadata=bearer("secret-write"))
    assert unit.store.vehicle.speed_kmh == 9.0
