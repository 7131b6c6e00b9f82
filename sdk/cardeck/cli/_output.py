"""What every ``cardeck`` command shares in its output: ``--json`` and progress bars.

Two rules keep the CLI scriptable:

- stdout carries the result only (text, or one JSON document with ``--json``);
  progress bars and notes go to stderr, so ``cardeck … --json | jq`` works.
- each ``--json`` document has stable keys, declared once per command as a
  :data:`JsonKeys` table that becomes the ``--help`` epilog (and is listed in
  ``docs/cli.md``); a test checks the output against that table.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TransferSpeedColumn,
)

__all__ = [
    "JSON_EPILOG_HEADER",
    "JsonKeys",
    "add_json_flag",
    "byte_progress",
    "json_epilog",
    "positive_int",
    "print_json",
    "step_progress",
]

# Top-level key -> what it holds. Dicts keep insertion order: the order the JSON prints.
JsonKeys = Mapping[str, str]

# The first line of every --json epilog; tests and docs/cli.md find the key table by it.
JSON_EPILOG_HEADER = "--json prints one JSON object with these keys:"


def json_epilog(keys: JsonKeys, header: str = JSON_EPILOG_HEADER) -> str:
    """The ``--help`` epilog that documents a command's JSON keys, one per line."""
    width = max(len(k) for k in keys)
    lines = [header]
    for key, text in keys.items():
        lines += textwrap.wrap(
            text,
            width=88,
            initial_indent=f"  {key:<{width}}  ",
            subsequent_indent=" " * (width + 6),
            break_on_hyphens=False,
        )
    return "\n".join(lines)


def add_json_flag(
    parser: argparse.ArgumentParser, keys: JsonKeys, *, header: str = JSON_EPILOG_HEADER
) -> None:
    """Add ``--json`` to a command and document its keys in the ``--help`` epilog.

    :param parser: the command's parser.
    :param keys: the top-level JSON keys and what each holds.
    :param header: the epilog's first line (``watch`` prints JSON lines, not one object).
    """
    parser.add_argument("--json", action="store_true", help="print JSON (keys below), not text")
    parser.epilog = json_epilog(keys, header)
    # The epilog is a table: keep its line breaks.
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number of 1 or more (else exit 2 with the reason)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, but got {text!r}")
    return value


def print_json(data: Any) -> None:
    """Print one JSON document on stdout."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _stderr_progress(*columns: Any) -> Progress:
    # stderr, so stdout stays parseable; off when stderr is not a terminal,
    # because a bar in a pipe or a log only adds noise.
    console = Console(file=sys.stderr)
    return Progress(*columns, console=console, disable=not console.is_terminal, transient=True)


@contextmanager
def byte_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A byte progress bar on stderr, fed by a library ``progress(done, total)`` callback."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with _stderr_progress(*columns, TransferSpeedColumn()) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def step_progress(label: str, total: int | None) -> Iterator[Callable[[], None]]:
    """A counting progress bar on stderr (a spinner without ``total``); yields ``advance()``."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with _stderr_progress(*columns) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)
