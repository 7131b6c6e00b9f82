"""Korean text understanding: one matcher for phrases written in Hangul.

Korean does not split a command the way English does. A place is followed
by a particle ("시청으로", "카페를", "강남역까지"), the verb takes one of many
endings for the same request ("안내해 줘", "안내해줘", "안내해 주세요",
"안내해요", "안내 부탁해"), spacing is free ("지도 확대" / "지도확대"), and a
noun alone is a command ("지도 확대", "안내 취소"). So both the phrase and the
text are brought to one *compact form* before they are compared:

1. punctuation, the wake phrase ("헤이 카") and fillers ("좀", "제발", "저기")
   go, then every space: spacing never matters;
2. the request ending is taken off the end, again and again: "주세요", "줘",
   "봐", "요", "부탁해", "하세요", "해" …, so "안내해 주세요" and "안내" meet;
3. an infinitive 아/어 after a closed syllable goes too ("찾아" → "찾",
   "열어" → "열"), so "찾아 줘", "찾기" and "찾자" meet.

A phrase is then its words and slots in compact form, and matching walks
them over the compact text: after a slot, and between two words, a particle
(으로/로/까지/에/에서/을/를/이/가/은/는 …) may stand and is dropped. A
``{place}`` takes a known place name (compared compact: "서울 시청" and
"서울시청" are one name) with confidence 1.0, or, in typed text, any words
with 0.7; an open place never ends in a particle it could have stripped, so
"시청으로 안내" gives "시청". A ``{number}`` takes digits or Sino-Korean numerals
("이십일" → 21). Slot values are cut from the text as written (spaces kept).

Which texts go here: any text with a Hangul letter, whatever the head unit's
locale (the locale picks the language answers are spoken in; the script of
the text picks the parser, so a Korean driver may still say "zoom in").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "KOREAN_PHRASES",
    "CompactPlaces",
    "CompactText",
    "KoreanPhrase",
    "compact_korean",
    "compile_korean",
    "has_hangul",
    "match_korean",
    "parse_korean_number",
    "places_of",
    "prepare",
]

#: The built-in intents' Korean phrases (IntentRegistry adds them to BUILTIN_INTENTS).
#: Written in the plain form a driver would say; endings, particles after a slot
#: or a word, spacing and fillers vary freely (see the module docstring), so one
#: row covers "시청으로 안내해 줘", "시청까지 안내 부탁해요" and "시청 안내".
KOREAN_PHRASES: dict[str, tuple[str, ...]] = {
    "navigate": (
        "{place} 안내",
        "{place} 길 안내",
        "{place} 경로 안내",
        "{place} 안내 시작",
        "{place} 가",
        "{place} 가고 싶어",
        "{place} 데려다",
        "{place} 가는 길",
        "{place} 가는 길 안내",
        "{place} 가는 길 알려",
        "{place} 길 찾기",
        "{place} 경로",
        "{place} 어떻게 가",
        "목적지 {place} 설정",
        "목적지 {place}",
        "{place} 목적지 설정",
        "{place} 목적지",
    ),
    "search": (
        "{place} 찾아",
        "{place} 검색",
        "{place} 어디 있어",
        "{place} 어디",
        "근처 {place} 찾아",
        "근처 {place} 검색",
        "근처 {place}",
        "주변 {place} 찾아",
        "주변 {place} 검색",
        "주변 있는 {place} 찾아",
        "근처 있는 {place} 찾아",
        "가까운 {place} 찾아",
        "가까운 {place} 검색",
        "{place} 보여",
    ),
    "zoom_in": ("지도 확대", "확대", "지도 크게", "크게", "지도 키워", "줌 인"),
    "zoom_out": ("지도 축소", "축소", "지도 작게", "작게", "지도 줄여", "줌 아웃"),
    "open_browser": (
        "브라우저 열어",
        "브라우저 켜",
        "브라우저 실행",
        "인터넷 열어",
        "인터넷 켜",
        "인터넷 브라우저 열어",
        "웹 브라우저 열어",
        "인터넷 실행",
    ),
    "go_back": (
        "뒤로 가",
        "뒤로",
        "이전 페이지",
        "이전 페이지 가",
        "이전 페이지 돌아가",
        "이전 화면",
        "돌아가",
    ),
    "cancel": (
        "취소",
        "안내 취소",
        "길 안내 취소",
        "경로 안내 취소",
        "경로 취소",
        "안내 종료",
        "안내 중지",
        "안내 그만",
        "길 안내 그만",
        "그만",
        "내비 꺼",
        "목적지 삭제",
    ),
}

_HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_TOKEN_RE = re.compile(r"[^\W_]+")
_LEADING: tuple[tuple[str, ...], ...] = (
    ("헤이", "카"),
    ("헤이카",),
    ("오케이", "카"),
    ("hey", "car"),
    ("ok", "car"),
    ("okay", "car"),
)
#: Words that carry no meaning for the intent, wherever they stand.
FILLERS = frozenset(
    {
        "좀",
        "제발",
        "빨리",
        "저기",
        "저기요",
        "음",
        "어",
        "그럼",
        "자",
        "나",
        "날",
        "나를",
        "저",
        "저를",
        "please",
        "지금",
        "한번",
    }
)
#: Request endings, taken off the end of the compact text (longest first, repeatedly).
ENDINGS: tuple[str, ...] = tuple(
    sorted(
        {
            # giving: 주다
            "주시겠어요",
            "주시겠습니까",
            "주실래요",
            "주시오",
            "주세요",
            "줄래요",
            "줄래",
            "줘요",
            "줘라",
            "줘",
            "주라",
            "주십시오",
            "줄수있어",
            "줄수있어요",
            "줄수있니",
            # trying: 보다
            "봐줄래",
            "봐줘",
            "봐요",
            "봐라",
            "봐",
            "볼래",
            # asking: 부탁하다
            "부탁합니다",
            "부탁드립니다",
            "부탁드려요",
            "부탁해요",
            "부탁해",
            # 하다 verbs: "안내해", "확대하기", "검색하세요"
            "하십시오",
            "하시오",
            "하세요",
            "합시다",
            "합니다",
            "할래요",
            "할래",
            "하자",
            "해요",
            "해라",
            "하라",
            "하기",
            "하고싶어요",
            "하고싶어",
            "해",
            # other verbs: "가자", "가요", "찾기", "찾을래", "가고 싶어"
            "고싶어요",
            "고싶어",
            "을래요",
            "을래",
            "래요",
            "세요",
            "기",
            "자",
            "요",
            "니",
            "냐",
            "야",
            "라",
        },
        key=len,
        reverse=True,
    )
)
#: Particles that may follow a slot or a word; dropped.
PARTICLES: tuple[str, ...] = (
    "방향으로",
    "쪽으로",
    "으로",
    "에서",
    "에게",
    "까지",
    "로",
    "에",
    "을",
    "를",
    "이",
    "가",
    "은",
    "는",
    "의",
)
_HANGUL_FIRST = 0xAC00
_OPEN_PLACE_CONFIDENCE = 0.7
_SINO_DIGITS = {
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "륙": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
_SINO_POWERS = {"십": 10, "백": 100}
_MAX_NUMBER = 999


def has_hangul(text: str) -> bool:
    """Whether ``text`` has a Hangul letter (and so goes to the Korean matcher)."""
    return _HANGUL_RE.search(text) is not None


def _closed(syllable: str) -> bool:
    code = ord(syllable) - _HANGUL_FIRST
    return 0 <= code <= 11171 and code % 28 != 0


def _strip_endings(compact: str, keep: int = 0) -> str:
    """Take request endings off the end, never below ``keep`` characters (a slot's end)."""
    changed = True
    while changed:
        changed = False
        for ending in ENDINGS:
            if compact.endswith(ending) and len(compact) - len(ending) >= max(1, keep):
                compact = compact[: -len(ending)]
                changed = True
                break
    # The infinitive after a closed syllable: 찾아 → 찾, 열어 → 열 (가, 켜, 꺼 stay).
    if (
        len(compact) >= 2
        and len(compact) - 1 >= max(1, keep)
        and compact[-1] in "아어"
        and _closed(compact[-2])
    ):
        compact = compact[:-1]
    return compact


@dataclass(frozen=True, slots=True)
class CompactText:
    """Text in compact form, with where each compact character stood in ``spaced``."""

    compact: str
    spaced: str
    where: tuple[int, ...]

    def original(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        return self.spaced[self.where[start] : self.where[end - 1] + 1].strip()


def _tokens(text: str) -> list[str]:
    tokens = _TOKEN_RE.findall(text.lower())
    changed = True
    while changed and tokens:
        changed = False
        for lead in _LEADING:
            if tuple(tokens[: len(lead)]) == lead:
                tokens = tokens[len(lead) :]
                changed = True
    return [t for t in tokens if t not in FILLERS]


def _prepare(text: str) -> CompactText:
    spaced = " ".join(_tokens(text))
    where = tuple(i for i, ch in enumerate(spaced) if ch != " ")
    compact = spaced.replace(" ", "")
    stripped = _strip_endings(compact)
    return CompactText(stripped, spaced, where[: len(stripped)])


def compact_korean(text: str) -> str:
    """The compact form of ``text``: no fillers, no spaces, no request ending.

    ``compact_korean("지도 좀 확대해 주세요") == "지도확대"``.
    """
    return _prepare(text).compact


def parse_korean_number(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Yield ``(value, end)`` for numbers 0–999 at ``text[start]``: digits or Sino-Korean.

    Longest reading first: "이십일도" gives (21, 3) before (20, 2) and (2, 1).
    """
    digits = re.match(r"\d+", text[start:])
    if digits:
        value = int(digits.group())
        if value <= _MAX_NUMBER:
            yield value, start + digits.end()
        return
    found: list[tuple[int, int]] = []
    total, pending, i = 0, 0, start
    while i < len(text):
        ch = text[i]
        if ch in _SINO_DIGITS and pending == 0:
            pending = _SINO_DIGITS[ch]
        elif ch in _SINO_POWERS:
            unit = _SINO_POWERS[ch]
            if total and total < unit * 10 and total % (unit * 10) < unit:
                break  # 십백: not a number
            total += (pending or 1) * unit
            pending = 0
        elif ch == "영" and i == start:
            found.append((0, i + 1))
            break
        else:
            break
        i += 1
        value = total + pending
        if 0 < value <= _MAX_NUMBER:
            found.append((value, i))
    yield from sorted(found, key=lambda item: -item[1])


@dataclass(frozen=True, slots=True)
class KoreanPhrase:
    """A phrase in compact form: words (compact strings) and slots ``(name, type)``."""

    parts: tuple[str | tuple[str, str], ...]

    @property
    def key(self) -> str:
        """The form two phrases collide on (slot names do not matter)."""
        return "ko:" + " ".join(p if isinstance(p, str) else "{" + p[1] + "}" for p in self.parts)

    @property
    def literal_chars(self) -> int:
        """How many letters the phrase's words have: more is more specific."""
        return sum(len(p) for p in self.parts if isinstance(p, str))


def compile_korean(parts: Sequence[str | tuple[str, str]]) -> KoreanPhrase:
    """Compile a parsed phrase (words and ``(name, type)`` slots) to compact form.

    Fillers are dropped, a particle written after a slot ("{place}으로") is
    dropped (any particle is accepted there), and the last word loses its
    request ending as the text will.
    """
    out: list[str | tuple[str, str]] = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            word = "".join(_tokens(part))
            if not word:
                continue
            if out and not isinstance(out[-1], str) and word in PARTICLES and i < len(parts) - 1:
                continue  # "{place}으로 안내": any particle may stand there
            out.append(word)
        else:
            out.append(part)
    # "트렁크 열어 줘": a last word made only of endings goes with them.
    while len(out) >= 2 and isinstance(out[-1], str) and _only_endings(out[-1]):
        out.pop()
    if out and isinstance(out[-1], str):
        out[-1] = _strip_endings(out[-1])
    return KoreanPhrase(tuple(out))


def _only_endings(word: str) -> bool:
    """Whether ``word`` is nothing but request endings ("줘", "주세요", "해 줘")."""
    if not word:
        return True
    return any(word.startswith(e) and _only_endings(word[len(e) :]) for e in ENDINGS)


class CompactPlaces:
    """What a ``{place}`` slot may take: known names in compact form."""

    def __init__(self, names: Sequence[str]) -> None:
        by_key: dict[str, str] = {}
        for name in names:
            key = "".join(_TOKEN_RE.findall(name.lower()))
            if key and key not in by_key:
                by_key[key] = name
        self.by_key = by_key
        self.lengths = sorted({len(k) for k in by_key}, reverse=True)

    def at(self, compact: str, start: int) -> Iterator[tuple[str, int]]:
        for length in self.lengths:
            key = compact[start : start + length]
            if len(key) == length and key in self.by_key:
                yield self.by_key[key], start + length


def _particle_ends(compact: str, pos: int) -> list[int]:
    """Where the text may continue after an optional particle at ``pos`` (none first)."""
    ends = [pos]
    ends.extend(pos + len(p) for p in PARTICLES if compact.startswith(p, pos))
    return ends


def _ends_in_particle(value: str) -> bool:
    # A name ending in a lone 으 is the first half of 으로 ("없는곳으|로").
    return value.endswith("으") or any(
        value.endswith(p) and len(value) > len(p) for p in PARTICLES if p != "의"
    )


def match_korean(
    phrase: KoreanPhrase,
    text: str | CompactText,
    places: Sequence[str] | CompactPlaces,
    *,
    open_places: bool = True,
) -> tuple[dict[str, str], float] | None:
    """Match ``text`` against ``phrase`` entirely; return its slots and confidence, or None."""
    prepared = _prepare(text) if isinstance(text, str) else text
    compact = prepared.compact
    parts = phrase.parts
    if not all(p in compact for p in parts if isinstance(p, str)):
        return None  # a word of the phrase is missing: no need to walk
    index = places if isinstance(places, CompactPlaces) else CompactPlaces(places)

    def walk(p: int, t: int) -> tuple[dict[str, str], float] | None:
        if p == len(parts):
            return ({}, 1.0) if t == len(compact) else None
        part = parts[p]
        last = p == len(parts) - 1
        if isinstance(part, str):
            if not compact.startswith(part, t):
                return None
            nexts = [t + len(part)] if last else _particle_ends(compact, t + len(part))
            for nxt in nexts:
                rest = walk(p + 1, nxt)
                if rest is not None:
                    return rest
            return None
        name, kind = part
        options: list[tuple[str, int, float]] = []
        if kind == "number":
            options.extend((str(v), end, 1.0) for v, end in parse_korean_number(compact, t))
        elif kind == "place":
            options.extend((n, end, 1.0) for n, end in index.at(compact, t))
            if open_places:
                spans = [
                    end
                    for end in range(len(compact), t, -1)
                    if not _ends_in_particle(compact[t:end])
                ]
                options.extend(
                    (prepared.original(t, end), end, _OPEN_PLACE_CONFIDENCE) for end in spans
                )
        else:  # any
            options.extend(
                (prepared.original(t, end), end, 1.0) for end in range(len(compact), t, -1)
            )
        for value, end, conf in options:
            nexts = [end] if last else _particle_ends(compact, end)
            for nxt in nexts:
                rest = walk(p + 1, nxt)
                if rest is not None:
                    slots, rest_conf = rest
                    return {name: value, **slots}, min(conf, rest_conf)
        return None

    return walk(0, 0)


def prepare(text: str) -> CompactText:
    """The compact form of a text with the map back to its words (match it many times)."""
    return _prepare(text)


def places_of(names: Sequence[str]) -> CompactPlaces:
    """Place names indexed in compact form (build once, match many phrases)."""
    return CompactPlaces(names)
