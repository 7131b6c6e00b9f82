"""Models of the voice service (``client.voice``): its state, understanding, speech, intents."""

from __future__ import annotations

from collections.abc import Iterable
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
    #: Waiting for a yes or no to :attr:`VoiceState.pending_confirmation`.
    CONFIRMING = "confirming"


@dataclass(frozen=True)
class PendingConfirmation:
    """A question the head unit asked before acting, e.g. "Open the sunroof?".

    Yes runs ``intent_id`` with ``slots``; no, a new command or the timeout
    drops it. Answer with :meth:`VoiceAPI.answer_confirmation`, a spoken
    "yes"/"no", or the voice panel's buttons.

    :param confirmation_id: what to answer with.
    :param prompt: the question, as spoken.
    :param intent_id: the intent a yes runs.
    :param slots: its slot values.
    :param timeout_seconds: how long the head unit waits, counted from the question.
    """

    confirmation_id: str
    prompt: str
    intent_id: str
    slots: dict[str, str]
    timeout_seconds: float

    @classmethod
    def from_proto(cls, msg: types_pb2.PendingConfirmation) -> PendingConfirmation:
        slots = {s.name: s.value for s in msg.slots}
        return cls(msg.confirmation_id, msg.prompt, msg.intent_id, slots, msg.timeout_seconds)


@dataclass(frozen=True)
class VoiceState:
    """What the voice panel shows.

    :param pending_confirmation: the question waiting for a yes or no, or None.
    :param speech_interrupted: the driver's speech stopped ``spoken_text`` (barge-in).
    """

    activity: VoiceActivity
    transcript: str
    intent_id: str
    spoken_text: str
    pending_confirmation: PendingConfirmation | None = None
    speech_interrupted: bool = False

    @classmethod
    def from_proto(cls, msg: types_pb2.VoiceState) -> VoiceState:
        activity = VoiceActivity.from_proto(msg.activity, types_pb2.VoiceActivity)
        pending = (
            PendingConfirmation.from_proto(msg.pending_confirmation)
            if msg.HasField("pending_confirmation")
            else None
        )
        return cls(
            activity,
            msg.transcript,
            msg.intent_id,
            msg.spoken_text,
            pending,
            msg.speech_interrupted,
        )


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
    :param pending_confirmation: set when the head unit asked instead of acting (an
        actuating intent, or an uncertain place when opted in); ``action_result`` is
        then the question and nothing happens until a yes.
    """

    transcript: str
    intent_id: str
    slots: dict[str, str]
    confidence: float
    builtin: bool
    action_result: str = ""
    answer_wav: bytes = field(default=b"", repr=False)
    pending_confirmation: PendingConfirmation | None = None

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
            PendingConfirmation.from_proto(msg.pending_confirmation)
            if msg.HasField("pending_confirmation")
            else None,
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
class IntentSpec:
    """An intent to register with more than its phrases.

    Example::

        IntentSpec(["open the sunroof"], actuating=True)  # asks "Open the sunroof?" first

    :param phrases: phrases that trigger it; slots in braces, e.g. ``{number}``.
    :param actuating: the intent moves hardware: the head unit asks first and sends
        the invocation only after a yes (a no or the timeout sends nothing).
    :param prompt: the question to ask; empty builds it from the first phrase.
    """

    phrases: tuple[str, ...]
    actuating: bool = False
    prompt: str = ""

    def __init__(
        self, phrases: Iterable[str], *, actuating: bool = False, prompt: str = ""
    ) -> None:
        if isinstance(phrases, str):
            raise TypeError("phrases must be a list of phrases, not one string.")
        object.__setattr__(self, "phrases", tuple(phrases))
        object.__setattr__(self, "actuating", actuating)
        object.__setattr__(self, "prompt", prompt)

    def to_proto(self, intent_id: str) -> voice_pb.IntentDefinition:
        return voice_pb.IntentDefinition(
            intent_id=intent_id,
            phrases=list(self.phrases),
            actuating=self.actuating,
            confirmation_prompt=self.prompt,
        )


@dataclass(frozen=True)
class IntentInvocation:
    """An utterance that matched one of this client's intents (``intent_id`` as registered).

    ``qualified_intent_id`` is the head unit's form of the same intent,
    ``"<client_name>#<n>/<intent_id>"`` (e.g. ``"client#1/glovebox_open"``), as
    :class:`Understanding` and the voice state show it; empty from head units
    that predate it.
    """

    invocation_id: str
    intent_id: str
    slots: dict[str, str]
    transcript: str
    qualified_intent_id: str = ""

    @classmethod
    def from_proto(cls, msg: voice_pb.IntentInvocation) -> IntentInvocation:
        slots = {s.name: s.value for s in msg.slots}
        return cls(msg.invocation_id, msg.intent_id, slots, msg.transcript, msg.qualified_intent_id)
