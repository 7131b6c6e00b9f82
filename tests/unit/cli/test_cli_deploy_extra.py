"""Deploy commands without the ``deploy`` extra: a DeployError that names it, no traceback.

``sys.modules[name] = None`` is Python's documented way to make ``import name``
fail, so each case runs ``cardeck`` in a subprocess as if the package were absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXTRA = "pip install 'cardeck[deploy]'"


def cardeck_without(module: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``cardeck ARGV`` in a Python where ``import MODULE`` fails."""
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from cardeck.cli.__main__ import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "argv",
    [
        ["deploy", "keygen", "--out", "{tmp}/keys"],
        [
            "deploy",
            "build",
            "{tmp}",
            "--key",
            "k",
            "--name",
            "a",
            "--version",
            "1.0.0",
            "--vehicle",
            "v",
            "-o",
            "{tmp}/a.cdbundle",
        ],
        ["deploy", "verify", "{tmp}/a.cdbundle", "--trusted-key", "k.pub"],
        ["deploy", "push", "{tmp}/a.cdbundle", "--usb", "{tmp}"],
        ["deploy", "push", "{tmp}/a.cdbundle", "--adb", "emulator-5554"],
    ],
    ids=["keygen", "build", "verify", "push-usb", "push-adb"],
)
def test_without_cryptography(tmp_path: Path, argv: list[str]) -> None:
    result = cardeck_without("cryptography", [a.format(tmp=tmp_path) for a in argv])
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "DeployError: cardeck deploy needs the deploy extra, which is not installed (no module "
        f"named 'cryptography'); install it with: {EXTRA}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_push_over_adb_without_adbutils(tmp_path: Path) -> None:
    bundle = tmp_path / "acme-1.0.0.cdbundle"
    bundle.write_bytes(b"\0" * 1024)
    result = cardeck_without("adbutils", ["deploy", "push", str(bundle), "--adb", "emulator-5554"])
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "DeployError: Pushing over adb needs the adbutils package from the deploy extra, which "
        f"is not installed; install it with: {EXTRA} (or push with --usb).\n"
    )
