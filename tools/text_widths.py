"""Build the layout engine's text width table from the Noto fonts (issue 20).

The engine checks that the longest word a panel shows fits the panel (the
``text-fit`` rule) without Kivy or system fonts at solve time, so it measures
with a table of glyph advances committed in the SDK:
``sdk/cardeck/layout/text_widths.json``. This script writes it from the fonts
the head unit paints with, in the fallback order it uses:

- Noto Sans (Latin, Greek, Cyrillic, punctuation),
- Noto Sans Arabic (Arabic, its isolated forms: joined forms are narrower, so
  the table errs on the wide side),
- Noto Sans CJK KR (Hangul and CJK).

Each code point of the listed ranges (ASCII, Latin-1, Latin Extended A/B and
Additional, combining marks, general punctuation, Arabic and its presentation
forms) gets its advance in 1/1000 em; Hangul syllables, which are all one
width in Noto Sans CJK, get one number, and so do CJK ideographs.

Usage::

    .venv/bin/python tools/text_widths.py           # write the table
    .venv/bin/python tools/text_widths.py --check   # exit 1 if it is not in step
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "sdk" / "cardeck" / "layout" / "text_widths.json"

#: The fonts, first match wins (as the painters' fallback chain).
LATIN = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
ARABIC = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FACE = "Noto Sans CJK KR"

#: The code point ranges measured one by one (inclusive).
RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x0100, 0x024F),  # Latin Extended A and B
    (0x0250, 0x02AF),  # IPA extensions (en-XA's ɱ)
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1E00, 0x1EFF),  # Latin Extended Additional (en-XA's ẋ, ṽ, Ṁ)
    (0x2000, 0x206F),  # general punctuation (ellipsis, thin spaces, bidi marks)
    (0x0600, 0x06FF),  # Arabic
    (0xFE70, 0xFEFF),  # Arabic presentation forms B (what a reshaper produces)
)
HANGUL_SYLLABLES = (0xAC00, 0xD7A3)
CJK_PROBES = (0x4E00, 0x5B57, 0x9053)  # 一 字 道


class _Face:
    def __init__(self, font: TTFont) -> None:
        self.name = str(font["name"].getDebugName(4))
        self.version = str(font["head"].fontRevision)
        self.upm = int(font["head"].unitsPerEm)
        self.cmap: dict[int, str] = font.getBestCmap()
        self.hmtx = font["hmtx"]

    def advance(self, cp: int) -> int | None:
        glyph = self.cmap.get(cp)
        if glyph is None:
            return None
        return round(int(self.hmtx[glyph][0]) * 1000 / self.upm)


def _faces() -> list[_Face]:
    missing = [str(p) for p in (LATIN, ARABIC, CJK) if not p.exists()]
    if missing:
        raise SystemExit(
            f"Missing fonts: {', '.join(missing)}; install fonts-noto-core and "
            "fonts-noto-cjk (make setup does)."
        )
    collection = TTCollection(str(CJK))
    cjk = next((f for f in collection.fonts if f["name"].getDebugName(4) == CJK_FACE), None)
    if cjk is None:
        raise SystemExit(f"{CJK} has no face named {CJK_FACE!r}.")
    return [_Face(TTFont(str(LATIN))), _Face(TTFont(str(ARABIC))), _Face(cjk)]


def _advance(faces: list[_Face], cp: int) -> int:
    # Format characters (bidi marks and overrides, zero-width space) take no room.
    if unicodedata.category(chr(cp)) == "Cf":
        return 0
    for face in faces:
        width = face.advance(cp)
        if width is not None:
            return width
    return -1  # no font has it: the engine uses its default width


def build() -> dict[str, Any]:
    """The table, as the JSON object that is committed."""
    faces = _faces()
    ranges = [
        [start, [_advance(faces, cp) for cp in range(start, stop + 1)]] for start, stop in RANGES
    ]
    hangul = {_advance(faces, cp) for cp in range(HANGUL_SYLLABLES[0], HANGUL_SYLLABLES[1] + 1)}
    if len(hangul) != 1:
        raise SystemExit(f"Hangul syllables have {len(hangul)} widths; store them one by one.")
    cjk = {_advance(faces, cp) for cp in CJK_PROBES}
    letters = [_advance(faces, cp) for cp in range(ord("a"), ord("z") + 1)]
    return {
        "about": "Glyph advances in 1/1000 em for the layout engine's text-fit rule; "
        "written by tools/text_widths.py, do not edit.",
        "fonts": [f"{f.name} {float(f.version):.3f}" for f in faces],
        "em": 1000,
        # Code points no range lists and no rule below covers: a lowercase Latin letter.
        "default": round(sum(letters) / len(letters)),
        "hangul_syllable": hangul.pop(),
        "cjk": max(cjk),
        "ranges": ranges,
    }


def render(table: dict[str, Any]) -> str:
    """The file's text: one range per line, so a diff shows what changed."""
    head = {k: v for k, v in table.items() if k != "ranges"}
    lines = json.dumps(head, ensure_ascii=False, indent=1)[:-2].splitlines()
    lines[-1] += ","
    body = ",\n".join(
        f"  [{start}, {json.dumps(widths, separators=(',', ':'))}]"
        for start, widths in table["ranges"]
    )
    return "\n".join([*lines, ' "ranges": [', body, " ]", "}"]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the committed table is not in step"
    )
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
        if current != text:
            print(
                f"{TABLE.relative_to(ROOT)} is not in step with the fonts; run "
                "'.venv/bin/python tools/text_widths.py' and commit it.",
                file=sys.stderr,
            )
            return 1
        print(f"{TABLE.relative_to(ROOT)} is in step with the fonts.")
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"Wrote {TABLE.relative_to(ROOT)} ({len(text.encode()):,} bytes).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
