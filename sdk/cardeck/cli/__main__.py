"""Entry point of the ``cardeck`` command.

Each subcommand parses its arguments, builds settings and calls a library
function. This is the only place where errors become output: a CarDeck error
prints ``ClassName: message`` and exits 1.
"""

from __future__ import annotations

import argparse
import os
import select
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


def _stdout_reader_left() -> bool:
    """Whether stdout is a pipe whose reader has closed it (``cardeck … | head -1``)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return False
    if not hasattr(select, "poll"):
        return True  # Windows: no way to ask; the BrokenPipeError is most likely ours.
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    # The write end of a pipe with no reader polls as POLLERR.
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush fails silently too."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = int(args.func(args))
        # Flush here, not at exit, so a reader that left is noticed below.
        sys.stdout.flush()
        return status
    except CarDeckError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (`cardeck profiles list | head -1`). That is
        # its choice, not our failure: exit 0 without a traceback. 0 rather than the
        # 141 a SIGPIPE'd C tool gives, because the command did its work (a build, a
        # call, a push) and `set -o pipefail` scripts must not fail on `| head`; it
        # is also what `cardeck call` and `cardeck watch` always did. A broken pipe
        # that is not stdout's (a socket) is a real error and goes on up.
        if not _stdout_reader_left():
            raise
        _quiet_stdout()
        return 0


if __name__ == "__main__":
    sys.exit(main())
