"""``cardeck deploy …``: thin handlers over :mod:`cardeck.deploy` (issue 8).

``keygen``, ``build``, ``verify`` and ``push`` work on files and devices;
``list`` and ``rollback`` talk to a running head unit's PackagesService.
Handlers raise CarDeck errors; ``cardeck.cli.__main__.main()`` prints
``ClassName: message`` and exits 1.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc

from .._client import connect
from .._exceptions import DeployError, UsageError, map_rpc_error
from ..v1 import packages_service_pb2 as pb
from ..v1 import packages_service_pb2_grpc as pb_grpc
from ..v1 import types_pb2
from ._headunit_cmds import add_connection_args, add_credential_args, tls_from_args
from ._output import JsonKeys, add_json_flag, byte_progress, print_json

__all__ = [
    "cmd_build",
    "cmd_keygen",
    "cmd_list",
    "cmd_push",
    "cmd_rollback",
    "cmd_verify",
    "register",
]

_RPC_TIMEOUT_S = 30.0

# The JSON keys of each command (the --help epilog and docs/cli.md list them).
_KEYGEN_KEYS: JsonKeys = {
    "private_key": "path of the private key written (NAME.key, mode 0600)",
    "public_key": "path of the public key written (NAME.pub)",
    "key_id": "the key id: 16 hex digits",
}
_BUNDLE_KEYS: JsonKeys = {
    "path": "the bundle file",
    "name": "the bundle name",
    "version": "its semantic version",
    "target_vehicles": "list of the vehicle ids it targets",
    "min_api_version": "the oldest head-unit API it needs, e.g. '1.0'",
    "files": "how many payload files it holds",
    "archive_bytes": "the archive's size",
    "signer_key_id": "the id of the key that signed it",
}
_PUSH_KEYS: JsonKeys = {
    "destination": "where the bundle landed (a local path for --usb, a device path for --adb)",
    "sha256": "the SHA-256 read back from the copy",
    "size": "bytes copied",
    "message": "a sentence for the user, e.g. that the drive may be removed",
}
_PACKAGE_ITEM = "{name, version, previous_version, signer_key_id, profile_ids}"
_LIST_KEYS: JsonKeys = {
    "packages": f"list of {_PACKAGE_ITEM}; previous_version is '' when there is none",
}
_ROLLBACK_KEYS: JsonKeys = {"package": f"the bundle now active: {_PACKAGE_ITEM}"}

_EXTRA_HINT = "install it with: pip install 'cardeck[deploy]'"


def _require_deploy() -> None:
    """Import :mod:`cardeck.deploy` now, or say which extra the command needs.

    ``pip install cardeck`` alone installs the SDK without cryptography and
    adbutils; every other command must keep working there, so the deploy
    tool chain is imported only when a deploy command runs.
    """
    try:
        from .. import deploy  # noqa: F401
    except ImportError as exc:
        raise DeployError(
            f"cardeck deploy needs the deploy extra, which is not installed (no module named "
            f"{(exc.name or '?').split('.')[0]!r}); {_EXTRA_HINT}"
        ) from exc


def _bundle_json(path: Path, manifest: Any, archive_bytes: int) -> dict[str, Any]:
    """The ``build`` and ``verify`` JSON (see ``_BUNDLE_KEYS``)."""
    return {
        "path": str(path),
        "name": manifest.name,
        "version": manifest.version,
        "target_vehicles": list(manifest.target_vehicles),
        "min_api_version": manifest.min_api_version,
        "files": len(manifest.files),
        "archive_bytes": archive_bytes,
        "signer_key_id": manifest.signer_key_id,
    }


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create an Ed25519 key pair for signing bundles."""
    _require_deploy()
    from ..deploy import generate_keypair

    pair = generate_keypair(Path(args.out), args.name, overwrite=args.force)
    if args.json:
        print_json(
            {
                "private_key": str(pair.private_path),
                "public_key": str(pair.public_path),
                "key_id": pair.key_id,
            }
        )
        return 0
    print(f"Wrote {pair.private_path} (private: keep it secret) and {pair.public_path}.")
    print(f"Key id: {pair.key_id}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build and sign a bundle from a payload folder."""
    _require_deploy()
    from ..deploy import BUNDLE_SUFFIX, build_bundle

    out = Path(args.output or f"{args.name}-{args.version}{BUNDLE_SUFFIX}")
    with byte_progress("Building") as progress:
        built = build_bundle(
            Path(args.source),
            out,
            key=Path(args.key),
            name=args.name,
            version=args.version,
            min_api_version=args.min_api,
            target_vehicles=args.vehicle,
            progress=progress,
        )
    m = built.manifest
    if args.json:
        print_json(_bundle_json(built.path, m, built.archive_bytes))
        return 0
    print(
        f"Built {built.path}: {m.name} {m.version}, {len(m.files)} files, "
        f"{built.archive_bytes} bytes, signed by key {m.signer_key_id}."
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify a bundle as a head unit would."""
    _require_deploy()
    from ..deploy import check_target, parse_api_version, verify_bundle

    try:
        api = parse_api_version(args.api)
    except ValueError as exc:
        raise UsageError(f"{exc} Pass --api as MAJOR.MINOR, e.g. --api 1.0.") from exc
    with byte_progress("Verifying") as progress:
        verified = verify_bundle(
            Path(args.bundle),
            [Path(k) for k in args.trusted_key],
            max_bytes=args.max_bytes,
            progress=progress,
        )
    m = verified.manifest
    if args.vehicle:
        check_target(m, api_version=api, vehicle_id=args.vehicle)
    if args.json:
        print_json(_bundle_json(verified.path, m, verified.archive_bytes))
        return 0
    print(
        f"OK: {m.name} {m.version} for {', '.join(m.target_vehicles)} (API {m.min_api_version}+), "
        f"{len(m.files)} files, signed by trusted key {verified.key_id}."
    )
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    """Copy a bundle to a USB drive, push it over adb, or install it over the network."""
    if args.target:
        # PackagesService verifies and installs it; no deploy extra needed to send it.
        with connect(args.target, token=args.token, tls=tls_from_args(args)) as client:
            p = client.packages.install(Path(args.bundle), allow_downgrade=args.allow_downgrade)
        previous = f"; {p.previous_version} is kept for rollback" if p.previous_version else ""
        message = f"Installed {p.name} {p.version} on {args.target}{previous}."
        if args.json:
            data = Path(args.bundle).read_bytes()
            print_json(
                {
                    "destination": args.target,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                    "message": message,
                }
            )
        else:
            print(message)
        return 0
    _require_deploy()
    from ..deploy import DEFAULT_ADB_DIR, push_adb, push_usb

    bundle = Path(args.bundle)
    with byte_progress("Pushing") as progress:
        if args.usb:
            result = push_usb(bundle, Path(args.usb), progress=progress)
        else:
            result = push_adb(
                bundle,
                args.adb,
                device_dir=args.adb_dir or DEFAULT_ADB_DIR,
                host=args.adb_host,
                port=args.adb_port,
                progress=progress,
            )
    if args.json:
        print_json(
            {
                "destination": result.destination,
                "sha256": result.sha256,
                "size": result.size,
                "message": result.message,
            }
        )
        return 0
    print(f"Pushed {result.size} bytes to {result.destination} (sha256 {result.sha256}).")
    print(result.message)
    return 0


@contextmanager
def _stub(args: argparse.Namespace) -> Iterator[tuple[pb_grpc.PackagesServiceStub, Any]]:
    """A PackagesService stub on a channel to ``--target``, with the bearer token metadata."""
    tls = tls_from_args(args)
    if tls is None:
        channel = grpc.insecure_channel(args.target)
    else:
        channel = grpc.secure_channel(args.target, tls.credentials(), options=tls.options())
    metadata = (("authorization", f"Bearer {args.token}"),) if args.token else ()
    try:
        with map_rpc_error():
            yield pb_grpc.PackagesServiceStub(channel), metadata
    finally:
        channel.close()


def _package_json(p: types_pb2.InstalledPackage) -> dict[str, Any]:
    """One installed bundle as JSON (see ``_PACKAGE_ITEM``)."""
    return {
        "name": p.name,
        "version": p.version,
        "previous_version": p.previous_version,
        "signer_key_id": p.signer_key_id,
        "profile_ids": list(p.profile_ids),
    }


def cmd_list(args: argparse.Namespace) -> int:
    """Print the bundles installed on a head unit."""
    with _stub(args) as (stub, metadata):
        response = stub.ListPackages(
            pb.ListPackagesRequest(), metadata=metadata, timeout=_RPC_TIMEOUT_S
        )
    if args.json:
        print_json({"packages": [_package_json(p) for p in response.packages]})
        return 0
    if not response.packages:
        print("No bundles are installed.")
        return 0
    rows = [("NAME", "VERSION", "PREVIOUS", "SIGNER", "PROFILES")]
    for p in response.packages:
        rows.append(
            (p.name, p.version, p.previous_version or "-", p.signer_key_id, ",".join(p.profile_ids))
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """Reinstate the previous version of an installed bundle."""
    with _stub(args) as (stub, metadata):
        response = stub.RollbackPackage(
            pb.RollbackPackageRequest(name=args.name), metadata=metadata, timeout=_RPC_TIMEOUT_S
        )
    p = response.package
    if args.json:
        print_json({"package": _package_json(p)})
        return 0
    print(f"Rolled back {p.name} to {p.version}; {p.previous_version} is kept as the previous one.")
    return 0


def register(subparsers: Any) -> None:
    """Add ``deploy keygen | build | verify | push | list | rollback`` to ``cardeck``."""
    deploy = subparsers.add_parser(
        "deploy",
        help="build, sign, verify and push OEM bundles",
        description=(
            "Build signed OEM bundles (profiles, templates, themes, intents, web assets), push "
            "them to a head unit over USB or adb, and list or roll them back."
        ),
    )
    sub = deploy.add_subparsers(title="deploy commands", metavar="COMMAND", required=True)

    keygen = sub.add_parser(
        "keygen",
        help="create an Ed25519 signing key pair",
        description="Write NAME.key (private, mode 0600) and NAME.pub, and print the key id.",
    )
    keygen.add_argument("--out", default=".", help="folder to write into (default: .)")
    keygen.add_argument("--name", default="cardeck", help="file name stem (default: cardeck)")
    keygen.add_argument("--force", action="store_true", help="replace existing key files")
    add_json_flag(keygen, _KEYGEN_KEYS)
    keygen.set_defaults(func=cmd_keygen)

    build = sub.add_parser(
        "build",
        help="build and sign a bundle",
        description=(
            "Hash every file under SOURCE/{profiles,templates,themes,intents,web}, sign a "
            "manifest with KEY and write one .cdbundle archive (an uncompressed tar)."
        ),
    )
    build.add_argument("source", help="payload folder")
    build.add_argument("--key", required=True, help="Ed25519 private key from 'deploy keygen'")
    build.add_argument("--name", required=True, help="bundle name, e.g. acme-profiles")
    build.add_argument("--version", required=True, help="semantic version, e.g. 1.2.0")
    build.add_argument(
        "--vehicle", action="append", required=True, help="target vehicle id (repeatable)"
    )
    build.add_argument("--min-api", default="1.0", help="minimum head-unit API (default 1.0)")
    build.add_argument("-o", "--output", help="archive path (default NAME-VERSION.cdbundle)")
    add_json_flag(build, _BUNDLE_KEYS)
    build.set_defaults(func=cmd_build)

    verify = sub.add_parser(
        "verify",
        help="verify a bundle's signature, paths and hashes",
        description="Run the head unit's checks: size, signature, manifest, paths, hashes.",
    )
    verify.add_argument("bundle", help="the .cdbundle file")
    verify.add_argument(
        "--trusted-key", action="append", required=True, help="trusted public key (repeatable)"
    )
    verify.add_argument("--vehicle", help="also check that the bundle targets this vehicle id")
    verify.add_argument("--api", default="1.0", help="head-unit API for --vehicle (default 1.0)")
    verify.add_argument("--max-bytes", type=int, default=None, help="size limit in bytes")
    add_json_flag(verify, _BUNDLE_KEYS)
    verify.set_defaults(func=cmd_verify)

    push = sub.add_parser(
        "push",
        help="copy a bundle to a USB drive or push it over adb",
        description=(
            "Copy atomically (a .tmp name, fsync, rename), then read the copy back and compare "
            "its SHA-256 before saying it is safe to remove the drive."
        ),
    )
    push.add_argument("bundle", help="the .cdbundle file")
    where = push.add_mutually_exclusive_group(required=True)
    where.add_argument("--usb", metavar="PATH", help="mounted USB folder the head unit watches")
    where.add_argument("--adb", metavar="SERIAL", help="adb device serial")
    where.add_argument(
        "--target",
        metavar="HOST:PORT",
        help="install over the network through a head unit's PackagesService",
    )
    push.add_argument(
        "--allow-downgrade", action="store_true", help="with --target: allow an older version"
    )
    add_credential_args(push)
    push.add_argument(
        "--adb-dir", help="device folder for --adb (default: the folder the head unit watches)"
    )
    push.add_argument("--adb-host", default="127.0.0.1", help="adb server host")
    push.add_argument("--adb-port", type=int, default=5037, help="adb server port")
    add_json_flag(push, _PUSH_KEYS)
    push.set_defaults(func=cmd_push)

    listing = sub.add_parser(
        "list",
        help="list the bundles installed on a head unit",
        description="Ask a head unit's PackagesService for its installed bundles.",
    )
    add_connection_args(listing)
    add_json_flag(listing, _LIST_KEYS)
    listing.set_defaults(func=cmd_list)

    rollback = sub.add_parser(
        "rollback",
        help="reinstate a bundle's previous version",
        description="Ask a head unit to make the previous version of a bundle active again.",
    )
    rollback.add_argument("name", help="bundle name")
    add_connection_args(rollback)
    add_json_flag(rollback, _ROLLBACK_KEYS)
    rollback.set_defaults(func=cmd_rollback)
