"""Chromium process lifecycle: find, launch, locate the page target, reap."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

from ._errors import BrowserUnavailableError

__all__ = ["ChromiumProcess", "find_chromium"]

# Debian's /usr/bin/chromium is a shell wrapper that prints a warning and
# execs this binary; calling it directly keeps stderr clean.
_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
)
_INSTALL_HINT = (
    "Install the Debian package `chromium` (sudo apt-get install chromium) "
    "or pass chromium_path= pointing at a Chromium binary."
)


def find_chromium() -> str | None:
    """Return the path of a Chromium binary, or ``None`` if none is installed."""
    for candidate in _CANDIDATES:
        if os.path.isabs(candidate):
            if os.access(candidate, os.X_OK) and os.path.isfile(candidate):
                return candidate
        else:
            found = shutil.which(candidate)
            if found:
                return found
    return None


def _flags(user_data_dir: Path, width: int, height: int) -> list[str]:
    # The flag set measured in /work/shared/headless-notes.md, plus the
    # autoplay switch so media behaves as on the head unit (no user gesture).
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-crash-reporter",
        "--autoplay-policy=no-user-gesture-required",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={user_data_dir}",
        f"--window-size={width},{height}",
        "about:blank",
    ]


def _dies_with_parent() -> list[str]:
    """A prefix that makes the browser die with the head unit, however the head unit ends.

    ``aclose`` stops Chromium on a clean exit, but a head unit killed with SIGKILL runs no
    code: the browser used to live on, re-parented to PID 1. util-linux's ``setpriv`` sets
    PR_SET_PDEATHSIG in the child before it execs Chromium (the setting survives the exec),
    so the kernel sends SIGKILL to the browser when the thread that started it dies; its
    zygotes and renderers then see their IPC channel close and exit. A ``preexec_fn`` would
    do the same but is unsafe in a process with threads (gRPC's).
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


class ChromiumProcess:
    """One running headless Chromium with its own temporary profile.

    ``launch`` returns once the page target's websocket URL is known;
    ``aclose`` stops the browser and every helper it started and removes
    the profile.
    """

    def __init__(self, proc: asyncio.subprocess.Process, root: Path, page_ws_url: str) -> None:
        self.proc = proc
        self.root = root
        self.page_ws_url = page_ws_url

    @property
    def pid(self) -> int:
        """The browser process id (also its process-group id)."""
        return self.proc.pid

    @classmethod
    async def launch(
        cls, binary: str, width: int, height: int, *, timeout: float = 20.0
    ) -> ChromiumProcess:
        """Start Chromium and find the websocket URL of its page.

        :raises BrowserUnavailableError: the binary is missing or did not start.
        """
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            raise BrowserUnavailableError(
                f"No Chromium binary was found at {binary}. {_INSTALL_HINT}"
            )
        root = Path(tempfile.mkdtemp(prefix="cardeck-chromium-"))
        profile = root / "profile"
        profile.mkdir()
        env = dict(os.environ)
        # The crash handler Chromium spawns escapes the process group; pointing
        # its database into our temp dir lets aclose find it by that path.
        env["XDG_CONFIG_HOME"] = str(root / "config")
        env["XDG_CACHE_HOME"] = str(root / "cache")
        log = open(root / "chromium.log", "wb")  # noqa: SIM115 - handed to the child
        try:
            proc = await asyncio.create_subprocess_exec(
                *_dies_with_parent(),
                binary,
                *_flags(profile, width, height),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                # Own process group, so aclose can kill renderers and zygotes too.
                start_new_session=True,
            )
        except OSError as exc:
            log.close()
            await asyncio.to_thread(shutil.rmtree, root, True)
            raise BrowserUnavailableError(
                f"Chromium at {binary} could not be started ({exc}). {_INSTALL_HINT}"
            ) from exc
        finally:
            if not log.closed:
                log.close()
        self = cls(proc, root, "")
        try:
            async with asyncio.timeout(timeout):
                port = await self._wait_for_port(profile / "DevToolsActivePort")
                self.page_ws_url = await self._find_page(port)
        except BaseException as exc:
            tail = self.log_tail()
            await self.aclose()
            if not isinstance(exc, TimeoutError | OSError | ValueError | EOFError):
                raise
            if self.proc.returncode is not None and not isinstance(exc, TimeoutError):
                what = f"{self.exit_reason()} before it opened its DevTools port"
            else:
                what = f"Chromium at {binary} did not open its DevTools port within {timeout:.0f} s"
            raise BrowserUnavailableError(
                f"{what}; its last output was {tail!r}. Check that {binary} is Chromium "
                "and runs headless on this machine, or install the Debian package `chromium`."
            ) from exc
        return self

    async def _wait_for_port(self, port_file: Path) -> int:
        while True:
            if self.proc.returncode is not None:
                raise OSError(f"Chromium exited with code {self.proc.returncode}")
            # The file is written once and is two short lines: a tiny read.
            with contextlib.suppress(OSError):
                text = port_file.read_text()
                first = text.split("\n", 1)[0].strip()
                if first.isdigit() and "\n" in text:
                    return int(first)
            await asyncio.sleep(0.02)

    async def _find_page(self, port: int) -> str:
        while True:
            for target in await self._http_json(port, "/json/list"):
                if target.get("type") == "page" and target.get("webSocketDebuggerUrl"):
                    return str(target["webSocketDebuggerUrl"])
            await asyncio.sleep(0.05)

    @staticmethod
    async def _http_json(port: int, path: str) -> list[dict[str, Any]]:
        # Chromium's DevTools HTTP server keeps the connection open despite
        # "Connection: close", so read exactly Content-Length bytes.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            match = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if match is None:
                raise ValueError("DevTools answered without Content-Length")
            body = await reader.readexactly(int(match.group(1)))
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        result = json.loads(body)
        if not isinstance(result, list):
            raise ValueError("DevTools /json/list did not return a list")
        return result

    def log_tail(self, limit: int = 400) -> str:
        """Return the end of Chromium's output, for error messages."""
        try:
            with open(self.root / "chromium.log", "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - limit))
                return fh.read().decode(errors="replace").strip()
        except OSError:
            return ""

    def exit_reason(self) -> str:
        """Describe how the process ended, as a sentence fragment."""
        code = self.proc.returncode
        if code is None:
            return "Chromium is still running"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"Chromium was killed by {name}"
        return f"Chromium exited with code {code}"

    async def aclose(self, *, grace: float = 3.0) -> None:
        """Stop Chromium (terminate, wait, kill), its helpers, and delete the profile.

        Safe to call again, also after a cancelled first call.
        """
        proc = self.proc
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                async with asyncio.timeout(grace):
                    await proc.wait()
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        # Renderers, zygotes and the GPU process share the group; after a
        # SIGKILL of the browser they would otherwise linger.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in await asyncio.to_thread(live_descendants, proc.pid, str(self.root)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        await self._wait_gone(proc.pid)
        await asyncio.to_thread(shutil.rmtree, self.root, True)

    async def _wait_gone(self, pgid: int, timeout: float = 2.0) -> None:
        # The profile can only be removed once no helper writes into it.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await asyncio.to_thread(live_descendants, pgid, str(self.root)):
                return
            await asyncio.sleep(0.02)


def live_descendants(pgid: int, marker: str) -> list[int]:
    """Return non-zombie pids in process group ``pgid`` or whose command line has ``marker``."""
    found: list[int] = []
    needle = marker.encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
            # Fields after the parenthesised command: state, ppid, pgrp, ...
            fields = stat[stat.rindex(b")") + 2 :].split()
            if fields[0] == b"Z":
                continue
            if int(fields[2]) == pgid:
                found.append(int(entry.name))
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                if needle in fh.read():
                    found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found
