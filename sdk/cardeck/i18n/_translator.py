"""A locale's messages and formats: what every panel, guidance and voice speak through."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from pathlib import Path

from babel import Locale
from babel.dates import format_time
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from ._josa import Word
from ._pseudo import pseudo_accent
from ._tags import LocaleInfo, locale_info

__all__ = ["CATALOG_DIR", "Translator", "translator"]

#: Where the compiled catalogs live: ``<tag>/LC_MESSAGES/<domain>.mo``.
CATALOG_DIR = Path(__file__).resolve().parent / "catalogs"


class Translator:
    """One locale's messages (gettext catalogs) and number, unit and time formats.

    Messages use ``str.format`` placeholders, filled after translation so a
    translation may move them: ``tr.gettext("Navigating to {place}", place=name)``.
    Get one with :func:`translator`; it is immutable and shared.

    Usage::

        tr = translator("ko")
        tr.gettext("Zoom in")                 # '확대'
        tr.distance(120)                      # '120m'
        tr.ngettext("{n} stop", "{n} stops", 2)
    """

    def __init__(self, info: LocaleInfo, messages: gettext.NullTranslations) -> None:
        self.info = info
        self._messages = messages
        self._babel = Locale.parse(info.base)

    @property
    def tag(self) -> str:
        """The locale's tag ("ko", "en-XA")."""
        return self.info.tag

    @property
    def rtl(self) -> bool:
        """Whether text runs right to left."""
        return self.info.rtl

    @property
    def hour12(self) -> bool:
        """Whether the locale's clock is 12-hour by default (en, ko, ar) or 24-hour (de)."""
        return "h" in str(self._babel.time_formats["short"].pattern).replace("hh", "h")

    # -- messages ----------------------------------------------------------------

    def gettext(self, message: str, /, **fields: object) -> str:
        """Translate ``message`` and fill its placeholders from ``fields``."""
        text = self._messages.gettext(message)
        return text.format(**_words(fields)) if fields else text

    def ngettext(self, singular: str, plural: str, n: int, /, **fields: object) -> str:
        """Translate the form for ``n`` (by the locale's plural rules); ``{n}`` is filled."""
        return self._messages.ngettext(singular, plural, n).format(n=n, **_words(fields))

    def pgettext(self, context: str, message: str, /, **fields: object) -> str:
        """Translate ``message`` in ``context`` (the same English in two meanings)."""
        text = self._messages.pgettext(context, message)
        return text.format(**_words(fields)) if fields else text

    # -- formats -----------------------------------------------------------------

    def _data(self, text: str) -> str:
        # en-XA accents formatted units too, so every piece of UI text on its
        # screen is visibly "translated"; digits stay as they are.
        return pseudo_accent(text) if self.info.tag == "en-XA" else text

    def _signed(self, text: str) -> str:
        # Right to left a bare "-" is a neutral that the bidi algorithm puts after the
        # number ("7°-" for -7 °C). LRM + "-" (CLDR's Arabic minus sign, which Babel's
        # custom patterns drop) keeps it on the number's left; the RLM before it keeps
        # the text right to left for a renderer that takes the first strong letter's
        # direction, so "-7°م" lines up as "18°م" does.
        return "\u200f\u200e" + text if self.rtl and text.startswith("-") else text

    def decimal(self, value: float, *, digits: int = 0) -> str:
        """A number with the locale's separators, rounded to ``digits`` decimals.

        Right to left a negative number starts with RLM and LRM, which keep its minus
        on its left in a right-to-left line (every formatted unit does the same).
        """
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return self._signed(format_decimal(value, format=pattern, locale=self._babel))

    def _unit(self, value: float, unit: str, digits: int = 0, *, long: bool = False) -> str:
        # The number, not a formatted string, picks the plural form: Arabic's
        # "one" and "two" forms of a unit have no number in them at all.
        rounded = round(value, digits) if digits > 0 else round(value)
        pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")  # "1 km", "1.2 km"
        text = format_unit(
            rounded, unit, length="long" if long else "short", format=pattern, locale=self._babel
        )
        return self._data(self._signed(text))

    def distance(self, metres: float, *, imperial: bool = False, spoken: bool = False) -> str:
        """A distance as guidance says it: "120 m", "1.2 km", "15 km" (or ft and mi).

        Below 1 km it rounds to 10 m (5 m under 100 m); from 1 km to 10 km it
        keeps one decimal, beyond that none. ``spoken`` spells the unit out, as
        a sentence that is also read aloud needs: "120 meters", "120미터".
        """
        metres = max(0.0, float(metres))
        if imperial:
            feet = metres / 0.3048
            if feet < 1000:
                return self._unit(max(0, round(feet / 50) * 50), "length-foot", long=spoken)
            miles = metres / 1609.344
            return self._unit(miles, "length-mile", 1 if miles < 10 else 0, long=spoken)
        if metres < 1000:
            step = 5 if metres < 100 else 10
            return self._unit(round(metres / step) * step, "length-meter", long=spoken)
        km = metres / 1000
        return self._unit(km, "length-kilometer", 1 if km < 10 else 0, long=spoken)

    def duration(self, seconds: float) -> str:
        """A remaining time: "3 min", "1 h 5 min"; under a minute it says one minute."""
        minutes = max(1, round(float(seconds) / 60))
        hours, minutes = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(self._unit(hours, "duration-hour"))
        if minutes or not hours:
            parts.append(self._unit(minutes, "duration-minute"))
        return " ".join(parts)

    def clock(self, when: dt.time | dt.datetime, *, hour12: bool | None = None) -> str:
        """A time of day in the locale's short form ("3:05 PM", "오후 3:05", "15:05").

        :param hour12: force a 12-hour (True) or 24-hour (False) clock; None takes
            the locale's own.
        """
        time = when.time() if isinstance(when, dt.datetime) else when
        if hour12 is None or hour12 == self.hour12:
            return self._data(format_time(time, "short", locale=self._babel))
        if hour12:
            return self._data(format_time(time, "h:mm a", locale=self._babel))
        return self._data(format_time(time, "HH:mm", locale=self._babel))

    def speed(self, kmh: float, *, imperial: bool = False) -> str:
        """A speed: "50 km/h" (or "31 mph"), whole numbers."""
        if imperial:
            return self._unit(round(kmh / 1.609344), "speed-mile-per-hour")
        return self._unit(round(kmh), "speed-kilometer-per-hour")

    def temperature(self, celsius: float, *, fahrenheit: bool = False) -> str:
        """A temperature with one decimal when it has one: "21°C", "21.5°C"."""
        value = celsius * 9 / 5 + 32 if fahrenheit else celsius
        digits = 0 if abs(value - round(value)) < 0.05 else 1
        unit = "temperature-fahrenheit" if fahrenheit else "temperature-celsius"
        return self._unit(value, unit, digits)

    def percent(self, fraction: float) -> str:
        """A share of a whole, 0–1, as a whole percent: "42%", "42 %"."""
        return self._data(format_percent(fraction, format="#,##0%", locale=self._babel))

    def join(self, items: list[str]) -> str:
        """Items as a list in a sentence: "A, B and C"."""
        return format_list(items, locale=self._babel)


def _words(fields: dict[str, object]) -> dict[str, object]:
    # Text fields may take a Korean particle in a translation ("{road:으로}"):
    # see _josa.py.
    return {k: Word(v) if isinstance(v, str) else v for k, v in fields.items()}


@functools.cache
def translator(tag: str) -> Translator:
    """Return the shared :class:`Translator` of a locale (its catalogs loaded once).

    :raises UnsupportedLocaleError: the tag is not a shipped locale.
    """
    info = locale_info(tag)
    messages: gettext.NullTranslations = gettext.NullTranslations()
    folder = CATALOG_DIR / info.tag / "LC_MESSAGES"
    loaded: gettext.NullTranslations | None = None
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as fh:
            domain = gettext.GNUTranslations(fh)
        if loaded is None:
            loaded = domain
        else:
            loaded.add_fallback(domain)
    if loaded is not None:
        messages = loaded
    return Translator(info, messages)
