"""Entry point of the ``cardeck`` command.

Each subcommand parses its arguments, builds settings and calls a library
function. This is the only place where errors become output: a CarDeck error
prints ``ClassName: message`` and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._exceptions import CarDeckError
from . import _call_cmds, _deploy_cmds, _headunit_cmds, _layout_cmds, _protos_cmds


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from .. import __version__
    from .._compiled import event_type_is_compiled

    event_kind = "compiled" if event_type_is_compiled() else "pure-Python"
    parser = argparse.ArgumentParser(
        prog="cardeck",
        description=(
            "CarDeck: talk to a car head unit, lay out its displays, run the reference "
            "head unit (simulator) and deploy bundles."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"cardeck {__version__} ({event_kind} Event type)"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _headunit_cmds.register(subparsers)
    _layout_cmds.register(subparsers)
    _deploy_cmds.register(subparsers)
    _call_cmds.register(subparsers)
    _protos_cmds.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CarDeckError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
