"""Tokens and scopes on every RPC the head unit serves (cardeck.v1 and KUKSA's kuksa.val v1 and
v2, read from their descriptors: a new method cannot escape the table), and TLS / mutual TLS
with certificates made here."""

import asyncio
import contextlib
import json
import ssl

import grpc
import pytest
import yaml
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidMessage

import cardeck
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.service._auth import ALL_SCOPES, METHOD_SCOPES, hash_token
from tests._rpcs import every_served_method, method_path
from tests.integration._pki import make_pki

ALL_METHODS = [(method_path(method), method) for method in every_served_method()]


def test_every_rpc_has_a_scope():
    missing = [name for name, _ in ALL_METHODS if name not in METHOD_SCOPES]
    assert not missing, f"RPCs without a scope: {missing}"
    assert set(METHOD_SCOPES.values()) == set(ALL_SCOPES)


@pytest.fixture
def tokens_file(tmp_path):
    """One token per scope, named after it, plus one with every scope."""
    entries = [
        {"name": scope, "sha256": hash_token(f"secret-{scope}"), "scopes": [scope]}
        for scope in ALL_SCOPES
    ] + [
        {
            "name": f"all-but-{scope}",
            "sha256": hash_token(f"secret-all-but-{scope}"),
            "scopes": [s for s in ALL_SCOPES if s != scope],
        }
        for scope in ALL_SCOPES
    ]
    path = tmp_path / "tokens.yaml"
    path.write_text(yaml.safe_dump({"tokens": entries}))
    return path


@pytest.fixture
async def secured_unit(tokens_file):
    unit = HeadUnit(ServiceConfig(port=0, tokens_file=tokens_file))
    await unit.start()
    yield unit
    await unit.stop(0.2)


def other_scope(scope):
    return next(s for s in ALL_SCOPES if s != scope)


async def invoke(channel, name, method, token):
    """Call any RPC with an empty request; return the status code."""
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    ident = bytes
    try:
        if method.client_streaming and method.server_streaming:
            call = channel.stream_stream(name, ident, ident)(iter([]), metadata=metadata, timeout=5)
            async for _ in call:
                break
            call.cancel()
        elif method.client_streaming:
            await channel.stream_unary(name, ident, ident)(iter([]), metadata=metadata, timeout=5)
        elif method.server_streaming:
            call = channel.unary_stream(name, ident, ident)(b"", metadata=metadata, timeout=5)
            async for _ in call:
                break
            call.cancel()
        else:
            await channel.unary_unary(name, ident, ident)(b"", metadata=metadata, timeout=5)
    except grpc.RpcError as exc:
        return exc.code(), exc.details()
    return grpc.StatusCode.OK, ""


@pytest.mark.parametrize(("name", "method"), ALL_METHODS, ids=[n for n, _ in ALL_METHODS])
async def test_every_rpc_checks_its_scope(secured_unit, name, method):
    scope = METHOD_SCOPES[name]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{secured_unit.port}") as channel:
        code, details = await invoke(channel, name, method, None)
        assert code is grpc.StatusCode.UNAUTHENTICATED, details
        assert f"scope `{scope}`" in details

        code, details = await invoke(channel, name, method, "secret-nobody")
        assert code is grpc.StatusCode.UNAUTHENTICATED, details

        code, details = await invoke(channel, name, method, f"secret-{other_scope(scope)}")
        assert code is grpc.StatusCode.PERMISSION_DENIED, details
        assert f"lacks scope `{scope}`" in details

        # Every other scope together does not make up for the one needed.
        code, details = await invoke(channel, name, method, f"secret-all-but-{scope}")
        assert code is grpc.StatusCode.PERMISSION_DENIED, details

        code, details = await invoke(channel, name, method, f"secret-{scope}")
        assert code not in (
            grpc.StatusCode.UNAUTHENTICATED,
            grpc.StatusCode.PERMISSION_DENIED,
        ), details


async def test_health_needs_no_token(secured_unit):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    async with grpc.aio.insecure_channel(f"127.0.0.1:{secured_unit.port}") as channel:
        resp = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert resp.status == health_pb2.HealthCheckResponse.SERVING


async def test_sdk_sends_its_token_and_maps_refusals(secured_unit):
    target = f"127.0.0.1:{secured_unit.port}"
    async with cardeck.AsyncClient(target) as anonymous:
        with pytest.raises(cardeck.UnauthenticatedError):
            await anonymous.info()
    async with cardeck.AsyncClient(target, token="secret-read") as reader:
        assert (await reader.info()).api_version.major == 1
        with pytest.raises(cardeck.PermissionDeniedError) as caught:
            await reader.update_vehicle_state(speed_kmh=3)
        assert caught.value.reason == "SCOPE_MISSING"
    async with cardeck.AsyncClient(target, token="secret-vehicle:write") as writer:
        assert (await writer.update_vehicle_state(speed_kmh=3)).speed_kmh == 3


def test_sync_sdk_sends_its_token(tokens_file):
    from cardeck.testing import HeadUnitThread

    with HeadUnitThread(ServiceConfig(port=0, tokens_file=tokens_file)) as unit:
        with pytest.raises(cardeck.UnauthenticatedError):
            cardeck.connect(unit.target)
        with cardeck.connect(unit.target, token="secret-read") as client:
            assert client.drive_restrictions().parked


def test_bad_tokens_file_names_the_file_and_field(tmp_path):
    path = tmp_path / "tokens.yaml"
    path.write_text("tokens:\n  - name: x\n    sha256: nothex\n    scopes: [fly]\n")
    with pytest.raises(ValueError, match=r"tokens\.yaml is invalid") as caught:
        HeadUnit(ServiceConfig(port=0, tokens_file=path))
    assert "tokens.0.sha256" in str(caught.value)
    assert "tokens.0.scopes.0" in str(caught.value)


def test_open_head_unit_refuses_a_public_address():
    with pytest.raises(ValueError, match=r"Refusing to serve on 0\.0\.0\.0"):
        HeadUnit(ServiceConfig(host="0.0.0.0", port=0))


# -- TLS -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate for 127.0.0.1 and a client certificate."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@contextlib.asynccontextmanager
async def tls_head_unit(pki, *, mutual=False):
    """A head unit serving TLS with the test PKI's server certificate; mutual asks clients too."""
    config = ServiceConfig(
        port=0,
        tls_cert=pki["server_cert"],
        tls_key=pki["server_key"],
        client_ca=pki["ca"] if mutual else None,
    )
    unit = HeadUnit(config)
    await unit.start()
    try:
        yield unit
    finally:
        await unit.stop(0.2)


async def test_tls_serves_clients_that_trust_the_ca(pki):
    async with tls_head_unit(pki) as unit:
        tls = cardeck.TLSConfig.from_files(ca=pki["ca"])
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}", tls=tls) as client:
            assert (await client.info()).api_version.major == 1
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}", timeout_s=2) as plaintext:
            with pytest.raises(cardeck.UnavailableError):
                await plaintext.info()


async def test_mutual_tls_refuses_clients_without_a_certificate(pki):
    async with tls_head_unit(pki, mutual=True) as unit:
        target = f"127.0.0.1:{unit.port}"
        with_cert = cardeck.TLSConfig.from_files(
            ca=pki["ca"], cert=pki["client_cert"], key=pki["client_key"]
        )
        async with cardeck.AsyncClient(target, tls=with_cert) as client:
            assert (await client.info()).api_version.major == 1
        without = cardeck.TLSConfig.from_files(ca=pki["ca"])
        async with cardeck.AsyncClient(target, tls=without, timeout_s=2) as client:
            with pytest.raises(cardeck.UnavailableError):
                await client.info()


def test_tls_config_needs_cert_and_key_together(pki):
    with pytest.raises(cardeck.UsageError, match="both a client certificate and its key"):
        cardeck.TLSConfig.from_files(ca=pki["ca"], cert=pki["client_cert"])


def _client_ssl(pki, cert=False):
    context = ssl.create_default_context(cafile=pki["ca"])
    if cert:
        context.load_cert_chain(pki["client_cert"], pki["client_key"])
    return context


async def test_a_tls_head_unit_serves_its_websocket_bridge_over_tls_too(pki):
    async with tls_head_unit(pki) as unit:
        tls = cardeck.TLSConfig.from_files(ca=pki["ca"])
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}", tls=tls) as client:
            url = (await client.info()).websocket_url
        assert url.startswith("wss://127.0.0.1:")
        async with ws_connect(url, ssl=_client_ssl(pki)) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert int(first["snapshot"]["seq"]) == unit.store.events.head_seq
        # No plaintext side door: a ws:// client on the same port gets no stream.
        plain = url.replace("wss://", "ws://")
        with pytest.raises(InvalidMessage):  # TLS bytes are no HTTP response
            async with ws_connect(plain, open_timeout=3):
                pass


async def test_a_mutual_tls_bridge_wants_a_client_certificate(pki):
    async with tls_head_unit(pki, mutual=True) as unit:
        url = unit.websocket_url
        async with ws_connect(url, ssl=_client_ssl(pki, cert=True)) as ws:
            assert "snapshot" in json.loads(await asyncio.wait_for(ws.recv(), 5))
        # TLS 1.3 checks the client certificate after the client's handshake, so the
        # refusal arrives as the connection dropping instead of an HTTP answer.
        with pytest.raises((InvalidMessage, ssl.SSLError)):
            async with ws_connect(url, ssl=_client_ssl(pki), open_timeout=3) as ws:
                await asyncio.wait_for(ws.recv(), 5)
