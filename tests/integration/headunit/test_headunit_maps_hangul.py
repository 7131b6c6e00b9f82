"""SearchPlaces over real gRPC on a map of central Seoul: Hangul queries, names in the locale."""

from pathlib import Path

import osmium
import pytest

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from tests.integration.conftest import serving

CITY_HALL = (37.5663, 126.9779)


def write_extract(path: Path) -> Path:
    """Write a few streets and places of central Seoul as OSM PBF (name is the Korean name)."""
    road = [(11, 37.5547, 126.9768), (12, 37.5660, 126.9768), (13, 37.5760, 126.9768)]
    places = [
        (1001, 37.5663, 126.9779, {"amenity": "townhall", "name": "서울시청",
                                   "name:ko": "서울시청", "name:en": "Seoul City Hall",
                                   "name:de": "Rathaus Seoul"}),
        (1002, 37.5657, 126.9769, {"amenity": "bus_station", "name": "시청",
                                   "name:en": "City Hall"}),
        (1003, 37.5547, 126.9707, {"amenity": "bus_station", "name": "서울역",
                                   "name:en": "Seoul Station"}),
        (1006, 37.5796, 126.9770, {"tourism": "attraction", "name": "경복궁",
                                   "name:en": "Gyeongbokgung Palace"}),
    ]  # fmt: skip
    writer = osmium.SimpleWriter(str(path))
    try:
        for node_id, lat, lon in road:
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat)))
        for node_id, lat, lon, tags in places:
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), tags=tags))
        writer.add_way(
            osmium.osm.mutable.Way(
                id=2001,
                nodes=[n for n, _, _ in road],
                tags={"highway": "primary", "name": "세종대로", "name:en": "Sejong-daero"},
            )
        )
    finally:
        writer.close()
    return path


@pytest.fixture(scope="module")
def seoul_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_extract(tmp_path_factory.mktemp("osm") / "seoul.osm.pbf")


async def test_async_search_names_places_in_the_head_units_locale(seoul_map: Path) -> None:
    async with (
        serving(HeadUnit(ServiceConfig(port=0, map_data=seoul_map))) as unit,
        cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client,
    ):
        assert unit.store.locale == "en"
        # An English user finds the Korean-named place by its English name, and sees it.
        hall = (await client.maps.search_places("Seoul City Hall", near=CITY_HALL))[0]
        assert hall.name == "Seoul City Hall"
        assert hall.place_id == "node/1001"
        # Initial consonants, a syllable being typed, a wrong jamo: named in English.
        assert (await client.maps.search_places("ㅅㅊ", near=CITY_HALL))[0].name == "City Hall"
        assert (await client.maps.search_places("서울ㅇ", near=CITY_HALL))[0].name == (
            "Seoul Station"
        )
        assert (await client.maps.search_places("경복국", near=CITY_HALL))[0].name == (
            "Gyeongbokgung Palace"
        )

        assert unit.store.set_locale("ko")
        # The switch applies to the next call: the same search, named in Korean.
        again = (await client.maps.search_places("Seoul City Hall", near=CITY_HALL))[0]
        assert (again.place_id, again.name) == ("node/1001", "서울시청")
        assert (await client.maps.get_place("node/1003")).name == "서울역"
        street = (await client.maps.search_places("Sejong", near=CITY_HALL))[0]
        assert (street.category, street.name) == ("street", "세종대로")

        # A locale without a name:<language> in the data keeps the local name.
        assert unit.store.set_locale("ar")
        assert (await client.maps.search_places("ㅅㅇㅇ", near=CITY_HALL))[0].name == "서울역"
        assert unit.store.set_locale("de")
        assert (await client.maps.get_place("node/1001")).name == "Rathaus Seoul"


def test_sync_search_in_korean_with_the_locale_set(seoul_map: Path) -> None:
    with (
        HeadUnitThread(ServiceConfig(port=0, map_data=seoul_map)) as unit,
        cardeck.Client(unit.target) as client,
    ):
        assert unit.call(unit.unit.store.set_locale, "ko")
        found = client.maps.search_places("ㅅㅊ", near=CITY_HALL)
        # 시청's initials are ㅅㅊ; 서울시청's (ㅅㅇㅅㅊ) only contain them.
        assert [p.name for p in found[:2]] == ["시청", "서울시청"]
        assert client.maps.search_places("시ㅊ", near=CITY_HALL, limit=1)[0].name == "시청"
        assert unit.call(unit.unit.store.set_locale, "en")
        assert client.maps.search_places("서울녁", near=CITY_HALL, limit=1)[0].name == (
            "Seoul Station"
        )
