"""``client.voice``: recognition, understanding, OEM intents and speech (VoiceService)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import queue
import threading
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from typing import Any

import grpc
import grpc.aio

from ._exceptions import UsageError, error_from_rpc, map_rpc_error
from ._models import IntentInvocation, IntentSpec, Recognition, Speech, Understanding, VoiceState
from ._rpcs import VoiceService
from ._seam import AsyncCaller, StreamCall, SyncCaller
from ._streams import AsyncStateStream, StateStream
from .v1 import voice_service_pb2 as pb

log = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 16_000
# The head unit takes at most 64 KiB per audio message; 100 ms of audio is 3,200 bytes.
CHUNK_BYTES = 3_200

IntentHandler = Callable[[IntentInvocation], "str | Awaitable[str | None] | None"]
#: What ``register_intents`` takes per intent id: its phrases, or an :class:`IntentSpec`.
IntentTypes = Mapping[str, "Iterable[str] | IntentSpec"]
_SyncIntentCall = StreamCall[pb.RegisterIntentsResponse]
_AsyncIntentCall = grpc.aio.StreamStreamCall[pb.RegisterIntentsRequest, pb.RegisterIntentsResponse]


def _recognize_requests(
    chunks: Iterable[bytes],
    wake_phrase: bool,
    execute_intents: bool,
    confirm_below: float,
    sample_rate_hz: int,
) -> Iterator[pb.RecognizeRequest]:
    yield pb.RecognizeRequest(
        config=pb.RecognitionConfig(
            sample_rate_hz=sample_rate_hz,
            require_wake_phrase=wake_phrase,
            execute_intents=execute_intents,
            confirm_below_confidence=confirm_below,
        )
    )
    for chunk in chunks:
        # Split big buffers so no message exceeds the head unit's chunk limit.
        for start in range(0, len(chunk), CHUNK_BYTES):
            yield pb.RecognizeRequest(audio=chunk[start : start + CHUNK_BYTES])


def _recognition(responses: list[pb.RecognizeResponse]) -> Recognition:
    final = next((r for r in responses if r.final), None)
    if final is None:
        raise UsageError("The head unit ended recognition without a final result.")
    partials = tuple(r.transcript for r in responses if not r.final)
    return Recognition(
        final.transcript,
        Understanding.from_proto(final.understanding),
        partials,
        final.wake_phrase_detected,
    )


def _registration(client_name: str, intents: IntentTypes) -> pb.RegisterIntentsRequest:
    if not intents:
        raise UsageError("Register at least one intent: {intent_id: [phrases]}.")
    return pb.RegisterIntentsRequest(
        registration=pb.RegisterIntentsRegistration(
            client_name=client_name,
            intents=[
                (spec if isinstance(spec, IntentSpec) else IntentSpec(spec)).to_proto(i)
                for i, spec in intents.items()
            ],
        )
    )


def _understand_request(
    text: str, execute_intents: bool, confirm_below: float
) -> pb.UnderstandRequest:
    return pb.UnderstandRequest(
        text=text, execute_intents=execute_intents, confirm_below_confidence=confirm_below
    )


def _answer(invocation_id: str, speech: str | None, success: bool) -> pb.RegisterIntentsRequest:
    return pb.RegisterIntentsRequest(
        answer=pb.IntentAnswer(invocation_id=invocation_id, speech=speech or "", success=success)
    )


def _voice_state(resp: pb.WatchVoiceStateResponse) -> VoiceState:
    return VoiceState.from_proto(resp.state)


def _local_id(registered: str) -> str:
    # The head unit names intents "<owner>/<intent_id>"; the handler sees the client's own id.
    return registered.split("/", 1)[1] if "/" in registered else registered


class IntentSession:
    """OEM intents registered by :meth:`VoiceAPI.register_intents`; they leave on ``close()``.

    A background thread receives invocations, calls the handler and sends its
    answer (a sentence the head unit speaks, or None).
    """

    _END = object()

    def __init__(
        self,
        open_call: Callable[[Iterator[pb.RegisterIntentsRequest]], _SyncIntentCall],
        client_name: str,
        intents: IntentTypes,
        handler: IntentHandler,
    ) -> None:
        self._handler = handler
        self._requests: queue.Queue[Any] = queue.Queue()
        self._requests.put(_registration(client_name, intents))
        self._call = open_call(iter(self._requests.get, self._END))
        with map_rpc_error():
            accepted = next(self._call).accepted
        self.intent_ids = tuple(_local_id(i) for i in accepted.intent_ids)
        self._thread = threading.Thread(target=self._serve, name="cardeck-intents", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            for resp in self._call:
                invocation = IntentInvocation.from_proto(resp.invocation)
                try:
                    speech = self._handler(invocation)
                    ok = True
                except Exception:
                    log.exception("The intent handler failed for %s.", invocation.intent_id)
                    speech, ok = None, False
                self._requests.put(_answer(invocation.invocation_id, speech, ok))  # type: ignore[arg-type]  # IntentHandler also allows the async twin's awaitables
        except grpc.RpcError as exc:
            if exc.code() is not grpc.StatusCode.CANCELLED:
                log.warning("The intent stream ended: %s", error_from_rpc(exc))

    def close(self) -> None:
        """Unregister: end the stream and wait for the thread."""
        self._requests.put(self._END)
        self._call.cancel()
        self._thread.join(timeout=10)

    def __enter__(self) -> IntentSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncIntentSession:
    """The asyncio twin of :class:`IntentSession`; the handler may be a coroutine function."""

    def __init__(self, open_call: Callable[[], _AsyncIntentCall], handler: IntentHandler) -> None:
        self._open_call = open_call
        self._handler = handler
        self._call: Any = None
        self._task: asyncio.Task[None] | None = None
        self.intent_ids: tuple[str, ...] = ()

    async def start(self, client_name: str, intents: IntentTypes) -> None:
        # The write() style, not a request iterator: no hidden reader task is
        # left waiting on a queue when the session ends.
        self._call = self._open_call()
        with map_rpc_error():
            await self._call.write(_registration(client_name, intents))
            accepted = (await self._call.read()).accepted
        self.intent_ids = tuple(_local_id(i) for i in accepted.intent_ids)
        self._task = asyncio.get_running_loop().create_task(self._serve())

    async def _serve(self) -> None:
        try:
            while (resp := await self._call.read()) is not grpc.aio.EOF:  # type: ignore[attr-defined]  # grpc-stubs do not declare grpc.aio.EOF
                invocation = IntentInvocation.from_proto(resp.invocation)
                try:
                    speech = self._handler(invocation)
                    if inspect.isawaitable(speech):
                        speech = await speech
                    ok = True
                except Exception:
                    log.exception("The intent handler failed for %s.", invocation.intent_id)
                    speech, ok = None, False
                await self._call.write(_answer(invocation.invocation_id, speech, ok))
        except grpc.RpcError as exc:
            if exc.code() is not grpc.StatusCode.CANCELLED:
                log.warning("The intent stream ended: %s", error_from_rpc(exc))

    async def aclose(self) -> None:
        """Unregister: end the stream and the task."""
        if self._call is not None:
            self._call.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def __aenter__(self) -> AsyncIntentSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class VoiceAPI:
    """The voice assistant, as ``Client.voice``."""

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    def recognize(
        self,
        audio: Iterable[bytes],
        *,
        wake_phrase: bool = False,
        execute_intents: bool = True,
        confirm_below_confidence: float = 0.0,
        sample_rate_hz: int = SAMPLE_RATE_HZ,
    ) -> Recognition:
        """Recognise 16-bit mono PCM, streamed in chunks.

        An actuating intent is not run: the result's
        ``understanding.pending_confirmation`` holds the question, answered by a
        spoken "yes" (another ``recognize``) or :meth:`answer_confirmation`.

        :param execute_intents: act on the result (e.g. start guidance for "navigate to").
        :param confirm_below_confidence: opt-in, 0 to 1 (0 is off): a "navigate to"
            or "search for" less confident than this asks "Did you mean …?" first.
        :param sample_rate_hz: the audio's rate: 16000, or 8000, 22050 (what
            :meth:`speak` returns by default), 24000, 44100 or 48000, which the
            head unit resamples.
        :raises InvalidArgumentError: odd-length chunks, a confidence outside 0 to 1,
            another sample rate.
        :raises FailedPreconditionError: the head unit has no recogniser.
        """
        requests = _recognize_requests(
            audio, wake_phrase, execute_intents, confirm_below_confidence, sample_rate_hz
        )
        with map_rpc_error():
            responses = list(self._c._stream(VoiceService.Recognize, requests))
        return _recognition(responses)

    def understand(
        self, text: str, *, execute_intents: bool = False, confirm_below_confidence: float = 0.0
    ) -> Understanding:
        """What typed text means, as if it had been spoken (actuating intents ask first)."""
        request = _understand_request(text, execute_intents, confirm_below_confidence)
        resp = self._c._unary(VoiceService.Understand, request)
        return Understanding.from_proto(resp.understanding)

    def answer_confirmation(self, confirmation_id: str, confirmed: bool) -> Understanding:
        """Answer a pending question: yes runs its intent, no cancels it.

        :param confirmation_id: from ``pending_confirmation`` of a result or the voice state.
        :returns: the intent and its ``action_result`` ("Cancelled." for a no).
        :raises NotFoundError: no question with this id waits (answered, cancelled or
            timed out).
        """
        request = pb.AnswerConfirmationRequest(confirmation_id=confirmation_id, confirmed=confirmed)
        resp = self._c._unary(VoiceService.AnswerConfirmation, request)
        return Understanding.from_proto(resp.understanding)

    def speak(
        self, text: str, *, voice: str = "", rate_wpm: int = 0, sample_rate_hz: int = 0
    ) -> Speech:
        """Speak a sentence on the head unit; returns the WAV it played.

        :param sample_rate_hz: the WAV's rate: 8000, 16000, 22050, 24000, 44100 or
            48000; 0 gives espeak-ng's own 22050. Recognize takes any of them.
        """
        request = pb.SpeakRequest(
            text=text, voice=voice, rate_wpm=rate_wpm, sample_rate_hz=sample_rate_hz
        )
        resp = self._c._unary(VoiceService.Speak, request)
        return Speech(resp.wav, resp.duration_s)

    def watch_state(self) -> StateStream[VoiceState]:
        """Voice panel states as they change; the first is the current one."""
        request = pb.WatchVoiceStateRequest()
        return self._c._watch(VoiceService.WatchVoiceState, request, _voice_state)

    def register_intents(
        self, client_name: str, intents: IntentTypes, handler: IntentHandler
    ) -> IntentSession:
        """Register OEM intents, e.g. ``{"open_sunroof": ["open the sunroof"]}``.

        Phrases may hold slots: ``"set temperature to {number} degrees"``. The
        handler gets each invocation and returns a sentence to speak (or None).
        The intents stay registered until the session is closed. An intent that
        moves hardware is registered as ``IntentSpec(phrases, actuating=True)``:
        the head unit asks "Open the sunroof?" and the handler runs only after
        a yes.

        :raises AlreadyExistsError: another client holds one of the phrases.
        """
        open_call = functools.partial(self._c._stream, VoiceService.RegisterIntents)
        return IntentSession(open_call, client_name, intents, handler)


class AsyncVoiceAPI:
    """The asyncio twin of :class:`VoiceAPI`, as ``AsyncClient.voice``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    async def recognize(
        self,
        audio: Iterable[bytes] | AsyncIterable[bytes],
        *,
        wake_phrase: bool = False,
        execute_intents: bool = True,
        confirm_below_confidence: float = 0.0,
        sample_rate_hz: int = SAMPLE_RATE_HZ,
    ) -> Recognition:
        """Recognise 16-bit mono PCM (see :meth:`VoiceAPI.recognize`)."""

        async def requests() -> AsyncIterator[pb.RecognizeRequest]:
            chunks = [c async for c in audio] if isinstance(audio, AsyncIterable) else audio
            for request in _recognize_requests(
                chunks, wake_phrase, execute_intents, confirm_below_confidence, sample_rate_hz
            ):
                yield request

        with map_rpc_error():
            call = self._c._stream(VoiceService.Recognize, requests())
            responses = [resp async for resp in call]
        return _recognition(responses)

    async def understand(
        self, text: str, *, execute_intents: bool = False, confirm_below_confidence: float = 0.0
    ) -> Understanding:
        """What typed text means, as if it had been spoken (actuating intents ask first)."""
        request = _understand_request(text, execute_intents, confirm_below_confidence)
        resp = await self._c._unary(VoiceService.Understand, request)
        return Understanding.from_proto(resp.understanding)

    async def answer_confirmation(self, confirmation_id: str, confirmed: bool) -> Understanding:
        """Answer a pending question (see :meth:`VoiceAPI.answer_confirmation`)."""
        request = pb.AnswerConfirmationRequest(confirmation_id=confirmation_id, confirmed=confirmed)
        resp = await self._c._unary(VoiceService.AnswerConfirmation, request)
        return Understanding.from_proto(resp.understanding)

    async def speak(
        self, text: str, *, voice: str = "", rate_wpm: int = 0, sample_rate_hz: int = 0
    ) -> Speech:
        """Speak a sentence on the head unit (see :meth:`VoiceAPI.speak`)."""
        request = pb.SpeakRequest(
            text=text, voice=voice, rate_wpm=rate_wpm, sample_rate_hz=sample_rate_hz
        )
        resp = await self._c._unary(VoiceService.Speak, request)
        return Speech(resp.wav, resp.duration_s)

    def watch_state(self) -> AsyncStateStream[VoiceState]:
        """Voice panel states as they change; the first is the current one."""
        request = pb.WatchVoiceStateRequest()
        return self._c._watch(VoiceService.WatchVoiceState, request, _voice_state)

    async def register_intents(
        self, client_name: str, intents: IntentTypes, handler: IntentHandler
    ) -> AsyncIntentSession:
        """Register OEM intents (see :meth:`VoiceAPI.register_intents`)."""
        open_call = functools.partial(self._c._stream, VoiceService.RegisterIntents)
        session = AsyncIntentSession(open_call, handler)
        await session.start(client_name, intents)
        return session
