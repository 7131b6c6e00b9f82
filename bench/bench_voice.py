"""Benchmark of the voice engine: accuracy in road noise on a held-out voice, and its speed.

Run: ``python bench/bench_voice.py [--quick] [--repeat N] [--json PATH]``.
The speech is the evaluation corpus (``tests/unit/voice/evalset.py``): the
accuracy that counts is on the TEST engine (flite's awb and rms), whose
speakers no threshold was tuned on; the tuning engines' figures are printed
too, marked "tuning". Every clip is padded (0.5 s before, 1 s after), mixed
with road or white noise at a set SNR (the noise runs over the padding too)
and fed as a stream of 100 ms chunks to ``engine.session()`` until the
endpointer reports the end of speech, then ``finish()``: what the head unit
does with a microphone.

Figures, each with a baseline measured in the same run (absolute times on a
shared 2-core box mean little):

- in-grammar accuracy (intent and slots right) and false accepts on
  out-of-grammar speech (any intent), with 95 % Wilson intervals, per noise
  condition, and their ratio to the clean figure;
- ASR real-time factor (decode time / audio time) with the full grammar
  against a bare one-phrase grammar on the same clean audio, and on the
  10 dB road-noise set against the clean set;
- end-of-speech → intent latency: from the chunk on which the endpointer
  reports the end to the ``Final``, against the time to feed that last chunk;
  clean and in 10 dB road noise;
- ``understand(text)`` p50 against ``normalize_text`` alone;
- TTS time per sentence, and in-process resampling against a ``sox`` process.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import multiprocessing
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the tests' voice corpus

from _tuning import wilson

from cardeck_sim.voice import (
    Intent,
    IntentRegistry,
    Recognizer,
    VoiceEngine,
    build_grammar,
    dictionary_words,
    normalize_text,
    parse_wav,
    synthesize,
    wav_to_pcm16k,
)
from tests.unit.voice import evalset

CHUNK = 3200  # 100 ms of 16 kHz 16-bit mono
# (noise, SNR dB): the accuracy table's rows, clean first (the ratios' baseline).
CONDITIONS: tuple[tuple[str, float], ...] = (
    ("road", math.inf),
    ("road", 20.0),
    ("road", 15.0),
    ("road", 10.0),
    ("road", 5.0),
    ("white", 20.0),
    ("white", 10.0),
)
NOISY_TIMING = ("road", 10.0)
# Clips per split in a full run. The test split is taken whole (252 commands,
# 116 out-of-grammar); the tuning split (1008 + 232) is sampled evenly to
# keep a full run near 5 minutes of 2 idle cores (4676 decodes of about 0.1 s of CPU).
FULL_TUNE_LIMIT = 300
QUICK_TEST_LIMIT = 40
QUICK_TUNE_LIMIT = 20


def pct(values: Sequence[float], q: float) -> float:
    """Return the q-quantile (0..1) of ``values``, NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> float:
    """Return the seconds ``fn`` took."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def decode_all(recognizer: Recognizer, clips: Sequence[bytes]) -> float:
    """Decode every clip as a 100 ms-chunk stream; return the total seconds."""
    total = 0.0
    for pcm in clips:
        start = time.perf_counter()
        with recognizer.session() as session:
            for i in range(0, len(pcm), CHUNK):
                session.feed(pcm[i : i + CHUNK])
            session.finish()
        total += time.perf_counter() - start
    return total


# ---------------------------------------------------------------- accuracy workers


@dataclass(frozen=True)
class Outcome:
    """What one noisy clip gave."""

    split: str
    engine: str
    index: int
    noise: str
    snr_db: float
    expected: str | None
    intent: str | None
    slots_right: bool
    endpointed: bool
    eos_latency_s: float
    last_feed_s: float
    decode_s: float
    audio_s: float
    transcript: str


_WORKER: dict[str, object] = {}


def _worker_init(test_limit: int | None, tune_limit: int | None, tuning: bool) -> None:
    """Load the corpus (from the disk cache) and build this process's own engine."""
    _WORKER["test"] = evalset.utterances("test", limit=test_limit)
    _WORKER["tune"] = evalset.utterances("tune", limit=tune_limit) if tuning else []
    _WORKER["engine"] = evalset.make_engine()


def _run_clip(task: tuple[str, int, str, float]) -> Outcome:
    """Mix one clip, stream it to a session until the end of speech, finish."""
    split, index, noise, snr_db = task
    utt: evalset.Utterance = _WORKER[split][index]  # type: ignore[index]  # set by _worker_init
    engine: VoiceEngine = _WORKER["engine"]  # type: ignore[assignment]  # set by _worker_init
    # Seeded by the clip, not its position, so --quick and a full run agree on a clip.
    seed = zlib.crc32(f"{utt.engine}|{utt.voice}|{utt.rate}|{utt.text}".encode())
    stream = evalset.mix(utt.pcm, noise, snr_db, seed)
    started = time.perf_counter()
    session = engine.session()
    last_feed = 0.0
    fed = 0
    for i in range(0, len(stream), CHUNK):
        t0 = time.perf_counter()
        partial = session.feed(stream[i : i + CHUNK])
        last_feed = time.perf_counter() - t0
        fed = i + CHUNK
        if partial is not None and partial.end_of_speech:
            break
    t0 = time.perf_counter()
    final = session.finish()
    finished = time.perf_counter()
    understanding = final.understanding
    slots = tuple(sorted(understanding.slots.items()))
    return Outcome(
        split=split,
        engine=utt.engine,
        index=index,
        noise=noise,
        snr_db=snr_db,
        expected=utt.intent,
        intent=understanding.intent_id,
        slots_right=slots == utt.slots,
        endpointed=bool(final.end_of_speech),
        eos_latency_s=finished - t0,
        last_feed_s=last_feed,
        decode_s=finished - started,
        audio_s=min(fed, len(stream)) / 32000,
        transcript=final.transcript,
    )


def run_accuracy(
    test_limit: int | None, tune_limit: int | None, tuning: bool, workers: int
) -> list[Outcome]:
    """Decode every clip of both splits in every condition over ``workers`` processes."""
    test = evalset.utterances("test", limit=test_limit)
    tune = evalset.utterances("tune", limit=tune_limit) if tuning else []
    # One condition after another, as a drive stays in one kind of noise for a
    # while (the recognizer's running estimates, such as CMN, may carry over).
    tasks = [
        (split, index, noise, snr)
        for noise, snr in CONDITIONS
        for split, clips in (("test", test), ("tune", tune))
        for index in range(len(clips))
    ]
    # spawn, not fork: each process loads pocketsphinx itself.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_init,
        initargs=(test_limit, tune_limit, tuning),
    ) as pool:
        outcomes: list[Outcome] = []
        per_condition = len(test) + len(tune)
        started = time.perf_counter()
        for outcome in pool.map(_run_clip, tasks, chunksize=8):
            outcomes.append(outcome)
            # A full run takes minutes; say where it is, on stderr so the table stays clean.
            if len(outcomes) % per_condition == 0:
                print(
                    f"bench_voice: {outcome.noise} noise at {outcome.snr_db:g} dB decoded "
                    f"({len(outcomes)}/{len(tasks)} clips, {time.perf_counter() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        return outcomes


def _fmt_rate(successes: int, n: int) -> str:
    if n == 0:
        return "-"
    low, high = wilson(successes, n)
    return f"{successes / n:6.1%} [{low:5.1%}, {high:5.1%}] n={n}"


def _ratio(value: float, clean: float) -> str:
    if math.isnan(value) or math.isnan(clean) or clean == 0:
        return "-"
    return f"×{value / clean:.2f}"


def accuracy_table(
    outcomes: Sequence[Outcome],
) -> tuple[list[tuple[str, ...]], list[dict[str, object]]]:
    """Return the accuracy rows (for printing) and the same figures as records (for JSON)."""
    engines = [evalset.TEST_ENGINE, *evalset.TUNING_ENGINES]
    rows: list[tuple[str, ...]] = [
        (
            "engine",
            "noise",
            "SNR dB",
            "in-grammar accuracy [95% CI]",
            "vs clean",
            "OOG false accepts [95% CI]",
            "vs clean",
            "endpointed",
            "EoS→intent p50",
        )
    ]
    records: list[dict[str, object]] = []
    for engine in engines:
        mine = [o for o in outcomes if o.engine == engine]
        if not mine:
            continue
        label = f"{engine} ({'TEST' if engine == evalset.TEST_ENGINE else 'tuning'})"
        clean_acc = clean_fa = math.nan
        for noise, snr in CONDITIONS:
            cell = [o for o in mine if o.noise == noise and o.snr_db == snr]
            known = [o for o in cell if o.expected is not None]
            oog = [o for o in cell if o.expected is None]
            right = sum(o.intent == o.expected and o.slots_right for o in known)
            accepted = sum(o.intent is not None for o in oog)
            acc = right / len(known) if known else math.nan
            fa = accepted / len(oog) if oog else math.nan
            if math.isinf(snr):
                clean_acc, clean_fa = acc, fa
            latency = pct([o.eos_latency_s for o in cell if o.endpointed], 0.5)
            endpointed = sum(o.endpointed for o in cell)
            rows.append(
                (
                    label,
                    noise if not math.isinf(snr) else "none",
                    "clean" if math.isinf(snr) else f"{snr:g}",
                    _fmt_rate(right, len(known)),
                    _ratio(acc, clean_acc),
                    _fmt_rate(accepted, len(oog)),
                    _ratio(fa, clean_fa),
                    f"{endpointed}/{len(cell)}",
                    f"{latency * 1000:.1f} ms" if not math.isnan(latency) else "-",
                )
            )
            records.append(
                {
                    "engine": engine,
                    "split": "test" if engine == evalset.TEST_ENGINE else "tune",
                    "noise": noise,
                    "snr_db": None if math.isinf(snr) else snr,
                    "in_grammar_right": right,
                    "in_grammar_n": len(known),
                    "accuracy": acc,
                    "accuracy_ci95": wilson(right, len(known)),
                    "oog_accepted": accepted,
                    "oog_n": len(oog),
                    "false_accept_rate": fa,
                    "false_accept_ci95": wilson(accepted, len(oog)),
                    "endpointed": endpointed,
                    "eos_latency_p50_s": latency,
                }
            )
    return rows, records


def print_table(title: str, rows: Sequence[tuple[str, ...]]) -> None:
    """Print ``rows`` (the first is the header) as aligned columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(title)
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * width for width in widths))
    print()


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="passes over the clean audio for the speed figures (default 3); the accuracy "
        "clips are decoded once",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a small slice: {QUICK_TEST_LIMIT} test clips and {QUICK_TUNE_LIMIT} tuning "
        "clips per condition, one speed pass (about a minute of CPU)",
    )
    parser.add_argument(
        "--no-tuning",
        action="store_true",
        help="leave the tuning engines out of the accuracy table (the test engine only)",
    )
    parser.add_argument(
        "--tune-limit",
        type=int,
        default=FULL_TUNE_LIMIT,
        help=f"tuning clips per condition, an even sample (default {FULL_TUNE_LIMIT}); "
        "0 takes them all",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes that decode the accuracy clips, each with its own engine (default 2)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.workers < 1 or args.tune_limit < 0:
        parser.error("--repeat and --workers must be at least 1 and --tune-limit at least 0.")
    repeat = 1 if args.quick else args.repeat
    test_limit = QUICK_TEST_LIMIT if args.quick else None
    tune_limit = QUICK_TUNE_LIMIT if args.quick else (args.tune_limit or None)

    missing = [
        e for e in (evalset.TEST_ENGINE, *evalset.TUNING_ENGINES) if not evalset.engine_available(e)
    ]
    if missing:
        print(
            f"The speech engines {', '.join(missing)} are not installed, so the corpus cannot "
            "be spoken; run `make setup` (as root it installs them) and try again.",
            file=sys.stderr,
        )
        return 1

    started = time.perf_counter()
    # Accuracy first, in fresh processes (before this one loads pocketsphinx).
    outcomes = run_accuracy(test_limit, tune_limit, not args.no_tuning, args.workers)
    accuracy_s = time.perf_counter() - started

    engine = evalset.make_engine()
    speed_texts = [text for text, _ in evalset.COMMANDS]
    speed_voices = ("en-us", "en-gb")
    if args.quick:
        speed_texts = speed_texts[::4]

    # TTS: one sentence per command and voice, with the product's espeak-ng.
    tts_times: list[float] = []
    wavs: list[bytes] = []
    for text in speed_texts:
        for voice in speed_voices:
            start = time.perf_counter()
            wavs.append(synthesize(text, voice, 175))
            tts_times.append(time.perf_counter() - start)

    # Resampling 22.05 kHz → 16 kHz: numpy in-process against a sox process.
    resample_times = [timed(functools.partial(wav_to_pcm16k, w)) for w in wavs]
    sox_times: list[float] = []
    if shutil.which("sox"):
        for wav in wavs[:16]:
            sox = functools.partial(
                subprocess.run,
                ["sox", "-t", "wav", "-", "-r", "16000", "-t", "raw", "-"],
                input=wav,
                capture_output=True,
                check=True,
            )
            sox_times.append(timed(sox))
    clips = [wav_to_pcm16k(w) for w in wavs]
    audio_seconds = sum(len(c) for c in clips) / 32000

    # ASR real-time factor: full grammar against a one-phrase grammar.
    full = engine.recognizer
    bare_registry = IntentRegistry(include_builtins=False)
    bare_registry.register("bench", [Intent("zoom", ("zoom in",))])
    bare = Recognizer(
        build_grammar(bare_registry.grammar_phrases(), (), dictionary_words()),
        bare_registry.understand,
    )
    decode_all(full, clips[:4])  # warm up the running estimates (CMN), as a car in use would
    decode_all(bare, clips[:4])
    full_rtf = [decode_all(full, clips) / audio_seconds for _ in range(repeat)]
    bare_rtf = [decode_all(bare, clips) / audio_seconds for _ in range(repeat)]

    # End of speech → intent: clip + 1 s silence, fed until the endpointer fires.
    eos_latency: list[float] = []
    last_feed: list[float] = []
    endpointed = 0
    feed_time = 0.0
    for _ in range(repeat):
        for pcm in clips:
            stream = pcm + bytes(32000)
            session = engine.session()
            for i in range(0, len(stream), CHUNK):
                start = time.perf_counter()
                partial = session.feed(stream[i : i + CHUNK])
                feed_time = time.perf_counter() - start
                if partial is not None and partial.end_of_speech:
                    break
            eos_latency.append(timed(session.finish))
            last_feed.append(feed_time)
            endpointed += session.ended

    # understand(text) against tokenising alone.
    inputs = [*speed_texts, "what is the weather like tomorrow", "navigate to the moon"] * 50
    understand_times = [timed(functools.partial(engine.understand, t)) for t in inputs]
    normalize_times = [timed(functools.partial(normalize_text, t)) for t in inputs]

    # The accuracy run's own timings: the test clips decoded by the workers.
    test_runs = [o for o in outcomes if o.split == "test"]
    clean_runs = [o for o in test_runs if math.isinf(o.snr_db)]
    noisy_runs = [o for o in test_runs if (o.noise, o.snr_db) == NOISY_TIMING]

    def rtf(runs: Sequence[Outcome]) -> float:
        audio = sum(o.audio_s for o in runs)
        return sum(o.decode_s for o in runs) / audio if audio else math.nan

    def eos(runs: Sequence[Outcome], q: float) -> float:
        return pct([o.eos_latency_s for o in runs if o.endpointed], q)

    speech_per_sentence = statistics.mean(parse_wav(w).duration_seconds for w in wavs)
    ms = 1000.0
    noisy_label = f"{NOISY_TIMING[0]} noise {NOISY_TIMING[1]:g} dB, {evalset.TEST_ENGINE}"
    speed_rows = [
        ("metric", "value", "baseline (same run)"),
        (
            "ASR real-time factor (median)",
            f"{statistics.median(full_rtf):.4f}",
            f"one-phrase grammar {statistics.median(bare_rtf):.4f}",
        ),
        (
            f"ASR real-time factor, {noisy_label}",
            f"{rtf(noisy_runs):.4f}",
            f"clean {rtf(clean_runs):.4f} (both in {args.workers} busy processes)",
        ),
        (
            "end of speech → intent p50 / p95",
            f"{pct(eos_latency, 0.5) * ms:.2f} / {pct(eos_latency, 0.95) * ms:.2f} ms",
            f"feeding the last 100 ms chunk p50 {pct(last_feed, 0.5) * ms:.2f} ms; "
            f"endpointed {endpointed}/{len(eos_latency)}",
        ),
        (
            f"end of speech → intent p50 / p95, {noisy_label}",
            f"{eos(noisy_runs, 0.5) * ms:.2f} / {eos(noisy_runs, 0.95) * ms:.2f} ms",
            f"clean {eos(clean_runs, 0.5) * ms:.2f} ms; last chunk p50 "
            f"{pct([o.last_feed_s for o in noisy_runs], 0.5) * ms:.2f} ms; endpointed "
            f"{sum(o.endpointed for o in noisy_runs)}/{len(noisy_runs)}",
        ),
        (
            "understand(text) p50 / p95",
            f"{pct(understand_times, 0.5) * 1e6:.1f} / {pct(understand_times, 0.95) * 1e6:.1f} µs",
            f"normalize_text alone p50 {pct(normalize_times, 0.5) * 1e6:.1f} µs",
        ),
        (
            "TTS per sentence p50 / p95",
            f"{pct(tts_times, 0.5) * ms:.1f} / {pct(tts_times, 0.95) * ms:.1f} ms",
            f"for {speech_per_sentence:.2f} s of speech on average",
        ),
        (
            "resample 22.05 → 16 kHz p50",
            f"{pct(resample_times, 0.5) * ms:.2f} ms (numpy, in-process)",
            f"sox process p50 {pct(sox_times, 0.5) * ms:.2f} ms" if sox_times else "sox missing",
        ),
    ]

    rows, records = accuracy_table(outcomes)
    n_test = len({o.index for o in test_runs})
    print(
        f"voice accuracy: held-out TEST engine {evalset.TEST_ENGINE} "
        f"({', '.join(evalset.voices(evalset.TEST_ENGINE))}), {n_test} clips per condition; "
        f"tuning engines {', '.join(evalset.TUNING_ENGINES)} "
        f"({'left out' if args.no_tuning else 'sampled'}); "
        f"clips padded 0.5 s + 1 s, 100 ms chunks to engine.session(); "
        f"{len(outcomes)} decodes in {accuracy_s:.0f} s"
    )
    print_table("", rows)
    print_table(
        f"voice engine speed: {audio_seconds:.1f} s of clean espeak-ng audio, {len(clips)} clips",
        speed_rows,
    )
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "accuracy": records,
                    "speed": [dict(zip(speed_rows[0], r, strict=True)) for r in speed_rows[1:]],
                    "outcomes": [
                        {**asdict(o), "snr_db": None if math.isinf(o.snr_db) else o.snr_db}
                        for o in outcomes
                    ],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
