"""Text fit: the longest word each panel shows in a locale, measured without fonts.

A panel wraps its text at word boundaries, so a line can always be made to fit
except for one word wider than the panel: that word is cut with an ellipsis.
The engine's ``text-fit`` rule therefore asks, per panel kind and locale, for
the widest unbreakable word of every string the panel's painter shows, and
compares it with the panel's width at the display's minimum text size.

Which strings a panel shows: the ``ui`` catalog messages whose source locations
(``#:`` lines of ``ui.pot``) are in that panel's painter, see
:data:`PAINTER_KINDS`. Their translations come from the locale's compiled
catalog (``<tag>/LC_MESSAGES/ui.mo``; ``en-XA`` and ``ar-XB`` from the pseudo
catalogs), every plural form included; placeholders (``{place}``) are data and
are left out.

How wide: ``text_widths.json`` holds the advance of each Latin, Arabic and
punctuation character in 1/1000 em, measured from the Noto fonts the head unit
paints with by ``tools/text_widths.py``; Hangul syllables are one width (they
all are in Noto Sans CJK KR) and CJK ideographs 1 em. Arabic letters are
measured in the form they take in the word (isolated, initial, medial or final,
from Unicode's presentation forms: joined forms are a quarter narrower);
kerning and ligatures (lam-alef) are left out, so the model errs on the wide
side.

Where a line may break (UAX #14, simplified): at spaces (not at no-break
spaces, which keep "3:05 PM" together), after a hyphen or slash, and between
CJK ideographs or kana; Korean breaks only at spaces, so a Hangul word is one
unit, as is an Arabic word.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cardeck.i18n import CATALOG_DIR, normalize_locale

__all__ = [
    "PAINTER_KINDS",
    "LongestWord",
    "PanelTexts",
    "panel_texts",
    "text_em",
    "words",
]

#: The painter file of each panel kind (paths as the ``ui`` catalog's ``#:`` lines
#: write them). The dock's tab labels are written in ``ui/_scene.py``, which lays
#: the tabs out; a map on a cluster is drawn by ``minimap.py``.
PAINTER_KINDS: Mapping[str, tuple[str, ...]] = {
    "simulator/cardeck_sim/ui/painters/browser.py": ("browser",),
    "simulator/cardeck_sim/ui/painters/climate.py": ("climate",),
    "simulator/cardeck_sim/ui/painters/cluster.py": ("speed",),
    "simulator/cardeck_sim/ui/painters/dock.py": ("dock",),
    "simulator/cardeck_sim/ui/_scene.py": ("dock",),
    "simulator/cardeck_sim/ui/painters/guidance.py": ("guidance_card",),
    "simulator/cardeck_sim/ui/painters/hud.py": ("next_maneuver",),
    "simulator/cardeck_sim/ui/painters/map.py": ("map",),
    "simulator/cardeck_sim/ui/painters/minimap.py": ("map",),
    "simulator/cardeck_sim/ui/painters/status.py": ("status_bar",),
    "simulator/cardeck_sim/ui/painters/voice.py": ("voice",),
}

_TABLE = Path(__file__).resolve().parent / "text_widths.json"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Break opportunities: spaces that are not no-break (U+00A0, U+2007 and U+202F
# keep a number with its unit), the zero-width space, line breaks.
_SPACES = re.compile("[ \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200b\u205f\u3000]+")
# A line may break after a hyphen, dash or slash, and around each CJK ideograph or kana.
_BREAK_AFTER = re.compile(
    "(?<=[-\u2010\u2013\u2014/])|(?<=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
    "|(?=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
)


@dataclass(frozen=True)
class _Widths:
    default: int
    hangul: int
    cjk: int
    em: int
    advances: dict[int, int]


@functools.cache
def _widths() -> _Widths:
    data = json.loads(_TABLE.read_text(encoding="utf-8"))
    advances: dict[int, int] = {}
    default = int(data["default"])
    for start, values in data["ranges"]:
        for offset, width in enumerate(values):
            # -1: no font has the character; it is measured at the default width.
            advances[int(start) + offset] = int(width) if width >= 0 else default
    return _Widths(
        default, int(data["hangul_syllable"]), int(data["cjk"]), int(data["em"]), advances
    )


def _advance(table: _Widths, ch: str) -> int:
    cp = ord(ch)
    width = table.advances.get(cp)
    if width is not None:
        return width
    if 0xAC00 <= cp <= 0xD7A3:
        return table.hangul
    if (
        0x1100 <= cp <= 0x11FF
        or 0x2E80 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFF00 <= cp <= 0xFF60
    ):
        return table.cjk
    return table.default


@functools.cache
def _arabic_forms() -> dict[str, dict[str, str]]:
    """Arabic letter → {"isolated"|"initial"|"medial"|"final": presentation form}."""
    forms: dict[str, dict[str, str]] = {}
    for cp in range(0xFE70, 0xFEFD):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and parts[0] in ("<isolated>", "<initial>", "<medial>", "<final>"):
            forms.setdefault(chr(int(parts[1], 16)), {})[parts[0][1:-1]] = chr(cp)
    return forms


def _shaped(text: str) -> str:
    """``text`` with each Arabic letter replaced by the form it takes where it stands.

    A letter joins its neighbour when both are Arabic letters and the one before
    joins on both sides (has an initial form); marks between them are skipped.
    """
    forms = _arabic_forms()
    letters = [(i, ch) for i, ch in enumerate(text) if unicodedata.category(ch) != "Mn"]
    out = list(text)
    for k, (i, ch) in enumerate(letters):
        own = forms.get(ch)
        if own is None:
            continue
        before = forms.get(letters[k - 1][1]) if k > 0 else None
        after = forms.get(letters[k + 1][1]) if k + 1 < len(letters) else None
        joins_before = before is not None and "initial" in before
        joins_after = after is not None and "initial" in own
        form = (
            ("medial" if joins_after else "final")
            if joins_before
            else ("initial" if joins_after else "isolated")
        )
        out[i] = own.get(form) or own.get("isolated") or ch
    return "".join(out)


def text_em(text: str) -> float:
    """The width of ``text`` on one line, in em (multiply by the font size in px)."""
    table = _widths()
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        text = _shaped(text)
    return sum(_advance(table, ch) for ch in text) / table.em


def words(text: str) -> list[str]:
    """The pieces of ``text`` a line cannot break inside, placeholders left out."""
    out: list[str] = []
    for token in _SPACES.split(_PLACEHOLDER.sub(" ", text)):
        out.extend(piece for piece in _BREAK_AFTER.split(token) if piece)
    return out


@dataclass(frozen=True)
class LongestWord:
    """The widest unbreakable word a panel kind shows in a locale.

    :param kind: the panel kind (``voice``, ``dock``, …).
    :param locale: the locale's tag.
    :param word: the word.
    :param message: the whole translated string it comes from.
    :param em: its width in em; at ``size`` px text it needs ``em * size`` px.
    """

    kind: str
    locale: str
    word: str
    message: str
    em: float

    def px(self, size_px: float) -> int:
        """The width in whole px at a text size of ``size_px``."""
        return math.ceil(self.em * size_px - 1e-9)


@dataclass(frozen=True)
class PanelTexts:
    """The translated strings each panel kind shows in one locale.

    Get one with :func:`panel_texts`, or build one for a test from any mapping.

    :param locale: the locale's tag.
    :param strings: panel kind → the strings its painter shows.
    """

    locale: str
    strings: Mapping[str, tuple[str, ...]]
    _longest: dict[str, LongestWord | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def longest(self, kind: str) -> LongestWord | None:
        """The widest word a panel of ``kind`` shows, or ``None`` when it shows no text.

        Computed once per kind: the solver asks on every solve.
        """
        if kind not in self._longest:
            best: LongestWord | None = None
            for message in self.strings.get(kind, ()):
                for word in words(message):
                    em = text_em(word)
                    if best is None or em > best.em:
                        best = LongestWord(kind, self.locale, word, message, em)
            self._longest[kind] = best
        return self._longest[kind]


def _kinds_of(locations: Iterable[tuple[str, int | None]]) -> set[str]:
    kinds: set[str] = set()
    for filename, _line in locations:
        kinds.update(PAINTER_KINDS.get(filename.replace("\\", "/"), ()))
    return kinds


def _forms(text: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if text is None:
        return ()
    if isinstance(text, str):
        return (text,) if text else ()
    return tuple(t for t in text if t)


#: A catalog message a painter shows: its id (a tuple for plurals), context, panel kinds.
_Painted = tuple[str | tuple[str, ...], str | None, frozenset[str]]


@functools.cache
def _painted_messages(template: Path) -> tuple[_Painted, ...]:
    """The template's (id, context, panel kinds) of every message a painter shows."""
    with template.open("rb") as fh:
        source = read_po(fh)
    out: list[_Painted] = []
    for message in source:
        kinds = _kinds_of(message.locations)
        if message.id and kinds:  # the header has no id
            msgid = message.id if isinstance(message.id, str) else tuple(message.id)
            out.append((msgid, message.context, frozenset(kinds)))
    return tuple(out)


@functools.cache
def _panel_texts(locale: str, catalog_dir: Path, domain: str) -> PanelTexts:
    messages = _painted_messages(catalog_dir / f"{domain}.pot")
    compiled = catalog_dir / locale / "LC_MESSAGES" / f"{domain}.mo"
    translated = None
    if compiled.exists():
        with compiled.open("rb") as fh:
            translated = read_mo(fh)
    strings: dict[str, list[str]] = {}
    for msgid, context, kinds in messages:
        forms: tuple[str, ...] = ()
        if translated is not None:
            found = translated.get(msgid, context)
            if found is not None:
                forms = _forms(found.string)
        if not forms:
            # Untranslated (or the source locale): the English shows.
            forms = _forms(msgid)
        for kind in kinds:
            strings.setdefault(kind, []).extend(forms)
    return PanelTexts(locale, {kind: tuple(texts) for kind, texts in strings.items()})


def panel_texts(
    locale: str, *, catalog_dir: str | Path | None = None, domain: str = "ui"
) -> PanelTexts:
    """The strings each panel kind shows in ``locale``, from the message catalogs.

    Loaded once per locale and catalog folder, and shared.

    :param locale: a shipped locale tag (normalized: "ko_KR" → "ko").
    :param catalog_dir: a folder holding ``<domain>.pot`` and
        ``<tag>/LC_MESSAGES/<domain>.mo``; the shipped catalogs when ``None``.
    :param domain: the catalog domain (the UI's is ``ui``).
    :raises cardeck.i18n.UnsupportedLocaleError: the tag is not a shipped locale.
    :raises OSError: the catalog folder has no ``<domain>.pot``.
    """
    # CATALOG_DIR is resolved already; resolving a path costs syscalls on every solve.
    folder = Path(catalog_dir).resolve() if catalog_dir is not None else CATALOG_DIR
    return _panel_texts(normalize_locale(locale), folder, domain)
