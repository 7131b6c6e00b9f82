"""Recognition of real espeak-ng speech: accuracy, OEM intents, no-match, wake, streaming."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from cardeck_sim.voice import (
    MAX_CHUNK_BYTES,
    Final,
    Intent,
    IntentConflictError,
    VoiceEngine,
    asr_available,
    wav_to_pcm16k,
)

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
    pytest.mark.skipif(not asr_available(), reason="pocketsphinx is not installed"),
]


def test_intent_accuracy_over_voices_and_speeds(
    engine: VoiceEngine, corpus: list[Any], accuracy_report: list[str]
) -> None:
    """At least 90 % of 22 commands × 2 voices × 2 speeds reach the right intent.

    The decoder's figure, with out-of-grammar rejection off; with it on (the
    default) espeak-ng's clean en-gb voice loses about a tenth more: its
    "navigate" fits the dictionary's pronunciation poorly against the phone
    loop (see _reject.py; on the held-out flite voices clean commands lose
    0.4 %). Both are reported and bounded.
    """
    commands = {c.text for c in corpus}
    assert len(commands) >= 20
    assert len({c.voice for c in corpus}) == 2
    assert len({c.speed_wpm for c in corpus}) == 2
    intent_ok = exact_ok = kept = 0
    misses: list[str] = []
    per_condition: Counter[str] = Counter()
    threshold = engine.recognizer.min_confidence
    engine.recognizer.min_confidence = 0.0
    try:
        finals = [engine.recognize_wav(clip.wav) for clip in corpus]
    finally:
        engine.recognizer.min_confidence = threshold
    for clip, final in zip(corpus, finals, strict=True):
        expected = engine.understand(clip.text)
        assert expected.matched, clip.text
        got = final.understanding
        if got.intent_id == expected.intent_id and got.owner == expected.owner:
            intent_ok += 1
            kept += got.confidence >= threshold
            per_condition[f"{clip.voice}@{clip.speed_wpm}"] += 1
            exact_ok += got.slots == expected.slots
        else:
            misses.append(
                f"{clip.voice}@{clip.speed_wpm} {clip.text!r} -> {final.transcript!r} "
                f"(confidence {got.confidence:.2f})"
            )
    total = len(corpus)
    accuracy = intent_ok / total
    summary = (
        f"intent accuracy {intent_ok}/{total} = {accuracy:.1%} "
        f"(intent and slots {exact_ok}/{total} = {exact_ok / total:.1%}); per voice@wpm: "
        + ", ".join(f"{k} {v}/{len(commands)}" for k, v in sorted(per_condition.items()))
        + f"; with out-of-grammar rejection {kept}/{total} = {kept / total:.1%}"
    )
    accuracy_report.extend([summary, *misses])
    print(summary)
    assert accuracy >= 0.9, summary + "; misses: " + "; ".join(misses)
    # Measured 73/88 (83 %) with rejection on.
    assert kept / total >= 0.75, summary


def test_oem_intent_is_recognised_and_attributed(
    engine: VoiceEngine, speech: dict[str, bytes]
) -> None:
    final = engine.recognize_wav(speech["sunroof"])
    assert final.understanding.intent_id == "sunroof.open"
    assert final.understanding.owner == "oem-climate"
    assert final.understanding.confidence >= 0.5


def test_duplicate_phrase_from_another_owner_conflicts(engine: VoiceEngine) -> None:
    with pytest.raises(IntentConflictError) as info:
        engine.register("oem-other", [Intent("roof", ("Open the sunroof",))])
    assert "'Open the sunroof'" in str(info.value)
    assert "'oem-climate'" in str(info.value)
    assert "oem-other" not in engine.registry.owners()


def test_unregister_removes_phrase_from_grammar(
    engine: VoiceEngine, speech: dict[str, bytes], oem_intents: tuple[Intent, ...]
) -> None:
    # The shared engine is used because its recognizer has already adapted to
    # the audio (a fresh one mishears its first utterances more often; see
    # the CMN note in _recognizer.py). Its owner is restored afterwards.
    assert "open the sunroof" in engine.grammar.jsgf
    assert engine.recognize_wav(speech["sunroof"]).understanding.owner == "oem-climate"
    try:
        assert engine.unregister_owner("oem-climate") == 2
        assert "sunroof" not in engine.grammar.jsgf
        assert "temperature" not in engine.grammar.jsgf
        final = engine.recognize_wav(speech["sunroof"])
        assert final.understanding.intent_id is None
        # Another owner may now take the phrase.
        engine.register("oem-roof", [Intent("roof.open", ("open the sunroof",))])
        assert engine.recognize_wav(speech["sunroof"]).understanding.owner == "oem-roof"
    finally:
        engine.unregister_owner("oem-roof")
        engine.register("oem-climate", oem_intents)


@pytest.mark.parametrize("name", ["oog0", "oog1", "oog2"])
def test_out_of_grammar_speech_is_no_match(
    engine: VoiceEngine, speech: dict[str, bytes], name: str
) -> None:
    understanding = engine.recognize_wav(speech[name]).understanding
    assert understanding.intent_id is None
    assert understanding.owner is None
    assert understanding.confidence < 0.5


def test_wake_phrase_is_required_in_wake_mode(
    engine: VoiceEngine, speech: dict[str, bytes]
) -> None:
    woke = engine.recognize_wav(speech["wake_zoom"], wake_phrase=True)
    assert woke.woke
    assert woke.understanding.intent_id == "zoom_in"
    assert woke.transcript == "zoom in"

    browser = engine.recognize_wav(speech["wake_browser"], wake_phrase=True)
    assert (browser.woke, browser.understanding.intent_id) == (True, "open_browser")

    asleep = engine.recognize_wav(speech["zoom_in"], wake_phrase=True)
    assert not asleep.woke
    assert asleep.understanding.intent_id is None


def test_wake_partial_is_streamed(engine: VoiceEngine, speech: dict[str, bytes]) -> None:
    pcm = wav_to_pcm16k(speech["wake_zoom"])
    with engine.session(wake_phrase=True) as session:
        partials = [session.feed(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200)]
        final = session.finish()
    assert any(p is not None and p.woke for p in partials)
    assert final.understanding.intent_id == "zoom_in"


def test_streaming_partials_and_end_of_speech(
    engine: VoiceEngine, speech: dict[str, bytes]
) -> None:
    # One second of silence after the command lets the endpointer end the stream.
    pcm = wav_to_pcm16k(speech["sunroof"]) + bytes(32000)
    session = engine.session()
    partials = []
    for start in range(0, len(pcm), 3200):
        partial = session.feed(pcm[start : start + 3200])
        if partial is not None:
            partials.append(partial)
            if partial.end_of_speech:
                break
    assert partials[-1].end_of_speech, "the endpointer did not detect the end of speech"
    assert any(p.transcript for p in partials)
    assert session.feed(b"\0\0" * 160) is None  # audio after the end is ignored
    final = session.finish()
    assert final.end_of_speech
    assert final.audio_seconds < len(pcm) / 32000
    assert final.understanding.intent_id == "sunroof.open"
    with pytest.raises(RuntimeError, match="finished"):
        session.feed(b"\0\0")
    with pytest.raises(RuntimeError, match="finished"):
        session.finish()


async def test_session_runs_in_a_thread(engine: VoiceEngine, speech: dict[str, bytes]) -> None:
    """The sync API is meant for ``asyncio.to_thread``; two sessions run in parallel."""
    pcm = wav_to_pcm16k(speech["zoom_in"])

    async def run() -> str | None:
        session = engine.session()
        for start in range(0, len(pcm), 3200):
            await asyncio.to_thread(session.feed, pcm[start : start + 3200])
        final = await asyncio.to_thread(session.finish)
        assert isinstance(final, Final)
        intent_id: str | None = final.understanding.intent_id
        return intent_id

    assert list(await asyncio.gather(run(), run())) == ["zoom_in", "zoom_in"]


def test_chunk_errors_name_the_field(engine: VoiceEngine) -> None:
    with engine.session() as session:
        with pytest.raises(ValueError, match=r"field pcm .* more than the limit"):
            session.feed(bytes(MAX_CHUNK_BYTES + 2))
        with pytest.raises(ValueError, match=r"field pcm .* odd number of bytes"):
            session.feed(b"\0\0\0")
        assert session.feed(bytes(MAX_CHUNK_BYTES)) is None or True  # the limit itself is fine


def test_wrong_sample_rate_names_the_field(engine: VoiceEngine) -> None:
    with pytest.raises(ValueError, match="sample_rate_hz is 44100"):
        engine.recognize_pcm(bytes(3200), sample_rate_hz=44100)


def test_malformed_wav_is_rejected(engine: VoiceEngine) -> None:
    with pytest.raises(ValueError, match="field wav"):
        engine.recognize_wav(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(40))
    with pytest.raises(ValueError, match="not a WAV file"):
        engine.recognize_wav(b"hello, not audio")


def test_silence_is_no_match(engine: VoiceEngine) -> None:
    final = engine.recognize_pcm(bytes(32000))
    assert final.understanding.intent_id is None
    assert final.transcript == ""


def test_capabilities(engine: VoiceEngine) -> None:
    caps = engine.capabilities
    assert caps.asr_available and caps.tts_available


def test_speak_round_trip(engine: VoiceEngine) -> None:
    """What the engine says, it understands."""
    final = engine.recognize_wav(engine.speak("search for the library", speed_wpm=150))
    assert final.understanding.intent_id == "search"
    assert final.understanding.slots == {"place": "Library"}


def test_fresh_engine_understands_its_first_utterance(
    make_engine: Callable[[], VoiceEngine], speech: dict[str, bytes]
) -> None:
    """A new recognizer has no CMN estimate yet; its first utterance still decodes."""
    engine = make_engine()
    assert engine.recognize_pcm(bytes(16000)).understanding.intent_id is None  # silence first
    final = engine.recognize_wav(speech["sunroof"])
    assert (final.understanding.intent_id, final.understanding.owner) == (
        "sunroof.open",
        "oem-climate",
    )
