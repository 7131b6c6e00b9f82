"""The locale from the command line: `cardeck sim --locale`, `cardeck call headunit
set-locale`, `cardeck info` and `cardeck watch events`, as a user runs them."""

import json
import subprocess
from collections.abc import Iterator

import pytest

from tests._cli import CARDECK, start_sim, stop_sim


def cardeck(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `cardeck ARGS…` and return what it did."""
    return subprocess.run([*CARDECK, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    """One `cardeck sim --headless --locale ko` for the module; yields its host:port."""
    argv = ["sim", "--headless", "--port", "0", "--ws-port", "-1", "--no-browser"]
    proc, host_port = start_sim([*CARDECK, *argv, "--locale", "ko_KR"])
    yield host_port
    stop_sim(proc)


def test_an_unknown_locale_exits_2_listing_the_supported_ones() -> None:
    result = cardeck("sim", "--headless", "--locale", "fr")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith(
        "cardeck sim: error: argument --locale: The locale 'fr' is not supported; use one of "
        "en, ko, de, ar, en-XA, ar-XB.\n"
    )


def test_the_head_unit_starts_in_the_flags_locale(target: str) -> None:
    info = json.loads(cardeck("info", "--target", target, "--json").stdout)
    assert (info["locale"], info["rtl"]) == ("ko", False)
    assert [x["tag"] for x in info["supported_locales"]] == [
        "en", "ko", "de", "ar", "en-XA", "ar-XB",
    ]  # fmt: skip
    assert info["supported_locales"][1] == {
        "tag": "ko", "name": "한국어", "rtl": False, "pseudo": False,
    }  # fmt: skip


def test_set_locale_prints_the_locale_and_watch_shows_the_event(target: str) -> None:
    watch = subprocess.Popen(
        [*CARDECK, "watch", "events", "--kinds", "locale", "--count", "1", "--target", target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The watch says where it starts on stderr once subscribed; then switch.
        assert watch.stderr.readline().startswith("watching events from seq ")
        result = cardeck("call", "headunit", "set-locale", "ar", "--target", target)
        assert result.returncode == 0, result.stderr
        assert result.stdout == ("tag: ar\nbase: ar\nrtl: yes\npseudo: no\nname: العربية\n")
        out, _ = watch.communicate(timeout=30)
    finally:
        watch.kill()
        watch.stdout.close()
        watch.stderr.close()
    assert watch.returncode == 0
    assert out.split(" ", 2)[1:] == ["locale", "locale=ar rtl=true\n"]
    text = cardeck("info", "--target", target).stdout
    assert "\nlocale: ar (العربية, right to left)\n" in text
    # Back to where the module started, for the other tests.
    assert cardeck("call", "headunit", "set-locale", "ko", "--target", target).returncode == 0


def test_set_locale_refuses_an_unknown_tag_with_the_head_units_list(target: str) -> None:
    result = cardeck("call", "headunit", "set-locale", "tlh", "--target", target)
    assert result.returncode == 1
    assert result.stderr == (
        "InvalidArgumentError: The request has invalid fields (locale): locale 'tlh' is not "
        "supported; use one of en, ko, de, ar, en-XA, ar-XB (GetInfo lists them with their "
        "names).\n"
    )
