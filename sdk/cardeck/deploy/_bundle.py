"""Build and verify signed bundles.

Archive format: an *uncompressed* POSIX (pax) tar file, conventionally named
``NAME-VERSION.cdbundle``. Members, in this order:

1. ``manifest.yaml``: the :class:`~cardeck.deploy.Manifest`, the only signed bytes;
2. ``manifest.sig``: the 64-byte raw Ed25519 signature over ``manifest.yaml``;
3. the payload, regular files only, under ``profiles/``, ``templates/``,
   ``themes/``, ``intents/`` and ``web/``, sorted by path.

Why no gzip: profiles and templates are small and web assets are mostly
compressed already, while an uncompressed tar lets the verifier seek straight to
each member and hash it at disk speed (the throughput goal is 0.8× of
``sha256sum``), and lets the installer copy bytes from known offsets instead of
trusting ``tarfile.extract``.

Verification never holds more than one 1 MiB buffer of payload in memory.
"""

from __future__ import annotations

import enum
import hashlib
import os
import posixpath
import tarfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature

from cardeck._exceptions import DeployError, ProfileError, SigningError

from ._keys import PublicKeyTypes, key_id, load_private_key, load_public_key
from ._manifest import (
    MANIFEST_NAME,
    PAYLOAD_DIRS,
    SIGNATURE_NAME,
    FileEntry,
    Manifest,
    ManifestError,
    format_api_version,
    parse_api_version,
    semver_key,
)

__all__ = [
    "BUNDLE_SUFFIX",
    "BuiltBundle",
    "BundleRejectedError",
    "BundleSignatureError",
    "MemberSpan",
    "ProgressCallback",
    "RejectReason",
    "VerifiedBundle",
    "build_bundle",
    "check_newer",
    "check_profiles",
    "check_target",
    "copy_member",
    "profile_problems",
    "raise_for_profile_problems",
    "verify_bundle",
]

BUNDLE_SUFFIX = ".cdbundle"
CHUNK_BYTES = 1 << 20
MAX_MANIFEST_BYTES = 1 << 20
SIGNATURE_BYTES = 64
_BLOCK = tarfile.BLOCKSIZE

# progress(done, total): bytes processed so far of the phase's total.
ProgressCallback = Callable[[int, int], None]


def progress_counter(total: int, progress: ProgressCallback | None) -> Callable[[int], None]:
    """A callback for streamed byte counts that reports ``(done, total)`` to ``progress``."""
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    return advance


class RejectReason(enum.StrEnum):
    """Why a bundle was refused; the head unit maps each to a gRPC status code."""

    # The archive is larger than the head unit accepts (RESOURCE_EXHAUSTED).
    OVERSIZED = "OVERSIZED"
    # The archive ends early: an interrupted copy or download (DATA_LOSS).
    TRUNCATED = "TRUNCATED"
    # The file is not a bundle archive at all (FAILED_PRECONDITION).
    MALFORMED = "MALFORMED"
    # There is no manifest.sig (PERMISSION_DENIED).
    UNSIGNED = "UNSIGNED"
    # The signature does not verify with any trusted key (PERMISSION_DENIED).
    UNTRUSTED = "UNTRUSTED"
    # manifest.yaml is missing, not YAML, or breaks the schema (FAILED_PRECONDITION).
    BAD_MANIFEST = "BAD_MANIFEST"
    # A member is absolute, has "..", is a link or device, or is outside the payload folders.
    UNSAFE_PATH = "UNSAFE_PATH"
    # A file's hash or size differs from the manifest, or files are missing or extra.
    TAMPERED = "TAMPERED"
    # The bundle needs a newer API than the head unit speaks (FAILED_PRECONDITION).
    API_TOO_NEW = "API_TOO_NEW"
    # The bundle does not list this head unit's vehicle (FAILED_PRECONDITION).
    WRONG_VEHICLE = "WRONG_VEHICLE"
    # The bundle is not newer than the installed version (FAILED_PRECONDITION).
    DOWNGRADE = "DOWNGRADE"
    # A profiles/*.yaml file is not a valid vehicle profile (FAILED_PRECONDITION).
    INVALID_PROFILE = "INVALID_PROFILE"


class BundleRejectedError(DeployError):
    """A bundle failed verification; ``reason`` says which check refused it.

    :param reason: the refusing check.
    :param message: a sentence saying why, then what to do.
    """

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class BundleSignatureError(BundleRejectedError, SigningError):
    """A bundle has no signature, or none of the trusted keys verifies it."""


@dataclass(frozen=True)
class MemberSpan:
    """Where a payload file's bytes lie inside the archive."""

    offset: int
    size: int


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every check that does not depend on the head unit.

    :param path: the archive.
    :param manifest: its validated manifest.
    :param key_id: the trusted key that verified the signature.
    :param members: each payload path and where its bytes lie in the archive.
    :param manifest_bytes: the signed manifest as stored.
    :param signature: the raw signature.
    :param archive_bytes: the archive's size.
    """

    path: Path
    manifest: Manifest
    key_id: str
    members: dict[str, MemberSpan]
    manifest_bytes: bytes
    signature: bytes
    archive_bytes: int


@dataclass(frozen=True)
class BuiltBundle:
    """What :func:`build_bundle` wrote."""

    path: Path
    manifest: Manifest
    archive_bytes: int


# --------------------------------------------------------------------------- build


def _collect_payload(source: Path) -> list[tuple[str, Path]]:
    """Every payload file under ``source`` as (bundle path, file), sorted; refuses links."""
    found: list[tuple[str, Path]] = []
    problems: list[str] = []
    for top in PAYLOAD_DIRS:
        base = source / top
        if base.is_symlink():
            problems.append(f"{top}/ is a symbolic link")
            continue
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames) + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
                file = Path(dirpath, name)
                rel = file.relative_to(source).as_posix()
                if file.is_symlink():
                    problems.append(f"{rel} is a symbolic link")
                elif not file.is_file():
                    problems.append(f"{rel} is not a regular file")
                else:
                    found.append((rel, file))
    if problems:
        raise DeployError(
            f"The payload in {source} cannot be bundled: {'; '.join(problems)}. Bundles hold "
            "regular files only; replace links with copies."
        )
    if not found:
        raise DeployError(
            f"The folder {source} has no payload files; put them under "
            f"{', '.join(PAYLOAD_DIRS)}/ and build again."
        )
    return sorted(found)


def _is_profile(path: str) -> bool:
    return path.startswith("profiles/") and path.endswith((".yaml", ".yml"))


def profile_problems(profiles: Iterable[tuple[str, bytes]]) -> list[str]:
    """What is wrong with each ``profiles/*.yaml`` of a bundle (empty when all are valid).

    A plain list, so a head unit can compute it in another process and raise there.

    :param profiles: (bundle path, bytes) of each profile file.
    """
    from cardeck.layout import parse_profile

    problems = []
    for path, data in profiles:
        try:
            parse_profile(data.decode("utf-8", errors="replace"), path)
        except ProfileError as exc:
            problems.append(str(exc))
    return problems


def check_profiles(profiles: Iterable[tuple[str, bytes]]) -> None:
    """Check that every ``profiles/*.yaml`` is a valid vehicle profile, so that
    activating the bundle cannot break the head unit's profile catalog.

    :param profiles: (bundle path, bytes) of each profile file.
    :raises BundleRejectedError: INVALID_PROFILE, listing every problem.
    """
    raise_for_profile_problems(profile_problems(profiles))


def raise_for_profile_problems(problems: list[str]) -> None:
    """Refuse a bundle for the problems :func:`profile_problems` found, if any.

    :raises BundleRejectedError: INVALID_PROFILE, listing every problem.
    """
    if problems:
        raise _reject(
            RejectReason.INVALID_PROFILE,
            "The bundle holds invalid vehicle profiles; fix them and build it again. "
            + "\n".join(problems),
        )


def _hash_file(path: Path, on_bytes: Callable[[int], None]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    buf = bytearray(CHUNK_BYTES)
    view = memoryview(buf)
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            digest.update(view[:n])
            size += n
            on_bytes(n)
    return digest.hexdigest(), size


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = int(mtime)
    # Reproducible: no build machine's user names or ids in the archive.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def build_bundle(
    source: Path,
    out: Path,
    *,
    key: Path,
    name: str,
    version: str,
    min_api_version: str = "1.0",
    target_vehicles: Sequence[str],
    created_at: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> BuiltBundle:
    """Hash the payload under ``source``, sign a manifest and write one archive.

    The archive is written as ``OUT.tmp`` and renamed into place, so ``out``
    never holds half a bundle.

    :param source: a folder holding ``profiles/``, ``templates/``, ``themes/``,
        ``intents/`` and/or ``web/``.
    :param out: the archive to write (``.cdbundle`` by convention).
    :param key: the Ed25519 private key (PEM) from ``cardeck deploy keygen``.
    :param name: the bundle name, e.g. ``acme-profiles``.
    :param version: a semantic version, e.g. ``1.2.0``.
    :param min_api_version: the oldest head-unit API it works with, MAJOR.MINOR.
    :param target_vehicles: the vehicle ids it may be installed on.
    :param progress: called with (bytes done, bytes total) while hashing and writing.
    :raises DeployError: the payload or the metadata is invalid.
    :raises SigningError: the key cannot be loaded.
    """
    private = load_private_key(key)
    files = _collect_payload(source)
    advance = progress_counter(sum(f.stat().st_size for _, f in files) * 2, progress)

    # Fail at build time rather than on the head unit.
    check_profiles((rel, file.read_bytes()) for rel, file in files if _is_profile(rel))
    entries = []
    for rel, file in files:
        sha, size = _hash_file(file, advance)
        entries.append(FileEntry(path=rel, sha256=sha, size=size))
    try:
        manifest = Manifest(
            name=name,
            version=version,
            min_api_version=min_api_version,
            target_vehicles=tuple(target_vehicles),
            created_at=created_at or datetime.now(UTC).replace(microsecond=0),
            signer_key_id=key_id(private.public_key()),
            files=tuple(entries),
        )
    except ValueError as exc:
        raise DeployError(
            f"The bundle metadata is invalid: {exc}. Fix the options and build again."
        ) from exc
    manifest_bytes = manifest.to_yaml()
    signature = private.sign(manifest_bytes)
    mtime = manifest.created_at.timestamp()
    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            tmp.open("wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            for member_name, data in ((MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature)):
                tar.addfile(_tarinfo(member_name, len(data), mtime), _BytesReader(data))
            for entry, (_, file) in zip(entries, files, strict=True):
                with file.open("rb") as fh:
                    tar.addfile(
                        _tarinfo(entry.path, entry.size, mtime), _CountingReader(fh, advance)
                    )
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuiltBundle(out, manifest, out.stat().st_size)


class _BytesReader:
    """A minimal file object over bytes (tarfile only calls ``read``)."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = bytes(self._data[self._pos : end])
        self._pos += len(chunk)
        return chunk


class _CountingReader:
    """Reports bytes as tarfile copies them, to feed the build progress bar."""

    def __init__(self, fh: BinaryIO, on_bytes: Callable[[int], None]) -> None:
        self._fh = fh
        self._on_bytes = on_bytes

    def read(self, n: int = -1) -> bytes:
        chunk = self._fh.read(n)
        self._on_bytes(len(chunk))
        return chunk


# -------------------------------------------------------------------------- verify


def _reject(reason: RejectReason, message: str) -> BundleRejectedError:
    if reason in (RejectReason.UNSIGNED, RejectReason.UNTRUSTED):
        return BundleSignatureError(reason, message)
    return BundleRejectedError(reason, message)


# Leading bytes of files people mistake for bundles, so the error can say what the file is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip file; bundles are uncompressed tars"),
    (b"%PDF", "a PDF document"),
)
_BUILD_HINT = "build one with `cardeck deploy build`"


def _not_a_bundle(path: Path, what: str) -> str:
    """The one sentence for a file that is not a bundle at all."""
    return f"The file {path.name} is not a CarDeck bundle ({what}); {_BUILD_HINT}."


def _sniff(head: bytes) -> str:
    """What a file that does not start with a tar header seems to be."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return f"it is {what}"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut in two by the end of the block is still text.
        if exc.start < len(head) - 3:
            return "it does not start with a tar header"
    return "it is a text file" if b"\0" not in head else "it does not start with a tar header"


def _read_members(path: Path, size: int) -> list[tarfile.TarInfo]:
    """Every tar header, with truncation told apart from a file that is not a tar at all."""
    rebuild = "copy the bundle again from the original"
    if size == 0:
        # An interrupted copy can leave an empty file too, so the reason stays TRUNCATED.
        raise _reject(
            RejectReason.TRUNCATED,
            f"The file {path.name} is not a CarDeck bundle (it is empty, as an interrupted copy "
            f"leaves it); {_BUILD_HINT}, or {rebuild}.",
        )
    with path.open("rb") as fh:
        head = fh.read(_BLOCK)
    # Every tar header (ustar, GNU, PAX) has the "ustar" magic at offset 257. Without it
    # the file was never a bundle, whatever tarfile says (it calls short files "truncated").
    if head[257:262] != b"ustar":
        raise _reject(RejectReason.MALFORMED, _not_a_bundle(path, _sniff(head)))
    try:
        with tarfile.open(path, mode="r:") as tar:
            members = tar.getmembers()
    except tarfile.ReadError as exc:
        text = str(exc)
        if "unexpected end of data" in text or "truncated" in text:
            raise _reject(
                RejectReason.TRUNCATED,
                f"The bundle {path.name} ends early ({text}), so it was cut off while being "
                f"copied; {rebuild}.",
            ) from exc
        raise _reject(
            RejectReason.MALFORMED,
            _not_a_bundle(path, f"it is not a readable tar archive: {text}"),
        ) from exc
    if not members:
        raise _reject(
            RejectReason.MALFORMED, f"The bundle {path.name} is an empty archive; {rebuild}."
        )
    # tarfile stops quietly when the file ends on a header boundary, so check
    # for the two zero blocks that close every complete archive.
    last = members[-1]
    end = last.offset_data + (-(-last.size // _BLOCK) * _BLOCK if last.isreg() else 0)
    with path.open("rb") as fh:
        fh.seek(end)
        trailer = fh.read(2 * _BLOCK)
    if len(trailer) < 2 * _BLOCK or trailer.strip(b"\0"):
        raise _reject(
            RejectReason.TRUNCATED,
            f"The bundle {path.name} lacks the end-of-archive marker, so it was cut off "
            f"while being copied; {rebuild}.",
        )
    return members


def _read_span(fh: BinaryIO, offset: int, size: int) -> bytes:
    fh.seek(offset)
    return fh.read(size)


def _unsafe_reason(name: str, *, payload: bool = True) -> str | None:
    """Why a bundle path is unsafe, or None when it is a plain relative path."""
    if not name or "\0" in name or "\\" in name:
        return "has an empty name, a NUL or a backslash"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    parts = name.split("/")
    if ".." in parts:
        return "contains '..'"
    if any(p in ("", ".") for p in parts) or posixpath.normpath(name) != name:
        return "is not a normalised relative path"
    if payload and (len(parts) < 2 or parts[0] not in PAYLOAD_DIRS):
        return f"is outside the payload folders ({', '.join(PAYLOAD_DIRS)})"
    return None


def _check_paths(members: Iterable[tarfile.TarInfo], manifest: Manifest) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for m in members:
        special = m.name in (MANIFEST_NAME, SIGNATURE_NAME)
        why = _unsafe_reason(m.name, payload=not special)
        if why:
            problems.append(f"{m.name!r} {why}")
        if m.issym() or m.islnk():
            problems.append(f"{m.name!r} is a link to {m.linkname!r}")
        elif m.ischr() or m.isblk() or m.isfifo():
            problems.append(f"{m.name!r} is a device or pipe")
        elif not (m.isreg() or m.isdir()) or (special and not m.isreg()):
            problems.append(f"{m.name!r} is not a regular file")
        if m.name in seen:
            problems.append(f"{m.name!r} appears twice")
        seen.add(m.name)
    for entry in manifest.files:
        why = _unsafe_reason(entry.path)
        if why:
            problems.append(f"manifest entry {entry.path!r} {why}")
    if problems:
        raise _reject(
            RejectReason.UNSAFE_PATH,
            f"The bundle has unsafe paths: {'; '.join(problems[:10])}. Only regular files "
            "under the payload folders are allowed; rebuild it with 'cardeck deploy build'.",
        )


def verify_bundle(
    path: Path,
    trusted_keys: Sequence[PublicKeyTypes],
    *,
    max_bytes: int | None = None,
    progress: ProgressCallback | None = None,
) -> VerifiedBundle:
    """Check a bundle in order: size, signature, manifest schema, path safety, hashes.

    The checks that depend on the head unit (API version, vehicle, installed
    version) are :func:`check_target` and the installer's.

    :param path: the archive.
    :param trusted_keys: public keys (paths, PEM or raw bytes) whose signatures count.
    :param max_bytes: refuse archives larger than this.
    :param progress: called with (bytes hashed, bytes total) while hashing.
    :raises BundleRejectedError: a check failed; ``.reason`` says which.
    :raises BundleSignatureError: no signature, or no trusted key verifies it.
    :raises SigningError: a trusted key cannot be loaded.
    """
    keys = [load_public_key(k) for k in trusted_keys]
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DeployError(f"The bundle {path} cannot be read ({exc.strerror}).") from exc
    # 1. Size limits, and an archive that is complete.
    if max_bytes is not None and size > max_bytes:
        raise _reject(
            RejectReason.OVERSIZED,
            f"The bundle {path.name} is {size} bytes, over this head unit's limit of "
            f"{max_bytes} bytes; split the payload into smaller bundles.",
        )
    members = _read_members(path, size)
    by_name: dict[str, tarfile.TarInfo] = {}
    for m in members:
        by_name.setdefault(m.name, m)
    manifest_info = by_name.get(MANIFEST_NAME)
    sig_info = by_name.get(SIGNATURE_NAME)
    if manifest_info is None or not manifest_info.isreg():
        raise _reject(
            RejectReason.BAD_MANIFEST,
            _not_a_bundle(path, f"it is a tar archive without {MANIFEST_NAME}"),
        )
    if manifest_info.size > MAX_MANIFEST_BYTES:
        raise _reject(
            RejectReason.OVERSIZED,
            f"The manifest is {manifest_info.size} bytes, over the limit of "
            f"{MAX_MANIFEST_BYTES}; split the payload into smaller bundles.",
        )
    with path.open("rb") as fh:
        manifest_bytes = _read_span(fh, manifest_info.offset_data, manifest_info.size)
        # 2. Signature against the trusted keys.
        if sig_info is None or not sig_info.isreg():
            raise _reject(
                RejectReason.UNSIGNED,
                f"The bundle {path.name} has no signature ({SIGNATURE_NAME}), so its origin "
                "cannot be checked; sign it with 'cardeck deploy build --key'.",
            )
        signature = _read_span(fh, sig_info.offset_data, min(sig_info.size, 1024))
        signer = None
        for key in keys:
            try:
                key.verify(signature, manifest_bytes)
            except InvalidSignature:
                continue
            signer = key_id(key)
            break
        if signer is None:
            trusted = ", ".join(key_id(k) for k in keys) or "none configured"
            raise _reject(
                RejectReason.UNTRUSTED,
                f"The signature of {path.name} does not verify with any trusted key (trusted: "
                f"{trusted}), so it was signed by an unknown key or altered; sign it with a "
                "trusted key or add the signer's public key to the trusted keys.",
            )
        # 3. Manifest schema.
        try:
            manifest = Manifest.from_yaml(manifest_bytes)
        except ManifestError as exc:
            raise _reject(RejectReason.BAD_MANIFEST, str(exc)) from exc
        if manifest.signer_key_id != signer:
            raise _reject(
                RejectReason.BAD_MANIFEST,
                f"The manifest names signer {manifest.signer_key_id} but the signature is by key "
                f"{signer}; rebuild the bundle with 'cardeck deploy build'.",
            )
        # 4. Path safety: every member and every manifest entry.
        _check_paths(members, manifest)
        # 5. Hashes, with no missing or extra files.
        payload = {m.name: MemberSpan(m.offset_data, m.size) for m in members if m.isreg()}
        payload.pop(MANIFEST_NAME)
        payload.pop(SIGNATURE_NAME)
        listed = {e.path: e for e in manifest.files}
        problems = [
            f"{p} is in the archive but not in the manifest"
            for p in sorted(payload.keys() - listed.keys())
        ]
        problems += [
            f"{p} is in the manifest but missing" for p in sorted(listed.keys() - payload.keys())
        ]
        problems += [
            f"{p} is {payload[p].size} bytes, the manifest says {listed[p].size}"
            for p in sorted(payload.keys() & listed.keys())
            if payload[p].size != listed[p].size
        ]
        if not problems:
            advance = progress_counter(sum(e.size for e in manifest.files), progress)

            buf = bytearray(CHUNK_BYTES)
            for entry in manifest.files:
                if copy_member(fh, payload[entry.path], None, buf, advance) != entry.sha256:
                    problems.append(f"{entry.path} does not match its SHA-256 in the manifest")
        if problems:
            raise _reject(
                RejectReason.TAMPERED,
                f"The bundle {path.name} was altered after signing: "
                f"{'; '.join(problems[:10])}. Rebuild and sign it again.",
            )
    return VerifiedBundle(
        path=path,
        manifest=manifest,
        key_id=signer,
        members={p: payload[p] for p in listed},
        manifest_bytes=manifest_bytes,
        signature=signature,
        archive_bytes=size,
    )


def check_target(manifest: Manifest, *, api_version: tuple[int, int], vehicle_id: str) -> None:
    """Check, in order, that a head unit speaking ``api_version`` on ``vehicle_id`` may install it.

    :raises BundleRejectedError: API_TOO_NEW or WRONG_VEHICLE.
    """
    need = parse_api_version(manifest.min_api_version)
    if need[0] != api_version[0] or need[1] > api_version[1]:
        raise _reject(
            RejectReason.API_TOO_NEW,
            f"The bundle {manifest.name} {manifest.version} needs API "
            f"{manifest.min_api_version}, but this head unit speaks API "
            f"{format_api_version(api_version)}; update the head unit or build the bundle for "
            "an older API.",
        )
    if vehicle_id not in manifest.target_vehicles:
        raise _reject(
            RejectReason.WRONG_VEHICLE,
            f"The bundle {manifest.name} {manifest.version} is for "
            f"{', '.join(manifest.target_vehicles)}, not for this vehicle ({vehicle_id}); "
            f"build it with --vehicle {vehicle_id}.",
        )


def check_newer(
    manifest: Manifest, installed_version: str | None, *, allow_downgrade: bool
) -> None:
    """Refuse a version that is not newer than the installed one, unless allowed.

    :raises BundleRejectedError: DOWNGRADE.
    """
    if installed_version is None or allow_downgrade:
        return
    if semver_key(manifest.version) <= semver_key(installed_version):
        raise _reject(
            RejectReason.DOWNGRADE,
            f"The bundle {manifest.name} {manifest.version} is not newer than the installed "
            f"version {installed_version}; build a higher version, or allow the downgrade "
            "explicitly.",
        )


def copy_member(
    src: BinaryIO,
    span: MemberSpan,
    dst: BinaryIO | None,
    buf: bytearray,
    on_bytes: Callable[[int], None] | None = None,
) -> str:
    """Copy one member's bytes from the archive to ``dst``, returning their SHA-256.

    With ``dst`` None the bytes are only hashed (verification reads them this way).
    """
    digest = hashlib.sha256()
    view = memoryview(buf)
    src.seek(span.offset)
    left = span.size
    while left:
        n = src.readinto(view[: min(left, len(buf))])  # type: ignore[attr-defined]  # an open(..., 'rb') file; typing.BinaryIO omits readinto
        if not n:
            break
        digest.update(view[:n])
        if dst is not None:
            dst.write(view[:n])
        left -= n
        if on_bytes:
            on_bytes(n)
    return digest.hexdigest()
