"""A real head unit in a process of its own: ``cardeck sim --headless`` as users run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import IO, Self

from .._exceptions import UsageError
from ._runner import HeadUnitRunner

_LISTENING = re.compile(r"listening on (\S+):(\d+) ")
_RSS = re.compile(r"VmRSS:\s+(\d+) kB")


class HeadUnitProcess(HeadUnitRunner):
    """``cardeck sim --headless --port 0`` in a subprocess; its target, pid and memory.

    For what a thread cannot show: memory of the head unit alone, a kill -9, a second
    head unit on the same port, a soak. Usage::

        with HeadUnitProcess("--no-browser", "--ws-port", "-1") as unit:
            with cardeck.connect(unit.target) as client:
                ...
            print(unit.rss_bytes())

    :param flags: more ``cardeck sim`` flags (``--port`` is 0 unless given).
    :param env: extra environment variables for the head unit.
    :param log: where its stderr goes (a file); by default it is discarded.
    """

    def __init__(
        self, *flags: str, env: dict[str, str] | None = None, log: IO[str] | None = None
    ) -> None:
        self.flags = flags
        self.env = env or {}
        self.log = log
        self.proc: subprocess.Popen[str] | None = None
        self.host = ""
        self.port = 0

    @property
    def target(self) -> str:
        """``host:port`` to connect to."""
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        """The head unit's process id."""
        if self.proc is None:
            raise UsageError("The head unit process is not running; call start() first.")
        return self.proc.pid

    def start(self) -> Self:
        """Start the process and wait until it serves.

        :raises UsageError: when it exits or prints no "listening on" line.
        """
        port = [] if "--port" in self.flags else ["--port", "0"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cardeck.cli", "sim", "--headless", *port, *self.flags],
            stdout=subprocess.PIPE,
            stderr=self.log if self.log is not None else subprocess.DEVNULL,
            text=True,
            env={**os.environ, **self.env},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = _LISTENING.search(line)
        if not found:
            self.stop()
            raise UsageError(
                f"cardeck sim did not start (it printed {line!r}); run it by hand with the same "
                "flags to see why."
            )
        self.host, self.port = found.group(1), int(found.group(2))
        return self

    def rss_bytes(self) -> int:
        """The head unit's resident memory now (Linux ``/proc``)."""
        text = Path(f"/proc/{self.pid}/status").read_text()
        found = _RSS.search(text)
        assert found is not None
        return int(found.group(1)) * 1024

    def kill(self) -> None:
        """End it with SIGKILL: no clean-up code runs, as when a car loses power."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def stop(self) -> int | None:
        """Stop it with SIGTERM (a clean shutdown); its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode
