"""``--json`` on every listing or reporting ``cardeck`` command: the documented keys, exactly.

Each command's keys are read from its ``--help`` epilog (the table that
docs/cli.md repeats), and the real command's stdout must parse with
``json.loads`` and carry those keys: no more, no fewer. Commands that talk to
a head unit run against the ``headunit`` fixture (a real head unit in a thread).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cardeck.cli.__main__ import build_parser
from cardeck.cli._output import JSON_EPILOG_HEADER
from cardeck.deploy import KeyPair, generate_keypair

CARDECK = [sys.executable, "-m", "cardeck.cli"]
REPO = Path(__file__).resolve().parents[3]
VEHICLE = "polestar-2"
LINES_HEADER = "--json prints one JSON object per line with these keys:"


def subparser(path: str) -> argparse.ArgumentParser:
    """The parser of ``cardeck PATH`` (e.g. ``"deploy list"``)."""
    parser = build_parser()
    for name in path.split():
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def documented_keys(path: str, header: str = JSON_EPILOG_HEADER) -> list[str]:
    """The top-level JSON keys the ``--help`` epilog of ``cardeck PATH`` lists."""
    epilog = subparser(path).epilog or ""
    assert epilog.startswith(header + "\n"), f"cardeck {path} --help documents no JSON keys"
    return re.findall(r"^  (\S+)  ", epilog, flags=re.MULTILINE)


def reference_keys(path: str) -> list[str]:
    """The JSON keys docs/cli.md lists for ``cardeck PATH``."""
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    body = text.split(f"### `cardeck {path}`\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    table = body.split("`--json` prints", 1)[1]
    return re.findall(r"^\| `([^`]+)` \|", table, flags=re.MULTILINE)


def run_json(*argv: str) -> Any:
    """Run ``cardeck ARGV… --json``; the parsed stdout of a run that must succeed."""
    result = subprocess.run(
        [*CARDECK, *argv, "--json"], capture_output=True, text=True, timeout=90, cwd=REPO
    )
    assert result.returncode == 0, (argv, result.stdout, result.stderr)
    return json.loads(result.stdout)


def assert_documented(path: str, data: Any) -> None:
    """``data`` is an object with exactly the keys ``cardeck PATH --help`` documents."""
    assert isinstance(data, dict)
    assert list(data) == documented_keys(path), path
    assert list(data) == reference_keys(path), f"docs/cli.md is stale for cardeck {path}"


@pytest.fixture
def keys(tmp_path: Path) -> KeyPair:
    """An OEM signing key pair that the head unit trusts."""
    return generate_keypair(tmp_path / "keys", "oem")


@pytest.fixture
def headunit_config(tmp_path: Path, keys: KeyPair) -> Any:
    """The ``headunit`` fixture's head unit: trusts ``keys``, installs under tmp_path."""
    from cardeck_sim.headunit import ServiceConfig

    return ServiceConfig(
        port=0,
        ws_port=None,
        browser=False,
        profile=VEHICLE,
        install_root=tmp_path / "installed",
        trusted_keys=(keys.public_path,),
    )


def build(payload: Path, keys: KeyPair, version: str, out: Path) -> Any:
    """``cardeck deploy build --json`` of a one-file bundle for VEHICLE."""
    return run_json(
        "deploy",
        "build",
        str(payload),
        "--key",
        str(keys.private_path),
        "--name",
        "acme",
        "--version",
        version,
        "--vehicle",
        VEHICLE,
        "-o",
        str(out),
    )


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    """A payload folder with one web asset."""
    index = tmp_path / "payload" / "web" / "index.html"
    index.parent.mkdir(parents=True)
    index.write_text("<!doctype html><title>ACME</title>\n")
    return index.parents[1]


def test_profiles_and_layout_commands(tmp_path: Path) -> None:
    listing = run_json("profiles", "list")
    assert_documented("profiles list", listing)
    first = listing["profiles"][0]
    assert list(first) == ["profile_id", "name", "source", "package_name", "displays"]
    assert list(first["displays"][0]) == ["display_id", "role", "width_px", "height_px"]
    assert VEHICLE in [p["profile_id"] for p in listing["profiles"]]

    shown = run_json("profiles", "show", VEHICLE)
    assert_documented("profiles show", shown)
    assert shown["id"] == VEHICLE

    valid = run_json("profiles", "validate", f"layouts/vehicles/{VEHICLE}.yaml")
    assert_documented("profiles validate", valid)
    assert valid["ok"] is True and valid["problems"] == []
    assert valid["files"][0]["vehicle"] == VEHICLE

    dhu = REPO / "tests" / "unit" / "layout" / "fixtures" / "dhu_1000x600.ini"
    imported = run_json("profiles", "import", str(dhu))
    assert_documented("profiles import", imported)
    assert imported["written_to"] is None and imported["yaml"].startswith("# ")

    solved = run_json("layout", "solve", VEHICLE)
    assert_documented("layout solve", solved)
    assert solved["vehicle"] == VEHICLE

    swept = run_json("layout", "sweep", "--count", "5")
    assert_documented("layout sweep", swept)
    assert swept["total"] == 5 == swept["passed"] + swept["degraded"] + swept["failed"]

    out = tmp_path / "layouts.md"
    docs = run_json("layout", "docs", "-o", str(out))
    assert_documented("layout docs", docs)
    assert docs["written_to"] == str(out) and out.is_file()


def test_profiles_validate_json_reports_problems_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    result = subprocess.run(
        [*CARDECK, "profiles", "validate", str(bad), "--json"], capture_output=True, text=True
    )
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert_documented("profiles validate", data)
    assert data["ok"] is False and data["files"] == []
    assert list(data["problems"][0]) == ["file", "line", "column", "field", "message"]
    assert result.stderr.startswith("ProfileError: ")


def test_layout_render_and_sheet(tmp_path: Path) -> None:
    pytest.importorskip("kivy")
    rendered = run_json(
        "layout", "render", VEHICLE, "--display", "center", "-o", str(tmp_path / "r.png")
    )
    assert_documented("layout render", rendered)
    assert rendered["display"] == "center" and rendered["width_px"] > 0
    sheet = run_json("layout", "sheet", VEHICLE, "-o", str(tmp_path / "s.png"))
    assert_documented("layout sheet", sheet)
    assert sheet["profiles"] == [VEHICLE]


def test_deploy_commands(headunit: Any, keys: KeyPair, payload: Path, tmp_path: Path) -> None:
    target = ["--target", headunit.target]
    pair = run_json("deploy", "keygen", "--out", str(tmp_path / "k2"))
    assert_documented("deploy keygen", pair)
    assert re.fullmatch(r"[0-9a-f]{16}", pair["key_id"]) and Path(pair["public_key"]).is_file()

    v1 = build(payload, keys, "1.0.0", tmp_path / "acme-1.0.0.cdbundle")
    assert_documented("deploy build", v1)
    assert (v1["name"], v1["version"], v1["files"]) == ("acme", "1.0.0", 1)

    verified = run_json("deploy", "verify", v1["path"], "--trusted-key", str(keys.public_path))
    assert_documented("deploy verify", verified)
    assert verified == v1

    usb = tmp_path / "usb"
    usb.mkdir()
    pushed = run_json("deploy", "push", v1["path"], "--usb", str(usb))
    assert_documented("deploy push", pushed)
    assert pushed["destination"] == str(usb / "acme-1.0.0.cdbundle")

    assert run_json("deploy", "list", *target) == {"packages": []}
    v2 = build(payload, keys, "2.0.0", tmp_path / "acme-2.0.0.cdbundle")
    for bundle in (v1, v2):
        run_json("call", "packages", "install", bundle["path"], *target)
    listing = run_json("deploy", "list", *target)
    assert_documented("deploy list", listing)
    assert listing["packages"][0] == {
        "name": "acme",
        "version": "2.0.0",
        "previous_version": "1.0.0",
        "signer_key_id": v2["signer_key_id"],
        "profile_ids": [],
    }
    rolled = run_json("deploy", "rollback", "acme", *target)
    assert_documented("deploy rollback", rolled)
    assert rolled["package"]["version"] == "1.0.0"


def test_info_prints_the_keys_docs_cli_md_lists(headunit: Any) -> None:
    info = run_json("info", "--target", headunit.target)
    assert list(info) == reference_keys("info")


def test_watch_prints_json_lines(headunit: Any) -> None:
    result = subprocess.run(
        [*CARDECK, "watch", "guidance", "--count", "1", "--json", "--target", headunit.target],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    state = json.loads(lines[0])
    assert list(state) == documented_keys("watch guidance", LINES_HEADER)
    assert documented_keys("watch events", LINES_HEADER) == [
        "seq",
        "run_id",
        "kind",
        "time",
        "data",
    ]


def walk(
    parser: argparse.ArgumentParser, path: str = ""
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every ``(command path, parser)`` under ``parser``."""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += walk(sub, f"{path} {name}".strip())
    return found


# `cardeck info` belongs to _headunit_cmds.py (another owner); its keys are in docs/cli.md.
UNDOCUMENTED_IN_HELP = {"info"}


def test_every_json_flag_documents_its_keys() -> None:
    headers = (JSON_EPILOG_HEADER, LINES_HEADER, "--json prints the result as one JSON object")
    missing = [
        path
        for path, parser in walk(build_parser())
        if "--json" in parser._option_string_actions
        and path not in UNDOCUMENTED_IN_HELP
        and not (parser.epilog or "").startswith(headers)
    ]
    assert missing == []
