"""Benchmark of the voice engine on real espeak-ng speech.

Run: ``python bench/bench_voice.py [--repeat N]``. Every figure has a
baseline measured in the same run on the same machine, because absolute times
on a shared 2-core box mean little:

- ASR real-time factor (decode time / audio time) with the full grammar
  against a bare one-phrase grammar on the same audio;
- end-of-speech → intent latency: from the chunk on which the endpointer
  reports the end to the ``Final`` (``finish()``), against the time to feed
  that last chunk;
- ``understand(text)`` p50 against ``normalize_text`` alone;
- TTS time per sentence, and in-process resampling against a ``sox`` process.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the tests' voice corpus

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
from tests.unit.voice.corpus import COMMANDS, OEM_INTENTS, PLACES, VOICES
from tests.unit.voice.corpus import SPEEDS_WPM as SPEEDS

CHUNK = 3200  # 100 ms of 16 kHz 16-bit mono


def pct(values: Sequence[float], q: float) -> float:
    """Return the q-quantile (0..1) of ``values``."""
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the audio (default 3)")
    args = parser.parse_args(argv)

    engine = VoiceEngine(PLACES)
    engine.register("oem", OEM_INTENTS)

    # TTS: one sentence per command, voice and speed.
    tts_times: list[float] = []
    texts: list[str] = []
    wavs: list[bytes] = []
    for text in COMMANDS:
        for voice in VOICES:
            for speed in SPEEDS:
                start = time.perf_counter()
                wavs.append(synthesize(text, voice, speed))
                tts_times.append(time.perf_counter() - start)
                texts.append(text)

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

    # Accuracy (also warms the recognizer's CMN estimate, as a car in use would be).
    correct = sum(
        engine.recognize_pcm(pcm).understanding.intent_id == engine.understand(text).intent_id
        for pcm, text in zip(clips, texts, strict=True)
    )

    # ASR real-time factor: full grammar against a one-phrase grammar.
    full = engine.recognizer
    bare_registry = IntentRegistry(include_builtins=False)
    bare_registry.register("bench", [Intent("zoom", ("zoom in",))])
    bare = Recognizer(
        build_grammar(bare_registry.grammar_phrases(), (), dictionary_words()),
        bare_registry.understand,
    )
    decode_all(bare, clips[:4])  # warm up its CMN estimate as well
    full_rtf = [decode_all(full, clips) / audio_seconds for _ in range(args.repeat)]
    bare_rtf = [decode_all(bare, clips) / audio_seconds for _ in range(args.repeat)]

    # End of speech → intent: clip + 1 s silence, fed until the endpointer fires.
    eos_latency: list[float] = []
    last_feed: list[float] = []
    endpointed = 0
    for _ in range(args.repeat):
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
    inputs = [*COMMANDS, "what is the weather like tomorrow", "navigate to the moon"] * 50
    understand_times = [timed(functools.partial(engine.understand, t)) for t in inputs]
    normalize_times = [timed(functools.partial(normalize_text, t)) for t in inputs]

    speech_per_sentence = statistics.mean(parse_wav(w).duration_seconds for w in wavs)
    ms = 1000.0
    rows = [
        ("metric", "value", "baseline (same run)"),
        (
            "intent accuracy",
            f"{correct}/{len(clips)} = {correct / len(clips):.1%}",
            f"{len(COMMANDS)} commands × {len(VOICES)} voices × {len(SPEEDS)} speeds",
        ),
        (
            "ASR real-time factor (median)",
            f"{statistics.median(full_rtf):.4f}",
            f"one-phrase grammar {statistics.median(bare_rtf):.4f}",
        ),
        (
            "end of speech → intent p50 / p95",
            f"{pct(eos_latency, 0.5) * ms:.2f} / {pct(eos_latency, 0.95) * ms:.2f} ms",
            f"feeding the last 100 ms chunk p50 {pct(last_feed, 0.5) * ms:.2f} ms; "
            f"endpointed {endpointed}/{len(eos_latency)}",
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
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"voice engine benchmark: {audio_seconds:.1f} s of audio, {len(clips)} clips")
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * width for width in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
