"""Deploy end to end: signed bundles over USB and gRPC into a running head unit, both twins."""

import asyncio

import pytest
import yaml

import cardeck
from cardeck.deploy import (
    BundleRejectedError,
    RejectReason,
    build_bundle,
    generate_keypair,
    push_usb,
)
from cardeck.layout import bundled_layouts_dir
from cardeck_sim.headunit import HeadUnit, ServiceConfig

VEHICLE = "hyundai-kia-ccnc"  # the head unit's active profile: bundles must target it


def make_payload(root, profile_id, width):
    """A payload with one new vehicle profile, derived from a bundled one."""
    source = bundled_layouts_dir() / "vehicles" / "tesla-model-3.yaml"
    data = yaml.safe_load(source.read_text())
    data["id"], data["name"] = profile_id, f"Test car {width}"
    (root / "profiles").mkdir(parents=True)
    (root / "profiles" / f"{profile_id}.yaml").write_text(yaml.safe_dump(data))
    return root


@pytest.fixture
def keys(tmp_path):
    return generate_keypair(tmp_path / "keys", "oem")


def bundle(tmp_path, keys, version, profile_id="oem-test-car"):
    payload = make_payload(tmp_path / f"payload-{version}", profile_id, version)
    return build_bundle(
        payload,
        tmp_path / f"oem-{version}.cdbundle",
        key=keys.private_path,
        name="oem",
        version=version,
        target_vehicles=[VEHICLE],
    ).path


async def wait_for(predicate, timeout_s=20):
    for _ in range(int(timeout_s / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_async_usb_install_then_activate_then_rollback(tmp_path, keys):
    usb = tmp_path / "usb"
    usb.mkdir()
    config = ServiceConfig(
        port=0, state_dir=tmp_path / "state", trusted_keys=(keys.public_path,), usb_dir=usb
    )
    unit = HeadUnit(config)
    await unit.start()
    try:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            assert (await client.info()).has(cardeck.Capability.PACKAGES)
            stream = client.events(kinds=[cardeck.EventKind.PACKAGES])
            await stream.open()

            result = push_usb(bundle(tmp_path, keys, "1.0.0"), usb)
            assert "safe to remove" in result.message.lower()

            async def installed():
                return any(
                    p.profile_id == "oem-test-car" for p in await client.layout.list_profiles()
                )

            await wait_for(installed)
            phases = []
            while not phases or phases[-1] is not cardeck.InstallPhase.DONE:
                phases.append((await asyncio.wait_for(stream.__anext__(), 10)).data.phase)
            await stream.aclose()
            assert cardeck.InstallPhase.VERIFYING in phases

            summary = next(
                p for p in await client.layout.list_profiles() if p.profile_id == "oem-test-car"
            )
            assert (summary.source, summary.package_name) == ("installed", "oem")
            layouts = await client.layout.set_active_profile("oem-test-car")
            assert layouts, "the installed profile lays out and activates"

            # Version 2 over gRPC replaces the profile; rollback brings version 1 back.
            await client.layout.set_active_profile(VEHICLE)
            v2 = await client.packages.install(
                bundle(tmp_path, keys, "2.0.0", profile_id="oem-test-car-2")
            )
            assert (v2.version, v2.previous_version) == ("2.0.0", "1.0.0")
            ids = {p.profile_id for p in await client.layout.list_profiles()}
            assert "oem-test-car-2" in ids and "oem-test-car" not in ids
            back = await client.packages.rollback("oem")
            assert back.version == "1.0.0"
            ids = {p.profile_id for p in await client.layout.list_profiles()}
            assert "oem-test-car" in ids and "oem-test-car-2" not in ids
    finally:
        await unit.stop(0.2)


def test_sync_refused_bundles_leave_the_installed_set_intact(tmp_path, keys):
    from cardeck.testing import HeadUnitThread

    stranger = generate_keypair(tmp_path / "stranger", "stranger")
    config = ServiceConfig(port=0, trusted_keys=(keys.public_path,))
    with HeadUnitThread(config) as unit, cardeck.Client(unit.target) as client:
        client.packages.install(bundle(tmp_path, keys, "1.0.0"))
        forged = build_bundle(
            make_payload(tmp_path / "forged", "oem-test-car", 9),
            tmp_path / "forged.cdbundle",
            key=stranger.private_path,
            name="oem",
            version="9.0.0",
            target_vehicles=[VEHICLE],
        ).path
        with pytest.raises(cardeck.PermissionDeniedError, match="trusted"):
            client.packages.install(forged)
        with pytest.raises(cardeck.FailedPreconditionError):
            client.packages.install(bundle(tmp_path, keys, "0.9.0"))  # a downgrade
        [package] = client.packages.list()
        assert package.version == "1.0.0"


async def test_a_bundles_profiles_are_checked_in_the_profile_worker(tmp_path, keys):
    """The installer thread hands the profile check to the worker process (not the GIL)."""
    config = ServiceConfig(port=0, trusted_keys=(keys.public_path,))
    unit = HeadUnit(config)
    await unit.start()
    try:
        assert unit.worker.pid is None  # started on first use
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            await client.packages.install(bundle(tmp_path, keys, "1.0.0"))
            assert unit.worker.pid is not None
        # What an installer thread calls for a bundle whose profile is broken:
        # build_bundle refuses to build one, so the check is called as the installer does.
        with pytest.raises(BundleRejectedError) as info:
            await asyncio.to_thread(
                unit.installer.profile_checker, [("profiles/bad.yaml", b"id: [unclosed\n")]
            )
        assert info.value.reason is RejectReason.INVALID_PROFILE
        assert "profiles/bad.yaml:2" in str(info.value)
    finally:
        await unit.stop(0.2)
