"""Tune the out-of-grammar rejection on the tuning split of the voice corpus.

Run: ``python bench/tune_voice.py [--limit N] [--snr inf --snr 10]``. It
decodes the tuning split (espeak-ng and festival voices, never flite) clean
and in road noise with rejection off, fits the logistic model of
``cardeck_sim/voice/_reject.py`` (coverage, word ratio, worst word ratio) on
what the grammar matched, picks the lowest threshold whose false-accept rate
on out-of-grammar speech is at most ``--max-fa`` in every condition, and
prints the ROC points and the constants to paste into ``_reject.py``.

``--evaluate`` skips the fit and reports the constants in ``_reject.py`` as
they are; ``--split test --evaluate`` gives the held-out flite figures for a
report. Never choose anything on the test split.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the tests' voice corpus

from _tuning import parse_tuning_args, tuning_parser, wilson

from cardeck_sim.voice import _reject
from tests.unit.voice.evalset import make_engine, mix, utterances

_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


@dataclass(frozen=True)
class Row:
    """One decoded clip: what the grammar matched and the evidence for it."""

    in_grammar: bool
    correct: bool
    matched: bool
    features: tuple[float, float, float]
    audio_seconds: float


def decode(split: str, noise: str, snr_db: float, limit: int | None) -> tuple[list[Row], float]:
    """Decode ``split`` with rejection off; return the rows and the decode seconds."""
    engine = make_engine()
    recognizer = engine.recognizer
    recognizer.min_confidence = 0.0
    clips = utterances("tune" if split == "tune" else "test", limit=limit)
    rows: list[Row] = []
    spent = 0.0
    for i, utt in enumerate(clips):
        pcm = mix(utt.pcm, noise, snr_db, seed=i)
        start = time.perf_counter()
        final = engine.recognize_pcm(pcm)
        spent += time.perf_counter() - start
        got = final.understanding
        ev = final.evidence
        rows.append(
            Row(
                in_grammar=utt.intent is not None,
                correct=utt.intent is not None
                and got.intent_id == utt.intent
                and tuple(sorted(got.slots.items())) == utt.slots,
                matched=got.matched,
                features=(ev.coverage, ev.word_ratio, ev.worst_word_ratio),
                audio_seconds=final.audio_seconds,
            )
        )
    return rows, spent


def fit(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], l2: float = 1e-2
) -> tuple[npt.NDArray[np.float64], float]:
    """Fit a class-balanced, L2-regularised logistic regression by Newton's method."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    balance = np.where(y > 0.5, 0.5 / y.mean(), 0.5 / (1.0 - y.mean()))
    penalty = np.r_[np.ones(len(w) - 1), 0.0] * l2
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (balance * (p - y)) / len(y) + penalty * w
        hess = (z.T * (balance * p * (1 - p))) @ z / len(y) + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    weights = w[:-1] / scale
    return weights, float(w[-1] - (w[:-1] * mean / scale).sum())


def scores(rows: Sequence[Row], weights: Sequence[float], bias: float) -> npt.NDArray[np.float64]:
    """Return each row's calibrated score (0 where nothing was heard)."""
    out = []
    for row in rows:
        if row.features[0] <= 0.0:
            out.append(0.0)
            continue
        z = bias + sum(w * f for w, f in zip(weights, row.features, strict=True))
        out.append(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))))
    return np.array(out)


def rates(
    rows: Sequence[Row], score: npt.NDArray[np.float64], threshold: float
) -> tuple[float, float, int, int]:
    """Return (accuracy on in-grammar clips, false-accept rate on OOG clips, n in, n OOG)."""
    ing = [r.in_grammar for r in rows]
    n_in, n_oog = sum(ing), len(rows) - sum(ing)
    keep = score >= threshold
    acc = sum(r.correct and k for r, k in zip(rows, keep, strict=True)) / max(1, n_in)
    fa = sum(r.matched and k and not r.in_grammar for r, k in zip(rows, keep, strict=True))
    return acc, fa / max(1, n_oog), n_in, n_oog


def main(argv: Sequence[str] | None = None) -> int:
    """Decode, fit, pick the threshold and print the curve."""
    parser = tuning_parser(__doc__ or "", "_reject.py")
    parser.add_argument(
        "--snr",
        action="append",
        type=float,
        help="road-noise SNR in dB to decode at, repeatable; 'inf' is clean (default inf and 10)",
    )
    parser.add_argument("--noise", choices=("road", "white"), default="road", help="noise kind")
    parser.add_argument(
        "--limit", type=int, default=None, help="an even spread of this many clips per SNR"
    )
    parser.add_argument(
        "--max-fa",
        type=float,
        default=0.03,
        help="false-accept rate the threshold must keep in every condition (default 0.03, "
        "under the 5 %% goal to leave room for unseen voices)",
    )
    args = parse_tuning_args(parser, argv)
    snrs = args.snr or [math.inf, 10.0]

    decoded: dict[float, list[Row]] = {}
    for snr in snrs:
        rows, spent = decode(args.split, args.noise, snr, args.limit)
        audio = sum(r.audio_seconds for r in rows)
        decoded[snr] = rows
        print(
            f"{args.split} {args.noise} {snr:g} dB: {len(rows)} clips, {audio:.0f} s of audio, "
            f"decode real-time factor {spent / audio:.3f} (grammar and phone loop)"
        )

    weights: tuple[float, ...]
    if args.evaluate:
        weights, bias = _reject.WEIGHTS, _reject.BIAS
        threshold = _reject.MIN_SCORE
    else:
        train = [r for rows in decoded.values() for r in rows if r.matched]
        x = np.array([r.features for r in train])
        y = np.array([1.0 if r.correct else 0.0 for r in train])
        fitted, bias = fit(x, y)
        weights = tuple(float(w) for w in fitted)
        threshold = _THRESHOLDS[-1]
        for candidate in _THRESHOLDS:
            score_ok = all(
                rates(rows, scores(rows, weights, bias), candidate)[1] <= args.max_fa
                for rows in decoded.values()
            )
            if score_ok:
                threshold = candidate
                break

    print("\nROC points (threshold: accuracy / false accepts per condition):")
    for candidate in _THRESHOLDS:
        parts = []
        for snr, rows in decoded.items():
            acc, fa, _, _ = rates(rows, scores(rows, weights, bias), candidate)
            parts.append(f"{snr:g} dB {acc:.3f}/{fa:.3f}")
        mark = "  <- chosen" if candidate == threshold else ""
        print(f"  {candidate:.2f}: " + ", ".join(parts) + mark)

    print(f"\nAt threshold {threshold:.2f}:")
    for snr, rows in decoded.items():
        raw_acc, raw_fa, n_in, n_oog = rates(rows, np.ones(len(rows)), 0.0)
        acc, fa, _, _ = rates(rows, scores(rows, weights, bias), threshold)
        lo, hi = wilson(round(acc * n_in), n_in)
        flo, fhi = wilson(round(fa * n_oog), n_oog)
        print(
            f"  {snr:g} dB: accuracy {acc:.3f} [{lo:.3f}, {hi:.3f}] of n={n_in} "
            f"(without rejection {raw_acc:.3f}); false accepts {fa:.3f} [{flo:.3f}, {fhi:.3f}] "
            f"of n={n_oog} (without rejection {raw_fa:.3f})"
        )
    if not args.evaluate:
        print("\nPaste into simulator/cardeck_sim/voice/_reject.py:")
        print(f"WEIGHTS = ({', '.join(f'{w:.3f}' for w in weights)})")
        print(f"BIAS = {bias:.3f}")
        print(f"MIN_SCORE = {threshold:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
