"""Actuating the sunroof with the released kuksa-client: the SDK's example provides it.

examples/sunroof_intent.py provides ``Vehicle.Cabin.Sunroof.Switch`` with
``client.signals.provide``; kuksa-client's ``set_target_values`` (v1) and a v2
Actuate through its own stub reach it, and its published position comes back
through ``get_current_values``. kuksa-client is a provider too
(``subscribe_target_values``), and without any the actuator is unavailable.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from tests.integration.kuksa._kuksa import KuksaClient, KuksaDriver, KuksaError, datapoint
from tests.integration.kuksa.conftest import Served

ROOT = Path(__file__).resolve().parents[3]
SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"
UNAVAILABLE = grpc.StatusCode.UNAVAILABLE.value[0]


class Example:
    """examples/sunroof_intent.py as a user runs it, its stdout read line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    async def line(self, pattern: str, timeout: float = 20) -> str:
        """The next line matching ``pattern``; fails with what the script printed."""
        assert self.proc.stdout is not None
        try:
            async with asyncio.timeout(timeout):
                while raw := await self.proc.stdout.readline():
                    self.lines.append(raw.decode().rstrip("\n"))
                    if re.search(pattern, self.lines[-1]):
                        return self.lines[-1]
        except TimeoutError:
            pass
        raise AssertionError(f"no line matching {pattern!r}; the example printed {self.lines}")


@contextlib.asynccontextmanager
async def sunroof_example(served: Served) -> AsyncIterator[Example]:
    """The example running against ``served`` until the block ends (then Ctrl-C)."""
    args = ["--target", f"127.0.0.1:{served.port}"]
    if served.tokens:
        args += ["--token", "sunroof-example"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "examples" / "sunroof_intent.py"),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    example = Example(proc)
    try:
        await example.line(rf"^Providing {re.escape(SWITCH)}\.$")
        yield example
        proc.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(proc.communicate(), 15)
        assert proc.returncode == 0, err.decode()
        example.lines += out.decode().splitlines()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def values_of(client: KuksaClient, paths: list[str]) -> dict[str, Any]:
    points = await client.call("get_current_values", paths)
    return {path: point["value"] for path, point in points.items()}


def actuate(value: str) -> dict[str, Any]:
    """A v2 ActuateRequest of the switch, in JSON form."""
    return {"signalId": {"path": SWITCH}, "value": {"string": value}}


# The example has no TLS options: it runs on an open head unit and on one that
# wants tokens; TLS is covered below with kuksa-client as the provider.
@pytest.mark.parametrize("served", ["insecure", "token"], indirect=True)
async def test_the_sdk_example_provides_the_sunroof_to_kuksa_client(
    served: Served, kuksa: KuksaDriver
) -> None:
    client = await served.kuksa_client(kuksa)
    sunroof = await client.stream("subscribe_current_values", [POSITION, SWITCH])
    await sunroof.until_values({POSITION: 0, SWITCH: "INACTIVE"})
    async with sunroof_example(served) as example:
        await client.call("set_target_values", {SWITCH: datapoint("OPEN")})
        await example.line(rf"^  actuated: {re.escape(SWITCH)}=OPEN, position 100$")
        # What the example publishes reaches kuksa-client's subscription and reads.
        await sunroof.until_values({POSITION: 100, SWITCH: "OPEN"})
        assert await values_of(client, [POSITION, SWITCH]) == {POSITION: 100, SWITCH: "OPEN"}
        assert served.unit.store.signals.value(POSITION, None) == 100

        await client.v2("Actuate", actuate("TILT_UP"))
        await example.line(rf"^  actuated: {re.escape(SWITCH)}=TILT_UP, position -100$")
        await sunroof.until_values({POSITION: -100, SWITCH: "TILT_UP"})
    assert example.lines[-1] == "Unregistered; the sunroof is tilted."
    # The provider gone, v2 actuation is refused again.
    with pytest.raises(KuksaError) as refused:
        await client.v2("Actuate", actuate("CLOSE"))
    assert refused.value.code == UNAVAILABLE


async def test_without_a_provider_the_sunroof_waits(served: Served, kuksa: KuksaDriver) -> None:
    client = await served.kuksa_client(kuksa)
    # v2 Actuate needs a provider now: UNAVAILABLE.
    with pytest.raises(KuksaError) as refused:
        await client.v2("Actuate", actuate("OPEN"))
    assert refused.value.type == "VSSClientError"
    assert refused.value.code == UNAVAILABLE, refused.value
    # v1 Set of a target records it, as the databroker does, for a provider to
    # pick up: the glass has not moved.
    await client.call("set_target_values", {SWITCH: datapoint("OPEN")})
    targets = await client.call("get_target_values", [SWITCH])
    assert targets[SWITCH]["value"] == "OPEN"
    assert await values_of(client, [POSITION]) == {POSITION: 0}


async def until_claimed(client: KuksaClient, value: str) -> None:
    """v2 Actuate until the head unit stops answering UNAVAILABLE: a provider that
    opened its stream in another thread is claimed a moment later."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while True:
        try:
            await client.v2("Actuate", actuate(value))
            return
        except KuksaError as exc:
            if exc.code != UNAVAILABLE or loop.time() > deadline:
                raise
        await asyncio.sleep(0.05)


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
            await client.v2("Actuate", actuate("CLOSE"))
        except KuksaError as exc:
            assert exc.code == UNAVAILABLE, exc
            return
        assert loop.time() < deadline, "the actuator stayed available after its provider left"
        await asyncio.sleep(0.05)
