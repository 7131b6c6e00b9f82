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
    MAX_PROMPT_CHARS,
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
from ._prompts import (
    ANSWER_INTENTS,
    CANCELLED,
    NO_MATCH,
    NO_PHRASES,
    OKAY,
    YES_PHRASES,
    answer_of,
    confirmation_prompt,
    did_you_mean,
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
    "ANSWER_INTENTS",
    "BUILTIN_INTENTS",
    "BUILTIN_OWNER",
    "CANCELLED",
    "MAX_CHUNK_BYTES",
    "MAX_PROMPT_CHARS",
    "NO_MATCH",
    "NO_PHRASES",
    "OKAY",
    "SAMPLE_RATE_HZ",
    "SLOT_TYPES",
    "WAKE_PHRASE",
    "YES_PHRASES",
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
    "answer_of",
    "asr_available",
    "asynthesize",
    "build_grammar",
    "check_chunk",
    "check_sample_rate",
    "confirmation_prompt",
    "dictionary_words",
    "did_you_mean",
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
