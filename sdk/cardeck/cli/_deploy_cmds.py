"""``cardeck deploy …``: thin handlers over :mod:`cardeck.deploy` (issue 8).

``keygen``, ``build``, ``verify`` and ``push`` work on files and devices;
``list`` and ``rollback`` talk to a running head unit's PackagesService.
Handlers raise CarDeck errors; ``cardeck.cli.__main__.main()`` prints
``ClassName: message`` and exits 1 (STYLE.md, CLI).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from .._client import connect
from .._exceptions import UsageError, map_rpc_error
from ..v1 import packages_service_pb2 as pb
from ..v1 import packages_service_pb2_grpc as pb_grpc
from ._headunit_cmds import add_connection_args, add_credential_args, tls_from_args

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


def _console() -> Console:
    # Created per call so that output goes to the current sys.stdout (tests swap it).
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A byte progress bar, fed by a library ``progress(done, total)`` callback."""
    # A progress bar in a pipe or a log only adds noise.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        disable=not sys.stdout.isatty(),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def _require_deploy() -> None:
    """Import :mod:`cardeck.deploy` now, or say which extra the command needs.

    ``pip install cardeck`` alone installs the SDK without cryptography and
    adbutils; every other command must keep working there, so the deploy
    tool chain is imported only when a deploy command runs.
    """
    try:
        from .. import deploy  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"cardeck deploy needs the deploy extra (no module named {exc.name!r}); "
            "install it with: pip install 'cardeck[deploy]'"
        ) from exc


def _api_version(text: str) -> tuple[int, int]:
    try:
        _require_deploy()
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    from ..deploy import parse_api_version

    try:
        return parse_api_version(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create an Ed25519 key pair for signing bundles."""
    _require_deploy()
    from ..deploy import generate_keypair

    pair = generate_keypair(Path(args.out), args.name, overwrite=args.force)
    print(f"Wrote {pair.private_path} (private: keep it secret) and {pair.public_path}.")
    print(f"Key id: {pair.key_id}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build and sign a bundle from a payload folder."""
    _require_deploy()
    from ..deploy import BUNDLE_SUFFIX, build_bundle

    out = Path(args.output or f"{args.name}-{args.version}{BUNDLE_SUFFIX}")
    with _progress("Building") as progress:
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
    print(
        f"Built {built.path}: {m.name} {m.version}, {len(m.files)} files, "
        f"{built.archive_bytes} bytes, signed by key {m.signer_key_id}."
    )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify a bundle as a head unit would."""
    _require_deploy()
    from ..deploy import check_target, verify_bundle

    with _progress("Verifying") as progress:
        verified = verify_bundle(
            Path(args.bundle),
            [Path(k) for k in args.trusted_key],
            max_bytes=args.max_bytes,
            progress=progress,
        )
    m = verified.manifest
    if args.vehicle:
        check_target(m, api_version=args.api, vehicle_id=args.vehicle)
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
        print(f"Installed {p.name} {p.version} on {args.target}{previous}.")
        return 0
    _require_deploy()
    from ..deploy import DEFAULT_ADB_DIR, push_adb, push_usb

    bundle = Path(args.bundle)
    with _progress("Pushing") as progress:
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


def cmd_list(args: argparse.Namespace) -> int:
    """Print the bundles installed on a head unit."""
    with _stub(args) as (stub, metadata):
        response = stub.ListPackages(
            pb.ListPackagesRequest(), metadata=metadata, timeout=_RPC_TIMEOUT_S
        )
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
    verify.add_argument(
        "--api", type=_api_version, default=(1, 0), help="head-unit API for --vehicle (default 1.0)"
    )
    verify.add_argument("--max-bytes", type=int, default=None, help="size limit in bytes")
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
    push.set_defaults(func=cmd_push)

    listing = sub.add_parser(
        "list",
        help="list the bundles installed on a head unit",
        description="Ask a head unit's PackagesService for its installed bundles.",
    )
    add_connection_args(listing)
    listing.set_defaults(func=cmd_list)

    rollback = sub.add_parser(
        "rollback",
        help="reinstate a bundle's previous version",
        description="Ask a head unit to make the previous version of a bundle active again.",
    )
    rollback.add_argument("name", help="bundle name")
    add_connection_args(rollback)
    rollback.set_defaults(func=cmd_rollback)
