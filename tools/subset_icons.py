"""Subset Material Symbols to the icons CarDeck draws, into the simulator package.

The source is npm ``material-symbols`` (Apache-2.0; installed by ``npm ci`` into
``node_modules``): a variable WOFF2 font of ~4,000 icons and 5 MB. Kivy's SDL2
text provider reads TrueType only and applies no ligatures, so this tool keeps
only the code points in :data:`cardeck_sim.ui.theme.icons.ICONS`, pins the
variable axes to two static instances (outlined and filled, weight 400, optical
size 24) and writes them as TTF next to the font's licence. Every name is
checked against the font's ligatures first: a name the font does not know, or a
code point that draws another glyph, stops the tool with the right code point.

Run it on purpose only, after changing the icon list::

    .venv/bin/python tools/subset_icons.py

``tests/unit/test_icons.py`` checks that the committed fonts and the list agree.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "simulator"))

from cardeck_sim.ui.theme import font_attribution  # noqa: E402 — after the path is set
from cardeck_sim.ui.theme.icons import (  # noqa: E402 — after the path is set
    ICON_FONT,
    ICON_FONT_FILLED,
    ICONS,
)

SOURCE = ROOT / "node_modules/material-symbols/material-symbols-rounded.woff2"
OUT = ROOT / "simulator/cardeck_sim/ui/theme/fonts"
# Regular weight at the 24 px optical size, the grade Material uses on both themes.
AXES = {"wght": 400.0, "GRAD": 0.0, "opsz": 24.0}


def ligatures(font: TTFont) -> dict[str, str]:
    """Return every icon name the font spells as a ligature → the glyph it draws."""
    chars = {glyph: chr(cp) for cp, glyph in font.getBestCmap().items() if cp < 128}
    names: dict[str, str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            if lookup.LookupType == 7:  # an extension lookup wraps the real one
                table = table.ExtSubTable
            for first, ligs in getattr(table, "ligatures", {}).items():
                for lig in ligs:
                    spelled = chars.get(first, "?") + "".join(
                        chars.get(c, "?") for c in lig.Component
                    )
                    names[spelled] = lig.LigGlyph
    return names


def check(font: TTFont) -> list[str]:
    """Return a sentence for every listed icon the font lacks or draws at another code point."""
    glyphs = ligatures(font)
    cmap = font.getBestCmap()
    problems = []
    for name, cp in ICONS.items():
        glyph = glyphs.get(name)
        if glyph is None:
            problems.append(f"{name}: Material Symbols has no icon of this name; pick another.")
        elif cmap.get(cp) != glyph:
            right = sorted(c for c, g in cmap.items() if g == glyph and c >= 0xE000)
            problems.append(
                f"{name}: U+{cp:04X} draws {cmap.get(cp)!r}; use "
                + " or ".join(f"0x{c:04X}" for c in right)
                + "."
            )
    return problems


def build(source: Path, filled: bool) -> bytes:
    """Subset the source to the listed code points and pin its axes; return the TTF."""
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = []  # code points only: the ligature tables are most of the size
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.glyph_names = True  # the unit test reads each glyph's name back
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ICONS.values()))
    subsetter.subset(font)
    static = instancer.instantiateVariableFont(font, {**AXES, "FILL": 1.0 if filled else 0.0})
    static.flavor = None  # TrueType: the source is WOFF2, which SDL2_ttf cannot read
    static.recalcTimestamp = False  # the source's dates: the same input, the same bytes
    buf = io.BytesIO()
    static.save(buf)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Check the icon list against the font and write the subset fonts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=SOURCE,
        help="The Material Symbols variable font to subset (default: the npm package's Rounded).",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="Only check that every listed name and code point is in the font; write nothing.",
    )
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(
            f"subset_icons: {args.source} does not exist. Run `npm ci` (scripts/setup.sh does) "
            "to install the material-symbols package.",
            file=sys.stderr,
        )
        return 1
    problems = check(TTFont(args.source))
    if problems:
        print("subset_icons: the icon list and the font disagree:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    if args.check:
        print(f"subset_icons: all {len(ICONS)} icons are in {args.source.name}.")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, filled in ((ICON_FONT, False), (ICON_FONT_FILLED, True)):
        data = build(args.source, filled)
        (OUT / name).write_bytes(data)
        print(f"subset_icons: wrote {name}: {len(ICONS)} icons, {len(data) / 1024:.1f} KB")
    shutil.copyfile(args.source.parent / "LICENSE", OUT / "LICENSE-MaterialSymbols.txt")
    (OUT / "ATTRIBUTION.md").write_text(attribution(args.source), encoding="utf-8")
    return 0


def attribution(source: Path) -> str:
    """The attribution note shipped next to the fonts: what they are and where from."""
    package = json.loads((source.parent / "package.json").read_text(encoding="utf-8"))
    return (
        "# Icon fonts\n\n"
        f"`{ICON_FONT}` and `{ICON_FONT_FILLED}` are subsets of Material Symbols Rounded\n"
        "by Google (https://fonts.google.com/icons), licensed under the Apache License 2.0\n"
        "(`LICENSE-MaterialSymbols.txt`). They were taken from the npm package\n"
        f"`{package['name']}` {package['version']} (`{source.name}`) and cut down by\n"
        f"`tools/subset_icons.py` to the {len(ICONS)} icons CarDeck draws, as static\n"
        "instances (weight 400, grade 0, optical size 24; outlined and filled).\n"
        "\n" + font_attribution()
    )


if __name__ == "__main__":
    raise SystemExit(main())
