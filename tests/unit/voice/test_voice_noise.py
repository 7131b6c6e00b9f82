"""Recognition in road noise: the front end's VAD, endpointer and cost (voice/_frontend.py).

A slice of the evaluation corpus (espeak-ng, tuning voices) mixed with the
corpus's road noise; the full curve is bench/bench_voice.py's.
"""

from __future__ import annotations

import math
import shutil
import time

import numpy as np
import pytest

from cardeck_sim.voice import VoiceEngine, asr_available
from cardeck_sim.voice._frontend import DecoderInput, NoiseFloorVad
from tests.unit.voice import evalset

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
    pytest.mark.skipif(not asr_available(), reason="pocketsphinx is not installed"),
]

# Commands the shared engine's grammar holds (tests/unit/voice/corpus.py).
_COMMANDS = (
    "navigate to city hall",
    "take me to the museum",
    "search for the library",
    "zoom in",
    "go back",
    "open the sunroof",
)
_CHUNK = 3200  # 100 ms, like a microphone stream


def _speech(text: str, voice: str = "en-us") -> bytes:
    return evalset.synthesize_pcm(text, "espeak-ng", voice)


def _stream(engine: VoiceEngine, pcm: bytes) -> tuple[list[float], float | None]:
    """Feed ``pcm`` in 100 ms chunks; return the times (s) of partials and of the endpoint."""
    seen: list[float] = []
    with engine.session() as session:
        for start in range(0, len(pcm), _CHUNK):
            partial = session.feed(pcm[start : start + _CHUNK])
            if partial is not None:
                seen.append((start + _CHUNK) / 32000)
                if partial.end_of_speech:
                    return seen, (start + _CHUNK) / 32000
    return seen, None


def test_commands_in_road_noise_at_10_db_are_recognised(engine: VoiceEngine) -> None:
    """With the old VAD 2 of these 6 passed: it called road noise speech, so the
    right transcripts got confidences of 0.23-0.47 and became no-matches."""
    misses = []
    for i, text in enumerate(_COMMANDS):
        expected = engine.understand(text)
        final = engine.recognize_pcm(evalset.mix(_speech(text), "road", 10.0, seed=i))
        got = final.understanding
        if (got.intent_id, got.slots) != (expected.intent_id, expected.slots):
            misses.append(f"{text!r} -> {final.transcript!r} ({got.confidence:.2f})")
    assert len(misses) <= 1, misses


def test_endpointer_ends_in_continuous_noise(engine: VoiceEngine) -> None:
    """Noise goes on after the command; the utterance still ends about 0.6 s after it."""
    speech = _speech("open the sunroof")
    lead_s, tail_s = 0.5, 3.0
    pcm = evalset.mix(speech, "road", 10.0, seed=7, lead_s=lead_s, tail_s=tail_s)
    _, endpoint = _stream(engine, pcm)
    assert endpoint is not None, "the endpointer never ended the utterance in road noise"
    active = evalset.active_frames(np.frombuffer(speech, dtype="<i2").astype(np.float64))
    speech_end = lead_s + (int(np.nonzero(active)[0][-1]) + 1) * 0.02  # 20 ms frames
    # 0.6 s of silence after speech plus the VAD's hangover and a chunk.
    assert speech_end + 0.4 <= endpoint <= speech_end + 1.5, (speech_end, endpoint)


@pytest.mark.parametrize("snr_db", [10.0, 5.0])
def test_noise_alone_is_no_match_and_never_starts(engine: VoiceEngine, snr_db: float) -> None:
    """Three seconds of road noise (scaled as for a command at that SNR): no speech, no intent."""
    _, noise = evalset.mix_parts(_speech("zoom in"), "road", snr_db, seed=3, tail_s=2.5)
    pcm = (noise * 32767.0).round().astype("<i2").tobytes()
    vad = NoiseFloorVad()
    flags = [
        flag
        for start in range(0, len(pcm), _CHUNK)
        for flag in vad.process(pcm[start : start + _CHUNK])
    ]
    assert sum(flags) <= 0.02 * len(flags), f"{sum(flags)} of {len(flags)} noise frames as speech"
    final = engine.recognize_pcm(pcm)
    assert final.understanding.intent_id is None
    assert not final.end_of_speech  # no speech started, so nothing to end


def test_vad_ends_on_digital_silence_and_clean_speech(engine: VoiceEngine) -> None:
    pcm = evalset.mix(_speech("zoom in"), "road", math.inf, seed=0)
    _, endpoint = _stream(engine, pcm)
    assert endpoint is not None


def test_front_end_costs_a_fraction_of_decoding(engine: VoiceEngine) -> None:
    """The VAD and the denoiser together cost under half of what decoding the same audio does."""
    pcm = evalset.mix(_speech("navigate to city hall") * 2, "road", 10.0, seed=5, tail_s=0.5)
    chunks = [pcm[start : start + _CHUNK] for start in range(0, len(pcm), _CHUNK)]
    engine.recognize_pcm(pcm)  # warm up both paths

    started = time.perf_counter()
    for _ in range(3):
        vad, decoder_input = NoiseFloorVad(), DecoderInput()
        for chunk in chunks:
            vad.process(chunk)
            decoder_input.process(chunk)
    front_end = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(3):
        engine.recognize_pcm(pcm)
    decoding = time.perf_counter() - started  # includes the front end once more
    assert front_end < 0.5 * decoding, (front_end, decoding)
