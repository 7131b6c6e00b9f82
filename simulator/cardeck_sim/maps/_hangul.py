"""Hangul for search: syllables split into jamo by arithmetic, initial consonants, edit distance.

A precomposed syllable (U+AC00 to U+D7A3) is ``0xAC00 + (initial * 21 + medial) * 28 +
final``: 19 initial consonants, 21 medial vowels, 28 finals (the first is "none").
Search compares names and queries as *keystroke jamo*: each syllable becomes the
compatibility jamo (U+3131 to U+318E, the letters a Korean keyboard types) a
two-set (dubeolsik) keyboard would type for it, with compound vowels and final
clusters split into their keys (ㅘ → ㅗㅏ, ㄺ → ㄹㄱ). On that string:

- a syllable still being typed is a prefix ("시ㅊ" and the IME's passing "싳"
  are both ㅅㅣㅊ, a prefix of 시청 = ㅅㅣㅊㅓㅇ; "고" is a prefix of "광");
- a query of consonants only ("ㅅㅊ") is compared with the names' initials.

Typos are counted on the plain jamo (``to_jamo(text, keystrokes=False)``: one
symbol per initial, medial and final, compounds whole), so one wrong vowel or
final consonant is one edit, ㅘ for ㅝ included.

Text that is not Hangul passes through unchanged, so Latin keys stay as they were.
"""

from __future__ import annotations

__all__ = [
    "FINALS",
    "INITIALS",
    "MEDIALS",
    "choseong",
    "has_hangul",
    "is_choseong_query",
    "prefix_edit_distance",
    "prefix_edit_distances",
    "split_syllable",
    "to_jamo",
]

SYLLABLE_FIRST = 0xAC00
SYLLABLE_LAST = 0xD7A3
_MEDIAL_COUNT = 21
_FINAL_COUNT = 28

#: The 19 initial consonants, in code-point order, as compatibility jamo.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
#: The 21 medial vowels, in code-point order, as compatibility jamo.
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
#: The 28 finals, in code-point order, as compatibility jamo; index 0 is no final.
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")

# Compound vowels and final clusters are typed as two keys; ㄲ ㄸ ㅃ ㅆ ㅉ ㅒ ㅖ
# are one (shifted) key each and stay whole.
_KEYSTROKES = {
    "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ",
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}  # fmt: skip
_CONSONANTS = frozenset(INITIALS)


def _keys(jamo: str) -> str:
    return _KEYSTROKES.get(jamo, jamo)


def _build_table(keystrokes: bool) -> dict[int, str]:
    """Map every syllable and conjoining jamo (and compound jamo, as keys) to compatibility jamo."""
    keys = _keys if keystrokes else str
    table: dict[int, str] = {}
    for code in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1):
        initial, medial, final = split_syllable(chr(code))
        table[code] = initial + keys(medial) + keys(final)
    # Conjoining jamo (U+1100 to U+11FF), as NFD writes syllables, map to the
    # compatibility jamo of the same letter.
    for index, letter in enumerate(INITIALS):
        table[0x1100 + index] = letter
    for index, letter in enumerate(MEDIALS):
        table[0x1161 + index] = keys(letter)
    for index, letter in enumerate(FINALS[1:]):
        table[0x11A8 + index] = keys(letter)
    if keystrokes:
        for compound, strokes in _KEYSTROKES.items():
            table[ord(compound)] = strokes
    return table


def split_syllable(syllable: str) -> tuple[str, str, str]:
    """Return the (initial, medial, final) compatibility jamo of one Hangul syllable.

    The final is "" when the syllable has none: ``split_syllable("청") == ("ㅊ", "ㅓ", "ㅇ")``.

    :raises ValueError: If ``syllable`` is not one precomposed Hangul syllable.
    """
    code = ord(syllable) - SYLLABLE_FIRST if len(syllable) == 1 else -1
    if not 0 <= code <= SYLLABLE_LAST - SYLLABLE_FIRST:
        raise ValueError(
            f"Field 'syllable' must be one Hangul syllable (U+AC00 to U+D7A3); got {syllable!r}."
        )
    code, final = divmod(code, _FINAL_COUNT)
    initial, medial = divmod(code, _MEDIAL_COUNT)
    return INITIALS[initial], MEDIALS[medial], FINALS[final]


_TO_KEYS = _build_table(keystrokes=True)
_TO_JAMO = _build_table(keystrokes=False)


def has_hangul(text: str) -> bool:
    """Return whether ``text`` holds a Hangul syllable or jamo."""
    return any(
        SYLLABLE_FIRST <= ord(c) <= SYLLABLE_LAST
        or 0x3131 <= ord(c) <= 0x318E
        or 0x1100 <= ord(c) <= 0x11FF
        for c in text
    )


def to_jamo(text: str, *, keystrokes: bool = True) -> str:
    """Return ``text`` with Hangul written as compatibility jamo; other characters are kept.

    ``to_jamo("서울역") == "ㅅㅓㅇㅜㄹㅇㅕㄱ"``, ``to_jamo("Seoul 역") == "Seoul ㅇㅕㄱ"``.
    By default compound vowels and final clusters become the keys that type
    them (``to_jamo("광") == "ㄱㅗㅏㅇ"``); with ``keystrokes=False`` they stay
    one jamo each (``to_jamo("광", keystrokes=False) == "ㄱㅘㅇ"``).
    """
    return text.translate(_TO_KEYS if keystrokes else _TO_JAMO)


def choseong(text: str) -> str:
    """Return the initial consonants of the syllables of ``text``, all else dropped.

    ``choseong("스타벅스 광화문점") == "ㅅㅌㅂㅅㄱㅎㅁㅈ"``.
    """
    return "".join(
        INITIALS[(ord(c) - SYLLABLE_FIRST) // (_MEDIAL_COUNT * _FINAL_COUNT)]
        for c in text
        if SYLLABLE_FIRST <= ord(c) <= SYLLABLE_LAST
    )


def is_choseong_query(jamo: str) -> bool:
    """Return whether keystroke jamo (see :func:`to_jamo`) are only initial consonants.

    Spaces are allowed between them: "ㅅㅊ" and "ㅅㅌㅂㅅ ㄱㅎ" are, "시ㅊ" is not.
    """
    letters = jamo.replace(" ", "")
    return bool(letters) and all(c in _CONSONANTS for c in letters)


def prefix_edit_distance(query: str, text: str, max_distance: int) -> int | None:
    """Return the fewest edits turning ``query`` into some prefix of ``text``.

    Edits are insertions, deletions and substitutions of single characters
    (Levenshtein); on keystroke jamo a wrong vowel or final consonant is one.
    The prefix makes it fit a name still being typed ("서울녁" is one edit
    from "서울역사박물관"). Returns None when it is more than ``max_distance``.
    """
    best = min(prefix_edit_distances(query, text, max_distance), default=max_distance + 1)
    return best if best <= max_distance else None


def prefix_edit_distances(query: str, text: str, max_distance: int) -> list[int]:
    """Return the edit distance from ``query`` to each prefix of ``text``, shortest first.

    Item ``j`` is the distance to ``text[:j]``. The list stops where every
    further prefix must be more than ``max_distance`` edits away (a prefix
    longer than the query plus ``max_distance`` always is).
    """
    n = len(query)
    previous = list(range(n + 1))
    out = [n]
    for j, t in enumerate(text[: n + max_distance], start=1):
        current = [j]
        for i in range(1, n + 1):
            current.append(
                min(
                    previous[i] + 1,
                    current[i - 1] + 1,
                    previous[i - 1] + (query[i - 1] != t),
                )
            )
        if min(current) > max_distance:
            break
        out.append(current[n])
        previous = current
    return out
