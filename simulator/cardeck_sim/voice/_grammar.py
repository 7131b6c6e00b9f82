"""JSGF grammar generation for the recognizer.

A grammar decoder only hears what the grammar allows, which is why it decodes
espeak-ng speech exactly where pocketsphinx's general language model hears
nonsense (see /work/shared/headless-notes.md). The grammar is built from the
registered phrases and the place names; words missing from the acoustic
model's pronunciation dictionary cannot be recognised, so places with such
words are dropped (and counted) and phrases with them are skipped.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

from ._intents import Slot, _phrase_key, normalize_text, number_to_words

__all__ = ["WAKE_PHRASE", "GrammarBuild", "build_grammar"]

#: The wake phrase heard in wake mode.
WAKE_PHRASE = "hey car"

_CACHE_SIZE = 8
_cache: OrderedDict[str, GrammarBuild] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class GrammarBuild:
    """A generated grammar and what had to be left out of it.

    :param jsgf: the command grammar (top rule ``<command>``).
    :param wake_jsgf: the same commands behind the wake phrase.
    :param digest: SHA-256 of ``jsgf``, used to name and cache decoder searches.
    :param places: the place names that made it into the grammar.
    :param dropped_places: place names left out because a word is not in the
        pronunciation dictionary (or the name has digits or no words).
    :param skipped_phrases: ``(phrase, reason)`` for phrases left out.
    """

    jsgf: str
    wake_jsgf: str
    digest: str
    places: tuple[str, ...]
    dropped_places: tuple[str, ...]
    skipped_phrases: tuple[tuple[str, str], ...]

    @property
    def dropped_place_count(self) -> int:
        """Return how many place names were dropped."""
        return len(self.dropped_places)


def _number_rules() -> list[str]:
    units = " | ".join(number_to_words(i) for i in range(1, 10))
    teens = " | ".join(number_to_words(i) for i in range(10, 20))
    tens = " | ".join(number_to_words(i) for i in range(20, 100, 10))
    return [
        f"<digit> = {units};",
        f"<teen> = {teens};",
        f"<tens> = {tens};",
        "<below_hundred> = <digit> | <teen> | <tens> [<digit>];",
        "<number> = zero | <below_hundred> | <digit> hundred [[and] <below_hundred>];",
    ]


def build_grammar(
    phrases: Iterable[Sequence[str | Slot]],
    place_names: Iterable[str],
    vocabulary: Container[str],
) -> GrammarBuild:
    """Build (or fetch from the cache) the JSGF grammar for these inputs.

    :param phrases: parsed phrases (see :func:`parse_phrase`).
    :param place_names: names for ``{place}``; an optional "the" may precede them.
    :param vocabulary: words of the pronunciation dictionary.
    """
    phrase_list = [tuple(p) for p in phrases]
    place_list = list(place_names)
    key_src = "\n".join(_phrase_key(p) for p in phrase_list) + "\0" + "\n".join(place_list)
    key = hashlib.sha256(key_src.encode("utf-8")).hexdigest() + f":{id(vocabulary)}"
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    build = _build(phrase_list, place_list, vocabulary)
    with _cache_lock:
        _cache[key] = build
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return build


def _build(
    phrases: list[tuple[str | Slot, ...]], place_names: list[str], vocabulary: Container[str]
) -> GrammarBuild:
    kept_places: list[str] = []
    place_alternatives: list[str] = []
    dropped: list[str] = []
    seen_words: set[tuple[str, ...]] = set()
    for name in place_names:
        words = tuple(normalize_text(name))
        if not words or any(w not in vocabulary for w in words):
            dropped.append(name)
        elif words not in seen_words:  # a repeated name adds nothing to the grammar
            seen_words.add(words)
            kept_places.append(name)
            place_alternatives.append(" ".join(words))

    alternatives: list[str] = []
    # Phrases that end in their only slot, a place ("navigate to {place}"),
    # share one reference to <place>: pocketsphinx copies a rule per
    # reference, and with 3000 places three references took 4.7 s to load
    # into a decoder against 1.2 s for one.
    place_prefixes: list[str] = []
    skipped: list[tuple[str, str]] = []
    uses_number = False
    for parts in phrases:
        text = _phrase_key(parts)
        kinds = {p.type for p in parts if isinstance(p, Slot)}
        missing = [p for p in parts if isinstance(p, str) and p not in vocabulary]
        if "any" in kinds:
            skipped.append((text, "an {any} slot can only be typed, not spoken"))
        elif missing:
            skipped.append(
                (text, f"the pronunciation dictionary lacks {', '.join(map(repr, missing))}")
            )
        elif "place" in kinds and not place_alternatives:
            skipped.append((text, "no place name is in the grammar"))
        elif (
            kinds == {"place"}
            and sum(isinstance(p, Slot) for p in parts) == 1
            and (isinstance(parts[-1], Slot))
        ):
            place_prefixes.append(" ".join(p for p in parts[:-1] if isinstance(p, str)))
        else:
            uses_number = uses_number or "number" in kinds
            alternatives.append(
                " ".join(
                    p
                    if isinstance(p, str)
                    else ("[the] <place>" if p.type == "place" else "<number>")
                    for p in parts
                )
            )

    if place_prefixes:
        prefixes = " | ".join(sorted(set(place_prefixes)))
        alternatives.append(f"( {prefixes} ) [the] <place>")
    # Sorted and deduplicated so equal inputs in any order give the same digest.
    alternatives = sorted(set(alternatives))
    if not alternatives:
        # JSGF has no empty rule; <NULL> matches nothing spoken, so every
        # utterance decodes to no-match.
        alternatives = ["<NULL>"]
    rules = ["#JSGF V1.0;", "", "grammar cardeck;", ""]
    if place_alternatives:
        rules.append("<place> = " + " | ".join(sorted(set(place_alternatives))) + ";")
    if uses_number:
        rules.extend(_number_rules())
    body = "\n".join(rules)
    command = "<command_body> = " + " | ".join(f"( {a} )" for a in alternatives) + ";"
    jsgf = f"{body}\n{command}\npublic <command> = <command_body>;\n"
    wake_jsgf = f"{body}\n{command}\npublic <wake> = {WAKE_PHRASE} [<command_body>];\n"
    return GrammarBuild(
        jsgf=jsgf,
        wake_jsgf=wake_jsgf,
        digest=hashlib.sha256(jsgf.encode("utf-8")).hexdigest(),
        places=tuple(kept_places),
        dropped_places=tuple(dropped),
        skipped_phrases=tuple(skipped),
    )
