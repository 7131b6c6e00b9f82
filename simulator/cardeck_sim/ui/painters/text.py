"""The text every painter of a display shares: fitting it to its box, and its textures.

Text is never clipped. :meth:`TextCache.fit` measures a string with the Kivy
text provider that draws it and fits it to the box it is painted in, in this
order (issue 16, item 3):

1. reflow onto more lines, as many as the box's height holds (up to ``max_lines``);
2. shrink the font, down to — never below — the display's minimum text size;
3. only then, at that size, end the last line with an ellipsis after a whole word
   (inside a word only at a grapheme boundary: never between a letter and its
   combining marks or harakat, never inside a Hangul syllable).

Numbers are never cut: a token with a digit keeps its unit on the same line
("120 m", "3 min", "120 مترًا"), is never split or shortened, and a text marked
``truncate=False`` (a distance, a speed, the clock) is shown whole or not at
all. A painter gives such text priority — it shrinks the label beside it, or
offers shorter wordings that drop a whole secondary part (``text`` may be a
tuple of wordings, longest first). A no-break space (U+00A0, U+202F: "3:05 PM")
never breaks a line.

**Every locale** (issue 20, item 3). A line is drawn in runs, each with one font
of :func:`cardeck_sim.ui.theme.font_chain` (Noto Sans, Noto Sans CJK, Noto Sans
Arabic), in visual order, composed into one texture; its width is the sum of its
runs' widths, so :meth:`TextCache.width` is exactly what :meth:`TextCache.texture`
draws. The paragraph direction is the first strong character's (or ``rtl=``).

Bidi and shaping — what was compared and how (Kivy 2.3.1, SDL_ttf 2.22 with
HarfBuzz, Noto Sans Arabic, offscreen renders viewed and measured by pixel
columns and ink):

- Kivy alone, ``font_direction="rtl", font_script_name="Arab"`` on the whole
  string: Arabic letters join correctly, but HarfBuzz does no bidi — "120"
  is drawn "021" and a Latin name would be drawn backwards (and in the Arabic
  font, which has no Latin: boxes).
- python-bidi ``get_display`` + arabic-reshaper (presentation forms), drawn
  left to right: right order and joined letters, but the reshaper drops the
  harakat ("يمينًا" loses its tanwin) and lam-alef and mark positioning are
  the font's fallback forms, not its OpenType shaping.
- **Chosen**: the Unicode bidi algorithm (python-bidi's ``bidi.algorithm``,
  which exposes the resolved levels) splits a line into directional runs and
  orders them; each Arabic run is shaped by HarfBuzz right to left
  (``font_direction="rtl"``) in logical order; everything else is drawn left
  to right in visual order (an ar-XB override run "\u202eZoom in\u202c" is
  drawn "ni mooZ", as Android draws it). Shaped "مرحبا" measures 67 px at
  32 px against 87 px for its isolated letters.

SDL_ttf keeps the direction and script *on the font object* Kivy caches per
file and size, sets them only when it renders, and measures with whatever was
set last: measuring an Arabic run first gave the isolated-letters width (82 px)
and the texture then drew the joined word inside it. Every measurement therefore
renders a space first (≈ 3 µs), which sets the run's direction and script.

Line height: one line box per size, the Latin font's ascent and descent —
Hangul and Han ink lies inside it (measured: 0.98 em above, 0.27 em below the
baseline against Noto Sans's 1.07 / 0.29 em), so Korean and English labels are
the same height. Arabic needs more (its ink reaches 1.28 em above and 0.56 em
below with harakat; the font's line is 2.11 em): a cache set to an Arabic
locale (:meth:`TextCache.set_locale`) makes its line box the Arabic font's, so
every label of that locale has one height; an Arabic run in a cache of another
locale makes that one texture taller rather than clip its marks.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from bidi import algorithm as _uba  # type: ignore[import-untyped]
from kivy.core.text import Label as CoreLabel
from kivy.core.text._text_sdl2 import _SurfaceContainer
from kivy.core.text.text_sdl2 import LabelSDL2
from kivy.graphics.texture import Texture

from cardeck.i18n import locale_info

from ..theme import RGB, FontChain, FontFace, font_chain
from ..theme.icons import icon_char, icon_font_path

__all__ = ["ELLIPSIS", "FittedText", "TextCache", "TextTypes", "graphemes", "rgba", "tokens"]

ELLIPSIS = "\u2026"

_TEXT_CACHE_SIZE = 1024
# Each step down is 6 % smaller: fine enough that a text does not shrink much
# further than it must, few enough (≤ 12 from 2× the floor) to stay cheap.
_SHRINK_STEP = 0.94

#: One wording, or several, longest first: the first that fits is shown.
TextTypes = str | Sequence[str]

# What makes two label textures the same: text, size, colour, bold, alignment, direction.
_TextKey = tuple[str, int, RGB, bool, str, bool | None]
# What makes two icon textures the same: name, size, colour, filled.
_IconKey = tuple[str, int, RGB, bool]
# What makes two fits the same: wordings, box, sizes, bold, lines, whether it may be cut, rtl.
_FitKey = tuple[tuple[str, ...], int, int, int, int, bool, int, bool, bool | None]

# Units that stay on the line of the number before them (the formats of cardeck.i18n's
# Translator in every shipped locale: en, de, ar and the pseudo-locales).
_UNITS = frozenset(
    {
        *("m", "km", "mi", "ft", "yd", "min", "h", "s", "hr", "km/h", "mph", "%", "°C", "°F"),
        *("AM", "PM", "Min.", "Std.", "Sek."),
        *("م", "كم", "مترًا", "متر", "أمتار", "د", "س", "ث", "كم/س", "°م", "ميل", "قدم"),
        *("ɱ", "ķɱ", "ɱîñ", "ĥŕ", "ķɱ/ĥ", "ÞṀ", "ÅṀ"),
    }
)
_DIGIT = re.compile(r"\d")
# Separators that stay at the end of the line of the word before them.
_SEPARATORS = frozenset({"·", "-", "–", "—", "|", "/"})
# Where a line may break: spaces, but not the no-break ones (U+00A0, U+2007, U+202F).
_BREAK = re.compile(r"[ \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+")
# Right-to-left letters and the explicit bidi controls: a line with none is one LTR run.
_NEEDS_BIDI = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202a-\u202e\u2066-\u2069"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def rgba(c: RGB, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """Convert 0–255 RGB to Kivy's 0–1 RGBA."""
    return (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, alpha)


@dataclass(frozen=True)
class FittedText:
    """A text fitted to a box: its lines and the font size it is drawn at.

    :param lines: The lines as drawn (an ellipsis ends the last when it was cut).
    :param size_px: The font size, never below the minimum it was fitted with.
    :param truncated: Whether words were left out.
    """

    lines: tuple[str, ...]
    size_px: int
    truncated: bool

    @property
    def text(self) -> str:
        """The lines joined, as the texture draws them."""
        return "\n".join(self.lines)


# -- words and graphemes -----------------------------------------------------------


def _extends(ch: str) -> bool:
    """Whether a character belongs to the grapheme before it (a mark, a joiner's tail)."""
    code = ord(ch)
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0x1160 <= code <= 0x11FF  # Hangul medial vowels and final consonants (jamo)
        or 0xD7B0 <= code <= 0xD7FF
    )


def graphemes(text: str) -> list[str]:
    """Split text into user-perceived characters (extended grapheme clusters, simplified).

    A letter keeps its combining marks (accents, Arabic harakat, the tanwin of
    "يمينًا"), a Hangul syllable written in conjoining jamo stays whole, and a
    zero-width joiner glues the characters on both sides (emoji sequences).
    """
    out: list[str] = []
    glue = False
    for ch in text:
        if out and (glue or _extends(ch) or ch == "\u200d"):
            out[-1] += ch
        else:
            out.append(ch)
        glue = ch == "\u200d"
    return out


def _cjk(ch: str) -> bool:
    """Han ideographs and kana: lines may break between them (they use no spaces)."""
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def _words(text: str) -> list[str]:
    """Break text at breakable spaces, and between the characters of a Han or kana run."""
    out: list[str] = []
    for word in _BREAK.split(text):
        if not word:
            continue
        if any(_cjk(ch) for ch in word):
            piece = ""
            for g in graphemes(word):
                if piece and _cjk(g[0]) and _cjk(piece[-1]):
                    out.append(piece)
                    piece = g
                else:
                    piece += g
            out.append(piece)
        else:
            out.append(word)
    return out


def _join(head: str, tail: str) -> str:
    """Two pieces on one line: a space between them, none between two CJK characters."""
    if not head:
        return tail
    if _cjk(head[-1]) and _cjk(tail[0]):
        return head + tail
    return f"{head} {tail}"


def tokens(text: str) -> list[str]:
    """Split text into the pieces a line may break between.

    A number keeps its unit ("120 m", "120 مترًا") and a separator stays with the word
    before it; a no-break space never separates pieces; Han and kana break between
    characters, every other script (Korean too) at spaces.
    """
    out: list[str] = []
    for word in _words(text):
        bare = word.strip("\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
        if out and (bare in _SEPARATORS or (bare in _UNITS and _DIGIT.search(out[-1]))):
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


def _strip_separator(line: str) -> str:
    """A line without a separator dangling at its end (before an ellipsis)."""
    head, _, last = line.rpartition(" ")
    return head if head and last in _SEPARATORS else line


# -- runs --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """A piece of one line drawn with one font in one direction.

    ``text`` is what the shaper gets: logical order for a run HarfBuzz shapes right
    to left (Arabic), visual order for everything else.
    """

    text: str
    face: FontFace
    rtl: bool


def _paragraph_rtl(text: str, default: bool) -> bool:
    """The direction of the first strong character (the default when there is none)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return default


def _visual_runs(line: str, chain: FontChain, rtl: bool) -> tuple[_Run, ...]:
    """One line's runs in visual order, left to right (Unicode bidi algorithm, UAX #9)."""
    faces = chain.assign(line)
    if not rtl and not _NEEDS_BIDI.search(line):
        pieces: list[tuple[FontFace, list[str]]] = []
        for ch, face in zip(line, faces, strict=True):
            if unicodedata.category(ch) == "Cf":
                continue  # a control draws nothing (SDL_ttf would draw its box)
            if pieces and pieces[-1][0] is face:
                pieces[-1][1].append(ch)
            else:
                pieces.append((face, [ch]))
        return tuple(_Run("".join(chars), face, False) for face, chars in pieces)
    storage: dict[str, Any] = _uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    _uba.get_embedding_levels(line, storage)
    for index, info in enumerate(storage["chars"]):
        info["index"] = index
    _uba.explicit_embed_and_overrides(storage)
    _uba.resolve_weak_types(storage, False)
    _uba.resolve_neutral_types(storage, False)
    _uba.resolve_implicit_levels(storage, False)
    _uba.reorder_resolved_levels(storage, False)
    _uba.apply_mirroring(storage, False)
    # Group the visual sequence into runs of one font and one direction.
    groups: list[tuple[FontFace, bool, list[dict[str, Any]]]] = []
    for info in storage["chars"]:
        source = line[info["index"]]
        if unicodedata.category(source) == "Cf":
            continue
        face, odd = faces[info["index"]], info["level"] % 2 == 1
        if groups and groups[-1][0] is face and groups[-1][1] == odd:
            groups[-1][2].append(info)
        else:
            groups.append((face, odd, [info]))
    out: list[_Run] = []
    for face, odd, infos in groups:
        if odd and face.rtl_script:
            # HarfBuzz shapes it right to left: logical order, unmirrored (it mirrors).
            text = "".join(line[i["index"]] for i in reversed(infos))
            out.append(_Run(text, face, True))
        else:
            out.append(_Run("".join(i["ch"] for i in infos), face, False))
    return tuple(out)


# -- the cache ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Metrics:
    """One line box: how far it reaches above and below the baseline, in px."""

    ascent: int
    descent: int

    @property
    def height(self) -> int:
        return self.ascent + self.descent


class TextCache:
    """Label textures and text fits, measured by Kivy's text provider and reused.

    Building a texture costs ~0.1 to 1 ms (one render per run), measuring a string
    ~5–30 µs; reusing either costs nothing, so a repaint of an unchanged text is free.

    :param locale: The locale whose labels it draws (``cardeck.i18n`` tag): an
        Arabic one gives every line the Arabic font's height, and a text with no
        strong character (a number) its direction. Default: English.
    :param chain: The fonts (default :func:`cardeck_sim.ui.theme.font_chain`).

    Usage::

        texts = TextCache()
        fit = texts.fit("Bulevardi", 120, 60, 38, 24, max_lines=2)
        tex = texts.texture(fit.text, fit.size_px, (24, 28, 35))
        Rectangle(texture=tex, size=tex.size)
    """

    def __init__(self, locale: str | None = None, *, chain: FontChain | None = None) -> None:
        if not issubclass(CoreLabel, LabelSDL2):
            raise RuntimeError(
                f"CarDeck draws text with Kivy's SDL2 text provider (HarfBuzz shaping, "
                f"bidi runs), but Kivy chose {CoreLabel.__name__}: unset KIVY_TEXT "
                f"(or set KIVY_TEXT=sdl2) and start again."
            )
        self._chain = chain or font_chain()
        self._cache: OrderedDict[_TextKey, Texture] = OrderedDict()
        self._icons: OrderedDict[_IconKey, Texture] = OrderedDict()
        self._fits: OrderedDict[_FitKey, FittedText | None] = OrderedDict()
        self._probes: dict[tuple[str, int, bool, bool], CoreLabel] = {}
        self._run_widths: OrderedDict[tuple[_Run, int, bool], int] = OrderedDict()
        self._layouts: OrderedDict[tuple[str, bool], tuple[_Run, ...]] = OrderedDict()
        self._metrics: dict[tuple[int, bool, bool], _Metrics] = {}
        self._locale = "en"
        self._rtl = False
        self._arabic_box = False
        self.set_locale(locale or "en")

    @property
    def locale(self) -> str:
        """The locale the cache draws for (see :meth:`set_locale`)."""
        return self._locale

    def set_locale(self, tag: str) -> None:
        """Draw for a locale: its default direction and its line height.

        :raises cardeck.i18n.UnsupportedLocaleError: ``tag`` is not a shipped locale.
        """
        info = locale_info(tag)
        arabic_box = info.base == "ar"
        if (info.tag, info.rtl, arabic_box) == (self._locale, self._rtl, self._arabic_box):
            return
        self._locale, self._rtl, self._arabic_box = info.tag, info.rtl, arabic_box
        # Heights and default directions changed: every fit and texture is stale.
        self._fits.clear()
        self._cache.clear()
        self._layouts.clear()

    @property
    def chain(self) -> FontChain:
        """The fonts it draws with."""
        return self._chain

    def missing_glyphs(self, text: str) -> frozenset[str]:
        """The characters of a text none of its fonts has (drawn as boxes)."""
        return self._chain.missing_glyphs(text)

    def runs(self, line: str, *, rtl: bool | None = None) -> tuple[tuple[str, FontFace, bool], ...]:
        """How one line is drawn: its runs left to right, each (text, font, shaped RTL).

        A run shaped right to left holds its text in logical order (HarfBuzz lays it
        out from the right); any other run holds it in visual order.

        :param rtl: The paragraph direction; None: the first strong character's.
        """
        return tuple((run.text, run.face, run.rtl) for run in self._runs(line, rtl))

    # -- measuring -----------------------------------------------------------------

    def _probe(self, run: _Run, size_px: int, bold: bool) -> CoreLabel:
        """A label set up to draw a run's font, size and direction (its text aside)."""
        key = (str(run.face.path(bold)), size_px, bold, run.rtl)
        probe = self._probes.get(key)
        if probe is None:
            options: dict[str, Any] = {
                "font_size": size_px,
                "font_name": key[0],
                # A face without a bold file is emboldened by the provider.
                "bold": bold and run.face.bold == run.face.regular,
            }
            if run.face.rtl_script:
                options["font_script_name"] = run.face.script
                options["font_direction"] = "rtl" if run.rtl else "ltr"
            probe = self._probes[key] = CoreLabel(**options)
            probe.resolve_font_name()
        # SDL_ttf keeps direction and script on its cached font object and sets them
        # only when rendering: render a space so the measurement below uses ours.
        _SurfaceContainer(1, 1).render(probe, " ", 0, 0)
        return probe

    def _runs(self, line: str, rtl: bool | None) -> tuple[_Run, ...]:
        direction = _paragraph_rtl(line, self._rtl) if rtl is None else rtl
        key = (line, direction)
        runs = self._layouts.get(key)
        if runs is None:
            runs = self._layouts[key] = _visual_runs(line, self._chain, direction)
            while len(self._layouts) > _TEXT_CACHE_SIZE * 4:
                self._layouts.popitem(last=False)
        return runs

    def _run_width(self, run: _Run, size_px: int, bold: bool) -> int:
        key = (run, size_px, bold)
        width = self._run_widths.get(key)
        if width is None:
            width = int(self._probe(run, size_px, bold).get_extents(run.text)[0])
            self._run_widths[key] = width
            while len(self._run_widths) > _TEXT_CACHE_SIZE * 8:
                self._run_widths.popitem(last=False)
        return width

    def width(
        self, text: str, size_px: float, *, bold: bool = False, rtl: bool | None = None
    ) -> int:
        """The rendered width of one line of text, in px (the widest, for several lines).

        :param rtl: The paragraph direction; None: the first strong character's.
        """
        size = _px(size_px)
        return max(
            sum(self._run_width(run, size, bold) for run in self._runs(line, rtl))
            for line in text.split("\n")
        )

    def _face_metrics(self, face: FontFace, size_px: int, bold: bool) -> _Metrics:
        probe = self._probe(_Run("", face, face.rtl_script), size_px, bold)
        ascent = int(probe.get_ascent())
        height = int(probe.get_extents(" ")[1])
        return _Metrics(ascent, max(0, height - ascent))

    def _box(self, size_px: int, bold: bool, arabic: bool) -> _Metrics:
        """The line box at a size: the Latin font's, the Arabic font's too when asked."""
        key = (size_px, bold, arabic)
        box = self._metrics.get(key)
        if box is None:
            faces = [self._chain.faces[0]]
            if arabic:
                faces += [f for f in self._chain.faces if f.rtl_script]
            each = [self._face_metrics(f, size_px, bold) for f in faces]
            box = self._metrics[key] = _Metrics(
                max(m.ascent for m in each), max(m.descent for m in each)
            )
        return box

    def line_height(self, size_px: float, *, bold: bool = False) -> int:
        """The height of one line of text at a size (a texture of n lines is n times this)."""
        return self._box(_px(size_px), bold, self._arabic_box).height

    # -- fitting -------------------------------------------------------------------

    def fit(
        self,
        text: TextTypes,
        width: float,
        height: float,
        size_px: float,
        min_px: float,
        *,
        bold: bool = False,
        max_lines: int = 1,
        truncate: bool = True,
        rtl: bool | None = None,
    ) -> FittedText | None:
        """Fit text to a box: reflow, then shrink to ``min_px``, then cut at a word.

        :param text: The text, or its wordings longest first (the first that fits whole wins).
        :param width: The box's width in px.
        :param height: The box's height in px.
        :param size_px: The size the text would like; it is drawn no smaller than ``min_px``.
        :param min_px: The display's minimum text size.
        :param max_lines: At most this many lines, however tall the box.
        :param truncate: Whether the last wording may end in an ellipsis after a whole
            word; False for data (a distance, a speed, a time): whole or nothing.
        :param rtl: The paragraph direction; None: each line's first strong character's.
            The ellipsis ends the text in reading order (at the left of a right-to-left line).
        :return: The fit, or None when nothing of it fits (the painter drops the text).
        """
        wordings = (text,) if isinstance(text, str) else tuple(text)
        key: _FitKey = (
            wordings,
            int(width),
            int(height),
            _px(size_px),
            _px(min_px),
            bold,
            max_lines,
            truncate,
            rtl,
        )
        if key in self._fits:
            self._fits.move_to_end(key)
            return self._fits[key]
        how = _How(int(width), bold, rtl)
        fitted = self._fit(wordings, int(height), key[3], key[4], how, max_lines)
        if fitted is None and truncate and wordings and wordings[-1].strip():
            fitted = self._truncate(wordings[-1], int(height), key[4], how, max_lines)
        self._fits[key] = fitted
        while len(self._fits) > _TEXT_CACHE_SIZE:
            self._fits.popitem(last=False)
        return fitted

    def _sizes(self, size_px: int, min_px: int) -> list[int]:
        """Font sizes to try, largest first: the wanted size down to the floor."""
        sizes = [max(size_px, min_px)]
        while sizes[-1] > min_px:
            sizes.append(max(min_px, min(sizes[-1] - 1, math.floor(sizes[-1] * _SHRINK_STEP))))
        return sizes

    def _fits_line(self, line: str, size: int, how: _How) -> bool:
        return self.width(line, size, bold=how.bold, rtl=how.rtl) <= how.width

    def _fit(
        self,
        wordings: tuple[str, ...],
        height: int,
        size_px: int,
        min_px: int,
        how: _How,
        max_lines: int,
    ) -> FittedText | None:
        for wording in wordings:
            parts = tokens(wording)
            if not parts:
                continue
            for size in self._sizes(size_px, min_px):
                lines_fit = min(max_lines, height // max(1, self.line_height(size, bold=how.bold)))
                if lines_fit < 1:
                    continue
                if "\n" not in wording and self._fits_line(wording, size, how):
                    return FittedText((wording,), size, False)  # as written, spacing and all
                lines = self._wrap(parts, size, how, lines_fit)
                if lines is not None:
                    return FittedText(tuple(lines), size, False)
        return None

    def _wrap(self, parts: list[str], size: int, how: _How, max_lines: int) -> list[str] | None:
        """Break tokens greedily into at most ``max_lines`` lines, or None if they do not fit."""
        lines: list[str] = []
        current = ""
        for part in parts:
            candidate = _join(current, part)
            if self._fits_line(candidate, size, how):
                current = candidate
                continue
            if not current or not self._fits_line(part, size, how):
                return None  # one piece wider than the box: not without cutting it
            lines.append(current)
            current = part
            if len(lines) >= max_lines:
                return None
        lines.append(current)
        return lines

    def _truncate(
        self, text: str, height: int, size: int, how: _How, max_lines: int
    ) -> FittedText | None:
        """At the minimum size: the lines that fit, the last ending in an ellipsis after a word.

        A piece with a digit is never cut: the ellipsis goes before it. A single word
        wider than a whole line (no word boundary to cut at) is cut with an ellipsis
        at a grapheme boundary, rather than dropped, unless it holds a digit.
        """
        lines_fit = min(max_lines, height // max(1, self.line_height(size, bold=how.bold)))
        if lines_fit < 1:
            return None
        parts = tokens(text)
        lines: list[str] = []
        current = ""
        index = 0
        while index < len(parts):
            candidate = _join(current, parts[index])
            if self._fits_line(candidate, size, how):
                current = candidate
                index += 1
                continue
            if not current:
                break  # parts[index] alone is wider than a line
            lines.append(current)
            current = ""
            if len(lines) == lines_fit:
                break
        if len(lines) < lines_fit and index < len(parts):
            # A word wider than a line: cut inside it, the only place left.
            cut = self._cut(parts[index], size, how)
            if cut:
                return FittedText((*lines, cut), size, True)
        if not lines:
            return None
        # The ellipsis goes on the last line, after the last whole word that leaves room.
        last = lines.pop()
        words = tokens(last)
        while words:
            joined = ""
            for word in words:
                joined = _join(joined, word)
            candidate = _strip_separator(joined) + ELLIPSIS
            if self._fits_line(candidate, size, how):
                return FittedText((*lines, candidate), size, True)
            words.pop()
        # Its first word leaves no room for the ellipsis: cut inside it, unless a number.
        cut = self._cut(tokens(last)[0], size, how)
        if cut:
            return FittedText((*lines, cut), size, True)
        return FittedText(tuple(lines), size, True) if lines else None

    def _cut(self, word: str, size: int, how: _How) -> str:
        """The longest start of a word, whole graphemes, that fits with an ellipsis.

        "" for a number (it is never cut) or when not even one grapheme fits.
        """
        if _DIGIT.search(word):
            return ""
        clusters = graphemes(word)
        for end in range(len(clusters) - 1, 0, -1):
            cut = "".join(clusters[:end]) + ELLIPSIS
            if self._fits_line(cut, size, how):
                return cut
        return ""

    # -- textures ------------------------------------------------------------------

    def texture(
        self,
        text: str,
        size_px: float,
        color: RGB,
        *,
        bold: bool = False,
        halign: str = "left",
        rtl: bool | None = None,
    ) -> Texture:
        """Return a texture of the text as given: its lines are drawn, never re-wrapped.

        Each line is as wide as :meth:`width` says and :meth:`line_height` tall; lines
        narrower than the widest are placed by ``halign`` (left, center or right).

        :param rtl: The paragraph direction; None: each line's first strong character's.
        """
        key: _TextKey = (text, _px(size_px), color, bold, halign, rtl)
        tex = self._cache.get(key)
        if tex is not None:
            self._cache.move_to_end(key)
            return tex
        tex = self._compose(text, key[1], color, bold, halign, rtl)
        self._cache[key] = tex
        while len(self._cache) > _TEXT_CACHE_SIZE:
            self._cache.popitem(last=False)
        return tex

    def _compose(
        self, text: str, size: int, color: RGB, bold: bool, halign: str, rtl: bool | None
    ) -> Texture:
        """Render each run with its font and blit them, baselines aligned, into one texture."""
        lines = [self._runs(line, rtl) for line in text.split("\n")]
        widths = [[self._run_width(run, size, bold) for run in runs] for runs in lines]
        arabic = self._arabic_box or any(r.face.rtl_script for runs in lines for r in runs)
        box = self._box(size, bold, arabic)
        total_w = max(sum(w) for w in widths)
        if total_w < 1:
            return _empty_texture()
        pixels = np.zeros((box.height * len(lines), total_w, 4), np.uint8)
        for row, (runs, run_widths) in enumerate(zip(lines, widths, strict=True)):
            line_w = sum(run_widths)
            x = {"center": (total_w - line_w) // 2, "right": total_w - line_w}.get(halign, 0)
            top = row * box.height
            for run, w in zip(runs, run_widths, strict=True):
                if w > 0 and run.text:
                    self._blit_run(pixels, run, w, size, bold, color, x, top, box)
                x += w
        tex = Texture.create(size=(total_w, pixels.shape[0]), colorfmt="rgba")
        tex.blit_buffer(pixels.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        tex.flip_vertical()
        return tex

    def _blit_run(
        self,
        pixels: np.ndarray[Any, np.dtype[np.uint8]],
        run: _Run,
        width: int,
        size: int,
        bold: bool,
        color: RGB,
        x: int,
        top: int,
        box: _Metrics,
    ) -> None:
        probe = self._probe(run, size, bold)
        ascent = int(probe.get_ascent())
        height = int(probe.get_extents(run.text)[1])
        probe.options["color"] = rgba(color)
        surface = _SurfaceContainer(width, height)
        surface.render(probe, run.text, 0, 0)
        data = surface.get_data()
        src = np.frombuffer(data.data, np.uint8).reshape(height, width, 4)
        # Baselines on the line's: a font taller than the box (CJK's line gap) is cut
        # to it — measured: its ink stays inside the Latin box.
        dy = box.ascent - ascent
        s0, d0 = max(0, -dy), top + max(0, dy)
        rows = min(height - s0, top + box.height - d0)
        if rows <= 0:
            return
        dest = pixels[d0 : d0 + rows, x : x + width]
        np.maximum(dest, src[s0 : s0 + rows], out=dest)

    def icon(self, name: str, size_px: float, color: RGB, *, filled: bool = False) -> Texture:
        """Return a texture of one icon (:mod:`cardeck_sim.ui.theme.icons`), size × size px.

        Material Symbols draw each icon in a square of one em, centred in the
        line (the font's ascent above it equals its descent below): the texture
        is that square, cut from the line's.

        :param filled: The filled variant (a lit control), else the outlined one.
        :raises KeyError: ``name`` is not in the icon set.
        """
        key: _IconKey = (name, _px(size_px), color, filled)
        tex = self._icons.get(key)
        if tex is not None:
            self._icons.move_to_end(key)
            return tex
        label = CoreLabel(
            text=icon_char(name),
            font_size=key[1],
            font_name=str(icon_font_path(filled=filled)),
            color=rgba(color),
        )
        label.refresh()
        line = label.texture
        side = min(key[1], line.width, line.height)
        tex = line.get_region((line.width - side) // 2, (line.height - side) // 2, side, side)
        self._icons[key] = tex
        while len(self._icons) > _TEXT_CACHE_SIZE:
            self._icons.popitem(last=False)
        return tex


@dataclass(frozen=True)
class _How:
    """What a fit measures lines against: the box's width, the weight, the direction."""

    width: int
    bold: bool
    rtl: bool | None


_EMPTY: list[Texture] = []


def _empty_texture() -> Texture:
    """One transparent pixel (what Kivy gives an empty label)."""
    if not _EMPTY:
        tex = Texture.create(size=(1, 1), colorfmt="rgba")
        tex.blit_buffer(b"\x00\x00\x00\x00", colorfmt="rgba", bufferfmt="ubyte")
        _EMPTY.append(tex)
    return _EMPTY[0]


def _px(size: float) -> int:
    """A font size as the text provider renders it (SDL2_ttf takes whole px, truncated)."""
    return max(1, int(size))
