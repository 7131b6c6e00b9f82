"""The text every painter of a display shares: fitting it to its box, and its textures.

Text is never clipped. :meth:`TextCache.fit` measures a string with the Kivy
text provider that draws it and fits it to the box it is painted in, in this
order (issue 16, item 3):

1. reflow onto more lines, as many as the box's height holds (up to ``max_lines``);
2. shrink the font, down to — never below — the display's minimum text size;
3. only then, at that size, end the last line with an ellipsis after a whole word.

Numbers are never cut: a token with a digit keeps its unit on the same line
("120 m", "3 min"), is never split or shortened, and a text marked
``truncate=False`` (a distance, a speed, the clock) is shown whole or not at
all. A painter gives such text priority — it shrinks the label beside it, or
offers shorter wordings that drop a whole secondary part (``text`` may be a
tuple of wordings, longest first).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from kivy.core.text import Label as CoreLabel
from kivy.graphics.texture import Texture

from ..theme import RGB
from ..theme.icons import icon_char, icon_font_path

__all__ = ["ELLIPSIS", "FittedText", "TextCache", "TextTypes", "rgba"]

ELLIPSIS = "\u2026"

_TEXT_CACHE_SIZE = 1024
# Each step down is 6 % smaller: fine enough that a text does not shrink much
# further than it must, few enough (≤ 12 from 2× the floor) to stay cheap.
_SHRINK_STEP = 0.94

#: One wording, or several, longest first: the first that fits is shown.
TextTypes = str | Sequence[str]

# What makes two label textures the same: text, size, colour, bold, alignment.
_TextKey = tuple[str, int, RGB, bool, str]
# What makes two icon textures the same: name, size, colour, filled.
_IconKey = tuple[str, int, RGB, bool]
# What makes two fits the same: wordings, box, sizes, bold, lines, whether it may be cut.
_FitKey = tuple[tuple[str, ...], int, int, int, int, bool, int, bool]

# Units that stay on the line of the number before them.
_UNITS = frozenset({"m", "km", "mi", "ft", "yd", "min", "h", "s", "km/h", "mph", "%", "°C", "°F"})
_DIGIT = re.compile(r"\d")
# Separators that stay at the end of the line of the word before them.
_SEPARATORS = frozenset({"·", "-", "–", "—", "|", "/"})


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


def tokens(text: str) -> list[str]:
    """Split text into the pieces a line may break between.

    A number keeps its unit ("120 m") and a separator stays with the word before it.
    """
    out: list[str] = []
    for word in text.split():
        if out and (word in _SEPARATORS or (word in _UNITS and _DIGIT.search(out[-1]))):
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


def _strip_separator(line: str) -> str:
    """A line without a separator dangling at its end (before an ellipsis)."""
    head, _, last = line.rpartition(" ")
    return head if head and last in _SEPARATORS else line


class TextCache:
    """Label textures and text fits, measured by Kivy's text provider and reused.

    Building a texture costs ~20 µs to 0.3 ms, measuring a string ~5 µs;
    reusing either costs nothing, so a repaint of an unchanged text is free.

    Usage::

        texts = TextCache()
        fit = texts.fit("Bulevardi", 120, 60, 38, 24, max_lines=2)
        tex = texts.texture(fit.text, fit.size_px, (24, 28, 35))
        Rectangle(texture=tex, size=tex.size)
    """

    def __init__(self) -> None:
        self._cache: OrderedDict[_TextKey, Texture] = OrderedDict()
        self._icons: OrderedDict[_IconKey, Texture] = OrderedDict()
        self._fits: OrderedDict[_FitKey, FittedText | None] = OrderedDict()
        self._probes: dict[tuple[int, bool], CoreLabel] = {}
        self._line_heights: dict[tuple[int, bool], int] = {}

    # -- measuring -----------------------------------------------------------------

    def _probe(self, size_px: int, bold: bool) -> CoreLabel:
        probe = self._probes.get((size_px, bold))
        if probe is None:
            probe = self._probes[size_px, bold] = CoreLabel(font_size=size_px, bold=bold)
        return probe

    def width(self, text: str, size_px: float, *, bold: bool = False) -> int:
        """The rendered width of one line of text, in px."""
        return int(self._probe(_px(size_px), bold).get_extents(text)[0])

    def line_height(self, size_px: float, *, bold: bool = False) -> int:
        """The height of one line of text at a size (a texture of n lines is n times this)."""
        key = (_px(size_px), bold)
        height = self._line_heights.get(key)
        if height is None:
            height = self._line_heights[key] = int(self._probe(*key).get_extents("Ag")[1])
        return height

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
        )
        if key in self._fits:
            self._fits.move_to_end(key)
            return self._fits[key]
        fitted = self._fit(wordings, int(width), int(height), key[3], key[4], bold, max_lines)
        if fitted is None and truncate and wordings and wordings[-1].strip():
            fitted = self._truncate(wordings[-1], int(width), int(height), key[4], bold, max_lines)
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

    def _fit(
        self,
        wordings: tuple[str, ...],
        width: int,
        height: int,
        size_px: int,
        min_px: int,
        bold: bool,
        max_lines: int,
    ) -> FittedText | None:
        for wording in wordings:
            parts = tokens(wording)
            if not parts:
                continue
            for size in self._sizes(size_px, min_px):
                lines_fit = min(max_lines, height // max(1, self.line_height(size, bold=bold)))
                if lines_fit < 1:
                    continue
                if "\n" not in wording and self.width(wording, size, bold=bold) <= width:
                    return FittedText((wording,), size, False)  # as written, spacing and all
                lines = self._wrap(parts, width, size, bold, lines_fit)
                if lines is not None:
                    return FittedText(tuple(lines), size, False)
        return None

    def _wrap(
        self, parts: list[str], width: int, size: int, bold: bool, max_lines: int
    ) -> list[str] | None:
        """Break tokens greedily into at most ``max_lines`` lines, or None if they do not fit."""
        lines: list[str] = []
        current = ""
        for part in parts:
            candidate = f"{current} {part}" if current else part
            if self.width(candidate, size, bold=bold) <= width:
                current = candidate
                continue
            if not current or self.width(part, size, bold=bold) > width:
                return None  # one piece wider than the box: not without cutting it
            lines.append(current)
            current = part
            if len(lines) >= max_lines:
                return None
        lines.append(current)
        return lines

    def _truncate(
        self, text: str, width: int, height: int, size: int, bold: bool, max_lines: int
    ) -> FittedText | None:
        """At the minimum size: the lines that fit, the last ending in an ellipsis after a word.

        A piece with a digit is never cut: the ellipsis goes before it. A single word
        wider than a whole line (no word boundary to cut at) is cut with an ellipsis,
        rather than dropped, unless it holds a digit.
        """
        lines_fit = min(max_lines, height // max(1, self.line_height(size, bold=bold)))
        if lines_fit < 1:
            return None
        parts = tokens(text)
        lines: list[str] = []
        current = ""
        index = 0
        while index < len(parts):
            candidate = f"{current} {parts[index]}" if current else parts[index]
            if self.width(candidate, size, bold=bold) <= width:
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
            cut = self._cut(parts[index], width, size, bold)
            if cut:
                return FittedText((*lines, cut), size, True)
        if not lines:
            return None
        # The ellipsis goes on the last line, after the last whole word that leaves room.
        last = lines.pop()
        words = tokens(last)
        while words:
            candidate = _strip_separator(" ".join(words)) + ELLIPSIS
            if self.width(candidate, size, bold=bold) <= width:
                return FittedText((*lines, candidate), size, True)
            words.pop()
        # Its first word leaves no room for the ellipsis: cut inside it, unless a number.
        cut = self._cut(last.split(" ")[0], width, size, bold)
        if cut:
            return FittedText((*lines, cut), size, True)
        return FittedText(tuple(lines), size, True) if lines else None

    def _cut(self, word: str, width: int, size: int, bold: bool) -> str:
        """The longest start of a word that fits with an ellipsis; "" for a number."""
        if _DIGIT.search(word):
            return ""
        for end in range(len(word) - 1, 0, -1):
            cut = word[:end] + ELLIPSIS
            if self.width(cut, size, bold=bold) <= width:
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
    ) -> Texture:
        """Return a texture of the text as given: its lines are drawn, never re-wrapped."""
        key: _TextKey = (text, _px(size_px), color, bold, halign)
        tex = self._cache.get(key)
        if tex is not None:
            self._cache.move_to_end(key)
            return tex
        label = CoreLabel(text=text, font_size=key[1], color=rgba(color), bold=bold, halign=halign)
        label.refresh()
        tex = label.texture
        self._cache[key] = tex
        while len(self._cache) > _TEXT_CACHE_SIZE:
            self._cache.popitem(last=False)
        return tex

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


def _px(size: float) -> int:
    """A font size as the text provider renders it (SDL2_ttf takes whole px, truncated)."""
    return max(1, int(size))
