"""The locale core: tags, pseudo-locales, formats and catalogs that stay in step with the code."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from cardeck.i18n import (
    SUPPORTED_LOCALES,
    UnsupportedLocaleError,
    locale_info,
    normalize_locale,
    pseudo_localize,
    translator,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("ko", "ko"), ("ko_KR.UTF-8", "ko"), ("de-AT", "de"), ("EN-xa", "en-XA"), ("ar_XB", "ar-XB")],
)
def test_tags_normalize(typed: str, tag: str) -> None:
    assert normalize_locale(typed) == tag


@pytest.mark.parametrize("typed", ["", "fr", "xx-XA", "de-XB"])
def test_unknown_tag_names_the_supported_ones(typed: str) -> None:
    with pytest.raises(UnsupportedLocaleError, match="use one of en, ko, de, ar, en-XA, ar-XB"):
        normalize_locale(typed)


def test_direction() -> None:
    assert [t for t in SUPPORTED_LOCALES if locale_info(t).rtl] == ["ar", "ar-XB"]


def test_en_xa_accents_brackets_expands_and_keeps_placeholders() -> None:
    message = "Navigating to {place}, arriving at {time}"
    out = pseudo_localize(message, "en-XA")
    assert out.startswith("[") and out.endswith("]")
    assert "{place}" in out and "{time}" in out
    literal = message.replace("{place}", "").replace("{time}", "")
    grown = len(out.replace("{place}", "").replace("{time}", "")) / len(literal)
    assert 1.3 <= grown <= 1.5
    assert not any(
        c.isascii() and c.isalpha() for c in out.replace("{place}", "").replace("{time}", "")
    )


def test_ar_xb_overrides_literals_but_not_values() -> None:
    out = pseudo_localize("Navigating to {place}", "ar-XB")
    assert out == "\u200f\u202eNavigating to \u202c{place}\u200f"


def test_pseudo_needs_a_pseudo_locale() -> None:
    with pytest.raises(ValueError, match="not a pseudo-locale"):
        pseudo_localize("x", "ko")


@pytest.mark.parametrize(
    ("tag", "near", "far", "clock"),
    [
        ("en", "120 m", "1.2 km", "3:05\u202fPM"),
        ("de", "120 m", "1,2 km", "15:05"),
        ("ko", "120m", "1.2km", "오후 3:05"),
        ("ar", "120 مترًا", "1.2 كم", "3:05 م"),
        ("en-XA", "120 ɱ", "1.2 ķɱ", "3:05\u202fÞṀ"),
    ],
)
def test_formats_follow_the_locale(tag: str, near: str, far: str, clock: str) -> None:
    tr = translator(tag)
    assert tr.distance(123) == near
    assert tr.distance(1234) == far
    assert tr.clock(dt.time(15, 5)) == clock


def test_clock_can_be_forced_to_12_or_24_hours() -> None:
    assert translator("de").clock(dt.time(15, 5), hour12=True).startswith("3:05")
    assert translator("en").clock(dt.time(15, 5), hour12=False) == "15:05"
    assert translator("de").hour12 is False and translator("ko").hour12 is True


def test_distance_rounding_and_imperial() -> None:
    tr = translator("en")
    assert tr.distance(42) == "40 m"
    assert tr.distance(996) == "1,000 m"
    assert tr.distance(15_400) == "15 km"
    assert tr.distance(100, imperial=True) == "350 ft"
    assert tr.duration(30) == "1 min" and tr.duration(3900) == "1 hr 5 min"


def test_catalogs_are_in_step_with_the_code() -> None:
    """tools/locales.py --check: no stale catalog, no missing or broken translation."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "locales.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
