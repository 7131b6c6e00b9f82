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

**Shaped vs rectangle** (issue 16): cold solves of displays with rounded corners
and cutouts (a knob portrait, a notched landscape, a round screen, a curved band,
the ribbon) against the same display without them, in the same run (goal ≤ 3×).

**Text fit, en-XA vs en** (issue 20): every bundled profile solved together in
the pseudo-locale ``en-XA`` (accented, ~35 % longer strings) and in ``en``,
samples interleaved in the same run (goal ≤ 1.5×), and both against a solve
whose panels show no strings (the text-fit rule's own cost). The longest word
per (locale, panel kind) is cached, so a solve pays a dict lookup per panel.
Times are medians; nothing here asserts absolute times.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import kiwisolver as kiwi

from cardeck.layout import (
    CornerRadii,
    Cutout,
    Display,
    LayoutSolver,
    PanelTexts,
    SolverStats,
    Template,
    VehicleProfile,
    bundled_profiles,
    get_template,
    panel_texts,
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


def _shapes() -> list[tuple[str, VehicleProfile]]:
    round_r = CornerRadii(top_left=500, top_right=500, bottom_right=500, bottom_left=500)
    displays = {
        "portrait 1200x1920, knob cutout at the bottom": Display(
            id="d",
            role="center",
            width_px=1200,
            height_px=1920,
            diagonal_in=15.5,
            cutouts=(Cutout(x=450, y=1614, width=300, height=306),),
        ),
        "1600x1000, top notch, 60 px corners": Display(
            id="d",
            role="center",
            width_px=1600,
            height_px=1000,
            diagonal_in=12,
            corner_radii=CornerRadii(top_left=60, top_right=60, bottom_right=60, bottom_left=60),
            cutouts=(Cutout(x=600, y=0, width=400, height=90),),
        ),
        "round 1000x1000": Display(
            id="d",
            role="center",
            width_px=1000,
            height_px=1000,
            diagonal_in=9,
            corner_radii=round_r,
        ),
        "curved band 2880x480, outer corners": Display(
            id="d",
            role="center",
            width_px=2880,
            height_px=480,
            diagonal_in=24,
            corner_radii=CornerRadii(top_left=120, bottom_left=120),
        ),
    }
    out = [
        (name, VehicleProfile(id="bench", name=name, sources=("bench",), displays=(d,)))
        for name, d in displays.items()
    ]
    ribbon = bundled_profiles()["concept-ribbon-33in"]
    out.append(
        (
            "concept ribbon 6240x960",
            ribbon.model_copy(
                update={"displays": (ribbon.display("ribbon").model_copy(update={"id": "d"}),)}
            ),
        )
    )
    return out


def _cold(profile: VehicleProfile) -> Callable[[], object]:
    return lambda: LayoutSolver(profile, "d").solve()


def _shaped_vs_rectangle(repeat: int) -> None:
    print()
    print(f"{'shape':<48}  shaped ms  rectangle ms  ratio")
    ratios = []
    for name, profile in _shapes():
        display = profile.displays[0]
        plain = display.model_copy(update={"corner_radii": CornerRadii(), "cutouts": ()})
        twin = profile.model_copy(update={"displays": (plain,)})
        shaped = _median_us(_cold(profile), repeat) / 1000
        rect = _median_us(_cold(twin), repeat) / 1000
        ratios.append(shaped / rect)
        print(f"{name:<48}  {shaped:>9.2f}  {rect:>12.2f}  {shaped / rect:>5.2f}x")
    print(
        f"shaped vs rectangle: median {statistics.median(ratios):.2f}x, worst "
        f"{max(ratios):.2f}x (goal <= 3x)"
    )


def _interleaved_ms(funcs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median ms of each function, sampled in turn so that drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


def _text_fit_locales(repeat: int) -> None:
    profiles = list(bundled_profiles().values())
    template = get_template("default")

    def solve_all(locale: str, texts: PanelTexts | None = None) -> Callable[[], object]:
        def run() -> None:
            for profile in profiles:
                solve_profile(profile, template, locale=locale, texts=texts)

        return run

    for locale in ("en", "en-XA"):
        panel_texts(locale)  # the catalogs load once per process, not per solve
    times = _interleaved_ms(
        {
            "en": solve_all("en"),
            "en-XA": solve_all("en-XA"),
            "no strings": solve_all("en", PanelTexts("en", {})),
        },
        repeat,
    )
    words = {
        loc: sum(len(texts) for texts in panel_texts(loc).strings.values())
        for loc in ("en", "en-XA")
    }
    print()
    print(
        f"solve with text-fit, all {len(profiles)} bundled profiles ({words['en']} catalog "
        f"strings on panels): en {times['en']:.1f} ms, en-XA {times['en-XA']:.1f} ms, "
        f"en-XA/en {times['en-XA'] / times['en']:.2f}x (goal <= 1.5x); "
        f"en vs no strings {times['en'] / times['no strings']:.2f}x"
    )


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
    _shaped_vs_rectangle(max(20, repeat // 4))
    _text_fit_locales(max(10, repeat // 10))


if __name__ == "__main__":
    main()
