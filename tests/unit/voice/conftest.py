"""Fixtures for the voice engine tests: real speech generated with espeak-ng."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from cardeck_sim.voice import Intent, VoiceEngine, asr_available, synthesize
from tests.unit.voice.corpus import (
    COMMANDS,
    OEM_INTENTS,
    OUT_OF_GRAMMAR,
    PLACES,
    SPEEDS_WPM,
    VOICES,
)


@dataclass(frozen=True)
class Clip:
    """One recording spoken by espeak-ng."""

    text: str
    voice: str
    speed_wpm: int
    wav: bytes


def _speak(text: str, voice: str, speed: int) -> Clip:
    return Clip(text, voice, speed, synthesize(text, voice, speed))


@pytest.fixture(scope="session")
def corpus() -> list[Clip]:
    """Every command in every voice and speed, spoken by espeak-ng."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    jobs = [(text, voice, speed) for text in COMMANDS for voice in VOICES for speed in SPEEDS_WPM]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: _speak(*job), jobs))


@pytest.fixture(scope="session")
def speech() -> dict[str, bytes]:
    """Single recordings by name: out-of-grammar sentences and wake-phrase commands."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    texts = {f"oog{i}": text for i, text in enumerate(OUT_OF_GRAMMAR)}
    texts["wake_zoom"] = "hey car, zoom in"
    texts["wake_browser"] = "hey car, open browser"
    texts["zoom_in"] = "zoom in"
    texts["sunroof"] = "open the sunroof"
    return {name: _speak(text, "en-us", 160).wav for name, text in texts.items()}


def _make_engine() -> VoiceEngine:
    engine = VoiceEngine(PLACES)
    engine.register("oem-climate", OEM_INTENTS)
    return engine


@pytest.fixture
def make_engine() -> Callable[[], VoiceEngine]:
    """Return a factory of engines with the test places and OEM intents registered."""
    if not asr_available():
        pytest.skip("pocketsphinx is not installed")
    return _make_engine


@pytest.fixture
def oem_intents() -> tuple[Intent, ...]:
    """The intents that owner ``oem-climate`` registers."""
    return OEM_INTENTS


@pytest.fixture
def accuracy_report(request: pytest.FixtureRequest) -> list[str]:
    """Lines to print in the terminal summary (shown without ``-s``)."""
    return request.config.stash.setdefault(ACCURACY_KEY, [])


@pytest.fixture(scope="session")
def engine() -> VoiceEngine:
    """A shared engine (decoders are pooled, so this keeps the suite fast).

    Tests must not leave extra owners registered on it.
    """
    if not asr_available():
        pytest.skip("pocketsphinx is not installed")
    return _make_engine()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the measured intent accuracy, so it shows without ``-s``."""
    lines = terminalreporter.config.stash.get(ACCURACY_KEY, [])
    if lines:
        terminalreporter.write_sep("-", "voice recognition accuracy")
        for line in lines:
            terminalreporter.write_line(line)


ACCURACY_KEY = pytest.StashKey[list[str]]()
