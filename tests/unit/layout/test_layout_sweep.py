"""The sweep's shapes are real and repeatable; its summary counts what it says it counts."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from cardeck._exceptions import ProfileError
from cardeck.layout import (
    CoverageSpread,
    run_sweep,
    solve_display,
    sweep_profile,
    sweep_profiles,
)
from cardeck.layout._sweep import _SHORT_SIDE_IN as SHORT_SIDES
from cardeck.layout._sweep import failure
from tests.unit.layout.test_layout_cli import run

SHAPES = list(sweep_profiles(3000, seed=11))


def test_the_same_seed_gives_the_same_shapes_in_any_order() -> None:
    assert list(sweep_profiles(50, seed=11)) == SHAPES[:50]
    assert sweep_profile(11, 1234) == SHAPES[1234]
    assert list(sweep_profiles(50, seed=12)) != SHAPES[:50]


def test_shapes_have_a_real_size_for_their_role() -> None:
    for profile in SHAPES:
        d = profile.displays[0]
        low, high = SHORT_SIDES[d.role]
        assert d.diagonal_in is not None and d.dpi is not None
        # The short side in inches: the diagonal is rounded to 0.1 in.
        short_in = min(d.width_px, d.height_px) / d.dpi
        assert low * 0.98 <= short_in <= high * 1.02, profile.name
        assert 80 <= d.dpi <= 480, profile.name
        # The pixels follow from diagonal x dpi (the profile checks 5 %; rounding is less).
        assert math.hypot(d.width_px, d.height_px) == pytest.approx(
            d.diagonal_in * d.dpi, rel=0.01, abs=2
        )
        assert 0.3 * 0.98 <= d.width_px / d.height_px <= 8 * 1.02, profile.name


def test_shapes_cover_corners_notches_knobs_and_insets() -> None:
    seen: Counter[str] = Counter()
    for profile in SHAPES:
        d = profile.displays[0]
        r = d.corner_radii
        radii = (r.top_left, r.top_right, r.bottom_right, r.bottom_left)
        short = min(d.width_px, d.height_px)
        if all(x == short // 2 for x in radii):
            seen["round or pill"] += 1
        else:
            assert max(radii) <= 0.25 * short, profile.name
        if sum(1 for x in radii if x) == 2:
            seen["two corners"] += 1
        if len(set(radii)) > 2:
            seen["each corner its own"] += 1
        if d.width_px == d.height_px and "round" in profile.name:
            seen["round"] += 1
        for cut in d.cutouts:
            assert cut.x + cut.width <= d.width_px and cut.y + cut.height <= d.height_px
            touches = {
                "top": cut.y == 0,
                "bottom": cut.y + cut.height == d.height_px,
                "left": cut.x == 0,
                "right": cut.x + cut.width == d.width_px,
            }
            seen.update(edge for edge, hit in touches.items() if hit)
            if not any(touches.values()):
                seen["inside"] += 1
        if "notch (centred)" in profile.name:
            seen["centred notch"] += 1
        if "notch (off-centre)" in profile.name:
            seen["off-centre notch"] += 1
        if "knob hole" in profile.name:
            seen["knob"] += 1
        if d.insets != type(d.insets)():
            seen["insets"] += 1
    for feature in (
        "round or pill",
        "round",
        "two corners",
        "each corner its own",
        "top",
        "bottom",
        "left",
        "right",
        "inside",
        "centred notch",
        "off-centre notch",
        "knob",
        "insets",
    ):
        assert seen[feature] >= 30, (feature, seen)


def test_spread_is_min_nearest_rank_p5_and_median() -> None:
    values = [i / 100 for i in range(100, 0, -1)]
    assert CoverageSpread.of(values) == CoverageSpread(0.01, 0.05, 0.505)
    assert CoverageSpread.of([0.7]) == CoverageSpread(0.7, 0.7, 0.7)
    assert CoverageSpread.of([]) is None


def test_a_failed_shape_names_its_rule_and_an_engine_fault_none() -> None:
    profile = SHAPES[0]
    honest = ProfileError("It needs 300 px (rule: panel-minimum); use a larger display.")
    assert failure(profile, honest).rule == "panel-minimum"
    assert failure(profile, honest).explained
    fault = ProfileError("Internal check failed (rule: x); this is a CarDeck bug, report it.")
    assert failure(profile, fault).rule == ""
    assert not failure(profile, ProfileError("No rule here.")).explained


def test_summary_counts_add_up_and_every_failure_names_a_rule() -> None:
    summary = run_sweep(400, seed=11)
    assert summary.total == 400
    assert summary.failed == sum(count for _, count in summary.failed_rules)
    assert summary.engine_bugs == ()
    failed = 0
    for profile in SHAPES[:400]:
        try:
            solve_display(profile, "display")
        except ProfileError:
            failed += 1
    assert failed == summary.failed


def test_the_guide_shows_what_a_10000_shape_sweep_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    guide = (Path(__file__).parents[3] / "docs" / "guides" / "layouts.md").read_text()
    block = guide.split("$ cardeck layout sweep --count 10000\n", 1)[1].split("```", 1)[0]
    assert run("layout", "sweep", "--count", "10000") == 0
    assert capsys.readouterr().out.splitlines() == block.splitlines()
