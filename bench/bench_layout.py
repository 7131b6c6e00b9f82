"""Benchmark the layout engine against a bare kiwisolver system of the same size.

Run: ``python bench/bench_layout.py [--repeat N]``

For every bundled profile × display it measures:

* **cold**: build a :class:`~cardeck.layout.LayoutSolver` and solve (ms);
* **resize**: ``LayoutSolver.resize`` to a nearby size that keeps the arrangement,
  which is what a window drag does: plan + edit-variable suggestions + solve +
  integer rects + checks (µs);
* **kiwi**: only the kiwisolver part of that re-solve (suggest every edit
  variable, ``updateVariables``) (µs);
* **bare**: the same re-solve on a bare kiwisolver system with the same number of
  variables, constraints and edit variables, built in the same run (µs).

Goals (issue 3): all bundled profiles together < 50 ms; re-solve ≤ 2× bare.
Times are medians; nothing here asserts absolute times.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import kiwisolver as kiwi

from cardeck.layout import (
    LayoutSolver,
    SolverStats,
    Template,
    VehicleProfile,
    bundled_profiles,
    get_template,
    solve_profile,
)


def _median_us(func: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def _bare_system(variables: int, constraints: int, edits: int) -> Callable[[], None]:
    """A chain system of the given size; returns a re-solve function (suggest + update)."""
    solver = kiwi.Solver()
    vs = [kiwi.Variable(f"v{i}") for i in range(max(variables, 2))]
    added = 0
    for i, var in enumerate(vs):
        if added >= constraints:
            break
        solver.addConstraint(var >= 0)
        added += 1
        if i and added < constraints:
            solver.addConstraint((var == vs[i - 1] * 0.5) | kiwi.strength.strong)
            added += 1
    while added < constraints:
        solver.addConstraint((vs[added % len(vs)] <= 10_000 + added) | kiwi.strength.medium)
        added += 1
    edit_vars = vs[: max(1, edits)]
    for var in edit_vars:
        solver.addEditVariable(var, kiwi.strength.create(999, 0, 0))
    toggle = [0]

    def resolve() -> None:
        toggle[0] ^= 1
        for index, var in enumerate(edit_vars):
            solver.suggestValue(var, 100.0 + index + 8 * toggle[0])
        solver.updateVariables()

    return resolve


Row = tuple[str, SolverStats, float, float, float, float]


def _measure(profile: VehicleProfile, display_id: str, template: Template, repeat: int) -> Row:
    """Cold solve, resize, kiwisolver-only re-solve and the bare baseline for one display."""
    cold = _median_us(
        lambda: LayoutSolver(profile, display_id, template).solve(), max(20, repeat // 5)
    )
    solver = LayoutSolver(profile, display_id, template)
    solver.solve()
    display = profile.display(display_id)
    w, h = display.width_px, display.height_px
    flip = [0]

    def resize() -> None:
        # Alternate between two nearby sizes, like a window being dragged.
        flip[0] ^= 1
        solver.resize(w + 8 * flip[0], h + 8 * flip[0])

    warm = _median_us(resize, repeat)
    # The kiwisolver share of a re-solve: suggest every edit variable, update.
    # (Private attributes on purpose: this is the engine's own benchmark.)
    edits = [var for var, _node, _axis in solver._edits]
    root = solver._root
    assert root is not None
    kiwi_solver = solver.solver

    def kiwi_only() -> None:
        flip[0] ^= 1
        kiwi_solver.suggestValue(root.w, w + 8 * flip[0])
        kiwi_solver.suggestValue(root.h, h + 8 * flip[0])
        for var in edits:
            kiwi_solver.suggestValue(var, var.value())
        kiwi_solver.updateVariables()

    kiwi_us = _median_us(kiwi_only, repeat)
    stats = solver.stats
    bare = _median_us(
        _bare_system(stats.variables, stats.constraints, stats.edit_variables), repeat
    )
    return (f"{profile.id}/{display_id}", stats, cold, warm, kiwi_us, bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="samples per median")
    args = parser.parse_args()
    repeat = args.repeat

    profiles = bundled_profiles()
    template = get_template("default")
    rows = [
        _measure(profile, display.id, template, repeat)
        for profile in profiles.values()
        for display in profile.displays
    ]

    def all_profiles() -> None:
        for profile in profiles.values():
            solve_profile(profile, template)

    together = _median_us(all_profiles, max(10, repeat // 10)) / 1000

    name_w = max(len(r[0]) for r in rows)
    print(
        f"{'display':<{name_w}}  vars  cons  edit  cold ms  resize µs  kiwi µs  bare µs  "
        "resize/bare  kiwi/bare"
    )
    for name, stats, cold, warm, kiwi_us, bare in rows:
        print(
            f"{name:<{name_w}}  {stats.variables:>4}  {stats.constraints:>4}  "
            f"{stats.edit_variables:>4}  {cold / 1000:>7.2f}  {warm:>9.1f}  {kiwi_us:>7.1f}  "
            f"{bare:>7.1f}  {warm / bare:>11.1f}  {kiwi_us / bare:>9.2f}"
        )
    displays = len(rows)
    print()
    print(
        f"all {len(profiles)} bundled profiles ({displays} displays), cold solve together: "
        f"{together:.1f} ms (goal < 50 ms)"
    )
    print(
        "re-solve vs bare kiwisolver (median over displays): "
        f"kiwisolver part {statistics.median(r[4] / r[5] for r in rows):.2f}x (goal <= 2x); "
        f"full resize incl. planning and integer rects "
        f"{statistics.median(r[3] / r[5] for r in rows):.1f}x"
    )


if __name__ == "__main__":
    main()
