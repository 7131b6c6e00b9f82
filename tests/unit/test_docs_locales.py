"""docs/guides/locales.md says what the code does: its locale table, its flags and commands."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from cardeck.cli.__main__ import build_parser
from cardeck.i18n import SUPPORTED_LOCALES, locale_info

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guides" / "locales.md"


def guide_table() -> list[list[str]]:
    """The rows of the guide's "Supported locales" table, cells stripped of backticks."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Supported locales", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_guide_table_lists_every_supported_locale_as_cardeck_i18n_knows_it():
    expected = [
        [
            info.tag,
            info.name,
            "right to left" if info.rtl else "left to right",
            "yes" if info.pseudo else "no",
        ]
        for info in map(locale_info, SUPPORTED_LOCALES)
    ]
    assert guide_table() == expected


def subparser(parser: argparse.ArgumentParser, *path: str) -> argparse.ArgumentParser:
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def test_the_flags_and_commands_the_guide_names_exist():
    text = GUIDE.read_text(encoding="utf-8")
    parser = build_parser()
    assert "`cardeck sim --locale TAG`" in text
    assert "--locale" in subparser(parser, "sim")._option_string_actions
    assert "cardeck call headunit set-locale ko" in text
    subparser(parser, "call", "headunit", "set-locale")  # raises KeyError when gone
    assert "cardeck watch events --kinds locale" in text
    events = subparser(parser, "watch", "events")
    assert events._option_string_actions["--kinds"].type("locale")


def test_the_guide_quotes_the_refusal_of_an_unknown_locale_as_the_cli_prints_it(capsys):
    text = GUIDE.read_text(encoding="utf-8")
    quoted = re.search(r"cardeck sim: error: argument --locale: .*$", text, re.M)
    assert quoted is not None
    parser = build_parser()
    try:
        parser.parse_args(["sim", "--locale", "fr"])
    except SystemExit as exc:
        assert exc.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(quoted.group(0))


def test_the_docs_index_and_the_readme_link_the_guide():
    assert "(guides/locales.md)" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert "(docs/guides/locales.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
