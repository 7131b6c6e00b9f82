"""Watch a USB folder and install each complete bundle that appears in it."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from cardeck import DeployError
from cardeck.deploy import BUNDLE_SUFFIX

from ._installer import InstalledPackage, Installer, InstallProgress

__all__ = ["UsbInstallResult", "UsbWatcher"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UsbInstallResult:
    """The outcome of one bundle found on the USB drive: a package or an error."""

    path: Path
    package: InstalledPackage | None = None
    error: DeployError | None = None


class UsbWatcher:
    """Polls ``usb_dir`` and installs each new ``*.cdbundle`` with ``installer``.

    Only complete files are considered: pushers write ``NAME.tmp`` and rename
    it to ``NAME.cdbundle`` when the copy is flushed, so ``.tmp`` and any other
    names are ignored; a file is taken only once its size and mtime held still
    for one poll; and a bundle truncated by other means is refused by the
    installer (DATA_LOSS) without touching the installed state. Each file is
    tried once per (size, mtime); replacing it tries again.

    Example::

        watcher = UsbWatcher(Path("/media/usb"), installer, on_result=print)
        watcher.start()
        ...
        await watcher.stop()

    :param usb_dir: the folder to watch; it may appear and vanish (a drive).
    :param installer: installs what is found.
    :param on_result: called in the event loop with each :class:`UsbInstallResult`; may be
        a coroutine function (e.g. :meth:`PackagesServicer.on_usb_result`), which is awaited.
    :param progress: called in the event loop with each :class:`InstallProgress`.
    :param interval_s: seconds between polls.
    :param allow_downgrade: pass to the installer (off: a stick cannot downgrade).
    """

    def __init__(
        self,
        usb_dir: Path,
        installer: Installer,
        on_result: Callable[[UsbInstallResult], Awaitable[None] | None],
        *,
        progress: Callable[[InstallProgress], None] | None = None,
        interval_s: float = 0.5,
        allow_downgrade: bool = False,
    ) -> None:
        self.usb_dir = Path(usb_dir)
        self.installer = installer
        self.on_result = on_result
        self.progress = progress
        self.interval_s = interval_s
        self.allow_downgrade = allow_downgrade
        self._seen: dict[Path, tuple[int, int]] = {}
        self._settling: dict[Path, tuple[int, int]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[None]:
        """Start polling in the running loop; returns the task."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run(), name="usb-watcher")
        return self._task

    async def stop(self) -> None:
        """Stop polling (an install already running finishes in its thread)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        """Poll forever."""
        while True:
            await self.poll_once()
            await asyncio.sleep(self.interval_s)

    def _candidates(self) -> list[tuple[Path, tuple[int, int]]]:
        found = []
        try:
            entries = sorted(self.usb_dir.iterdir())
        except OSError:
            return []  # No drive mounted right now.
        for path in entries:
            if path.suffix != BUNDLE_SUFFIX or path.name.startswith("."):
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if not path.is_file():
                continue
            key = (st.st_size, st.st_mtime_ns)
            if self._seen.get(path) == key:
                continue
            # Only a file unchanged since the previous poll: one copied straight
            # to its final name (not via .tmp) is still growing otherwise.
            if self._settling.get(path) == key:
                found.append((path, key))
            else:
                self._settling[path] = key
        return found

    async def poll_once(self) -> list[UsbInstallResult]:
        """Install every new complete bundle once; returns the results."""
        loop = asyncio.get_running_loop()
        results = []
        for path, key in self._candidates():
            self._seen[path] = key

            def forward(p: InstallProgress) -> None:
                if self.progress is not None:
                    loop.call_soon_threadsafe(self.progress, p)

            try:
                package = await asyncio.to_thread(
                    self.installer.install, path, self.allow_downgrade, forward
                )
                result = UsbInstallResult(path, package=package)
            except DeployError as exc:
                _log.warning("Bundle %s was not installed: %s", path.name, exc)
                result = UsbInstallResult(path, error=exc)
            results.append(result)
            outcome = self.on_result(result)
            if inspect.isawaitable(outcome):
                await outcome
        return results
