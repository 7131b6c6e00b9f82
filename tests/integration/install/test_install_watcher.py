"""UsbWatcher takes only settled ``*.cdbundle`` files, once each; ``.tmp`` copies are ignored."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import VEHICLE, BuildBundle

from cardeck.deploy import KeyPair
from cardeck_sim.install import Installer, UsbInstallResult, UsbWatcher


async def test_poll_takes_settled_bundles_once(
    tmp_path: Path, keys: KeyPair, make_bundle: BuildBundle
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    installer = Installer(tmp_path / "hu", [keys.public_path], VEHICLE)
    results: list[UsbInstallResult] = []
    watcher = UsbWatcher(usb, installer, on_result=results.append)

    assert await watcher.poll_once() == []  # An empty drive.
    shutil.copy(make_bundle("1.0.0"), usb / "acme-1.0.0.tmp")
    (usb / "notes.txt").write_text("not a bundle")
    (usb / "dir.cdbundle").mkdir()
    assert await watcher.poll_once() == []
    assert await watcher.poll_once() == []

    os.replace(usb / "acme-1.0.0.tmp", usb / "acme-1.0.0.cdbundle")
    assert await watcher.poll_once() == []  # Seen once: it may still be growing.
    [result] = await watcher.poll_once()
    assert result.package is not None and result.package.version == "1.0.0"
    assert results == [result]
    assert await watcher.poll_once() == []  # Not installed twice.


async def test_missing_drive_is_quiet(tmp_path: Path, keys: KeyPair) -> None:
    installer = Installer(tmp_path / "hu", [keys.public_path], VEHICLE)
    watcher = UsbWatcher(tmp_path / "not-mounted", installer, on_result=print)
    assert await watcher.poll_once() == []
