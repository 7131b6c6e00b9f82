"""The obvious subject of a ``cardeck call`` is an argument; the old flag still works."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

CARDECK = [sys.executable, "-m", "cardeck.cli"]


def cardeck(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CARDECK, *argv], capture_output=True, text=True, timeout=60)


def active_profile(target: str) -> str:
    result = cardeck("info", "--json", "--target", target)
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["active_profile_id"])


def test_activate_takes_the_profile_id_as_an_argument_or_the_old_flag(headunit: Any) -> None:
    target = ["--target", headunit.target]
    result = cardeck("call", "layout", "activate", "polestar-2", "--json", *target)
    assert (result.returncode, result.stderr) == (0, "")
    assert active_profile(headunit.target) == "polestar-2"
    result = cardeck("call", "layout", "activate", "--id", "hyundai-kia-ccnc", *target)
    assert (result.returncode, result.stderr) == (0, "")
    assert active_profile(headunit.target) == "hyundai-kia-ccnc"


def test_search_takes_the_query_as_an_argument(headunit: Any) -> None:
    by_argument = cardeck(
        "call", "maps", "search", "stockmann", "--json", "--target", headunit.target
    )
    by_flag = cardeck(
        "call", "maps", "search", "--query", "stockmann", "--json", "--target", headunit.target
    )
    assert by_argument.returncode == 0, by_argument.stderr
    assert json.loads(by_argument.stdout) == json.loads(by_flag.stdout) != []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["call", "layout", "activate"],
            "UsageError: cardeck call layout activate needs the profile id; give it as `cardeck "
            "call layout activate ID`.\n",
        ),
        (
            ["call", "layout", "activate", "polestar-2", "--id", "tesla-model-3"],
            "UsageError: cardeck call layout activate got 'polestar-2' and --id 'tesla-model-3'; "
            "give the ID once, as an argument.\n",
        ),
        (
            ["call", "browser", "navigate"],
            "UsageError: cardeck call browser navigate needs the URL to open; give it as `cardeck "
            "call browser navigate URL`.\n",
        ),
    ],
)
def test_a_missing_or_doubled_subject_is_a_usage_error(argv: list[str], message: str) -> None:
    # Checked before connecting: no head unit is needed (nothing listens on port 9).
    result = cardeck(*argv, "--target", "127.0.0.1:9")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", message)
