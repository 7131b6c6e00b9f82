"""Search in Hangul and names per locale, on an OSM extract of central Seoul the test writes.

The extract is real OSM data written with pyosmium (``name``, ``name:ko``,
``name:en``… as mappers tag them in Korea, where ``name`` is Korean) and read
back by the same loader as the bundled map.
"""

from __future__ import annotations

import re
from pathlib import Path

import osmium
import pytest

from cardeck_sim.maps import (
    LatLon,
    MapData,
    PlaceIndex,
    display_name,
    fold_ascii,
    load_map,
    normalize_name,
    place_index,
    search_key,
)
from cardeck_sim.maps._hangul import (
    FINALS,
    INITIALS,
    MEDIALS,
    choseong,
    is_choseong_query,
    prefix_edit_distance,
    split_syllable,
    to_jamo,
)

CITY_HALL = LatLon(37.5663, 126.9779)
SEOUL_STATION = LatLon(37.5547, 126.9707)
DOCS = Path(__file__).parents[3] / "docs" / "guides" / "maps.md"

# (OSM id, tags, lat, lon) of the named features: name is the local (Korean) name.
PLACES: list[tuple[int, dict[str, str], float, float]] = [
    (1001, {"amenity": "townhall", "name": "서울시청", "name:ko": "서울시청",
            "name:en": "Seoul City Hall", "name:de": "Rathaus Seoul",
            "name:ar": "مبنى بلدية سيول"}, 37.5663, 126.9779),
    (1002, {"amenity": "bus_station", "name": "시청", "name:en": "City Hall"}, 37.5657, 126.9769),
    (1003, {"amenity": "bus_station", "name": "서울역", "name:ko": "서울역",
            "name:en": "Seoul Station", "name:de": "Bahnhof Seoul"}, 37.5547, 126.9707),
    (1004, {"tourism": "museum", "name": "서울역사박물관",
            "name:en": "Seoul Museum of History"}, 37.5704, 126.9703),
    (1005, {"amenity": "bus_station", "name": "삼양역", "name:en": "Samyang Station"},
     37.6270, 127.0250),
    (1006, {"tourism": "attraction", "name": "경복궁", "name:en": "Gyeongbokgung Palace",
            "name:de": "Gyeongbokgung-Palast", "name:etymology": "景福宮"}, 37.5796, 126.9770),
    (1007, {"amenity": "cafe", "name": "스타벅스 광화문점", "name:en": "Starbucks Gwanghwamun"},
     37.5710, 126.9768),
    (1008, {"amenity": "place_of_worship", "name": "시천교회"}, 37.5650, 126.9850),
    (1009, {"tourism": "attraction", "name": "덕수궁", "name:en": "Deoksugung Palace"},
     37.5658, 126.9751),
    # Its jamo hold ㅅㅊ (the final of 옷 and the initial of 차), its initials do not.
    (1010, {"shop": "clothes", "name": "옷차림"}, 37.5670, 126.9790),
    (1011, {"tourism": "hotel", "name": "롯데호텔 서울", "name:en": "Lotte Hotel Seoul"},
     37.5651, 126.9810),
]  # fmt: skip
# (way id, highway, name tags, points)
ROADS: list[tuple[int, str, dict[str, str], list[tuple[float, float]]]] = [
    (2001, "primary", {"name": "세종대로", "name:en": "Sejong-daero"},
     [(37.5547, 126.9768), (37.5600, 126.9768), (37.5660, 126.9768), (37.5705, 126.9768),
      (37.5760, 126.9768)]),
    (2002, "primary", {"name": "을지로", "name:en": "Eulji-ro", "name:ko": "을지로"},
     [(37.5660, 126.9768), (37.5660, 126.9820), (37.5660, 126.9900)]),
    (2003, "secondary", {"name": "새문안로", "name:en": "Saemunan-ro"},
     [(37.5705, 126.9650), (37.5705, 126.9700), (37.5705, 126.9768)]),
    (2004, "residential", {"name": "세종대로", "name:ko": "세종대로"},
     [(37.5760, 126.9768), (37.5800, 126.9768)]),
]  # fmt: skip


def write_seoul_extract(path: Path) -> Path:
    """Write the places and roads above as an OSM PBF file with pyosmium."""
    node_ids: dict[tuple[float, float], int] = {}
    for _, _, _, points in ROADS:
        for point in points:
            node_ids.setdefault(point, 10 + len(node_ids))
    writer = osmium.SimpleWriter(str(path))
    try:
        for (lat, lon), node_id in node_ids.items():
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), tags={}))
        for osm_id, tags, lat, lon in PLACES:
            writer.add_node(osmium.osm.mutable.Node(id=osm_id, location=(lon, lat), tags=tags))
        for way_id, highway, names, points in ROADS:
            writer.add_way(
                osmium.osm.mutable.Way(
                    id=way_id,
                    nodes=[node_ids[p] for p in points],
                    tags={"highway": highway, **names},
                )
            )
    finally:
        writer.close()
    return path


@pytest.fixture(scope="module")
def seoul_data(tmp_path_factory: pytest.TempPathFactory) -> MapData:
    return load_map(write_seoul_extract(tmp_path_factory.mktemp("osm") / "seoul.osm.pbf"))


@pytest.fixture(scope="module")
def seoul(seoul_data: MapData) -> PlaceIndex:
    return place_index(seoul_data)


def names(places: PlaceIndex, query: str, near: LatLon = CITY_HALL, limit: int = 10) -> list[str]:
    return [p.name for p in places.search(query, near=near, limit=limit)]


# -- jamo arithmetic ---------------------------------------------------------------------


def test_every_syllable_splits_into_jamo_that_compose_back() -> None:
    for code in range(0xAC00, 0xD7A4):
        initial, medial, final = split_syllable(chr(code))
        index = (INITIALS.index(initial) * 21 + MEDIALS.index(medial)) * 28 + FINALS.index(final)
        assert 0xAC00 + index == code
    assert split_syllable("청") == ("ㅊ", "ㅓ", "ㅇ")
    assert split_syllable("시") == ("ㅅ", "ㅣ", "")
    with pytest.raises(ValueError, match=r"Field 'syllable' must be one Hangul syllable"):
        split_syllable("a")


def test_jamo_are_what_a_keyboard_types() -> None:
    assert to_jamo("서울역") == "ㅅㅓㅇㅜㄹㅇㅕㄱ"
    # Compound vowels and final clusters are two keys; doubled consonants one.
    assert to_jamo("광") == "ㄱㅗㅏㅇ"
    assert to_jamo("닭") == "ㄷㅏㄹㄱ"
    assert to_jamo("까") == "ㄲㅏ"
    # Typos count on plain jamo, compounds whole.
    assert to_jamo("광", keystrokes=False) == "ㄱㅘㅇ"
    assert to_jamo("닭 ㄺ", keystrokes=False) == "ㄷㅏㄺ ㄺ"
    # The conjoining jamo of NFD text and the compatibility jamo typed alone agree.
    assert to_jamo("\u1109\u1175\u110e\u1165\u11bc") == to_jamo("시청") == to_jamo("ㅅㅣㅊㅓㅇ")
    assert to_jamo("Seoul 역 5") == "Seoul ㅇㅕㄱ 5"
    assert choseong("스타벅스 광화문점") == "ㅅㅌㅂㅅㄱㅎㅁㅈ"
    assert choseong("GS25 역삼점") == "ㅇㅅㅈ"
    assert is_choseong_query(to_jamo("ㅅㅊ")) and is_choseong_query("ㅅㅌㅂㅅ ㄱㅎ")
    assert not is_choseong_query(to_jamo("시ㅊ")) and not is_choseong_query("ㅏ")


def test_prefix_edit_distance_counts_jamo_edits() -> None:
    assert prefix_edit_distance(to_jamo("시총"), to_jamo("시청"), 1) == 1
    assert prefix_edit_distance(to_jamo("서울녁"), to_jamo("서울역사박물관"), 1) == 1
    assert prefix_edit_distance(to_jamo("서울"), to_jamo("서울역"), 1) == 0
    assert prefix_edit_distance(to_jamo("시장"), to_jamo("시청"), 1) is None
    assert prefix_edit_distance(to_jamo("시장"), to_jamo("시청"), 2) == 2


def test_folding_keeps_hangul_composed() -> None:
    # NFKD alone would split every syllable into conjoining jamo.
    assert fold_ascii("서울 Straße café") == "서울 Strasse cafe"
    assert normalize_name("스타벅스  광화문점!") == "스타벅스 광화문점"
    assert search_key("Seoul 시청") == "seoul ㅅㅣㅊㅓㅇ"
    assert search_key("Töölö") == normalize_name("Töölö") == "toolo"


# -- the loader keeps localized names -----------------------------------------------------


def test_loader_keeps_every_localized_name_of_places_and_roads(seoul_data: MapData) -> None:
    by_name = {p.name: p for p in seoul_data.raw_places}
    assert by_name["서울시청"].names == {
        "ko": "서울시청",
        "en": "Seoul City Hall",
        "de": "Rathaus Seoul",
        "ar": "مبنى بلدية سيول",
    }
    # name:etymology is not a language.
    assert by_name["경복궁"].names == {"en": "Gyeongbokgung Palace", "de": "Gyeongbokgung-Palast"}
    assert by_name["시천교회"].names == {}
    streets = {s.osm_id: s.names for s in seoul_data.raw_streets}
    assert streets[2002] == {"en": "Eulji-ro", "ko": "을지로"}


def test_a_street_has_the_localized_names_of_all_its_ways(seoul: PlaceIndex) -> None:
    sejong = seoul.search("세종대로", limit=1)[0]
    assert sejong.category == "street"
    # One way has name:en, the other name:ko: the street has both.
    assert dict(sejong.names) == {"en": "Sejong-daero", "ko": "세종대로"}


def test_bundled_map_keeps_its_korean_names() -> None:
    # The Helsinki extract has a few name:ko tags (the city, the cathedral).
    helsinki = load_map()
    city = next(p for p in helsinki.raw_places if p.name == "Helsinki" and "ko" in p.names)
    assert city.names["ko"] == "헬싱키"
    assert city.names["ar"] == "هلسنكي"
    places = place_index(helsinki)
    for query in ("헬싱키", "ㅎㅅㅋ", "Helsingfors"):
        assert places.search(query, limit=1)[0].name == "Helsinki", query
    # Both start with 헬싱ㅋ (the cathedral is 헬싱키 대성당): the nearer first.
    cathedral = LatLon(60.1704, 24.9522)
    assert [p.name for p in places.search("헬싱ㅋ", near=cathedral, limit=2)] == [
        "Helsingin tuomiokirkko",
        "Helsinki",
    ]


# -- display names -------------------------------------------------------------------------


def test_display_name_follows_the_locale_and_falls_back_to_name(seoul: PlaceIndex) -> None:
    hall = seoul.search("서울시청", limit=1)[0]
    assert hall.name == "서울시청"
    assert display_name(hall, "en") == "Seoul City Hall"
    assert display_name(hall, "en-XA") == "Seoul City Hall"
    assert display_name(hall, "ko") == display_name(hall, "ko_KR") == "서울시청"
    assert display_name(hall, "de") == display_name(hall, "de-AT") == "Rathaus Seoul"
    assert display_name(hall, "ar-XB") == "مبنى بلدية سيول"
    church = seoul.search("시천교회", limit=1)[0]
    assert display_name(church, "en") == "시천교회"
    with pytest.raises(ValueError, match=r"Field 'locale' must be a language tag"):
        display_name(hall, " ")


def test_every_name_variant_is_searched(seoul: PlaceIndex) -> None:
    first = seoul.search("Seoul City Hall", limit=1)[0]
    assert first.name == "서울시청"
    assert display_name(first, "en") == "Seoul City Hall"
    assert display_name(first, "ko") == "서울시청"
    assert names(seoul, "Rathaus Seoul")[0] == "서울시청"
    assert names(seoul, "gyeongbok")[0] == "경복궁"
    assert names(seoul, "Seoul Station", near=CITY_HALL)[0] == "서울역"


# -- matching and ranking ------------------------------------------------------------------


def test_initial_consonants_find_the_name(seoul: PlaceIndex) -> None:
    found = names(seoul, "ㅅㅊ", near=CITY_HALL)
    # 시청's initials start with ㅅㅊ; 서울시청's (ㅅㅇㅅㅊ) only contain it, so it
    # ranks after, though it is nearer the search point.
    assert found[0] == "시청"
    assert found.index("시청") < found.index("서울시청")
    # 옷차림's jamo hold ㅅㅊ across syllables; its initials (ㅇㅊㄹ) do not.
    assert "옷차림" not in found
    assert "시천교회" in found  # ㅅㅊㄱㅎ
    assert names(seoul, "ㄱㅂㄱ")[0] == "경복궁"
    assert names(seoul, "ㅅㅌㅂㅅ ㄱㅎㅁ")[0] == "스타벅스 광화문점"


def test_initial_consonants_rank_whole_then_prefix_then_distance(seoul: PlaceIndex) -> None:
    # 서울역 and 삼양역 have the initials ㅅㅇㅇ; 서울역사박물관's only start with them.
    assert names(seoul, "ㅅㅇㅇ", near=SEOUL_STATION)[:3] == ["서울역", "삼양역", "서울역사박물관"]
    assert names(seoul, "ㅅㅇㅇ", near=LatLon(37.6270, 127.0250))[:2] == ["삼양역", "서울역"]
    assert names(seoul, "ㅅㅇㅇㅅ")[0] == "서울역사박물관"


def test_one_wrong_jamo_still_finds_the_place(seoul: PlaceIndex) -> None:
    assert names(seoul, "시총")[0] == "시청"  # wrong vowel
    assert names(seoul, "서울녁", near=SEOUL_STATION)[0] == "서울역"  # wrong initial
    # A whole-word fit ranks before a fit to the start of a longer name, nearer or not.
    museum = LatLon(37.5704, 126.9703)
    assert names(seoul, "서울녁", near=museum)[:2] == ["서울역", "서울역사박물관"]
    assert names(seoul, "경복국")[0] == "경복궁"  # wrong final
    assert names(seoul, "덕수군")[0] == "덕수궁"
    assert names(seoul, "스타벅스 광하문점")[0] == "스타벅스 광화문점"  # ㅏ for ㅘ: one jamo
    # Two wrong jamo in a short name is another name, not a typo.
    assert "시청" not in names(seoul, "시장")


def test_exact_and_prefix_rank_before_typos(seoul: PlaceIndex) -> None:
    # 시천교회 is one jamo from 시청 (ㄴ for ㅇ) and nearer to where the search is from.
    near_church = LatLon(37.5650, 126.9850)
    found = names(seoul, "시청", near=near_church)
    assert found[0] == "시청"  # exact
    assert found.index("서울시청") < found.index("시천교회")  # contains, then fuzzy
    # And the other way round: 시천 is a prefix of 시천교회, 시청 only a typo of it.
    found = names(seoul, "시천", near=CITY_HALL)
    assert found[0] == "시천교회"
    assert "시청" in found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("시ㅊ", "시청"),  # the last syllable's initial typed
        ("싳", "시청"),  # what the IME shows before the next vowel
        ("서울ㅇ", "서울역"),
        ("경복구", "경복궁"),  # final not yet typed
        ("스타벅스 고", "스타벅스 광화문점"),  # ㅗ on its way to ㅘ
        ("광화", "스타벅스 광화문점"),  # a later word
        ("롯데호", "롯데호텔 서울"),
    ],
)
def test_a_syllable_still_being_typed_matches(seoul: PlaceIndex, query: str, expected: str) -> None:
    assert names(seoul, query, near=SEOUL_STATION)[0] == expected


# A two-set (dubeolsik) IME, as a phone or head-unit keyboard composes keys into
# what the text field shows: "ㅅㅣㅊ" shows "싳" until the next vowel moves ㅊ on.
_COMPOUND_VOWELS = {"ㅗㅏ": "ㅘ", "ㅗㅐ": "ㅙ", "ㅗㅣ": "ㅚ", "ㅜㅓ": "ㅝ", "ㅜㅔ": "ㅞ",
                    "ㅜㅣ": "ㅟ", "ㅡㅣ": "ㅢ"}  # fmt: skip
_CLUSTERS = {"ㄱㅅ": "ㄳ", "ㄴㅈ": "ㄵ", "ㄴㅎ": "ㄶ", "ㄹㄱ": "ㄺ", "ㄹㅁ": "ㄻ", "ㄹㅂ": "ㄼ",
             "ㄹㅅ": "ㄽ", "ㄹㅌ": "ㄾ", "ㄹㅍ": "ㄿ", "ㄹㅎ": "ㅀ", "ㅂㅅ": "ㅄ"}  # fmt: skip


def _show(initial: str, medial: str, final: str) -> str:
    if not (initial and medial):
        return initial + medial
    vowel = _COMPOUND_VOWELS.get(medial, medial)
    tail = _CLUSTERS.get(final, final)
    return chr(0xAC00 + (INITIALS.index(initial) * 21 + MEDIALS.index(vowel)) * 28
               + FINALS.index(tail))  # fmt: skip


def ime_display(keys: str) -> str:
    """Return what a dubeolsik IME shows after typing ``keys`` (compatibility jamo, spaces)."""
    shown, initial, medial, final = "", "", "", ""
    for key in keys:
        if key == " " or key not in INITIALS + MEDIALS:
            shown += _show(initial, medial, final) + key
            initial = medial = final = ""
        elif key in MEDIALS:
            if initial and medial and final:
                # The final moves on to start the next syllable (of a cluster, its second part).
                keep, move = final[:-1], final[-1]
                shown += _show(initial, medial, keep)
                initial, medial, final = move, key, ""
            elif initial and medial and medial + key in _COMPOUND_VOWELS:
                medial += key
            elif initial and not medial:
                medial = key
            else:
                shown += _show(initial, medial, final)
                initial, medial, final = "", key, ""
        elif initial and medial and not final and key in FINALS:
            final = key
        elif final and len(final) == 1 and final + key in _CLUSTERS:
            final += key
        else:
            shown += _show(initial, medial, final)
            initial, medial, final = key, "", ""
    return shown + _show(initial, medial, final)


@pytest.mark.parametrize("name", [tags["name"] for _, tags, _, _ in PLACES])
def test_every_step_of_typing_a_name_finds_it(seoul: PlaceIndex, name: str) -> None:
    # The IME shows what Korean keyboards show on the way.
    shown = [ime_display(k) for k in ("ㅅㅣㅊ", "ㄱㅗ", "ㄷㅏㄹㄱ", "ㄷㅏㄹㄱㅏ")]
    assert shown == ["싳", "고", "닭", "달가"]
    keys = to_jamo(name)
    assert ime_display(keys) == name
    for typed in range(1, len(keys) + 1):
        shown = ime_display(keys[:typed])
        # What the field shows keys as the keys typed so far: a prefix of the name's.
        assert search_key(shown) == keys[:typed].rstrip(), shown
        if not shown.strip():
            continue
        assert name in names(seoul, shown, limit=len(PLACES) + len(ROADS)), shown
    assert names(seoul, name, limit=1) == [name]


def test_latin_queries_are_keyed_as_before(seoul: PlaceIndex, places: PlaceIndex) -> None:
    # The Latin tiers are unchanged on the bundled map (tests/unit/maps/test_maps_search.py),
    # and a Latin query never takes the Hangul paths.
    assert not is_choseong_query(search_key("st"))
    assert names(seoul, "Lotte")[0] == "롯데호텔 서울"
    assert places.search("Stockmann", limit=1)[0].name == "Stockmann"


# -- the guide's claims ----------------------------------------------------------------------


def _guide_examples() -> list[tuple[str, str]]:
    """Return the (query, name found) rows of the guide's "Searching in Korean" table."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Searching in Korean", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (\S[^|]*?) \|", section, flags=re.MULTILINE)
    assert len(rows) >= 5, "the guide's table of Korean queries went missing"
    return rows


def test_the_guides_korean_examples_hold(seoul: PlaceIndex) -> None:
    for query, expected in _guide_examples():
        first = seoul.search(query, near=CITY_HALL, limit=1)[0]
        assert expected in (first.name, *(n for _, n in first.names)), (query, expected)
