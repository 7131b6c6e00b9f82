"""Command-line rules shared by the tuning scripts: tune on one split, only report on the other."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def tuning_parser(doc: str, constants: str) -> argparse.ArgumentParser:
    """Return a parser with ``--split`` and ``--evaluate`` for a script that tunes ``constants``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--split",
        choices=("tune", "test"),
        default="tune",
        help="corpus split; choosing anything is only allowed on 'tune' (default tune)",
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help=f"do not choose: report the constants in {constants} as they are",
    )
    return parser


def parse_tuning_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace:
    """Parse ``argv``; refuse to tune on the held-out test split."""
    args = parser.parse_args(argv)
    if args.split == "test" and not args.evaluate:
        parser.error(
            "The test split is held out; add --evaluate to report on it, never tune on it."
        )
    return args
