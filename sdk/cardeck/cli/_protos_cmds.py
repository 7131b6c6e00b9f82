"""``cardeck protos …``: hand the API contract (the ``.proto`` files) to other languages.

A Kotlin, C++ or TypeScript integrator generates their own client from the same files the
head unit serves; the package carries them, so they come from ``pip install cardeck``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from .._exceptions import UsageError
from .._resources import googleapis_protos_dir, protos_dir
from ._output import JsonKeys, add_json_flag, print_json

__all__ = ["cmd_protos_export", "cmd_protos_path", "export_protos", "register"]

_EXPORT_KEYS: JsonKeys = {
    "dir": "the folder written into",
    "files": (
        "list of the .proto files written (DIR/cardeck/v1/*.proto, then DIR/google/rpc/"
        "status.proto and error_details.proto), sorted"
    ),
}


def export_protos(out_dir: Path, *, force: bool = False) -> list[Path]:
    """Copy every ``.proto`` file of the API into ``out_dir``, keeping its import path, with
    ``google/rpc/status.proto`` and ``google/rpc/error_details.proto``: the head unit's error
    details are those types, and protoc does not ship them (unlike ``google/protobuf/*``).

    :param out_dir: the folder to write into (``out_dir/cardeck/v1/*.proto``,
        ``out_dir/google/rpc/*.proto``); created if missing.
    :param force: overwrite files that exist and differ.
    :raises UsageError: when a file exists with other content and ``force`` is off.
    :returns: the files written, sorted.
    """
    pairs = sorted(
        (f.relative_to(root), f)
        for root in (protos_dir(), googleapis_protos_dir())
        for f in root.rglob("*.proto")
    )
    clashes = [
        out_dir / rel
        for rel, f in pairs
        if (out_dir / rel).exists() and (out_dir / rel).read_bytes() != f.read_bytes()
    ]
    if clashes and not force:
        names = ", ".join(str(p) for p in clashes)
        raise UsageError(
            f"These files exist with other content: {names}. Pass --force to overwrite them, "
            "or export into an empty folder."
        )
    written = []
    for rel, f in pairs:
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
        written.append(target)
    return written


def cmd_protos_export(args: argparse.Namespace) -> int:
    """Write the ``.proto`` files into a folder."""
    written = export_protos(Path(args.dir), force=args.force)
    if args.json:
        print_json({"dir": str(Path(args.dir)), "files": [str(p) for p in written]})
    else:
        for path in written:
            print(path)
        print(
            f"{len(written)} files (cardeck/v1 and google/rpc for the error details); generate "
            f"a client with protoc -I {args.dir} (google/protobuf/*.proto come with protoc; "
            "on Debian in libprotobuf-dev)."
        )
    return 0


def cmd_protos_path(args: argparse.Namespace) -> int:
    """Print the folder the package reads the ``.proto`` files from."""
    print(protos_dir())
    return 0


def register(subparsers: Any) -> None:
    """Add ``protos export | path`` to ``cardeck``."""
    protos = subparsers.add_parser(
        "protos",
        help="export the API's .proto files for clients in other languages",
        description=(
            "The head-unit API contract (package cardeck.v1) as .proto files, for protoc, buf "
            "or grpc-tools in C++, Java/Kotlin, TypeScript or any other language."
        ),
    )
    sub = protos.add_subparsers(title="protos commands", metavar="COMMAND", required=True)
    export = sub.add_parser(
        "export",
        help="copy the .proto files into a folder",
        description=(
            "Copy cardeck/v1/*.proto into DIR, keeping the import paths protoc expects, with "
            "google/rpc/status.proto and error_details.proto (Apache-2.0, from googleapis) to "
            "decode the error details the head unit sends."
        ),
    )
    export.add_argument("dir", metavar="DIR", help="folder to write into (created if missing)")
    export.add_argument("--force", action="store_true", help="overwrite files that differ")
    add_json_flag(export, _EXPORT_KEYS)
    export.set_defaults(func=cmd_protos_export)
    path = sub.add_parser(
        "path",
        help="print the folder the .proto files are read from",
        description="Print the folder holding cardeck/v1/*.proto inside this installation.",
    )
    path.set_defaults(func=cmd_protos_path)
