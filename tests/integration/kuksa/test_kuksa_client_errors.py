"""KUKSA's errors, as the released kuksa-client reports them, for bad paths, types and tokens.

kuksa-client raises VSSClientError either way, with ``error["code"]`` the gRPC
status code number when the call itself is refused (v2, and v1 refusals), or
KUKSA's HTTP-like code when v1 reports a per-path error inside its response.
"""

from __future__ import annotations

import grpc
import pytest

from tests.integration.kuksa._kuksa import (
    KuksaDriver,
    KuksaError,
    datapoint,
    kuksa_enum,
    kuksa_obj,
)
from tests.integration.kuksa.conftest import Served

SPEED = "Vehicle.Speed"
UNKNOWN = "Vehicle.Speeed"


def code(status: grpc.StatusCode) -> int:
    number: int = status.value[0]
    return number


def entry_errors(exc: KuksaError) -> dict[str, tuple[int, str]]:
    """v1's per-path errors in a VSSClientError: path -> (KUKSA code, reason)."""
    return {e["path"]: (e["error"]["code"], e["error"]["reason"]) for e in exc.errors}


def typed_update(path: str, value: object, data_type: str) -> dict[str, object]:
    """An EntryUpdate of ``path``'s value, sent as ``data_type`` whatever the signal's type."""
    entry = kuksa_obj(
        "DataEntry",
        path=path,
        value=datapoint(value),
        metadata=kuksa_obj("Metadata", data_type=kuksa_enum("DataType", data_type)),
    )
    return kuksa_obj("EntryUpdate", entry=entry, fields=[kuksa_enum("Field", "VALUE")])


async def test_unknown_path(served: Served, kuksa: KuksaDriver) -> None:
    client = await served.kuksa_client(kuksa)
    # v1 Get: KUKSA reports a missing path in the response, 404 per path, and
    # repeats the first as the response's error (what VSSClientError.error holds).
    with pytest.raises(KuksaError) as caught:
        await client.call("get_current_values", [SPEED, UNKNOWN])
    assert caught.value.type == "VSSClientError"
    assert entry_errors(caught.value) == {UNKNOWN: (404, "not_found")}
    assert (caught.value.code, caught.value.error["reason"]) == (404, "not_found")

    # v2: the call is refused with NOT_FOUND.
    with pytest.raises(KuksaError) as caught:
        await client.v2("GetValue", {"signalId": {"path": UNKNOWN}})
    assert caught.value.code == code(grpc.StatusCode.NOT_FOUND)
    assert UNKNOWN in caught.value.error["message"]

    subscription = await client.stream("subscribe_current_values", [UNKNOWN])
    with pytest.raises(KuksaError) as caught:
        await subscription.next()
    assert caught.value.code == code(grpc.StatusCode.NOT_FOUND)


async def test_wrong_type(served: Served, kuksa: KuksaDriver) -> None:
    client = await served.kuksa_client(kuksa)
    # kuksa-client casts by the signal's metadata; naming another type sends
    # the server a string for a float signal.
    with pytest.raises(KuksaError) as caught:
        await client.call("set", [typed_update(SPEED, "fast", "STRING")], try_v2=True)
    assert caught.value.code == code(grpc.StatusCode.INVALID_ARGUMENT)
    assert SPEED in caught.value.error["message"]

    with pytest.raises(KuksaError) as caught:
        await client.call("set", [typed_update(SPEED, "fast", "STRING")])
    assert entry_errors(caught.value) == {SPEED: (400, "type mismatch")}

    assert served.unit.store.signals.value(SPEED, None) == 0.0, "a refused value was stored"

    # The client's own check, before any call: not a number at all.
    with pytest.raises(KuksaError) as caught:
        await client.call("set_current_values", {SPEED: datapoint("fast")})
    assert caught.value.type == "ValueError"


async def test_out_of_range_and_not_allowed(served: Served, kuksa: KuksaDriver) -> None:
    client = await served.kuksa_client(kuksa)
    with pytest.raises(KuksaError) as caught:
        await client.call("set_current_values", {"Vehicle.Cabin.Sunroof.Position": datapoint(150)})
    assert caught.value.code == code(grpc.StatusCode.INVALID_ARGUMENT)
    assert "Vehicle.Cabin.Sunroof.Position" in caught.value.error["message"]

    with pytest.raises(KuksaError) as caught:
        await client.v2(
            "Actuate",
            {"signalId": {"path": "Vehicle.Cabin.Sunroof.Switch"}, "value": {"string": "SIDEWAYS"}},
        )
    assert caught.value.code == code(grpc.StatusCode.INVALID_ARGUMENT)


# The open head unit grants every scope to everyone: tokens matter with TLS only.
@pytest.mark.parametrize("served", ["tls"], indirect=True)
async def test_a_read_token_cannot_write(served: Served, kuksa: KuksaDriver) -> None:
    reader = await served.kuksa_client(kuksa, token="kuksa-reader")
    assert (await reader.call("get_current_values", [SPEED]))[SPEED]["value"] == 0.0
    with pytest.raises(KuksaError) as caught:
        await reader.call("set_current_values", {SPEED: datapoint(10.0)})
    assert caught.value.code == code(grpc.StatusCode.PERMISSION_DENIED)
    assert "vehicle:write" in caught.value.error["message"]

    anonymous = await kuksa.connect(served.port, root_certificates=served.ca)
    with pytest.raises(KuksaError) as caught:
        await anonymous.call("get_current_values", [SPEED])
    assert caught.value.code == code(grpc.StatusCode.UNAUTHENTICATED)
