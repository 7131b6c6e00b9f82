"""Place search over OSM names: prefix, word-prefix, substring and fuzzy matching."""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ._cache import PerMapCache
from ._graph import MapData
from ._osm import RawPlace
from ._types import LatLon, PlaceNotFoundError, haversine_m_np

__all__ = ["Place", "PlaceIndex", "fold_ascii", "normalize_name", "place_index"]

# Letters that NFKD does not decompose into a base letter plus a mark.
_SPECIAL_FOLDS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D",
     "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ß": "ss", "ı": "i"}
)  # fmt: skip
_NON_WORD = re.compile(r"[\W_]+")
_GRAMMAR_SAFE = re.compile(r"^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$")
# Fuzzy matches below this difflib ratio are noise rather than typos.
_FUZZY_MIN_RATIO = 0.7
_FUZZY_CANDIDATES = 300
# Match tiers, best first: ranking is by tier, then (fuzzy only) by
# similarity rounded to 0.1, then by distance.
_EXACT, _PREFIX, _WORD_PREFIX, _SUBSTRING, _FUZZY = range(5)
# Voice grammars prefer places people name aloud; lower sorts first.
_NAME_PRIORITY = {"place": 0, "tourism": 1, "street": 2, "amenity": 3, "shop": 4}
_GRAMMAR_MAX_CHARS = 32
_GRAMMAR_MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class Place:
    """A named feature of the map.

    ``place_id`` is the OSM object ("node/123", "way/456"; a street is the
    id of one of its ways); ``category`` is "key:value" of its OSM tag
    ("amenity:cafe", "shop:books", "tourism:museum", "place:square") or
    "street"; ``address`` comes from ``addr:*`` tags, else names the
    nearest road ("near Mannerheimintie"), else is empty.
    """

    place_id: str
    name: str
    category: str
    position: LatLon
    address: str


def fold_ascii(text: str) -> str:
    """Return ``text`` with diacritics removed (ä→a, ø→o, ß→ss), case kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_FOLDS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_name(text: str) -> str:
    """Return the search key of a name: folded, lower case, words split by one space."""
    return _NON_WORD.sub(" ", fold_ascii(text).casefold()).strip()


def _trigrams(key: str) -> set[str]:
    """Return the character trigrams of a search key, padded at word edges."""
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _format_address(tags: dict[str, str], nearest_road: str) -> str:
    """Return "Street 12, 00100 City" from ``addr:*`` tags.

    Without ``addr:street`` the street part names the nearest road
    ("near Kaivokatu") so that the address still says where the place is.
    """
    if tags.get("addr:street"):
        street = " ".join(p for p in (tags["addr:street"], tags.get("addr:housenumber")) if p)
    else:
        street = f"near {nearest_road}" if nearest_road else ""
    town = " ".join(p for p in (tags.get("addr:postcode"), tags.get("addr:city")) if p)
    return ", ".join(p for p in (street, town) if p)


class PlaceIndex:
    """Searchable places of one map; :func:`place_index` returns the map's shared one.

    Building it takes about 0.1 s for the bundled extract, so build it where
    the map is loaded (:func:`load_map` does), not on an event loop.

    Usage::

        places = place_index(MapData.load())
        [p.name for p in places.search("kauppat")]  # -> ['Kauppatori', ...]
    """

    def __init__(self, data: MapData) -> None:
        """Index the map's POIs and streets (one entry per distinct street name)."""
        poi_ids = {(p.osm_type, p.osm_id) for p in data.raw_places}
        # A way that is both a POI and a street is listed once, as the POI.
        raw = list(data.raw_places) + [
            s for s in _merge_streets(data.raw_streets) if (s.osm_type, s.osm_id) not in poi_ids
        ]
        addresses = self._addresses(data, raw)
        self._places: list[Place] = [
            Place(
                place_id=f"{r.osm_type}/{r.osm_id}",
                name=r.name,
                category=r.category,
                position=LatLon(r.lat, r.lon),
                address=address,
            )
            for r, address in zip(raw, addresses, strict=True)
        ]
        self._by_id = {p.place_id: p for p in self._places}
        self._keys = [normalize_name(p.name) for p in self._places]
        self._sorted_keys = sorted((k, i) for i, k in enumerate(self._keys))
        words = [(w, i) for i, k in enumerate(self._keys) for w in set(k.split())]
        self._sorted_words = sorted(words)
        grams: defaultdict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self._keys):
            for gram in _trigrams(key):
                grams[gram].append(i)
        self._grams = {g: np.asarray(ids, dtype=np.int64) for g, ids in grams.items()}
        self._lat = np.asarray([p.position.lat for p in self._places], dtype=np.float64)
        self._lon = np.asarray([p.position.lon for p in self._places], dtype=np.float64)

    @staticmethod
    def _addresses(data: MapData, raw: Sequence[RawPlace]) -> list[str]:
        """Return each place's address, falling back to the nearest named road."""
        if not raw:
            return []
        lat = np.asarray([r.lat for r in raw])
        lon = np.asarray([r.lon for r in raw])
        roads = [data.way_name[data.edge_way[e]] for e in data.nearest_edges(lat, lon)]
        out = []
        for r, road in zip(raw, roads, strict=True):
            if r.category == "street":
                out.append("")
            else:
                out.append(_format_address(r.address, road))
        return out

    def __len__(self) -> int:
        """Return the number of indexed places."""
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        """Iterate over every indexed place, in index order."""
        return iter(self._places)

    def get(self, place_id: str) -> Place:
        """Return the place with the given id.

        :raises PlaceNotFoundError: (a ``KeyError``) If no place has that id.
        """
        try:
            return self._by_id[place_id]
        except KeyError:
            raise PlaceNotFoundError(
                f"Field 'place_id' names no known place: {place_id!r}; "
                "use a place_id returned by search()."
            ) from None

    def search(self, query: str, near: LatLon | None = None, limit: int = 10) -> list[Place]:
        """Find places whose name matches ``query``, best match first.

        Matching ignores case and diacritics ("toolon" finds "Töölö"). Exact
        names rank first, then names starting with the query, then names with
        a word starting with it, then names containing it, then fuzzy matches
        that tolerate typos; within each tier the place nearest to ``near``
        comes first (alphabetical without ``near``).

        :param query: What the user typed or said.
        :param near: Rank nearer places first; usually the vehicle position.
        :param limit: The most results to return, at least 1.
        :raises ValueError: If ``query`` has no letter or digit, or ``limit`` < 1.
        """
        key = normalize_name(query)
        if not key:
            raise ValueError(
                f"Field 'query' must contain at least one letter or digit; got {query!r}."
            )
        if limit < 1:
            raise ValueError(f"Field 'limit' must be at least 1; got {limit}.")
        tiers: dict[int, tuple[int, float]] = {}

        def add(i: int, tier: int, similarity: float = 1.0) -> None:
            if i not in tiers or tiers[i] > (tier, -similarity):
                tiers[i] = (tier, -similarity)

        start = bisect.bisect_left(self._sorted_keys, (key, -1))
        for name_key, i in self._sorted_keys[start:]:
            if not name_key.startswith(key):
                break
            add(i, _EXACT if name_key == key else _PREFIX)
        first_word = key.split()[0]
        start = bisect.bisect_left(self._sorted_words, (first_word, -1))
        for word, i in self._sorted_words[start:]:
            if not word.startswith(first_word):
                break
            if f" {key}" in f" {self._keys[i]}":
                add(i, _WORD_PREFIX)
        for i, name_key in enumerate(self._keys):
            if key in name_key:
                add(i, _SUBSTRING)
        if len(tiers) < limit:
            for i, similarity in self._fuzzy(key):
                add(i, _FUZZY, round(similarity, 1))
        ids = np.fromiter(tiers.keys(), dtype=np.int64, count=len(tiers))
        if near is not None and len(ids):
            distance = haversine_m_np(near.lat, near.lon, self._lat[ids], self._lon[ids])
        else:
            distance = np.zeros(len(ids))
        order = sorted(
            range(len(ids)),
            key=lambda j: (*tiers[int(ids[j])], float(distance[j]), self._keys[int(ids[j])]),
        )
        return [self._places[int(ids[j])] for j in order[:limit]]

    def _fuzzy(self, key: str) -> list[tuple[int, float]]:
        """Return (index, similarity) of names similar to ``key`` despite typos."""
        counts = np.zeros(len(self._places), dtype=np.int64)
        grams = _trigrams(key)
        for gram in grams:
            ids = self._grams.get(gram)
            if ids is not None:
                counts[ids] += 1
        # Each typo spoils about three trigrams; names sharing under a third of
        # the query's trigrams are too far off to pass the similarity threshold.
        candidates = np.flatnonzero(counts >= max(1, len(grams) // 3))
        if len(candidates) > _FUZZY_CANDIDATES:
            top = np.argpartition(-counts[candidates], _FUZZY_CANDIDATES)[:_FUZZY_CANDIDATES]
            candidates = candidates[top]
        n_words = len(key.split())
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        out: list[tuple[int, float]] = []
        for i in candidates.tolist():
            name_key = self._keys[i]
            words = name_key.split()
            # Compare with the whole name and with each run of as many words
            # as the query has, so "mannerheimintei" matches a longer name.
            options = {name_key} | {
                " ".join(words[s : s + n_words]) for s in range(len(words) - n_words + 1)
            }
            best = 0.0
            for option in options:
                matcher.set_seq1(option)
                if matcher.real_quick_ratio() >= _FUZZY_MIN_RATIO:
                    best = max(best, matcher.ratio())
            if best >= _FUZZY_MIN_RATIO:
                out.append((i, best))
        return out

    def names(self, limit: int = 500) -> list[str]:
        """Return distinct place names fit for a speech-recognition grammar.

        Names are folded to ASCII ("Töölön tori" → "Toolon tori"), keep only
        letters, digits and single spaces, have at most 4 words and 32
        characters, and are unique ignoring case. Places, tourism features and
        streets come before amenities and shops, then alphabetical order.

        :param limit: The most names to return.
        :raises ValueError: If ``limit`` is negative.
        """
        if limit < 0:
            raise ValueError(f"Field 'limit' must be 0 or more; got {limit}.")
        ranked: dict[str, tuple[int, str]] = {}
        for place in self._places:
            name = " ".join(fold_ascii(place.name).replace("-", " ").split())
            if (
                not _GRAMMAR_SAFE.match(name)
                or len(name) > _GRAMMAR_MAX_CHARS
                or len(name.split()) > _GRAMMAR_MAX_WORDS
            ):
                continue
            priority = _NAME_PRIORITY.get(place.category.split(":")[0], 9)
            key = name.casefold()
            if key not in ranked or ranked[key][0] > priority:
                ranked[key] = (priority, name)
        ordered = sorted(ranked.values(), key=lambda pn: (pn[0], pn[1].casefold()))
        return [name for _, name in ordered[:limit]]


def _merge_streets(streets: Sequence[RawPlace]) -> list[RawPlace]:
    """Return one record per street name, at the way midpoint nearest its centre."""
    groups: defaultdict[str, list[RawPlace]] = defaultdict(list)
    for street in streets:
        groups[street.name].append(street)
    merged = []
    for name, parts in groups.items():
        lat = np.asarray([p.lat for p in parts])
        lon = np.asarray([p.lon for p in parts])
        centre = haversine_m_np(lat.mean(), lon.mean(), lat, lon)
        best = parts[int(np.argmin(centre))]
        merged.append(RawPlace(best.osm_type, best.osm_id, name, "street", best.lat, best.lon))
    merged.sort(key=lambda p: p.osm_id)
    return merged


_INDEXES: PerMapCache[PlaceIndex] = PerMapCache(PlaceIndex)


def place_index(data: MapData) -> PlaceIndex:
    """Return the place index of the map ``data``, building it on the first call.

    Usage::

        data = load_map()
        place = place_index(data).search("stockmann", near=LatLon(60.1699, 24.9384))[0]
        assert place_index(data).get(place.place_id) == place
    """
    return _INDEXES.get(data)
