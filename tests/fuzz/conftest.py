"""Settings shared by every fuzz target in this folder (profiles now, RPCs later).

Two budgets, chosen by ``CARDECK_FUZZ``:

- unset or ``short`` (CI, ``make test``): at least 1,000 inputs per target in
  well under a minute, with a loose 2 s bound per input because CI machines are
  shared and noisy;
- ``long`` (``make fuzz``): at least 10,000 inputs per target, held to the
  0.5 s goal of issue 14.

Each target records the time of every input in :data:`STATS`; the terminal
summary prints how many ran, the slowest and the failures, so a run reports
its own figures.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings

#: ``short`` or ``long``.
MODE = "long" if os.environ.get("CARDECK_FUZZ", "short").strip().lower() == "long" else "short"
#: Inputs per target across all of its test functions.
TOTAL_EXAMPLES = 10_000 if MODE == "long" else 1_000
#: The goal per input (issue 14) and the bound a single input is held to.
GOAL_SECONDS = 0.5
LIMIT_SECONDS = GOAL_SECONDS if MODE == "long" else 2.0
#: pytest-timeout per test function; the long run needs more than the default 120 s.
TIMEOUT_SECONDS = 1_800 if MODE == "long" else 120

T = TypeVar("T")


def fuzz_settings(functions: int) -> settings:
    """Hypothesis settings for a target whose examples are split over ``functions`` tests.

    No example database (it would write ``.hypothesis/`` into the repository)
    and no deadline: time is measured per input by :class:`FuzzStats` instead,
    which re-measures before failing so one scheduler hiccup is not a failure.
    """
    return settings(
        max_examples=math.ceil(TOTAL_EXAMPLES / max(1, functions)),
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )


@dataclass
class FuzzStats:
    """Counts and timings of one fuzz target."""

    name: str
    runs: int = 0
    max_seconds: float = 0.0
    slowest: str = ""
    refused: int = 0
    accepted: int = 0

    def timed(self, label: str, call: Callable[[], T]) -> tuple[T, float]:
        """Run ``call``, record its time, and fail if it is slower than the limit twice.

        A second run of the same input separates a slow input from a busy machine.
        """
        start = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - start
        if elapsed > LIMIT_SECONDS:
            start = time.perf_counter()
            result = call()
            elapsed = min(elapsed, time.perf_counter() - start)
        self.runs += 1
        if elapsed > self.max_seconds:
            self.max_seconds, self.slowest = elapsed, label
        assert elapsed <= LIMIT_SECONDS, (
            f"{self.name}: {label} took {elapsed:.3f} s twice, over the {LIMIT_SECONDS} s limit"
        )
        return result, elapsed


#: Every target's stats, by name, for the terminal summary.
STATS: dict[str, FuzzStats] = {}


def stats_for(name: str) -> FuzzStats:
    """The shared stats of the target called ``name``."""
    return STATS.setdefault(name, FuzzStats(name))


@pytest.fixture(scope="session")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[os.PathLike[str]]:
    """A directory for inputs that must be files (binary junk, over-size files)."""
    yield tmp_path_factory.mktemp("fuzz")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print each target's figures: inputs run, the slowest and the 0.5 s goal."""
    for stats in STATS.values():
        if not stats.runs:
            continue
        verdict = "within" if stats.max_seconds <= GOAL_SECONDS else "OVER"
        terminalreporter.write_line(
            f"fuzz {stats.name} ({MODE}): {stats.runs} inputs, {stats.accepted} accepted and "
            f"solved, {stats.refused} refused with ProfileError; slowest "
            f"{stats.max_seconds * 1000:.1f} ms ({verdict} the {GOAL_SECONDS} s goal): "
            f"{stats.slowest}"
        )
