"""Build the example clients in other languages once, and run them against a head unit.

A client is rebuilt only when what it is built from changes: the ``.proto`` files that
``cardeck protos export`` writes, the client's own sources and build script, and the compiler
versions. The build lands in ``build/clients/<lang>/`` with a ``build.json`` naming the hash of
those inputs and how long the build took, so a second session (or a second test module) starts
in a second instead of recompiling.

A missing compiler or library fails the test (CI has them; ``make setup`` installs them): a
skipped test would let the client rot unnoticed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cardeck._resources import googleapis_protos_dir, protos_dir

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "clients"
# Where examples/clients/README.md tells a reader to dial `cardeck sim --headless`.
README_TARGET = "127.0.0.1:50051"
CLIENT_STEPS = ("info", "watch 20", "fail")
# The venv's own `cardeck`, so the protos come from this checkout's package.
CARDECK = Path(sys.executable).parent / "cardeck"
BUILD_TIMEOUT_S = 600
RUN_TIMEOUT_S = 60


@dataclass(frozen=True)
class BuiltClient:
    """A client ready to run: its command and what its build cost."""

    command: tuple[str, ...]
    out_dir: Path
    rebuilt: bool
    build_seconds: float


def require_tools(tools: dict[str, str]) -> None:
    """Fail, naming ``make setup`` and the Debian package, when a tool is not on PATH.

    :param tools: command name -> the Debian package that provides it.
    """
    missing = {tool: pkg for tool, pkg in tools.items() if shutil.which(tool) is None}
    if missing:
        names = ", ".join(f"{tool} (Debian package {pkg})" for tool, pkg in missing.items())
        pytest.fail(f"{names} not found: run `make setup`, which installs them.", pytrace=False)


def tool_version(*argv: str) -> str:
    """What ``argv`` prints about its version (stdout and stderr: javac uses either)."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return (done.stdout + done.stderr).strip()


def inputs_hash(sources: Sequence[Path], versions: Sequence[str]) -> str:
    """The SHA-256 of every exported ``.proto``, the client's sources and the tool versions
    (and the build command, which the caller adds to ``versions``)."""
    digest = hashlib.sha256()
    for root in (protos_dir(), googleapis_protos_dir()):
        for path in sorted(root.rglob("*.proto")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for version in versions:
        digest.update(version.encode() + b"\0")
    return digest.hexdigest()


def build_client(
    lang: str,
    build: Sequence[str],
    *,
    sources: Sequence[Path],
    versions: Sequence[str],
    binary: str = "cardeck_client",
) -> BuiltClient:
    """Build ``build/clients/<lang>/`` with ``build`` unless its inputs are unchanged.

    :param build: the build command; ``{out}`` in an argument stands for the output folder,
        where it writes ``binary``; ``CARDECK`` in its environment names the venv's cardeck.
    :param sources: the client's files (sources, build script), hashed with the protos.
    :param versions: the compilers' version strings, hashed too.
    """
    out = ROOT / "build" / "clients" / lang
    out.parent.mkdir(parents=True, exist_ok=True)
    key = inputs_hash(sources, [*versions, "\0".join(build)])
    stamp = out / "build.json"
    # Two pytest workers (or sessions) building the same client wait for each other.
    with open(out.parent / f".{lang}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and (out / binary).is_file():
            recorded = json.loads(stamp.read_text())
            if recorded.get("inputs_sha256") == key:
                return BuiltClient((str(out / binary),), out, False, recorded["build_seconds"])
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        started = time.monotonic()
        env = {**os.environ, "CARDECK": str(CARDECK)}
        argv = [arg.replace("{out}", str(out)) for arg in build]
        done = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S
        )
        seconds = round(time.monotonic() - started, 2)
        if done.returncode != 0:
            pytest.fail(
                f"building the {lang} client failed ({' '.join(argv)}; `make setup` installs "
                f"the toolchain):\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}",
                pytrace=False,
            )
        stamp.write_text(json.dumps({"inputs_sha256": key, "build_seconds": seconds}) + "\n")
        return BuiltClient((str(out / binary),), out, True, seconds)


def run_client_raw(client: BuiltClient, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the client to its end, whatever its exit code."""
    return subprocess.run(
        [*client.command, *args], capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )


def run_client(client: BuiltClient, *args: str) -> list[dict[str, Any]]:
    """Run the client to its end; the JSON objects it printed, one a line.

    Fails the test with its stderr when it exits non-zero.
    """
    done = run_client_raw(client, *args)
    assert done.returncode == 0, f"{args} exited {done.returncode}: {done.stderr}"
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


class RunningClient:
    """A client process whose JSON lines a test reads while it runs (``watch``)."""

    def __init__(self, client: BuiltClient, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*client.command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        # A reader thread, so a test can wait for a line with a timeout.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def next_json(self, timeout_s: float = RUN_TIMEOUT_S) -> dict[str, Any]:
        """The next JSON line; fails the test when the client ends or stays silent."""
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            pytest.fail(f"the client printed nothing for {timeout_s} s", pytrace=False)
        if line is None:
            self.proc.wait(10)
            assert self.proc.stderr is not None
            pytest.fail(
                f"the client ended (exit {self.proc.returncode}): {self.proc.stderr.read()}",
                pytrace=False,
            )
        parsed: dict[str, Any] = json.loads(line)
        return parsed

    def rest(self) -> Iterator[dict[str, Any]]:
        """Every remaining line, after the client exits 0."""
        if self.proc.wait(RUN_TIMEOUT_S) != 0:
            assert self.proc.stderr is not None
            pytest.fail(
                f"the client exited {self.proc.returncode}: {self.proc.stderr.read()}",
                pytrace=False,
            )
        while (line := self._lines.get(timeout=RUN_TIMEOUT_S)) is not None:
            if line.strip():
                yield json.loads(line)

    def close(self) -> None:
        """Kill the client if it still runs, and close its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def check_readme(lang: str, build: Sequence[str]) -> None:
    """examples/clients/README.md shows the build command the tests run, and the client's calls.

    :param build: the test's build command; ``{out}`` becomes ``$PWD/build/clients/<lang>``.
    """
    text = (EXAMPLES / "README.md").read_text()
    shown = [" ".join(arg.replace("{out}", f"$PWD/build/clients/{lang}") for arg in build)]
    shown += [
        f"build/clients/{lang}/cardeck_client --target {README_TARGET} {step}"
        for step in CLIENT_STEPS
    ]
    for command in shown:
        assert f"\n{command}\n" in text, f"examples/clients/README.md lacks: {command}"
    assert f"[`{lang}/`]({lang}/README.md)" in text
    assert (EXAMPLES / lang / "README.md").is_file()
