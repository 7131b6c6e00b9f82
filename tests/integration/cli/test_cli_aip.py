"""`cardeck call` with --page-size/--page-token and --sample-rate-hz, against a real sim."""

import json
import subprocess
import wave
from collections.abc import Iterator

import pytest

from tests._cli import CARDECK, start_sim, stop_sim


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    proc, host_port = start_sim(
        [*CARDECK, "sim", "--headless", "--port", "0", "--ws-port", "0", "--no-browser"]
    )
    yield host_port
    stop_sim(proc)


def call(target: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CARDECK, "call", *args, "--target", target], capture_output=True, text=True, timeout=60
    )


def test_profiles_page_by_page_with_the_printed_token(target: str) -> None:
    first = call(target, "layout", "profiles", "--page-size", "1", "--json")
    assert first.returncode == 0, first.stderr
    page = json.loads(first.stdout)
    assert len(page["items"]) == 1 and page["next_page_token"]
    second = call(
        target,
        "layout",
        "profiles",
        "--page-size",
        "1",
        "--page-token",
        page["next_page_token"],
        "--json",
    )
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["items"][0]["profile_id"] > page["items"][0]["profile_id"]
    everything = json.loads(call(target, "layout", "profiles", "--json").stdout)
    assert isinstance(everything, list) and len(everything) >= 2


def test_search_pages_print_the_token_and_refuse_limit_with_them(target: str) -> None:
    out = call(target, "maps", "search", "cafe", "--page-size", "3")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("next_page_token: ")
    both = call(target, "maps", "search", "cafe", "--limit", "3", "--page-size", "3")
    assert both.returncode != 0
    assert "--limit or --page-size/--page-token" in both.stderr


def test_a_bad_token_names_page_token(target: str) -> None:
    out = call(target, "maps", "markers", "--page-token", "nonsense")
    assert out.returncode != 0
    assert "page_token" in out.stderr
    assert call(target, "packages", "list", "--page-size", "5").returncode == 0


def test_speak_writes_a_wav_at_the_rate_asked(target: str, tmp_path) -> None:
    out = tmp_path / "turn.wav"
    done = call(target, "voice", "speak", "Turn left.", "--sample-rate-hz", "16000", "-o", str(out))
    assert done.returncode == 0, done.stderr
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == 16000
    bad = call(target, "voice", "speak", "Turn left.", "--sample-rate-hz", "11025")
    assert bad.returncode != 0 and "sample_rate_hz" in bad.stderr
