"""The evaluation corpus: its engines speak, its noise mixes at the asked SNR, its split holds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.unit.voice import evalset

_SECONDS_PER_SAMPLE = 1 / evalset.SAMPLE_RATE_HZ


@pytest.mark.parametrize("engine", [*evalset.TUNING_ENGINES, evalset.TEST_ENGINE])
def test_every_engine_speaks_a_command_at_a_plausible_length(engine: str) -> None:
    if not evalset.engine_available(engine):
        pytest.skip(f"{engine} is not installed")
    voice = evalset.voices(engine)[0]
    pcm = evalset.synthesize_pcm("navigate to central station", engine, voice)
    seconds = len(pcm) / 2 * _SECONDS_PER_SAMPLE
    # Five words: about 1 to 4 s at any normal speaking rate.
    assert 0.8 < seconds < 4.0
    slower = evalset.synthesize_pcm("navigate to central station", engine, voice, 0.85)
    faster = evalset.synthesize_pcm("navigate to central station", engine, voice, 1.2)
    assert len(slower) > len(pcm) > len(faster)
    assert evalset.synthesize_pcm("navigate to central station", engine, voice) == pcm


@pytest.mark.parametrize(("noise", "snr_db"), [("road", 20.0), ("road", 5.0), ("white", 10.0)])
def test_mix_hits_the_asked_snr_on_the_active_frames(noise: str, snr_db: float) -> None:
    if not evalset.engine_available("espeak-ng"):
        pytest.skip("espeak-ng is not installed")
    pcm = evalset.synthesize_pcm("open the sunroof", "espeak-ng", "en-us")
    speech, added = evalset.mix_parts(pcm, noise, snr_db, seed=3)
    active = np.repeat(evalset.active_frames(speech), evalset.SAMPLE_RATE_HZ // 50)
    speech, added = speech[: len(active)][active], added[: len(active)][active]
    measured = 10 * math.log10(np.mean(speech**2) / np.mean(added**2))
    assert measured == pytest.approx(snr_db, abs=0.5)
    mixed = np.frombuffer(evalset.mix(pcm, noise, snr_db, seed=3), dtype="<i2")
    # 0.5 s lead and 1 s tail of noise around the speech, never clipped.
    assert len(mixed) == len(pcm) // 2 + evalset.SAMPLE_RATE_HZ * 3 // 2
    assert np.abs(mixed).max() < 32767
    assert np.abs(mixed[: evalset.SAMPLE_RATE_HZ // 4]).max() > 0


def test_clean_mix_is_the_clip_in_digital_silence() -> None:
    pcm = np.arange(-800, 800, dtype="<i2").tobytes()
    out = evalset.mix(pcm, "road", math.inf, seed=1, lead_s=0.5, tail_s=1.0)
    assert out == bytes(16000) + pcm + bytes(32000)


def test_road_noise_falls_with_frequency_and_is_deterministic() -> None:
    noise = evalset.road_noise(4.0, seed=7)
    assert np.array_equal(noise, evalset.road_noise(4.0, seed=7))
    assert noise.dtype == np.float32 and np.abs(noise).max() <= 1.0
    power = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(len(noise), _SECONDS_PER_SAMPLE)
    low = power[(freqs > 30) & (freqs < 300)].mean()
    high = power[(freqs > 2000) & (freqs < 4000)].mean()
    assert low > 100 * high
    white = evalset.white_noise(4.0, seed=7)
    white_power = np.abs(np.fft.rfft(white)) ** 2
    low_w = white_power[(freqs > 30) & (freqs < 300)].mean()
    high_w = white_power[(freqs > 2000) & (freqs < 4000)].mean()
    assert 0.5 < low_w / high_w < 2.0


def test_the_test_engine_never_reaches_the_tuning_split() -> None:
    assert evalset.TEST_ENGINE not in evalset.TUNING_ENGINES
    test_voices = set(evalset.voices(evalset.TEST_ENGINE))
    tuning_voices = {v for e in evalset.TUNING_ENGINES for v in evalset.voices(e)}
    assert not test_voices & tuning_voices
    if all(evalset.engine_available(e) for e in evalset.TUNING_ENGINES):
        tune = evalset.utterances("tune", limit=24)
        assert len(tune) == 24
        assert {u.engine for u in tune} <= set(evalset.TUNING_ENGINES)
        assert any(u.intent is None for u in tune) and any(u.intent for u in tune)


def test_commands_and_out_of_grammar_sentences() -> None:
    assert len(evalset.OUT_OF_GRAMMAR) >= 100
    assert len(set(evalset.OUT_OF_GRAMMAR)) == len(evalset.OUT_OF_GRAMMAR)
    texts = [text for text, _ in evalset.COMMANDS]
    assert not set(texts) & set(evalset.OUT_OF_GRAMMAR)
    # Every built-in and OEM intent is spoken.
    engine = evalset.make_engine()
    ids = {i.intent_id for i in engine.registry.intents()}
    assert ids == {intent for _, intent in evalset.COMMANDS}
    for text, intent in evalset.COMMANDS:
        assert engine.understand(text).intent_id == intent, text
    # No out-of-grammar sentence is a command once unknown places are not guessed
    # (as the recognizer understands what it heard).
    registry, places = engine.registry, evalset.places_index()
    for text in evalset.OUT_OF_GRAMMAR:
        assert registry.understand(text, places, open_places=False).intent_id is None, text
    n_test = len(evalset.COMMANDS) * len(evalset.voices(evalset.TEST_ENGINE)) * len(evalset.RATES)
    assert n_test >= 200
