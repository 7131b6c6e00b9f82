"""``cardeck layout sweep`` and ``layout solve`` report coverage: exact text and declared JSON."""

from __future__ import annotations

import json

import pytest
from _parser_tree import children
from test_cli_reference import json_keys

from cardeck.cli import _layout_cmds
from cardeck.cli.__main__ import build_parser
from cardeck.layout import (
    CoverageSpread,
    SweepException,
    SweepSummary,
    bundled_profiles,
    run_sweep,
    solve_profile,
)


def run(*argv: str) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


def documented_keys(*path: str) -> list[str]:
    """The top-level JSON keys the ``--help`` epilog of ``cardeck PATH…`` lists."""
    parser = build_parser()
    for name in path:
        parser = children(parser)[name]
    return [key for key, _ in json_keys(parser.epilog or "")]


def _shapes(count: int) -> str:
    return f"{count} shape" if count == 1 else f"{count} shapes"


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def test_sweep_prints_outcomes_coverage_spread_and_exceptions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Seed 50's 60 shapes include one that no layout fits (0.13 % of shapes fail).
    summary = run_sweep(60, seed=50)
    assert run("layout", "sweep", "--count", "60", "--seed", "50", "--jobs", "1") == 0
    cov, content = summary.coverage, summary.content_coverage
    assert cov is not None and content is not None
    solved = summary.solved
    below = len(summary.exceptions)
    rules = ", ".join(f"{rule} {count}" for rule, count in summary.failed_rules)
    assert summary.failed == sum(count for _, count in summary.failed_rules) > 0
    expected = [
        f"60 shapes: {summary.passed} pass, {summary.degraded} degraded, {summary.failed} failed "
        f"({rules})",
        f"coverage of the usable region ({solved} solved): min {_pct(cov.min)}, "
        f"p5 {_pct(cov.p5)}, median {_pct(cov.median)}",
        f"content coverage: min {_pct(content.min)}, p5 {_pct(content.p5)}, "
        f"median {_pct(content.median)}",
        f"below 95% coverage: {_shapes(below)} ({_pct(below / solved)} of solved)",
        f"below 95% content coverage: {_shapes(summary.content_exceptions)} "
        f"({_pct(summary.content_exceptions / solved)} of solved)",
        *(f"  {e.name}: coverage {_pct(e.coverage)}: {e.message}" for e in summary.exceptions),
        "engine bugs (a shortfall or failure that names no rule): 0",
        "locales: en (left to right)",
        f"text-fit (shapes that cut a word with an ellipsis): en {dict(summary.text_fit)['en']}",
    ]
    assert not summary.engine_bugs
    assert capsys.readouterr().out.splitlines() == expected


def test_sweep_is_the_same_in_parallel() -> None:
    assert run_sweep(600, seed=5, jobs=2) == run_sweep(600, seed=5, jobs=1)


def _summary_with_a_bug() -> SweepSummary:
    spread = CoverageSpread(0.5, 0.9, 0.99)
    explained = SweepException(
        "sweep-1", "Sweep shape 1: round", "coverage", 0.9, 0.8, "coverage", "Why."
    )
    bug = SweepException("sweep-7", "Sweep shape 7: 8 in pilot", "coverage", 0.5, 0.4, "", "")
    content = SweepException(
        "sweep-8", "Sweep shape 8: 9 in hud", "content_coverage", 1.0, 0.7, "", ""
    )
    crash = SweepException(
        "sweep-9",
        "Sweep shape 9: 7 in rear",
        "layout",
        0.0,
        0.0,
        "",
        "Display 'display' could not be solved; this is a CarDeck bug.\n  details",
    )
    return SweepSummary(
        8,
        1,
        1,
        spread,
        spread,
        (explained, bug),
        1,
        (bug, content, crash),
        failed_rules=(("panel-minimum", 1),),
    )


def test_sweep_names_exceptions_without_a_diagnostic_as_engine_bugs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_layout_cmds, "run_sweep", lambda *_a, **_k: _summary_with_a_bug())
    assert run("layout", "sweep", "--count", "10") == 0
    assert capsys.readouterr().out.splitlines() == [
        "10 shapes: 8 pass, 1 degraded, 1 failed (panel-minimum 1)",
        "coverage of the usable region (9 solved): min 50.0%, p5 90.0%, median 99.0%",
        "content coverage: min 50.0%, p5 90.0%, median 99.0%",
        "below 95% coverage: 2 shapes (22.2% of solved)",
        "below 95% content coverage: 1 shape (11.1% of solved)",
        "  Sweep shape 1: round: coverage 90.0%: Why.",
        "  Sweep shape 7: 8 in pilot: coverage 50.0%: no diagnostic says why",
        "engine bugs (a shortfall or failure that names no rule): 3",
        "Please report these shapes with the output of --json:",
        "  Sweep shape 7: 8 in pilot: coverage 50.0%",
        "  Sweep shape 8: 9 in hud: content coverage 70.0%",
        "  Sweep shape 9: 7 in rear: failed: Display 'display' could not be solved; this is a "
        "CarDeck bug.",
        "locales: en (left to right)",
        "text-fit (shapes that cut a word with an ellipsis): en 0",
    ]
    assert run("layout", "sweep", "--count", "10", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == documented_keys("layout", "sweep")
    assert data["coverage"] == {"min": 0.5, "p5": 0.9, "median": 0.99}
    assert [e["profile_id"] for e in data["exceptions"]] == ["sweep-1", "sweep-7"]
    assert data["exceptions"][0]["message"] == "Why."
    assert data["content_exceptions"] == 1
    assert data["failed_rules"] == {"panel-minimum": 1}
    assert [bug["measure"] for bug in data["engine_bugs"]] == [
        "coverage",
        "content_coverage",
        "layout",
    ]
    assert data["engine_bugs"][:2] == [
        {
            "profile_id": "sweep-7",
            "name": "Sweep shape 7: 8 in pilot",
            "measure": "coverage",
            "coverage": 0.5,
            "content_coverage": 0.4,
            "message": "",
        },
        {
            "profile_id": "sweep-8",
            "name": "Sweep shape 8: 9 in hud",
            "measure": "content_coverage",
            "coverage": 1.0,
            "content_coverage": 0.7,
            "message": "",
        },
    ]


def test_sweep_with_nothing_solved_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_layout_cmds, "run_sweep", lambda *_a, **_k: SweepSummary(0, 0, 3))
    assert run("layout", "sweep", "--count", "3") == 0
    assert capsys.readouterr().out.splitlines() == [
        "3 shapes: 0 pass, 0 degraded, 3 failed",
        "No shape was solved, so there is no coverage to report.",
        "engine bugs (a shortfall or failure that names no rule): 0",
        "locales: en (left to right)",
        "text-fit (shapes that cut a word with an ellipsis): en 0",
    ]
    assert run("layout", "sweep", "--count", "3", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coverage"] is None and data["content_coverage"] is None


@pytest.mark.parametrize("flag", ["--count", "--jobs"])
def test_sweep_refuses_a_count_or_jobs_below_one(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        run("layout", "sweep", flag, "0")
    assert exc.value.code == 2
    assert f"argument {flag}: expected a whole number of 1 or more, but got '0'" in (
        capsys.readouterr().err
    )


def test_sweep_json_carries_the_declared_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("layout", "sweep", "--count", "30", "--seed", "2", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == documented_keys("layout", "sweep")
    summary = run_sweep(30, seed=2)
    assert (data["total"], data["passed"], data["degraded"], data["failed"]) == (
        30,
        summary.passed,
        summary.degraded,
        summary.failed,
    )
    assert summary.coverage is not None
    assert data["coverage"] == {
        "min": summary.coverage.min,
        "p5": summary.coverage.p5,
        "median": summary.coverage.median,
    }
    assert data["goal"] == 0.95
    assert len(data["exceptions"]) == len(summary.exceptions)
    assert data["content_exceptions"] == summary.content_exceptions


def test_solve_prints_each_displays_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    profile = bundled_profiles()["renault-grand-koleos-2025"]
    assert run("layout", "solve", profile.id) == 0
    out = capsys.readouterr().out
    layouts = solve_profile(profile)
    for layout in layouts.values():
        line = (
            f"coverage {_pct(layout.coverage)} of the usable region "
            f"({layout.usable_area_px:,} px), content {_pct(layout.content_coverage)}"
        )
        assert line in out.splitlines()
    assert out.count("coverage ") == len(layouts)


def test_solve_json_carries_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    profile = bundled_profiles()["renault-grand-koleos-2025"]
    assert run("layout", "solve", profile.id, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == documented_keys("layout", "solve")
    for display_id, layout in solve_profile(profile).items():
        shown = data["displays"][display_id]
        assert shown["coverage"] == layout.coverage
        assert shown["content_coverage"] == layout.content_coverage
        assert shown["usable_area_px"] == layout.usable_area_px
        assert 0.0 < shown["content_coverage"] <= shown["coverage"] <= 1.0
