"""The head unit's installer: verify a bundle, stage it, swap it in atomically, roll back.

On-disk layout under ``root``::

    journal.json                      the swap in progress, if any (see below)
    staging/<name>-<version>.<token>/ a bundle being unpacked; removed on start-up
    incoming/                         streamed uploads (PackagesService); removed on start-up
    packages/<name>/versions/<version>.<token>/   one complete, immutable version
    packages/<name>/current  -> versions/...      the active version (a symlink)
    packages/<name>/previous -> versions/...      the version kept for rollback

Why symlinks: ``os.replace`` of a symlink is one atomic rename, so readers see
the old or the new version directory, each complete, never a mix. The unique
``.<token>`` suffix keeps a re-installed version from colliding with the one
kept for rollback.

Swap protocol (install and rollback alike): write ``journal.json`` (old and new
targets of ``current`` and ``previous``) durably, point ``current`` at the new
version (the commit point), point ``previous`` at the old one, delete versions
no link refers to, delete the journal. On start-up :class:`Installer` reads a
leftover journal: if ``current`` already points at the new version it finishes
the swap, otherwise it restores the old links; then it removes staging,
half-written links and unreferenced versions.

Fault injection: with ``CARDECK_INSTALL_CRASH_AT=N`` in the environment the
installer SIGKILLs itself right after its Nth durable step (a file written and
fsynced, a directory created, a rename, a link swap, a deletion). The crash
test runs every N until an install completes.
"""

from __future__ import annotations

import builtins
import enum
import json
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml
from google.protobuf import timestamp_pb2

from cardeck import DeployError
from cardeck._names import name_problem
from cardeck.deploy import (
    MANIFEST_NAME,
    SIGNATURE_NAME,
    BundleRejectedError,
    Manifest,
    PublicKeyTypes,
    RejectReason,
    VerifiedBundle,
    check_newer,
    check_profiles,
    check_target,
    copy_member,
    verify_bundle,
)
from cardeck.v1 import types_pb2

CRASH_ENV = "CARDECK_INSTALL_CRASH_AT"
DEFAULT_MAX_BUNDLE_BYTES = 512 * 1024 * 1024
_META = ".cardeck-install.json"
_JOURNAL = "journal.json"
_CHUNK = 1 << 20
_MAX_PROFILE_BYTES = 1 << 20


class PackageNotFoundError(DeployError):
    """No bundle of that name is installed."""


class NoPreviousVersionError(DeployError):
    """A rollback was asked for but no previous version is kept."""


class InstallPhase(enum.IntEnum):
    """A step of an installation; the values are those of ``cardeck.v1.InstallPhase``."""

    # Receiving or reading the archive.
    RECEIVING = types_pb2.INSTALL_PHASE_RECEIVING
    # Checking size, signature, manifest, paths, hashes, API, vehicle and version.
    VERIFYING = types_pb2.INSTALL_PHASE_VERIFYING
    # Unpacking into the staging area (and re-hashing what is written).
    STAGING = types_pb2.INSTALL_PHASE_STAGING
    # Swapping the staged version in.
    ACTIVATING = types_pb2.INSTALL_PHASE_ACTIVATING
    # Installed and active.
    DONE = types_pb2.INSTALL_PHASE_DONE
    # Refused or failed; the installed state is unchanged.
    FAILED = types_pb2.INSTALL_PHASE_FAILED


@dataclass(frozen=True)
class InstallProgress:
    """One progress report of one installation (plain data; see :meth:`to_proto`)."""

    install_id: str
    phase: InstallPhase
    fraction: float
    message: str
    package_name: str = ""
    version: str = ""

    def to_proto(self) -> types_pb2.InstallProgress:
        """As ``cardeck.v1.InstallProgress``."""
        return types_pb2.InstallProgress(
            install_id=self.install_id,
            package_name=self.package_name,
            version=self.version,
            phase=types_pb2.InstallPhase.ValueType(int(self.phase)),
            fraction=self.fraction,
            message=self.message,
        )


ProgressSink = Callable[[InstallProgress], None]


@dataclass(frozen=True)
class InstalledPackage:
    """An installed bundle: its active version and what it provides.

    :param path: the active version's folder (resolved, not the ``current`` link).
    :param profile_paths: the vehicle profiles (``profiles/*.yaml``) in ``path``.
    """

    name: str
    version: str
    install_time: datetime
    signer_key_id: str
    previous_version: str
    path: Path
    profile_ids: tuple[str, ...] = ()
    profile_paths: tuple[Path, ...] = field(default=())

    def to_proto(self) -> types_pb2.InstalledPackage:
        """As ``cardeck.v1.InstalledPackage``."""
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(self.install_time)
        return types_pb2.InstalledPackage(
            name=self.name,
            version=self.version,
            install_time=stamp,
            signer_key_id=self.signer_key_id,
            previous_version=self.previous_version,
            profile_ids=list(self.profile_ids),
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_target(link: Path) -> str | None:
    """The version folder name a ``current``/``previous`` link points at, or None."""
    try:
        return Path(os.readlink(link)).name
    except (FileNotFoundError, OSError):
        return None


class Installer:
    """Verifies bundles and installs them atomically under ``root``, with rollback.

    Construction recovers from a crash: it finishes or undoes a half-done swap
    and removes staging leftovers, so exactly the old or the new version is active.

    Example::

        installer = Installer(Path("/var/cardeck"), [Path("oem.pub")], vehicle_id="polestar-2")
        package = installer.install(Path("/media/usb/acme-1.0.0.cdbundle"))
        installer.rollback("acme")

    :param root: the folder that holds every installed bundle.
    :param trusted_keys: public keys whose signatures are accepted.
    :param vehicle_id: this head unit's vehicle id, or a function returning it (it can
        change with the active profile); bundles must target it.
    :param api_version: the API version this head unit speaks, (major, minor).
    :param max_bundle_bytes: refuse archives larger than this.
    """

    def __init__(
        self,
        root: Path,
        trusted_keys: Sequence[PublicKeyTypes],
        vehicle_id: str | Callable[[], str],
        api_version: tuple[int, int] = (1, 0),
        max_bundle_bytes: int = DEFAULT_MAX_BUNDLE_BYTES,
        profile_checker: Callable[[builtins.list[tuple[str, bytes]]], None] = check_profiles,
    ) -> None:
        self.root = Path(root)
        # How a bundle's profiles are checked; the head unit runs the check in its profile
        # worker process, so a hostile profile inside a signed bundle cannot stall it.
        self.profile_checker = profile_checker
        self.trusted_keys = list(trusted_keys)
        self.vehicle_id = vehicle_id
        self.api_version = api_version
        self.max_bundle_bytes = max_bundle_bytes
        # Reentrant: rollback() calls get(); list() waits for a swap to finish
        # rather than read a version folder that garbage collection is deleting.
        self._lock = threading.RLock()
        crash_at = os.environ.get(CRASH_ENV, "")
        self._crash_at = int(crash_at) if crash_at.isdigit() else 0
        self._steps = 0
        for sub in ("staging", "packages", "incoming"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._recover(startup=True)

    # ------------------------------------------------------------------ paths

    @property
    def incoming_dir(self) -> Path:
        """Where streamed uploads are written before they are installed."""
        return self.root / "incoming"

    def _pkg(self, name: str) -> Path:
        # Names come from manifests and requests: a name that is no package name (``..``,
        # a separator, 300 characters) is unknown here, never a path outside the root.
        if name_problem("package", name, "name") is not None:
            raise PackageNotFoundError(
                f"{name[:64]!r} is not a valid bundle name, so no such bundle is installed; "
                "check the name with 'cardeck deploy list'."
            )
        packages = self.root / "packages"
        path = packages / name
        if path.parent != packages:
            raise PackageNotFoundError(f"{name!r} is not a bundle name.")
        return path

    # ------------------------------------------------------------ durability

    def _step(self) -> None:
        """Mark a durable step; the crash test kills the process at the Nth one."""
        self._steps += 1
        if self._crash_at and self._steps == self._crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def _set_link(self, pkg: Path, name: str, version_dir: str | None) -> None:
        """Point ``pkg/name`` at ``versions/version_dir`` atomically (or remove it)."""
        link = pkg / name
        if version_dir is None:
            if link.is_symlink():
                link.unlink()
                _fsync_dir(pkg)
                self._step()
            return
        if _link_target(link) == version_dir:
            return
        tmp = pkg / f"{name}.new"
        tmp.unlink(missing_ok=True)
        os.symlink(f"versions/{version_dir}", tmp)
        _fsync_dir(pkg)
        self._step()
        os.replace(tmp, link)
        _fsync_dir(pkg)
        self._step()

    def _write_journal(self, entry: dict[str, str | None]) -> None:
        tmp = self.root / f"{_JOURNAL}.tmp"
        with tmp.open("w") as fh:
            json.dump(entry, fh)
            fh.flush()
            os.fsync(fh.fileno())
        self._step()
        os.replace(tmp, self.root / _JOURNAL)
        _fsync_dir(self.root)
        self._step()

    def _clear_journal(self) -> None:
        (self.root / _JOURNAL).unlink(missing_ok=True)
        _fsync_dir(self.root)
        self._step()

    def _collect_garbage(self, pkg: Path) -> None:
        """Delete versions no link refers to, and the package when nothing is active."""
        for stray in ("current.new", "previous.new"):
            (pkg / stray).unlink(missing_ok=True)
        keep = {_link_target(pkg / "current"), _link_target(pkg / "previous")}
        versions = pkg / "versions"
        if keep == {None}:
            if pkg.exists():
                shutil.rmtree(pkg)
                _fsync_dir(pkg.parent)
                self._step()
            return
        removed = False
        for child in sorted(versions.iterdir()) if versions.is_dir() else []:
            if child.name not in keep:
                shutil.rmtree(child)
                removed = True
        if removed:
            _fsync_dir(versions)
            self._step()

    def _swap(self, name: str, new_current: str, new_previous: str | None) -> None:
        """Journal, then flip ``current`` (the commit point), then ``previous``, then tidy up."""
        pkg = self._pkg(name)
        self._write_journal(
            {
                "name": name,
                "old_current": _link_target(pkg / "current"),
                "old_previous": _link_target(pkg / "previous"),
                "new_current": new_current,
                "new_previous": new_previous,
            }
        )
        self._set_link(pkg, "current", new_current)
        self._set_link(pkg, "previous", new_previous)
        self._collect_garbage(pkg)
        self._clear_journal()

    def _recover(self, *, startup: bool = False) -> None:
        """Finish or undo a swap a crash interrupted, and remove every leftover.

        :param startup: also empty ``incoming/``; not after a failed install,
            when another upload may be arriving there.
        """
        journal = self.root / _JOURNAL
        if journal.exists():
            entry = json.loads(journal.read_text())
            pkg = self._pkg(entry["name"])
            if pkg.exists():
                if _link_target(pkg / "current") == entry["new_current"]:
                    self._set_link(pkg, "previous", entry["new_previous"])
                else:
                    self._set_link(pkg, "current", entry["old_current"])
                    self._set_link(pkg, "previous", entry["old_previous"])
            journal.unlink()
        (self.root / f"{_JOURNAL}.tmp").unlink(missing_ok=True)
        for sub in ("staging", "incoming") if startup else ("staging",):
            for child in (self.root / sub).iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        for pkg in (self.root / "packages").iterdir():
            self._collect_garbage(pkg)
        _fsync_dir(self.root)
        # Recovery steps do not count: the crash test injects faults in the install only.
        self._steps = 0

    # ------------------------------------------------------------------ query

    def _describe(self, name: str) -> InstalledPackage | None:
        pkg = self._pkg(name)
        current = _link_target(pkg / "current")
        if current is None:
            return None
        path = (pkg / "versions" / current).resolve()
        manifest = Manifest.from_yaml((path / MANIFEST_NAME).read_bytes())
        meta = json.loads((path / _META).read_text())
        previous = _link_target(pkg / "previous")
        previous_version = ""
        if previous is not None:
            previous_version = json.loads((pkg / "versions" / previous / _META).read_text())[
                "version"
            ]
        profile_paths = tuple(
            path / e.path
            for e in manifest.files
            if e.path.startswith("profiles/") and e.path.endswith((".yaml", ".yml"))
        )
        ids = []
        for p in profile_paths:
            data = yaml.safe_load(p.read_text())
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                ids.append(data["id"])
        return InstalledPackage(
            name=name,
            version=manifest.version,
            install_time=datetime.fromisoformat(meta["install_time"]),
            signer_key_id=manifest.signer_key_id,
            previous_version=previous_version,
            path=path,
            profile_ids=tuple(ids),
            profile_paths=profile_paths,
        )

    def list(self) -> list[InstalledPackage]:
        """Every installed bundle, sorted by name."""
        with self._lock:
            return self._list_locked()

    def _list_locked(self) -> builtins.list[InstalledPackage]:
        found = []
        for pkg in sorted((self.root / "packages").iterdir()):
            described = self._describe(pkg.name)
            if described is not None:
                found.append(described)
        return found

    def get(self, name: str) -> InstalledPackage:
        """The installed bundle ``name``.

        :raises PackageNotFoundError: it is not installed.
        """
        with self._lock:
            return self._get_locked(name)

    def _get_locked(self, name: str) -> InstalledPackage:
        described = self._describe(name) if self._pkg(name).is_dir() else None
        if described is None:
            installed = ", ".join(p.name for p in self.list()) or "none"
            raise PackageNotFoundError(
                f"No bundle named {name!r} is installed (installed: {installed}); check the "
                "name with 'cardeck deploy list'."
            )
        return described

    # ---------------------------------------------------------------- install

    def install(
        self,
        archive_path: Path,
        allow_downgrade: bool = False,
        progress: ProgressSink | None = None,
        *,
        install_id: str | None = None,
    ) -> InstalledPackage:
        """Verify a bundle and make it the active version of its package.

        Checks, in order: size, signature, manifest schema, path safety, hashes,
        API version, target vehicle, newer version, valid vehicle profiles. Then
        stages, swaps and keeps the previous version for rollback. On any
        failure the installed state is exactly as before.

        :param archive_path: the ``.cdbundle`` file.
        :param allow_downgrade: accept a version not newer than the installed one.
        :param progress: called with each :class:`InstallProgress`, from this thread.
        :param install_id: an id for the progress reports; random when omitted.
        :raises BundleRejectedError: a check refused the bundle (``.reason`` says which).
        :raises DeployError: an I/O failure while staging.
        """
        iid = install_id or secrets.token_hex(8)
        state = {"package_name": "", "version": ""}

        def report(phase: InstallPhase, fraction: float, message: str) -> None:
            if progress:
                progress(
                    InstallProgress(iid, phase, min(max(fraction, 0.0), 1.0), message, **state)
                )

        with self._lock:
            try:
                package = self._install_locked(archive_path, allow_downgrade, report, state)
            except Exception as exc:
                report(InstallPhase.FAILED, 1.0, str(exc))
                raise
            report(
                InstallPhase.DONE,
                1.0,
                f"The bundle {package.name} {package.version} is installed and active.",
            )
            return package

    def _install_locked(
        self,
        archive_path: Path,
        allow_downgrade: bool,
        report: Callable[[InstallPhase, float, str], None],
        state: dict[str, str],
    ) -> InstalledPackage:
        report(InstallPhase.VERIFYING, 0.0, f"Verifying {archive_path.name}.")
        verified = verify_bundle(
            archive_path,
            self.trusted_keys,
            max_bytes=self.max_bundle_bytes,
            progress=lambda done, total: report(
                InstallPhase.VERIFYING, done / total if total else 1.0, "Checking file hashes."
            ),
        )
        manifest = verified.manifest
        state.update(package_name=manifest.name, version=manifest.version)
        vehicle_id = self.vehicle_id() if callable(self.vehicle_id) else self.vehicle_id
        check_target(manifest, api_version=self.api_version, vehicle_id=vehicle_id)
        pkg = self._pkg(manifest.name)
        installed = self._describe(manifest.name) if pkg.is_dir() else None
        check_newer(
            manifest, installed.version if installed else None, allow_downgrade=allow_downgrade
        )
        # Last, after the checks the issue orders: the profiles must load, so
        # that activating them cannot break the head unit's catalog.
        self.profile_checker(self._read_profiles(verified))
        version_dir = f"{manifest.version}.{secrets.token_hex(4)}"
        staging = self.root / "staging" / f"{manifest.name}-{version_dir}"
        try:
            self._stage(verified, staging, report)
            report(InstallPhase.ACTIVATING, 0.0, f"Activating {manifest.name} {manifest.version}.")
            versions = pkg / "versions"
            if not versions.is_dir():
                versions.mkdir(parents=True)
                _fsync_dir(pkg)
                _fsync_dir(pkg.parent)
                self._step()
            os.rename(staging, versions / version_dir)
            _fsync_dir(versions)
            _fsync_dir(staging.parent)
            self._step()
            old = _link_target(pkg / "current")
            self._swap(manifest.name, version_dir, old)
        except BaseException:
            # Undo in place what recovery would undo after a crash.
            shutil.rmtree(staging, ignore_errors=True)
            self._recover()
            raise
        described = self._describe(manifest.name)
        assert described is not None
        return described

    @staticmethod
    def _read_profiles(verified: VerifiedBundle) -> builtins.list[tuple[str, bytes]]:
        found = []
        with verified.path.open("rb") as fh:
            for entry in verified.manifest.files:
                if entry.path.startswith("profiles/") and entry.path.endswith((".yaml", ".yml")):
                    span = verified.members[entry.path]
                    fh.seek(span.offset)
                    found.append((entry.path, fh.read(min(span.size, _MAX_PROFILE_BYTES))))
        return found

    def _stage(
        self,
        verified: VerifiedBundle,
        staging: Path,
        report: Callable[[InstallPhase, float, str], None],
    ) -> None:
        """Unpack into ``staging``, re-hashing every byte written, and fsync it all."""
        manifest = verified.manifest
        staging.mkdir(parents=True)
        total = sum(e.size for e in manifest.files) or 1
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            report(InstallPhase.STAGING, done / total, "Unpacking.")

        report(InstallPhase.STAGING, 0.0, f"Unpacking {manifest.name} {manifest.version}.")
        dirs = {staging}
        buf = bytearray(_CHUNK)
        with verified.path.open("rb", buffering=0) as src:
            for entry in manifest.files:
                target = staging / entry.path
                for parent in reversed(target.relative_to(staging).parents):
                    (staging / parent).mkdir(exist_ok=True)
                    dirs.add(staging / parent)
                # O_EXCL: never follow or overwrite anything already there.
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                with os.fdopen(fd, "wb", buffering=0) as dst:
                    digest = copy_member(src, verified.members[entry.path], dst, buf, advance)
                    os.fsync(dst.fileno())
                if digest != entry.sha256:
                    # The archive changed between verification and unpacking.
                    raise BundleRejectedError(
                        RejectReason.TAMPERED,
                        f"{entry.path} changed while it was being unpacked, so the bundle "
                        "was altered during the installation; copy it again.",
                    )
                self._step()
        for name, data in (
            (MANIFEST_NAME, verified.manifest_bytes),
            (SIGNATURE_NAME, verified.signature),
            (
                _META,
                json.dumps(
                    {
                        "version": manifest.version,
                        "install_time": datetime.now(UTC).isoformat(),
                        "key_id": verified.key_id,
                    }
                ).encode(),
            ),
        ):
            with (staging / name).open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(d)
        self._step()

    # --------------------------------------------------------------- rollback

    def rollback(self, name: str) -> InstalledPackage:
        """Make the previous version of ``name`` active again (the current one is kept).

        Rolling back twice returns to where it started.

        :raises PackageNotFoundError: ``name`` is not installed.
        :raises NoPreviousVersionError: no previous version is kept.
        """
        with self._lock:
            current = self.get(name)
            pkg = self._pkg(name)
            cur = _link_target(pkg / "current")
            prev = _link_target(pkg / "previous")
            if prev is None:
                raise NoPreviousVersionError(
                    f"{name} {current.version} has no previous version to roll back to; "
                    "install the version you want instead."
                )
            try:
                self._swap(name, prev, cur)
            except BaseException:
                self._recover()
                raise
            described = self._describe(name)
            assert described is not None
            return described
