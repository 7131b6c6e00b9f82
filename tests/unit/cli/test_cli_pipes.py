"""``cardeck … | head -1``: a reader that leaves early ends the command quietly, exit 0.

Exit 0, not 141: the command did its work, and ``set -o pipefail`` scripts must
not fail because ``head`` stopped reading (see ``cardeck.cli.__main__.main``).
Both tests use real pipes; Python's stdout is tried block-buffered (the default
in a pipe: the error comes at the final flush) and unbuffered (``PYTHONUNBUFFERED``:
the error comes from a ``print``).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

CARDECK = [sys.executable, "-m", "cardeck.cli"]
BUFFERING = {"buffered": "", "unbuffered": "1"}


def environment(buffering: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if BUFFERING[buffering]:
        env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.mark.parametrize("buffering", BUFFERING)
def test_profiles_list_into_a_pipe_nobody_reads(buffering: str) -> None:
    # `head -1` that has already gone: the pipe has no reader before cardeck writes.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [*CARDECK, "profiles", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(buffering),
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("buffering", BUFFERING)
def test_reader_reads_one_line_and_closes(buffering: str) -> None:
    # A 4 KiB pipe and a ~7 KiB output: cardeck is still writing when the reader leaves.
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen(
        [*CARDECK, "profiles", "list", "--json"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(buffering),
    )
    os.close(write_end)
    line = b""
    while not line.endswith(b"\n"):
        line += os.read(read_end, 1)
    os.close(read_end)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert line == b"{\n"
    assert (proc.wait(60), stderr) == (0, "")
