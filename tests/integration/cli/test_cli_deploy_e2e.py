"""Deploy end to end through the CLI only: keygen, build, push over USB and over the
network, list and roll back, against a real `cardeck sim` (docs/guides/deploy.md).

Every command runs in a shell exactly as the guide prints it, except that the
guide's ports (50051, 50052) become free ones; the last step checks that the
guide holds no command line this test did not run.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "guides" / "deploy.md"
BIN = Path(sys.executable).parent
GUIDE_PORT, GUIDE_WS_PORT = 50051, 50052


def guide_commands() -> list[str]:
    """The ``$ `` lines of the guide's console blocks."""
    commands, fenced = [], False
    for line in GUIDE.read_text().splitlines():
        if line.startswith("```"):
            fenced = line.strip() == "```console"
        elif fenced and line.startswith("$ "):
            commands.append(line[2:])
    return commands


class Shell:
    """Runs guide commands in one folder, with this environment's `cardeck` on PATH."""

    def __init__(self, cwd: Path, port: int, ws_port: int) -> None:
        assert (BIN / "cardeck").exists(), f"no cardeck script next to {sys.executable}"
        self.cwd = cwd
        self.env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        self.target = f"127.0.0.1:{port}"
        self._ports = {str(GUIDE_PORT): str(port), str(GUIDE_WS_PORT): str(ws_port)}
        self.ran: list[str] = []

    def _local(self, command: str) -> str:
        """The guide's command with this test's ports; remember the guide's form."""
        self.ran.append(command)
        return re.sub(r"\b(50051|50052)\b", lambda m: self._ports[m.group(1)], command)

    def run(self, command: str) -> str:
        """Run to completion; return stdout (stderr must be empty)."""
        result = subprocess.run(
            ["bash", "-c", self._local(command)],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert result.stderr == "", (command, result.stderr)
        return result.stdout

    @contextmanager
    def background(self, command: str) -> Iterator[subprocess.Popen[str]]:
        """Start a long-running command; terminate it at the end."""
        proc = subprocess.Popen(
            ["bash", "-c", "exec " + self._local(command)],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            proc.communicate(timeout=15)


def lines_of(stream: IO[str] | None) -> queue.Queue[str]:
    """The lines of a pipe as they arrive, read by a thread (a pipe read cannot time out)."""
    assert stream is not None
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def wait_for_line(lines: queue.Queue[str], pattern: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s; got {seen!r}")


def eventually(check: Callable[[], str | None], timeout: float = 20.0) -> str:
    """Retry ``check`` until it returns a value; each try is a CLI run."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


def edit_profile(path: Path, name: str) -> None:
    """What the guide asks the reader to do by hand: a new id and name."""
    data = yaml.safe_load(path.read_text())
    data["id"], data["name"] = "acme-roadster", name
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def profile_row(sh: Shell, name: str) -> str | None:
    """The acme-roadster row of `profiles list --target` once it carries ``name``."""
    out = sh.run("cardeck profiles list --target 127.0.0.1:50051")
    rows = [r for r in out.splitlines() if r.startswith("acme-roadster ")]
    return rows[0] if rows and rows[0].endswith(f"  {name}  (package acme-profiles)") else None


# About 15 CLI runs of half a second to a few seconds each, on a shared machine.
@pytest.mark.timeout(300)
def test_deploy_through_the_cli_end_to_end(
    tmp_path: Path, unused_tcp_port_factory: Callable[[], int]
) -> None:
    sh = Shell(tmp_path, unused_tcp_port_factory(), unused_tcp_port_factory())
    profile = tmp_path / "payload" / "profiles" / "acme-roadster.yaml"

    # Keys, a payload with a new vehicle profile, a signed bundle.
    sh.run("mkdir -p payload/profiles usb")
    out = sh.run("cardeck deploy keygen --out keys --name oem")
    assert out.startswith("Wrote keys/oem.key (private: keep it secret) and keys/oem.pub.\n")
    sh.run("cardeck profiles show polestar-2 > payload/profiles/acme-roadster.yaml")
    assert yaml.safe_load(profile.read_text())["id"] == "polestar-2"
    edit_profile(profile, "ACME Roadster")
    out = sh.run(
        "cardeck deploy build payload --key keys/oem.key --name acme-profiles --version 1.0.0 "
        "--vehicle polestar-2"
    )
    assert out.startswith("Built acme-profiles-1.0.0.cdbundle: acme-profiles 1.0.0, "), out
    out = sh.run(
        "cardeck deploy verify acme-profiles-1.0.0.cdbundle --trusted-key keys/oem.pub "
        "--vehicle polestar-2"
    )
    assert out.startswith("OK: acme-profiles 1.0.0 for polestar-2 (API 1.0+), "), out

    with sh.background(
        "cardeck sim --headless --port 50051 --ws-port 50052 --profile polestar-2 "
        "--usb-dir usb --trusted-keys keys/oem.pub"
    ) as sim:
        wait_for_line(lines_of(sim.stdout), rf"listening on {re.escape(sh.target)} ")
        with sh.background("cardeck watch events --target 127.0.0.1:50051 --kinds packages") as w:
            events = lines_of(w.stdout)
            wait_for_line(lines_of(w.stderr), r"^watching events from seq \d+")

            # 1.0.0 over the watched USB folder.
            out = sh.run("cardeck deploy push acme-profiles-1.0.0.cdbundle --usb usb")
            assert "it is safe to remove the USB drive" in out, out
            wait_for_line(events, r"package_name=acme-profiles version=1\.0\.0 phase=done ")
        # The head unit verified and installed it: the new profile is there.
        eventually(lambda: profile_row(sh, "ACME Roadster"))

        # 1.1.0 over the network, through PackagesService.
        edit_profile(profile, "ACME Roadster II")
        sh.run(
            "cardeck deploy build payload --key keys/oem.key --name acme-profiles "
            "--version 1.1.0 --vehicle polestar-2"
        )
        out = sh.run("cardeck deploy push acme-profiles-1.1.0.cdbundle --target 127.0.0.1:50051")
        assert out == f"Installed acme-profiles 1.1.0 on {sh.target}; 1.0.0 is kept for rollback.\n"
        out = sh.run("cardeck deploy list --target 127.0.0.1:50051")
        assert re.search(
            r"^acme-profiles +1\.1\.0 +1\.0\.0 +[0-9a-f]+ +acme-roadster$", out, re.M
        ), out
        assert profile_row(sh, "ACME Roadster II") is not None

        # And back.
        out = sh.run("cardeck deploy rollback acme-profiles --target 127.0.0.1:50051")
        assert out == "Rolled back acme-profiles to 1.0.0; 1.1.0 is kept as the previous one.\n"
        out = sh.run("cardeck deploy list --target 127.0.0.1:50051")
        assert re.search(
            r"^acme-profiles +1\.0\.0 +1\.1\.0 +[0-9a-f]+ +acme-roadster$", out, re.M
        ), out
        assert profile_row(sh, "ACME Roadster") is not None

    not_run = sorted(set(guide_commands()) - set(sh.ran))
    assert not_run == [], f"the guide shows commands this test does not run: {not_run}"
