"""Intents, the registry of who owns which phrase, and text understanding.

A phrase is a sequence of words and slots. Slots are written ``{type}`` or
``{name:type}``:

- ``{place}``: one of the engine's place names (an optional "the" before it
  is accepted); in typed text an unknown place is accepted with a lower
  confidence, so the maps search can still try it;
- ``{number}``: 0 to 999, spoken ("twenty one") or as digits ("21"); the slot
  value is the digits;
- ``{any}``: one or more words, typed text only (a grammar cannot listen for
  arbitrary words, so such phrases are left out of the recognizer grammar).

Words are English letters and apostrophes, or Hangul. A phrase with Hangul is
Korean: it is matched by ``_intents_ko.py`` (particles after a slot, request
endings and spacing vary freely; "{place}으로 안내해 줘" may be written with its
particle) against any text with Hangul, and it stays out of the recognizer
grammar (the acoustic model is English). The built-in intents carry Korean
phrases from :data:`~cardeck_sim.voice._intents_ko.KOREAN_PHRASES`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from ._errors import IntentConflictError
from ._intents_ko import (
    KOREAN_PHRASES,
    CompactPlaces,
    KoreanPhrase,
    compile_korean,
    has_hangul,
    match_korean,
    places_of,
    prepare,
)

__all__ = [
    "BUILTIN_INTENTS",
    "BUILTIN_OWNER",
    "MAX_PROMPT_CHARS",
    "SLOT_TYPES",
    "Intent",
    "IntentRegistry",
    "PlaceIndex",
    "Slot",
    "Understanding",
    "normalize_text",
    "number_to_words",
    "parse_number",
    "parse_phrase",
]

#: Owner of the built-in intents; clients cannot register under this name.
BUILTIN_OWNER = "builtin"
#: The longest confirmation prompt an intent may carry.
MAX_PROMPT_CHARS = 200
#: The slot types a phrase may use.
SLOT_TYPES = frozenset({"place", "number", "any"})

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_UNIT_VALUE = {w: i for i, w in enumerate(_UNITS)}
_TEEN_VALUE = {w: 10 + i for i, w in enumerate(_TEENS)}
_TENS_VALUE = {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_MAX_NUMBER = 999

_WORD_RE = re.compile(r"^(?:[a-z][a-z']*|[\uac00-\ud7a3]+)$")
_SLOT_RE = re.compile(r"^\{(?:([a-z_][a-z0-9_]*):)?([a-z]+)\}$")
# A Korean particle written onto a slot: "{place}으로".
_SLOT_PARTICLE_RE = re.compile(r"^(\{[^{}]*\})([\uac00-\ud7a3]+)$")
# Letters of any script, so "Töölönlahti" stays one word (and is dropped
# from the grammar as a whole rather than as fragments).
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Leading politeness and the wake phrase carry no meaning for the intent.
_LEADING_FILLERS: tuple[tuple[str, ...], ...] = (
    ("hey", "car"),
    ("ok", "car"),
    ("okay", "car"),
    ("please",),
)
_TRAILING_FILLERS: tuple[tuple[str, ...], ...] = (("please",),)
_OPEN_PLACE_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class Slot:
    """A slot in a phrase: ``name`` receives a value of ``type``."""

    name: str
    type: str


def parse_phrase(phrase: str) -> tuple[str | Slot, ...]:
    """Split a phrase into lowercase words and slots.

    :raises ValueError: on an empty phrase, an unknown slot type, a repeated
        slot name or a word with characters other than letters and apostrophes.
    """
    if not isinstance(phrase, str) or not phrase.strip():
        raise ValueError("The field phrases contains an empty phrase; remove it.")
    parts: list[str | Slot] = []
    names: set[str] = set()
    raws: list[str] = []
    for raw in phrase.strip().lower().split():
        glued = _SLOT_PARTICLE_RE.match(raw)
        raws.extend(glued.groups() if glued else (raw,))
    for raw in raws:
        slot = _SLOT_RE.match(raw)
        if slot:
            name, kind = slot.group(1) or slot.group(2), slot.group(2)
            if kind not in SLOT_TYPES:
                raise ValueError(
                    f"The phrase {phrase!r} uses the slot type {kind!r}; the supported types "
                    f"are {', '.join(sorted(SLOT_TYPES))}."
                )
            if name in names:
                raise ValueError(
                    f"The phrase {phrase!r} uses the slot name {name!r} twice; give each "
                    "slot its own name, as in {from:place} and {to:place}."
                )
            names.add(name)
            parts.append(Slot(name, kind))
        elif _WORD_RE.match(raw):
            parts.append(raw)
        else:
            raise ValueError(
                f"The phrase {phrase!r} contains {raw!r}, which is neither a word (English "
                "letters and apostrophes, or Hangul) nor a slot such as {place}; spell "
                "numbers as words or use {number}."
            )
    if all(isinstance(p, Slot) for p in parts):
        raise ValueError(f"The phrase {phrase!r} has no words, only slots; add a word.")
    return tuple(parts)


def _is_korean(parts: Sequence[str | Slot]) -> bool:
    return any(isinstance(p, str) and has_hangul(p) for p in parts)


def _korean(parts: Sequence[str | Slot]) -> KoreanPhrase:
    return compile_korean([p if isinstance(p, str) else (p.name, p.type) for p in parts])


def _phrase_key(parts: Sequence[str | Slot]) -> str:
    """Return the form two phrases collide on: slot names do not matter (nor, in
    Korean, spacing and request endings: "지도 확대" and "지도 확대해" are one)."""
    if _is_korean(parts):
        return _korean(parts).key
    return " ".join(p if isinstance(p, str) else "{" + p.type + "}" for p in parts)


@dataclass(frozen=True, slots=True)
class Intent:
    """Something a user can ask for, with the phrases that ask for it.

    Example::

        Intent("oem.sunroof.open", ("open the sunroof", "open sunroof"), owner="oem")

    :param intent_id: identifier, unique for its owner.
    :param phrases: templates with optional slots such as ``{place}``.
    :param owner: who handles the intent; :meth:`IntentRegistry.register`
        sets it to the registering owner.
    :param actuating: the intent moves hardware (a sunroof, a window): the head
        unit asks first and acts only on a yes.
    :param prompt: the question an actuating intent asks; empty builds it from
        the first phrase ("Open the sunroof?").
    """

    intent_id: str
    phrases: tuple[str, ...]
    owner: str = ""
    actuating: bool = False
    prompt: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.intent_id, str) or not self.intent_id.strip():
            raise ValueError("The field intent_id is empty; give the intent an identifier.")
        if isinstance(self.phrases, str):
            raise TypeError(
                f"The field phrases of intent {self.intent_id!r} must be a tuple of phrases, "
                "not a single string."
            )
        object.__setattr__(self, "phrases", tuple(self.phrases))
        if not self.phrases:
            raise ValueError(f"The intent {self.intent_id!r} has no phrases; add at least one.")
        for phrase in self.phrases:
            parse_phrase(phrase)
        if len(self.prompt) > MAX_PROMPT_CHARS:
            raise ValueError(
                f"The prompt of intent {self.intent_id!r} has {len(self.prompt)} characters; "
                f"keep it to {MAX_PROMPT_CHARS}, a short question the driver answers yes or no."
            )


_ENGLISH_BUILTINS: tuple[Intent, ...] = (
    Intent(
        "navigate",
        (
            "navigate to {place}",
            "take me to {place}",
            "drive to {place}",
            "go to {place}",
            "directions to {place}",
        ),
        BUILTIN_OWNER,
    ),
    Intent("search", ("search for {place}", "find {place}", "look for {place}"), BUILTIN_OWNER),
    Intent("zoom_in", ("zoom in",), BUILTIN_OWNER),
    Intent("zoom_out", ("zoom out",), BUILTIN_OWNER),
    Intent("open_browser", ("open browser", "open the browser"), BUILTIN_OWNER),
    Intent("go_back", ("go back", "go back to the previous page"), BUILTIN_OWNER),
    Intent("cancel", ("cancel", "stop navigation", "cancel navigation"), BUILTIN_OWNER),
)
#: The built-in intents: English phrases, then Korean ones (KOREAN_PHRASES).
BUILTIN_INTENTS: tuple[Intent, ...] = tuple(
    replace(i, phrases=i.phrases + KOREAN_PHRASES.get(i.intent_id, ())) for i in _ENGLISH_BUILTINS
)


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a transcript or typed text means.

    :param transcript: the text that was understood, as heard or typed.
    :param intent_id: the matched intent, or ``None`` for an explicit no-match.
    :param slots: slot name to value; numbers are digits, places canonical names.
    :param confidence: 0 to 1; for speech the calibrated out-of-grammar
        rejection score (see ``_reject.py``), for text 1.0 on an exact match.
    :param owner: who handles the intent, ``None`` on no-match.
    """

    transcript: str
    intent_id: str | None
    slots: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    owner: str | None = None

    @property
    def matched(self) -> bool:
        """Return whether an intent was matched."""
        return self.intent_id is not None

    @classmethod
    def no_match(cls, transcript: str, confidence: float = 0.0) -> Understanding:
        """Return the explicit no-match result for ``transcript``."""
        return cls(transcript=transcript, intent_id=None, slots={}, confidence=confidence)


def normalize_text(text: str) -> list[str]:
    """Lowercase ``text``, drop punctuation and return its words.

    Hyphens split words ("twenty-one" → "twenty", "one"); digits stay tokens.
    """
    return _TOKEN_RE.findall(text.lower().replace("-", " "))


def _strip_fillers(tokens: list[str]) -> list[str]:
    changed = True
    while changed and tokens:
        changed = False
        for filler in _LEADING_FILLERS:
            if tuple(tokens[: len(filler)]) == filler:
                tokens = tokens[len(filler) :]
                changed = True
        for filler in _TRAILING_FILLERS:
            if len(tokens) > len(filler) and tuple(tokens[-len(filler) :]) == filler:
                tokens = tokens[: -len(filler)]
                changed = True
    return tokens


def _number_prefixes(tokens: Sequence[str], start: int) -> Iterator[tuple[int, int]]:
    """Yield ``(value, end)`` for every number that starts at ``tokens[start]``.

    Longest readings come first ("twenty one" before "twenty").
    """
    found: list[tuple[int, int]] = []

    def below_hundred(i: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        if i >= len(tokens):
            return out
        word = tokens[i]
        if word in _UNIT_VALUE:
            out.append((_UNIT_VALUE[word], i + 1))
        elif word in _TEEN_VALUE:
            out.append((_TEEN_VALUE[word], i + 1))
        elif word in _TENS_VALUE:
            out.append((_TENS_VALUE[word], i + 1))
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt in _UNIT_VALUE and nxt != "zero":
                out.append((_TENS_VALUE[word] + _UNIT_VALUE[nxt], i + 2))
        return out

    if start < len(tokens) and tokens[start].isdigit():
        value = int(tokens[start])
        if value <= _MAX_NUMBER:
            yield value, start + 1
        return
    for value, end in below_hundred(start):
        found.append((value, end))
        word = tokens[start]
        if (
            word in _UNIT_VALUE
            and word != "zero"
            and end < len(tokens)
            and tokens[end] == "hundred"
        ):
            hundreds = _UNIT_VALUE[word] * 100
            found.append((hundreds, end + 1))
            rest = end + 1
            if rest < len(tokens) and tokens[rest] == "and":
                rest += 1
            found.extend(
                (hundreds + tail, tail_end) for tail, tail_end in below_hundred(rest) if tail > 0
            )
    yield from sorted(found, key=lambda item: -item[1])


def parse_number(text: str) -> int | None:
    """Parse a whole number 0–999 written in words or digits.

    ``parse_number("twenty one") == 21``, ``parse_number("one hundred and five")
    == 105``; text that is not exactly one number gives ``None``.
    """
    tokens = normalize_text(text)
    for value, end in _number_prefixes(tokens, 0):
        if end == len(tokens):
            return value
    return None


def number_to_words(value: int) -> str:
    """Spell a whole number 0–999 in English words ("twenty one").

    :raises ValueError: when ``value`` is outside 0 to 999.
    """
    if not 0 <= value <= _MAX_NUMBER:
        raise ValueError(f"The field value is {value}; only numbers from 0 to 999 can be spelled.")
    if value < 10:
        return _UNITS[value]
    if value < 20:
        return _TEENS[value - 10]
    if value < 100:
        tens, unit = divmod(value, 10)
        return _TENS[tens - 2] + ("" if unit == 0 else " " + _UNITS[unit])
    hundreds, rest = divmod(value, 100)
    head = _UNITS[hundreds] + " hundred"
    return head if rest == 0 else f"{head} {number_to_words(rest)}"


class PlaceIndex:
    """Place names indexed by their normalised words, for slot matching.

    Example::

        index = PlaceIndex(["City Hall", "Central Station"])
        index.names  # ('City Hall', 'Central Station')
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        by_words: dict[tuple[str, ...], str] = {}
        kept: list[str] = []
        for name in names:
            words = tuple(normalize_text(name))
            if words and words not in by_words:
                by_words[words] = name
                kept.append(name)
        self._by_words = by_words
        self._lengths = sorted({len(w) for w in by_words}, reverse=True)
        self.names: tuple[str, ...] = tuple(kept)
        self._compact: CompactPlaces | None = None

    @property
    def compact(self) -> CompactPlaces:
        """The names in Korean compact form (see ``_intents_ko.py``), built on first use."""
        if self._compact is None:
            self._compact = places_of(self.names)
        return self._compact

    def match(self, tokens: Sequence[str], start: int) -> Iterator[tuple[str, int]]:
        """Yield ``(canonical name, end)`` for known places at ``tokens[start]``, longest first."""
        for length in self._lengths:
            key = tuple(tokens[start : start + length])
            if len(key) == length and key in self._by_words:
                yield self._by_words[key], start + length


@dataclass(frozen=True, slots=True)
class _Compiled:
    intent: Intent
    phrase: str
    parts: tuple[str | Slot, ...]
    literal_count: int


@dataclass(frozen=True, slots=True)
class _CompiledKorean:
    intent: Intent
    phrase: str
    korean: KoreanPhrase


def _match(
    parts: Sequence[str | Slot],
    tokens: Sequence[str],
    places: PlaceIndex,
    open_places: bool,
) -> tuple[dict[str, str], float] | None:
    """Match ``tokens`` against ``parts`` entirely; return slots and confidence."""

    def walk(p: int, t: int) -> tuple[dict[str, str], float] | None:
        if p == len(parts):
            return ({}, 1.0) if t == len(tokens) else None
        part = parts[p]
        options: list[tuple[str, int, float]] = []
        if isinstance(part, str):
            if t < len(tokens) and tokens[t] == part:
                options.append(("", t + 1, 1.0))
        elif part.type == "number":
            options.extend((str(v), end, 1.0) for v, end in _number_prefixes(tokens, t))
        elif part.type == "place":
            starts = [t, t + 1] if t < len(tokens) and tokens[t] == "the" else [t]
            for s in starts:
                options.extend((name, end, 1.0) for name, end in places.match(tokens, s))
            if open_places:
                options.extend(
                    (" ".join(tokens[t:end]), end, _OPEN_PLACE_CONFIDENCE)
                    for end in range(len(tokens), t, -1)
                )
        else:  # any
            options.extend((" ".join(tokens[t:end]), end, 1.0) for end in range(len(tokens), t, -1))
        for value, end, conf in options:
            rest = walk(p + 1, end)
            if rest is not None:
                slots, rest_conf = rest
                if isinstance(part, Slot):
                    slots = {part.name: value, **slots}
                return slots, min(conf, rest_conf)
        return None

    return walk(0, 0)


_C = TypeVar("_C", "_Compiled", "_CompiledKorean")


def _best(
    text: str,
    compiled: Sequence[_C],
    specificity: Callable[[_C], int],
    match: Callable[[_C], tuple[dict[str, str], float] | None],
) -> Understanding:
    """The best match of ``text`` over phrases sorted most specific first, or a no-match.

    Sorted by specificity, nothing after an exact match (confidence 1) that is less
    specific can beat it, so the search stops there.
    """
    best: tuple[float, _C, dict[str, str]] | None = None
    for candidate in compiled:
        if best is not None and best[0] >= 1.0 and specificity(candidate) < specificity(best[1]):
            break
        result = match(candidate)
        if result is not None and (best is None or result[1] > best[0]):
            best = (result[1], candidate, result[0])
    if best is None:
        return Understanding.no_match(text)
    confidence, found, slots = best
    return Understanding(
        transcript=text,
        intent_id=found.intent.intent_id,
        slots=slots,
        confidence=confidence,
        owner=found.intent.owner,
    )


class IntentRegistry:
    """Which owner holds which intents and phrases; understands text.

    Thread-safe: registrations may come from several client streams.

    Example::

        registry = IntentRegistry()
        registry.register("oem", [Intent("sunroof.open", ("open the sunroof",))])
        registry.understand("Open the sunroof!").owner  # 'oem'
    """

    def __init__(self, include_builtins: bool = True) -> None:
        self._lock = threading.Lock()
        self._by_owner: dict[str, tuple[Intent, ...]] = {}
        self._phrase_holder: dict[str, str] = {}
        self._compiled: tuple[_Compiled, ...] = ()
        self._korean: tuple[_CompiledKorean, ...] = ()
        self._version = 0
        if include_builtins:
            self._add(BUILTIN_OWNER, BUILTIN_INTENTS)

    @property
    def version(self) -> int:
        """Return a counter that changes whenever the registered intents change."""
        return self._version

    def intents(self) -> tuple[Intent, ...]:
        """Return every registered intent, built-ins first."""
        with self._lock:
            return tuple(i for intents in self._by_owner.values() for i in intents)

    def owners(self) -> tuple[str, ...]:
        """Return the owners that hold intents."""
        with self._lock:
            return tuple(self._by_owner)

    def register(self, owner: str, intents: Iterable[Intent]) -> tuple[Intent, ...]:
        """Register ``intents`` for ``owner``, all or nothing.

        An owner that registers an ``intent_id`` again replaces that intent.

        :returns: the registered intents, with ``owner`` set.
        :raises IntentConflictError: when another owner holds one of the
            phrases; the error lists every conflicting phrase and its holder.
        :raises ValueError: on an empty or reserved owner, or a phrase that
            appears twice in the registration.
        """
        if not isinstance(owner, str) or not owner.strip():
            raise ValueError("The field owner is empty; name the client that owns the intents.")
        if owner == BUILTIN_OWNER:
            raise ValueError(f"The owner name {BUILTIN_OWNER!r} is reserved for built-in intents.")
        stamped = tuple(replace(i, owner=owner) for i in intents)
        with self._lock:
            self._add(owner, stamped)
            return stamped

    def _add(self, owner: str, intents: tuple[Intent, ...]) -> None:
        """Validate and add, with the lock held (or from ``__init__``)."""
        previous = self._by_owner.get(owner, ())
        new_ids = {i.intent_id for i in intents}
        merged = tuple(i for i in previous if i.intent_id not in new_ids) + intents
        seen: dict[str, str] = {}
        conflicts: list[tuple[str, str]] = []
        for intent in merged:
            for phrase in intent.phrases:
                key = _phrase_key(parse_phrase(phrase))
                if key in seen and seen[key] != intent.intent_id:
                    raise ValueError(
                        f"The phrase {phrase!r} is used by both intents {seen[key]!r} and "
                        f"{intent.intent_id!r} of owner {owner!r}; give it to one intent."
                    )
                seen[key] = intent.intent_id
                holder = self._phrase_holder.get(key)
                if holder is not None and holder != owner:
                    conflicts.append((phrase, holder))
        if conflicts:
            raise IntentConflictError(conflicts, owner)
        self._by_owner[owner] = merged
        self._rebuild()

    def find(self, intent_id: str) -> Intent | None:
        """Return the registered intent with this id (as ``Understanding.intent_id``), or None."""
        with self._lock:
            for intents in self._by_owner.values():
                for intent in intents:
                    if intent.intent_id == intent_id:
                        return intent
        return None

    def set_extra_builtins(self, intents: Iterable[Intent]) -> tuple[str, ...]:
        """Replace the built-ins added beyond :data:`BUILTIN_INTENTS` (e.g. yes and no).

        They join the grammar while set. An intent whose phrase a client holds is
        left out rather than failing: the client's phrase keeps its words in the
        grammar, and the caller can still read the transcript.

        :returns: the ids of the intents added.
        """
        added: list[str] = []
        with self._lock:
            base = BUILTIN_INTENTS
            if self._by_owner.get(BUILTIN_OWNER, ()) != base:
                self._by_owner[BUILTIN_OWNER] = base
                self._rebuild()
            for intent in intents:
                try:
                    self._add(BUILTIN_OWNER, (replace(intent, owner=BUILTIN_OWNER),))
                except (IntentConflictError, ValueError):
                    continue
                added.append(intent.intent_id)
        return tuple(added)

    def unregister_owner(self, owner: str) -> int:
        """Remove every intent of ``owner``; return how many were removed."""
        with self._lock:
            removed = self._by_owner.pop(owner, ())
            if removed:
                self._rebuild()
            return len(removed)

    def _rebuild(self) -> None:
        holders: dict[str, str] = {}
        compiled: list[_Compiled] = []
        korean: list[_CompiledKorean] = []
        for owner, intents in self._by_owner.items():
            for intent in intents:
                for phrase in intent.phrases:
                    parts = parse_phrase(phrase)
                    holders[_phrase_key(parts)] = owner
                    if _is_korean(parts):
                        korean.append(_CompiledKorean(intent, phrase, _korean(parts)))
                        continue
                    literals = sum(isinstance(p, str) for p in parts)
                    compiled.append(_Compiled(intent, phrase, parts, literals))
        # The most specific Korean phrase first: more letters in its words.
        korean.sort(key=lambda c: -c.korean.literal_chars)
        self._korean = tuple(korean)
        # Prefer the most specific phrase when several match ("open the
        # sunroof" over "open {any}"), and exact places over open ones.
        compiled.sort(key=lambda c: -c.literal_count)
        self._phrase_holder = holders
        self._compiled = tuple(compiled)
        self._version += 1

    def grammar_phrases(self) -> tuple[tuple[str | Slot, ...], ...]:
        """Return every registered phrase, parsed, for the recognizer grammar.

        Korean phrases are left out: the recognizer's acoustic model is English.
        """
        return tuple(c.parts for c in self._compiled)

    def understand(
        self, text: str, places: PlaceIndex | None = None, *, open_places: bool = True
    ) -> Understanding:
        """Match ``text`` against every registered phrase.

        :param places: known place names for ``{place}`` slots.
        :param open_places: accept an unknown place in a ``{place}`` slot (with
            confidence 0.7); the recognizer turns this off, since its grammar
            can only produce known places.
        :returns: the best match, or :meth:`Understanding.no_match`.
        """
        if not isinstance(text, str):
            raise TypeError(f"The field text must be a string, not {type(text).__name__}.")
        if has_hangul(text):
            return self._understand_korean(text, places, open_places)
        tokens = _strip_fillers(normalize_text(text))
        if not tokens:
            return Understanding.no_match(text)
        index = places if places is not None else PlaceIndex()
        return _best(
            text,
            self._compiled,
            lambda c: c.literal_count,
            lambda c: _match(c.parts, tokens, index, open_places),
        )

    def _understand_korean(
        self, text: str, places: PlaceIndex | None, open_places: bool
    ) -> Understanding:
        """Match text with Hangul against the Korean phrases (see ``_intents_ko.py``)."""
        prepared = prepare(text)
        if not prepared.compact:
            return Understanding.no_match(text)
        index = places.compact if places is not None else places_of(())
        return _best(
            text,
            self._korean,
            lambda c: c.korean.literal_chars,
            lambda c: match_korean(c.korean, prepared, index, open_places=open_places),
        )
