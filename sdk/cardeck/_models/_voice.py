"""Models of the voice service (``client.voice``): its state, understanding, speech, intents."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..v1 import types_pb2
from ..v1 import voice_service_pb2 as voice_pb
from ._common import ProtoEnum


class VoiceActivity(ProtoEnum):
    """What the voice assistant is doing."""

    UNSPECIFIED = "unspecified"
    IDLE = "idle"
    LISTENING = "listening"
    PROCESSING = "processing"
    SPEAKING = "speaking"


@dataclass(frozen=True)
class VoiceState:
    """What the voice panel shows."""

    activity: VoiceActivity
    transcript: str
    intent_id: str
    spoken_text: str

    @classmethod
    def from_proto(cls, msg: types_pb2.VoiceState) -> VoiceState:
        activity = VoiceActivity.from_proto(msg.activity, types_pb2.VoiceActivity)
        return cls(activity, msg.transcript, msg.intent_id, msg.spoken_text)


@dataclass(frozen=True)
class Understanding:
    """What an utterance or typed text means.

    :param transcript: the normalised words.
    :param intent_id: the intent matched; "" when nothing matched.
    :param slots: slot values by name, e.g. ``{"place": "central railway station"}``.
    :param confidence: 0 to 1.
    :param builtin: whether the intent is built in (False: an OEM client's).
    :param action_result: what a built-in intent did, or an OEM client's answer, as a sentence.
    :param answer_wav: the head unit's spoken ``action_result`` as WAV; empty when silent.
    """

    transcript: str
    intent_id: str
    slots: dict[str, str]
    confidence: float
    builtin: bool
    action_result: str = ""
    answer_wav: bytes = field(default=b"", repr=False)

    @property
    def matched(self) -> bool:
        """Whether an intent matched."""
        return bool(self.intent_id)

    @classmethod
    def from_proto(cls, msg: types_pb2.Understanding) -> Understanding:
        return cls(
            msg.transcript,
            msg.intent_id,
            {s.name: s.value for s in msg.slots},
            msg.confidence,
            msg.builtin,
            msg.action_result,
            msg.answer_wav,
        )


@dataclass(frozen=True)
class Speech:
    """Synthesised speech: RIFF WAV bytes and their duration."""

    wav: bytes
    duration_s: float


@dataclass(frozen=True)
class Recognition:
    """The result of a Recognize stream: partial transcripts, then the final understanding."""

    transcript: str
    understanding: Understanding
    partials: tuple[str, ...]
    wake_phrase_detected: bool


@dataclass(frozen=True)
class IntentInvocation:
    """An utterance that matched one of this client's intents (``intent_id`` as registered)."""

    invocation_id: str
    intent_id: str
    slots: dict[str, str]
    transcript: str

    @classmethod
    def from_proto(cls, msg: voice_pb.IntentInvocation) -> IntentInvocation:
        slots = {s.name: s.value for s in msg.slots}
        return cls(msg.invocation_id, msg.intent_id, slots, msg.transcript)
