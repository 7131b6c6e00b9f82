"""The voice panel draws each state distinctly: idle, listening, recognising, the answer.

Issue 17, item 3. Painted for real (Kivy offscreen) on the default profile's
centre display, day and night, with the paint list recording texts and icons.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cardeck_sim.state import DayNight, StateStore, VoiceConfirmation
from cardeck_sim.ui import DAY, NIGHT, voice_answer_buttons
from cardeck_sim.ui.painters.voice import intent_title, level_bars
from tests.integration.ui._panel_paint import PROFILE, paint, panel
from tests.integration.ui._pixels import color_mask

THEMES = {"day": DAY, "night": NIGHT}

STATES = {
    "idle": {},
    "listening": {"activity": "listening"},
    "recognising": {"activity": "listening", "transcript": "navigate to the mar"},
    "processing": {
        "activity": "processing",
        "transcript": "navigate to the market square",
        "intent_id": "navigate_to",
        "slots": (("place", "Market Square"),),
    },
    "answered": {
        "activity": "idle",
        "transcript": "navigate to the market square",
        "intent_id": "navigate_to",
        "slots": (("place", "Market Square"),),
        "spoken_text": "Starting route to Market Square.",
    },
    "confirming": {
        "activity": "confirming",
        "transcript": "open the sunroof",
        "intent_id": "roof#1/sunroof.open",
        "spoken_text": "Open the sunroof?",
        "confirmation": VoiceConfirmation(
            "confirm-1", "Open the sunroof?", "roof#1/sunroof.open", (), 8.0
        ),
    },
}


def _store(state: str, mode: str) -> StateStore:
    store = StateStore(active_profile_id=PROFILE)
    store.update_vehicle(day_night=DayNight.NIGHT if mode == "night" else DayNight.DAY)
    store.set_voice(**STATES[state])
    return store


@pytest.fixture(scope="module")
def shots(window, catalog):
    """Every state in day and night: (what was drawn in the panel, its pixels)."""
    rect = panel(catalog, "voice").rect_px
    out = {}
    for state, mode in itertools.product(STATES, THEMES):
        shot = paint(catalog, _store(state, mode), None)
        out[state, mode] = (shot.icons(rect), shot.texts(rect), shot.pixels(rect))
    return out


@pytest.mark.parametrize("mode", ["day", "night"])
def test_every_state_looks_different(shots, mode):
    for a, b in itertools.combinations(STATES, 2):
        pa, pb = shots[a, mode][2], shots[b, mode][2]
        assert np.abs(pa.astype(int) - pb.astype(int)).max(axis=2).__gt__(8).mean() > 0.002, (a, b)


@pytest.mark.parametrize("mode", ["day", "night"])
def test_idle_shows_the_mic_and_how_to_start(shots, mode):
    icons, texts, _ = shots["idle", mode]
    assert icons == ["mic"]
    assert any("Hey car" in t for t in texts), texts


@pytest.mark.parametrize("mode", ["day", "night"])
def test_listening_lights_the_orb_and_draws_the_meter(shots, mode):
    icons, texts, pixels = shots["listening", mode]
    assert icons == ["graphic_eq"]
    assert "Listening…" in texts
    # The orb and the meter's bars are the listening colour; idle has none of it.
    listening = THEMES[mode].listening
    assert color_mask(pixels, listening).mean() > 0.01
    assert not color_mask(shots["idle", mode][2], listening).any()


@pytest.mark.parametrize("mode", ["day", "night"])
def test_the_partial_transcript_shows_while_recognising(shots, mode):
    _, texts, _ = shots["recognising", mode]
    assert "“navigate to the mar”" in texts


@pytest.mark.parametrize("mode", ["day", "night"])
def test_the_intent_card_names_the_intent_and_its_slots_then_the_answer(shots, mode):
    _, texts, _ = shots["processing", mode]
    assert "Navigate to" in texts
    assert "Place: Market Square" in texts
    _, texts, _ = shots["answered", mode]
    assert texts[-1].replace("\n", " ") == "Starting route to Market Square."
    assert "Navigate to" in texts and "Place: Market Square" in texts


@pytest.mark.parametrize("mode", ["day", "night"])
def test_a_question_shows_over_yes_and_no_buttons_a_touch_target_tall(shots, catalog, mode):
    _, texts, _ = shots["confirming", mode]
    assert "Open the sunroof?" in texts
    assert "Yes" in texts and "No" in texts
    layout = catalog.layouts(PROFILE)["center"]
    buttons = voice_answer_buttons(panel(catalog, "voice"), layout)
    assert [confirmed for confirmed, _ in buttons] == [True, False]
    for _, rect in buttons:
        assert rect.height >= layout.min_touch_px and rect.width >= layout.min_touch_px


def test_the_meter_follows_the_phase_and_only_while_listening(window, catalog):
    rect = panel(catalog, "voice").rect_px
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo
    from cardeck_sim.ui.painters.voice import VoicePainter
    from tests.integration.ui._pixels import crop

    display = next(d for d in catalog.get(PROFILE).displays if d.id == "center")
    painter = DisplayPainter(display, catalog.layouts(PROFILE)["center"])
    voice = next(p for p in painter.painters if isinstance(p, VoicePainter))
    fbo = painter.make_fbo()
    store = _store("listening", "day")

    def frame(phase: float) -> tuple[bool, np.ndarray]:
        voice.phase = phase
        changed = painter.update(store)
        return changed, crop(read_fbo(fbo), rect)

    _, first = frame(0.1)
    changed, second = frame(0.35)
    assert changed and not np.array_equal(first, second)
    changed, _ = frame(0.35)
    assert not changed
    store.set_voice(activity="idle")
    frame(0.5)
    changed, _ = frame(0.9)
    assert not changed, "an idle panel repainted for the meter's phase"


def test_bars_and_titles():
    assert all(0.2 <= h <= 1.0 for p in (0.0, 0.3, 0.77) for h in level_bars(p))
    assert level_bars(0.1) != level_bars(0.35)
    assert intent_title("navigate_to") == "Navigate to"
