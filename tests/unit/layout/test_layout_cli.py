"""The ``profiles`` and ``layout`` commands: exact output and exit codes."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from cardeck._exceptions import ProfileError
from cardeck.cli._layout_cmds import register
from cardeck.layout import bundled_profiles, layouts_markdown

FIXTURES = Path(__file__).parent / "fixtures"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="cardeck")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


def test_profiles_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("profiles", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(bundled_profiles())
    assert lines[0] == (
        "android-auto-dhu-1280x720-margins          center:1280x720  "
        "Android Auto DHU 1280x720 with margins to 1000x600"
    )


def test_profiles_show_prints_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("profiles", "show", "tesla-model-3") == 0
    out = capsys.readouterr().out
    assert out.startswith("# Tesla Model 3\n# Source: theverge.com 2017-09-25\nid: tesla-model-3\n")


def test_profiles_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parents[3] / "layouts" / "vehicles" / "polestar-2.yaml"
    assert run("profiles", "validate", str(path)) == 0
    assert capsys.readouterr().out == (f"ok {path}: polestar-2, 2 display(s), 0 diagnostic(s)\n")


def test_profiles_validate_reports_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\nsources: [s]\ndisplays: [{id: c, role: moon}]\n")
    with pytest.raises(ProfileError) as info:
        run("profiles", "validate", str(bad), str(tmp_path / "missing.yaml"))
    message = str(info.value)
    assert message.startswith("4 problems found; fix them and validate again.")
    assert f"{bad}:4:20: displays.0.role:" in message
    assert "Could not read the profile" in message


def test_profiles_import_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dhu.yaml"
    assert run("profiles", "import", str(FIXTURES / "dhu_1000x600.ini"), "-o", str(out)) == 0
    assert capsys.readouterr().out == f"Wrote {out} (dhu-dhu-1000x600, 2 display(s))\n"
    assert "width_px: 1000" in out.read_text()


def test_layout_solve_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("layout", "solve", "tesla-model-3") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "tesla-model-3 / center (center) 1920x1200 px @ 160 dpi, landscape/extra-wide; "
        "text >= 24 px, touch >= 76 px; locale en (left to right)"
    )
    assert "│ status_bar │    0 │   0 │  1920 │     96 │" in out


def test_layout_solve_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("layout", "solve", "polestar-2", "--display", "cluster", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["vehicle"] == "polestar-2"
    speed = data["displays"]["cluster"]["panels"][0]
    assert speed["panel_id"] == "speed"
    assert speed["rect_px"] == {"x": 480, "y": 0, "width": 576, "height": 720}


def test_layout_solve_unknown_profile() -> None:
    with pytest.raises(ProfileError, match="There is no bundled profile 'nope'"):
        run("layout", "solve", "nope")


def test_layout_sweep(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("layout", "sweep", "--count", "40", "--seed", "1") == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"40 shapes: \d+ pass, \d+ degraded, \d+ failed( \(.+\))?", first)
    # The coverage spread follows (tests/unit/cli/test_cli_layout_coverage.py has it exactly).
    assert rest[0].startswith("coverage of the usable region (")
    assert rest[-2:] == ["locales: en (left to right)", rest[-1]]


def test_layout_docs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "layouts.md"
    assert run("layout", "docs", "-o", str(out)) == 0
    text = out.read_text()
    assert text == layouts_markdown(bundled_profiles())
    rows = text.count("\n| ") - 1
    assert capsys.readouterr().out == (
        f"Wrote {out} ({len(bundled_profiles())} profiles, {rows} panel rows)\n"
    )
    assert "| renault-grand-koleos-2025 | passenger | 1920x720 |" in text


def test_every_parser_has_help() -> None:
    parser = argparse.ArgumentParser(prog="cardeck")
    subparsers = parser.add_subparsers()
    register(subparsers)
    for action in subparsers._choices_actions:
        assert action.help


def test_layout_solve_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("layout", "solve", "tesla-model-3", "--locale", "ar") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("; locale ar (right to left)")
    assert run("layout", "solve", "polestar-2", "--locale", "ko_KR", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {(d["locale"], d["direction"]) for d in data["displays"].values()} == {("ko", "ltr")}
    # Without --locale, the profile's own locale.
    car = tmp_path / "car.yaml"
    car.write_text(
        "id: car\nname: Car\nsources: [s]\nlocale: ar-XB\ndisplays:\n"
        "  - {id: center, role: center, width_px: 1920, height_px: 720, diagonal_in: 12.3}\n"
    )
    assert run("layout", "solve", str(car)) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("; locale ar-XB (right to left)")


@pytest.mark.parametrize("command", [("solve", "tesla-model-3"), ("sweep", "--count", "1")])
def test_layout_unknown_locale_is_a_usage_error(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        run("layout", *command, "--locale", "fr")
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --locale: The locale 'fr' is not supported; use one of " in err
    assert "en, ko, de, ar, en-XA, ar-XB." in err


def test_layout_sweep_locales(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("layout", "sweep", "--count", "3", "--locale", "en,ar", "--locale", "de", "--json")
    assert run(*argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["locales"] == ["en", "ar", "de"]
    assert data["total"] == 9
    assert set(data["text_fit"]) == {"en", "ar", "de"}
    assert run("layout", "sweep", "--count", "2", "--locale", "all") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("12 shapes: ")
    assert lines[-2] == (
        "locales: en (left to right), ko (left to right), de (left to right), "
        "ar (right to left), en-XA (left to right), ar-XB (right to left)"
    )
    assert re.fullmatch(
        r"text-fit \(shapes that cut a word with an ellipsis\): en \d+, ko \d+, de \d+, "
        r"ar \d+, en-XA \d+, ar-XB \d+",
        lines[-1],
    )
