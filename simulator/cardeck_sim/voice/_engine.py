"""The voice engine of the reference head unit: one object for the service."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ._grammar import GrammarBuild, build_grammar
from ._intents import Intent, IntentRegistry, PlaceIndex, Understanding
from ._recognizer import (
    AcousticModel,
    Final,
    RecognitionSession,
    Recognizer,
    acoustic_model,
    asr_available,
    dictionary_words,
    model_problem,
)
from ._tts import asynthesize, find_espeak, synthesize
from ._wav import check_sample_rate, wav_to_pcm16k

__all__ = ["VoiceCapabilities", "VoiceEngine"]


@dataclass(frozen=True, slots=True)
class VoiceCapabilities:
    """What this machine can do.

    :param asr_available: pocketsphinx and its en-US model are installed.
    :param tts_available: the espeak-ng program is installed.
    """

    asr_available: bool
    tts_available: bool


class VoiceEngine:
    """Intents, grammar, recognition and speech behind one facade.

    Thread-safe. Recognition and synthesis block (CPU work or a subprocess);
    async callers use ``asyncio.to_thread`` for the recognizer and
    :meth:`aspeak` for speech.

    Example::

        engine = VoiceEngine(place_names=["City Hall", "Central Station"])
        engine.register("oem", [Intent("sunroof.open", ("open the sunroof",))])
        final = engine.recognize_wav(engine.speak("open the sunroof"))
        final.understanding.owner  # 'oem'

    :param place_names: names for ``{place}`` slots, e.g. from the loaded map.
    :param voice: the default espeak-ng voice for :meth:`speak`.
    :param asr_models: acoustic model folders by locale base ("en", "ko"); see
        :func:`~cardeck_sim.voice.acoustic_model` (the environment is read too).
    """

    def __init__(
        self,
        place_names: Iterable[str] = (),
        *,
        voice: str = "en-us",
        asr_models: Mapping[str, str] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self.asr_models = dict(asr_models or {})
        self.registry = IntentRegistry()
        self.voice = voice
        self._places = PlaceIndex(place_names)
        # Typed text also knows names the grammar cannot hear (Korean names).
        self._text_places = self._places
        self._recognizer: Recognizer | None = None
        self._grammar: GrammarBuild | None = None
        self._grammar_key: tuple[int, int] | None = None
        self._places_version = 0

    @property
    def capabilities(self) -> VoiceCapabilities:
        """Return which speech back ends are installed."""
        try:
            find_espeak()
            tts = True
        except RuntimeError:
            tts = False
        return VoiceCapabilities(asr_available=asr_available(), tts_available=tts)

    def locale_problem(self, locale: str) -> str:
        """Why speech cannot be recognised in ``locale`` ("" when it can): no model for it.

        The recognizer never falls back to English for another locale.
        """
        return model_problem(locale, self.asr_models)

    @property
    def place_names(self) -> tuple[str, ...]:
        """Return the place names (before dictionary filtering)."""
        return self._places.names

    def set_place_names(
        self, names: Iterable[str], *, text_names: Iterable[str] = ()
    ) -> GrammarBuild:
        """Replace the place names and rebuild the grammar.

        :param text_names: more names for typed text only, e.g. the map's Korean
            names (``name:ko``), which the English grammar cannot hear.
        :returns: the new grammar; its ``dropped_places`` lists names whose
            words the recognizer cannot hear (they still work in typed text).
        :raises SpeechUnavailableError: when pocketsphinx is not installed.
        """
        names = list(names)
        with self._lock:
            self._places = PlaceIndex(names)
            extra = list(text_names)
            self._text_places = PlaceIndex(names + extra) if extra else self._places
            self._places_version += 1
        return self.grammar

    def register(self, owner: str, intents: Iterable[Intent]) -> tuple[Intent, ...]:
        """Register intents for ``owner``; see :meth:`IntentRegistry.register`.

        :raises IntentConflictError: when another owner holds a phrase.
        """
        return self.registry.register(owner, intents)

    def unregister_owner(self, owner: str) -> int:
        """Remove every intent of ``owner`` (when its stream ends); return the count."""
        return self.registry.unregister_owner(owner)

    @property
    def grammar(self) -> GrammarBuild:
        """Return the grammar for the current intents and places, rebuilt when they change.

        :raises SpeechUnavailableError: when pocketsphinx is not installed.
        """
        with self._lock:
            key = (self.registry.version, self._places_version)
            if self._grammar is None or self._grammar_key != key:
                self._grammar = build_grammar(
                    self.registry.grammar_phrases(), self._places.names, dictionary_words()
                )
                self._grammar_key = key
                if self._recognizer is not None:
                    self._recognizer.set_grammar(self._grammar, self._understand_spoken)
            return self._grammar

    def understand(self, text: str) -> Understanding:
        """Understand typed text; unknown places are accepted with confidence 0.7."""
        return self.registry.understand(text, self._text_places)

    def _understand_spoken(self, text: str) -> Understanding:
        # The grammar only produces known places, so no open-place guessing.
        return self.registry.understand(text, self._places, open_places=False)

    @property
    def recognizer(self) -> Recognizer:
        """Return the recognizer, created on first use with the current grammar.

        :raises SpeechUnavailableError: when pocketsphinx is not installed.
        """
        grammar = self.grammar
        with self._lock:
            if self._recognizer is None:
                model = acoustic_model("en", self.asr_models)
                self._recognizer = Recognizer(
                    grammar,
                    self._understand_spoken,
                    model=model if isinstance(model, AcousticModel) else None,
                )
            return self._recognizer

    def session(self, *, wake_phrase: bool = False) -> RecognitionSession:
        """Start a streaming recognition session with the current grammar."""
        # The recognizer property refreshes the grammar if intents changed.
        return self.recognizer.session(wake_phrase=wake_phrase)

    def recognize_pcm(
        self, pcm: bytes, sample_rate_hz: int = 16000, *, wake_phrase: bool = False
    ) -> Final:
        """Recognise one utterance of raw 16-bit mono PCM.

        :raises ValueError: when ``sample_rate_hz`` is not 16000 or the PCM has
            an odd length.
        """
        check_sample_rate(sample_rate_hz)
        return self.recognizer.recognize(pcm, wake_phrase=wake_phrase)

    def recognize_wav(self, wav_bytes: bytes, *, wake_phrase: bool = False) -> Final:
        """Recognise one utterance from a 16-bit PCM WAV file at any rate.

        :raises ValueError: when the WAV is malformed or not 16-bit PCM.
        """
        return self.recognize_pcm(wav_to_pcm16k(wav_bytes), wake_phrase=wake_phrase)

    def speak(self, text: str, *, voice: str | None = None, speed_wpm: int = 160) -> bytes:
        """Synthesize ``text`` and return WAV bytes (16-bit mono, 22.05 kHz).

        :raises SpeechUnavailableError: when espeak-ng is not installed.
        """
        return synthesize(text, voice or self.voice, speed_wpm)

    async def aspeak(self, text: str, *, voice: str | None = None, speed_wpm: int = 160) -> bytes:
        """Async twin of :meth:`speak`."""
        return await asynthesize(text, voice or self.voice, speed_wpm)
