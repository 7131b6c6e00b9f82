"""Pseudo-localization: English made to look translated, to break layouts on purpose.

As Android's pseudo-locales do, before any translator is involved:

- ``en-XA`` accents every letter, brackets the message and pads it with about a
  third more text, so clipped text, hard-coded strings (they stay plain ASCII)
  and concatenated sentences show up on screen;
- ``ar-XB`` wraps the text in right-to-left overrides, so the layout mirrors and
  the English reads backwards, as a right-to-left language would need.

Placeholders (``{place}``, ``{n:d}``) and line breaks are kept as they are.
"""

from __future__ import annotations

import math
import re

__all__ = ["EXPANSION", "pseudo_accent", "pseudo_localize"]

#: How much longer en-XA makes a message: the 30–40 % a German or Finnish
#: translation adds to English.
EXPANSION = 0.35

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# Padding words, accented too so that no plain ASCII word is left to mistake
# for a hard-coded string.
_PAD_WORDS = ["öñé", "ţŵö", "ţĥŕéé", "ƒöûŕ", "ƒîṽé", "šîẋ", "šéṽéñ", "éîĝĥţ", "ñîñé", "ţéñ"]
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
_RLO, _PDF, _RLM = "\u202e", "\u202c", "\u200f"


def pseudo_accent(text: str) -> str:
    """Accent every ASCII letter of ``text``, leaving placeholders as they are."""
    return "".join(
        part if _PLACEHOLDER.fullmatch(part) else part.translate(_ACCENTS)
        for part in _PLACEHOLDER.split(text)
    )


def _padding(text: str) -> str:
    """Padding that, with the brackets and its space, makes the line ~35 % longer."""
    visible = len(_PLACEHOLDER.sub("", text))
    want = max(1, math.ceil(visible * EXPANSION) - 3)
    pad = ""
    while len(pad) < want:
        pad += _PAD_WORDS[len(pad.split()) % len(_PAD_WORDS)] + " "
    return pad[:want].strip() or pad[0]


def pseudo_localize(text: str, tag: str) -> str:
    """Return the pseudo-translation of an English message for ``en-XA`` or ``ar-XB``.

    ``pseudo_localize("Zoom in", "en-XA") == "[Žööɱ îñ öñé ţŵö]"``; an empty
    message stays empty (gettext's header entry).

    :raises ValueError: ``tag`` is not a pseudo-locale.
    """
    if not text:
        return text
    if tag == "en-XA":
        return "\n".join(
            f"[{pseudo_accent(line)} {_padding(line)}]" if line.strip() else line
            for line in text.split("\n")
        )
    if tag == "ar-XB":
        # Only the literal text is overridden: a placeholder's value (a place
        # name) keeps its own direction, as it would in a real translation.
        parts = (
            part if _PLACEHOLDER.fullmatch(part) or not part.strip() else f"{_RLO}{part}{_PDF}"
            for part in _PLACEHOLDER.split(text)
        )
        return f"{_RLM}{''.join(parts)}{_RLM}"
    raise ValueError(f"The locale {tag!r} is not a pseudo-locale; use en-XA or ar-XB.")
