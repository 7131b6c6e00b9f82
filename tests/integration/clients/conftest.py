"""One `cardeck sim --headless` per test module, started as an integrator starts it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import cardeck
from tests._cli import CARDECK, start_sim, stop_sim

# The shared checks assert for every client; rewritten, their failures show the values.
pytest.register_assert_rewrite(
    "tests.integration.clients._checks", "tests.integration.clients._build"
)


@dataclass(frozen=True)
class CliHeadUnit:
    """A running `cardeck sim --headless`: where its gRPC API and WebSocket bridge listen."""

    target: str
    websocket_url: str


@pytest.fixture(scope="module")
def cli_headunit() -> Iterator[CliHeadUnit]:
    """`cardeck sim --headless --port 0 --ws-port 0 --no-browser` for the module."""
    proc, target = start_sim(
        [*CARDECK, "sim", "--headless", "--port", "0", "--ws-port", "0", "--no-browser"]
    )
    try:
        with cardeck.connect(target) as client:
            url = client.info().websocket_url
        yield CliHeadUnit(target=target, websocket_url=url)
    finally:
        stop_sim(proc)
