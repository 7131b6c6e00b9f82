"""Run the scripts in examples/ as a user runs them: as subprocesses, reading their output."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


def run_example(name: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``examples/<name>`` to completion; returns its exit code and output."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


class RunningExample:
    """A long-running example (it waits for Ctrl-C): read its lines as they come, then stop it."""

    def __init__(self, name: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLES / name), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        # A reader thread, so waiting for a line can time out instead of hanging the test.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for_line(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        """The first new line that matches ``pattern``; fails with everything printed so far."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._queue.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                line = None
                remaining = 0
            if line is None and (remaining <= 0 or self.proc.poll() is not None):
                raise AssertionError(
                    f"No line matching {pattern!r} within {timeout} s. Output so far:\n"
                    + "\n".join(self.lines)
                    + f"\nstderr: {self._stderr_if_done()}"
                )
            if line is None:
                continue
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def _stderr_if_done(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "(still running)"
        return self.proc.stderr.read()

    def stop(self, sig: int = signal.SIGINT, timeout: float = 15) -> tuple[int, str, str]:
        """Send ``sig`` and wait; returns (exit code, rest of stdout, stderr). Always reaps."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self._reader.join(timeout=5)
        rest = []
        while (line := self._queue.get_nowait() if not self._queue.empty() else None) is not None:
            rest.append(line)
        self.lines.extend(rest)
        stderr = self.proc.stderr.read() if self.proc.stderr else ""
        return code, "\n".join(rest), stderr

    def kill(self) -> None:
        """Make sure the process is gone (for finally blocks)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
