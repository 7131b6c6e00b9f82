"""Streaming speech recognition with pocketsphinx and a JSGF grammar.

Decoding is CPU work in C. Every method here is synchronous and cheap per
chunk (a 100 ms chunk decodes in about 2 ms), so an asyncio caller runs
``session.feed`` and ``session.finish`` with ``asyncio.to_thread``.

Thread-safety: a pocketsphinx ``Decoder`` is not thread-safe, so each
session borrows its own decoder from the recognizer's pool for its lifetime
and returns it on ``finish``/``cancel``. Sessions run in parallel; a session
itself serialises its calls with a lock.

No-match: a grammar decoder tries to explain any audio with grammar words.
Out-of-grammar speech usually ends without reaching the grammar's final state
(no hypothesis, or a fragment such as "open the" that no phrase matches). When
it does reach it, the few grammar words are stretched over long stretches
that the decoder labels silence although the voice activity detector hears
speech. The confidence is therefore the share of detected speech frames that
grammar words explain; below ``min_confidence`` (0.5) the result is a
no-match. Measured on espeak-ng speech: correct commands score 0.69–1.0,
random sentences that reached the final state 0.09–0.35. A garbage loop of
filler words in the grammar was tried first and rejected: it made decoding
100–300× slower and won over real commands.

Wake phrase: pocketsphinx keyword spotting (``add_keyphrase``) missed "hey
car" spoken by espeak-ng at thresholds 1e-20 to 1e-40 and fired on a random
sentence at 1e-50, so the wake phrase is a grammar prefix instead:
``hey car [<command>]``; a session in wake mode reports ``woke`` as soon as
the hypothesis starts with it.

Cepstral mean normalisation: pocketsphinx's live CMN starts from a generic
estimate, and the first utterance of a fresh decoder is often misheard. The
recognizer carries the estimate from one session to the next (as a head unit
with one microphone would), and while it has none yet it decodes the first
utterance again a few times, each time with the estimate from the pass before.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ._errors import SpeechUnavailableError
from ._frontend import DecoderInput, NoiseFloorVad
from ._grammar import WAKE_PHRASE, GrammarBuild
from ._intents import Understanding
from ._wav import SAMPLE_RATE_HZ, check_chunk

__all__ = [
    "Final",
    "Partial",
    "RecognitionSession",
    "Recognizer",
    "asr_available",
    "dictionary_words",
]

_FRAME_BYTES = 320  # 10 ms at 16 kHz: one VAD frame, one decoder frame
# Re-decodes of a fresh recognizer's first utterance. Measured with a new
# engine per clip on 88 espeak-ng commands: 1 pass 61/88 correct, +1 68,
# +2 75, +3 78, +4 81, +6 83 (a warm recognizer: 81-82). Only the first
# utterance pays for it (about 6 × 20 ms).
_COLD_START_PASSES = 6
_FILLERS = frozenset({"<s>", "</s>", "<sil>"})
_INSTALL_HINT = (
    "Speech recognition needs the Python package pocketsphinx (with its bundled en-US "
    "model); install it with `pip install 'cardeck[sim]'` or `pip install pocketsphinx`."
)


def _pocketsphinx() -> Any:
    try:
        import pocketsphinx  # untyped: pyproject.toml lists it under ignore_missing_imports
    except ImportError as exc:
        raise SpeechUnavailableError(_INSTALL_HINT) from exc
    return pocketsphinx


def asr_available() -> bool:
    """Return whether pocketsphinx and its en-US model are installed."""
    try:
        ps = _pocketsphinx()
    except SpeechUnavailableError:
        return False
    return os.path.isdir(os.path.join(ps.get_model_path(), "en-us", "en-us"))


@functools.cache
def dictionary_words() -> frozenset[str]:
    """Return the words of the en-US pronunciation dictionary (lowercase).

    Read once from the model's ``cmudict-en-us.dict`` (about 40 ms).

    :raises SpeechUnavailableError: when pocketsphinx is not installed.
    """
    path = os.path.join(_pocketsphinx().get_model_path(), "en-us", "cmudict-en-us.dict")
    words: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            head = line.split(" ", 1)[0]
            # Alternative pronunciations are listed as "word(2)".
            words.add(head.split("(", 1)[0])
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class Partial:
    """An interim result while audio is being fed.

    :param transcript: the current best hypothesis (may still change).
    :param in_speech: whether the voice activity detector hears speech now.
    :param end_of_speech: speech was followed by enough silence; call ``finish``.
    :param woke: in wake mode, whether the wake phrase has been heard.
    """

    transcript: str
    in_speech: bool
    end_of_speech: bool = False
    woke: bool = False


@dataclass(frozen=True, slots=True)
class Final:
    """The result of one utterance.

    :param transcript: what the grammar decoder heard (without the wake phrase).
    :param understanding: the intent, or an explicit no-match.
    :param woke: in wake mode, whether the wake phrase was heard (always
        ``True`` without wake mode).
    :param end_of_speech: whether the stream ended by itself (endpointer)
        rather than by the caller.
    :param audio_seconds: audio fed to the session.
    """

    transcript: str
    understanding: Understanding
    woke: bool
    end_of_speech: bool
    audio_seconds: float


class _DecoderSlot:
    """A pooled decoder and the grammar searches it has loaded."""

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.digest: str | None = None
        self.loaded: set[str] = set()
        self.cmn: str | None = None

    def use(self, grammar: GrammarBuild, wake: bool) -> None:
        # Loading a grammar costs about 1 s per 3000 places, so each search
        # is loaded on first use: the wake grammar only if wake mode is used.
        kind = "wake" if wake else "command"
        name = f"{kind}-{grammar.digest[:16]}"
        if name not in self.loaded:
            self.decoder.add_jsgf_string(name, grammar.wake_jsgf if wake else grammar.jsgf)
            self.loaded.add(name)
        self.decoder.activate_search(name)
        if self.digest != grammar.digest:
            # Free the previous grammar, or searches pile up as intents change.
            for old in [n for n in self.loaded if not n.endswith(grammar.digest[:16])]:
                self.decoder.remove_search(old)
                self.loaded.discard(old)
            self.digest = grammar.digest


class Recognizer:
    """Grammar-constrained recognizer that hands out streaming sessions.

    Example::

        recognizer = Recognizer(grammar, registry.understand)
        session = recognizer.session()
        for chunk in chunks:
            partial = session.feed(chunk)
            if partial and partial.end_of_speech:
                break
        final = session.finish()

    :param grammar: the grammar to listen with (see :func:`build_grammar`).
    :param understand: turns a transcript into an :class:`Understanding`.
    :param min_confidence: speech coverage below which a match becomes no-match.
    :param endpoint_silence_seconds: silence after speech that ends the utterance.
    :param max_utterance_seconds: audio after this is ignored and the session ends.
    :raises SpeechUnavailableError: when pocketsphinx is not installed.
    """

    def __init__(
        self,
        grammar: GrammarBuild,
        understand: Callable[[str], Understanding],
        *,
        min_confidence: float = 0.5,
        endpoint_silence_seconds: float = 0.6,
        max_utterance_seconds: float = 20.0,
    ) -> None:
        self._ps = _pocketsphinx()
        self._lock = threading.Lock()
        self._pool: list[_DecoderSlot] = []
        self._grammar = grammar
        self._understand = understand
        self._cmn: str | None = None
        self.min_confidence = min_confidence
        self.endpoint_silence_seconds = endpoint_silence_seconds
        self.max_utterance_seconds = max_utterance_seconds

    @property
    def grammar(self) -> GrammarBuild:
        """Return the grammar new sessions listen with."""
        return self._grammar

    def set_grammar(
        self, grammar: GrammarBuild, understand: Callable[[str], Understanding] | None = None
    ) -> None:
        """Use ``grammar`` for sessions started from now on; running ones keep theirs."""
        with self._lock:
            self._grammar = grammar
            if understand is not None:
                self._understand = understand

    def session(self, *, wake_phrase: bool = False) -> RecognitionSession:
        """Start a streaming session; feed it 16 kHz 16-bit mono PCM.

        :param wake_phrase: listen for "hey car" before the command.
        """
        with self._lock:
            slot = self._pool.pop() if self._pool else None
            grammar, understand, cmn = self._grammar, self._understand, self._cmn
        if slot is None:
            slot = _DecoderSlot(self._ps.Decoder(lm=None, loglevel="FATAL", dither=True))
        slot.use(grammar, wake_phrase)
        if cmn is not None and slot.cmn != cmn:
            # Another decoder heard the latest utterance: take over its
            # estimate. Setting it resets the running statistics, so a
            # decoder that has the latest estimate already keeps its own.
            slot.decoder.set_cmn(cmn)
        return RecognitionSession(self, slot, understand, wake_phrase, cold=cmn is None)

    def recognize(self, pcm: bytes, *, wake_phrase: bool = False) -> Final:
        """Recognise a whole utterance of 16 kHz 16-bit mono PCM."""
        if len(pcm) % 2:
            check_chunk(pcm[:2] + pcm[-1:])  # raises the odd-length message
        with self.session(wake_phrase=wake_phrase) as session:
            step = 2 * SAMPLE_RATE_HZ // 10  # 100 ms, like a microphone stream
            for start in range(0, len(pcm), step):
                session.feed(pcm[start : start + step])
            return session.finish()

    def _release(self, slot: _DecoderSlot, cmn: str | None) -> None:
        with self._lock:
            if cmn is not None:
                self._cmn = slot.cmn = cmn
            self._pool.append(slot)


class RecognitionSession:
    """One utterance being recognised; create it with :meth:`Recognizer.session`.

    Use it as a context manager (or call :meth:`cancel`) so that an abandoned
    session returns its decoder to the pool.
    """

    def __init__(
        self,
        recognizer: Recognizer,
        slot: _DecoderSlot,
        understand: Callable[[str], Understanding],
        wake_phrase: bool,
        *,
        cold: bool,
    ) -> None:
        self._recognizer = recognizer
        self._slot: _DecoderSlot | None = slot
        self._decoder = slot.decoder
        self._understand = understand
        self._wake_phrase = wake_phrase
        self._cold = cold
        self._lock = threading.Lock()
        # See _frontend.py: the VAD follows the noise floor (a car is never
        # silent) and the decoder hears the audio denoised.
        self._vad = NoiseFloorVad()
        self._decoder_input = DecoderInput()
        self._pending = b""
        self._audio = bytearray()
        self._speech_flags = bytearray()
        self._speech_run = 0
        self._silence_run = 0
        self._started = False
        self._ended = False
        self._woke = not wake_phrase
        self._last_text = ""
        self._max_bytes = int(recognizer.max_utterance_seconds * SAMPLE_RATE_HZ) * 2
        self._endpoint_frames = max(1, round(recognizer.endpoint_silence_seconds * 100))
        self._decoder.start_utt()

    def __enter__(self) -> RecognitionSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()

    @property
    def ended(self) -> bool:
        """Return whether the endpointer detected the end of speech."""
        return self._ended

    def feed(self, pcm: bytes) -> Partial | None:
        """Decode one chunk of 16 kHz 16-bit mono little-endian PCM.

        :returns: a :class:`Partial` when the hypothesis, the wake state or the
            end-of-speech state changed, else ``None``. Audio fed after the end
            of speech is ignored.
        :raises ValueError: when the chunk is over 64 KiB or has an odd length
            (the message names the field ``pcm``).
        :raises RuntimeError: when the session is already finished.
        """
        data = check_chunk(pcm, "pcm")
        with self._lock:
            if self._slot is None:
                raise RuntimeError(
                    "The session is finished; start a new session to recognise more."
                )
            if self._ended:
                return None
            data = self._pending + data
            usable = len(data) - len(data) % _FRAME_BYTES
            room = self._max_bytes - len(self._audio)
            frames, self._pending = data[: min(usable, room)], data[usable:]
            if not frames:
                return None
            ended_before = self._ended
            in_speech = self._vad_frames(frames)
            frames = self._decoder_input.process(frames)
            self._decoder.process_raw(frames)
            self._audio += frames
            if len(self._audio) >= self._max_bytes:
                self._ended = True
            hyp = self._decoder.hyp()
            text = hyp.hypstr if hyp is not None else ""
            woke_now = False
            if not self._woke and _starts_with_wake(text) and _wake_heard(self._decoder):
                self._woke = woke_now = True
            if text == self._last_text and not woke_now and self._ended == ended_before:
                return None
            self._last_text = text
            return Partial(
                transcript=_strip_wake(text) if self._wake_phrase else text,
                in_speech=in_speech,
                end_of_speech=self._ended,
                woke=self._woke,
            )

    def _vad_frames(self, frames: bytes) -> bool:
        """Run the VAD and the endpointer over whole 10 ms frames."""
        speech = False
        for speech in self._vad.process(frames):
            self._speech_flags.append(speech)
            if speech:
                self._speech_run += 1
                self._silence_run = 0
                # 50 ms of continuous speech: a click is not an utterance.
                if self._speech_run >= 5:
                    self._started = True
            else:
                self._speech_run = 0
                self._silence_run += 1
                if (
                    self._started
                    and self._silence_run >= self._endpoint_frames
                    # In wake mode "hey car" alone must not end the stream:
                    # the command usually follows after a pause.
                    and (not self._wake_phrase or _has_command_after_wake(self._last_text))
                ):
                    self._ended = True
        return speech

    def finish(self) -> Final:
        """End the utterance and return the transcript and its understanding.

        :raises RuntimeError: when the session is already finished.
        """
        with self._lock:
            slot = self._slot
            if slot is None:
                raise RuntimeError("The session is already finished; start a new session.")
            self._slot = None
            decoder = self._decoder
            cmn: str | None = None
            try:
                decoder.end_utt()
                if self._cold and self._started:
                    # No CMN estimate yet: fold this utterance into the mean
                    # (update=True) and decode it again with that estimate,
                    # a few times, since each pass moves the mean only part
                    # of the way (see _COLD_START_PASSES).
                    for _ in range(_COLD_START_PASSES):
                        decoder.get_cmn(True)
                        decoder.start_utt()
                        decoder.process_raw(bytes(self._audio))
                        decoder.end_utt()
                hyp = decoder.hyp()
                text = hyp.hypstr if hyp is not None else ""
                coverage = self._coverage(decoder) if text else 0.0
                if self._wake_phrase:
                    # The final segmentation decides; a partial one may have
                    # woken too early.
                    self._woke = bool(text) and _wake_heard(decoder)
                if self._started:
                    cmn = decoder.get_cmn(True)
                elif slot.cmn is not None:
                    # Silence or noise only: do not let it drag the speech
                    # estimate that the next utterance starts from.
                    decoder.set_cmn(slot.cmn)
            finally:
                self._recognizer._release(slot, cmn)
        woke = self._woke
        transcript = _strip_wake(text) if self._wake_phrase else text
        if not woke or not transcript:
            understanding = Understanding.no_match(transcript, coverage if woke else 0.0)
        else:
            understanding = self._understand(transcript)
            if understanding.matched and coverage < self._recognizer.min_confidence:
                understanding = Understanding.no_match(transcript, coverage)
            else:
                understanding = replace(understanding, confidence=round(coverage, 3))
        return Final(
            transcript=transcript,
            understanding=understanding,
            woke=woke,
            end_of_speech=self._ended,
            audio_seconds=len(self._audio) / (2 * SAMPLE_RATE_HZ),
        )

    def cancel(self) -> None:
        """Abandon the utterance and return the decoder; a no-op once finished."""
        with self._lock:
            slot, self._slot = self._slot, None
            if slot is not None:
                self._decoder.end_utt()
                self._recognizer._release(slot, None)

    def _coverage(self, decoder: Any) -> float:
        """Return the share of speech frames that grammar words explain."""
        flags = self._speech_flags
        speech_total = sum(flags)
        if speech_total == 0:
            return 0.0
        covered = 0
        for seg in decoder.seg():
            word = seg.word.split("(", 1)[0]
            if word in _FILLERS or word.startswith("["):
                continue
            covered += sum(flags[seg.start_frame : seg.end_frame + 1])
        return min(1.0, covered / speech_total)


_WAKE_WORDS = WAKE_PHRASE.split()
# A grammar that starts with "hey car" squeezes those words into the first few
# frames of any command. Measured on espeak-ng speech: a spoken "hey" lasts
# 22-25 frames and "car" 30-42; squeezed ones 6-9 and 17-24 frames.
_MIN_WAKE_WORD_FRAMES = 12


def _wake_heard(decoder: Any) -> bool:
    """Return whether the segmentation starts with a real, unhurried wake phrase."""
    words = [
        seg
        for seg in (decoder.seg() or ())
        if seg.word.split("(", 1)[0] not in _FILLERS and not seg.word.startswith("[")
    ][: len(_WAKE_WORDS)]
    return [w.word.split("(", 1)[0] for w in words] == _WAKE_WORDS and all(
        w.end_frame - w.start_frame + 1 >= _MIN_WAKE_WORD_FRAMES for w in words
    )


def _starts_with_wake(text: str) -> bool:
    return text.split()[: len(_WAKE_WORDS)] == _WAKE_WORDS


def _has_command_after_wake(text: str) -> bool:
    return _starts_with_wake(text) and len(text.split()) > len(_WAKE_WORDS)


def _strip_wake(text: str) -> str:
    words = text.split()
    if words[: len(_WAKE_WORDS)] == _WAKE_WORDS:
        words = words[len(_WAKE_WORDS) :]
    return " ".join(words)
