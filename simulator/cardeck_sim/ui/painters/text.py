"""The text textures every painter of a display shares: Kivy labels rendered once, reused."""

from __future__ import annotations

from collections import OrderedDict

from kivy.core.text import Label as CoreLabel
from kivy.graphics.texture import Texture

from .._theme import RGB

__all__ = ["TextCache", "rgba"]

_TEXT_CACHE_SIZE = 1024

# What makes two label textures the same: text, size, colour, bold, wrap width, lines, alignment.
_TextKey = tuple[str, float, RGB, bool, int | None, int, str]


def rgba(c: RGB, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """Convert 0–255 RGB to Kivy's 0–1 RGBA."""
    return (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, alpha)


class TextCache:
    """Label textures by (text, size, colour, …): building one costs ~0.3 ms, reuse costs 0.

    Usage::

        texts = TextCache()
        tex = texts.texture("12:34", 24.0, (24, 28, 35), bold=True)
        Rectangle(texture=tex, size=tex.size)
    """

    def __init__(self) -> None:
        self._cache: OrderedDict[_TextKey, Texture] = OrderedDict()

    def texture(
        self,
        text: str,
        size_px: float,
        color: RGB,
        *,
        bold: bool = False,
        width: float | None = None,
        max_lines: int = 1,
        halign: str = "left",
    ) -> Texture:
        """Return a texture of the text; with ``width`` it wraps (or shortens, one line)."""
        key: _TextKey = (
            text,
            round(size_px, 1),
            color,
            bold,
            None if width is None else int(width),
            max_lines,
            halign,
        )
        tex = self._cache.get(key)
        if tex is not None:
            self._cache.move_to_end(key)
            return tex
        options: dict[str, object] = {
            "text": text,
            "font_size": size_px,
            "color": rgba(color),
            "bold": bold,
            "halign": halign,
        }
        if width is not None:
            options["text_size"] = (max(1, int(width)), None)
            if max_lines == 1:
                options["shorten"] = True
                options["shorten_from"] = "right"
            else:
                options["max_lines"] = max_lines
        label = CoreLabel(**options)
        label.refresh()
        tex = label.texture
        self._cache[key] = tex
        while len(self._cache) > _TEXT_CACHE_SIZE:
            self._cache.popitem(last=False)
        return tex
