"""The bundled icon fonts hold exactly the icons :mod:`cardeck_sim.ui.theme.icons` lists.

The fonts are regenerated on purpose only (``tools/subset_icons.py``); these
tests fail when the list changed and the fonts did not, or the other way round.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from cardeck_sim.maps import ManeuverType
from cardeck_sim.state._store import PANEL_KINDS
from cardeck_sim.ui.theme.icons import (
    ICONS,
    MANEUVER_ICONS,
    PANEL_ICONS,
    icon_char,
    icon_font_path,
)

ROOT = Path(__file__).resolve().parents[3]
FONTS = [icon_font_path(filled=False), icon_font_path(filled=True)]


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_every_listed_icon_is_in_the_font_under_its_name(path: Path) -> None:
    font = TTFont(path)
    cmap = font.getBestCmap()
    drawn = {name: cmap.get(cp) for name, cp in ICONS.items()}
    assert drawn == {name: name for name in ICONS}, (
        "The icon list and the font disagree; run tools/subset_icons.py."
    )
    # Exactly the listed icons: nothing unused makes the wheel bigger.
    assert sorted(cmap) == sorted(ICONS.values())


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.name)
def test_the_fonts_are_small_truetype_files_with_their_licence(path: Path) -> None:
    data = path.read_bytes()
    # SDL2_ttf reads TrueType, not the WOFF2 the npm package ships.
    assert data[:4] == b"\x00\x01\x00\x00"
    assert len(data) < 48 * 1024
    assert "fvar" not in TTFont(path)  # a static instance
    licence = path.parent / "LICENSE-MaterialSymbols.txt"
    assert "Apache License" in licence.read_text(encoding="utf-8")


def test_every_panel_kind_and_maneuver_has_a_listed_icon() -> None:
    assert set(PANEL_KINDS) <= set(PANEL_ICONS)
    assert {m.value for m in ManeuverType} == set(MANEUVER_ICONS)
    for name in [*PANEL_ICONS.values(), *MANEUVER_ICONS.values()]:
        assert name in ICONS


def test_an_unknown_icon_names_the_fix() -> None:
    with pytest.raises(KeyError, match=r"tools/subset_icons\.py"):
        icon_char("no_such_icon")


def test_the_committed_fonts_are_what_the_tool_makes_from_the_npm_font() -> None:
    source = ROOT / "node_modules/material-symbols/material-symbols-rounded.woff2"
    if not source.exists():
        pytest.skip("npm ci has not installed material-symbols")
    spec = importlib.util.spec_from_file_location("subset_icons", ROOT / "tools/subset_icons.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("subset_icons", tool)
    spec.loader.exec_module(tool)
    assert tool.check(TTFont(source)) == []
    # Regenerating changes nothing: the committed fonts are the tool's output.
    for path, filled in zip(FONTS, (False, True), strict=True):
        assert tool.build(source, filled) == path.read_bytes(), path.name
    attribution = path.parent / "ATTRIBUTION.md"
    assert tool.attribution(source) == attribution.read_text(encoding="utf-8")
