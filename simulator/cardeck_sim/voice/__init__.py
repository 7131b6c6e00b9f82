"""The voice engine of the reference head unit.

pocketsphinx with a JSGF grammar built from the built-in commands, the
registered intents and the place names; espeak-ng for speech; intent
understanding for both spoken and typed text. No gRPC here: the service's
VoiceService wraps :class:`VoiceEngine`.
"""

from ._engine import VoiceCapabilities, VoiceEngine
from ._errors import IntentConflictError, SpeechUnavailableError, VoiceError
from ._grammar import WAKE_PHRASE, GrammarBuild, build_grammar
from ._intents import (
    BUILTIN_INTENTS,
    BUILTIN_OWNER,
    SLOT_TYPES,
    Intent,
    IntentRegistry,
    PlaceIndex,
    Slot,
    Understanding,
    normalize_text,
    number_to_words,
    parse_number,
    parse_phrase,
)
from ._recognizer import (
    Final,
    Partial,
    RecognitionSession,
    Recognizer,
    asr_available,
    dictionary_words,
)
from ._tts import asynthesize, find_espeak, synthesize, to_pcm16k, voice_problem
from ._wav import (
    MAX_CHUNK_BYTES,
    SAMPLE_RATE_HZ,
    WavAudio,
    check_chunk,
    check_sample_rate,
    parse_wav,
    pcm_to_wav,
    resample_pcm16,
    wav_to_pcm16k,
)

__all__ = [
    "BUILTIN_INTENTS",
    "BUILTIN_OWNER",
    "MAX_CHUNK_BYTES",
    "SAMPLE_RATE_HZ",
    "SLOT_TYPES",
    "WAKE_PHRASE",
    "Final",
    "GrammarBuild",
    "Intent",
    "IntentConflictError",
    "IntentRegistry",
    "Partial",
    "PlaceIndex",
    "RecognitionSession",
    "Recognizer",
    "Slot",
    "SpeechUnavailableError",
    "Understanding",
    "VoiceCapabilities",
    "VoiceEngine",
    "VoiceError",
    "WavAudio",
    "asr_available",
    "asynthesize",
    "build_grammar",
    "check_chunk",
    "check_sample_rate",
    "dictionary_words",
    "find_espeak",
    "normalize_text",
    "number_to_words",
    "parse_number",
    "parse_phrase",
    "parse_wav",
    "pcm_to_wav",
    "resample_pcm16",
    "synthesize",
    "to_pcm16k",
    "voice_problem",
    "wav_to_pcm16k",
]
