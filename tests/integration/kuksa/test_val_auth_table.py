"""Every served kuksa.val method × (no token, a token without its scope, one with it).

The methods come from the generated service descriptors of kuksa.val.v1.VAL and
kuksa.val.v2.VAL, so a method added to the vendored protos is tested (and fails
until the table below says which scope it needs). Calls go through the generated
stubs, cardeck.kuksa.val.v1/v2, over grpc.aio, with requests that a caller with
the right scope gets a quick answer to (values, metadata, a refusal of its own).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import MethodDescriptor

from cardeck.kuksa.val.v1 import val_pb2 as val_v1
from cardeck.kuksa.val.v1 import val_pb2_grpc as val_v1_grpc
from cardeck.kuksa.val.v2 import val_pb2 as val_v2
from cardeck.kuksa.val.v2 import val_pb2_grpc as val_v2_grpc
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.service._auth import ALL_SCOPES, METHOD_SCOPES, hash_token
from tests.integration.conftest import serving

STUBS = {"kuksa.val.v1.VAL": val_v1_grpc.VALStub, "kuksa.val.v2.VAL": val_v2_grpc.VALStub}
METHODS: list[MethodDescriptor] = [
    method
    for module in (val_v1, val_v2)
    for service in module.DESCRIPTOR.services_by_name.values()
    for method in service.methods
]

# The contract: reading needs `read`, writing values and providing need `vehicle:write`.
EXPECTED_SCOPES = {
    "/kuksa.val.v1.VAL/Get": "read",
    "/kuksa.val.v1.VAL/Set": "vehicle:write",
    "/kuksa.val.v1.VAL/StreamedUpdate": "vehicle:write",
    "/kuksa.val.v1.VAL/Subscribe": "read",
    "/kuksa.val.v1.VAL/GetServerInfo": "read",
    "/kuksa.val.v2.VAL/GetValue": "read",
    "/kuksa.val.v2.VAL/GetValues": "read",
    "/kuksa.val.v2.VAL/Subscribe": "read",
    "/kuksa.val.v2.VAL/SubscribeById": "read",
    "/kuksa.val.v2.VAL/Actuate": "vehicle:write",
    "/kuksa.val.v2.VAL/ActuateStream": "vehicle:write",
    "/kuksa.val.v2.VAL/BatchActuate": "vehicle:write",
    "/kuksa.val.v2.VAL/ListMetadata": "read",
    "/kuksa.val.v2.VAL/PublishValue": "vehicle:write",
    "/kuksa.val.v2.VAL/OpenProviderStream": "vehicle:write",
    "/kuksa.val.v2.VAL/GetServerInfo": "read",
}

_SPEED_V1 = {"path": "Vehicle.Speed", "view": "VIEW_CURRENT_VALUE", "fields": ["FIELD_VALUE"]}
_PARK = {
    "signalId": {"path": "Vehicle.Powertrain.Transmission.SelectedGear"},
    "value": {"int32": 126},
}
# One request per method (JSON form); a method not listed sends an empty one.
REQUESTS: dict[str, dict[str, Any]] = {
    "/kuksa.val.v1.VAL/Get": {"entries": [_SPEED_V1]},
    "/kuksa.val.v1.VAL/Set": {
        "updates": [
            {"entry": {"path": "Vehicle.Speed", "value": {"float": 0}}, "fields": ["FIELD_VALUE"]}
        ]
    },
    "/kuksa.val.v1.VAL/StreamedUpdate": {
        "updates": [
            {"entry": {"path": "Vehicle.Speed", "value": {"float": 0}}, "fields": ["FIELD_VALUE"]}
        ]
    },
    "/kuksa.val.v1.VAL/Subscribe": {"entries": [_SPEED_V1]},
    "/kuksa.val.v2.VAL/GetValue": {"signalId": {"path": "Vehicle.Speed"}},
    "/kuksa.val.v2.VAL/GetValues": {"signalIds": [{"path": "Vehicle.Speed"}]},
    "/kuksa.val.v2.VAL/Subscribe": {"signalPaths": ["Vehicle.Speed"]},
    "/kuksa.val.v2.VAL/SubscribeById": {"signalIds": [1]},
    "/kuksa.val.v2.VAL/Actuate": _PARK,
    "/kuksa.val.v2.VAL/ActuateStream": _PARK,
    "/kuksa.val.v2.VAL/BatchActuate": {"actuateRequests": [_PARK]},
    "/kuksa.val.v2.VAL/ListMetadata": {"root": "Vehicle"},
    "/kuksa.val.v2.VAL/PublishValue": {
        "signalId": {"path": "Vehicle.Speed"},
        "dataPoint": {"value": {"float": 0}},
    },
    "/kuksa.val.v2.VAL/OpenProviderStream": {
        "provideActuationRequest": {
            "actuatorIdentifiers": [{"path": "Vehicle.Cabin.Sunroof.Switch"}]
        }
    },
}

# A streaming call that is still open after this long was not refused: the
# interceptor refuses before the handler runs.
STREAM_QUIET_S = 1.0


def path_of(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


def request_for(method: MethodDescriptor) -> Any:
    cls = message_factory.GetMessageClass(method.input_type)
    return json_format.ParseDict(REQUESTS.get(path_of(method), {}), cls())


def token_for(scopes: tuple[str, ...]) -> str:
    return "kuksa-" + "+".join(scopes)


def without(scope: str) -> tuple[str, ...]:
    """Every scope but ``scope``: a token that has everything else is still refused."""
    return tuple(s for s in ALL_SCOPES if s != scope)


@pytest.fixture(scope="module")
def scope_tokens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """For each scope, a token with only it and one with all the others."""
    import yaml

    grants = {(s,) for s in ALL_SCOPES} | {without(s) for s in ALL_SCOPES}
    entries = [
        {"name": token_for(g), "sha256": hash_token(token_for(g)), "scopes": list(g)}
        for g in sorted(grants)
    ]
    path = tmp_path_factory.mktemp("val-auth") / "tokens.yaml"
    path.write_text(yaml.safe_dump({"tokens": entries}))
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def auth_channel(scope_tokens: Path) -> AsyncIterator[grpc.aio.Channel]:
    """One head unit with tokens for the whole table (its loop is the module's)."""
    async with serving(HeadUnit(ServiceConfig(port=0, tokens_file=scope_tokens))) as unit:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{unit.port}") as chan:
            yield chan


async def invoke(
    channel: grpc.aio.Channel, method: MethodDescriptor, token: str | None
) -> tuple[grpc.StatusCode | None, str]:
    """Call ``method`` through its generated stub; (status code, details).

    The code is None for a stream still open after STREAM_QUIET_S without a refusal.
    """
    stub = STUBS[method.containing_service.full_name](channel)
    call_of = getattr(stub, method.name)
    request = request_for(method)
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    arg = iter([request]) if method.client_streaming else request
    call = call_of(arg, metadata=metadata, timeout=10)
    try:
        if method.server_streaming:
            try:
                await asyncio.wait_for(call.read(), STREAM_QUIET_S)
            except TimeoutError:
                return None, "open"
        else:
            await call
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    finally:
        call.cancel()
    return grpc.StatusCode.OK, ""


def test_every_val_method_is_in_the_table_and_the_head_units_scopes() -> None:
    served = {path_of(m) for m in METHODS}
    assert served == set(EXPECTED_SCOPES), "a kuksa.val method without an expected scope"
    for path, scope in EXPECTED_SCOPES.items():
        assert METHOD_SCOPES.get(path) == scope, path


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("method", METHODS, ids=path_of)
async def test_val_method_checks_its_scope(
    auth_channel: grpc.aio.Channel, method: MethodDescriptor
) -> None:
    channel = auth_channel
    name = path_of(method)
    scope = EXPECTED_SCOPES.get(name)
    assert scope is not None, f"{name} is served but the table has no scope for it"

    code, details = await invoke(channel, method, None)
    assert code is grpc.StatusCode.UNAUTHENTICATED, (code, details)
    assert f"scope `{scope}`" in details

    code, details = await invoke(channel, method, token_for(without(scope)))
    assert code is grpc.StatusCode.PERMISSION_DENIED, (code, details)
    assert f"lacks scope `{scope}`" in details

    code, details = await invoke(channel, method, token_for((scope,)))
    assert code not in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED), (
        code,
        details,
    )
