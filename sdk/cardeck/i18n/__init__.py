"""Locales: message catalogs, number and unit formats, direction and pseudo-locales.

CarDeck ships ``en`` (the source), ``ko``, ``de`` and ``ar`` (right to left),
and Android's pseudo-locales ``en-XA`` (accented, bracketed, ~35 % longer) and
``ar-XB`` (mirrored), generated from English by ``make locales`` to break
layouts on purpose. Catalogs are gettext ``.po`` files compiled to ``.mo`` with
Babel, one per domain (``ui``, ``guidance``, ``voice``), shipped in the wheel.

Usage::

    from cardeck.i18n import translator, N_

    tr = translator("de")
    tr.gettext("Zoom in")                            # 'Vergrößern'
    tr.gettext("Navigating to {place}", place="Rathaus")
    tr.distance(1250)                                # '1,3 km'
    tr.clock(datetime.time(15, 5))                   # '15:05'

    ZOOM = N_("Zoom in")   # marked for extraction, translated where it is shown
"""

from __future__ import annotations

from ._josa import Word, has_batchim, with_particle
from ._pseudo import pseudo_localize
from ._tags import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    LocaleInfo,
    UnsupportedLocaleError,
    locale_info,
    normalize_locale,
)
from ._translator import CATALOG_DIR, Translator, translator

__all__ = [
    "CATALOG_DIR",
    "DEFAULT_LOCALE",
    "N_",
    "SUPPORTED_LOCALES",
    "LocaleInfo",
    "Translator",
    "UnsupportedLocaleError",
    "Word",
    "has_batchim",
    "locale_info",
    "normalize_locale",
    "pseudo_localize",
    "translator",
    "with_particle",
]


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it (a constant translated later)."""
    return message
