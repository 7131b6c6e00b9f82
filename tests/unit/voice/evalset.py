"""The voice evaluation corpus: three speech engines, paraphrases, out-of-grammar speech, noise.

What bench/bench_voice.py measures and what thresholds are tuned on. The
speakers are split by engine: thresholds and options are tuned on espeak-ng
and festival (:data:`TUNING_ENGINES`) and judged on flite
(:data:`TEST_ENGINE`), whose speakers appear in no tuning voice, so a figure
on the test split says how the recognizer does on a voice it was not fitted
to. Never tune anything on the test split.

Imported as ``tests.unit.voice.evalset`` (the bench puts the repository root
on ``sys.path``). Synthesized audio is cached on disk
(``~/.cache/cardeck/voice-eval``, or ``$CARDECK_VOICE_EVAL_CACHE``) so reruns
only pay for decoding.

Example::

    engine = make_engine()
    for utt in utterances("tune", limit=20):
        noisy = mix(utt.pcm, "road", 10.0, seed=1)
        ...
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from cardeck_sim.voice import Intent, PlaceIndex, VoiceEngine, synthesize, wav_to_pcm16k
from tests.unit.voice.corpus import PLACES as _CORPUS_PLACES

__all__ = [
    "COMMANDS",
    "OEM_INTENTS",
    "OEM_OWNER",
    "OUT_OF_GRAMMAR",
    "PLACES",
    "RATES",
    "SAMPLE_RATE_HZ",
    "TEST_ENGINE",
    "TUNING_ENGINES",
    "Utterance",
    "active_frames",
    "engine_available",
    "expected_slots",
    "make_engine",
    "mix",
    "mix_parts",
    "road_noise",
    "synthesize_pcm",
    "utterances",
    "voices",
    "white_noise",
]

SAMPLE_RATE_HZ = 16000
TUNING_ENGINES: tuple[str, ...] = ("espeak-ng", "festival")
TEST_ENGINE: str = "flite"
# Speaking rate factors (>1 is faster); every engine speaks every command at each.
RATES: tuple[float, ...] = (0.85, 1.0, 1.2)

_VOICES: dict[str, tuple[str, ...]] = {
    "espeak-ng": ("en-us", "en-us+m3", "en-gb+f2", "en-us+f4", "en-gb", "en-us+m7"),
    "festival": ("kal_diphone", "cmu_us_slt_arctic_hts"),
    # awb (Scottish male) and rms (US male): speakers no tuning voice shares.
    "flite": ("awb", "rms"),
}
_PROGRAMS = {"espeak-ng": "espeak-ng", "festival": "text2wave", "flite": "flite"}
_ESPEAK_DEFAULT_WPM = 175
_SYNTH_TIMEOUT_S = 60.0
# Bump when the way audio is made changes, so stale cache files are not reused.
_CACHE_VERSION = "1"

PLACES: tuple[str, ...] = _CORPUS_PLACES

OEM_OWNER = "oem"
OEM_INTENTS: tuple[Intent, ...] = (
    Intent(
        "climate.set_temperature",
        (
            "set temperature to {number} degrees",
            "set the temperature to {number} degrees",
            "make it {number} degrees",
        ),
    ),
    Intent("sunroof.open", ("open the sunroof", "open sunroof", "sunroof open")),
    Intent("sunroof.close", ("close the sunroof", "close sunroof", "sunroof close")),
    Intent("window.open", ("open the windows", "open all windows", "windows down")),
    Intent("window.close", ("close the windows", "close all windows", "windows up")),
    Intent("glovebox.open", ("open the glove box", "open glove box")),
)

# (spoken text, expected intent id): every phrase of every built-in and OEM
# intent at least once, places with and without "the", several numbers.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("navigate to city hall", "navigate"),
    ("navigate to the airport", "navigate"),
    ("take me to market square", "navigate"),
    ("take me to the museum", "navigate"),
    ("drive to central station", "navigate"),
    ("drive to the hospital", "navigate"),
    ("go to the library", "navigate"),
    ("go to railway station", "navigate"),
    ("directions to main street", "navigate"),
    ("directions to the harbor", "navigate"),
    ("search for main street", "search"),
    ("search for the library", "search"),
    ("find the airport", "search"),
    ("find city hall", "search"),
    ("look for the museum", "search"),
    ("zoom in", "zoom_in"),
    ("zoom out", "zoom_out"),
    ("open browser", "open_browser"),
    ("open the browser", "open_browser"),
    ("go back", "go_back"),
    ("go back to the previous page", "go_back"),
    ("cancel", "cancel"),
    ("stop navigation", "cancel"),
    ("cancel navigation", "cancel"),
    ("set temperature to twenty one degrees", "climate.set_temperature"),
    ("set the temperature to eighteen degrees", "climate.set_temperature"),
    ("make it twenty five degrees", "climate.set_temperature"),
    ("set temperature to seventy two degrees", "climate.set_temperature"),
    ("open the sunroof", "sunroof.open"),
    ("open sunroof", "sunroof.open"),
    ("sunroof open", "sunroof.open"),
    ("close the sunroof", "sunroof.close"),
    ("close sunroof", "sunroof.close"),
    ("sunroof close", "sunroof.close"),
    ("open the windows", "window.open"),
    ("open all windows", "window.open"),
    ("windows down", "window.open"),
    ("close the windows", "window.close"),
    ("close all windows", "window.close"),
    ("windows up", "window.close"),
    ("open the glove box", "glovebox.open"),
    ("open glove box", "glovebox.open"),
)

OUT_OF_GRAMMAR: tuple[str, ...] = (
    # Everyday speech in the car.
    "the quick brown fox jumps over the lazy dog near the river bank",
    "yesterday my neighbour painted the garden fence bright green again",
    "please remember to buy some apples and bread on the way home",
    "i think we should leave a little earlier tomorrow morning",
    "did you call your mother back this afternoon",
    "the kids have football practice at six",
    "that was a really good song",
    "i am so tired after this long week",
    "look at that big truck in front of us",
    "we need to stop for fuel soon",
    "my phone battery is almost empty",
    "the traffic is terrible today",
    "can you believe how expensive coffee has become",
    "she said the meeting was moved to thursday",
    "i forgot my sunglasses at the office",
    "there is a strange noise coming from the engine",
    "let us have pizza for dinner tonight",
    "the weather was lovely last weekend",
    "i have to send that report before friday",
    "he never answers his phone when i call",
    "we should visit grandma next month",
    "this road always has so many potholes",
    "turn the music down a little please",
    "i love this part of the drive",
    "the dog needs a walk when we get home",
    "how was school today",
    "put your seat belt on",
    "the parking lot was completely full",
    "i hope the shop is still open",
    "my back hurts from sitting so long",
    "it looks like it is going to rain",
    "remind me to water the plants",
    "the new bakery on the corner is great",
    "i left the keys on the kitchen table",
    "we are going to be late again",
    "do not forget the birthday cake",
    "the movie starts at eight o'clock",
    "i think i left the oven on",
    "our holiday flight leaves on monday",
    "the children are asleep in the back",
    # Questions the head unit cannot answer.
    "what time is it",
    "what is the weather like tomorrow",
    "how far is it to the coast",
    "who won the game last night",
    "when does the bank close today",
    "is it going to snow this week",
    "how much fuel do we have left",
    "what is the capital of australia",
    "can you tell me a joke",
    "why is the sky blue",
    "where did i park the car",
    "how old is the universe",
    "what day is it today",
    "do you know any good restaurants",
    "how do you spell necessary",
    "what is the speed limit here",
    "are we there yet",
    "how long will the drive take",
    "what song is this",
    "who is the president of france",
    "what is on the news",
    "is the pharmacy open on sunday",
    "what is twenty times three",
    "how cold is it outside",
    "which lane should i take",
    # Near misses: command words in a sentence the grammar does not hold.
    "navigate to the moon base",
    "navigate the boat across the lake",
    "take me out to the ball game",
    "take me home country roads",
    "open the window a bit",
    "open the door",
    "open the trunk",
    "close the door please",
    "zoom into the photo",
    "zoom in on her face",
    "zoom out of the meeting",
    "search for my glasses",
    "search the web for cheap flights",
    "find my phone",
    "find a parking spot",
    "go back home",
    "go back to sleep",
    "go to bed early",
    "go to the moon",
    "drive to the end of the world",
    "drive safely",
    "directions to nowhere",
    "cancel my dentist appointment",
    "cancel the subscription",
    "stop the car",
    "stop talking",
    "set the alarm for seven",
    "set temperature to warm",
    "set the table for dinner",
    "make it stop",
    "make it louder",
    "make it rain",
    "open the browser history",
    "browser window",
    "close the browser",
    "the sunroof is leaking",
    "is the sunroof open",
    "clean the windows",
    "the windows are dirty",
    "the glove box is stuck",
    "turn on the radio",
    "call my wife",
    "play some jazz",
    "city hall is closed on sundays",
    "the airport is very busy",
    "the museum has a new exhibition",
    "meet me at central station",
    "the library books are overdue",
    "zoom",
    "open",
    "cancel everything and go home",
)


def voices(engine: str) -> tuple[str, ...]:
    """Return the voices of ``engine`` in the corpus.

    :raises ValueError: on an engine that is not in the corpus.
    """
    try:
        return _VOICES[engine]
    except KeyError:
        raise ValueError(
            f"The engine {engine!r} is not in the corpus; use one of {', '.join(_VOICES)}."
        ) from None


@functools.cache
def engine_available(engine: str) -> bool:
    """Return whether ``engine``'s program (and, for festival, its voices) is installed."""
    program = _PROGRAMS.get(engine)
    if program is None or shutil.which(program) is None:
        return False
    if engine == "festival":
        try:
            _run_festival("test", "kal_diphone", 1.0)
            _run_festival("test", "cmu_us_slt_arctic_hts", 1.0)
        except RuntimeError:
            return False
    return True


def _cache_dir() -> Path:
    override = os.environ.get("CARDECK_VOICE_EVAL_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "cardeck" / "voice-eval"


def _run(argv: Sequence[str], stdin: bytes | None, what: str) -> None:
    done = subprocess.run(
        list(argv), input=stdin, capture_output=True, timeout=_SYNTH_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise RuntimeError(f"{what} failed to synthesize speech: {detail}.")


def _run_festival(text: str, voice: str, rate: float) -> bytes:
    if voice.endswith("_hts"):
        # HTS voices ignore Duration_Stretch; hts_engine's own "-r" sets the speed.
        speed = f'(set! hts_engine_params (append hts_engine_params (list (list "-r" {rate}))))'
    else:
        speed = f"(Parameter.set 'Duration_Stretch {1.0 / rate})"
    with tempfile.TemporaryDirectory(prefix="cardeck-eval-") as tmp:
        out = os.path.join(tmp, "out.wav")
        argv = ["text2wave", "-eval", f"(voice_{voice})", "-eval", speed, "-o", out]
        _run(argv, text.encode() + b"\n", f"festival with voice {voice!r}")
        return Path(out).read_bytes()


def _run_flite(text: str, voice: str, rate: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="cardeck-eval-") as tmp:
        # Text from a file, so it never becomes an option on the command line.
        src, out = os.path.join(tmp, "in.txt"), os.path.join(tmp, "out.wav")
        Path(src).write_text(text + "\n", encoding="utf-8")
        argv = ["flite", "-voice", voice, "--setf", f"duration_stretch={1.0 / rate}"]
        _run([*argv, "-f", src, "-o", out], None, f"flite with voice {voice!r}")
        return Path(out).read_bytes()


def _render(text: str, engine: str, voice: str, rate: float) -> bytes:
    if engine == "espeak-ng":
        return wav_to_pcm16k(synthesize(text, voice, round(_ESPEAK_DEFAULT_WPM * rate)))
    if engine == "festival":
        return wav_to_pcm16k(_run_festival(text, voice, rate))
    return wav_to_pcm16k(_run_flite(text, voice, rate))


def synthesize_pcm(text: str, engine: str, voice: str, rate: float = 1.0) -> bytes:
    """Speak ``text`` with ``engine``'s ``voice``; return 16 kHz mono s16le PCM.

    Cached on disk by a hash of all arguments; thread- and process-safe
    (a cache file appears whole, by rename, or not at all).

    :param rate: speaking rate factor, 1.0 is the engine's default, 1.2 is 20 % faster.
    :raises ValueError: on an engine or voice that is not in the corpus.
    :raises RuntimeError: when the engine fails.
    """
    if voice not in voices(engine):
        raise ValueError(
            f"The voice {voice!r} is not a corpus voice of {engine}; use one of "
            f"{', '.join(voices(engine))}."
        )
    if not 0.5 <= rate <= 2.0:
        raise ValueError(f"The rate is {rate}; use a factor from 0.5 to 2.0.")
    key = "\0".join((_CACHE_VERSION, engine, voice, f"{rate:.4f}", text))
    path = _cache_dir() / (hashlib.sha256(key.encode()).hexdigest() + ".pcm")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pcm = _render(text, engine, voice, rate)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(pcm)
    os.replace(tmp, path)
    return pcm


def make_engine() -> VoiceEngine:
    """Return a voice engine with the corpus places and the OEM intents (owner "oem").

    The grammar also holds the bundled map's place names, as the head unit's
    does once its map is loaded: pocketsphinx scores a path against the best
    competing one each frame, so a grammar of 100 places scores a right
    command lower than one of 12 (measured: "navigate to hotel arthur" 0.97
    with 1 place in the grammar, 0.61 with 110), and rejection tuned on a
    small grammar would turn real commands away.
    """
    from cardeck_sim.maps import load_map, place_index

    engine = VoiceEngine((*PLACES, *place_index(load_map()).names()))
    engine.register(OEM_OWNER, OEM_INTENTS)
    return engine


_EXPECT_LOCK = threading.Lock()
_EXPECT_ENGINE: list[VoiceEngine] = []


def expected_slots(text: str) -> tuple[tuple[str, str], ...]:
    """Return the slots typed ``text`` yields (sorted pairs): what speech must yield too."""
    with _EXPECT_LOCK:
        if not _EXPECT_ENGINE:
            _EXPECT_ENGINE.append(make_engine())
        engine = _EXPECT_ENGINE[0]
    return tuple(sorted(engine.understand(text).slots.items()))


def places_index() -> PlaceIndex:
    """Return the corpus places as a :class:`PlaceIndex`, for grammar-only understanding."""
    return PlaceIndex(PLACES)


# ---------------------------------------------------------------- noise


def _shaped_noise(
    n: int, rng: np.random.Generator, exponent: float, low_hz: float, high_hz: float
) -> npt.NDArray[np.float64]:
    """White noise shaped in the frequency domain: amplitude ∝ f**-exponent in [low, high]."""
    spectrum = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    freqs = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE_HZ)
    gain = np.zeros_like(freqs)
    band = (freqs >= low_hz) & (freqs <= high_hz)
    gain[band] = freqs[band] ** -exponent
    out = np.fft.irfft(spectrum * gain, n)
    return np.asarray(out / (np.sqrt(np.mean(out**2)) + 1e-12), dtype=np.float64)


def _slow_walk(n: int, rng: np.random.Generator, points_per_s: float) -> npt.NDArray[np.float64]:
    """A smooth random curve in [-1, 1] that changes a few times a second at most."""
    count = max(4, math.ceil(n / SAMPLE_RATE_HZ * points_per_s) + 2)
    knots = np.cumsum(rng.standard_normal(count))
    knots = knots - knots.mean()
    knots = knots / (np.abs(knots).max() + 1e-12)
    return np.asarray(np.interp(np.arange(n), np.linspace(0, n, count), knots), dtype=np.float64)


def road_noise(seconds: float, seed: int) -> npt.NDArray[np.float32]:
    """Cabin noise of a car on the road: float32 in [-1, 1] at 16 kHz, RMS about 0.1.

    Tyre and road rumble (brown noise above 20 Hz, most of the energy), a
    pink floor up to 6 kHz, the engine (firing frequency 40-70 Hz with its
    harmonics, rpm drifting slowly) and wind (noise band-passed to
    300-2500 Hz, its level swelling slowly). The spectrum falls steeply with
    frequency, as measured cabin noise does, so it masks vowels' low formants
    more than consonants.
    """
    n = max(1, round(seconds * SAMPLE_RATE_HZ))
    rng = np.random.default_rng(seed)
    rumble = _shaped_noise(n, rng, 1.0, 20.0, 4000.0)
    floor = _shaped_noise(n, rng, 0.5, 50.0, 6000.0)
    rpm = 55.0 + 15.0 * _slow_walk(n, rng, 0.5)
    phase = 2 * np.pi * np.cumsum(rpm) / SAMPLE_RATE_HZ
    engine = sum(np.sin(k * phase + rng.uniform(0, 2 * np.pi)) / k**1.2 for k in range(1, 9))
    engine = engine / (np.sqrt(np.mean(engine**2)) + 1e-12)
    gusts = 1.0 + 0.6 * _slow_walk(n, rng, 1.0)
    wind = _shaped_noise(n, rng, 0.3, 300.0, 2500.0) * gusts
    mixed = 1.0 * rumble + 0.25 * floor + 0.45 * engine + 0.35 * wind
    mixed = mixed / (np.sqrt(np.mean(mixed**2)) + 1e-12) * 0.1
    peak = np.abs(mixed).max()
    if peak > 1.0:
        mixed = mixed / peak
    return np.asarray(mixed, dtype=np.float32)


def white_noise(seconds: float, seed: int) -> npt.NDArray[np.float32]:
    """Gaussian white noise: float32 at 16 kHz, RMS 0.1, clipped to [-1, 1] (rarely reached)."""
    n = max(1, round(seconds * SAMPLE_RATE_HZ))
    rng = np.random.default_rng(seed)
    return np.clip(rng.standard_normal(n) * 0.1, -1.0, 1.0).astype(np.float32)


_FRAME = SAMPLE_RATE_HZ // 50  # 20 ms
_ACTIVE_BELOW_PEAK_DB = 40.0


def _frame_power(signal: npt.NDArray[np.floating], frames: int) -> npt.NDArray[np.float64]:
    """Return the mean power of each of the first ``frames`` 20 ms frames."""
    whole = signal[: frames * _FRAME].astype(np.float64).reshape(frames, _FRAME)
    return np.asarray((whole**2).mean(1), dtype=np.float64)


def active_frames(speech: npt.NDArray[np.floating]) -> npt.NDArray[np.bool_]:
    """Return, per 20 ms frame, whether it is within 40 dB of the loudest frame."""
    power = _frame_power(speech, len(speech) // _FRAME)
    if len(power) == 0 or power.max() <= 0:
        return np.zeros(len(power), dtype=bool)
    return np.asarray(power > power.max() * 10 ** (-_ACTIVE_BELOW_PEAK_DB / 10), dtype=bool)


def mix_parts(
    pcm: bytes,
    noise: str,
    snr_db: float,
    seed: int,
    *,
    lead_s: float = 0.5,
    tail_s: float = 1.0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return the padded speech and the noise that :func:`mix` adds, both scaled, in [-1, 1].

    Their power ratio over the speech's active frames is ``snr_db``.
    """
    if noise not in ("road", "white"):
        raise ValueError(f"The noise is {noise!r}; use 'road' or 'white'.")
    clean = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    lead, tail = round(lead_s * SAMPLE_RATE_HZ), round(tail_s * SAMPLE_RATE_HZ)
    # Pad the lead to whole frames so the speech's frames line up with the mix's.
    lead -= lead % _FRAME
    speech = np.concatenate([np.zeros(lead), clean, np.zeros(tail)])
    if math.isinf(snr_db) and snr_db > 0:
        return speech, np.zeros_like(speech)
    seconds = len(speech) / SAMPLE_RATE_HZ
    make = road_noise if noise == "road" else white_noise
    added = make(seconds, seed)[: len(speech)].astype(np.float64)
    active = active_frames(clean)
    if not active.any():
        raise ValueError("The speech is silent; there is nothing to measure the SNR against.")
    speech_power = float(_frame_power(clean, len(active))[active].mean())
    padded_active = np.concatenate([np.zeros(lead // _FRAME, dtype=bool), active])
    noise_power = float(_frame_power(added, len(padded_active))[padded_active].mean())
    added *= math.sqrt(speech_power / (noise_power * 10 ** (snr_db / 10)))
    peak = float(np.abs(speech + added).max())
    # Scale both down together rather than clip: clipping would change the SNR.
    if peak > 0.98:
        speech, added = speech * (0.98 / peak), added * (0.98 / peak)
    return speech, added


def mix(
    pcm: bytes,
    noise: str,
    snr_db: float,
    seed: int,
    *,
    lead_s: float = 0.5,
    tail_s: float = 1.0,
) -> bytes:
    """Return ``pcm`` (16 kHz s16le) with ``lead_s``/``tail_s`` padding, in noise at ``snr_db``.

    The noise runs over the lead and tail too, so the endpointer has to find
    the speech's end in noise. ``snr_db=math.inf`` gives the clean clip padded
    with digital silence. The SNR is measured over the speech's active frames
    (20 ms frames within 40 dB of the loudest); nothing is clipped.

    :param noise: "road" (:func:`road_noise`) or "white" (:func:`white_noise`).
    """
    speech, added = mix_parts(pcm, noise, snr_db, seed, lead_s=lead_s, tail_s=tail_s)
    out = np.round((speech + added) * 32767.0)
    return np.clip(out, -32768, 32767).astype("<i2").tobytes()


# ---------------------------------------------------------------- utterances


@dataclass(frozen=True)
class Utterance:
    """One clip of the corpus.

    :param intent: the expected intent id, ``None`` for out-of-grammar speech.
    :param pcm: 16 kHz s16le PCM, clean and unpadded.
    :param slots: the expected slots (sorted name/value pairs).
    """

    text: str
    intent: str | None
    engine: str
    voice: str
    rate: float
    pcm: bytes = field(repr=False)
    slots: tuple[tuple[str, str], ...] = ()


def _jobs(engine: str, oog: bool) -> list[tuple[str, str | None, str, float]]:
    jobs: list[tuple[str, str | None, str, float]] = [
        (text, intent, voice, rate)
        for text, intent in COMMANDS
        for voice in voices(engine)
        for rate in RATES
    ]
    if oog:
        # Each sentence once per engine, the voices taking turns.
        names = voices(engine)
        jobs.extend(
            (text, None, names[i % len(names)], 1.0) for i, text in enumerate(OUT_OF_GRAMMAR)
        )
    return jobs


def utterances(
    split: Literal["tune", "test"], *, oog: bool = True, limit: int | None = None
) -> list[Utterance]:
    """Return the corpus of ``split``, synthesizing (2 workers) what is not cached yet.

    "tune" is every voice of :data:`TUNING_ENGINES`, "test" every voice of
    :data:`TEST_ENGINE`: each command at each rate, then (with ``oog``) each
    out-of-grammar sentence once per engine. Deterministic order. ``limit``
    takes an even spread of that many clips (the in-grammar ones and the
    out-of-grammar ones in proportion), for quick runs.

    :raises ValueError: on an unknown split.
    """
    if split == "tune":
        engines: tuple[str, ...] = TUNING_ENGINES
    elif split == "test":
        engines = (TEST_ENGINE,)
    else:
        raise ValueError(f"The split is {split!r}; use 'tune' or 'test'.")
    jobs = [(engine, *job) for engine in engines for job in _jobs(engine, oog)]
    if limit is not None and limit < len(jobs):
        step = len(jobs) / max(1, limit)
        jobs = [jobs[int(i * step)] for i in range(limit)]

    def run(job: tuple[str, str, str | None, str, float]) -> Utterance:
        engine, text, intent, voice, rate = job
        pcm = synthesize_pcm(text, engine, voice, rate)
        slots = expected_slots(text) if intent is not None else ()
        return Utterance(text, intent, engine, voice, rate, pcm, slots)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(run, jobs))
