"""``cardeck deploy list | rollback`` against a real PackagesService (served from a thread)."""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from conftest import VEHICLE, BuildBundle

from cardeck._exceptions import FailedPreconditionError, NotFoundError
from cardeck.cli import _deploy_cmds
from cardeck.deploy import KeyPair
from cardeck.v1 import packages_service_pb2_grpc as pb_grpc
from cardeck_sim.install import Installer
from cardeck_sim.service import PackagesServicer
from cardeck_sim.service._auth import Authorizer
from cardeck_sim.service._interceptors import ServiceInterceptor


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cardeck")
    _deploy_cmds.register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def served(tmp_path: Path, keys: KeyPair) -> Iterator[tuple[str, Installer]]:
    """A PackagesService on 127.0.0.1 in its own thread and loop; yields (target, installer)."""
    installer = Installer(tmp_path / "hu", [keys.public_path], VEHICLE)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    port: list[int] = []

    async def serve() -> None:
        server = grpc.aio.server(interceptors=[ServiceInterceptor(Authorizer(None))])
        pb_grpc.add_PackagesServiceServicer_to_server(PackagesServicer(installer), server)
        port.append(server.add_insecure_port("127.0.0.1:0"))
        await server.start()
        ready.set()
        await stop.wait()
        await server.stop(0)

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield f"127.0.0.1:{port[0]}", installer
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()


def test_list_and_rollback(
    served: tuple[str, Installer], make_bundle: BuildBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    target, installer = served
    assert run(["deploy", "list", "--target", target]) == 0
    assert capsys.readouterr().out == "No bundles are installed.\n"
    with pytest.raises(NotFoundError, match=r"No bundle named 'acme' is installed"):
        run(["deploy", "rollback", "acme", "--target", target])

    installer.install(make_bundle("1.0.0"))
    with pytest.raises(FailedPreconditionError, match=r"has no previous version"):
        run(["deploy", "rollback", "acme", "--target", target])
    installer.install(make_bundle("2.0.0"))
    signer = installer.list()[0].signer_key_id
    assert run(["deploy", "list", "--target", target]) == 0
    assert capsys.readouterr().out == (
        "NAME  VERSION  PREVIOUS  SIGNER            PROFILES\n"
        f"acme  2.0.0    1.0.0     {signer}  acme-concept-1\n"
    )
    assert run(["deploy", "rollback", "acme", "--target", target]) == 0
    assert capsys.readouterr().out == (
        "Rolled back acme to 1.0.0; 2.0.0 is kept as the previous one.\n"
    )
