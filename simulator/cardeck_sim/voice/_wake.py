"""The "hey car" spotter: the wake words' fit against a free phone loop.

In wake mode the grammar decoder listens with ``hey car [<command>]``, so it
puts "hey car" at the start of anything it hears. The spotter decides whether
the wake phrase was really spoken: per frame, how well the grammar's "hey"
and "car" segments explain the audio against the phone loop that runs
beside the grammar decoder (see ``_reject.PhoneLoop``) over the same frames.
A spoken "hey car" scores close to the best phone sequence; words squeezed
onto other speech or onto noise score far below it.

pocketsphinx's own keyword spotter (``add_keyphrase``, ``kws_threshold``) was
tried first, with the recognizer's cepstral mean: it missed espeak-ng's "hey
car" (the phone loop hears it as "D EH EY K AA", with no HH) at every
threshold that kept false alarms down; measured on 11 espeak-ng and 11
festival "hey car, <command>" clips and 40 out-of-grammar sentences: at
1e-30 0/11 espeak-ng and 11/11 festival spotted, 0/40 false alarms; at 1e-50
4/11 and 11/11 with 13/40 false alarms (clean; at 10 dB road noise 1e-40
found 7/11 and 11/11 with 7/40 false alarms).

The threshold comes from ``bench/tune_wake.py`` on the tuning split.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._grammar import WAKE_PHRASE
from ._reject import Segment, is_word, span_score

__all__ = [
    "MIN_WAKE_RATIO",
    "WAKE_WORDS",
    "command_part",
    "leading_wake_words",
    "unhurried",
    "wake_ratio",
]

WAKE_WORDS: tuple[str, ...] = tuple(WAKE_PHRASE.split())

#: Per-frame log-likelihood ratio of the wake words against the phone loop
#: below which the wake phrase counts as not spoken: the highest threshold
#: whose miss rate stays under 10 % on the tuning split (bench/tune_wake.py,
#: with the noise front end and the bundled map's places in the grammar; 84
#: "hey car, <command>" clips; 232 out-of-grammar sentences clean, and those
#: plus 58 noise-only clips at 10 dB road noise, 13 and 20 min): misses 1.2 %
#: clean, 4.8 % at 10 dB; false alarms 14 and 8.9 per hour of that dense
#: speech (at -6, close to the grammar prefix alone: 224 and 131). Held out
#: (flite, not chosen on): misses 0 % clean and 26 % at 10 dB (the grammar
#: decoder itself loses "hey car" there, at any threshold), false alarms 0
#: and 5.6 per hour (at -6: 203 and 134).
MIN_WAKE_RATIO = -1.75
# A grammar that starts with "hey car" squeezes those words into the first few
# frames of any command. Measured on espeak-ng speech: a spoken "hey" lasts
# 22-25 frames and "car" 30-42; squeezed ones 6-9 and 17-24 frames.
MIN_WAKE_WORD_FRAMES = 12


def leading_wake_words(words: Sequence[Segment]) -> list[Segment] | None:
    """Return the wake words' segments when the segmentation starts with them, else ``None``.

    :param words: the grammar decoder's segmentation (fillers are skipped).
    """
    head = [seg for seg in words if is_word(seg)][: len(WAKE_WORDS)]
    return head if tuple(seg.word for seg in head) == WAKE_WORDS else None


def unhurried(head: Sequence[Segment]) -> bool:
    """Return whether every wake word lasts :data:`MIN_WAKE_WORD_FRAMES` or more."""
    return all(seg.end_frame - seg.start_frame + 1 >= MIN_WAKE_WORD_FRAMES for seg in head)


def wake_ratio(words: Sequence[Segment], phones: Sequence[Segment]) -> float | None:
    """Return the wake words' per-frame ratio against the phone loop.

    ``None`` when the grammar segmentation does not start with the wake words
    or squeezes one of them into fewer than :data:`MIN_WAKE_WORD_FRAMES`.

    :param words: the grammar decoder's segmentation (fillers are skipped).
    :param phones: the phone loop's segmentation of the same frames.
    """
    head = leading_wake_words(words)
    if head is None or not unhurried(head):
        return None
    ratio = sum(seg.log_score - span_score(phones, seg.start_frame, seg.end_frame) for seg in head)
    return ratio / sum(seg.end_frame - seg.start_frame + 1 for seg in head)


def command_part(
    words: Sequence[Segment], speech_flags: Sequence[int]
) -> tuple[list[Segment], list[int]]:
    """Return the segments and speech flags after the wake words, for the command's evidence.

    The rejection model was fitted on commands alone; the wake words, and
    the pause after them, are the spotter's business.
    """
    spoken = leading_wake_words(words)
    if spoken is None:
        return list(words), list(speech_flags)
    end = spoken[-1].end_frame
    flags = [0] * min(end + 1, len(speech_flags)) + list(speech_flags[end + 1 :])
    return [seg for seg in words if seg.start_frame > end], flags
