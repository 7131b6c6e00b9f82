"""Place.category is "key:value" of the place's OSM tag, or "street", as the proto and
docs/guides/maps.md say (the proto once said "amenity=cafe")."""

from __future__ import annotations

import re
from pathlib import Path

import cardeck
from cardeck_sim.maps import LatLon, PlaceIndex

ROOT = Path(__file__).resolve().parents[3]
CATEGORY = re.compile(r"[a-z_]+:[^=]+|street")  # OSM values may hold spaces: "deli; kitchen"


def test_every_place_category_is_key_colon_value_or_street(places: PlaceIndex) -> None:
    bad = sorted({p.category for p in places if not CATEGORY.fullmatch(p.category)})
    assert not bad, bad
    assert {p.category for p in places} >= {"street", "amenity:cafe", "tourism:hotel"}


def test_the_maps_guide_example_shows_what_search_returns(places: PlaceIndex) -> None:
    [hotel, *_] = places.search("hotel arthur", near=LatLon(60.1712, 24.9415))
    assert (hotel.name, hotel.category) == ("Hotel Arthur", "tourism:hotel")
    guide = (ROOT / "docs" / "guides" / "maps.md").read_text()
    assert f"Hotel Arthur {hotel.category}" in guide
    assert "`key:value`" in guide
    proto = (ROOT / "protos" / "cardeck" / "v1" / "maps_service.proto").read_text()
    assert '"key:value"' in proto and "amenity=" not in proto
    assert "``key:value``" in (cardeck.Place.__doc__ or "")
