"""USB and adb transports: atomic copies, read-back hashes, clear errors without a device."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path
from typing import Any

import pytest

from cardeck._exceptions import DeployError, DeviceNotFoundError
from cardeck.deploy import _transports as transports
from cardeck.deploy import build_bundle, push_adb, push_usb
from cardeck.deploy._keys import KeyPair


@pytest.fixture
def bundle(payload: Path, keys: KeyPair, tmp_path: Path) -> Path:
    out = tmp_path / "acme-1.0.0.cdbundle"
    build_bundle(
        payload,
        out,
        key=keys.private_path,
        name="acme",
        version="1.0.0",
        target_vehicles=["polestar-2"],
    )
    return out


def test_push_usb_renames_into_place_and_reads_back(bundle: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    seen: list[tuple[int, int]] = []
    result = push_usb(bundle, usb, progress=lambda d, t: seen.append((d, t)))
    assert [p.name for p in usb.iterdir()] == ["acme-1.0.0.cdbundle"]
    assert result.sha256 == hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert result.message == (
        "The bundle acme-1.0.0.cdbundle is written and verified; it is safe to remove the USB "
        "drive."
    )
    # Copy and read-back both count: the bar ends at twice the size.
    assert seen[-1] == (2 * result.size, 2 * result.size)


def test_push_usb_without_a_drive(bundle: Path, tmp_path: Path) -> None:
    with pytest.raises(DeviceNotFoundError, match=r"^The USB folder .* does not exist; mount"):
        push_usb(bundle, tmp_path / "nowhere")


def test_push_usb_deletes_a_copy_that_reads_back_wrong(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(transports, "_sha256_file", lambda *a, **k: "0" * 64)
    with pytest.raises(DeployError, match=r"reads back different bytes.*Try another drive\.$"):
        push_usb(bundle, usb)
    assert list(usb.iterdir()) == []


class FakeAdbSync:
    """Records pushes into the fake device's file table."""

    def __init__(self, device: FakeAdbDevice) -> None:
        self.device = device

    def push(self, src: str, dst: str) -> int:
        data = Path(src).read_bytes()
        self.device.files[dst] = data
        return len(data)


class FakeAdbDevice:
    """A FAKE adb device: a dict of files, and the three shell commands the transport runs."""

    def __init__(self, serial: str = "emulator-5554", corrupt: bool = False) -> None:
        self.serial = serial
        self.files: dict[str, bytes] = {}
        self.commands: list[list[str]] = []
        self.corrupt = corrupt

    @property
    def sync(self) -> FakeAdbSync:
        return FakeAdbSync(self)

    def shell(self, cmdargs: Any, *args: Any, **kwargs: Any) -> str:
        self.commands.append(list(cmdargs))
        if cmdargs[0] == "mv":
            self.files[cmdargs[3]] = self.files.pop(cmdargs[2])
        if cmdargs[0] == "sha256sum":
            data = self.files[cmdargs[1]] + (b"x" if self.corrupt else b"")
            return f"{hashlib.sha256(data).hexdigest()}  {cmdargs[1]}"
        return ""


def test_push_adb_to_a_fake_device(bundle: Path) -> None:
    device = FakeAdbDevice()
    result = push_adb(bundle, device.serial, device=device, device_dir="/data/local/tmp/hu")
    final = "/data/local/tmp/hu/acme-1.0.0.cdbundle"
    assert device.files == {final: bundle.read_bytes()}
    assert device.commands == [
        ["mkdir", "-p", "/data/local/tmp/hu"],
        ["mv", "-f", "/data/local/tmp/hu/acme-1.0.0.tmp", final],
        ["sha256sum", final],
    ]
    assert result.destination == final
    assert "verified" in result.message


def test_push_adb_detects_a_corrupted_transfer(bundle: Path) -> None:
    with pytest.raises(DeployError, match=r"transfer was corrupted; push again\.$"):
        push_adb(bundle, "emulator-5554", device=FakeAdbDevice(corrupt=True))


def test_no_adb_server_is_a_device_not_found_error(bundle: Path) -> None:
    # A port that nothing listens on: bind one, then close it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeviceNotFoundError) as info:
        push_adb(bundle, "emulator-5554", port=port)
    message = str(info.value)
    assert message.startswith(f"No adb server answers at 127.0.0.1:{port}")
    assert message.endswith(
        "start it with 'adb start-server', connect the head unit, and push again."
    )
