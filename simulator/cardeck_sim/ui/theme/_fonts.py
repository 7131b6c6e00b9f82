"""The fonts CarDeck draws text with: a fallback chain that covers every shipped locale.

Kivy-free: this module finds font files and reads their character maps
(fontTools); :mod:`cardeck_sim.ui.painters.text` draws with them.

The chain, in order (issue 20, item 3):

1. **Noto Sans** — Latin, Greek, Cyrillic, digits and punctuation (Debian ``fonts-noto-core``);
2. **Noto Sans CJK KR** — Hangul (and Han, kana) (Debian ``fonts-noto-cjk``);
3. **Noto Sans Arabic** — Arabic letters, harakat, Arabic digits (Debian ``fonts-noto-core``).

Each character is drawn with the first font of the chain that has a glyph for it;
spaces, punctuation and digits join the run beside them when its font has them, so
"120 م" or "(Hotel Arthur)" is not cut into pieces. A character no font has is a
*missing glyph* (:func:`missing_glyphs`): it would be drawn as a box.

Where the files are: ``$CARDECK_FONT_DIRS`` (directories separated by ``os.pathsep``)
first, then Debian's paths, then fontconfig (``fc-match``). A font that is not found
is logged once as a warning naming the Debian package that ships it, and left out of
the chain; with no Noto Sans at all, Kivy's bundled Roboto draws Latin text.

**The CJK face.** ``NotoSansCJK-Regular.ttc`` is a collection of ten faces (JP, KR,
SC, TC, HK and their Mono twins); SDL_ttf's ``TTF_OpenFont`` (all Kivy's text
provider calls) always opens face 0, *Noto Sans CJK JP*, and Kivy's ``font_name``
takes no face index. Measured with fontTools: faces 0 (JP) and 1 (KR) map every
character to the same glyph except 637 Han ideographs (and 2 Kangxi radicals), and
share their vertical metrics; every Hangul syllable and jamo, every Latin letter and
every punctuation mark is the same glyph. So Korean text drawn from face 0 is
pixel-for-pixel the KR face; only Hanja would show Japanese glyph shapes, which no
CarDeck string uses.

Usage::

    chain = font_chain()
    chain.missing_glyphs("안녕 مرحبا 😀")     # frozenset({'😀'})
    [(run, face.name) for run, face in chain.runs("Hotel 시청")]
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FONT_DIRS_ENV",
    "FontChain",
    "FontFace",
    "font_attribution",
    "font_chain",
    "is_ignorable",
    "missing_glyphs",
]

log = logging.getLogger(__name__)

#: Directories searched first for the chain's font files (``os.pathsep``-separated).
FONT_DIRS_ENV = "CARDECK_FONT_DIRS"

_DEBIAN_DIRS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype",
    "/usr/share/fonts/opentype",
)


@dataclass(frozen=True)
class _Wanted:
    """A font the chain wants: its files, how fontconfig names it, who ships it."""

    name: str
    regular: str
    bold: str
    family: str
    package: str
    #: SDL_ttf opens a collection's first face: the one whose cmap we read.
    index: int = 0


_WANTED = (
    _Wanted(
        "Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "Noto Sans", "fonts-noto-core"
    ),
    _Wanted(
        "Noto Sans CJK KR",
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJK-Bold.ttc",
        "Noto Sans CJK KR",
        "fonts-noto-cjk",
    ),
    _Wanted(
        "Noto Sans Arabic",
        "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf",
        "Noto Sans Arabic",
        "fonts-noto-core",
    ),
)


@dataclass(frozen=True)
class FontFace:
    """One font of the chain: its files and the characters it has glyphs for.

    :param name: Its family name ("Noto Sans Arabic").
    :param regular: The regular weight's file.
    :param bold: The bold weight's file (the regular one when no bold was found).
    :param script: The ISO 15924 script its runs are shaped as ("Latn", "Hang", "Arab").
    :param rtl_script: Whether its script is written right to left (its runs are
        shaped right to left).
    """

    name: str
    regular: Path
    bold: Path
    script: str
    rtl_script: bool = False
    coverage: frozenset[int] = field(default=frozenset(), repr=False, compare=False)

    def path(self, bold: bool) -> Path:
        """The file to draw with, for a weight."""
        return self.bold if bold else self.regular

    def covers(self, ch: str) -> bool:
        """Whether the font has a glyph for a character."""
        return ord(ch) in self.coverage


@functools.lru_cache(maxsize=4096)
def is_ignorable(ch: str) -> bool:
    """Whether a character is never drawn as a glyph: a control or format mark, a space.

    Bidi marks and overrides (U+200F, U+202E, U+202C), joiners, spaces and newlines
    need no glyph: the bidi step consumes the marks, spaces are advances.
    """
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Cf", "Zs", "Zl", "Zp") or ch in "\n\r\t"


@functools.lru_cache(maxsize=4096)
def _neutral(ch: str) -> bool:
    """Spaces, punctuation, digits and symbols: they join the run beside them."""
    return unicodedata.category(ch)[0] in "ZPNS" or is_ignorable(ch)


@functools.lru_cache(maxsize=16)
def _coverage(path: str, index: int) -> frozenset[int]:
    """The code points a font file's best cmap maps (read once per file, ~5–160 ms)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        collection = TTCollection(path, lazy=True)
        try:
            return frozenset(collection.fonts[index].getBestCmap() or {})
        finally:
            collection.close()
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _search_dirs() -> list[Path]:
    dirs = [Path(d) for d in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if d]
    return [*dirs, *(Path(d) for d in _DEBIAN_DIRS)]


def _fc_match(family: str, bold: bool) -> Path | None:
    """Ask fontconfig for a family's file (None when fc-match is absent or answers another)."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}\n%{family}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, families = out.partition("\n")
    if not file or family.lower() not in families.lower():
        return None  # fontconfig's nearest match is some other family
    return Path(file)


def _find(filename: str, family: str, bold: bool) -> Path | None:
    for folder in _search_dirs():
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    return _fc_match(family, bold)


def _roboto() -> Path | None:
    """Kivy's bundled Roboto (the last resort), found without importing Kivy."""
    spec = importlib.util.find_spec("kivy")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "fonts" / "Roboto-Regular.ttf"
    return path if path.is_file() else None


_SCRIPTS = {"Noto Sans": "Latn", "Noto Sans CJK KR": "Hang", "Noto Sans Arabic": "Arab"}


class FontChain:
    """Fonts in fallback order: each character is drawn with the first that has it.

    :param faces: The fonts, first choice first.

    Usage::

        chain = font_chain()
        chain.runs("انعطف إلى Hotel Arthur")   # [("انعطف إلى ", Noto Sans Arabic), ...]
    """

    def __init__(self, faces: Sequence[FontFace]) -> None:
        if not faces:
            raise ValueError("A font chain needs at least one font; none was given.")
        self.faces: tuple[FontFace, ...] = tuple(faces)
        self._choice: dict[str, FontFace | None] = {}

    def face_for(self, ch: str) -> FontFace | None:
        """The first font that has a glyph for a character; None when none has."""
        try:
            return self._choice[ch]
        except KeyError:
            pass
        code = ord(ch)
        face = next((f for f in self.faces if code in f.coverage), None)
        self._choice[ch] = face
        return face

    def missing_glyphs(self, text: str) -> frozenset[str]:
        """The characters of a text no font of the chain has (controls and spaces aside)."""
        return frozenset(
            ch for ch in set(text) if not is_ignorable(ch) and self.face_for(ch) is None
        )

    def assign(self, text: str) -> list[FontFace]:
        """The font each character of a text is drawn with, in logical order.

        A letter gets its first covering font (the first font when none covers it:
        the box it draws is what :meth:`missing_glyphs` reports). A space, digit,
        punctuation mark or control joins the run before it when that run's font has
        it, else the run after it, else takes its own first covering font.
        """
        first = self.faces[0]
        faces: list[FontFace | None] = [
            None if _neutral(ch) else (self.face_for(ch) or first) for ch in text
        ]
        # Neutrals: the font of the letter before them, or after them, that has them.
        before: FontFace | None = None
        for i, ch in enumerate(text):
            if faces[i] is not None:
                before = faces[i]
                continue
            after = next((f for f in faces[i + 1 :] if f is not None), None)
            for option in (before, after):
                if option is not None and (option.covers(ch) or is_ignorable(ch)):
                    faces[i] = option
                    break
            else:
                faces[i] = self.face_for(ch) or before or after or first
            before = faces[i] if not is_ignorable(ch) else before
        return [f if f is not None else first for f in faces]

    def runs(self, text: str) -> list[tuple[str, FontFace]]:
        """Split a text (logical order) into runs of one font each."""
        out: list[tuple[str, FontFace]] = []
        for ch, face in zip(text, self.assign(text), strict=True):
            if out and out[-1][1] is face:
                out[-1] = (out[-1][0] + ch, face)
            else:
                out.append((ch, face))
        return out


def _load(wanted: Iterable[_Wanted]) -> list[FontFace]:
    faces: list[FontFace] = []
    for want in wanted:
        regular = _find(want.regular, want.family, bold=False)
        if regular is None:
            log.warning(
                "Font %s (%s) was not found in %s or by fontconfig; text that needs it "
                "is drawn as boxes. Install the Debian package %s (apt-get install %s), "
                "or point %s at a folder that holds it.",
                want.name,
                want.regular,
                ", ".join(str(d) for d in _search_dirs()),
                want.package,
                want.package,
                FONT_DIRS_ENV,
            )
            continue
        bold = _find(want.bold, want.family, bold=True) or regular
        script = _SCRIPTS[want.name]
        faces.append(
            FontFace(
                want.name,
                regular,
                bold,
                script,
                rtl_script=script == "Arab",
                coverage=_coverage(str(regular), want.index),
            )
        )
    if not any(f.name == "Noto Sans" for f in faces):
        roboto = _roboto()
        if roboto is not None:
            log.warning("Latin text falls back to Kivy's Roboto (%s).", roboto)
            faces.insert(
                0, FontFace("Roboto", roboto, roboto, "Latn", coverage=_coverage(str(roboto), 0))
            )
    return faces


@functools.lru_cache(maxsize=1)
def font_chain() -> FontChain:
    """The chain every painter draws with (found and read once per process).

    :raises ValueError: No font at all was found (not even Kivy's Roboto).
    """
    return FontChain(_load(_WANTED))


def missing_glyphs(text: str) -> frozenset[str]:
    """The characters of a text that no font of :func:`font_chain` has a glyph for.

    Controls (U+200F, U+202E, U+202C…), spaces and newlines are never missing.
    """
    return font_chain().missing_glyphs(text)


def font_attribution() -> str:
    """The text fonts' part of ``fonts/ATTRIBUTION.md``: which fonts, their licence, where from.

    ``tools/subset_icons.py`` writes it after the icon fonts' part.
    """
    rows = "".join(f"| {w.name} | `{w.regular}`, `{w.bold}` | `{w.package}` |\n" for w in _WANTED)
    return (
        "# Text fonts (not shipped)\n\n"
        f"CarDeck draws text with {len(_WANTED)} Noto fonts by Google, licensed under the SIL\n"
        "Open Font License 1.1 (OFL-1.1, https://openfontlicense.org). They are **not** in\n"
        "this folder or in the wheel: the simulator finds them on the system\n"
        "(`cardeck_sim.ui.theme.font_chain`), where Debian installs them, in\n"
        + ", ".join(f"`{d}`" for d in _DEBIAN_DIRS[:2])
        + ":\n\n"
        "| Font | Files | Debian package |\n"
        "| --- | --- | --- |\n"
        + rows
        + f"\n`{FONT_DIRS_ENV}` (folders separated by `:`) is searched before these paths,\n"
        "then fontconfig. A font that is missing is logged as a warning naming its\n"
        "package; Latin text then falls back to Kivy's bundled Roboto.\n"
    )
