"""Kill the installer (SIGKILL) at every durable step; after restart one whole version is active.

The child process runs a real install or rollback with ``CARDECK_INSTALL_CRASH_AT=N``,
which makes the installer kill itself right after its Nth write, fsync, rename or
link swap. N counts up until the child finishes on its own, so every step is hit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import VEHICLE, BuildBundle

from cardeck.deploy import KeyPair, Manifest
from cardeck_sim.install import CRASH_ENV, Installer

CHILD = f"""
import sys
from pathlib import Path
from cardeck_sim.install import Installer
root, pub, op, arg = sys.argv[1:5]
installer = Installer(Path(root), [Path(pub)], {VEHICLE!r})
if op == "install":
    installer.install(Path(arg))
else:
    installer.rollback(arg)
"""

State = tuple[str, str] | None  # (current version, previous version), or nothing installed.


def run_child(root: Path, pub: Path, op: str, arg: str, crash_at: int) -> int:
    env = {**os.environ, CRASH_ENV: str(crash_at)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(pub), op, arg],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
    return proc.returncode


def check_consistent(installer: Installer) -> State:
    """The recovered state, after checking that the active folder is exactly one version."""
    root = installer.root
    assert not (root / "journal.json").exists()
    assert list((root / "staging").iterdir()) == []
    packages = installer.list()
    if not packages:
        assert list((root / "packages").iterdir()) == []
        return None
    [package] = packages
    manifest = Manifest.from_yaml((package.path / "manifest.yaml").read_bytes())
    assert manifest.version == package.version
    on_disk = {
        p.relative_to(package.path).as_posix()
        for p in package.path.rglob("*")
        if p.is_file() and p.parent != package.path
    }
    assert on_disk == {f.path for f in manifest.files}
    for entry in manifest.files:
        assert hashlib.sha256((package.path / entry.path).read_bytes()).hexdigest() == entry.sha256
    meta = json.loads((package.path / ".cardeck-install.json").read_text())
    assert meta["version"] == package.version
    # No version folder is left that no link refers to.
    kept = {package.path.name}
    versions = package.path.parent
    previous = versions.parent / "previous"
    if previous.is_symlink():
        kept.add(Path(os.readlink(previous)).name)
    assert {p.name for p in versions.iterdir()} == kept
    return (package.version, package.previous_version)


def crash_everywhere(
    base: Path,
    work: Path,
    pub: Path,
    op: str,
    arg: str,
    allowed: dict[State, str],
    after: Callable[[Installer, State], None],
) -> int:
    """Run the child with N = 1, 2, … until it completes; check each recovery. Returns N.

    ``allowed`` maps the only states a crash may leave to ``"old"`` (as before the
    operation) or ``"new"`` (as after it); ``after`` checks what must still work in each.
    """
    seen: set[str] = set()
    batch = 4
    start = 1
    while True:
        roots = []
        for n in range(start, start + batch):
            root = work / f"{op}-{n}"
            shutil.copytree(base, root, symlinks=True)
            roots.append((n, root))
        with ThreadPoolExecutor(batch) as pool:
            codes = list(pool.map(lambda item: run_child(item[1], pub, op, arg, item[0]), roots))
        for (n, root), code in zip(roots, codes, strict=True):
            installer = Installer(root, [pub], VEHICLE)
            state = check_consistent(installer)
            assert state in allowed, f"crash at step {n} left {state}"
            if code == 0:
                assert allowed[state] == "new", f"the uncrashed run ended in {state}"
                # Both outcomes must have happened along the way.
                assert seen == {"old", "new"}, seen
                return n
            seen.add(allowed[state])
            after(installer, state)
        start += batch


@pytest.fixture
def pub(keys: KeyPair) -> Path:
    return keys.public_path


@pytest.fixture
def installed(tmp_path: Path, pub: Path, make_bundle: BuildBundle) -> Callable[..., Path]:
    """Make the head unit's folder with ``versions`` of the package installed in order."""

    def make(*versions: str) -> Path:
        base = tmp_path / "base"
        installer = Installer(base, [pub], VEHICLE)
        for version in versions:
            installer.install(make_bundle(version))
        return base

    return make


def test_crash_during_first_install(
    tmp_path: Path, pub: Path, make_bundle: BuildBundle, installed: Callable[..., Path]
) -> None:
    base = installed()
    bundle = make_bundle("1.0.0")

    def after(installer: Installer, state: State) -> None:
        if state is None:  # The old state: installing again must work.
            assert installer.install(bundle).version == "1.0.0"

    allowed: dict[State, str] = {None: "old", ("1.0.0", ""): "new"}
    steps = crash_everywhere(base, tmp_path / "w", pub, "install", str(bundle), allowed, after)
    assert steps > 8


def test_crash_during_upgrade(
    tmp_path: Path, pub: Path, make_bundle: BuildBundle, installed: Callable[..., Path]
) -> None:
    base = installed("1.0.0", "1.1.0")
    bundle = make_bundle("2.0.0")

    def after(installer: Installer, state: State) -> None:
        if state == ("1.1.0", "1.0.0"):
            assert installer.install(bundle).previous_version == "1.1.0"

    allowed: dict[State, str] = {("1.1.0", "1.0.0"): "old", ("2.0.0", "1.1.0"): "new"}
    steps = crash_everywhere(base, tmp_path / "w", pub, "install", str(bundle), allowed, after)
    assert steps > 10


def test_crash_during_rollback(tmp_path: Path, pub: Path, installed: Callable[..., Path]) -> None:
    base = installed("1.0.0", "1.1.0")

    def after(installer: Installer, state: State) -> None:
        if state == ("1.1.0", "1.0.0"):
            assert installer.rollback("acme").version == "1.0.0"

    allowed: dict[State, str] = {("1.1.0", "1.0.0"): "old", ("1.0.0", "1.1.0"): "new"}
    steps = crash_everywhere(base, tmp_path / "w", pub, "rollback", "acme", allowed, after)
    assert steps > 4
