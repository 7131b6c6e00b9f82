"""The ``cardeck`` command as a user runs it, for tests that start it in a subprocess."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from typing import Any

import pytest

CARDECK = [sys.executable, "-m", "cardeck.cli"]


def start_sim(argv: list[str], **popen: Any) -> tuple[subprocess.Popen[str], str]:
    """Start a ``cardeck sim`` command line; the process and the ``host:port`` it announced.

    Its stdout and stderr are pipes the caller closes. A process that announces no
    port is killed and the test fails with what it printed.
    """
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
    )
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline()
    match = re.search(r"listening on (127\.0\.0\.1:\d+)", line)
    if not match:
        proc.kill()
        pytest.fail(f"no listening line; got {line!r}, stderr {proc.stderr.read()!r}")
    return proc, match.group(1)


def stop_sim(proc: subprocess.Popen[str]) -> None:
    """Stop a :func:`start_sim` process as Ctrl-C would (killed after 15 s) and close its pipes."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()


def info_json(port: int) -> dict[str, Any]:
    """What ``cardeck info --json`` prints about the head unit on 127.0.0.1:``port``."""
    result = subprocess.run(
        [*CARDECK, "info", "--target", f"127.0.0.1:{port}", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    info: dict[str, Any] = json.loads(result.stdout)
    return info
