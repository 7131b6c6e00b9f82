"""Place search over OSM names: prefix, word-prefix, substring, Hangul initials and fuzzy matching.

Every name of a place is searched: ``name`` and each ``name:<language>``
("Seoul City Hall" and "서울시청" find the same place). Names and queries are
compared as keys: folded, lower case, and Hangul written as keystroke jamo
(see :mod:`._hangul`), so a syllable still being typed matches as a prefix.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from . import _hangul
from ._cache import PerMapCache
from ._graph import MapData
from ._osm import RawPlace
from ._types import LatLon, PlaceNotFoundError, haversine_m_np, name_in_locale

__all__ = [
    "Place",
    "PlaceIndex",
    "display_name",
    "fold_ascii",
    "normalize_name",
    "place_index",
    "search_key",
]

# Letters that NFKD does not decompose into a base letter plus a mark.
_SPECIAL_FOLDS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D",
     "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ß": "ss", "ı": "i"}
)  # fmt: skip
_NON_WORD = re.compile(r"[\W_]+")
# Hangul syllables and jamo (conjoining, compatibility, extended): NFKD would
# split syllables into conjoining jamo, so fold_ascii leaves these runs alone.
_HANGUL_RUNS = re.compile("([\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff]+)")
_GRAMMAR_SAFE = re.compile(r"^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$")
# Fuzzy matches below this difflib ratio are noise rather than typos.
_FUZZY_MIN_RATIO = 0.7
_FUZZY_CANDIDATES = 300
# Hangul queries shorter than this many jamo (one syllable and a bit) get no
# typo tolerance: one edit in three keystrokes is another word, not a typo.
_JAMO_FUZZY_MIN = 4
# One edit per this many jamo of the query, at least one.
_JAMO_PER_EDIT = 8
# Match tiers, best first: ranking is by tier, then (fuzzy only) by
# similarity rounded to 0.1, then by distance. A query of Hangul initial
# consonants only ("ㅅㅊ") matches names whose initials are it, then names
# whose initials start with it, then names whose initials contain it.
(
    _EXACT,
    _PREFIX,
    _WORD_PREFIX,
    _SUBSTRING,
    _CHOSEONG_EXACT,
    _CHOSEONG_PREFIX,
    _CHOSEONG,
    _FUZZY,
) = range(8)
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
    #: The OSM ``name:<language>`` tags as sorted (language, name) pairs, e.g.
    #: (("en", "Seoul City Hall"), ("ko", "서울시청")); ``name`` is the local name.
    #: :func:`display_name` picks the one for a locale.
    names: tuple[tuple[str, str], ...] = ()


def display_name(place: Place, locale: str) -> str:
    """Return the name of ``place`` to show in ``locale``.

    That is ``name:<language>`` of the locale's language when the data has it,
    else the local ``name``: for a place tagged ``name=서울시청``,
    ``name:en=Seoul City Hall``, ``display_name(place, "en")`` is "Seoul City
    Hall", ``display_name(place, "ko")`` and ``display_name(place, "de")`` are
    "서울시청".

    :param locale: A language tag such as "ko", "en-XA" or "de-AT".
    :raises ValueError: If ``locale`` is empty.
    """
    return name_in_locale(place.name, dict(place.names), locale)


def _strip_marks(text: str) -> str:
    if text.isascii():  # most names: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_ascii(text: str) -> str:
    """Return ``text`` with diacritics removed (ä→a, ø→o, ß→ss), case kept.

    Hangul is kept as written (only composed to syllables where it was in jamo).
    """
    parts = _HANGUL_RUNS.split(text.translate(_SPECIAL_FOLDS))
    # re.split with a group alternates: text between runs, a run, text between…
    return "".join(
        unicodedata.normalize("NFC", part) if odd else _strip_marks(part)
        for odd, part in zip(itertools.cycle((False, True)), parts, strict=False)
    )


def normalize_name(text: str) -> str:
    """Return the search key of a name: folded, lower case, words split by one space."""
    return _NON_WORD.sub(" ", fold_ascii(text).casefold()).strip()


def search_key(text: str) -> str:
    """Return the key search compares: :func:`normalize_name` with Hangul as keystroke jamo.

    ``search_key("Seoul 시청") == "seoul ㅅㅣㅊㅓㅇ"``; a name without Hangul
    keys as :func:`normalize_name` does.
    """
    return _hangul.to_jamo(normalize_name(text))


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
                names=tuple(sorted(r.names.items())),
            )
            for r, address in zip(raw, addresses, strict=True)
        ]
        self._by_id = {p.place_id: p for p in self._places}
        # The local name's key breaks ties alphabetically.
        self._keys = [normalize_name(p.name) for p in self._places]
        # One entry per distinct key of each place's names: the match keys
        # (Hangul as keystroke jamo) and which place each belongs to.
        self._entry_keys: list[str] = []
        self._entry_place: list[int] = []
        # (initial consonants, place) of every name with Hangul.
        self._choseong: list[tuple[str, int]] = []
        # The plain jamo of each entry with Hangul, that typos are counted on.
        self._entry_jamo: dict[int, str] = {}
        for i, place in enumerate(self._places):
            seen: set[str] = set()
            # dict.fromkeys: many name:<language> tags repeat name.
            for name in dict.fromkeys((place.name, *(n for _, n in place.names))):
                normalized = self._keys[i] if name == place.name else normalize_name(name)
                key = normalized if normalized.isascii() else _hangul.to_jamo(normalized)
                if not key or key in seen:
                    continue
                seen.add(key)
                self._entry_keys.append(key)
                self._entry_place.append(i)
                initials = "" if normalized.isascii() else _hangul.choseong(normalized)
                if initials:
                    self._choseong.append((initials, i))
                    self._entry_jamo[len(self._entry_keys) - 1] = _hangul.to_jamo(
                        normalized, keystrokes=False
                    )
        # All keys in one string (keys hold no newline): one str.find pass per
        # query finds the names containing it, several times faster than a loop.
        self._joined = "\n".join(self._entry_keys)
        self._entry_start = list(
            itertools.accumulate((len(k) + 1 for k in self._entry_keys[:-1]), initial=0)
        )
        self._sorted_keys = sorted((k, e) for e, k in enumerate(self._entry_keys))
        words = [(w, e) for e, k in enumerate(self._entry_keys) for w in set(k.split())]
        self._sorted_words = sorted(words)
        grams: defaultdict[str, list[int]] = defaultdict(list)
        for e, key in enumerate(self._entry_keys):
            for gram in _trigrams(key):
                grams[gram].append(e)
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

        Every name of a place counts (``name`` and each ``name:<language>``).
        Matching ignores case and diacritics ("toolon" finds "Töölö"). Exact
        names rank first, then names starting with the query, then names with
        a word starting with it, then names containing it, then (for a query
        of Hangul initial consonants such as "ㅅㅊ") names whose syllables'
        initials are it, then start with it, then contain it, then
        fuzzy matches that tolerate typos (on Hangul, about one wrong jamo in
        eight); within each tier the place nearest to ``near`` comes first
        (alphabetical without ``near``). Hangul compares by jamo, so a
        syllable still being typed matches ("시ㅊ" or "싳" finds 시청).

        :param query: What the user typed or said.
        :param near: Rank nearer places first; usually the vehicle position.
        :param limit: The most results to return, at least 1.
        :raises ValueError: If ``query`` has no letter or digit, or ``limit`` < 1.
        """
        key = search_key(query)
        if not key:
            raise ValueError(
                f"Field 'query' must contain at least one letter or digit; got {query!r}."
            )
        if limit < 1:
            raise ValueError(f"Field 'limit' must be at least 1; got {limit}.")
        tiers: dict[int, tuple[int, float]] = {}
        owner = self._entry_place

        def add(i: int, tier: int, similarity: float = 1.0) -> None:
            if i not in tiers or tiers[i] > (tier, -similarity):
                tiers[i] = (tier, -similarity)

        start = bisect.bisect_left(self._sorted_keys, (key, -1))
        for name_key, e in self._sorted_keys[start:]:
            if not name_key.startswith(key):
                break
            add(owner[e], _EXACT if name_key == key else _PREFIX)
        first_word = key.split()[0]
        start = bisect.bisect_left(self._sorted_words, (first_word, -1))
        for word, e in self._sorted_words[start:]:
            if not word.startswith(first_word):
                break
            if f" {key}" in f" {self._entry_keys[e]}":
                add(owner[e], _WORD_PREFIX)
        if _hangul.is_choseong_query(key):
            # Consonants alone would match inside syllables (the final of one
            # and the initial of the next) and as typos of anything: compare
            # them with the names' initials instead.
            initials = key.replace(" ", "")
            for name_initials, i in self._choseong:
                if name_initials == initials:
                    add(i, _CHOSEONG_EXACT)
                elif name_initials.startswith(initials):
                    add(i, _CHOSEONG_PREFIX)
                elif initials in name_initials:
                    add(i, _CHOSEONG)
        else:
            for e in self._containing(key):
                add(owner[e], _SUBSTRING)
            if len(tiers) < limit:
                if _hangul.has_hangul(key):
                    # Jamo edits are few and whole: their similarity needs no rounding.
                    jamo = _hangul.to_jamo(normalize_name(query), keystrokes=False)
                    for i, similarity in self._fuzzy_jamo(key, jamo, tiers.keys()):
                        add(i, _FUZZY, similarity)
                else:
                    for i, similarity in self._fuzzy(key, tiers.keys()):
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

    def _containing(self, key: str) -> Iterator[int]:
        """Yield the entries whose key contains ``key``, in entry order."""
        at = self._joined.find(key)
        while at >= 0:
            e = bisect.bisect_right(self._entry_start, at) - 1
            yield e
            next_start = at + 1 if e + 1 >= len(self._entry_start) else self._entry_start[e + 1]
            at = self._joined.find(key, next_start)

    def _candidates(self, key: str, matched: Collection[int]) -> list[int]:
        """Return entries sharing enough trigrams with ``key`` to be a typo of it.

        Entries of ``matched`` places are left out: a fuzzy match is the
        lowest tier, so it would not change where they rank.
        """
        counts = np.zeros(len(self._entry_keys), dtype=np.int64)
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
        owner = self._entry_place
        return [e for e in candidates.tolist() if owner[e] not in matched]

    def _fuzzy(self, key: str, matched: Collection[int]) -> list[tuple[int, float]]:
        """Return (place, similarity) of names similar to ``key`` despite typos."""
        n_words = len(key.split())
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        out: list[tuple[int, float]] = []
        for e in self._candidates(key, matched):
            name_key = self._entry_keys[e]
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
                out.append((self._entry_place[e], best))
        return out

    def _fuzzy_jamo(self, key: str, jamo: str, matched: Collection[int]) -> list[tuple[int, float]]:
        """Return (place, similarity) of names a few jamo edits from a Hangul query.

        ``key`` is the query's search key (keystroke jamo), which picks the
        candidates; ``jamo`` its plain jamo, on which edits are counted: from
        the query to the start of the name or of any of its words, so a wrong
        vowel or final consonant costs one edit, also in a name still being
        typed. A fit to whole words ranks before a fit to the start of a longer
        word with as many edits ("서울녁": 서울역, then 서울역사박물관).
        Similarity is 1 - edits / jamo in the query, half an edit less for a
        whole-word fit.
        """
        letters = len(jamo.replace(" ", ""))
        if letters < _JAMO_FUZZY_MIN:
            return []
        allowed = max(1, letters // _JAMO_PER_EDIT)
        out: list[tuple[int, float]] = []
        for e in self._candidates(key, matched):
            name_jamo = self._entry_jamo.get(e)
            if name_jamo is None:  # no Hangul in this name
                continue
            best = math.inf
            for start in (0, *(m.end() for m in re.finditer(" ", name_jamo))):
                rest = name_jamo[start:]
                for j, edits in enumerate(_hangul.prefix_edit_distances(jamo, rest, allowed)):
                    if edits <= allowed:
                        whole = j == len(rest) or rest[j] == " "
                        best = min(best, edits if whole else edits + 0.5)
            if best <= allowed + 0.5:
                out.append((self._entry_place[e], 1.0 - best / len(jamo)))
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
    """Return one record per street name, at the way midpoint nearest its centre.

    Its ``name:<language>`` tags are the union of its ways' (the first way by
    id that has a language gives it), as mappers tag some segments only.
    """
    groups: defaultdict[str, list[RawPlace]] = defaultdict(list)
    for street in streets:
        groups[street.name].append(street)
    merged = []
    for name, parts in groups.items():
        lat = np.asarray([p.lat for p in parts])
        lon = np.asarray([p.lon for p in parts])
        centre = haversine_m_np(lat.mean(), lon.mean(), lat, lon)
        best = parts[int(np.argmin(centre))]
        names: dict[str, str] = {}
        for part in sorted(parts, key=lambda p: p.osm_id):
            for language, localized in part.names.items():
                names.setdefault(language, localized)
        merged.append(
            RawPlace(best.osm_type, best.osm_id, name, "street", best.lat, best.lon, names=names)
        )
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
