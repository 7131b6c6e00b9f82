"""Build → push to a "USB" folder → the watcher installs → list → upgrade → rollback, over gRPC."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
import yaml
from conftest import NEW_PROFILE_ID, VEHICLE, BuildBundle
from grpc_status import rpc_status

from cardeck.deploy import KeyPair, push_usb
from cardeck.v1 import packages_service_pb2 as pb
from cardeck.v1 import packages_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2
from cardeck_sim.install import Installer, UsbInstallResult, UsbWatcher
from cardeck_sim.service import PackagesServicer
from cardeck_sim.service._auth import Authorizer
from cardeck_sim.service._interceptors import ServiceInterceptor


class Unit:
    """The pieces of a head unit the deploy path needs, with what they reported."""

    def __init__(self, installer: Installer, stub: pb_grpc.PackagesServiceStub) -> None:
        self.installer = installer
        self.stub = stub
        self.installed: list[list[Path]] = []
        self.events: list[types_pb2.InstallProgress] = []
        self.results: list[UsbInstallResult] = []


@pytest.fixture
async def unit(tmp_path: Path, keys: KeyPair) -> AsyncIterator[Unit]:
    installer = Installer(tmp_path / "hu", [keys.public_path], VEHICLE, (1, 0))
    server = grpc.aio.server(interceptors=[ServiceInterceptor(Authorizer(None))])
    holder: list[Unit] = []

    async def on_installed(paths: list[Path]) -> None:
        holder[0].installed.append(paths)

    servicer = PackagesServicer(
        installer, on_installed=on_installed, publish=lambda p: holder[0].events.append(p)
    )
    pb_grpc.add_PackagesServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    holder.append(Unit(installer, pb_grpc.PackagesServiceStub(channel)))

    async def on_result(result: UsbInstallResult) -> None:
        holder[0].results.append(result)
        await servicer.on_usb_result(result)

    watcher = UsbWatcher(
        tmp_path / "usb",
        installer,
        on_result=on_result,
        progress=servicer.emit_progress,
        interval_s=0.05,
    )
    watcher.start()
    try:
        yield holder[0]
    finally:
        await watcher.stop()
        await channel.close()
        await server.stop(0)


async def wait_for(predicate: object, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.02)


def chunks(bundle: Path, allow_downgrade: bool = False) -> list[pb.InstallPackageRequest]:
    data = bundle.read_bytes()
    header = pb.InstallPackageHeader(size_bytes=len(data), allow_downgrade=allow_downgrade)
    step = 4096
    return [pb.InstallPackageRequest(header=header)] + [
        pb.InstallPackageRequest(chunk=data[i : i + step]) for i in range(0, len(data), step)
    ]


async def test_usb_install_list_upgrade_rollback(
    unit: Unit, make_bundle: BuildBundle, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    # An interrupted copy left behind: the watcher must ignore it.
    (usb / "acme-0.9.0.tmp").write_bytes(b"half a bundle")

    pushed = push_usb(make_bundle("1.0.0"), usb)
    assert "safe to remove" in pushed.message
    await wait_for(lambda: unit.installed)

    [paths] = unit.installed
    assert [p.name for p in paths] == [f"{NEW_PROFILE_ID}.yaml"]
    assert yaml.safe_load(paths[0].read_text())["id"] == NEW_PROFILE_ID
    assert [r.path.name for r in unit.results] == ["acme-1.0.0.cdbundle"]
    phases = [e.phase for e in unit.events]
    assert phases[0] == types_pb2.INSTALL_PHASE_VERIFYING
    assert phases[-1] == types_pb2.INSTALL_PHASE_DONE
    assert types_pb2.INSTALL_PHASE_STAGING in phases
    assert types_pb2.INSTALL_PHASE_ACTIVATING in phases

    listed = await unit.stub.ListPackages(pb.ListPackagesRequest())
    [package] = listed.packages
    assert (package.name, package.version, package.previous_version) == ("acme", "1.0.0", "")
    assert list(package.profile_ids) == [NEW_PROFILE_ID]
    assert package.signer_key_id == unit.installer.list()[0].signer_key_id

    # Version 2 arrives over PackagesService.InstallPackage.
    response = await unit.stub.InstallPackage(iter(chunks(make_bundle("2.0.0"))))
    assert (response.package.version, response.package.previous_version) == ("2.0.0", "1.0.0")
    assert response.progress.phase == types_pb2.INSTALL_PHASE_DONE
    assert len(unit.installed) == 2
    assert "(2.0.0)" in unit.installed[1][0].read_text()

    rolled = await unit.stub.RollbackPackage(pb.RollbackPackageRequest(name="acme"))
    assert (rolled.package.version, rolled.package.previous_version) == ("1.0.0", "2.0.0")
    assert "(1.0.0)" in unit.installed[2][0].read_text()
    listed = await unit.stub.ListPackages(pb.ListPackagesRequest())
    assert [(p.name, p.version) for p in listed.packages] == [("acme", "1.0.0")]
    # The .tmp never produced a result.
    assert all(r.path.suffix == ".cdbundle" for r in unit.results)


async def test_usb_truncated_copy_is_ignored(
    unit: Unit, make_bundle: BuildBundle, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    push_usb(make_bundle("1.0.0"), usb)
    await wait_for(lambda: unit.installed)
    data = make_bundle("2.0.0").read_bytes()
    (usb / "acme-2.0.0.cdbundle").write_bytes(data[: len(data) // 3])
    await wait_for(lambda: len(unit.results) == 2)
    error = unit.results[1].error
    assert error is not None and "cut off while being copied" in str(error)
    assert [(p.name, p.version) for p in unit.installer.list()] == [("acme", "1.0.0")]
    assert len(unit.installed) == 1


def status_reason(exc: grpc.aio.AioRpcError) -> str:
    from google.rpc import error_details_pb2

    status = rpc_status.from_call(exc)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


@pytest.mark.parametrize(
    ("case", "code", "reason"),
    [
        ("untrusted", grpc.StatusCode.PERMISSION_DENIED, "BUNDLE_UNTRUSTED"),
        ("short-stream", grpc.StatusCode.DATA_LOSS, "BUNDLE_TRUNCATED"),
        ("oversized-header", grpc.StatusCode.RESOURCE_EXHAUSTED, "BUNDLE_OVERSIZED"),
        ("no-header", grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        ("downgrade", grpc.StatusCode.FAILED_PRECONDITION, "BUNDLE_DOWNGRADE"),
    ],
)
async def test_install_refusals_over_grpc(
    unit: Unit,
    make_bundle: BuildBundle,
    other_keys: KeyPair,
    case: str,
    code: grpc.StatusCode,
    reason: str,
) -> None:
    await unit.stub.InstallPackage(iter(chunks(make_bundle("1.5.0"))))
    if case == "untrusted":
        requests = chunks(make_bundle("2.0.0", key=other_keys.private_path))
    elif case == "short-stream":
        requests = chunks(make_bundle("2.0.0"))[:-1]
    elif case == "oversized-header":
        requests = [pb.InstallPackageRequest(header=pb.InstallPackageHeader(size_bytes=1 << 40))]
    elif case == "no-header":
        requests = chunks(make_bundle("2.0.0"))[1:]
    else:
        requests = chunks(make_bundle("1.0.0"))
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await unit.stub.InstallPackage(iter(requests))
    assert info.value.code() == code
    details = info.value.details() or ""
    assert details[0].isupper() and details.endswith("."), details
    assert status_reason(info.value) == reason
    assert [(p.name, p.version) for p in unit.installer.list()] == [("acme", "1.5.0")]
    assert unit.events[-1].phase == types_pb2.INSTALL_PHASE_FAILED
    assert list((unit.installer.root / "incoming").iterdir()) == []


async def test_rollback_refusals_over_grpc(unit: Unit, make_bundle: BuildBundle) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await unit.stub.RollbackPackage(pb.RollbackPackageRequest(name="acme"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    await unit.stub.InstallPackage(iter(chunks(make_bundle("1.0.0"))))
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await unit.stub.RollbackPackage(pb.RollbackPackageRequest(name="acme"))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "has no previous version" in (info.value.details() or "")
