"""Korean particles (조사) that change with the word before them: 으로/로, 을/를, 이/가 …

A Korean particle after a name depends on whether the name's last syllable
ends in a consonant (받침): "시청으로", "서울역으로", but "학교로", and "마을로"
(ㄹ takes 로). Data arrives at run time, so a translation cannot pick the form
itself, and "(으)로" reads like a form to fill in. Instead a translation names
the particle as the placeholder's format spec — ``"{road:으로} 우회전하세요"`` —
and :class:`Word` (what :class:`~cardeck.i18n.Translator` wraps every text
field in) writes the word with the right form. English and the other locales
never use a spec, so they are not affected.

For a word that does not end in Hangul the form follows how Korean reads it:
digits by their Sino-Korean names (1 일, 3 삼, 6 육 …), Latin letters as a
loanword ends ("Mannerheimintie" → …로, "Station" → …으로: only m and n leave a
final consonant; "Park" is read 파크, so …로).
"""

from __future__ import annotations

__all__ = ["PARTICLES", "Word", "has_batchim", "with_particle"]

#: Each alternating particle: (after a final consonant, after a vowel).
PARTICLES: dict[str, tuple[str, str]] = {}
for _pair in (
    ("으로", "로"),
    ("을", "를"),
    ("이", "가"),
    ("은", "는"),
    ("과", "와"),
    ("이라고", "라고"),
):
    PARTICLES[_pair[0]] = PARTICLES[_pair[1]] = _pair
PARTICLES["(으)로"] = ("으로", "로")
PARTICLES["을(를)"] = PARTICLES["(을)를"] = ("을", "를")
PARTICLES["이(가)"] = ("이", "가")

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # the final-consonant index of ㄹ
# Sino-Korean digit names: whether each ends in a consonant, and whether that is ㄹ.
_DIGIT_FINAL = {
    "0": "ng",  # 영
    "1": "l",  # 일
    "2": "",  # 이
    "3": "m",  # 삼
    "4": "",  # 사
    "5": "",  # 오
    "6": "k",  # 육
    "7": "l",  # 칠
    "8": "l",  # 팔
    "9": "",  # 구
}


def _final(word: str) -> str:
    """The final consonant of how Korean reads ``word``'s end: "" (none), "l" (ㄹ) or another."""
    for ch in reversed(word):
        code = ord(ch)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            index = (code - _HANGUL_FIRST) % 28
            return "" if index == 0 else "l" if index == _RIEUL else "c"
        if ch in _DIGIT_FINAL:
            return _DIGIT_FINAL[ch]
        if ch.isascii() and ch.isalpha():
            # Loanwords: a final stop or fricative gets a vowel (파크, 스트리트),
            # m and n stay consonants (햄, 스테이션), l is ㄹ (홀).
            low = ch.lower()
            return "l" if low == "l" else "c" if low in "mn" else ""
        if ch.isalpha():
            return ""  # another script: no reading to go by; the vowel form reads least odd
    return ""


def has_batchim(word: str) -> bool:
    """Whether Korean reads ``word`` ending in a consonant (ㄹ included)."""
    return _final(word) != ""


def with_particle(word: str, particle: str) -> str:
    """``word`` followed by the form of ``particle`` that fits it.

    ``with_particle("시청", "로") == "시청으로"``, ``with_particle("마을", "으로") ==
    "마을로"``, ``with_particle("카페", "을") == "카페를"``.

    :raises ValueError: ``particle`` is not one of :data:`PARTICLES`.
    """
    try:
        after_consonant, after_vowel = PARTICLES[particle]
    except KeyError:
        raise ValueError(
            f"The particle {particle!r} is not one that alternates; use one of "
            f"{', '.join(sorted(PARTICLES))}."
        ) from None
    final = _final(word)
    if after_consonant == "으로":
        return word + ("로" if final in ("", "l") else "으로")
    return word + (after_vowel if final == "" else after_consonant)


class Word(str):
    """A text field that a translation may follow with a Korean particle: ``{road:으로}``.

    Any other format spec is str's own (``{road:>10}``).
    """

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        if spec in PARTICLES:
            return with_particle(str(self), spec)
        return str.__format__(str(self), spec)
