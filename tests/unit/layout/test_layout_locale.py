"""The layout engine and locales (issue 20): direction, driver side and text fit."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_layout_engine import PROPERTY, TEMPLATE, _profile, _sized, assert_required_rules, displays
from textfit_catalog import write_catalog

import cardeck.layout._engine as engine
from cardeck._exceptions import ProfileError
from cardeck.i18n import SUPPORTED_LOCALES, UnsupportedLocaleError
from cardeck.layout import (
    Display,
    DisplayLayout,
    LayoutSolver,
    PanelLayout,
    PanelTexts,
    VehicleProfile,
    bundled_profiles,
    panel_texts,
    parse_profile,
    parse_template,
    solve_display,
    solve_profile,
    text_em,
)
from cardeck.layout._limits import MAX_PX
from cardeck.layout._textfit import words

ROOT = Path(__file__).parents[3]
#: A landscape centre screen, and a car with a cluster, a centre and a passenger screen.
LANDSCAPE = "android-automotive-1408x792-mdpi"
MULTI = "renault-grand-koleos-2025"
ISSUE_LOCALES = ("en", "ko", "de", "ar", "en-XA")

_PROFILE = """\
id: car
name: A car
sources: [test]
{extra}displays:
  - {{id: center, role: center, width_px: 1920, height_px: 1080, diagonal_in: 12.3}}
"""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalog(tmp_path_factory.mktemp("catalog"))


# -- the profile's locale ---------------------------------------------------------------


def test_profile_locale_is_normalized() -> None:
    assert parse_profile(_PROFILE.format(extra="locale: ko_KR\n")).locale == "ko"
    assert parse_profile(_PROFILE.format(extra="")).locale is None


def test_profile_locale_error_names_file_line_field_and_the_locales() -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(_PROFILE.format(extra="locale: fr\n"), "car.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("car.yaml", 4, "locale")
    assert "'fr'" in problem.message
    assert ", ".join(SUPPORTED_LOCALES) in problem.message


def test_solve_takes_the_profile_locale_unless_told() -> None:
    profile = parse_profile(_PROFILE.format(extra="locale: ar\n"))
    assert (solve_display(profile, "center").locale, "rtl") == ("ar", "rtl")
    assert solve_display(profile, "center").direction == "rtl"
    told = solve_display(profile, "center", locale="de")
    assert (told.locale, told.direction) == ("de", "ltr")
    plain = solve_display(parse_profile(_PROFILE.format(extra="")), "center")
    assert (plain.locale, plain.direction) == ("en", "ltr")
    with pytest.raises(UnsupportedLocaleError, match="en, ko, de, ar, en-XA, ar-XB"):
        solve_display(profile, "center", locale="xx")


# -- right to left: reading order mirrors, the driver's side stays -----------------------


def _with_side(profile: VehicleProfile, side: str) -> VehicleProfile:
    displays = tuple(d.model_copy(update={"driver_side": None}) for d in profile.displays)
    return profile.model_copy(update={"driver_side": side, "displays": displays})


def _band(layout: DisplayLayout, panel: PanelLayout) -> list[PanelLayout]:
    """The visible panels beside ``panel``: their rows overlap its rows."""
    r = panel.rect_px
    return [
        p
        for p in layout.visible_panels
        if p.rect_px.y < r.bottom and r.y < p.rect_px.bottom and p.panel_id != panel.panel_id
    ]


def _side_by_side(layout: DisplayLayout) -> set[tuple[str, str]]:
    """Pairs (a, b) of reading-order panels in one band with a left of b."""
    pairs = set()
    for p in layout.visible_panels:
        if p.kind == "dock":
            continue
        for q in _band(layout, p):
            if q.kind != "dock" and p.rect_px.right <= q.rect_px.x:
                pairs.add((p.panel_id, q.panel_id))
    return pairs


def _dock_side(layout: DisplayLayout, dock: PanelLayout) -> str:
    """Which end of its band the dock is at: left, right, or alone in it."""
    band = _band(layout, dock)
    if not band:
        return "alone"
    if all(dock.rect_px.x < p.rect_px.x for p in band):
        return "left"
    if all(dock.rect_px.x > p.rect_px.x for p in band):
        return "right"
    return "between"


def _check_required(layout: DisplayLayout) -> None:
    assert not [d for d in layout.diagnostics if d.severity == "error"]
    for p in layout.visible_panels:
        assert layout.safe_area.contains(p.rect_px), p.panel_id
        assert min(p.rect_px.width, p.rect_px.height) >= layout.min_touch_px, p.panel_id


@pytest.mark.parametrize("profile_id", [LANDSCAPE, MULTI])
def test_dock_stays_by_the_driver_and_reading_order_mirrors(profile_id: str) -> None:
    base = bundled_profiles()[profile_id]
    mirrored_somewhere = False
    for side in ("left", "right"):
        profile = _with_side(base, side)
        by_locale = {loc: solve_profile(profile, locale=loc) for loc in ("en", "ar")}
        for display_id, en in by_locale["en"].items():
            ar = by_locale["ar"][display_id]
            assert (ar.direction, en.direction) == ("rtl", "ltr")
            assert ar.min_text_px == en.min_text_px and ar.min_touch_px == en.min_touch_px
            for layout in (en, ar):
                _check_required(layout)
                docks = [p for p in layout.visible_panels if p.kind == "dock"]
                for dock in docks:
                    band = _band(layout, dock)
                    if layout.role == "passenger":
                        # The passenger's dock is on the passenger's (outer) side.
                        outer = "right" if side == "left" else "left"
                    else:
                        outer = side
                    if outer == "left":
                        assert all(dock.rect_px.x < p.rect_px.x for p in band), display_id
                    else:
                        assert all(dock.rect_px.x > p.rect_px.x for p in band), display_id
            # The dock is where it was in English; the others swap sides.
            for p in en.visible_panels:
                if p.kind == "dock":
                    assert ar.panel(p.panel_id).rect_px == p.rect_px
            en_pairs, ar_pairs = _side_by_side(en), _side_by_side(ar)
            assert {(b, a) for a, b in en_pairs} == ar_pairs, display_id
            mirrored_somewhere |= bool(en_pairs)
    assert mirrored_somewhere


def test_rtl_and_rhd_together_put_reading_order_back() -> None:
    """Right-hand drive in Arabic: the dock on the right, the rest as in left-hand English."""
    base = bundled_profiles()[LANDSCAPE]
    lhd_en = solve_display(_with_side(base, "left"), "center", locale="en")
    rhd_ar = solve_display(_with_side(base, "right"), "center", locale="ar")
    assert _side_by_side(lhd_en) == _side_by_side(rhd_ar)
    dock = rhd_ar.panel("dock").rect_px
    assert dock.right == rhd_ar.safe_area.right


_TEMPLATE = """\
name: anchors
roles:
  center:
    panels:
      - {id: map, kind: map, essential: true}
      - {id: dock, kind: dock, dock_items: 3}
      - {id: voice, kind: voice}
      - {id: browser, kind: browser}
    arrangements:
      - layout:
          row:
            - {panel: dock, share: 0.1%(dock)s}
            - {panel: voice, share: 0.2%(voice)s}
            - {panel: map, share: 0.5}
            - {panel: browser, share: 0.2}
"""


def _order(layout: DisplayLayout) -> list[str]:
    return [p.panel_id for p in sorted(layout.visible_panels, key=lambda p: p.rect_px.x)]


def test_anchor_in_the_template_overrides_the_default() -> None:
    profile = parse_profile(_PROFILE.format(extra=""))

    def order(locale: str, dock: str = "", voice: str = "") -> list[str]:
        template = parse_template(_TEMPLATE % {"dock": dock, "voice": voice})
        return _order(solve_display(profile, "center", template, locale=locale))

    assert order("en") == ["dock", "voice", "map", "browser"]
    # By default the dock is placed for the driver and the rest follows reading order.
    assert order("ar") == ["dock", "browser", "map", "voice"]
    # A panel placed for the driver keeps its slot; a dock in reading order moves.
    assert order("ar", voice=", anchor: driver") == ["dock", "voice", "browser", "map"]
    assert order("ar", dock=", anchor: reading") == ["browser", "map", "voice", "dock"]
    assert order("en", voice=", anchor: driver") == order("en")


def test_bad_anchor_is_refused() -> None:
    with pytest.raises(ProfileError, match="anchor"):
        parse_template(_TEMPLATE % {"dock": ", anchor: left", "voice": ""})


# -- the width model ----------------------------------------------------------------------


def test_words_break_where_lines_break() -> None:
    assert words("Navigating to {place}") == ["Navigating", "to"]
    assert words("3:05\u202fPM") == ["3:05\u202fPM"]  # a no-break space holds
    assert words("경로 안내를 시작합니다") == [
        "경로",
        "안내를",
        "시작합니다",
    ]  # Korean: spaces only
    assert words("漢字です") == ["漢", "字", "で", "す"]  # CJK: between characters
    assert words("Links-Rechts") == ["Links-", "Rechts"]


def test_widths_come_from_the_noto_fonts() -> None:
    assert text_em("시작합니다") == pytest.approx(5 * 0.92)  # Noto Sans CJK KR: 920/1000 em
    assert text_em("漢字") == pytest.approx(2.0)
    assert text_em("MMMM") > text_em("iiii") * 2
    assert text_em("\u200f\u202e") == 0  # bidi controls take no room
    # Joined Arabic is narrower than its letters alone.
    assert text_em("الاستماع") < sum(text_em(ch) for ch in "الاستماع") * 0.85
    assert text_em("Sprachsteuerungseinstellungen") > 14


_FONTS = {
    "latin": ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", 0),
    "hangul": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1),  # CJK KR
    "arabic": ("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", 0),
}


@pytest.mark.parametrize(
    ("script", "samples", "low", "high"),
    [
        ("latin", ["Climate", "[Çļîɱàţé", "Scheibenenteisung", "ÖþéñŠţŕééţṀàþ"], 0.002, 0.01),
        ("hangul", ["도착했습니다", "브라우저를"], 0.002, 0.01),
        # Ligatures (lam-alef) make real Arabic narrower, contextual forms a little wider.
        ("arabic", ["التكييف", "الخريطة", "الاستماع", "المتصفح"], 0.02, 0.06),
    ],
)
def test_widths_match_the_fonts_shaped(
    script: str, samples: list[str], low: float, high: float
) -> None:
    """The table against FreeType with HarfBuzz shaping (Pillow's raqm layout)."""
    image_font = pytest.importorskip("PIL.ImageFont")
    path, index = _FONTS[script]
    if not Path(path).exists() or not image_font.core.HAVE_RAQM:
        pytest.skip("Noto fonts or Pillow's raqm layout missing")
    font = image_font.truetype(path, 1000, index=index, layout_engine=image_font.Layout.RAQM)
    for word in samples:
        real = font.getlength(word) / 1000
        assert real * (1 - low) <= text_em(word) <= real * (1 + high), word


def test_width_table_is_in_step_with_the_fonts() -> None:
    script = ROOT / "tools" / "text_widths.py"
    if not Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf").exists():
        pytest.skip("Noto fonts not installed (make setup installs them)")
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    size = (ROOT / "sdk" / "cardeck" / "layout" / "text_widths.json").stat().st_size
    assert size < 10_000


# -- text fit -------------------------------------------------------------------------------


def test_panel_texts_come_from_the_painters_catalog_entries(catalog: Path) -> None:
    de = panel_texts("de", catalog_dir=catalog)
    assert "Frontscheibenenteisung" in de.strings["climate"]
    assert "Sprache" in de.strings["dock"]  # the dock's tab labels (ui/_scene.py)
    longest = de.longest("browser")
    assert (
        longest is not None and longest.word == "Webadresse"
    )  # W is wide: wider than "Suchbegriff"
    xa = panel_texts("en-XA", catalog_dir=catalog).longest("voice")
    assert xa is not None and xa.word.startswith("[")
    en = panel_texts("en", catalog_dir=catalog)
    assert "Defrost" in en.strings["climate"]
    assert en.longest("speed") is None


_CONSOLE = """\
id: console-car
name: A narrow console
sources: [test]
displays:
  - {id: console, role: console, width_px: 1280, height_px: 480, diagonal_in: 8.4}
"""


DHU = "android-auto-dhu-1280x720-margins"


def test_a_german_compound_widens_a_panel_that_can_collapse(catalog: Path) -> None:
    """'Sprachsteuerungseinstellungen' needs more than the DHU's voice panel has in English."""
    profile = bundled_profiles()[DHU]
    texts = {loc: panel_texts(loc, catalog_dir=catalog) for loc in ("en", "de")}
    en = solve_display(profile, "center", locale="en", texts=texts["en"])
    de = solve_display(profile, "center", locale="de", texts=texts["de"])
    word = texts["de"].longest("voice")
    assert word is not None and word.word == "Sprachsteuerungseinstellungen"
    need = word.px(de.min_text_px) + 2 * engine.text_padding_px(de.min_text_px)
    assert en.panel("voice").rect_px.width < need <= de.panel("voice").rect_px.width
    assert not [d for d in de.diagnostics if d.rule == "text-fit" and d.panel_id == "voice"]
    _check_required(de)


def test_a_word_that_cannot_fit_collapses_its_panel(catalog: Path) -> None:
    texts = PanelTexts("de", {"voice": ("Donaudampfschifffahrtsgesellschaftskapitänsmütze",)})
    layout = solve_display(bundled_profiles()[DHU], "center", locale="de", texts=texts)
    voice = layout.panel("voice")
    assert not voice.visible
    (why,) = [d for d in layout.diagnostics if d.panel_id == "voice"]
    assert why.rule == "text-fit"
    assert "longest word 'Donaudampfschifffahrtsgesellschaftskapitänsmütze' (de)" in why.message


def test_the_dock_widens_for_its_labels_up_to_its_maximum(catalog: Path) -> None:
    """The DHU's 76 dp rail cannot show "Sprache" whole; the dock widens (the map pays)."""
    profile = bundled_profiles()[DHU]
    bare = solve_display(profile, "center", locale="de", texts=PanelTexts("de", {}))
    de = solve_display(profile, "center", locale="de", texts=panel_texts("de", catalog_dir=catalog))
    word = panel_texts("de", catalog_dir=catalog).longest("dock")
    assert word is not None and word.word == "Sprache"
    edge = math.ceil(engine.DOCK_LABEL_EDGE_DP * de.density_dpi / 160)
    need = word.px(de.min_text_px) + 2 * edge
    assert bare.panel("dock").rect_px.width < need <= de.panel("dock").rect_px.width
    assert de.panel("map").rect_px.width < bare.panel("map").rect_px.width
    assert not [d for d in de.diagnostics if d.rule == "text-fit"]
    _check_required(de)


def test_a_label_wider_than_the_dock_may_be_is_reported() -> None:
    """The dock stops at its maximum (112 dp); past that the label is cut, with a warning."""
    texts = PanelTexts("de", {"dock": ("Klimatisierungseinstellungen",)})
    layout = solve_display(bundled_profiles()[DHU], "center", locale="de", texts=texts)
    dock = layout.panel("dock").rect_px
    assert dock.width == 112  # its max_width_dp at 160 dpi
    word = texts.longest("dock")
    assert word is not None
    need, have = word.px(layout.min_text_px), dock.width - 2 * 4
    (fit,) = [d for d in layout.diagnostics if d.rule == "text-fit"]
    assert (fit.severity, fit.panel_id) == ("warning", "dock")
    assert fit.message == (
        f"In de, dock shows the word 'Klimatisierungseinstellungen' (in "
        f"'Klimatisierungseinstellungen'), which needs {need} px at the 24 px minimum text "
        f"size but has {have} px, so it is cut with an ellipsis; give the panel more width "
        "in the template (min_width_dp, max_width_dp) or shorten the translation."
    )


def test_an_essential_panel_is_never_made_infeasible_by_a_word() -> None:
    texts = PanelTexts("de", {"map": ("Kartendarstellungsaktualisierungsbenachrichtigung" * 3,)})
    layout = solve_display(bundled_profiles()[DHU], "center", locale="de", texts=texts)
    assert layout.panel("map").visible
    assert [d.panel_id for d in layout.diagnostics if d.rule == "text-fit"] == ["map"]


def test_word_minimum_makes_no_bundled_profile_infeasible(catalog: Path) -> None:
    """The measurement behind TEXT_FIT_REQUIRED: no profile fails or loses a panel to a word."""
    assert engine.TEXT_FIT_REQUIRED
    widened = 0
    for locale in SUPPORTED_LOCALES:
        texts = panel_texts(locale, catalog_dir=catalog)
        for profile in bundled_profiles().values():
            plain = solve_profile(profile, locale=locale, texts=PanelTexts(locale, {}))
            for display_id, layout in solve_profile(profile, locale=locale, texts=texts).items():
                _check_required(layout)
                assert [p.panel_id for p in layout.visible_panels] == [
                    p.panel_id for p in plain[display_id].visible_panels
                ]
                widened += layout.panels != plain[display_id].panels
                assert not [d for d in layout.diagnostics if d.rule == "text-fit"]
    assert widened > 0  # German widens the voice panel of some screens


# -- every bundled profile in every locale ----------------------------------------------------


@pytest.mark.parametrize("locale", [*ISSUE_LOCALES, "ar-XB"])
def test_every_bundled_profile_holds_the_required_rules(locale: str) -> None:
    for profile in bundled_profiles().values():
        for layout in solve_profile(profile, locale=locale).values():
            assert layout.locale == locale
            _check_required(layout)


@pytest.mark.parametrize("source", ["shipped", "fixture"])
def test_en_xa_cuts_no_word_in_any_bundled_profile(source: str, catalog: Path) -> None:
    texts = panel_texts("en-XA", catalog_dir=None if source == "shipped" else catalog)
    cut = [
        (profile.id, layout.display_id, d.panel_id)
        for profile in bundled_profiles().values()
        for layout in solve_profile(profile, locale="en-XA", texts=texts).values()
        for d in layout.diagnostics
        if d.rule == "text-fit"
    ]
    assert cut == []


def test_right_to_left_over_swept_shapes_keeps_panels_and_the_dock_side() -> None:
    """300 real display shapes of every role: Arabic shows what English shows, dock unmoved."""
    from cardeck.layout import sweep_profiles

    compared = 0
    for profile in sweep_profiles(300, seed=7):
        try:
            en = solve_display(profile, "display", locale="en")
        except ProfileError:
            continue
        ar = solve_display(profile, "display", locale="ar")
        # Some shapes are below the Automotive CDD in any locale: the same errors.
        errors = [(d.rule, d.message) for d in ar.diagnostics if d.severity == "error"]
        assert errors == [(d.rule, d.message) for d in en.diagnostics if d.severity == "error"]
        for p in ar.visible_panels:
            assert ar.safe_area.contains(p.rect_px), profile.name
        assert [p.visible for p in ar.panels] == [p.visible for p in en.panels], profile.name
        for p in en.visible_panels:
            if p.kind == "dock":
                # The same side of its band (its width follows its labels' words).
                assert _dock_side(ar, ar.panel(p.panel_id)) == _dock_side(en, p), profile.name
        compared += 1
    assert compared > 250


@settings(PROPERTY, max_examples=300)
@given(displays(), st.sampled_from(["ar", "de", "en-XA", "ar-XB"]), st.floats(1.0, 1.6))
def test_any_display_in_any_locale_obeys_the_required_rules(
    catalog: Path, display: Display, locale: str, grow: float
) -> None:
    """Random shapes, both drive sides, the test catalog's words: rules hold, resizes agree."""
    texts = panel_texts(locale, catalog_dir=catalog)
    profile = _profile(display)
    solver = LayoutSolver(profile, "d", TEMPLATE, locale=locale, texts=texts)
    try:
        layout = solver.solve()
    except ProfileError as exc:
        assert "internal check failed" not in str(exc)
        assert "(rule: " in str(exc)
        return
    assert_required_rules(display, layout)
    assert layout.direction == ("rtl" if locale.startswith("ar") else "ltr")
    width = min(MAX_PX, round(display.width_px * grow))
    try:
        warm = solver.resize(width, display.height_px)
    except ProfileError:
        return
    cold = LayoutSolver(
        _sized(profile, "d", width, display.height_px), "d", TEMPLATE, locale=locale, texts=texts
    ).solve()
    assert warm == cold


def test_the_guide_table_of_painters_matches_the_engine() -> None:
    from cardeck.layout._textfit import PAINTER_KINDS

    guide = (ROOT / "docs" / "guides" / "layouts.md").read_text(encoding="utf-8")
    table = guide.split("| painter (`simulator/cardeck_sim/ui/…`) | panel kind |", 1)[1]
    documented: dict[str, str] = {}
    for line in table.split("\n\n", 1)[0].splitlines():
        cells = line.strip("|").split("|")
        if len(cells) != 2 or not cells[0].strip().startswith("`"):
            continue
        for path in re.findall(r"`([^`]+\.py)`", cells[0]):
            documented[f"simulator/cardeck_sim/ui/{path}"] = cells[1].strip(" `")
    assert documented == {path: kinds[0] for path, kinds in PAINTER_KINDS.items()}
