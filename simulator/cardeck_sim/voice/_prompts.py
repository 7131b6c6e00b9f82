"""Every sentence the head unit says on its own, and the words it takes as yes or no.

The sentences are English source messages of the ``voice`` catalog (marked
with ``N_``); the service says them with the :class:`~cardeck.i18n.Translator`
of the head unit's locale, read when it speaks: ``tr.gettext(NO_MATCH)``.
The answer words are catalog messages too, one ``|``-separated list per
locale, so a translator gives Korean its "네", "아니요". Answers of OEM
clients and built-in actions ("Navigating to …") are not here: they carry
data and belong to their actions (``service/_voice.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cardeck.i18n import DEFAULT_LOCALE, N_, Translator, translator

from ._intents import BUILTIN_OWNER, Intent, Slot, normalize_text, parse_phrase
from ._intents_ko import compact_korean, has_hangul

__all__ = [
    "ANSWER_INTENTS",
    "CANCELLED",
    "NO_MATCH",
    "NO_PHRASES",
    "OKAY",
    "YES_PHRASES",
    "answer_of",
    "answer_words",
    "confirmation_prompt",
    "did_you_mean",
]

#: Said for speech that matched nothing (a no-match or a rejected utterance).
NO_MATCH = N_("Sorry, I didn't catch that.")
#: Said after a yes when the action has no answer of its own.
OKAY = N_("Okay.")
#: Said when a question is answered no, times out or gets an unrelated answer.
CANCELLED = N_("Cancelled.")

#: Spoken answers that confirm a question ("please" is a filler either way).
YES_PHRASES: tuple[str, ...] = ("yes", "yes please", "do it")
#: Spoken answers that refuse it; "cancel" is also the built-in cancel intent.
NO_PHRASES: tuple[str, ...] = ("no", "no thanks", "cancel")

# i18n: the words a driver answers YES with, separated by "|"; list the usual
# ways to say yes in your language (short, as said in a car).
_YES_WORDS = N_("yes|yes please|do it")
# i18n: the words a driver answers NO with, separated by "|".
_NO_WORDS = N_("no|no thanks|cancel")

#: The yes and no intents the grammar holds while a question waits ("cancel"
#: is the built-in cancel intent already, so it is not repeated here).
ANSWER_INTENTS: tuple[Intent, ...] = (
    Intent("confirm_yes", YES_PHRASES, BUILTIN_OWNER),
    Intent("confirm_no", tuple(p for p in NO_PHRASES if p != "cancel"), BUILTIN_OWNER),
)

_FILLERS = ("hey", "car", "ok", "okay")


def _key(text: str) -> tuple[str, ...]:
    """The words an answer is compared by: Korean compacted (spacing and endings), fillers gone."""
    if has_hangul(text):
        return (compact_korean(text),)
    return tuple(w for w in normalize_text(text) if w not in _FILLERS)


def answer_words(tr: Translator) -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """The yes and the no answers of a locale, with English's (drivers mix them)."""
    yes: set[tuple[str, ...]] = {("yes", "please"), *(_key(p) for p in YES_PHRASES)}
    no: set[tuple[str, ...]] = {("no", "thank", "you"), *(_key(p) for p in NO_PHRASES)}
    yes |= {_key(p) for p in tr.gettext(_YES_WORDS).split("|") if p.strip()}
    no |= {_key(p) for p in tr.gettext(_NO_WORDS).split("|") if p.strip()}
    return frozenset(yes - no - {()}), frozenset(no - yes - {()})


def answer_of(text: str, tr: Translator | None = None) -> bool | None:
    """Return True for a yes, False for a no, None for anything else ("yes and no" too).

    :param tr: the locale whose answer words count besides English's ("네", "아니요").
    """
    yes, no = answer_words(tr or translator(DEFAULT_LOCALE))
    words = _key(text)
    if words in yes:
        return True
    if words in no:
        return False
    return None


def confirmation_prompt(
    phrase: str, slots: Mapping[str, str], prompt: str = "", tr: Translator | None = None
) -> str:
    """The question an actuating intent asks: its own ``prompt``, else its first phrase.

    ``confirmation_prompt("open the sunroof", {})`` is "Open the sunroof?";
    slots are filled in: "set temperature to {number} degrees" with
    ``{"number": "21"}`` asks "Set temperature to 21 degrees?". The phrase is
    the OEM's own words; ``tr`` gives the question its locale's form ("؟").
    """
    if prompt.strip():
        return prompt.strip()
    words: Sequence[str | Slot] = parse_phrase(phrase)
    text = " ".join(w if isinstance(w, str) else slots.get(w.name, w.name) for w in words)
    tr = tr or translator(DEFAULT_LOCALE)
    # i18n: a yes/no question made of a command's own words ("Open the sunroof?").
    return tr.gettext("{command}?", command=text[:1].upper() + text[1:])


def did_you_mean(place: str, tr: Translator | None = None) -> str:
    """The question for an uncertain place: "Did you mean City Hall?"."""
    tr = tr or translator(DEFAULT_LOCALE)
    return tr.gettext("Did you mean {place}?", place=place)
