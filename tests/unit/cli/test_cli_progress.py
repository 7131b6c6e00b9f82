"""Progress bars go to stderr, only when it is a terminal; stdout keeps the result alone."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

CARDECK = [sys.executable, "-m", "cardeck.cli"]


def read_all(fd: int) -> bytes:
    """Everything written to a pty before its other end closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the writer has gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_sweep_progress_on_a_terminal_stderr_and_json_on_stdout() -> None:
    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [*CARDECK, "layout", "sweep", "--count", "400", "--json"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    stderr = read_all(controller)
    os.close(controller)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    proc.stdout.close()
    assert proc.wait(60) == 0
    assert json.loads(stdout)["total"] == 400
    assert b"Solving shapes" in stderr


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    result = subprocess.run(
        [*CARDECK, "layout", "sweep", "--count", "50"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert re.match(r"50 shapes: \d+ pass, \d+ degraded, \d+ failed", result.stdout)
