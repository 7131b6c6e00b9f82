"""Tune the "hey car" spotter: miss rate against false alarms per hour.

Run: ``python bench/tune_wake.py [--limit N]``. On the tuning split of the
voice corpus (espeak-ng and festival, never flite) it decodes in wake mode,
clean and in road noise at 10 dB:

- "hey car, <command>" spoken by every tuning voice (the misses);
- the out-of-grammar sentences and noise-only clips (the false alarms, per
  hour of that audio).

It prints the curve over thresholds of the wake words' ratio against the
phone loop (``cardeck_sim/voice/_wake.py``) and picks the highest threshold
(fewest false alarms) whose miss rate stays under ``--max-miss`` in every
condition. The negatives are dense speech aimed at the car, so their false
alarms per hour are a worst case for a cabin where people mostly talk less.
``--split test --evaluate`` reports the held-out flite figures at the
threshold in ``_wake.py``; never choose anything on them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the tests' voice corpus

from _tuning import parse_tuning_args, tuning_parser

from cardeck_sim.voice import _wake
from tests.unit.voice.evalset import (
    COMMANDS,
    TEST_ENGINE,
    TUNING_ENGINES,
    make_engine,
    mix,
    mix_parts,
    synthesize_pcm,
    utterances,
    voices,
)

_THRESHOLDS = tuple(round(-6.0 + 0.25 * i, 2) for i in range(25))
_NOISE_CLIP_S = 5.0


def _ratios(pcms: Sequence[bytes]) -> tuple[list[float | None], float]:
    """Decode each clip in wake mode; return the wake ratios and the audio hours."""
    engine = make_engine()
    recognizer = engine.recognizer
    recognizer.min_wake_ratio = -math.inf
    out: list[float | None] = []
    seconds = 0.0
    for pcm in pcms:
        final = engine.recognize_pcm(pcm, wake_phrase=True)
        out.append(final.wake_ratio)
        seconds += len(pcm) / 32000
    return out, seconds / 3600


def main(argv: Sequence[str] | None = None) -> int:
    """Decode, sweep the threshold and print the curve."""
    parser = tuning_parser(__doc__ or "", "_wake.py")
    parser.add_argument(
        "--limit", type=int, default=None, help="at most this many clips of each kind"
    )
    parser.add_argument(
        "--max-miss",
        type=float,
        default=0.10,
        help="miss rate the threshold must keep in every condition (default 0.10)",
    )
    args = parse_tuning_args(parser, argv)
    engines = TUNING_ENGINES if args.split == "tune" else (TEST_ENGINE,)

    wake_clean = [
        synthesize_pcm(f"hey car, {text}", engine, voices(engine)[i % len(voices(engine))])
        for engine in engines
        for i, (text, _) in enumerate(COMMANDS)
    ][: args.limit]
    oog = [u.pcm for u in utterances(args.split) if u.intent is None][: args.limit]
    noise_count = max(4, len(oog) // 4)

    results = {}
    for label, snr in (("clean", math.inf), ("10 dB", 10.0)):
        wake = [mix(pcm, "road", snr, seed=i) for i, pcm in enumerate(wake_clean)]
        negatives = [mix(pcm, "road", snr, seed=1000 + i) for i, pcm in enumerate(oog)]
        if not math.isinf(snr):
            # Noise alone, at the level it has under speech at this SNR.
            for i in range(noise_count):
                _, noise = mix_parts(
                    oog[i % len(oog)], "road", snr, seed=5000 + i, tail_s=_NOISE_CLIP_S
                )
                negatives.append(np.round(noise * 32767).astype("<i2").tobytes())
        hits, _ = _ratios(wake)
        alarms, hours = _ratios(negatives)
        results[label] = (hits, alarms, hours)
        print(
            f"{args.split} {label}: {len(wake)} 'hey car, <command>' clips; "
            f"{len(negatives)} negative clips ({hours * 60:.1f} min of audio)"
        )

    def rates(label: str, threshold: float) -> tuple[float, float, int]:
        hits, alarms, hours = results[label]
        missed = sum(r is None or r < threshold for r in hits) / len(hits)
        fired = sum(r is not None and r >= threshold for r in alarms)
        return missed, fired / hours, fired

    if args.evaluate:
        chosen = _wake.MIN_WAKE_RATIO
    else:
        chosen = _THRESHOLDS[0]
        for threshold in _THRESHOLDS:
            if all(rates(label, threshold)[0] <= args.max_miss for label in results):
                chosen = threshold
    print("\nthreshold: miss rate / false alarms per hour (count), per condition")
    for threshold in sorted({*_THRESHOLDS, chosen}):
        parts = []
        for label in results:
            missed, per_hour, fired = rates(label, threshold)
            parts.append(f"{label} {missed:.3f} / {per_hour:.1f} ({fired})")
        mark = "  <- chosen" if threshold == chosen else ""
        print(f"  {threshold:6.2f}: " + ", ".join(parts) + mark)
    if not args.evaluate:
        print(f"\nPaste into simulator/cardeck_sim/voice/_wake.py: MIN_WAKE_RATIO = {chosen}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
