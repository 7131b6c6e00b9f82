"""Guidance in the head unit's locale: Korean over a whole route, and a switch mid-route."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cardeck.i18n import SUPPORTED_LOCALES, translator
from cardeck_sim.maps import (
    OFF_ROUTE_FIXES,
    GuidanceSimulator,
    GuidanceUpdate,
    LatLon,
    Maneuver,
    ManeuverType,
    MapData,
    Route,
    instruction,
    road_name,
    route_between_nodes,
    spoken_distance,
)

# The four-arm roundabout of test_maps_maneuvers.py.
ROUNDABOUT_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="cardeck-test">
  <node id="1" lat="60.00027" lon="25.0" version="1"/>
  <node id="2" lat="60.0" lon="24.99946" version="1"/>
  <node id="3" lat="59.99973" lon="25.0" version="1"/>
  <node id="4" lat="60.0" lon="25.00054" version="1"/>
  <node id="11" lat="60.0016" lon="25.0" version="1"/>
  <node id="12" lat="60.0" lon="24.9970" version="1"/>
  <node id="13" lat="59.9984" lon="25.0" version="1"/>
  <node id="14" lat="60.0" lon="25.0030" version="1"/>
  <way id="100" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="highway" v="primary"/><tag k="junction" v="roundabout"/><tag k="name" v="Ring"/>
  </way>
  <way id="101" version="1"><nd ref="11"/><nd ref="1"/>
    <tag k="highway" v="residential"/><tag k="name" v="North Road"/></way>
  <way id="102" version="1"><nd ref="12"/><nd ref="2"/>
    <tag k="highway" v="residential"/><tag k="name" v="West Road"/></way>
  <way id="103" version="1"><nd ref="13"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="name" v="South Road"/></way>
  <way id="104" version="1"><nd ref="14"/><nd ref="4"/>
    <tag k="highway" v="residential"/><tag k="name" v="East Road"/></way>
</osm>
"""
MAPS_GUIDE = (Path(__file__).parents[3] / "docs" / "guides" / "maps.md").read_text()
START_TIME = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
# Unioninkatu → Esplanade → Yrjönkatu → Bulevardi (as test_maps_guidance.py drives).
START, END = 4435014127, 2269494568
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# A Korean distance as said: "200미터", "1.5킬로미터" (or written "km").
KO_DISTANCE = re.compile(r"\d[\d.,]*(?:미터|킬로미터|km)")


@pytest.fixture(scope="module")
def route(map_data: MapData) -> Route:
    return route_between_nodes(
        map_data, map_data.node_for_osm_id(START), map_data.node_for_osm_id(END)
    )


def _drive(sim: GuidanceSimulator, dt: float = 1.0) -> list[GuidanceUpdate]:
    updates = [sim.step(0.0)]
    while not updates[-1].arrived:
        updates.append(sim.step(dt))
        assert len(updates) < 10_000, "the simulation never arrived"
    return updates


def _leftover_english(text: str, roads: set[str]) -> list[str]:
    """Latin words in a sentence that are not part of a road name from the map data."""
    for road in sorted(roads, key=len, reverse=True):
        text = text.replace(road, "")
    return [w for w in LATIN_WORD.findall(text) if w != "km"]


def test_a_whole_route_is_guided_in_korean(route: Route) -> None:
    sim = GuidanceSimulator(route, start_time=START_TIME, locale=lambda: "ko")
    updates = _drive(sim)
    roads = {m.street_name for m in route.maneuvers}
    spoken = [u.instruction for u in updates if u.instruction]
    assert len(spoken) == len(updates) - 1  # every update before arrival has one
    for text in spoken:
        assert HANGUL.search(text), text
        assert not _leftover_english(text, roads), text
    ahead = [t for t in spoken if "앞에서" in t or "앞에" in t]
    assert ahead, "no instruction said a distance ahead"
    for text in ahead:
        assert KO_DISTANCE.search(text), text
    # The turns of this route, as a Korean navigator says them.
    kinds = {u.next_maneuver.type for u in updates if u.next_maneuver is not None}
    assert ManeuverType.LEFT in kinds
    assert any(t.endswith("좌회전하세요.") for t in spoken)
    # "Yrjönkatu" ends in a vowel: 로, not 으로 and not "(으)로".
    assert any("Yrjönkatu로 좌회전하세요." in t for t in spoken), spoken
    assert not any("(으)로" in t for t in spoken)
    arrival = [u.announcement for u in updates if u.announcement]
    assert arrival == ["목적지에 도착했습니다. 안내를 종료합니다."]
    assert updates[-1].arrived


def test_every_maneuver_kind_has_a_korean_sentence_in_both_forms(route: Route) -> None:
    tr = translator("ko")
    base = route.maneuvers[1]
    for kind in ManeuverType:
        m = Maneuver(
            type=kind,
            position=base.position,
            street_name="역삼로",
            distance_from_start_m=100.0,
            distance_to_next_m=350.0,
            bearing_before_deg=0.0,
            bearing_after_deg=90.0,
            exit_number=2 if kind is ManeuverType.ROUNDABOUT_ENTER else None,
            instruction="",
        )
        for distance in (None, 230.0):
            text = instruction(m, distance, tr)
            assert HANGUL.search(text) and not LATIN_WORD.search(text), (kind, text)
    right = Maneuver(ManeuverType.RIGHT, base.position, "시청", 0, 0, 0, 90, None, "")
    assert instruction(right, 100, tr) == "100미터 앞에서 시청으로 우회전하세요."
    assert instruction(right, None, tr) == "시청으로 우회전하세요."
    onto_rieul = Maneuver(ManeuverType.LEFT, base.position, "마을", 0, 0, 0, 90, None, "")
    assert instruction(onto_rieul, 1540, tr) == "1.5킬로미터 앞에서 마을로 좌회전하세요."
    roundabout = Maneuver(ManeuverType.ROUNDABOUT_ENTER, base.position, "", 0, 0, 0, 0, 3, "")
    assert instruction(roundabout, None, tr) == "회전교차로에서 세 번째 출구로 나가세요."
    far = Maneuver(ManeuverType.ROUNDABOUT_ENTER, base.position, "", 0, 0, 0, 0, 11, "")
    assert instruction(far, None, tr) == "회전교차로에서 11번 출구로 나가세요."
    assert spoken_distance(180, tr) == "200미터"
    unnamed = Maneuver(ManeuverType.LEFT, base.position, "unnamed road", 0, 0, 0, 0, None, "")
    assert road_name(unnamed, tr) == "이름 없는 도로"


@pytest.mark.parametrize("tag", SUPPORTED_LOCALES)
def test_each_locale_speaks_its_own_sentence(route: Route, tag: str) -> None:
    left = next(m for m in route.maneuvers if m.type is ManeuverType.LEFT)
    text = instruction(left, 200, translator(tag))
    assert "Yrjönkatu" in text
    expected = {
        "en": "In 200 meters, turn left onto Yrjönkatu.",
        "ko": "200미터 앞에서 Yrjönkatu로 좌회전하세요.",
        "de": "Noch 200 Meter, dann biegen Sie links in Yrjönkatu ab.",
        "ar": "بعد 200 متر، انعطف يسارًا إلى Yrjönkatu.",
    }
    if tag in expected:
        assert text == expected[tag]
        assert text in " ".join(MAPS_GUIDE.split())  # the guide quotes it
    else:
        assert text != expected["en"]  # pseudo-locales are visibly "translated"


def test_a_locale_switch_applies_to_the_current_instruction(route: Route) -> None:
    locale = ["en"]
    sim = GuidanceSimulator(route, start_time=START_TIME, locale=lambda: locale[0])
    first = sim.step(5.0)
    assert first.instruction.startswith("In ")
    locale[0] = "ko"
    again = sim.step(0.0)  # the same moment, rendered again
    assert first.next_maneuver is not None and again.next_maneuver is not None
    assert again.next_maneuver.position == first.next_maneuver.position
    assert HANGUL.search(again.instruction) and "앞에서" in again.instruction
    # The maneuver on the wire says its own sentence in the locale too.
    assert first.next_maneuver.instruction.startswith("In ")
    assert HANGUL.search(again.next_maneuver.instruction)
    locale[0] = "de"
    assert sim.step(0.0).instruction.startswith("Noch ")


def test_a_reroute_is_announced_in_the_locale(map_data: MapData, route: Route) -> None:
    sim = GuidanceSimulator(route, start_time=START_TIME, map_data=map_data, locale=lambda: "ko")
    off = LatLon(60.1712, 24.9415)  # the railway station square, off this route
    updates = [sim.report_position(off, speed_kmh=20.0) for _ in range(OFF_ROUTE_FIXES)]
    assert updates[-1].reroute is not None
    assert updates[-1].announcement == "경로를 재탐색합니다."
    assert [u.announcement for u in updates[:-1]] == ["", ""]


def test_roads_are_named_in_the_locale_when_the_data_has_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # The roundabout of test_maps_maneuvers.py, its arms tagged name:ko.
    osm = ROUNDABOUT_OSM
    for name, korean in (("East Road", "동쪽길"), ("West Road", "서문로")):
        tag = f'<tag k="name" v="{name}"/>'
        osm = osm.replace(tag, f'{tag}<tag k="name:ko" v="{korean}"/>')
    path = tmp_path_factory.mktemp("osm") / "roundabout-ko.osm"
    path.write_text(osm, encoding="utf-8")
    data = MapData.load(path)
    n = {i: data.node_for_osm_id(i) for i in (12, 13, 14)}
    east = route_between_nodes(data, n[13], n[14])
    west = route_between_nodes(data, n[13], n[12])
    ko, en = translator("ko"), translator("en")
    leave_east, leave_west = east.maneuvers[2], west.maneuvers[2]
    assert (
        instruction(leave_east, 50, ko)
        == "50미터 앞에서 회전교차로를 빠져나와 동쪽길로 진입하세요."
    )
    assert instruction(leave_west, None, ko) == "회전교차로를 빠져나와 서문로로 진입하세요."
    assert instruction(leave_east, None, en) == "Exit the roundabout onto East Road."
    # South Road has no name:ko: its own name, with the particle read from it.
    depart = instruction(east.maneuvers[0], None, ko)
    assert depart.startswith("South Road를 따라 북쪽으로") and depart.endswith("주행하세요.")
