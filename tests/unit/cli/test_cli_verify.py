"""``cardeck deploy verify`` on files that are not bundles: one sentence, exit 1."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from cardeck.deploy import generate_keypair

CARDECK = [sys.executable, "-m", "cardeck.cli"]
HINT = "build one with `cardeck deploy build`"
# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def a_tar_without_manifest() -> bytes:
    """An uncompressed tar holding one text file: a tar, but not a bundle."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"hello\n"))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("x.txt", b"hello, I am a note\n", "it is a text file"),
        ("long.txt", "Grüße, ".encode() * 400, "it is a text file"),
        ("empty.cdbundle", b"", "it is empty, as an interrupted copy leaves it"),
        ("logo.png", PNG, "it is a PNG image"),
        ("bundle.zip", b"PK\x03\x04" + b"\0" * 600, "it is a zip archive"),
        (
            "bundle.tar.gz",
            b"\x1f\x8b\x08" + b"\0" * 600,
            "it is a gzip file; bundles are uncompressed tars",
        ),
        ("noise.bin", bytes(range(256)) * 4, "it does not start with a tar header"),
        ("plain.tar", a_tar_without_manifest(), "it is a tar archive without manifest.yaml"),
    ],
)
def test_verify_says_the_file_is_not_a_bundle(
    tmp_path: Path, name: str, content: bytes, what: str
) -> None:
    keys = generate_keypair(tmp_path / "keys", "oem")
    path = tmp_path / name
    path.write_bytes(content)
    result = subprocess.run(
        [*CARDECK, "deploy", "verify", str(path), "--trusted-key", str(keys.public_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    tail = ", or copy the bundle again from the original." if not content else "."
    assert result.stderr == (
        f"BundleRejectedError: The file {name} is not a CarDeck bundle ({what}); {HINT}{tail}\n"
    )
