"""The guidance card draws its parts: the maneuver's icon, the distance, the street, the ETA line.

Issue 17, item 3. Painted for real (Kivy offscreen) on the default profile's
cluster, day and night, with the paint list recording every text and icon.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

import pytest

from cardeck.i18n import translator
from cardeck_sim.maps import GuidanceSimulator, LatLon, ManeuverType, find_route
from cardeck_sim.state import DayNight, Gear
from cardeck_sim.ui import DAY, NIGHT, demo_store
from cardeck_sim.ui.painters.guidance import lane_guidance, trip_line
from cardeck_sim.ui.theme import MANEUVER_ICONS
from tests.integration.ui._panel_paint import paint, panel
from tests.integration.ui._pixels import color_mask

THEMES = {"day": DAY, "night": NIGHT}


@pytest.mark.parametrize("mode", ["day", "night"])
def test_the_card_shows_the_maneuver_icon_distance_street_and_eta_line(
    window, catalog, map_data, mode
):
    store = demo_store(map_data, profile_id="hyundai-kia-ccnc", night=mode == "night")
    route = store.map.route
    nxt = route.maneuvers[1]
    card = panel(catalog, "guidance_card", "cluster").rect_px
    shot = paint(catalog, store, map_data, "cluster")

    assert shot.icons(card) == [MANEUVER_ICONS[str(nxt.type)]]
    texts = shot.texts(card)
    assert f"{round(nxt.distance_from_start_m / 10) * 10} m" in texts
    assert nxt.street_name in texts
    # The demo clock is 12:34; the arrival is that plus the route's duration.
    eta = [t for t in texts if t.startswith("ETA ")]
    assert eta and re.fullmatch(r"ETA 12:3\d · \d+ min · 1\.\d km", eta[0]), texts
    # The tile under the icon is the accent colour, a clear block of it.
    assert color_mask(shot.pixels(card), THEMES[mode].accent).mean() > 0.03


@pytest.mark.parametrize("kind", [k for k in ManeuverType if k is not ManeuverType.DEPART])
def test_every_maneuver_type_gets_its_own_icon(window, catalog, map_data, kind):
    store = demo_store(map_data, profile_id="hyundai-kia-ccnc")
    route = store.map.route
    maneuvers = list(route.maneuvers)
    maneuvers[1] = dataclasses.replace(maneuvers[1], type=kind)
    store.set_map(route=dataclasses.replace(route, maneuvers=tuple(maneuvers)))
    card = panel(catalog, "guidance_card", "cluster").rect_px
    shot = paint(catalog, store, None, "cluster")
    assert shot.icons(card) == [MANEUVER_ICONS[kind.value]]


def test_while_guiding_the_line_shows_the_guidance_eta_and_what_is_left(window, catalog, map_data):
    store = demo_store(map_data, profile_id="hyundai-kia-ccnc")
    sim = GuidanceSimulator(store.map.route, map_data=map_data)
    for _ in range(4):
        store.set_map(guidance=sim.step(0.5))
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE, day_night=DayNight.NIGHT)
    update = store.map.guidance
    card = panel(catalog, "guidance_card", "cluster").rect_px
    texts = paint(catalog, store, map_data, "cluster").texts(card)
    en = translator("en")
    assert f"ETA {en.clock(update.eta.astimezone(), hour12=False)}" in " ".join(texts)
    assert en.duration(update.remaining_time_s) in " ".join(texts)


def test_without_a_route_the_card_says_so_and_draws_no_icon(window, catalog, store):
    card = panel(catalog, "guidance_card", "cluster").rect_px
    shot = paint(catalog, store, None, "cluster")
    assert shot.texts(card) == ["No active route"]
    assert shot.icons(card) == []


def test_trip_line_wording():
    eta = datetime(2026, 1, 15, 12, 50)
    en, de, ko = translator("en"), translator("de"), translator("ko")
    assert trip_line(eta, 185, 1430, en) == "ETA 12:50 · 3 min · 1.4 km"
    assert trip_line(None, 20, 80, en) == "1 min · 80 m"
    assert trip_line(None, 3900, 80, en) == "1 hr 5 min · 80 m"
    assert trip_line(eta, 185, 1430, de) == "Ankunftszeit 12:50 · 3 Min. · 1,4 km"
    assert trip_line(eta, 185, 1430, ko) == "도착 12:50 · 3분 · 1.4km"


@pytest.mark.parametrize("mode", ["day", "night"])
def test_lanes_tagged_in_the_map_show_with_the_ones_to_take_lit(window, catalog, map_data, mode):
    # Unioninkatu's turn:lanes before a left turn: left|slight_left|through|through.
    store = demo_store(map_data, profile_id="hyundai-kia-ccnc", night=mode == "night")
    route = find_route(map_data, LatLon(60.1746, 24.9501), LatLon(60.1745, 24.9507))
    assert route.maneuvers[1].lanes == "left|slight_left|through|through"
    store.set_map(route=route)
    card = panel(catalog, "guidance_card", "cluster").rect_px
    shot = paint(catalog, store, map_data, "cluster")
    # The lane bar is drawn first, the maneuver tile last.
    lanes = [p for p in shot.in_rect(card) if p.icon][:-1]
    assert [p.icon for p in lanes] == ["turn_left", "turn_slight_left", "straight", "straight"]
    theme = THEMES[mode]
    lit = [
        color_mask(shot.pixels(_layout_rect(p, shot.height)), theme.text, tol=40).mean()
        for p in lanes
    ]
    assert lit[0] > 0.05 and max(lit[1:]) < 0.01, lit


def _layout_rect(painted, height):
    from cardeck.layout import Rect

    x, y = painted.pos
    w, h = painted.size
    return Rect(round(x), round(height - y - h), round(w), round(h))


def test_lane_guidance_lights_the_lanes_that_lead_to_the_maneuver():
    assert lane_guidance("left|left|through|through", "left") == (
        ("turn_left", True),
        ("turn_left", True),
        ("straight", False),
        ("straight", False),
    )
    assert [take for _, take in lane_guidance("left;through|right|right", "straight")] == [
        True,
        False,
        False,
    ]
    # No slight-right lane: the right lanes lead there.
    assert [take for _, take in lane_guidance("left|right", "slight_right")] == [False, True]
