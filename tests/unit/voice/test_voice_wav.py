"""WAV parsing, validation, resampling and chunk limits."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from cardeck_sim.voice import (
    MAX_CHUNK_BYTES,
    check_chunk,
    check_sample_rate,
    parse_wav,
    pcm_to_wav,
    resample_pcm16,
    wav_to_pcm16k,
)


def _tone(rate: int, seconds: float, hz: float, channels: int = 1) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    mono = (8000 * np.sin(2 * np.pi * hz * t)).astype("<i2")
    frames = np.repeat(mono[:, None], channels, axis=1).tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return buffer.getvalue()


def _peak_hz(pcm: bytes, rate: int) -> float:
    x = np.frombuffer(pcm, "<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[int(np.argmax(spectrum))])


@pytest.mark.parametrize(("rate", "channels"), [(22050, 1), (44100, 2), (8000, 1), (16000, 1)])
def test_wav_to_pcm16k_keeps_pitch_and_length(rate: int, channels: int) -> None:
    pcm = wav_to_pcm16k(_tone(rate, 1.0, 440.0, channels))
    assert abs(len(pcm) // 2 - 16000) <= 1
    assert abs(_peak_hz(pcm, 16000) - 440.0) < 2.0


def test_downsampling_removes_frequencies_above_nyquist() -> None:
    # A 10 kHz tone cannot exist at 16 kHz; it must not alias to 6 kHz.
    pcm = wav_to_pcm16k(_tone(44100, 0.5, 10000.0))
    # The edges hold the click of the abrupt start and end; look at the middle.
    assert np.abs(np.frombuffer(pcm, "<i2")[100:-100]).max() < 400


def test_parse_wav_and_round_trip() -> None:
    audio = parse_wav(pcm_to_wav(b"\x01\x00" * 1600))
    assert (audio.sample_rate_hz, audio.channels, len(audio.pcm)) == (16000, 1, 3200)
    assert audio.duration_seconds == pytest.approx(0.1)


def test_streamed_header_with_placeholder_lengths_parses() -> None:
    wav = bytearray(pcm_to_wav(b"\x01\x00" * 100))
    wav[4:8] = wav[40:44] = b"\xff\xff\xff\x7f"
    assert len(parse_wav(bytes(wav)).pcm) == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a WAV file"),
        (b"RIFF" + bytes(60), "not a WAV file"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40), "malformed WAV"),
        (pcm_to_wav(b""), "no audio samples"),
    ],
)
def test_malformed_wav(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_wav(data)


def test_eight_bit_wav_is_rejected() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(8000)
        writer.writeframes(bytes(800))
    with pytest.raises(ValueError, match="8-bit samples, but only 16-bit PCM"):
        parse_wav(buffer.getvalue())


def test_check_chunk_limits() -> None:
    assert check_chunk(bytearray(MAX_CHUNK_BYTES)) == bytes(MAX_CHUNK_BYTES)
    with pytest.raises(ValueError, match="field audio_chunk holds 65538 bytes"):
        check_chunk(bytes(MAX_CHUNK_BYTES + 2), "audio_chunk")
    with pytest.raises(ValueError, match="field pcm holds an odd number of bytes"):
        check_chunk(b"\0")
    with pytest.raises(TypeError, match="field pcm must be bytes"):
        check_chunk("text")


def test_check_sample_rate() -> None:
    check_sample_rate(16000)
    with pytest.raises(ValueError, match="field sample_rate_hz is 8000"):
        check_sample_rate(8000)


def test_resample_identity_and_empty() -> None:
    assert resample_pcm16(b"\x01\x00\x02\x00", 16000) == b"\x01\x00\x02\x00"
    assert resample_pcm16(b"", 22050) == b""


def test_truncated_chunk_headers_are_a_value_error_with_a_sentence() -> None:
    # The stdlib wave reader raises a bare RuntimeError for this one.
    from cardeck_sim.voice import parse_wav

    with pytest.raises(ValueError, match="chunks are truncated"):
        parse_wav(b"RIFF0000WAVEnot really" + b"\0" * 30)
