"""Walking the ``cardeck`` argparse tree, for the tests that read every command."""

from __future__ import annotations

import argparse
from collections.abc import Iterator


def children(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """A parser's subcommands by name (empty for a leaf)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def walk(
    parser: argparse.ArgumentParser, path: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every ``(command path, parser)``, the root as ``""``."""
    yield path, parser
    for name, sub in children(parser).items():
        yield from walk(sub, f"{path} {name}".strip())
