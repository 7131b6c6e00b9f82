"""``cardeck deploy keygen | build | verify | push``: exact output and CarDeck errors."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cardeck._exceptions import DeviceNotFoundError, SigningError
from cardeck.cli import _deploy_cmds
from cardeck.deploy import BundleRejectedError


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cardeck")
    _deploy_cmds.register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.mark.parametrize("command", ["keygen", "build", "verify", "push", "list", "rollback"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(["deploy", command, "--help"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: cardeck deploy {command}")


def test_keygen_build_verify_push(
    payload: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = tmp_path / "k"
    assert run(["deploy", "keygen", "--out", str(keys), "--name", "oem"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Wrote {keys}/oem.key (private: keep it secret) and {keys}/oem.pub."
    assert re.fullmatch(r"Key id: [0-9a-f]{16}", out[1])
    key_id = out[1].split()[-1]

    bundle = tmp_path / "acme-1.2.0.cdbundle"
    argv = ["deploy", "build", str(payload), "--key", f"{keys}/oem.key", "--name", "acme"]
    argv += ["--version", "1.2.0", "--vehicle", "polestar-2", "-o", str(bundle)]
    assert run(argv) == 0
    size = bundle.stat().st_size
    assert capsys.readouterr().out == (
        f"Built {bundle}: acme 1.2.0, 4 files, {size} bytes, signed by key {key_id}.\n"
    )

    assert run(["deploy", "verify", str(bundle), "--trusted-key", f"{keys}/oem.pub"]) == 0
    assert capsys.readouterr().out == (
        f"OK: acme 1.2.0 for polestar-2 (API 1.0+), 4 files, signed by trusted key {key_id}.\n"
    )
    with pytest.raises(BundleRejectedError, match=r"not for this vehicle \(tesla-model-3\)"):
        run(
            [
                "deploy",
                "verify",
                str(bundle),
                "--trusted-key",
                f"{keys}/oem.pub",
                "--vehicle",
                "tesla-model-3",
            ]
        )

    usb = tmp_path / "usb"
    usb.mkdir()
    assert run(["deploy", "push", str(bundle), "--usb", str(usb)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        rf"Pushed {size} bytes to {usb}/acme-1\.2\.0\.cdbundle \(sha256 [0-9a-f]{{64}}\)\.",
        lines[0],
    )
    assert lines[1] == (
        "The bundle acme-1.2.0.cdbundle is written and verified; it is safe to remove the USB "
        "drive."
    )


def test_errors_are_cardeck_errors(payload: Path, tmp_path: Path) -> None:
    with pytest.raises(SigningError, match=r"cannot be read"):
        run(
            [
                "deploy",
                "build",
                str(payload),
                "--key",
                str(tmp_path / "none.key"),
                "--name",
                "acme",
                "--version",
                "1.0.0",
                "--vehicle",
                "polestar-2",
            ]
        )
    bundle = tmp_path / "x.cdbundle"
    bundle.write_bytes(b"")
    with pytest.raises(DeviceNotFoundError, match=r"does not exist; mount the drive"):
        run(["deploy", "push", str(bundle), "--usb", str(tmp_path / "nowhere")])


def test_the_cardeck_command_works_without_the_deploy_extra(tmp_path):
    # `pip install cardeck` alone has no cryptography: every command but deploy
    # must work, and deploy must say which extra it needs.
    code = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from cardeck.cli.__main__ import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"sys.exit(main(['deploy', 'keygen', '--out', {str(tmp_path)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "usage: cardeck" in result.stdout
    assert result.returncode == 1, result.stderr
    assert "DeployError: cardeck deploy needs the deploy extra" in result.stderr
    assert "pip install 'cardeck[deploy]'" in result.stderr
    assert not list(tmp_path.iterdir())
