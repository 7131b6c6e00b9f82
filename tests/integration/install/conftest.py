"""Keys, payloads and bundles (good and crafted-bad) for the installer tests."""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from cardeck.deploy import (
    FileEntry,
    KeyPair,
    Manifest,
    build_bundle,
    generate_keypair,
    key_id,
    load_private_key,
)

REPO = Path(__file__).resolve().parents[3]
SOURCE_PROFILE = REPO / "layouts" / "vehicles" / "polestar-2.yaml"
VEHICLE = "polestar-2"
NEW_PROFILE_ID = "acme-concept-1"

BuildBundle = Callable[..., Path]


@pytest.fixture
def keys(tmp_path: Path) -> KeyPair:
    """The trusted OEM key pair."""
    return generate_keypair(tmp_path / "keys", "oem")


@pytest.fixture
def other_keys(tmp_path: Path) -> KeyPair:
    """A key pair the head unit does not trust."""
    return generate_keypair(tmp_path / "keys", "stranger")


def write_payload(root: Path, label: str) -> Path:
    """A payload with a new vehicle profile (a copy of polestar-2 with a new id) and a template."""
    data = yaml.safe_load(SOURCE_PROFILE.read_text())
    data["id"] = NEW_PROFILE_ID
    data["name"] = f"ACME Concept ({label})"
    (root / "profiles").mkdir(parents=True, exist_ok=True)
    (root / "templates").mkdir(exist_ok=True)
    (root / "profiles" / f"{NEW_PROFILE_ID}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (root / "templates" / "dash.yaml").write_text(f"label: {label}\n")
    return root


@pytest.fixture
def make_bundle(tmp_path: Path, keys: KeyPair) -> BuildBundle:
    """Build a signed bundle: ``make_bundle(version, key=..., vehicles=..., api=...)``."""

    def make(
        version: str = "1.0.0",
        *,
        key: Path | None = None,
        vehicles: Sequence[str] = (VEHICLE,),
        api: str = "1.0",
        name: str = "acme",
    ) -> Path:
        source = write_payload(tmp_path / f"payload-{name}-{version}", version)
        out = tmp_path / "out" / f"{name}-{version}.cdbundle"
        build_bundle(
            source,
            out,
            key=key or keys.private_path,
            name=name,
            version=version,
            min_api_version=api,
            target_vehicles=vehicles,
        )
        return out

    return make


def craft_bundle(
    out: Path,
    key_path: Path,
    members: Sequence[tuple[tarfile.TarInfo, bytes]],
    *,
    listed: Sequence[tuple[str, bytes]] | None = None,
    sign: bool = True,
    version: str = "9.0.0",
) -> Path:
    """A hand-made archive whose manifest lists ``listed`` (default: every regular member)."""
    private = load_private_key(key_path)
    if listed is None:
        listed = [(info.name, data) for info, data in members if info.isreg()]
    manifest = Manifest(
        name="acme",
        version=version,
        min_api_version="1.0",
        target_vehicles=(VEHICLE,),
        created_at=datetime.now(UTC),
        signer_key_id=key_id(private.public_key()),
        files=tuple(
            FileEntry(path=p, sha256=hashlib.sha256(d).hexdigest(), size=len(d)) for p, d in listed
        ),
    )
    body = manifest.to_yaml()
    head: list[tuple[tarfile.TarInfo, bytes]] = [(file_info("manifest.yaml", body), body)]
    if sign:
        sig = private.sign(body)
        head.append((file_info("manifest.sig", sig), sig))
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in [*head, *members]:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return out


def file_info(
    name: str, data: bytes, kind: bytes = tarfile.REGTYPE, link: str = ""
) -> tarfile.TarInfo:
    """A tar header for ``name``."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = link
    return info
