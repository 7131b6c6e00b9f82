"""CONTRIBUTING.md names paths, make targets, commands and symbols: each must exist."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from cardeck.cli.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "CONTRIBUTING.md").read_text()
SPANS = sorted(set(re.findall(r"`([^`\n]+)`", TEXT)))
# Where a path the guide writes relative to a package is found.
BASES = [
    ROOT,
    ROOT / "simulator",
    ROOT / "simulator" / "cardeck_sim",
    ROOT / "sdk",
    ROOT / "sdk" / "cardeck",
]


def _looks_like_path(span: str) -> bool:
    return (
        " " not in span
        and not span.startswith(".")
        and ("/" in span or span.endswith((".py", ".md")))
    )


PATHS = [s for s in SPANS if _looks_like_path(s)]
MAKE_TARGETS = sorted({m for s in SPANS for m in re.findall(r"^make (\w+)$", s)})
COMMANDS = [s for s in SPANS if s.startswith("cardeck ")]


def _exists(span: str) -> bool:
    # `protos/cardeck/v1/<service>_service.proto` stands for every file of that pattern.
    pattern = re.sub(r"<[^>]+>|\*", "*", span.rstrip("/"))
    return any(any(base.glob(pattern)) or (base / pattern).exists() for base in BASES)


def test_the_guide_names_paths_targets_and_commands() -> None:
    assert len(PATHS) > 15 and MAKE_TARGETS and COMMANDS


@pytest.mark.parametrize("span", PATHS)
def test_every_path_the_guide_names_exists(span: str) -> None:
    assert _exists(span), f"CONTRIBUTING.md names `{span}`, which is not in the tree"


@pytest.mark.parametrize("target", MAKE_TARGETS)
def test_every_make_target_the_guide_names_exists(target: str) -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is not a target"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_cardeck_command_the_guide_names_parses(command: str) -> None:
    # Placeholders (FILE, ID) are the arguments; the command words come before them.
    words = [w for w in command.split()[1:] if not w.isupper()]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        main([*words, "--help"])
    assert exited.value.code == 0
    assert "usage: cardeck " + " ".join(words) in out.getvalue()


def test_the_symbols_the_guide_names_exist() -> None:
    from cardeck_sim.state import ProfileSource
    from tests.fuzz.conftest import MODE

    assert ProfileSource and MODE
    # The painters import kivy; read them rather than load a GL stack in a unit test.
    painters = ROOT / "simulator" / "cardeck_sim" / "ui" / "painters"
    assert "class PanelPainter" in (painters / "base.py").read_text()
    assert re.search(r"^PAINTERS\b", (painters / "registry.py").read_text(), re.M)
    protos = ROOT / "protos" / "cardeck" / "v1"
    assert all("option idempotency_level" in p.read_text() for p in protos.glob("*_service.proto"))
