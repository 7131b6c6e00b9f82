"""Out-of-grammar rejection: how well the grammar explains the audio, as a score.

A grammar decoder explains any audio with grammar words, so "what is the
weather like tomorrow" can come out as "open the sunroof". Three measures
tell the two apart, combined into one calibrated score in [0, 1]:

- coverage: the share of the speech frames (voice activity detector) that
  grammar words explain (out-of-grammar speech leaves long stretches to
  silence);
- word ratio: per frame, the grammar words' acoustic log-likelihood against
  a free phone loop's over the same frames (the classic likelihood ratio:
  real grammar words score close to the best phone sequence, stretched ones
  far below it);
- worst word ratio: the same ratio for the grammar word that fits worst, so a
  near miss ("navigate to the moon base" heard as "navigate to the library")
  is caught by its badly explained place even though "navigate to" fits.

The phone loop runs on a second decoder fed the same frames as the grammar
decoder while the audio streams in (:class:`PhoneLoop`), so finishing an
utterance only reads its segmentation.

The score is a logistic model of the three measures. Its weights and the
threshold come from ``bench/tune_voice.py``, fitted on the tuning split of the
evaluation corpus (espeak-ng and festival voices, clean and in road noise at
10 dB; never the held-out flite voices). Re-run it after changing the front
end or the decoder, and paste the numbers it prints here.

Measured with the noise front end (voice/_frontend.py) and the bundled
map's places in the grammar (as the head unit has them; the decoder's scores
are relative to the best competing path, so a larger grammar lowers every
score), weights refitted: on the tuning split (600 clips per condition)
false accepts fall from 57 % to 0.9 % clean and from 63 % to 2.7 % at 10 dB
road noise; accuracy from 92 % to 76 % clean (espeak-ng's formant voices fit
the dictionary's pronunciations poorly against the phone loop) and from
97 % to 93 % at 10 dB. Held out, never chosen on (bench/bench_voice.py,
flite awb and rms): clean 93.7 % of 252 commands right and 1.7 % of 116
out-of-grammar sentences accepted; 10 dB 83.7 % and 5.2 %; 5 dB 46.4 % and
6.9 %. The phone loop decodes as the audio streams in, so finishing an
utterance only reads its segmentation; all in, decoding runs at 0.07-0.09
of real time on clean speech on this 2-core machine. Its ``ds=2`` (every
other frame) would halve the phone loop's share but changes the scores;
allphone ignores ``beam``/``pbeam``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "MIN_SCORE",
    "NOTHING_HEARD",
    "Evidence",
    "PhoneLoop",
    "Segment",
    "evidence",
    "grammar_segments",
    "is_word",
    "span_score",
]

_SEARCH = "phone-loop"
_FILLERS = frozenset({"<s>", "</s>", "<sil>", "SIL"})
# pocketsphinx 5's allphone search reports segment scores 2**10 (its senone
# score shift) smaller than the grammar search does; measured: without this
# factor the phone loop "beats" real grammar words by a factor of ~1000.
_PHONE_SCORE_SCALE = 1024.0
# The Python binding returns scores as probabilities; a word explained badly
# enough for long enough underflows to 0.0 (below e**-745). Such a word is
# counted at this log-likelihood per frame, worse than any word that did not
# underflow on the tuning set (the worst was about -14).
_UNDERFLOW_PER_FRAME = -20.0

# Logistic model over (coverage, word ratio, worst word ratio), fitted by
# bench/tune_voice.py on the tuning split (clean and road noise at 10 dB).
WEIGHTS = (9.823, 0.813, 0.564)
BIAS = -5.043
#: Scores below this are a no-match: the lowest threshold on the tuning
#: split (600 clips per condition) whose false accepts stay under 3 % (the
#: 5 % goal with room for unseen voices) clean and at 10 dB: 0.9 % and
#: 2.7 %. See bench/tune_voice.py for the curve.
MIN_SCORE = 0.55


class Segment(NamedTuple):
    """One word (or phone) of a decoder's segmentation.

    :param log_score: natural-log acoustic score of the whole segment.
    """

    word: str
    start_frame: int
    end_frame: int
    log_score: float


def _segments(decoder: Any, scale: float) -> list[Segment]:
    out: list[Segment] = []
    for seg in decoder.seg() or ():
        frames = seg.end_frame - seg.start_frame + 1
        score = math.log(seg.ascore) * scale if seg.ascore > 0 else _UNDERFLOW_PER_FRAME * frames
        out.append(Segment(seg.word.split("(", 1)[0], seg.start_frame, seg.end_frame, score))
    return out


def grammar_segments(decoder: Any) -> list[Segment]:
    """Return the grammar decoder's current segmentation (words, silences, fillers)."""
    return _segments(decoder, 1.0)


def is_word(segment: Segment) -> bool:
    """Return whether a segment is a grammar word rather than silence or a filler."""
    return segment.word not in _FILLERS and not segment.word.startswith(("[", "+"))


class PhoneLoop:
    """A free phone loop decoding the same frames as a grammar decoder.

    Pooled with the grammar decoder (one per recognizer slot), so the cost of
    creating it is paid once.

    :param decoder: a pocketsphinx ``Decoder`` of its own (not thread-safe,
        like the grammar decoder).
    """

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        decoder.add_allphone_file(_SEARCH, None)
        decoder.activate_search(_SEARCH)
        self._running = False

    def start(self, cmn: str) -> None:
        """Start an utterance from the grammar decoder's cepstral mean ``cmn``.

        Both decoders must normalise the frames alike, or the ratio measures
        the normalisation rather than the words.
        """
        self.stop()
        self.decoder.set_cmn(cmn)
        self.decoder.start_utt()
        self._running = True

    def feed(self, frames: bytes) -> None:
        """Decode frames the grammar decoder decoded too (no-op when stopped)."""
        if self._running:
            self.decoder.process_raw(frames)

    def stop(self) -> None:
        """End the utterance (no-op when none is running)."""
        if self._running:
            self.decoder.end_utt()
            self._running = False

    def redo(self, cmn: str, audio: bytes) -> None:
        """Decode ``audio`` again from ``cmn`` (when the grammar decoder re-decoded it)."""
        self.start(cmn)
        self.feed(audio)
        self.stop()

    def partial(self) -> list[Segment]:
        """Return the phone segmentation so far, the utterance still running."""
        return _segments(self.decoder, _PHONE_SCORE_SCALE)

    def segments(self) -> list[Segment]:
        """Stop and return the phone segmentation of the utterance."""
        self.stop()
        return _segments(self.decoder, _PHONE_SCORE_SCALE)


def span_score(phones: Sequence[Segment], start: int, end: int) -> float:
    """Return the phone loop's log score over frames ``start..end`` (pro rata)."""
    total = 0.0
    for phone in phones:
        low, high = max(phone.start_frame, start), min(phone.end_frame, end)
        if high >= low:
            total += phone.log_score * (high - low + 1) / (phone.end_frame - phone.start_frame + 1)
    return total


@dataclass(frozen=True, slots=True)
class Evidence:
    """How well the grammar path explains an utterance.

    :param coverage: share of the speech frames that grammar words explain (0-1).
    :param word_ratio: mean per-frame log-likelihood ratio of the grammar
        words against the phone loop (0 is as good as the best phones;
        more negative is worse).
    :param worst_word_ratio: the same for the worst-explained word.
    """

    coverage: float
    word_ratio: float
    worst_word_ratio: float

    @property
    def score(self) -> float:
        """Return the calibrated confidence in [0, 1]; below :data:`MIN_SCORE` rejects."""
        if self.coverage <= 0.0:
            return 0.0
        z = BIAS + sum(
            w * x
            for w, x in zip(
                WEIGHTS, (self.coverage, self.word_ratio, self.worst_word_ratio), strict=True
            )
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


#: The evidence of an utterance in which the grammar heard nothing.
NOTHING_HEARD = Evidence(0.0, 0.0, 0.0)


def evidence(
    words: Iterable[Segment], phones: Sequence[Segment], speech_flags: Sequence[int]
) -> Evidence:
    """Weigh the grammar path against the phone loop over the same frames.

    :param words: the grammar segmentation (fillers are skipped here).
    :param phones: the phone loop's segmentation of the same audio.
    :param speech_flags: one 0/1 per 10 ms frame from the voice activity detector.
    """
    speech_total = sum(speech_flags)
    covered = frames = 0
    grammar_total = phone_total = 0.0
    worst = math.inf
    for seg in words:
        if not is_word(seg):
            continue
        n = seg.end_frame - seg.start_frame + 1
        span = span_score(phones, seg.start_frame, seg.end_frame)
        covered += sum(speech_flags[seg.start_frame : seg.end_frame + 1])
        frames += n
        grammar_total += seg.log_score
        phone_total += span
        worst = min(worst, (seg.log_score - span) / n)
    if frames == 0 or speech_total == 0:
        return NOTHING_HEARD
    return Evidence(
        coverage=min(1.0, covered / speech_total),
        word_ratio=(grammar_total - phone_total) / frames,
        worst_word_ratio=worst,
    )
