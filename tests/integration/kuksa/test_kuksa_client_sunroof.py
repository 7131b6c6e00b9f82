"""Actuating the sunroof with the released kuksa-client: through a provider, or refused without."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest

from tests.integration.kuksa._kuksa import KuksaClient, KuksaDriver, KuksaError, datapoint
from tests.integration.kuksa._provider import POSITION, SWITCH, SunroofProvider
from tests.integration.kuksa.conftest import Served

UNAVAILABLE = grpc.StatusCode.UNAVAILABLE.value[0]


def provider_for(served: Served) -> SunroofProvider:
    target = f"127.0.0.1:{served.port}"
    if not served.tls:
        return SunroofProvider(target)
    assert served.ca is not None
    credentials = grpc.ssl_channel_credentials(served.ca.read_bytes())
    return SunroofProvider(target, credentials, token="kuksa-writer")


async def until_claimed(client: KuksaClient, value: str) -> None:
    """v2 Actuate until the head unit stops answering UNAVAILABLE: a provider that
    opened its stream in another thread is claimed a moment later."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while True:
        try:
            await client.v2("Actuate", {"signalId": {"path": SWITCH}, "value": {"string": value}})
            return
        except KuksaError as exc:
            if exc.code != UNAVAILABLE or loop.time() > deadline:
                raise
        await asyncio.sleep(0.05)


async def test_set_target_values_reaches_the_sunroof_provider(
    served: Served, kuksa: KuksaDriver
) -> None:
    store = served.unit.store
    client = await served.kuksa_client(kuksa)
    async with provider_for(served) as provider:
        await client.call("set_target_values", {SWITCH: datapoint("OPEN")})
        assert await asyncio.wait_for(provider.requests.get(), 5) == "OPEN"
        # The provider answers by publishing where the glass went.
        values = await wait_for_values(client, {POSITION: 100, SWITCH: "OPEN"})
        assert store.signals.value(POSITION, None) == values[POSITION] == 100

        await client.v2("Actuate", {"signalId": {"path": SWITCH}, "value": {"string": "CLOSE"}})
        assert await asyncio.wait_for(provider.requests.get(), 5) == "CLOSE"
        await wait_for_values(client, {POSITION: 0, SWITCH: "CLOSE"})


async def wait_for_values(client: KuksaClient, want: dict[str, Any]) -> dict[str, Any]:
    """get_current_values until it returns ``want``; the values."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while True:
        points = await client.call("get_current_values", list(want))
        values = {path: point["value"] for path, point in points.items()}
        if values == want or loop.time() > deadline:
            assert values == want
            return values
        await asyncio.sleep(0.02)


async def test_without_a_provider_the_sunroof_waits(served: Served, kuksa: KuksaDriver) -> None:
    client = await served.kuksa_client(kuksa)
    # v2 Actuate needs a provider now: UNAVAILABLE.
    with pytest.raises(KuksaError) as refused:
        await client.v2("Actuate", {"signalId": {"path": SWITCH}, "value": {"string": "OPEN"}})
    assert refused.value.type == "VSSClientError"
    assert refused.value.code == UNAVAILABLE, refused.value
    # v1 Set of a target records it, as the databroker does, for a provider to
    # pick up: the glass has not moved.
    await client.call("set_target_values", {SWITCH: datapoint("OPEN")})
    targets = await client.call("get_target_values", [SWITCH])
    assert targets[SWITCH]["value"] == "OPEN"
    values = await client.call("get_current_values", [POSITION])
    assert values[POSITION]["value"] == 0


async def test_kuksa_client_provides_the_sunroof(served: Served, kuksa: KuksaDriver) -> None:
    """subscribe_target_values is kuksa-client's provider side (v2 OpenProviderStream)."""
    provider = await served.kuksa_client(kuksa)
    requests = await provider.stream("subscribe_target_values", [SWITCH])
    caller = await served.kuksa_client(kuksa)
    await until_claimed(caller, "TILT_UP")
    update = await requests.next()
    assert update[SWITCH]["value"] == "TILT_UP"

    # v1's set_target_values goes to the same provider.
    await caller.call("set_target_values", {SWITCH: datapoint("OPEN")})
    update = await requests.next()
    assert update[SWITCH]["value"] == "OPEN"

    # The provider gone, so is the actuator.
    await provider.disconnect()
    await until_unavailable(caller)


async def until_unavailable(client: KuksaClient) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while True:
        try:
            await client.v2("Actuate", {"signalId": {"path": SWITCH}, "value": {"string": "CLOSE"}})
        except KuksaError as exc:
            assert exc.code == UNAVAILABLE, exc
            return
        assert loop.time() < deadline, "the actuator stayed available after its provider left"
        await asyncio.sleep(0.05)
