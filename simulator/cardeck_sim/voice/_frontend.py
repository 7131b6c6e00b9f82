"""The recognizer's front end: a noise-floor-tracking voice activity detector.

DRAFT: constants are being measured.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["FRAME_SAMPLES", "NoiseFloorVad"]

FRAME_SAMPLES = 160  # 10 ms at 16 kHz
_WINDOW = 256  # the frame plus the 96 samples before it, Hann-windowed
_BIN_HZ = 16000 / _WINDOW
# Band edges in Hz. Road noise (brown noise, engine harmonics) sits below
# 300 Hz, where speech has little but its fundamental; above 4 kHz the
# synthetic voices have little energy.
_BAND_EDGES_HZ = (300, 500, 800, 1200, 1800, 2600, 4000)

I16 = npt.NDArray[np.int16]
F64 = npt.NDArray[np.float64]


def _band_matrix() -> F64:
    bins = np.arange(_WINDOW // 2 + 1) * _BIN_HZ
    rows = [
        ((bins >= lo) & (bins < hi)).astype(np.float64)
        for lo, hi in zip(_BAND_EDGES_HZ, _BAND_EDGES_HZ[1:], strict=False)
    ]
    return np.array(rows).T


_BANDS = _band_matrix()
_HANN = np.hanning(_WINDOW)


class NoiseFloorVad:
    """Speech/non-speech per 10 ms frame against a noise floor tracked per band."""

    def __init__(
        self,
        *,
        history_frames: int = 80,
        percentile: float = 10.0,
        onset_db: float = 8.0,
        hold_db: float = 4.0,
        min_db: float = 25.0,
        smooth: float = 0.5,
        top: int = 3,
    ) -> None:
        self.smooth = smooth
        self.top = top
        self._smoothed: F64 | None = None
        self._tail = np.zeros(_WINDOW - FRAME_SAMPLES)
        self._history = np.empty((0, _BANDS.shape[1]))
        self.history_frames = history_frames
        self.percentile = percentile
        self.onset_db = onset_db
        self.hold_db = hold_db
        self.min_db = min_db
        self._speech = False
        self.scores: list[float] = []

    def band_db(self, samples: F64) -> F64:
        """Return the log band energies (dB) of each whole frame of ``samples``."""
        buf = np.concatenate([self._tail, samples])
        n = len(samples) // FRAME_SAMPLES
        self._tail = buf[len(buf) - (_WINDOW - FRAME_SAMPLES) :]
        idx = np.arange(n)[:, None] * FRAME_SAMPLES + np.arange(_WINDOW)[None, :]
        spec = np.abs(np.fft.rfft(buf[idx] * _HANN, axis=1)) ** 2
        return np.asarray(10 * np.log10(spec @ _BANDS + 1.0), dtype=np.float64)

    def process(self, pcm: I16) -> list[bool]:
        """Return a speech decision for each whole frame of ``pcm``."""
        raw = self.band_db(pcm.astype(np.float64))
        bands = np.empty_like(raw)
        prev = self._smoothed if self._smoothed is not None else raw[0]
        for i, row in enumerate(raw):
            prev = self.smooth * prev + (1 - self.smooth) * row
            bands[i] = prev
        self._smoothed = prev
        self._history = np.concatenate([self._history, bands])[-self.history_frames :]
        floor = np.percentile(self._history, self.percentile, axis=0)
        out = []
        for row in bands:
            snr = row - floor
            score = float(np.mean(np.sort(snr)[-self.top:]))
            loud = float(row.max()) > self.min_db
            self.scores.append(score)
            self._speech = loud and score > (self.hold_db if self._speech else self.onset_db)
            out.append(self._speech)
        return out
