"""Text is never clipped: every string a painter paints is measured against the box it is in.

Issue 16, item 3. Each display is painted for real (Kivy offscreen, an Fbo read
back) with ``PaintContext.painted`` recording every text drawn: the texture the
text provider made for it must lie inside the box it was fitted to, at no less
than the display's ``min_text_px``, and a number is never cut.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from cardeck import ProfileError
from cardeck.layout import (
    Display,
    DisplayLayout,
    Rect,
    VehicleProfile,
    bundled_profiles,
    solve_display,
)
from cardeck_sim.maps import GuidanceSimulator, MapData
from cardeck_sim.state import DayNight, Gear, StateStore, VoiceConfirmation
from cardeck_sim.ui import DEMO_CLOCK, demo_store

ELLIPSIS = "\u2026"

LONG_STREET = "Pohjoisesplanadin ja Eteläesplanadin välinen kävelykatu"
LONG_TITLE = "Charging stations along your route, with live availability and prices"
LONG_TRANSCRIPT = "navigate to the charging station on the far side of the market square please"


def _profile(display: Display) -> VehicleProfile:
    return VehicleProfile(
        id="text-fit",
        name="Text fit",
        sources=("issue 16",),
        driver_side="left",
        displays=(display,),
    )


def _smallest_passing(role: str, aspect: float) -> Display:
    """The smallest display of a role and aspect whose layout shows every panel."""
    smallest = None
    for width in range(2000, 100, -20):
        display = Display(
            id="d", role=role, width_px=width, height_px=round(width / aspect), dpi=160
        )
        try:
            layout = solve_display(_profile(display), "d")
        except ProfileError:
            break
        if not all(p.visible for p in layout.panels):
            break
        smallest = display
    assert smallest is not None, f"no {role} display passes at all"
    return smallest


# The hard shapes, beside every bundled display.
SHAPES = {
    "portrait-320x1280": lambda: Display(
        id="d", role="center", width_px=320, height_px=1280, dpi=160
    ),
    "1920x1080-at-480dpi": lambda: Display(
        id="d", role="center", width_px=1920, height_px=1080, dpi=480
    ),
    "ribbon-6.5-to-1": lambda: Display(
        id="d", role="center", width_px=3250, height_px=500, dpi=160
    ),
    "smallest-cluster": lambda: _smallest_passing("cluster", 2.5),
    "smallest-hud": lambda: _smallest_passing("hud", 3.0),
}

BUNDLED = [
    (pid, d.id) for pid, profile in sorted(bundled_profiles().items()) for d in profile.displays
]


def _long_texts(store: StateStore) -> None:
    """Drive at 120 km/h at night, with a long street, page title and transcript."""
    route = store.map.route
    assert route is not None
    maneuvers = list(route.maneuvers)
    maneuvers[1] = dataclasses.replace(maneuvers[1], street_name=LONG_STREET)
    store.set_map(route=dataclasses.replace(route, maneuvers=tuple(maneuvers)))
    browser = store.browser
    assert browser.state is not None
    store.set_browser(
        dataclasses.replace(browser, state=dataclasses.replace(browser.state, title=LONG_TITLE))
    )
    store.set_voice(transcript=LONG_TRANSCRIPT)
    store.update_vehicle(speed_kmh=120, gear=Gear.DRIVE, day_night=DayNight.NIGHT)


def _guiding(store: StateStore, map_data: MapData) -> None:
    """Follow the route for a while: the distance, the street and the ETA summary."""
    route = store.map.route
    assert route is not None
    sim = GuidanceSimulator(route, map_data=map_data)
    for _ in range(4):
        store.set_map(guidance=sim.step(0.5))
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)


def _confirming(store: StateStore, map_data: MapData) -> None:
    """A long question waiting for its yes or no, over the Yes and No buttons."""
    prompt = "Set the driver's seat heating to level three and the passenger's to level two?"
    store.set_voice(
        activity="confirming",
        spoken_text=prompt,
        confirmation=VoiceConfirmation("confirm-1", prompt, "oem#1/seat_heat", (), 8.0),
    )


SCENES = {"demo": lambda store, map_data: None, "long": lambda s, m: _long_texts(s)}
SCENES["guiding"] = _guiding
SCENES["confirming"] = _confirming


def _painted(display: Display, layout: DisplayLayout, store: StateStore, map_data: MapData):
    """Paint a display for real and return what its painters recorded."""
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo

    painter = DisplayPainter(display, layout, map_data=map_data, clock=DEMO_CLOCK)
    painter.ctx.painted = []
    fbo = painter.make_fbo()
    painter.update(store)
    image = read_fbo(fbo)
    assert image.size == (display.width_px, display.height_px)
    return painter.ctx.painted


def _numbers(text: str) -> list[str]:
    """The words of a text that hold a digit, without quotes or trailing punctuation."""
    words = (t.strip("“”\"'(),;") for t in text.replace("\n", " ").split())
    return [t for t in words if re.search(r"\d", t)]


def assert_fits(painted, layout: DisplayLayout, where: str) -> None:
    """Every recorded text lies in its box, at the display's floor, numbers whole."""
    assert painted, f"{where}: nothing was painted"
    for p in painted:
        x, y, w, h = p.rect
        tw, th = p.size
        say = f"{where}: {p.text!r} ({p.font_px} px, {tw}×{th}) in {w:.0f}×{h:.0f}"
        # The texture Kivy made is inside the box (rounding its position costs ≤ 1 px).
        assert tw <= math.floor(w) and th <= math.floor(h), say
        assert x - 1 <= p.pos[0] and p.pos[0] + tw <= x + w + 1, say
        assert y - 1 <= p.pos[1] and p.pos[1] + th <= y + h + 1, say
        if not p.glyph:
            assert p.font_px >= layout.min_text_px, say
        # A number is never cut: shown whole, as written, or not at all.
        source_numbers = _numbers(p.source)
        for number in _numbers(p.text):
            assert not number.endswith(ELLIPSIS), say
            assert number in source_numbers, say
        # On the display.
        assert p.pos[0] >= 0 and p.pos[0] + tw <= layout.width_px, say
        assert p.pos[1] >= 0 and p.pos[1] + th <= layout.height_px, say
    # No text covers another (a summary over a street, a marker label under the card).
    boxes = [(p.text, *p.pos, *p.size) for p in painted]
    for i, (a, ax, ay, aw, ah) in enumerate(boxes):
        for b, bx, by, bw, bh in boxes[i + 1 :]:
            overlap = min(ax + aw, bx + bw) - max(ax, bx), min(ay + ah, by + bh) - max(ay, by)
            assert min(overlap) <= 1, f"{where}: {a!r} and {b!r} overlap"


@pytest.mark.parametrize("scene", sorted(SCENES))
@pytest.mark.parametrize(
    ("profile_id", "display_id"), BUNDLED, ids=[f"{p}-{d}" for p, d in BUNDLED]
)
def test_every_bundled_display_paints_its_text_inside_its_boxes(
    window, catalog, map_data, profile_id, display_id, scene
):
    store = demo_store(map_data, profile_id)
    SCENES[scene](store, map_data)
    display = next(d for d in catalog.get(profile_id).displays if d.id == display_id)
    layout = catalog.layouts(profile_id)[display_id]
    assert_fits(_painted(display, layout, store, map_data), layout, f"{profile_id}/{display_id}")


@pytest.mark.parametrize("scene", sorted(SCENES))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_hard_shapes_paint_their_text_inside_its_boxes(window, map_data, shape, scene):
    display = SHAPES[shape]()
    layout = solve_display(_profile(display), "d")
    store = demo_store(map_data, "")
    SCENES[scene](store, map_data)
    painted = _painted(display, layout, store, map_data)
    assert_fits(painted, layout, shape)
    texts = [p.text for p in painted]
    # The next maneuver's distance is always shown, whole.
    assert any(re.fullmatch(r"\d+ m|\d+\.\d km", t) for t in texts), texts


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_collapsed_panels_opened_on_the_stage_paint_their_text_inside_it(window, map_data, shape):
    """A collapsed panel (voice, browser…) opened from the menu or the view key, on the stage."""
    display = SHAPES[shape]()
    layout = solve_display(_profile(display), "d")
    store = demo_store(map_data, "")
    _long_texts(store)
    collapsed = [p.panel_id for p in layout.panels if not p.visible and p.kind != "dock"]
    for panel_id in collapsed:
        store.set_focus("d", panel_id, 0)
        painted = _painted(display, layout, store, map_data)
        assert_fits(painted, layout, f"{shape} with {panel_id} opened")


def test_the_guidance_distance_is_never_cut_however_narrow_the_card(window, map_data):
    """A guidance card from wide to too narrow: "120 m" is whole until it cannot fit at all."""
    display = Display(id="d", role="cluster", width_px=1280, height_px=480, dpi=160)
    layout = solve_display(_profile(display), "d")
    card = layout.panel("guidance_card")
    store = demo_store(map_data, "")
    shown = []
    for width in range(480, 40, -40):
        narrow = dataclasses.replace(
            card, rect_px=Rect(card.rect_px.x, card.rect_px.y, width, card.rect_px.height)
        )
        panels = tuple(narrow if p.panel_id == card.panel_id else p for p in layout.panels)
        resized = dataclasses.replace(layout, panels=panels)
        painted = _painted(display, resized, store, map_data)
        assert_fits(painted, resized, f"card {width} px wide")
        distances = [p.text for p in painted if p.source == "120 m"]
        assert distances in ([], ["120 m"]), distances
        shown.append(bool(distances))
    # Shown on every card wide enough for it at the floor size, then never again.
    assert shown == sorted(shown, reverse=True), shown
    assert shown.count(True) >= 8, shown  # down to 200 px at least: the arrow made room


def test_the_tesla_rear_display_shows_the_whole_distance(window, catalog, map_data):
    """The previous attempt's regression: its map card showed "120 m" as "12…"."""
    store = demo_store(map_data, "tesla-model-s-2021")
    display = next(d for d in catalog.get("tesla-model-s-2021").displays if d.id == "rear")
    layout = catalog.layouts("tesla-model-s-2021")["rear"]
    painted = _painted(display, layout, store, map_data)
    assert "120 m" in [p.text for p in painted]
    assert_fits(painted, layout, "tesla rear")


# -- TextCache.fit: the order of the remedies, measured with the real text provider --


@pytest.fixture
def texts(window):
    from cardeck_sim.ui.painters import TextCache

    return TextCache()


SENTENCE = "navigate to the market square"


def test_text_reflows_onto_more_lines_before_it_shrinks(texts):
    one_line = texts.width(SENTENCE, 40)
    fit = texts.fit(SENTENCE, one_line * 0.7, texts.line_height(40) * 2, 40, 24, max_lines=3)
    assert fit is not None and fit.size_px == 40 and len(fit.lines) == 2 and not fit.truncated
    assert " ".join(fit.lines) == SENTENCE


def test_text_shrinks_down_to_the_floor_before_it_is_cut(texts):
    width = texts.width("Bulevardi", 30)
    fit = texts.fit("Bulevardi", width, texts.line_height(40), 40, 24)
    assert fit is not None and fit.lines == ("Bulevardi",) and 24 <= fit.size_px <= 30
    # Narrower than the floor allows: cut, at the floor, never smaller.
    fit = texts.fit(SENTENCE, texts.width("navigate to the", 24) + 20, 100, 40, 24)
    assert fit is not None and fit.size_px == 24 and fit.truncated


def test_text_is_cut_after_a_whole_word_with_an_ellipsis(texts):
    width = texts.width(f"navigate to the{ELLIPSIS}", 24) + 1
    fit = texts.fit(SENTENCE, width, texts.line_height(24), 24, 24)
    assert fit is not None and fit.lines == (f"navigate to the{ELLIPSIS}",)
    two = texts.fit(SENTENCE, width, texts.line_height(24) * 2, 24, 24, max_lines=2)
    assert two is not None and two.lines == ("navigate to the", "market square")


def test_a_number_is_never_cut_nor_parted_from_its_unit(texts):
    # Room for "120" but not "120 m": no "12…", no "120" over "m", nothing.
    width = texts.width("120 ", 24, bold=True)
    tall = texts.line_height(24) * 3
    assert texts.fit("120 m", width, tall, 38, 24, bold=True, max_lines=3) is None
    assert texts.fit("120 m", width, tall, 38, 24, bold=True, truncate=False) is None
    # The ellipsis goes before a number, never into it: "1.4 km…", not "1.4 km · 3…".
    summary = "1.4 km · 3 min · ETA 12:50"
    fit = texts.fit(summary, texts.width("1.4 km · 3 m", 24), texts.line_height(24), 24, 24)
    assert fit is not None and fit.lines == (f"1.4 km{ELLIPSIS}",)


def test_the_first_wording_that_fits_whole_wins(texts):
    wordings = ("Parked · P   Day", "Parked · P", "P")
    fit = texts.fit(wordings, texts.width("Parked · P", 24) + 1, 40, 24, 24, truncate=False)
    assert fit is not None and fit.lines == ("Parked · P",) and not fit.truncated
    assert texts.fit(wordings, 2, 40, 24, 24, truncate=False) is None


def test_a_word_with_no_room_for_the_ellipsis_is_cut_inside_rather_than_dropped(texts):
    word = "Pohjoisesplanadin"
    width = texts.width(word, 24)  # the word fits, the word and an ellipsis do not
    fit = texts.fit(f"{word} ja Eteläesplanadin", width, texts.line_height(24), 24, 24)
    assert fit is not None and fit.truncated and len(fit.lines) == 1
    line = fit.lines[0]
    assert line.endswith(ELLIPSIS) and word.startswith(line[:-1]) and len(line) > 4
    assert texts.width(line, 24) <= width
