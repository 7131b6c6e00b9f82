"""Get a bundle onto a head unit: a mounted USB drive, or adb.

USB: the bundle is written as ``NAME.tmp``, fsynced, renamed to
``NAME.cdbundle`` (the head unit ignores ``.tmp`` files, so it never sees half
a copy), the folder is fsynced, and the copy is read back and hashed. Only
then is it safe to remove the drive.

adb: the bundle is pushed as ``NAME.tmp`` into a device folder, renamed with
``mv`` (atomic on one file system) and hashed on the device with ``sha256sum``.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cardeck._exceptions import DeployError, DeviceNotFoundError

from ._bundle import BUNDLE_SUFFIX, CHUNK_BYTES, ProgressCallback, progress_counter

__all__ = [
    "DEFAULT_ADB_DIR",
    "AdbDeviceLike",
    "PushResult",
    "push_adb",
    "push_usb",
]

DEFAULT_ADB_DIR = "/data/local/tmp/cardeck"


@dataclass(frozen=True)
class PushResult:
    """Where a bundle landed and the SHA-256 read back from there.

    :param destination: the final path (local for USB, on the device for adb).
    :param sha256: the hash of the copy, equal to the source's.
    :param size: bytes copied.
    :param message: a sentence for the user, e.g. that the drive may be removed.
    """

    destination: str
    sha256: str
    size: int
    message: str


def _sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    buf = bytearray(CHUNK_BYTES)
    view = memoryview(buf)
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            digest.update(view[:n])
            if on_bytes:
                on_bytes(n)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def push_usb(
    bundle: Path, usb_dir: Path, *, progress: ProgressCallback | None = None
) -> PushResult:
    """Copy a bundle onto a mounted USB drive so a head unit never sees a partial file.

    :param bundle: the ``.cdbundle`` to copy.
    :param usb_dir: the drive's folder the head unit watches.
    :param progress: called with (bytes done, bytes total); the total counts the
        copy and the read-back.
    :raises DeviceNotFoundError: ``usb_dir`` is not a folder.
    :raises DeployError: the copy failed or reads back different bytes.
    """
    if not usb_dir.is_dir():
        raise DeviceNotFoundError(
            f"The USB folder {usb_dir} does not exist; mount the drive and pass its folder "
            "with --usb."
        )
    size = bundle.stat().st_size
    advance = progress_counter(size * 2, progress)

    stem = bundle.name.removesuffix(BUNDLE_SUFFIX)
    tmp = usb_dir / f"{stem}.tmp"
    final = usb_dir / f"{stem}{BUNDLE_SUFFIX}"
    source_hash = hashlib.sha256()
    buf = bytearray(CHUNK_BYTES)
    view = memoryview(buf)
    try:
        with bundle.open("rb", buffering=0) as src, tmp.open("wb", buffering=0) as dst:
            while n := src.readinto(buf):
                source_hash.update(view[:n])
                dst.write(view[:n])
                advance(n)
            dst.flush()
            os.fsync(dst.fileno())
            # Drop the cached pages so the read-back below reads the drive, not RAM.
            if hasattr(os, "posix_fadvise"):
                os.posix_fadvise(dst.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        os.replace(tmp, final)
        _fsync_dir(usb_dir)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DeployError(
            f"Copying {bundle.name} to {usb_dir} failed ({exc.strerror}); check the drive has "
            "space and is writable, then push again."
        ) from exc
    copied = _sha256_file(final, advance)
    if copied != source_hash.hexdigest():
        final.unlink(missing_ok=True)
        raise DeployError(
            f"The copy of {bundle.name} on {usb_dir} reads back different bytes, so the drive "
            "may be failing; the copy was deleted. Try another drive."
        )
    return PushResult(
        destination=str(final),
        sha256=copied,
        size=size,
        message=(
            f"The bundle {final.name} is written and verified; it is safe to remove the USB drive."
        ),
    )


class AdbDeviceLike(Protocol):
    """The part of ``adbutils.AdbDevice`` the adb transport uses (a test seam)."""

    serial: str

    @property
    def sync(self) -> Any:
        """The sync service; ``sync.push(src, dst)`` copies a file."""

    def shell(self, cmdargs: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a command on the device; returns its output."""


def _adb_device(serial: str, host: str, port: int) -> AdbDeviceLike:
    """The adb device ``serial``, or a DeviceNotFoundError saying what is missing.

    :raises DeployError: adbutils is not installed.
    """
    # Imported here, not at the top: --usb pushes and the other deploy commands
    # work without adbutils, so only --adb needs it.
    try:
        import adbutils
    except ImportError as exc:
        raise DeployError(
            "Pushing over adb needs the adbutils package from the deploy extra, which is not "
            "installed; install it with: pip install 'cardeck[deploy]' (or push with --usb)."
        ) from exc

    where = f"{host}:{port}"
    # adbutils waits for a server for a long time; a quick probe gives a clear error fast.
    try:
        with socket.create_connection((host, port), timeout=2.0):
            pass
    except OSError as exc:
        raise DeviceNotFoundError(
            f"No adb server answers at {where} ({exc.strerror or exc}); start it with "
            "'adb start-server', connect the head unit, and push again."
        ) from exc
    client = adbutils.AdbClient(host=host, port=port, socket_timeout=10)
    try:
        serials = [d.serial for d in client.device_list()]
    except (adbutils.AdbError, OSError) as exc:
        raise DeviceNotFoundError(
            f"The adb server at {where} could not list devices ({exc}); restart it with "
            "'adb kill-server && adb start-server' and push again."
        ) from exc
    if serial not in serials:
        listed = ", ".join(serials) or "none"
        raise DeviceNotFoundError(
            f"The adb server at {where} has no device {serial!r} (connected: {listed}); check "
            "the cable and 'adb devices', then push again."
        )
    device: AdbDeviceLike = client.device(serial)
    return device


def push_adb(
    bundle: Path,
    serial: str,
    *,
    device_dir: str = DEFAULT_ADB_DIR,
    host: str = "127.0.0.1",
    port: int = 5037,
    device: AdbDeviceLike | None = None,
    progress: ProgressCallback | None = None,
) -> PushResult:
    """Push a bundle to a head unit over adb, rename it into place and hash it there.

    :param bundle: the ``.cdbundle`` to push.
    :param serial: the device serial as ``adb devices`` shows it.
    :param device_dir: the device folder the head unit watches.
    :param host: the adb server's host.
    :param port: the adb server's port.
    :param device: an already-open device (tests pass a fake one).
    :param progress: called with (bytes done, bytes total).
    :raises DeviceNotFoundError: no adb server, or no such device.
    :raises DeployError: the push failed or the device hashes different bytes.
    """
    dev = device if device is not None else _adb_device(serial, host, port)
    size = bundle.stat().st_size
    source = _sha256_file(bundle)
    stem = bundle.name.removesuffix(BUNDLE_SUFFIX)
    tmp = f"{device_dir.rstrip('/')}/{stem}.tmp"
    final = f"{device_dir.rstrip('/')}/{stem}{BUNDLE_SUFFIX}"
    try:
        dev.shell(["mkdir", "-p", device_dir])
        if progress:
            progress(0, size)
        dev.sync.push(str(bundle), tmp)
        if progress:
            progress(size, size)
        dev.shell(["mv", "-f", tmp, final])
        output = str(dev.shell(["sha256sum", final]))
    except Exception as exc:  # adbutils raises AdbError and plain OSErrors alike.
        raise DeployError(
            f"Pushing {bundle.name} to {serial}:{device_dir} failed ({exc}); check that the "
            "folder is writable ('adb shell ls -ld') and push again."
        ) from exc
    remote = output.split()[0] if output.split() else ""
    if remote != source:
        raise DeployError(
            f"The copy on {serial} hashes to {remote or 'nothing'} instead of {source}, so the "
            "transfer was corrupted; push again."
        )
    return PushResult(
        destination=final,
        sha256=remote,
        size=size,
        message=f"The bundle {final} is on {serial} and verified; the head unit will install it.",
    )
