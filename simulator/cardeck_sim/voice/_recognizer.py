"""Streaming speech recognition with pocketsphinx and a JSGF grammar.

Decoding is CPU work in C. Every method here is synchronous and cheap per
chunk (a 100 ms chunk decodes in about 2 ms), so an asyncio caller runs
``session.feed`` and ``session.finish`` with ``asyncio.to_thread``.

Thread-safety: a pocketsphinx ``Decoder`` is not thread-safe, so each
session borrows its own decoder from the recognizer's pool for its lifetime
and returns it on ``finish``/``cancel``. Sessions run in parallel; a session
itself serialises its calls with a lock.

No-match: a grammar decoder tries to explain any audio with grammar words.
Out-of-grammar speech often ends without reaching the grammar's final state
(no hypothesis, or a fragment such as "open the" that no phrase matches), but
as often it does, with the grammar words stretched over speech they do not
fit. A free phone loop decodes the same frames on a second decoder, and
``_reject.py`` weighs the grammar path against it (with the share of the
speech that grammar words cover) into a calibrated score; below
``min_confidence`` the result is a no-match. The score is the confidence the
Understanding carries. (A garbage loop of filler words in the grammar was
tried first and rejected: it made decoding 100-300x slower and won over real
commands.)

Wake phrase: in wake mode the grammar is ``hey car [<command>]`` and the
spotter of ``_wake.py`` decides whether "hey car" was really spoken, from how
well those two words explain their frames against the phone loop; a session
reports ``woke`` as soon as it does. ``wake_spotter=False`` falls back to the
grammar prefix alone (the words must only last long enough), which tests
can use to exercise wake mode without the spotter's threshold.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from cardeck.i18n import locale_info

from ._errors import SpeechUnavailableError
from ._frontend import DecoderInput, NoiseFloorVad
from ._grammar import GrammarBuild
from ._intents import Understanding
from ._reject import (
    MIN_SCORE,
    NOTHING_HEARD,
    Evidence,
    PhoneLoop,
    Segment,
    evidence,
    grammar_segments,
)
from ._wake import (
    MIN_WAKE_RATIO,
    WAKE_WORDS,
    command_part,
    leading_wake_words,
    unhurried,
    wake_ratio,
)
from ._wav import SAMPLE_RATE_HZ, check_chunk

__all__ = [
    "MODEL_ENV",
    "AcousticModel",
    "Final",
    "Partial",
    "RecognitionSession",
    "Recognizer",
    "acoustic_model",
    "asr_available",
    "dictionary_words",
    "model_problem",
]

_FRAME_BYTES = 320  # 10 ms at 16 kHz: one VAD frame, one decoder frame
# Re-decodes of a fresh recognizer's first utterance. Measured with a new
# engine per clip on 88 espeak-ng commands: 1 pass 61/88 correct, +1 68,
# +2 75, +3 78, +4 81, +6 83 (a warm recognizer: 81-82). Only the first
# utterance pays for it (about 6 × 20 ms).
_COLD_START_PASSES = 6
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


#: The environment variable naming a locale's acoustic model folder, e.g.
#: ``CARDECK_ASR_MODEL_KO=/opt/models/ko`` (``{}`` is the locale's base, upper case).
MODEL_ENV = "CARDECK_ASR_MODEL_{}"
_DICT_NAMES = ("cmudict-en-us.dict", "dictionary.dict")


@dataclass(frozen=True, slots=True)
class AcousticModel:
    """A pocketsphinx acoustic model and its pronunciation dictionary, for one language.

    :param language: the locale base it recognises ("en", "ko").
    :param hmm: the acoustic model folder (holds ``mdef``, ``means`` …).
    :param dictionary: the pronunciation dictionary file.
    """

    language: str
    hmm: str
    dictionary: str


def _model_at(language: str, folder: str) -> AcousticModel | str:
    """The model in ``folder`` (pocketsphinx's layout), or why there is none."""
    hmm = folder if os.path.isfile(os.path.join(folder, "mdef")) else os.path.join(folder, language)
    if not os.path.isfile(os.path.join(hmm, "mdef")):
        return (
            f"The acoustic model folder {folder!r} for {language!r} has no 'mdef' file "
            f"(nor has {hmm!r}); give the folder of a pocketsphinx model."
        )
    for parent in (folder, hmm):
        dicts = sorted(f for f in os.listdir(parent) if f.endswith(".dict"))
        if dicts:
            return AcousticModel(language, hmm, os.path.join(parent, dicts[0]))
    return f"The acoustic model folder {folder!r} for {language!r} has no '.dict' dictionary."


def acoustic_model(locale: str, paths: Mapping[str, str] | None = None) -> AcousticModel | str:
    """The acoustic model for a locale, or a sentence saying why there is none.

    Looked up by the locale's base ("ko" for "ko", "en" for "en-XA"): in
    ``paths`` (base → folder, e.g. ``ServiceConfig.asr_models``), then in the
    environment variable ``CARDECK_ASR_MODEL_<BASE>``; English falls back to
    the en-US model pocketsphinx ships. No package ships another language's
    model, so any other locale needs one configured.
    """
    base = locale_info(locale).base
    folder = (paths or {}).get(base) or os.environ.get(MODEL_ENV.format(base.upper()), "")
    if folder:
        return _model_at(base, folder)
    if base == "en":
        try:
            root = _pocketsphinx().get_model_path()
        except SpeechUnavailableError as exc:
            return str(exc)
        return AcousticModel(
            "en",
            os.path.join(root, "en-us", "en-us"),
            os.path.join(root, "en-us", "cmudict-en-us.dict"),
        )
    return (
        f"Speech recognition has no acoustic model for the locale {locale!r}: pocketsphinx "
        "ships only US English, and no package here ships a model for this language. "
        f"Set {MODEL_ENV.format(base.upper())} to the folder of a pocketsphinx model for it "
        "(see docs/guides/voice.md, Locales), or type the command: Understand handles "
        "Korean text."
    )


def model_problem(locale: str, paths: Mapping[str, str] | None = None) -> str:
    """Why the recognizer cannot listen in ``locale`` ("" when it can).

    The grammar is built from English phrases and the en-US dictionary, so a
    model configured for another language is refused too, with its own
    sentence, rather than recognising English words with it.
    """
    model = acoustic_model(locale, paths)
    if isinstance(model, str):
        return model
    if model.language != "en":
        return (
            f"An acoustic model for {model.language!r} is configured ({model.hmm}), but the "
            "recognizer builds its grammar from English phrases only; spoken commands in "
            f"{model.language!r} are not supported yet. Type them: Understand handles them."
        )
    return ""


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
    :param evidence: the measures behind the confidence (see ``_reject.py``);
        what ``bench/tune_voice.py`` fits the rejection model on.
    :param wake_ratio: in wake mode, the wake words' fit against the phone
        loop (see ``_wake.py``), ``None`` when the decoder did not put them first.
    """

    transcript: str
    understanding: Understanding
    woke: bool
    end_of_speech: bool
    audio_seconds: float
    evidence: Evidence = NOTHING_HEARD
    wake_ratio: float | None = None


class _DecoderSlot:
    """A pooled decoder and the grammar searches it has loaded."""

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.digest: str | None = None
        self.loaded: set[str] = set()
        self.cmn: str | None = None
        self.phones: PhoneLoop | None = None

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
    :param min_confidence: rejection score (see ``_reject.py``) below which a
        match becomes no-match.
    :param endpoint_silence_seconds: silence after speech that ends the utterance.
    :param max_utterance_seconds: audio after this is ignored and the session ends.
    :param wake_spotter: in wake mode, let the spotter of ``_wake.py`` decide
        whether "hey car" was spoken; ``False`` trusts the grammar prefix alone.
    :param min_wake_ratio: the spotter's threshold (see ``_wake.py``).
    :param model: the acoustic model and dictionary (see :func:`acoustic_model`);
        None uses the en-US model pocketsphinx ships.
    :raises SpeechUnavailableError: when pocketsphinx is not installed.
    """

    def __init__(
        self,
        grammar: GrammarBuild,
        understand: Callable[[str], Understanding],
        *,
        min_confidence: float = MIN_SCORE,
        endpoint_silence_seconds: float = 0.6,
        max_utterance_seconds: float = 20.0,
        wake_spotter: bool = True,
        min_wake_ratio: float = MIN_WAKE_RATIO,
        model: AcousticModel | None = None,
    ) -> None:
        self._ps = _pocketsphinx()
        self.model = model
        self._lock = threading.Lock()
        self._pool: list[_DecoderSlot] = []
        self._grammar = grammar
        self._understand = understand
        self._cmn: str | None = None
        self.min_confidence = min_confidence
        self.endpoint_silence_seconds = endpoint_silence_seconds
        self.max_utterance_seconds = max_utterance_seconds
        self.wake_spotter = wake_spotter
        self.min_wake_ratio = min_wake_ratio

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
            slot = _DecoderSlot(self._new_decoder())
        slot.use(grammar, wake_phrase)
        if slot.phones is None:
            slot.phones = PhoneLoop(self._new_decoder())
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

    def _new_decoder(self) -> Any:
        # No dither: the front end already adds a seeded microphone hiss
        # (DecoderInput), and pocketsphinx's dither draws from an unseeded
        # generator, so the same clip decoded differently run to run (and
        # thread to thread).
        if self.model is not None:
            return self._ps.Decoder(
                hmm=self.model.hmm,
                dict=self.model.dictionary,
                lm=None,
                loglevel="FATAL",
                dither=False,
            )
        return self._ps.Decoder(lm=None, loglevel="FATAL", dither=False)


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
        assert slot.phones is not None  # Recognizer.session gives every slot its phone loop
        self._phones = slot.phones
        self._phones.start(self._decoder.get_cmn(False))

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
            self._phones.feed(frames)
            self._audio += frames
            if len(self._audio) >= self._max_bytes:
                self._ended = True
            hyp = self._decoder.hyp()
            text = hyp.hypstr if hyp is not None else ""
            woke_now = False
            if not self._woke and _starts_with_wake(text):
                words = grammar_segments(self._decoder)
                woke_now = self._wake_heard(words, wake_ratio(words, self._phones.partial()))
            if woke_now:
                self._woke = True
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
                self._phones.stop()
                if self._cold and self._started:
                    # No CMN estimate yet: fold this utterance into the mean
                    # (update=True) and decode it again with that estimate,
                    # a few times, since each pass moves the mean only part
                    # of the way (see _COLD_START_PASSES).
                    for _ in range(_COLD_START_PASSES):
                        start_cmn = decoder.get_cmn(True)
                        decoder.start_utt()
                        decoder.process_raw(bytes(self._audio))
                        decoder.end_utt()
                    # The phone loop must see the frames normalised alike.
                    self._phones.redo(start_cmn, bytes(self._audio))
                hyp = decoder.hyp()
                text = hyp.hypstr if hyp is not None else ""
                words = grammar_segments(decoder) if text else []
                phones = self._phones.segments() if text else []
                scored, flags = (
                    command_part(words, self._speech_flags)
                    if self._wake_phrase
                    else (words, list(self._speech_flags))
                )
                weighed = evidence(scored, phones, flags)
                confidence = weighed.score
                ratio = wake_ratio(words, phones) if self._wake_phrase else None
                if self._wake_phrase:
                    # The final segmentation decides; a partial one may have
                    # woken too early.
                    self._woke = bool(text) and self._wake_heard(words, ratio)
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
        confidence = round(confidence, 3)
        if not woke or not transcript:
            understanding = Understanding.no_match(transcript, confidence if woke else 0.0)
        else:
            understanding = self._understand(transcript)
            if understanding.matched and confidence < self._recognizer.min_confidence:
                # Out-of-grammar speech the grammar squeezed into a command:
                # a no-match ("Sorry, I didn't catch that"), never an action.
                understanding = Understanding.no_match(transcript, confidence)
            else:
                understanding = replace(understanding, confidence=confidence)
        return Final(
            transcript=transcript,
            understanding=understanding,
            woke=woke,
            end_of_speech=self._ended,
            audio_seconds=len(self._audio) / (2 * SAMPLE_RATE_HZ),
            evidence=weighed,
            wake_ratio=ratio,
        )

    def _wake_heard(self, words: list[Segment], ratio: float | None) -> bool:
        """Return whether the segmentation starts with a spoken wake phrase.

        :param ratio: the wake words' :func:`wake_ratio` for this segmentation.
        """
        if self._recognizer.wake_spotter:
            return ratio is not None and ratio >= self._recognizer.min_wake_ratio
        # Fallback: the grammar prefix, its words unhurried (see _wake.py).
        head = leading_wake_words(words)
        return head is not None and unhurried(head)

    def cancel(self) -> None:
        """Abandon the utterance and return the decoder; a no-op once finished."""
        with self._lock:
            slot, self._slot = self._slot, None
            if slot is not None:
                self._decoder.end_utt()
                self._phones.stop()
                self._recognizer._release(slot, None)


def _starts_with_wake(text: str) -> bool:
    return tuple(text.split()[: len(WAKE_WORDS)]) == WAKE_WORDS


def _has_command_after_wake(text: str) -> bool:
    return _starts_with_wake(text) and len(text.split()) > len(WAKE_WORDS)


def _strip_wake(text: str) -> str:
    words = text.split()
    if tuple(words[: len(WAKE_WORDS)]) == WAKE_WORDS:
        words = words[len(WAKE_WORDS) :]
    return " ".join(words)
