"""What the voice bench and tuning scripts share: the tune/test split rule and the interval.

Tune on one split, only report on the other.
"""

from __future__ import annotations

import argparse
import math
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


Z95 = 1.959964


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Return the 95 % Wilson score interval of a proportion."""
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))
