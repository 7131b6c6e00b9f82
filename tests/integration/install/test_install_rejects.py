"""Every refusal leaves the installed version intact and says why in a sentence."""

from __future__ import annotations

import tarfile
from pathlib import Path

import grpc
import pytest
from conftest import VEHICLE, BuildBundle, craft_bundle, file_info

from cardeck.deploy import BundleRejectedError, KeyPair, RejectReason
from cardeck_sim.install import Installer, InstallPhase, InstallProgress
from cardeck_sim.service import rejection_to_failure

PROFILE = b"id: evil\n"


@pytest.fixture
def installer(tmp_path: Path, keys: KeyPair, make_bundle: BuildBundle) -> Installer:
    """An installer with acme 1.0.0 installed."""
    unit = Installer(tmp_path / "hu", [keys.public_path], VEHICLE, (1, 0), max_bundle_bytes=1 << 20)
    unit.install(make_bundle("1.0.0"))
    return unit


def snapshot(root: Path) -> dict[str, str]:
    """Every path under root with its link target or file bytes, to compare before and after."""
    state = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            state[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            state[rel] = path.read_bytes().hex()
        else:
            state[rel] = "dir"
    return state


def assert_refused(
    installer: Installer, bundle: Path, reason: RejectReason, code: grpc.StatusCode, **kw: bool
) -> str:
    before = snapshot(installer.root)
    reports: list[InstallProgress] = []
    with pytest.raises(BundleRejectedError) as info:
        installer.install(bundle, progress=reports.append, **kw)
    assert info.value.reason is reason, str(info.value)
    message = str(info.value)
    # A sentence: starts upper case, ends with a full stop, and says what to do.
    assert message[0].isupper() and message.endswith("."), message
    assert rejection_to_failure(info.value).code is code
    assert reports[-1].phase is InstallPhase.FAILED and reports[-1].message == message
    assert snapshot(installer.root) == before
    assert [(p.name, p.version) for p in installer.list()] == [("acme", "1.0.0")]
    return message


def test_tampered_file(installer: Installer, make_bundle: BuildBundle, tmp_path: Path) -> None:
    bundle = make_bundle("2.0.0")
    data = bytearray(bundle.read_bytes())
    at = data.find(b"label: 2.0.0")
    data[at : at + 5] = b"LABEL"
    bundle.write_bytes(bytes(data))
    msg = assert_refused(
        installer, bundle, RejectReason.TAMPERED, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "templates/dash.yaml does not match its SHA-256" in msg


def test_wrong_key(installer: Installer, make_bundle: BuildBundle, other_keys: KeyPair) -> None:
    bundle = make_bundle("2.0.0", key=other_keys.private_path)
    msg = assert_refused(
        installer, bundle, RejectReason.UNTRUSTED, grpc.StatusCode.PERMISSION_DENIED
    )
    assert "does not verify with any trusted key" in msg


def test_no_signature(installer: Installer, keys: KeyPair, tmp_path: Path) -> None:
    bundle = craft_bundle(
        tmp_path / "unsigned.cdbundle",
        keys.private_path,
        [(file_info("profiles/a.yaml", PROFILE), PROFILE)],
        sign=False,
    )
    msg = assert_refused(
        installer, bundle, RejectReason.UNSIGNED, grpc.StatusCode.PERMISSION_DENIED
    )
    assert "has no signature" in msg


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        (file_info("profiles/../../etc/passwd", PROFILE), "contains '..'"),
        (file_info("/etc/cardeck.yaml", PROFILE), "is an absolute path"),
        (file_info("profiles/link.yaml", b"", tarfile.SYMTYPE, "/etc/passwd"), "is a link"),
        (file_info("profiles/hard.yaml", b"", tarfile.LNKTYPE, "manifest.yaml"), "is a link"),
        (file_info("profiles/dev", b"", tarfile.CHRTYPE), "is a device"),
        (file_info("bin/run.sh", PROFILE), "outside the payload folders"),
    ],
    ids=["dotdot", "absolute", "symlink", "hardlink", "device", "outside"],
)
def test_unsafe_path(
    installer: Installer, keys: KeyPair, tmp_path: Path, member: tarfile.TarInfo, expected: str
) -> None:
    data = PROFILE if member.isreg() else b""
    good = file_info("profiles/ok.yaml", PROFILE)
    bundle = craft_bundle(
        tmp_path / "unsafe.cdbundle",
        keys.private_path,
        [(good, PROFILE), (member, data)],
        listed=[("profiles/ok.yaml", PROFILE)],
    )
    msg = assert_refused(
        installer, bundle, RejectReason.UNSAFE_PATH, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert expected in msg
    assert not (tmp_path / "etc").exists()


def test_missing_and_extra_files(installer: Installer, keys: KeyPair, tmp_path: Path) -> None:
    bundle = craft_bundle(
        tmp_path / "extra.cdbundle",
        keys.private_path,
        [(file_info("profiles/extra.yaml", PROFILE), PROFILE)],
        listed=[("profiles/listed.yaml", PROFILE)],
    )
    msg = assert_refused(
        installer, bundle, RejectReason.TAMPERED, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "profiles/extra.yaml is in the archive but not in the manifest" in msg
    assert "profiles/listed.yaml is in the manifest but missing" in msg


def test_downgrade(installer: Installer, make_bundle: BuildBundle) -> None:
    installer.install(make_bundle("1.1.0"))
    before = make_bundle("1.0.1")
    msg = assert_refused_version(installer, before)
    assert "not newer than the installed version 1.1.0" in msg
    # Explicitly allowed, it installs.
    assert installer.install(before, allow_downgrade=True).version == "1.0.1"


def assert_refused_version(installer: Installer, bundle: Path) -> str:
    state = snapshot(installer.root)
    with pytest.raises(BundleRejectedError) as info:
        installer.install(bundle)
    assert info.value.reason is RejectReason.DOWNGRADE
    assert rejection_to_failure(info.value).code is grpc.StatusCode.FAILED_PRECONDITION
    assert snapshot(installer.root) == state
    return str(info.value)


def test_same_version_is_refused(installer: Installer, make_bundle: BuildBundle) -> None:
    bundle = make_bundle("1.0.0", name="acme")
    msg = assert_refused(
        installer, bundle, RejectReason.DOWNGRADE, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "1.0.0 is not newer" in msg


def test_wrong_vehicle(installer: Installer, make_bundle: BuildBundle) -> None:
    bundle = make_bundle("2.0.0", vehicles=["tesla-model-3"])
    msg = assert_refused(
        installer, bundle, RejectReason.WRONG_VEHICLE, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "not for this vehicle (polestar-2)" in msg


def test_too_new_api(installer: Installer, make_bundle: BuildBundle) -> None:
    bundle = make_bundle("2.0.0", api="1.3")
    msg = assert_refused(
        installer, bundle, RejectReason.API_TOO_NEW, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "needs API 1.3, but this head unit speaks API 1.0" in msg


def payload_end(bundle: Path) -> int:
    """The offset just past the last member's data: where the end-of-archive marker starts."""
    with tarfile.open(bundle) as tar:
        last = tar.getmembers()[-1]
    return last.offset_data + -(-last.size // 512) * 512


@pytest.mark.parametrize("cut", ["in-data", "at-marker", "in-marker", "empty"])
def test_truncated(installer: Installer, make_bundle: BuildBundle, cut: str) -> None:
    bundle = make_bundle("2.0.0")
    data = bundle.read_bytes()
    end = payload_end(bundle)
    keep = {"in-data": end - 600, "at-marker": end, "in-marker": end + 512, "empty": 0}[cut]
    bundle.write_bytes(data[:keep])
    msg = assert_refused(installer, bundle, RejectReason.TRUNCATED, grpc.StatusCode.DATA_LOSS)
    assert "cut off while being copied" in msg or "is empty" in msg


def test_oversized(installer: Installer, make_bundle: BuildBundle) -> None:
    bundle = make_bundle("2.0.0")
    with bundle.open("ab") as fh:
        fh.write(b"\0" * (1 << 20))
    msg = assert_refused(
        installer, bundle, RejectReason.OVERSIZED, grpc.StatusCode.RESOURCE_EXHAUSTED
    )
    assert "over this head unit's limit of 1048576 bytes" in msg


def test_not_an_archive(installer: Installer, tmp_path: Path) -> None:
    junk = tmp_path / "junk.cdbundle"
    junk.write_bytes(b"hello, I am not a tar file" * 100)
    assert_refused(installer, junk, RejectReason.MALFORMED, grpc.StatusCode.FAILED_PRECONDITION)


def test_invalid_profile(installer: Installer, keys: KeyPair, tmp_path: Path) -> None:
    bundle = craft_bundle(
        tmp_path / "bad-profile.cdbundle",
        keys.private_path,
        [(file_info("profiles/evil.yaml", PROFILE), PROFILE)],
    )
    msg = assert_refused(
        installer, bundle, RejectReason.INVALID_PROFILE, grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "profiles/evil.yaml" in msg
