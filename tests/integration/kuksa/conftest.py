"""Head units serving the kuksa.val API; KUKSA val v1/v2 stubs and the released kuksa-client.

``served`` runs each test twice: on an open head unit over plaintext, and on one
with TLS (a CA and server certificate made here) and bearer tokens, where
kuksa-client gets ``root_certificates`` and a token scoped to what it needs. A
third mode, "token", asks for tokens over plaintext (allowed on 127.0.0.1), for
clients that have no TLS options (examples/sunroof_intent.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml

import cardeck
from cardeck.kuksa.val.v1 import val_pb2_grpc as v1_grpc
from cardeck.kuksa.val.v2 import val_pb2_grpc as v2_grpc
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.service._auth import ALL_SCOPES, hash_token
from tests.integration._pki import make_pki
from tests.integration.conftest import serving
from tests.integration.kuksa._kuksa import KuksaClient, KuksaDriver

# Tokens by secret, with their scopes: kuksa-client gets the narrow ones, the
# CarDeck SDK (which drives the route) the one with every scope.
TOKENS: dict[str, tuple[str, ...]] = {
    "kuksa-reader": ("read",),
    "kuksa-writer": ("read", "vehicle:write"),
    "kuksa-maps": ("maps:control",),
    "sunroof-example": ("read", "voice:intents", "vehicle:write"),
    "oem-all": ALL_SCOPES,
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA and a server certificate for 127.0.0.1 and localhost."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The head unit's tokens file: each of TOKENS, stored as its SHA-256."""
    entries = [
        {"name": secret, "sha256": hash_token(secret), "scopes": list(scopes)}
        for secret, scopes in TOKENS.items()
    ]
    path = tmp_path_factory.mktemp("tokens") / "tokens.yaml"
    path.write_text(yaml.safe_dump({"tokens": entries}))
    return path


@pytest.fixture
async def kuksa() -> AsyncIterator[KuksaDriver]:
    """A kuksa-client driver process in .venv-kuksa."""
    async with KuksaDriver.start() as driver:
        yield driver


@dataclasses.dataclass
class Served:
    """A head unit and how its clients reach it in this mode."""

    unit: HeadUnit
    mode: str
    ca: Path

    @property
    def port(self) -> int:
        return self.unit.port

    @property
    def tls(self) -> bool:
        return self.mode == "tls"

    @property
    def tokens(self) -> bool:
        """Whether callers need a token (an open head unit grants every scope)."""
        return self.mode != "insecure"

    async def kuksa_client(self, driver: KuksaDriver, token: str = "kuksa-writer") -> KuksaClient:
        """A connected VSSClient: it sends ``token`` if tokens apply, trusts the CA with TLS."""
        return await driver.connect(
            self.port,
            token=token if self.tokens else None,
            root_certificates=self.ca if self.tls else None,
        )

    def cardeck_client(self) -> cardeck.AsyncClient:
        """The CarDeck SDK on the same head unit, with every scope."""
        kwargs: dict[str, Any] = {}
        if self.tokens:
            kwargs["token"] = "oem-all"
        if self.tls:
            kwargs["tls"] = cardeck.TLSConfig.from_files(ca=self.ca)
        return cardeck.AsyncClient(f"127.0.0.1:{self.port}", **kwargs)


@pytest.fixture(params=["insecure", "tls"])
async def served(
    request: pytest.FixtureRequest, pki: dict[str, Path], tokens_file: Path
) -> AsyncIterator[Served]:
    """A head unit from the test's loop: open and plaintext, or TLS with tokens (or "token")."""
    mode = request.param
    config = {
        "insecure": ServiceConfig(port=0),
        "tls": ServiceConfig(
            port=0, tls_cert=pki["server_cert"], tls_key=pki["server_key"], tokens_file=tokens_file
        ),
        "token": ServiceConfig(port=0, tokens_file=tokens_file),
    }[mode]
    async with serving(HeadUnit(config)) as unit:
        yield Served(unit, mode, ca=pki["ca"])


@pytest.fixture
async def channel(aio_unit: HeadUnit) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as chan:
        yield chan


@pytest.fixture
def v2(channel: grpc.aio.Channel) -> v2_grpc.VALStub:
    return v2_grpc.VALStub(channel)


@pytest.fixture
def v1(channel: grpc.aio.Channel) -> v1_grpc.VALStub:
    return v1_grpc.VALStub(channel)
