"""Speech synthesis with espeak-ng."""

from __future__ import annotations

import shutil

import pytest

from cardeck_sim.voice import (
    SpeechUnavailableError,
    VoiceEngine,
    asynthesize,
    find_espeak,
    parse_wav,
    synthesize,
    to_pcm16k,
)

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


@needs_espeak
def test_synthesize_returns_a_well_formed_wav() -> None:
    wav = synthesize("Turn left in two hundred metres.", voice="en-gb", speed_wpm=175)
    audio = parse_wav(wav)
    assert (audio.channels, audio.sample_rate_hz) == (1, 22050)
    assert 1.0 < audio.duration_seconds < 5.0
    # The placeholder lengths of --stdout are replaced by the real ones.
    assert int.from_bytes(wav[40:44], "little") == len(wav) - 44
    pcm = to_pcm16k(wav)
    assert abs(len(pcm) / 32000 - audio.duration_seconds) < 0.01


@needs_espeak
async def test_asynthesize_matches_sync() -> None:
    wav = await asynthesize("-v is text, not an option", voice="en-us")
    assert parse_wav(wav).duration_seconds > 0.5
    assert wav == synthesize("-v is text, not an option", voice="en-us")


@needs_espeak
async def test_engine_aspeak() -> None:
    assert parse_wav(await VoiceEngine().aspeak("hello")).duration_seconds > 0.1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "  "}, "field text is empty"),
        ({"text": "x" * 2001}, "field text has 2001 characters"),
        ({"text": "hi", "voice": "--help"}, "field voice"),
        ({"text": "hi", "speed_wpm": 20}, "field speed_wpm is 20"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        synthesize(**kwargs)


@needs_espeak
def test_unknown_voice_fails_with_hint() -> None:
    with pytest.raises(RuntimeError, match="espeak-ng --voices"):
        synthesize("hello", voice="xx-nonexistent")


def test_missing_espeak_names_package_and_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SpeechUnavailableError) as info:
        find_espeak()
    assert "espeak-ng" in str(info.value)
    assert "sudo apt-get install espeak-ng" in str(info.value)
    with pytest.raises(SpeechUnavailableError):
        synthesize("hello")
    assert VoiceEngine().capabilities.tts_available is False
