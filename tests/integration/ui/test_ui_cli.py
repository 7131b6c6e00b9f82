"""``cardeck layout render`` and ``cardeck layout sheet`` through a parser of their own."""

from __future__ import annotations

import argparse
import importlib.util

import pytest
from PIL import Image

from cardeck import UsageError
from cardeck.cli import _ui_cmds


def _run(argv):
    parser = argparse.ArgumentParser(prog="cardeck")
    _ui_cmds.register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_render_one_display_writes_a_native_size_png(window, tmp_path, capsys):
    out = tmp_path / "center.png"
    assert (
        _run(["layout", "render", "hyundai-kia-ccnc", "--display", "center", "-o", str(out)]) == 0
    )
    assert capsys.readouterr().out == f"Wrote {out} (1920×720).\n"
    with Image.open(out) as image:
        assert image.size == (1920, 720)


def test_render_a_profile_arranges_its_displays(window, tmp_path, capsys):
    out = tmp_path / "ribbon.png"
    assert _run(["layout", "render", "concept-ribbon-33in", "--night", "-o", str(out)]) == 0
    with Image.open(out) as image:
        # The HUD sits above the ribbon: taller than the ribbon alone (6240×960 → 6.5:1).
        assert image.width / image.height < 6.5
    assert capsys.readouterr().out.startswith(f"Wrote {out} (")


def test_render_refuses_an_unknown_display(tmp_path):
    with pytest.raises(UsageError, match="has no display 'dash'; choose one of: cluster, center"):
        _run(
            ["layout", "render", "hyundai-kia-ccnc", "--display", "dash", "-o", str(tmp_path / "x")]
        )


def test_sheet_writes_a_labelled_grid(window, tmp_path, capsys):
    out = tmp_path / "sheet.png"
    argv = [
        "layout",
        "sheet",
        "-o",
        str(out),
        "--profile",
        "polestar-2",
        "--profile",
        "concept-ribbon-33in",
    ]
    assert _run(argv) == 0
    assert capsys.readouterr().out == f"Wrote {out}: 2 profiles, 4 displays.\n"
    with Image.open(out) as image:
        assert image.width >= 2400 and 400 < image.height < 700


def test_a_missing_simulator_extra_names_the_pip_command(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "kivy" else real(name, *a)
    )
    missing = r"'kivy' could not be imported.*pip install 'cardeck\[sim\]'"
    with pytest.raises(UsageError, match=missing):
        _run(["layout", "render", "polestar-2", "-o", str(tmp_path / "x.png")])


def test_add_render_commands_extends_an_existing_layout_group():
    parser = argparse.ArgumentParser(prog="cardeck")
    layout = parser.add_subparsers().add_parser("layout")
    group = layout.add_subparsers(dest="layout_command", required=True)
    group.add_parser("solve")
    _ui_cmds.add_render_commands(group)
    args = parser.parse_args(["layout", "sheet", "-o", "s.png"])
    assert args.func is _ui_cmds.cmd_layout_sheet
    assert parser.parse_args(["layout", "solve"]).layout_command == "solve"
