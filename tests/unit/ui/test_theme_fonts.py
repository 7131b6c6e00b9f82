"""The font fallback chain (issue 20, item 3): which font draws which character, what is missing.

Kivy-free: the chain is read from the Noto files Debian installs (``make setup``
installs fonts-noto-core and fonts-noto-cjk) with fontTools.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cardeck_sim.ui.theme import FONT_DIRS_ENV, _fonts, font_chain, missing_glyphs


@pytest.fixture
def fresh_chain() -> Iterator[None]:
    """Forget the process's chain before and after (a test changes where fonts are found)."""
    font_chain.cache_clear()
    yield
    font_chain.cache_clear()


def test_the_chain_is_noto_sans_then_cjk_then_arabic() -> None:
    names = [face.name for face in font_chain().faces]
    assert names == ["Noto Sans", "Noto Sans CJK KR", "Noto Sans Arabic"]
    latin, cjk, arabic = font_chain().faces
    assert latin.bold.name == "NotoSans-Bold.ttf"
    assert cjk.regular.suffix == ".ttc" and cjk.bold.name == "NotoSansCJK-Bold.ttc"
    assert arabic.rtl_script and not latin.rtl_script and arabic.script == "Arab"


@pytest.mark.parametrize(
    "text",
    [
        "Navigate to Hotel Arthur, 120 m",
        "Straße über Brücke – 3 Min.",
        "경로 안내를 시작합니다",
        "100미터 앞에서 우회전하세요",
        "انعطف يمينًا بعد 120 م إلى Hotel Arthur",
        "\u200f\u202eZoom in\u202c\u200f",
        "[Ñåvîĝåţé ţö Ĥöţéļ Åŕţĥûŕ one two]",
        "3:05\u202fPM · 오후 3:05 · ٣:٠٥ م",
    ],
)
def test_every_shipped_script_has_a_glyph(text: str) -> None:
    assert missing_glyphs(text) == frozenset()


def test_missing_glyphs_finds_what_no_font_has() -> None:
    assert missing_glyphs("Hi \U0001f600 \u0f40!") == frozenset({"\U0001f600", "\u0f40"})


def test_controls_spaces_and_newlines_are_never_missing() -> None:
    controls = "\u200f\u202e\u202c\u200e\u2066\u2069\u200d\n\t \u00a0\u202f\u3000"
    assert missing_glyphs(controls) == frozenset()


def test_each_character_takes_the_first_font_that_has_it() -> None:
    runs = [(text, face.name) for text, face in font_chain().runs("Hotel 시청 مرحبا")]
    assert runs == [
        ("Hotel ", "Noto Sans"),
        ("시청 ", "Noto Sans CJK KR"),
        ("مرحبا", "Noto Sans Arabic"),
    ]


def test_digits_and_punctuation_join_the_run_beside_them() -> None:
    # Arabic has digits and the space: "120" stays in the Arabic run, not a Latin island.
    runs = [(text, face.name) for text, face in font_chain().runs("بعد 120 م")]
    assert runs == [("بعد 120 م", "Noto Sans Arabic")]
    # A bracket before Hangul joins the Hangul run (the CJK font has it).
    runs = [(text, face.name) for text, face in font_chain().runs("(시청)")]
    assert runs == [("(시청)", "Noto Sans CJK KR")]


def test_font_dirs_env_is_searched_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_chain: None
) -> None:
    shutil.copy(font_chain().faces[0].regular, tmp_path / "NotoSans-Regular.ttf")
    font_chain.cache_clear()
    monkeypatch.setenv(FONT_DIRS_ENV, str(tmp_path))
    latin = font_chain().faces[0]
    assert latin.regular == tmp_path / "NotoSans-Regular.ttf"
    assert latin.bold.parent != tmp_path  # not copied: found in Debian's folder


def test_a_missing_font_warns_with_its_package_and_is_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wanted = (
        _fonts._Wanted("Noto Sans Nowhere", "Nowhere.ttf", "Nowhere-Bold.ttf", "Nowhere", "x-pkg"),
        *_fonts._WANTED,
    )
    with caplog.at_level(logging.WARNING, logger=_fonts.__name__):
        faces = _fonts._load(wanted)
    assert faces[0].name == "Noto Sans"
    assert any(
        "Noto Sans Nowhere" in r.message and "x-pkg" in r.message and FONT_DIRS_ENV in r.message
        for r in caplog.records
    )


def test_without_noto_sans_latin_falls_back_to_kivys_roboto(
    caplog: pytest.LogCaptureFixture,
) -> None:
    wanted = (
        _fonts._Wanted("Noto Sans", "Nope.ttf", "Nope.ttf", "Nope Family", "fonts-noto-core"),
    )
    with caplog.at_level(logging.WARNING, logger=_fonts.__name__):
        faces = _fonts._load(wanted)
    assert [f.name for f in faces] == ["Roboto"]
    assert faces[0].regular.name == "Roboto-Regular.ttf"
    assert "fonts-noto-core" in caplog.text


def test_the_guide_names_the_env_var_packages_and_files() -> None:
    guide = (
        Path(__file__).resolve().parents[3] / "docs" / "guides" / "text-and-fonts.md"
    ).read_text()
    assert f"{FONT_DIRS_ENV}=" in guide
    for want in _fonts._WANTED:
        assert want.package in guide and want.regular in guide and want.name in guide
    for folder in _fonts._DEBIAN_DIRS[:2]:
        assert folder in guide
