"""A key pair and a small payload folder for the deploy library tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardeck.deploy import KeyPair, generate_keypair

REPO = Path(__file__).resolve().parents[3]
# A real vehicle profile with a new id: bundles refuse invalid profiles.
PROFILE = (
    (REPO / "layouts" / "vehicles" / "polestar-2.yaml")
    .read_text()
    .replace("id: polestar-2", "id: acme-1", 1)
)


@pytest.fixture
def keys(tmp_path: Path) -> KeyPair:
    """A fresh signing key pair."""
    return generate_keypair(tmp_path / "keys", "oem")


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    """A payload folder with a profile, a template, a theme and a web asset."""
    root = tmp_path / "payload"
    for rel, text in {
        "profiles/acme-1.yaml": PROFILE,
        "templates/dash.yaml": "label: dash\n",
        "themes/night/markers.json": '{"fuel": "#ff0"}\n',
        "web/index.html": "<!doctype html><title>ACME</title>\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root
