"""Keys, manifest, build and verify: the pure library, no head unit."""

from __future__ import annotations

import hashlib
import os
import stat
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

import cardeck.deploy
from cardeck._exceptions import DeployError, SigningError
from cardeck.deploy import (
    BundleRejectedError,
    BundleSignatureError,
    KeyPair,
    Manifest,
    RejectReason,
    build_bundle,
    check_newer,
    check_target,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    semver_key,
    verify_bundle,
)

CREATED = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def build(payload: Path, keys: KeyPair, out: Path, **kw: object) -> Path:
    options: dict[str, object] = {
        "name": "acme",
        "version": "1.0.0",
        "target_vehicles": ["polestar-2"],
        "created_at": CREATED,
    }
    options.update(kw)
    build_bundle(payload, out, key=keys.private_path, **options)  # type: ignore[arg-type]
    return out


def test_all_is_sorted_and_complete() -> None:
    names = cardeck.deploy.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in names:
        assert hasattr(cardeck.deploy, name)


def test_keygen_writes_a_private_key_only_the_owner_can_read(tmp_path: Path) -> None:
    pair = generate_keypair(tmp_path, "oem")
    assert stat.S_IMODE(os.stat(pair.private_path).st_mode) == 0o600
    public = load_public_key(pair.public_path)
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert pair.key_id == hashlib.sha256(raw).hexdigest()[:16] == key_id(public)
    # The same key as raw bytes has the same id.
    assert key_id(load_public_key(raw)) == pair.key_id
    assert key_id(load_private_key(pair.private_path).public_key()) == pair.key_id


def test_keygen_refuses_to_overwrite(tmp_path: Path) -> None:
    generate_keypair(tmp_path, "oem")
    with pytest.raises(SigningError, match=r"exists already .* pass --force"):
        generate_keypair(tmp_path, "oem")
    assert generate_keypair(tmp_path, "oem", overwrite=True).key_id


def test_keys_of_the_wrong_kind_are_refused_with_a_fix(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = tmp_path / "rsa.key"
    pem.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(SigningError, match=r"holds a .*RSAPrivateKey.*cardeck deploy keygen"):
        load_private_key(pem)
    with pytest.raises(SigningError, match=r"cannot be read"):
        load_private_key(tmp_path / "missing.key")
    with pytest.raises(SigningError, match=r"is not a PEM or raw 32-byte public key"):
        load_public_key(b"nonsense")


def test_manifest_is_strict_and_frozen() -> None:
    base = {
        "name": "acme",
        "version": "1.0.0",
        "min_api_version": "1.0",
        "target_vehicles": ["polestar-2"],
        "created_at": CREATED,
        "signer_key_id": "0123456789abcdef",
        "files": [],
    }
    manifest = Manifest.model_validate(base)
    assert Manifest.from_yaml(manifest.to_yaml()) == manifest
    with pytest.raises(ValidationError):
        Manifest.model_validate({**base, "surprise": 1})
    with pytest.raises(ValidationError):
        Manifest.model_validate({**base, "version": "1.0"})
    with pytest.raises(ValidationError):
        Manifest.model_validate({**base, "created_at": datetime(2026, 1, 1)})
    with pytest.raises(ValidationError):
        manifest.name = "other"  # type: ignore[misc]


def test_semver_order() -> None:
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11"]
    ordered += ["1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"]
    assert sorted(ordered, key=semver_key) == ordered
    assert semver_key("1.0.0+build.5") == semver_key("1.0.0")


def test_build_then_verify(payload: Path, keys: KeyPair, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = build(
        payload, keys, tmp_path / "acme.cdbundle", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1][0] == seen[-1][1] > 0
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert names[:2] == ["manifest.yaml", "manifest.sig"]
    assert names[2:] == sorted(names[2:])
    hashed: list[tuple[int, int]] = []
    verified = verify_bundle(out, [keys.public_path], progress=lambda d, t: hashed.append((d, t)))
    assert verified.key_id == keys.key_id == verified.manifest.signer_key_id
    assert {f.path for f in verified.manifest.files} == set(names[2:])
    assert hashed[-1][0] == hashed[-1][1] == sum(f.size for f in verified.manifest.files)
    assert not list(tmp_path.glob("*.tmp"))


def test_build_is_reproducible(payload: Path, keys: KeyPair, tmp_path: Path) -> None:
    a = build(payload, keys, tmp_path / "a.cdbundle")
    b = build(payload, keys, tmp_path / "b.cdbundle")
    assert a.read_bytes() == b.read_bytes()


def test_build_refuses_links_and_empty_payloads(
    payload: Path, keys: KeyPair, tmp_path: Path
) -> None:
    (payload / "web" / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(DeployError, match=r"web/passwd is a symbolic link"):
        build(payload, keys, tmp_path / "x.cdbundle")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DeployError, match=r"has no payload files"):
        build(empty, keys, tmp_path / "x.cdbundle")


def test_build_rejects_bad_metadata(payload: Path, keys: KeyPair, tmp_path: Path) -> None:
    with pytest.raises(DeployError, match=r"The bundle metadata is invalid"):
        build(payload, keys, tmp_path / "x.cdbundle", version="1.0")


def test_wrong_key_is_a_signing_error(payload: Path, keys: KeyPair, tmp_path: Path) -> None:
    other = generate_keypair(tmp_path / "other", "other")
    out = build(payload, keys, tmp_path / "acme.cdbundle")
    with pytest.raises(BundleSignatureError) as info:
        verify_bundle(out, [other.public_path])
    assert isinstance(info.value, SigningError)
    assert info.value.reason is RejectReason.UNTRUSTED
    assert other.key_id in str(info.value)


def test_target_and_version_checks(payload: Path, keys: KeyPair, tmp_path: Path) -> None:
    out = build(payload, keys, tmp_path / "acme.cdbundle", min_api_version="1.2")
    manifest = verify_bundle(out, [keys.public_path]).manifest
    check_target(manifest, api_version=(1, 2), vehicle_id="polestar-2")
    check_target(manifest, api_version=(1, 5), vehicle_id="polestar-2")
    for api in [(1, 1), (2, 5)]:
        with pytest.raises(BundleRejectedError) as info:
            check_target(manifest, api_version=api, vehicle_id="polestar-2")
        assert info.value.reason is RejectReason.API_TOO_NEW
    with pytest.raises(BundleRejectedError) as info:
        check_target(manifest, api_version=(1, 2), vehicle_id="tesla-model-3")
    assert info.value.reason is RejectReason.WRONG_VEHICLE
    check_newer(manifest, None, allow_downgrade=False)
    check_newer(manifest, "0.9.9", allow_downgrade=False)
    check_newer(manifest, "2.0.0", allow_downgrade=True)
    with pytest.raises(BundleRejectedError, match=r"not newer than the installed version 1\.0\.0"):
        check_newer(manifest, "1.0.0", allow_downgrade=False)


def test_build_refuses_invalid_profiles(payload: Path, keys: KeyPair, tmp_path: Path) -> None:
    (payload / "profiles" / "broken.yaml").write_text("id: broken\n")
    with pytest.raises(BundleRejectedError) as info:
        build(payload, keys, tmp_path / "x.cdbundle")
    assert info.value.reason is RejectReason.INVALID_PROFILE
    assert "profiles/broken.yaml" in str(info.value)
    assert not (tmp_path / "x.cdbundle").exists()
