"""Text in every shipped locale, drawn for real (issue 20, items 3–5).

Kivy offscreen: each text is composed by :class:`TextCache` from runs of the
font chain, read back from its texture and measured by pixel columns and ink.
Korean, Arabic (shaped and ordered right to left), mixed Arabic with a Latin
place name and digits, and the ar-XB pseudo-locale's overrides; then every
message of every catalog of every locale, and a fixed set of sample sentences,
must have a glyph for every character.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from babel.messages.pofile import read_po

from cardeck.i18n import SUPPORTED_LOCALES, pseudo_localize, translator
from cardeck_sim.ui.painters.text import ELLIPSIS, TextCache, graphemes, tokens
from cardeck_sim.ui.theme import font_chain, missing_glyphs

CATALOGS = Path(__file__).resolve().parents[3] / "sdk" / "cardeck" / "i18n" / "catalogs"

HANGUL = "100미터 앞에서 우회전하세요"
ARABIC = "مرحبا"
MIXED = "انعطف يمينًا بعد 120 م إلى Hotel Arthur"
AR_XB = "\u200f\u202eZoom in\u202c\u200f"
WHITE = (255, 255, 255)
SIZE = 32

# Sample sentences per locale, beside whatever the catalogs hold (en-XA and ar-XB are
# made from the English ones the way tools/locales.py makes them).
SAMPLES: dict[str, list[str]] = {
    "en": [
        "Navigate to Hotel Arthur",
        "In 120 m, turn right onto Mannerheimintie",
        "Arriving at 3:05\u202fPM",
        "Charging stations along your route",
    ],
    "ko": [
        "경로 안내를 시작합니다",
        "100미터 앞에서 우회전하세요",
        "시청으로 안내해 줘",
        "목적지에 도착했습니다. 오후 3:05",
        "지도 확대",
    ],
    "de": [
        "Navigation zum Hotel Arthur starten",
        "In 120 m rechts abbiegen auf die Mannerheimintie",
        "Ladestationsverfügbarkeitsanzeige",
        "Geschwindigkeitsbegrenzung: 50 km/h",
    ],
    "ar": [
        "بدء الملاحة إلى Hotel Arthur",
        MIXED,
        "وصلت إلى وجهتك",
        "تكبير الخريطة",
        "محطات الشحن على طول طريقك، ٣:٠٥ م",
    ],
}


@pytest.fixture
def texts(window: Any) -> TextCache:
    return TextCache()


def _alpha(tex: Any) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """A texture's alpha channel, rows top to bottom as drawn."""
    pixels = np.frombuffer(tex.pixels, np.uint8).reshape(tex.height, tex.width, 4)
    return pixels[:, :, 3]


def _components(alpha: np.ndarray[Any, np.dtype[np.uint8]]) -> int:
    """Connected blobs of ink (4-neighbour flood fill over alpha > 96)."""
    ink = alpha > 96
    seen = np.zeros_like(ink)
    count = 0
    for y, x in zip(*np.nonzero(ink), strict=True):
        if seen[y, x]:
            continue
        count += 1
        stack = [(y, x)]
        seen[y, x] = True
        while stack:
            cy, cx = stack.pop()
            for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                inside = 0 <= ny < ink.shape[0] and 0 <= nx < ink.shape[1]
                if inside and ink[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
    return count


def _ink_columns(alpha: np.ndarray[Any, np.dtype[np.uint8]]) -> np.ndarray[Any, Any]:
    return np.nonzero(alpha.max(axis=0) > 0)[0]


@pytest.mark.parametrize(
    ("text", "lines"),
    [(HANGUL, 1), (ARABIC, 1), (MIXED, 1), (AR_XB, 1), ("첫 줄\nسطر ثانٍ", 2)],
    ids=["hangul", "arabic", "mixed", "ar-XB", "two-lines"],
)
def test_a_script_renders_with_every_glyph_and_its_ink_inside(
    texts: TextCache, text: str, lines: int
) -> None:
    assert texts.missing_glyphs(text) == frozenset()
    tex = texts.texture(text, SIZE, WHITE)
    alpha = _alpha(tex)
    assert alpha.max() == 255, "nothing was drawn"
    assert tex.width == texts.width(text, SIZE)
    assert tex.height % lines == 0 and tex.height >= lines * texts.line_height(SIZE)
    # No ink was cut at the edges of any line box: the rows and columns at the
    # texture's edges are empty (a glyph cut by its box would leave ink there).
    assert alpha[0].max() == 0 and alpha[-1].max() == 0
    cols = _ink_columns(alpha)
    assert cols.min() >= 0 and cols.max() < tex.width


def test_every_run_keeps_all_its_ink_in_the_composed_texture(texts: TextCache) -> None:
    """A CJK run's font is taller than the line box; cutting it to the box loses no ink."""
    from kivy.core.text import Label as CoreLabel

    line = "Hotel 시청 앞 3:05"
    composed = int(_alpha(texts.texture(line, SIZE, WHITE)).astype(np.int64).sum())
    alone = 0
    for text, face, rtl in texts.runs(line):
        label = CoreLabel(text=text, font_size=SIZE, font_name=str(face.regular))
        assert not rtl
        label.refresh()
        alone += int(_alpha(label.texture).astype(np.int64).sum())
    assert composed == alone


def test_arabic_letters_are_joined_not_isolated(texts: TextCache) -> None:
    joined = texts.width(ARABIC, SIZE)
    isolated = sum(texts.width(letter, SIZE) for letter in ARABIC)
    assert joined < 0.85 * isolated, (joined, isolated)
    # Joined: "مر" and "حبا" (ر and ا never join the next letter) and ب's dot.
    word = _components(_alpha(texts.texture(ARABIC, 64, WHITE)))
    letters = sum(_components(_alpha(texts.texture(c, 64, WHITE))) for c in ARABIC)
    assert word == 3 and letters == 6, (word, letters)


def test_rtl_line_puts_the_latin_place_name_left_of_the_arabic_start(texts: TextCache) -> None:
    runs = texts.runs(MIXED)
    assert runs[0][0] == "Hotel Arthur" and runs[0][1].name == "Noto Sans"
    assert runs[-1][1].rtl_script and runs[-1][0].startswith("انعطف")
    alpha = _alpha(texts.texture(MIXED, SIZE, WHITE))
    latin_w = texts.width("Hotel Arthur", SIZE)
    start_w = texts.width("انعطف", SIZE, rtl=True)
    # The Latin name's ink is all in the leftmost columns, drawn as it is alone...
    latin_alone = _alpha(texts.texture("Hotel Arthur", SIZE, WHITE))
    assert int(alpha[:, :latin_w].astype(np.int64).sum()) > 0
    assert _ink_columns(alpha[:, :latin_w]).size == _ink_columns(latin_alone).size
    # ...and the first Arabic word (read first) is at the right edge.
    arabic_alone = _alpha(texts.texture("انعطف", SIZE, WHITE))
    right = alpha[:, alpha.shape[1] - start_w :]
    assert _ink_columns(right).size == _ink_columns(arabic_alone).size
    # Digits keep their left-to-right order inside the right-to-left line.
    assert any(text == "120" for text, _, _ in runs)


def test_ar_xb_override_is_drawn_mirrored(texts: TextCache) -> None:
    assert [text for text, _, _ in texts.runs(AR_XB)] == ["ni mooZ"]
    assert texts.width(AR_XB, SIZE) == texts.width("ni mooZ", SIZE)


def test_width_measures_what_texture_draws(texts: TextCache) -> None:
    for text in (HANGUL, ARABIC, MIXED, AR_XB, "Hotel Arthur", "시청 مرحبا Hotel"):
        for size in (17, 24, 31):
            assert texts.texture(text, size, WHITE).width == texts.width(text, size)


def test_lines_of_one_locale_have_one_height(window: Any) -> None:
    english = TextCache()
    heights = {english.texture(t, SIZE, WHITE).height for t in ("Hotel", HANGUL, "3:05\u202fPM")}
    assert heights == {english.line_height(SIZE)}
    arabic = TextCache("ar")
    heights = {arabic.texture(t, SIZE, WHITE).height for t in (ARABIC, MIXED, "120", "Hotel")}
    assert heights == {arabic.line_height(SIZE)}
    assert arabic.line_height(SIZE) > english.line_height(SIZE)


def test_right_aligned_lines_end_at_the_right_edge(texts: TextCache) -> None:
    alpha = _alpha(texts.texture("شارع طويل جدا\nشارع", SIZE, WHITE, halign="right"))
    line_h = alpha.shape[0] // 2
    short = texts.width("شارع", SIZE)
    second = alpha[line_h:]
    assert _ink_columns(second).min() >= alpha.shape[1] - short


def test_graphemes_keep_marks_jamo_and_joiners() -> None:
    assert graphemes("يمينًا") == ["ي", "م", "ي", "نً", "ا"]
    assert graphemes("Cre\u0300me") == ["C", "r", "e\u0300", "m", "e"]
    assert graphemes("\u1112\u1161\u11ab\u1100\u1173\u11af") == [
        "\u1112\u1161\u11ab",
        "\u1100\u1173\u11af",
    ]
    assert graphemes("a\U0001f468\u200d\U0001f469b") == ["a", "\U0001f468\u200d\U0001f469", "b"]


def test_tokens_keep_units_and_no_break_spaces() -> None:
    assert tokens("Arriving 3:05\u202fPM") == ["Arriving", "3:05\u202fPM"]
    assert tokens("بعد 120 مترًا") == ["بعد", "120 مترًا"]
    assert tokens("In 120 m turn") == ["In", "120 m", "turn"]
    assert tokens("경로 안내를 시작합니다") == ["경로", "안내를", "시작합니다"]
    assert tokens("東京駅") == ["東", "京", "駅"]


@pytest.mark.parametrize(
    "word",
    [
        "يمينًايمينًايمينًايمينًا",
        "Cre\u0300me\u0301bru\u0302le\u0301e" * 3,
        "\u1112\u1161\u11ab\u1100\u1173\u11af" * 6,
        "가나다라마바사아자차카타파하",
    ],
    ids=["harakat", "combining", "jamo", "hangul"],
)
def test_fit_cuts_a_word_only_at_a_grapheme_boundary(texts: TextCache, word: str) -> None:
    fitted = texts.fit(word, texts.width(word, 20) * 0.5, 200, 20, 20)
    assert fitted is not None and fitted.truncated
    (line,) = fitted.lines
    assert line.endswith(ELLIPSIS)
    kept = line[: -len(ELLIPSIS)]
    assert word.startswith(kept) and kept
    assert "".join(graphemes(word)[: len(graphemes(kept))]) == kept


def test_rtl_ellipsis_ends_the_text_in_reading_order(texts: TextCache) -> None:
    text = "انعطف يمينًا بعد مئة متر ثم تابع السير حتى نهاية الشارع الطويل"
    fitted = texts.fit(text, texts.width(text, 20) * 0.4, 40, 20, 20)
    assert fitted is not None and fitted.truncated and fitted.text.endswith(ELLIPSIS)
    # Visually the ellipsis is the leftmost run: the end of a right-to-left line.
    runs = texts.runs(fitted.text)
    assert runs[0][0].startswith(ELLIPSIS) or runs[0][0].endswith(ELLIPSIS)
    assert texts.width(fitted.text, 20) <= texts.width(text, 20) * 0.4


def test_korean_wraps_at_spaces(texts: TextCache) -> None:
    text = "목적지까지 남은 거리는 약 십이 킬로미터입니다"
    fitted = texts.fit(text, texts.width(text, 24) * 0.55, 400, 24, 24, max_lines=3)
    assert fitted is not None and not fitted.truncated and len(fitted.lines) > 1
    assert " ".join(fitted.lines) == text


# -- every catalog string ------------------------------------------------------------


def _fields(message: str) -> dict[str, str]:
    names = {name for _, name, _, _ in string.Formatter().parse(message) if name}
    return {name: "120" for name in names}


def _catalog_strings(tag: str) -> list[str]:
    """Every message of every domain, translated for a locale, placeholders filled."""
    tr = translator(tag)
    out: list[str] = []
    for pot in sorted(CATALOGS.glob("*.pot")):
        with pot.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue  # the header
            if isinstance(message.id, tuple):
                singular, plural = message.id[0], message.id[1]
                fields = _fields(singular) | _fields(plural)
                fields.pop("n", None)
                for n in (1, 2, 5, 11, 100):
                    out.append(tr.ngettext(singular, plural, n, **fields))
            elif message.context:
                out.append(tr.pgettext(message.context, message.id, **_fields(message.id)))
            else:
                out.append(tr.gettext(message.id, **_fields(message.id)))
    return out


def _samples(tag: str) -> list[str]:
    if tag in SAMPLES:
        return SAMPLES[tag]
    base = "ar" if tag == "ar-XB" else "en"
    source = SAMPLES["en"] if base == "en" else ["Zoom in", "Navigate to Hotel Arthur"]
    return [pseudo_localize(text, tag) for text in source]


@pytest.mark.parametrize("tag", SUPPORTED_LOCALES)
def test_every_catalog_string_and_sample_renders_without_a_missing_glyph(
    window: Any, tag: str
) -> None:
    texts = TextCache(tag)
    strings = _catalog_strings(tag) + _samples(tag)
    assert len(strings) > len(_samples(tag)) - 1 > 0
    missing = {text: texts.missing_glyphs(text) for text in strings}
    assert {t: m for t, m in missing.items() if m} == {}
    for text in strings:
        tex = texts.texture(text, 24, WHITE)
        assert tex.width == texts.width(text, 24) and _alpha(tex).max() > 0, text


def test_missing_glyphs_is_the_chains(window: Any) -> None:
    assert missing_glyphs("\U0001f600") == TextCache().missing_glyphs("\U0001f600")
    assert font_chain().faces[0].name == "Noto Sans"


def test_the_rtl_argument_sets_the_paragraph_direction(texts: TextCache) -> None:
    # Left to right (its first strong letter): the full stop ends the line on the right.
    assert [t for t, _, _ in texts.runs("Zoom in.")] == ["Zoom in."]
    # A right-to-left paragraph: the same words, the full stop at their left.
    assert [t for t, _, _ in texts.runs("Zoom in.", rtl=True)] == [".", "Zoom in"]
    # A number alone takes the locale's direction; an Arabic cache draws it the same.
    assert TextCache("ar").runs("120")[0][0] == "120"
    with_rtl = texts.texture("Zoom in.", SIZE, WHITE, rtl=True)
    assert with_rtl.width == texts.width("Zoom in.", SIZE, rtl=True)
    assert _ink_columns(_alpha(with_rtl)).min() < 4  # the full stop is at the left edge
