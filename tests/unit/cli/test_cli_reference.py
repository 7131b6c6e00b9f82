"""docs/cli.md is the reference of every ``cardeck`` command, generated from the parser.

The test fails when a command, flag or JSON key changes without the reference;
regenerate it with ``.venv/bin/python tests/unit/cli/test_cli_reference.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from _parser_tree import children, walk

from cardeck.cli.__main__ import build_parser

REPO = Path(__file__).resolve().parents[3]
REFERENCE = REPO / "docs" / "cli.md"

INTRO = """\
# The `cardeck` command

Generated from the argument parser by `tests/unit/cli/test_cli_reference.py`
(run it as a script to regenerate); do not edit by hand. `cardeck COMMAND --help`
prints the same.

## Conventions

- **stdout carries the result, stderr everything else.** Progress bars (shown
  only when stderr is a terminal), notes such as `watch events`' snapshot line,
  and errors go to stderr, so `cardeck … --json | jq` and `cardeck … | head`
  work.
- **`--json`** is on every command that lists or reports. It prints one JSON
  object (`watch` prints one object per line) whose top-level keys are listed
  under each command below and in its `--help`. Keys are stable: new keys may be
  added, documented keys are not renamed or removed without a deprecation.
- **Exit status:** 0 on success; 1 when the command failed, with one line
  `ErrorClass: sentence` on stderr (what happened, then what to do); 2 when the
  command line itself is wrong (argparse's usage message); 130 on Ctrl-C.
  When the reader of stdout goes away early (`cardeck profiles list | head -1`)
  the command ends quietly with 0: it did its work, and `set -o pipefail`
  scripts should not fail because `head` stopped reading.
- **The subject is an argument:** `cardeck call layout activate polestar-2`,
  `cardeck call maps search stockmann`.
  The options these arguments replaced still work and are deprecated:
  `--id`, `--query`, `--text`, `--url`, `--name`, `--key` and `--wav` of
  `cardeck call`, and `--profile` of `cardeck layout sheet`.
- Commands that talk to a head unit take `--target HOST:PORT` (default
  `127.0.0.1:50051`), `--token`, and `--tls-ca`/`--tls-cert`/`--tls-key`.
- `cardeck deploy keygen|build|verify|push` need the deploy extra
  (`pip install 'cardeck[deploy]'`); `layout render|sheet` and `sim` need the
  simulator extra (`pip install 'cardeck[sim]'`). Without it they say so and exit 1.
"""

JSON_HEADERS = (
    "--json prints one JSON object with these keys:",
    "--json prints one JSON object per line with these keys:",
)


def command_helps(parser: argparse.ArgumentParser, path: str = "") -> dict[str, str]:
    """Each command's one-line help as its parent lists it, by command path."""
    found: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                sub_path = f"{path} {choice.dest}".strip()
                found[sub_path] = choice.help or ""
                found |= command_helps(action.choices[choice.dest], sub_path)
    return found


HELPS = command_helps(build_parser())

# JSON keys of commands whose --help does not list them yet (cardeck/cli/_headunit_cmds.py
# belongs to another change); test_cli_json.py checks them against the real output.
OTHER_JSON_KEYS: dict[str, list[tuple[str, str]]] = {
    "info": [
        ("product_name", "the head unit's product name"),
        ("server_version", "its software version"),
        ("api_version", "the negotiated API version, e.g. '1.0'"),
        ("run_id", "this run of the head unit (events are numbered per run)"),
        ("active_profile_id", "the vehicle profile in use"),
        ("locale", "the head unit's locale tag, e.g. 'ko' (docs/guides/locales.md)"),
        ("rtl", "whether that locale's text runs right to left"),
        ("supported_locales", "list of {tag, name, rtl, pseudo}: what set-locale takes"),
        ("websocket_url", "the event bridge's URL, or '' when it is off"),
        ("displays", "list of {display_id, role, width_px, height_px, density_dpi, diagonal_in}"),
        ("capabilities", "object: capability name -> true or false"),
    ],
}


def json_keys(epilog: str) -> list[tuple[str, str]]:
    """(key, description) from a ``--json`` epilog table; continuation lines joined."""
    rows: list[tuple[str, str]] = []
    for line in epilog.splitlines()[1:]:
        match = re.match(r"^  (\S+)  +(.*)$", line)
        if match:
            rows.append((match.group(1), match.group(2)))
        elif rows:
            rows[-1] = (rows[-1][0], f"{rows[-1][1]} {line.strip()}")
    return rows


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def option_rows(parser: argparse.ArgumentParser) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            metavar = "" if action.nargs == 0 else f" {action.metavar or action.dest.upper()}"
            name = ", ".join(f"`{flag}{metavar}`" for flag in action.option_strings)
        else:
            name = f"`{action.metavar or action.dest}`"
            if action.nargs in ("?", "*"):
                name += " (optional)"
        yield f"| {name} | {cell(action.help or '')} |"


def section(path: str, parser: argparse.ArgumentParser, *, describe: bool = True) -> list[str]:
    lines = [f"### `cardeck {path}`", ""]
    text = parser.description or HELPS.get(path, "")
    if text and describe:
        lines += [cell(text), ""]
    rows = list(option_rows(parser))
    if rows:
        lines += ["| argument | meaning |", "|---|---|", *rows, ""]
    epilog = parser.epilog or ""
    if epilog.startswith(JSON_HEADERS):
        lines += [epilog.splitlines()[0].replace("--json", "`--json`"), ""]
        lines += ["| key | holds |", "|---|---|"]
        lines += [f"| `{key}` | {cell(text)} |" for key, text in json_keys(epilog)]
        lines.append("")
    elif epilog:
        lines += [cell(" ".join(epilog.split())).replace("--json", "`--json`"), ""]
    if path in OTHER_JSON_KEYS:
        lines += [JSON_HEADERS[0].replace("--json", "`--json`"), ""]
        lines += ["| key | holds |", "|---|---|"]
        lines += [f"| `{key}` | {cell(text)} |" for key, text in OTHER_JSON_KEYS[path]]
        lines.append("")
    return lines


def reference() -> str:
    """The whole docs/cli.md."""
    parser = build_parser()
    lines = [INTRO, "## Commands", ""]
    for path, sub in walk(parser):
        if not path:
            continue
        if children(sub):
            lines += [f"## `cardeck {path}`", "", cell(sub.description or HELPS[path]), ""]
            lines += ["| command | what it does |", "|---|---|"]
            lines += [
                f"| `cardeck {path} {name}` | {cell(HELPS[f'{path} {name}'])} |"
                for name in children(sub)
            ]
            lines.append("")
            if list(option_rows(sub)):  # a command with options of its own (watch --signals)
                lines += section(path, sub, describe=False)
        else:
            lines += section(path, sub)
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"


def test_docs_cli_md_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is stale; run: .venv/bin/python tests/unit/cli/test_cli_reference.py"
    )


def test_every_json_key_is_in_the_reference() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for path, parser in walk(build_parser()):
        keys = OTHER_JSON_KEYS.get(path, [])
        if (parser.epilog or "").startswith(JSON_HEADERS):
            keys = keys + json_keys(parser.epilog or "")
        if "--json" in parser._option_string_actions and not path.startswith("call "):
            assert keys, f"cardeck {path} --json documents no keys"
        body = (
            text.split(f"### `cardeck {path}`\n", 1)[-1].split("\n## ", 1)[0].split("\n### ", 1)[0]
        )
        for key, _ in keys:
            assert f"| `{key}` |" in body, (path, key)


if __name__ == "__main__":
    REFERENCE.write_text(reference(), encoding="utf-8")
    print(f"Wrote {REFERENCE.relative_to(REPO)}", file=sys.stderr)
