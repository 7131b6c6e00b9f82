"""Every ``cardeck …`` command line and ``--flag`` that we print or document must parse.

Sources: README.md, docs/**/*.md, examples/**, the string constants of the
Python source under sdk/ and simulator/ (messages such as "pass --force"), and
the ``--help`` text of every command (walked from ``build_parser()``).

A flag belongs to the ``cardeck`` command that precedes it in the same line,
code span, message or help text: ``cardeck deploy verify X --trusted-key K``
gives ``--trusted-key`` to ``deploy verify``. Flags after another tool's name
(``pip install -e``, ``pytest --timeout``) belong to that tool, named in
FOREIGN_TOOLS. The check walks the argparse tree and looks the flags up in
each parser's option strings; nothing is run.

A Markdown heading that names a ``cardeck`` command lends it to the lines of
its section that name no command. A message in Python that names no command
must use a flag that some ``cardeck`` command has.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from _parser_tree import children, walk

from cardeck.cli.__main__ import build_parser

REPO = Path(__file__).resolve().parents[3]

# Tools whose flags are theirs, not ours. A token equal to one of these names
# hands the flags after it to that tool until the next `cardeck` or shell separator.
FOREIGN_TOOLS = frozenset(
    {
        "adb",
        "apt",
        "apt-get",
        "buf",
        "chrome",
        "chromium",
        "chromium-browser",
        "curl",
        "docker",
        "espeak-ng",
        "git",
        "google-chrome",
        "grpcurl",
        "jq",
        "make",
        "mypy",
        "node",
        "npm",
        "npx",
        "openssl",
        "pip",
        "pip3",
        "protoc",
        "pytest",
        "python",
        "python3",
        "ruff",
        "sha256sum",
        "sox",
        "sudo",
        "tar",
        "uv",
    }
)
# `python -m cardeck.cli sim …` is `cardeck sim …`.
CARDECK_NAMES = frozenset({"cardeck", "cardeck.cli"})
SHELL_SEPARATORS = frozenset({"|", "||", "&&", "&", ";", ">", ">>", "2>", "<"})
FLAG = re.compile(r"^(--?[A-Za-z][A-Za-z0-9-]*)(?:=.*)?$")
# A backtick is a token of its own: it ends a command path (`cardeck profiles` and …).
TOKEN = re.compile(r"`|[^\s`'\"(),\[\]{}]+")
# Code spans in messages and help: `cardeck …` or 'cardeck …'.
SPAN = re.compile(r"`(cardeck [^`]+)`|(?<![A-Za-z])'(cardeck [^']+)'")
# Words after which `cardeck` is a Python module, not the command.
MODULE_CONTEXT = frozenset({"import", "from"})
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_,.…]*|…|\.\.\.|<.*|\[.*|\{.*)$")
WORD = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Mention:
    """A flag attributed to a command, or a command path, found at ``where``."""

    where: str
    command: str
    flag: str  # "" when the mention is the command path itself


@dataclass(frozen=True)
class Problem:
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


# -- the argparse tree ---------------------------------------------------------


ROOT = build_parser()
PARSERS = dict(walk(ROOT))
ALL_FLAGS = frozenset(flag for p in PARSERS.values() for flag in p._option_string_actions)


def flags_under(path: str) -> frozenset[str]:
    """The flags of ``cardeck PATH`` and, for a group, of every command in it."""
    return frozenset(
        flag
        for other, parser in PARSERS.items()
        if other == path or other.startswith(path + " ") or not path
        for flag in parser._option_string_actions
    )


# -- attribution -----------------------------------------------------------------


def attribute(
    text: str, where: str, *, default: str | None, code: bool
) -> Iterator[Mention | Problem]:
    """The command paths and flags ``text`` names, each given to its owner.

    :param default: the owner before any tool is named (a section's command, a
        help text's own command), or None.
    :param code: whether ``text`` is a command line (a word after ``cardeck``
        that is not a command is then a mistake, not prose).
    """
    tokens = TOKEN.findall(text)
    owner: str | None = default
    i = 0
    while i < len(tokens):
        token = tokens[i].rstrip(".:")
        i += 1
        if token == "`" or (token in CARDECK_NAMES and i > 1 and tokens[i - 2] in MODULE_CONTEXT):
            continue
        if token in SHELL_SEPARATORS:
            owner = default
        elif token in FOREIGN_TOOLS:
            owner = "!" + token
        elif token in CARDECK_NAMES:
            path, parser = "", ROOT
            while i < len(tokens) and tokens[i].rstrip(".:") in children(parser):
                name = tokens[i].rstrip(".:")
                path, parser = f"{path} {name}".strip(), children(parser)[name]
                i += 1
            nxt = tokens[i].rstrip(".:,") if i < len(tokens) else ""
            if children(parser) and WORD.match(nxt) and code and nxt not in MODULE_CONTEXT:
                yield Problem(where, f"`cardeck {path} {nxt}`: no such command".replace("  ", " "))
                owner = "!unknown"
                continue
            if not path and not (nxt.startswith("-") or PLACEHOLDER.match(nxt) or nxt in ("", "`")):
                owner = default  # prose: "the cardeck command", "cardeck is …"
                continue
            owner = path
            yield Mention(where, path, "")
        elif (match := FLAG.match(token)) and owner is not None and not owner.startswith("!"):
            yield Mention(where, owner, match.group(1))
        elif (match := FLAG.match(token)) and owner is None and default is None:
            yield Mention(where, "*", match.group(1))


# -- the sources ---------------------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)\s*(\w*)")
HEADING = re.compile(r"^#{1,6}\s")
# Fenced blocks in these languages hold command lines; others (python, yaml) only prose.
SHELL_FENCES = frozenset({"", "bash", "sh", "shell", "console", "text", "zsh"})


def text_mentions(text: str, where: str, default: str | None) -> Iterator[Mention | Problem]:
    """A line of prose: flags go to the command before them, quoted commands are strict."""
    for match in SPAN.finditer(text):
        yield from attribute(match.group(1) or match.group(2), where, default=None, code=True)
    yield from attribute(text, where, default=default, code=False)


def markdown_mentions(path: Path) -> Iterator[Mention | Problem]:
    """Mentions in a Markdown file: shell blocks by (continued) line, prose by line."""
    rel = path.relative_to(REPO)
    section: str | None = None
    fence: str | None = None
    pending = paragraph = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{rel}:{number}"
        if match := FENCE.match(line):
            fence = None if fence is not None else match.group(2)
            pending = ""
            continue
        if fence is not None and fence in SHELL_FENCES:
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            text, pending = pending + line.split(" #", 1)[0], ""
            yield from (m for m in attribute(text, where, default=None, code=True) if not_star(m))
            continue
        if not line.strip():
            paragraph = ""
        # Code spans may wrap (`cardeck sim⏎--headless`): check them over the paragraph.
        paragraph = f"{paragraph} {line.strip()}"
        if paragraph.count("`") % 2 == 0:
            for match in SPAN.finditer(paragraph):
                span = match.group(1) or match.group(2)
                yield from attribute(span, where, default=None, code=True)
            paragraph = ""
        if fence is None and HEADING.match(line):
            found = [
                m
                for m in attribute(line, where, default=None, code=False)
                if isinstance(m, Mention) and m.command != "*"
            ]
            section = found[0].command if found else None
        yield from (m for m in text_mentions(line, where, section) if not_star(m))


def not_star(item: Mention | Problem) -> bool:
    """Unowned flags in documents are not ours to judge (they may be a tool's)."""
    return not (isinstance(item, Mention) and item.command == "*")


def python_strings(path: Path) -> Iterator[tuple[int, str]]:
    """Every string constant with a space in it (messages, not argv items), with its line.

    Docstrings are left out: they document code, and are not printed to users.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "X"
                for v in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if " " in text.strip():
            yield node.lineno, text


def python_mentions(path: Path) -> Iterator[Mention | Problem]:
    rel = path.relative_to(REPO)
    for line, text in python_strings(path):
        for part in text.splitlines():
            yield from text_mentions(part, f"{rel}:{line}", None)


def example_mentions(path: Path) -> Iterator[Mention | Problem]:
    """Examples: every line as text (comments, docstrings, argv lists alike)."""
    rel = path.relative_to(REPO)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        yield from (m for m in text_mentions(line, f"{rel}:{number}", None) if not_star(m))


def help_mentions() -> Iterator[Mention | Problem]:
    """Every command's --help text; its flags default to that command."""
    for path, parser in PARSERS.items():
        where = f"cardeck {path} --help".replace("  ", " ")
        for line in parser.format_help().splitlines():
            yield from text_mentions(line, where, path)


def source_files() -> dict[str, list[Path]]:
    skip = ("_pb2.py", "_pb2_grpc.py", "_pb2.pyi")
    python = [
        p
        for root in ("sdk", "simulator")
        for p in sorted((REPO / root).rglob("*.py"))
        if not p.name.endswith(skip) and ".venv" not in p.parts
    ]
    docs = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    examples = [p for p in sorted((REPO / "examples").rglob("*")) if p.is_file()]
    return {"python": python, "docs": docs, "examples": examples}


def all_mentions() -> Iterator[Mention | Problem]:
    files = source_files()
    for path in files["docs"]:
        yield from markdown_mentions(path)
    for path in files["examples"]:
        try:
            yield from example_mentions(path)
        except UnicodeDecodeError:
            continue
    for path in files["python"]:
        yield from python_mentions(path)
    yield from help_mentions()


def problems() -> list[str]:
    found: list[str] = []
    for item in all_mentions():
        if isinstance(item, Problem):
            found.append(str(item))
        elif item.flag and item.command == "*":
            if item.flag not in ALL_FLAGS:
                found.append(f"{item.where}: {item.flag} is not a flag of any cardeck command")
        elif item.flag and item.flag not in flags_under(item.command):
            name = f"cardeck {item.command}".strip()
            found.append(f"{item.where}: `{name}` has no {item.flag}")
    return sorted(set(found))


# -- the tests -----------------------------------------------------------------------


def test_every_documented_command_and_flag_parses() -> None:
    assert problems() == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("run `cardeck deploy verify B --trusted-key K --json`", []),
        (
            "cardeck deploy verify B --trusted-keys K",
            ["`cardeck deploy verify` has no --trusted-keys"],
        ),
        ("`cardeck deploy verfy B`", ["`cardeck deploy verfy`: no such command"]),
        ("pip install -e . && cardeck profiles list --json", []),
        (
            "pytest --timeout 5 tests; cardeck layout solve X --jsn",
            ["`cardeck layout solve` has no --jsn"],
        ),
        ("python -m cardeck.cli sim --headless --bogus", ["`cardeck sim` has no --bogus"]),
        ("the cardeck command takes --json", []),
    ],
)
def test_attribution(text: str, expected: list[str]) -> None:
    found = []
    for item in attribute(text, "t", default=None, code=text.startswith("`")):
        if isinstance(item, Problem):
            found.append(item.text)
        elif item.flag and item.command != "*" and item.flag not in flags_under(item.command):
            found.append(f"`cardeck {item.command}` has no {item.flag}")
    assert found == expected
