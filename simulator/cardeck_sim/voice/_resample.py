"""A stateful polyphase resampler for streamed 16-bit mono PCM.

Recognize receives audio in chunks of any length. Resampling each chunk on its
own (as :func:`resample_pcm16` does for a whole clip) would restart the filter
at every boundary and click there; this resampler keeps the input samples its
filter still needs between calls, so the output of a stream cut into chunks is
the same, sample for sample, as the output of the stream in one piece.

The filter is a Kaiser-windowed sinc, cut at 95 % of the lower Nyquist rate
with 16 zero crossings a side: speech keeps its band, and what would alias is
attenuated by about 80 dB. numpy only (scipy and soxr are not dependencies).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["RECOGNITION_RATES_HZ", "SPEAK_RATES_HZ", "StreamResampler", "rates_text"]

#: The rates Recognize accepts and Speak can return (voice_service.proto).
RECOGNITION_RATES_HZ = (8000, 16000, 22050, 24000, 44100, 48000)
SPEAK_RATES_HZ = RECOGNITION_RATES_HZ

_ZERO_CROSSINGS = 16
_KAISER_BETA = 8.0
_CUTOFF = 0.95


def rates_text(rates: tuple[int, ...] = RECOGNITION_RATES_HZ) -> str:
    """The rates as a sentence fragment: "8000, 16000, ... or 48000"."""
    return ", ".join(str(r) for r in rates[:-1]) + f" or {rates[-1]}"


def _phase_table(up: int, down: int) -> tuple[npt.NDArray[np.float64], int]:
    """The filter's taps for each of the ``up`` output phases, and its half-width."""
    ratio = min(1.0, up / down)  # the cutoff, as a fraction of the input's Nyquist rate
    cutoff = ratio * (_CUTOFF if up < down else 1.0)
    half = math.ceil(_ZERO_CROSSINGS / cutoff)
    # Output phase p sits p/up input samples after input sample i; tap j reads i + j.
    j = np.arange(-half + 1, half + 1, dtype=np.float64)
    tau = np.arange(up, dtype=np.float64)[:, None] / up - j[None, :]
    window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1.0 - (tau / half) ** 2, 0.0, 1.0)))
    taps = cutoff * np.sinc(cutoff * tau) * window / np.i0(_KAISER_BETA)
    return taps, half


class StreamResampler:
    """Resample 16-bit mono PCM from ``from_rate_hz`` to ``to_rate_hz``, chunk by chunk.

    Usage::

        r = StreamResampler(22050, 16000)
        out = r.feed(chunk_1) + r.feed(chunk_2) + r.flush()

    Not thread-safe; one per stream. Each call costs O(samples × taps).
    """

    def __init__(self, from_rate_hz: int, to_rate_hz: int) -> None:
        g = math.gcd(from_rate_hz, to_rate_hz)
        self._up, self._down = to_rate_hz // g, from_rate_hz // g
        self._identity = from_rate_hz == to_rate_hz
        if not self._identity:
            self._taps, self._half = _phase_table(self._up, self._down)
        else:
            self._half = 0
        # The filter reaches before the first sample: start with zeros there.
        self._buffer: npt.NDArray[np.float64] = np.zeros(max(0, self._half - 1))
        self._base = -(self._half - 1)  # stream index of self._buffer[0]
        self._next_out = 0  # stream index of the next output sample
        self._received = 0  # input samples fed so far

    def feed(self, pcm: bytes) -> bytes:
        """The output samples ``pcm`` completes (the filter lags by its half-width)."""
        if self._identity:
            return pcm
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        self._received += len(x)
        self._buffer = np.concatenate([self._buffer, x])
        return self._emit()

    def flush(self) -> bytes:
        """The last output samples, as if silence followed the stream."""
        if self._identity:
            return b""
        self._buffer = np.concatenate([self._buffer, np.zeros(self._half + self._down)])
        # As many outputs as the input's duration holds, rounded up.
        return self._emit(-(-self._received * self._up // self._down))

    def _emit(self, limit: int | None = None) -> bytes:
        up, down, half = self._up, self._down, self._half
        last_input = self._base + len(self._buffer) - 1
        # Output k reads inputs floor(k*down/up) - half + 1 .. floor(k*down/up) + half.
        k_end = ((last_input - half) * up) // down + 1
        if limit is not None:
            k_end = min(k_end, limit)
        if k_end <= self._next_out:
            return b""
        k = np.arange(self._next_out, k_end, dtype=np.int64)
        i = (k * down) // up
        phase = (k * down) % up
        window = (i - self._base - half + 1)[:, None] + np.arange(2 * half)[None, :]
        y = np.einsum("ij,ij->i", self._buffer[window], self._taps[phase])
        self._next_out = k_end
        # Keep only what the next output's window starts at.
        keep_from = (k_end * down) // up - half + 1 - self._base
        self._buffer = self._buffer[keep_from:]
        self._base += keep_from
        return _to_int16(y).tobytes()


def _to_int16(values: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.int16]:
    result: npt.NDArray[np.int16] = np.clip(np.rint(values), -32768, 32767).astype("<i2")
    return result
