"""One `cardeck sim --headless` per test module, started as an integrator starts it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml

import cardeck
from cardeck_sim.service import hash_token
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


@dataclass(frozen=True)
class TokenHeadUnit:
    """A running `cardeck sim --headless --tokens FILE` and the one token it accepts."""

    target: str
    token: str


@pytest.fixture(scope="module")
def token_headunit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenHeadUnit]:
    """`cardeck sim --headless` that takes only a bearer token with scope `read`."""
    token = "client-example-token"
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.yaml"
    entry = {"name": "example-client", "sha256": hash_token(token), "scopes": ["read"]}
    tokens.write_text(yaml.safe_dump({"tokens": [entry]}))
    argv = [*CARDECK, "sim", "--headless", "--port", "0", "--ws-port", "-1", "--no-browser"]
    proc, target = start_sim([*argv, "--tokens", str(tokens)])
    try:
        yield TokenHeadUnit(target=target, token=token)
    finally:
        stop_sim(proc)
