"""The streaming resampler: chunked output equals one-piece output, and tones stay tones."""

import numpy as np
import pytest

from cardeck_sim.voice import RECOGNITION_RATES_HZ, StreamResampler


def _tone(rate: int, hz: float, seconds: float = 0.5) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return (8000 * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()


@pytest.mark.parametrize("rate", [r for r in RECOGNITION_RATES_HZ if r != 16000])
def test_chunks_of_any_size_give_the_same_samples_as_one_piece(rate):
    pcm = _tone(rate, 440)
    whole = StreamResampler(rate, 16000)
    expected = whole.feed(pcm) + whole.flush()
    chunked = StreamResampler(rate, 16000)
    sizes = np.random.default_rng(rate).integers(1, 3000, size=1000) * 2
    out, pos = [], 0
    for size in sizes:
        out.append(chunked.feed(pcm[pos : pos + int(size)]))
        pos += int(size)
        if pos >= len(pcm):
            break
    out.append(chunked.flush())
    assert b"".join(out) == expected, "no click or gap at chunk boundaries"
    # The duration is kept: one output sample per 1/16000 s of input.
    assert len(expected) // 2 == -(-len(pcm) // 2 * 16000 // rate)


@pytest.mark.parametrize("rate", [8000, 22050, 48000])
def test_a_tone_in_the_band_comes_out_within_a_few_lsb(rate):
    r = StreamResampler(rate, 16000)
    y = np.frombuffer(r.feed(_tone(rate, 1000)) + r.flush(), "<i2").astype(float)
    t = np.arange(len(y)) / 16000
    ref = 8000 * np.sin(2 * np.pi * 1000 * t)
    assert np.abs(y[100:-100] - ref[100:-100]).max() < 4


def test_a_tone_above_the_new_nyquist_is_filtered_out():
    r = StreamResampler(48000, 16000)
    y = np.frombuffer(r.feed(_tone(48000, 11000)) + r.flush(), "<i2").astype(float)
    # 11 kHz would alias to 5 kHz; the filter leaves under 0.1 % of its amplitude.
    assert np.abs(y[100:-100]).max() < 8


def test_same_rate_passes_audio_through():
    r = StreamResampler(16000, 16000)
    assert r.feed(b"\x01\x00\x02\x00") == b"\x01\x00\x02\x00" and r.flush() == b""
