"""Place search over the names of the bundled extract."""

from __future__ import annotations

import re

import pytest

from cardeck_sim.maps import (
    LatLon,
    PlaceIndex,
    PlaceNotFoundError,
    fold_ascii,
    haversine_m,
    normalize_name,
)

RAILWAY_STATION = LatLon(60.1712, 24.9415)
SOUTH_HARBOUR = LatLon(60.1665, 24.9535)


def test_prefix_match(places: PlaceIndex) -> None:
    results = places.search("Stockm", near=RAILWAY_STATION)
    names = [p.name for p in results]
    assert "Stockmann" in names
    assert all(n.lower().startswith("stockm") for n in names[:3])


def test_exact_name_ranks_before_prefix_matches(places: PlaceIndex) -> None:
    results = places.search("stockmann", near=RAILWAY_STATION)
    assert results[0].name == "Stockmann"
    assert results[0].category == "shop:department_store"
    assert results[0].address.startswith("Aleksanterinkatu 52")


def test_fuzzy_match_tolerates_a_typo(places: PlaceIndex) -> None:
    # Transposed letters, and a swapped vowel pair.
    assert "Stockmann" in [p.name for p in places.search("Stokcmann", limit=5)]
    assert places.search("Atenuem", near=RAILWAY_STATION, limit=3)[0].name.startswith("Ateneum")
    assert "Mannerheimintie" in [p.name for p in places.search("Manerheimintie", limit=5)]


def test_diacritics_and_case_are_ignored(places: PlaceIndex) -> None:
    for query in ("Töölönlahdenkatu", "toolonlahdenkatu", "TOOLONLAHDENKATU"):
        first = places.search(query)[0]
        assert first.name == "Töölönlahdenkatu"
        assert first.category == "street"
    assert normalize_name("Ølhus  Stockholm!") == "olhus stockholm"
    assert fold_ascii("Töölön tori, Straße") == "Toolon tori, Strasse"


def test_results_rank_by_distance_within_a_match_tier(places: PlaceIndex) -> None:
    # Many K-Market shops share the prefix; the nearest comes first.
    for near in (RAILWAY_STATION, SOUTH_HARBOUR):
        results = places.search("K-Market", near=near, limit=10)
        prefix = [p for p in results if normalize_name(p.name).startswith("k market")]
        assert len(prefix) >= 3
        distances = [haversine_m(near, p.position) for p in prefix]
        assert distances == sorted(distances)
    from_station = places.search("K-Market", near=RAILWAY_STATION, limit=1)[0]
    from_harbour = places.search("K-Market", near=SOUTH_HARBOUR, limit=1)[0]
    assert from_station.place_id != from_harbour.place_id


def test_limit_is_respected(places: PlaceIndex) -> None:
    assert len(places.search("ravintola", limit=3)) == 3
    with pytest.raises(ValueError, match=r"Field 'limit' must be at least 1"):
        places.search("ravintola", limit=0)


@pytest.mark.parametrize("query", ["", "   ", "!?-"])
def test_empty_query_is_a_value_error(places: PlaceIndex, query: str) -> None:
    with pytest.raises(ValueError, match=r"Field 'query' must contain at least one letter"):
        places.search(query)


def test_get_place_round_trips(places: PlaceIndex) -> None:
    place = places.search("Ateneum")[0]
    assert re.fullmatch(r"(node|way)/\d+", place.place_id)
    assert places.get(place.place_id) == place


def test_unknown_place_id_is_not_found(places: PlaceIndex) -> None:
    with pytest.raises(PlaceNotFoundError, match=r"Field 'place_id' names no known place"):
        places.get("node/1")
    with pytest.raises(KeyError):
        places.get("no such id")


def test_categories_cover_amenities_shops_tourism_places_and_streets(places: PlaceIndex) -> None:
    kinds = {p.category.split(":")[0] for p in places}
    assert {"amenity", "shop", "tourism", "place", "street"} <= kinds


def test_place_names_are_short_ascii_and_distinct(places: PlaceIndex) -> None:
    names = places.names(limit=300)
    assert 100 <= len(names) <= 300
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9]+( [A-Za-z0-9]+){0,3}", name), name
        assert len(name) <= 32
    # Folded from "Töölönlahdenkatu"; searching the folded name finds the original.
    assert "Toolonlahdenkatu" in places.names(limit=10_000)
    assert places.search("Toolonlahdenkatu")[0].name == "Töölönlahdenkatu"
