"""Every sentence the head unit says on its own, and the words it takes as yes or no.

One place for them, so that a later locale can move them into catalogs
without hunting through the service. Answers of OEM clients and built-in
actions ("Navigating to …") are not here: they carry data and belong to
their actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._intents import BUILTIN_OWNER, Intent, Slot, normalize_text, parse_phrase

__all__ = [
    "ANSWER_INTENTS",
    "CANCELLED",
    "NO_MATCH",
    "NO_PHRASES",
    "OKAY",
    "YES_PHRASES",
    "answer_of",
    "confirmation_prompt",
    "did_you_mean",
]

#: Said for speech that matched nothing (a no-match or a rejected utterance).
NO_MATCH = "Sorry, I didn't catch that."
#: Said after a yes when the action has no answer of its own.
OKAY = "Okay."
#: Said when a question is answered no, times out or gets an unrelated answer.
CANCELLED = "Cancelled."

#: Spoken answers that confirm a question ("please" is a filler either way).
YES_PHRASES: tuple[str, ...] = ("yes", "yes please", "do it")
#: Spoken answers that refuse it; "cancel" is also the built-in cancel intent.
NO_PHRASES: tuple[str, ...] = ("no", "no thanks", "cancel")

#: The yes and no intents the grammar holds while a question waits ("cancel"
#: is the built-in cancel intent already, so it is not repeated here).
ANSWER_INTENTS: tuple[Intent, ...] = (
    Intent("confirm_yes", YES_PHRASES, BUILTIN_OWNER),
    Intent("confirm_no", tuple(p for p in NO_PHRASES if p != "cancel"), BUILTIN_OWNER),
)

_YES = {tuple(normalize_text(p)) for p in YES_PHRASES} | {("yes", "please")}
_NO = {tuple(normalize_text(p)) for p in NO_PHRASES} | {("no", "thank", "you")}


def answer_of(text: str) -> bool | None:
    """Return True for a yes, False for a no, None for anything else ("yes and no" too)."""
    words = tuple(w for w in normalize_text(text) if w not in ("hey", "car", "ok", "okay"))
    if words in _YES:
        return True
    if words in _NO:
        return False
    return None


def confirmation_prompt(phrase: str, slots: Mapping[str, str], prompt: str = "") -> str:
    """The question an actuating intent asks: its own ``prompt``, else its first phrase.

    ``confirmation_prompt("open the sunroof", {})`` is "Open the sunroof?";
    slots are filled in: "set temperature to {number} degrees" with
    ``{"number": "21"}`` asks "Set temperature to 21 degrees?".
    """
    if prompt.strip():
        return prompt.strip()
    words: Sequence[str | Slot] = parse_phrase(phrase)
    text = " ".join(w if isinstance(w, str) else slots.get(w.name, w.name) for w in words)
    return text[:1].upper() + text[1:] + "?"


def did_you_mean(place: str) -> str:
    """The question for an uncertain place: "Did you mean City Hall?"."""
    return f"Did you mean {place}?"
