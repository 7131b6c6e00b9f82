"""``cardeck layout render``, ``sheet`` and ``gallery`` through a parser of their own."""

from __future__ import annotations

import argparse
import importlib.util
import json

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
    with Image.open(out) as image:
        assert image.width == 2400 and 300 < image.height < 1500
        size = f"{image.width}×{image.height}"
    assert capsys.readouterr().out == f"Wrote {out} ({size}): 2 profiles, 4 displays.\n"


def test_sheet_width_sets_the_page_width_and_json_says_the_size(window, tmp_path, capsys):
    out = tmp_path / "sheet.png"
    argv = ["layout", "sheet", "polestar-2", "--night", "--width", "1000", "-o", str(out)]
    assert _run([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == list(_ui_cmds._SHEET_KEYS)
    with Image.open(out) as image:
        assert (data["width_px"], data["height_px"]) == image.size
        assert image.width == 1000


@pytest.mark.parametrize("width", ["799", "16001", "wide"])
def test_sheet_refuses_a_width_out_of_range(width, capsys):
    with pytest.raises(SystemExit) as exit_info:
        _run(["layout", "sheet", "--width", width, "-o", "x.png"])
    assert exit_info.value.code == 2
    assert f"expected a whole number of px from 800 to 16000, but got '{width}'" in (
        capsys.readouterr().err
    )


def test_gallery_writes_a_page_and_a_day_and_night_picture(window, tmp_path, capsys):
    assert _run(["layout", "gallery", "polestar-2", "-o", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == list(_ui_cmds._GALLERY_KEYS)
    pictures = [tmp_path / "gallery" / f"polestar-2-{t}.png" for t in ("day", "night")]
    assert data == {
        "page": str(tmp_path / "gallery.md"),
        "images": [str(p) for p in pictures],
        "profiles": ["polestar-2"],
    }
    page = (tmp_path / "gallery.md").read_text(encoding="utf-8")
    assert "![Polestar 2, night](gallery/polestar-2-night.png)" in page
    for path in pictures:
        with Image.open(path) as image:
            assert image.width <= 1200 and image.height <= 720


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
