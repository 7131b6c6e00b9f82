"""The locales CarDeck ships, and how a tag someone typed becomes one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "LocaleInfo",
    "UnsupportedLocaleError",
    "locale_info",
    "normalize_locale",
]

#: The source locale: every message is written in it.
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class LocaleInfo:
    """One shipped locale.

    :param tag: Its BCP 47 tag, as the API and the command line take it ("ko", "en-XA").
    :param base: The CLDR locale that formats its numbers, units and times (Babel has
        no data for the pseudo-locales, so they format as their base).
    :param rtl: Whether text runs right to left (the layout mirrors start and end).
    :param pseudo: A pseudo-locale generated from English to catch layout bugs
        before translation (Android's ``en-XA`` and ``ar-XB``).
    :param name: Its name in itself, for a locale picker.
    """

    tag: str
    base: str
    rtl: bool
    pseudo: bool
    name: str


_LOCALES: tuple[LocaleInfo, ...] = (
    LocaleInfo("en", "en", rtl=False, pseudo=False, name="English"),
    LocaleInfo("ko", "ko", rtl=False, pseudo=False, name="한국어"),
    LocaleInfo("de", "de", rtl=False, pseudo=False, name="Deutsch"),
    LocaleInfo("ar", "ar", rtl=True, pseudo=False, name="العربية"),
    LocaleInfo("en-XA", "en", rtl=False, pseudo=True, name="[Éñĝļîšĥ]"),
    LocaleInfo("ar-XB", "ar", rtl=True, pseudo=True, name="\u202eEnglish\u202c"),
)
_BY_TAG = {info.tag.lower(): info for info in _LOCALES}

#: Every shipped locale tag, the source first.
SUPPORTED_LOCALES: tuple[str, ...] = tuple(info.tag for info in _LOCALES)

_SEPARATORS = re.compile(r"[-_]")


class UnsupportedLocaleError(ValueError):
    """A locale tag that is not one of :data:`SUPPORTED_LOCALES`."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        super().__init__(
            f"The locale {tag!r} is not supported; use one of {', '.join(SUPPORTED_LOCALES)}."
        )


def normalize_locale(tag: str) -> str:
    """Return the shipped tag for ``tag``: case and ``_`` or ``-`` do not matter.

    A region the catalogs do not distinguish falls back to the language
    ("ko_KR" → "ko", "de-AT" → "de"); the pseudo-regions XA and XB are kept.

    :raises UnsupportedLocaleError: no shipped locale matches.
    """
    if not isinstance(tag, str) or not tag.strip():
        raise UnsupportedLocaleError(str(tag))
    parts = _SEPARATORS.split(tag.strip().split(".")[0])  # "ko_KR.UTF-8" → ko, KR
    whole = "-".join(parts[:2]).lower()
    if whole in _BY_TAG:
        return _BY_TAG[whole].tag
    language = parts[0].lower()
    if language in _BY_TAG and not (len(parts) > 1 and parts[1].upper() in ("XA", "XB")):
        return _BY_TAG[language].tag
    raise UnsupportedLocaleError(tag)


def locale_info(tag: str) -> LocaleInfo:
    """Return what CarDeck knows of a locale (its base, direction, whether pseudo).

    :raises UnsupportedLocaleError: no shipped locale matches.
    """
    return _BY_TAG[normalize_locale(tag).lower()]
