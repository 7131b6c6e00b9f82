"""Every string the UI paints comes from the ``ui`` catalog, fits in every locale, mirrors RTL.

Issue 20, items 2, 4 and 5. The pseudo-locale ``en-XA`` accents every letter of a
catalog message and of a formatted number or unit, so in an ``en-XA`` render a
run of plain ASCII letters is either data (a street, a page title, a marker, what
the driver said — collected here from the inputs the test sets up) or a string a
painter wrote without the catalog. An AST check over the painters catches the
plainest regression without rendering. Then every bundled profile is painted in
``en``, ``ko``, ``de``, ``ar`` and ``en-XA``: no text leaves its box. Right to left
(``ar-XB``, Latin text, and ``ar``) labels are right-aligned and reading-order rows
are mirrored, while maneuver arrows and the map stay as they are.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import functools
import math
import re
from pathlib import Path

import pytest

from cardeck.i18n import normalize_locale, translator
from cardeck.layout import bundled_profiles, load_profile, solve_profile
from cardeck_sim.maps import GuidanceSimulator, MapData
from cardeck_sim.state import Gear, StateStore, VoiceConfirmation
from cardeck_sim.ui import DEMO_CLOCK, demo_store
from cardeck_sim.ui.theme import missing_glyphs

from .test_ui_roles import CONSOLE_YAML
from .test_ui_text_fit import assert_fits

PAINTERS = Path(__file__).resolve().parents[3] / "simulator/cardeck_sim/ui/painters"
LOCALES = ("en", "ko", "de", "ar", "en-XA")
#: Profiles whose panels, together, are every panel kind the painters draw
#: (cluster, HUD, passenger and console screens, portrait and landscape centres).
PSEUDO_PROFILES = (
    "concept-ribbon-33in",
    "hyundai-kia-ccnc",
    "polestar-2",
    "renault-grand-koleos-2025",
    "tesla-model-s-2021",
    "android-automotive-1080x600-ldpi",
)
#: Symbols, the same in every locale: the shifter's letters and the brand in the credit.
SYMBOLS = ("P R N D", "OpenStreetMap")
_LETTERS = re.compile(r"[A-Za-z]+")


# -- scenes: every state a panel has a wording for ------------------------------------


def _guiding(store: StateStore, map_data: MapData) -> None:
    route = store.map.route
    assert route is not None
    sim = GuidanceSimulator(route, map_data=map_data)
    for _ in range(4):
        store.set_map(guidance=sim.step(0.5))
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)
    store.set_voice(activity="listening", transcript="", intent_id="", slots=(), spoken_text="")


def _arrived(store: StateStore, map_data: MapData) -> None:
    route = store.map.route
    assert route is not None
    sim = GuidanceSimulator(route, map_data=map_data)
    update = sim.step(0.5)
    store.set_map(guidance=dataclasses.replace(update, arrived=True))
    store.set_voice(activity="idle", transcript="", intent_id="", slots=(), spoken_text="")


def _question(store: StateStore, map_data: MapData) -> None:
    prompt = "Open the sunroof?"
    store.set_voice(
        activity="confirming",
        spoken_text=prompt,
        confirmation=VoiceConfirmation("confirm-1", prompt, "oem#1/sunroof", (), 8.0),
    )
    store.set_map(route=None)
    store.set_browser(
        dataclasses.replace(store.browser, available=False, unavailable_reason="Chromium is off")
    )


def _working(store: StateStore, map_data: MapData) -> None:
    store.set_voice(activity="processing")
    store.set_browser(dataclasses.replace(store.browser, state=None, frame=None))


SCENES = {
    "demo": lambda store, map_data: None,
    "guiding": _guiding,
    "arrived": _arrived,
    "question": _question,
    "working": _working,
}


def _data_words(store: StateStore, map_data: MapData, profile_id: str) -> set[str]:
    """Every ASCII letter run of the data the scene shows (not the UI's own words)."""
    # The map paints its streets' names (no place names): none is a UI word.
    texts: list[str] = [*SYMBOLS, *map_data.way_name]
    profile = bundled_profiles().get(profile_id)
    if profile is not None:
        texts += [profile.name, profile.id]
    m = store.map
    for marker in m.markers:
        texts += [marker.marker_id, marker.style.glyph, marker.style.label]
    # A maneuver shows its street, or the maps engine's instruction when it has none.
    maneuvers = list(m.route.maneuvers) if m.route is not None else []
    if m.guidance is not None and m.guidance.next_maneuver is not None:
        maneuvers.append(m.guidance.next_maneuver)
    texts += [x.street_name or x.instruction for x in maneuvers]
    v = store.voice
    texts += [v.transcript, v.spoken_text, v.intent_id, *(f"{k} {x}" for k, x in v.slots)]
    if v.confirmation is not None:
        texts.append(v.confirmation.prompt)
    b = store.browser
    texts.append(b.unavailable_reason)
    if b.state is not None:
        texts += [b.state.url, b.state.title]
    return {w for t in texts if t for w in _LETTERS.findall(str(t))}


def _paint_display(display, layout, store, map_data, *, focus: str = ""):
    """Paint a display for real; return its image and what its painters recorded."""
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo

    if focus:
        store.set_focus(display.id, focus, 0)
    painter = DisplayPainter(display, layout, map_data=map_data, clock=DEMO_CLOCK)
    painter.ctx.painted = []
    fbo = painter.make_fbo()
    painter.update(store)
    return read_fbo(fbo), painter.ctx.painted


@functools.cache
def _solved(profile_id: str, locale: str):
    """A bundled profile's layouts for a locale (mirrored right to left, its text fit)."""
    return solve_profile(bundled_profiles()[profile_id], locale=locale)


def layouts_for(profile_id: str, locale: str):
    return _solved(profile_id, normalize_locale(locale))


def _paint(catalog, store, map_data, profile_id, display_id, *, focus: str = ""):
    display = next(d for d in catalog.get(profile_id).displays if d.id == display_id)
    layout = layouts_for(profile_id, store.locale)[display_id]
    image, painted = _paint_display(display, layout, store, map_data, focus=focus)
    return image, painted, layout


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The climate console of test_ui_roles (no bundled profile has one): (profile, layouts)."""
    path = Path(tmp_path_factory.mktemp("profiles")) / "roles-demo.yaml"
    path.write_text(CONSOLE_YAML)
    profile = load_profile(path)
    return profile, solve_profile(profile)


# -- item 2: no hard-coded string --------------------------------------------------------


def _assert_translated(painted, allowed: set[str], where: str) -> None:
    for p in painted:
        if p.icon:
            continue
        stray = [w for w in _LETTERS.findall(p.text) if w not in allowed]
        assert not stray, f"{where}: {p.text!r} has untranslated words {stray}"


@pytest.mark.parametrize("profile_id", PSEUDO_PROFILES)
def test_in_en_xa_every_painted_word_is_translated_or_data(window, catalog, map_data, profile_id):
    """Each panel kind in each state, collapsed panels opened: no plain English left over."""
    for scene, apply in SCENES.items():
        store = demo_store(map_data, profile_id, locale="en-XA")
        apply(store, map_data)
        allowed = _data_words(store, map_data, profile_id)
        for display_id, layout in layouts_for(profile_id, "en-XA").items():
            allowed |= {w for p in layout.panels for w in _LETTERS.findall(p.panel_id)}
            collapsed = [p.panel_id for p in layout.panels if not p.visible and p.kind != "dock"]
            for focus in ["", *collapsed]:
                _, painted, _ = _paint(
                    catalog, store, map_data, profile_id, display_id, focus=focus
                )
                where = f"{profile_id}/{display_id} ({scene}, focus {focus or '-'})"
                _assert_translated(painted, allowed, where)


def test_in_en_xa_the_climate_console_is_translated(window, map_data, console):
    profile, layouts = console
    store = demo_store(map_data, profile.id, locale="en-XA")
    allowed = _data_words(store, map_data, "")
    display = next(d for d in profile.displays if d.role == "console")
    _, painted = _paint_display(display, layouts[display.id], store, map_data)
    assert any(p.text.startswith("[Àß") or "/" in p.text for p in painted if not p.icon)
    _assert_translated(painted, allowed, "console")


def test_the_data_words_mask_no_word_of_the_catalog(map_data):
    """The check is only as strong as the data is foreign: no UI word hides among it."""
    from babel.messages.pofile import read_po

    from cardeck.i18n import CATALOG_DIR

    with (CATALOG_DIR / "ui.pot").open("rb") as fh:
        ui = {w for m in read_po(fh) if m.id for w in _LETTERS.findall(str(m.id))}
    for scene, apply in SCENES.items():
        store = demo_store(map_data, "hyundai-kia-ccnc", locale="en-XA")
        apply(store, map_data)
        masked = ui & _data_words(store, map_data, "hyundai-kia-ccnc")
        # The demo's own English data (what the driver said) may share a word or two.
        shared = {"Market", "Square", "to", "the", "route", "Open", "web", "C", "OpenStreetMap"}
        assert masked <= shared, (scene, masked)


def test_en_xa_covers_every_panel_kind_with_a_painter(catalog, console):
    from cardeck_sim.ui.painters.registry import PAINTERS as REGISTRY

    layouts = [lay for pid in PSEUDO_PROFILES for lay in catalog.layouts(pid).values()]
    layouts += list(console[1].values())
    kinds = {p.kind for lay in layouts for p in lay.panels}
    assert set(REGISTRY) <= kinds, sorted(set(REGISTRY) - kinds)


def _text_args(call: ast.Call) -> list[ast.expr]:
    """The text argument of a ``ctx.label(g, text, …)`` or ``ctx.place(text, …)`` call."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    index = {"label": 1, "place": 0}.get(name)
    if index is None:
        return []
    found = [k.value for k in call.keywords if k.arg == "text"]
    if len(call.args) > index:
        found.append(call.args[index])
    return found


def _literal_letters(node: ast.expr) -> str:
    """Letters a text argument writes as a literal (a string, an f-string's text, a tuple)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "".join(_LETTERS.findall(node.value))
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_letters(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.Tuple | ast.List):
        return "".join(_literal_letters(e) for e in node.elts)
    return ""


def test_no_painter_passes_a_literal_word_as_a_label():
    """Fast regression check: ``ctx.label(g, "Fan", …)`` bypasses the catalog."""
    offenders = []
    for path in sorted(PAINTERS.glob("*.py")):
        if path.name == "text.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            is_ctx = (isinstance(receiver, ast.Name) and receiver.id == "ctx") or (
                isinstance(receiver, ast.Attribute) and receiver.attr == "ctx"
            )
            if not is_ctx:
                continue
            for arg in _text_args(node):
                if _literal_letters(arg):
                    offenders.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)}")
    assert not offenders, "literal words painted without the catalog:\n" + "\n".join(offenders)


def test_no_message_is_built_at_run_time():
    """``tr.gettext(f"…")`` finds no catalog entry (and extraction skips it): messages are
    literals or N_ constants, their data in placeholders."""
    offenders = []
    ui = PAINTERS.parent
    for path in sorted(ui.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            name = name or (node.func.id if isinstance(node.func, ast.Name) else "")
            if name in ("gettext", "ngettext", "pgettext", "N_") and isinstance(
                node.args[0], ast.JoinedStr | ast.BinOp
            ):
                offenders.append(f"{path.relative_to(ui)}:{node.lineno}: {ast.unparse(node)}")
    assert not offenders, "messages built at run time:\n" + "\n".join(offenders)


def test_the_ast_check_catches_a_literal_label():
    tree = ast.parse('ctx.label(g, "Fan", box, 12, c)\nself.ctx.place(f"{n} km", box, 12)')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [_literal_letters(a) for c in calls for a in _text_args(c)] == ["Fan", "km"]


# -- item 5: every bundled profile in every locale -------------------------------------------

SWEEP = [(pid, loc) for pid in sorted(bundled_profiles()) for loc in LOCALES]


@pytest.mark.parametrize(("profile_id", "locale"), SWEEP, ids=[f"{p}-{loc}" for p, loc in SWEEP])
def test_every_bundled_profile_fits_its_text_in_every_locale(
    window, catalog, map_data, profile_id, locale
):
    store = demo_store(map_data, profile_id, locale=locale)
    _guiding(store, map_data)
    store.set_voice(activity="idle", transcript=store.voice.transcript or "")
    for display_id, layout in layouts_for(profile_id, locale).items():
        _, painted, _ = _paint(catalog, store, map_data, profile_id, display_id)
        where = f"{profile_id}/{display_id} in {locale}"
        assert_fits(painted, layout, where)
        texts = [p.text for p in painted if not p.icon]
        assert texts, where
        for text in texts:
            assert not missing_glyphs(text), f"{where}: {text!r} misses {missing_glyphs(text)}"


# -- item 4: right to left -------------------------------------------------------------------


def _in_panel(painted, layout, kind):
    """What was drawn in the first visible panel of a kind, and that panel's rect."""
    r = next(p for p in layout.panels if p.kind == kind and p.visible).rect_px
    top = layout.height_px - r.y - r.height
    inside = [
        p for p in painted if r.x <= p.pos[0] <= r.x + r.width and top <= p.pos[1] <= top + r.height
    ]
    return inside, r


@pytest.mark.parametrize("locale", ["ar-XB", "ar"])
def test_right_to_left_mirrors_reading_rows_but_not_maneuvers_or_the_map(
    window, catalog, map_data, locale
):
    """Each locale in its own layout (the engine mirrors panels; the dock keeps its side)."""
    pid = "hyundai-kia-ccnc"
    _, ltr, ltr_layout = _paint(catalog, demo_store(map_data, pid), map_data, pid, "center")
    rtl_store = demo_store(map_data, pid, locale=locale)
    _, rtl, rtl_layout = _paint(catalog, rtl_store, map_data, pid, "center")

    # Status bar: the clock at the left end left to right, at the right end right to left.
    ltr_bar, bar = _in_panel(ltr, ltr_layout, "status_bar")
    rtl_bar, rbar = _in_panel(rtl, rtl_layout, "status_bar")
    clock = translator(locale).clock(DEMO_CLOCK(), hour12=False)
    ltr_clock = next(p for p in ltr_bar if p.text == "12:34")
    rtl_clock = next(p for p in rtl_bar if p.text == clock)
    assert ltr_clock.pos[0] < bar.x + bar.width / 4
    assert rtl_clock.pos[0] + rtl_clock.size[0] > rbar.x + rbar.width * 3 / 4
    # The connectivity icons swap ends with it.
    ltr_wifi = next(p for p in ltr_bar if p.icon == "wifi")
    rtl_wifi = next(p for p in rtl_bar if p.icon == "wifi")
    assert ltr_wifi.pos[0] > bar.x + bar.width / 2 and rtl_wifi.pos[0] < rbar.x + rbar.width / 2
    # Texts in reading order are right-aligned: their right edge at their box's.
    voice_rtl, voice = _in_panel(rtl, rtl_layout, "voice")
    texts = [p for p in voice_rtl if not p.icon]
    assert texts and all(p.halign in ("right", "center") for p in texts)
    for p in texts:
        if p.halign == "right":
            assert abs((p.pos[0] + p.size[0]) - (p.rect[0] + p.rect[2])) <= 1, p

    # The orb (its icon) on the right of the voice panel; on the left left to right.
    def orb(painted):
        return next(p for p in painted if p.icon in ("mic", "graphic_eq"))

    voice_ltr, lvoice = _in_panel(ltr, ltr_layout, "voice")
    assert orb(voice_ltr).pos[0] < lvoice.x + lvoice.width / 2
    assert orb(voice_rtl).pos[0] > voice.x + voice.width / 2
    # The browser's back button at its right end, its arrow pointing right: from the
    # left, forward (pointing left), then back (pointing right).
    browser_rtl, browser = _in_panel(rtl, rtl_layout, "browser")
    arrows = sorted(
        (p for p in browser_rtl if p.icon in ("arrow_back", "arrow_forward")),
        key=lambda p: p.pos[0],
    )
    assert [p.icon for p in arrows] == ["arrow_back", "arrow_forward"]
    assert arrows[-1].pos[0] > browser.x + browser.width / 2
    # Geography stays: the same maneuver icon; the map is not mirrored (its street
    # names, where the map panel keeps its size, in the same places on it).
    ltr_map, lmap = _in_panel(ltr, ltr_layout, "map")
    rtl_map, rmap = _in_panel(rtl, rtl_layout, "map")

    def maneuver(painted):
        return [p.icon for p in painted if p.icon.startswith("turn") or p.icon == "straight"]

    assert maneuver(ltr_map) == maneuver(rtl_map) and maneuver(ltr_map)

    def streets(painted, r):
        top = ltr_layout.height_px - r.y - r.height
        # Centred on their road (the card's street is not), relative to the map panel;
        # by centre, as an Arabic line box is taller than a Latin one.
        return {
            p.text: (p.pos[0] + p.size[0] / 2 - r.x, p.pos[1] + p.size[1] / 2 - top)
            for p in painted
            if p.text in map_data.way_name and p.halign == "center"
        }

    if (lmap.width, lmap.height) == (rmap.width, rmap.height):
        left, right = streets(ltr_map, lmap), streets(rtl_map, rmap)
        both = set(left) & set(right)
        assert both, (left, right)
        for name in both:
            assert math.dist(left[name], right[name]) <= 1.5, (name, left[name], right[name])


@pytest.mark.parametrize("locale", ["ar-XB", "ar"])
def test_right_to_left_taps_hit_the_mirrored_controls(catalog, map_data, locale):
    from cardeck_sim.ui import tap_async, voice_answer_buttons
    from cardeck_sim.ui._scene import browser_toolbar

    pid = "hyundai-kia-ccnc"
    layout = catalog.layouts(pid)["center"]
    browser = next(p for p in layout.panels if p.kind == "browser" and p.visible)
    ltr = dict(browser_toolbar(browser, layout))
    rtl = dict(browser_toolbar(browser, layout, rtl=True))
    r = browser.rect_px
    assert rtl["back"].x + rtl["back"].width == pytest.approx(r.x + r.width)
    assert ltr["back"].x == pytest.approx(r.x)
    voice = next(p for p in layout.panels if p.kind == "voice" and p.visible)
    yes_ltr, no_ltr = voice_answer_buttons(voice, layout)
    yes_rtl, no_rtl = voice_answer_buttons(voice, layout, rtl=True)
    assert yes_ltr[1].x < no_ltr[1].x and yes_rtl[1].x > no_rtl[1].x
    # A tap where the mirrored Yes is drawn answers yes.
    store = demo_store(map_data, pid, locale=locale)
    _question(store, map_data)
    asked: list[bool] = []

    async def answer(confirmed: bool) -> None:
        asked.append(confirmed)

    async def tap_yes() -> str:
        rect = yes_rtl[1]
        x, y = rect.x + rect.width / 2, rect.y + rect.height / 2
        panel_id, _ = await tap_async(store, catalog, "center", x, y, on_voice_answer=answer)
        return panel_id

    assert asyncio.run(tap_yes()) == voice.panel_id
    assert asked == [True]


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
def test_a_locale_switch_repaints_every_panel_in_the_new_language(
    window, catalog, map_data, incremental
):
    from cardeck_sim.ui import DisplayPainter

    pid = "hyundai-kia-ccnc"
    display = next(d for d in catalog.get(pid).displays if d.id == "center")
    layout = catalog.layouts(pid)["center"]
    store = demo_store(map_data, pid)
    painter = DisplayPainter(
        display, layout, map_data=map_data, clock=DEMO_CLOCK, incremental=incremental
    )
    painter.ctx.painted = []
    painter.make_fbo()
    assert painter.update(store)
    painter.update(store)  # incremental: empties the groups whose pixels stay
    assert not painter.update(store)  # nothing changed: nothing repainted
    english = {p.text for p in painter.ctx.painted if not p.icon}
    assert "Map" in english
    painter.ctx.painted = []
    store.set_locale("de")
    assert painter.update(store)
    german = {p.text for p in painter.ctx.painted if not p.icon}
    assert {"Karte", "Sprache", "Geparkt · P"} <= german
    # Every panel painted again (the map's credit too), none in English.
    assert "© OpenStreetMap-Mitwirkende" in german
    assert not german & {"Map", "Voice", "Web", "Parked · P"}


def test_the_guide_table_of_messages_matches_the_catalogs():
    """docs/guides/ui-locales.md shows some messages in each locale: as the catalogs have them."""
    guide = Path(__file__).resolve().parents[3] / "docs/guides/ui-locales.md"
    text = guide.read_text(encoding="utf-8")
    table = text.split("| English | ko | de | ar |")[1].split("\n\n")[0]
    rows = [r.strip("|").split("|") for r in table.strip().splitlines()[1:]]
    assert len(rows) >= 5
    for english, *wanted in ([c.strip() for c in r] for r in rows):
        for tag, shown in zip(("ko", "de", "ar"), wanted, strict=True):
            assert translator(tag).gettext(english) == shown, (english, tag)


def test_the_en_xa_check_catches_a_string_outside_the_catalog(
    window, catalog, map_data, monkeypatch
):
    from cardeck_sim.ui.painters import browser

    pid = "hyundai-kia-ccnc"
    store = demo_store(map_data, pid, locale="en-XA")
    _working(store, map_data)  # the browser has no page: "No page open"
    allowed = _data_words(store, map_data, pid)
    _, painted, _ = _paint(catalog, store, map_data, pid, "center")
    _assert_translated(painted, allowed, "as shipped")
    monkeypatch.setattr(browser, "_NO_PAGE", "Nothing to show")  # not a catalog message
    _, painted, _ = _paint(catalog, store, map_data, pid, "center")
    with pytest.raises(AssertionError, match="Nothing"):
        _assert_translated(painted, allowed, "with a stray string")
