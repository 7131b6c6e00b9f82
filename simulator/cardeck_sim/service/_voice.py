"""The voice panel: recognition, understanding, OEM intents and speech over one voice engine.

``VoicePanel`` owns the engine, acts on built-in intents (through the maps
panel and the store), dispatches OEM intents to the streams that registered
them, and keeps the voice state in the store. ``VoiceServicer`` serves
VoiceService over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from cardeck.v1 import types_pb2
from cardeck.v1 import voice_service_pb2 as pb
from cardeck.v1 import voice_service_pb2_grpc as pb_grpc

from ..maps import place_index
from ..state import Cursor, StateStore, SubscriberLagError, voice_view_to_proto
from ..voice import (
    BUILTIN_OWNER,
    SAMPLE_RATE_HZ,
    Final,
    Intent,
    IntentConflictError,
    SpeechUnavailableError,
    Understanding,
    VoiceEngine,
    asr_available,
    check_chunk,
    find_espeak,
    parse_wav,
    voice_problem,
    wav_to_pcm16k,
)
from ._browser import BrowserPanel
from ._maps import MapsPanel
from ._status import RpcFailure, invalid_argument

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 500
MAX_SPEAK_CHARS = 1000
# How long an OEM client may take to answer an invocation.
ANSWER_TIMEOUT_S = 5.0


@dataclasses.dataclass
class IntentClient:
    """One RegisterIntents stream: where its invocations go and their pending answers."""

    owner: str
    name: str
    outbox: asyncio.Queue[pb.RegisterIntentsResponse]
    pending: dict[str, asyncio.Future[pb.IntentAnswer]] = dataclasses.field(default_factory=dict)


class VoicePanel:
    """The voice capability of the head unit.

    :param store: the state store.
    :param maps: the maps panel, for "navigate to" and "search for".
    :param browser: the browser panel, for "go back".
    :param focus_kind: focuses the first panel of a kind on the centre display.
    """

    def __init__(
        self,
        store: StateStore,
        maps: MapsPanel,
        browser: BrowserPanel,
        focus_kind: Callable[[str, str], object],
        *,
        guidance_time_scale: float = 1.0,
    ) -> None:
        self._store = store
        self._guidance_time_scale = guidance_time_scale
        self._maps = maps
        self._browser = browser
        self._focus_kind = focus_kind
        self.engine = VoiceEngine()
        self.asr_reason = (
            ""
            if asr_available()
            else ("pocketsphinx is not installed; install it with `pip install 'cardeck[sim]'`.")
        )
        try:
            find_espeak()
            self.tts_reason = ""
        except (SpeechUnavailableError, RuntimeError) as exc:
            self.tts_reason = str(exc)
        self.clients: dict[str, IntentClient] = {}
        self._ids = itertools.count(1)
        self._places_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Give the grammar the map's place names once the map is loaded (in the background)."""
        self._places_task = asyncio.get_running_loop().create_task(self._load_places())

    async def _load_places(self) -> None:
        try:
            data = await self._maps.ready()
        except RpcFailure:
            return
        names = place_index(data).names()
        # Building the grammar parses the dictionary: CPU work, off the loop.
        await asyncio.to_thread(self.engine.set_place_names, names)

    async def aclose(self) -> None:
        """Stop background work."""
        if self._places_task is not None and not self._places_task.done():
            self._places_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._places_task

    def require_asr(self) -> None:
        """FAILED_PRECONDITION when recognition is unavailable."""
        if self.asr_reason:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.asr_reason, reason="ASR_UNAVAILABLE"
            )

    # -- speech -------------------------------------------------------------------------

    async def speak(self, text: str, voice: str = "", rate_wpm: int = 0) -> bytes:
        """Speak a sentence: the voice state goes SPEAKING, then IDLE."""
        if self.tts_reason:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.tts_reason, reason="TTS_UNAVAILABLE"
            )
        self._store.set_voice(activity="speaking", spoken_text=text)
        try:
            return await self.engine.aspeak(text, voice=voice or None, speed_wpm=rate_wpm or 160)
        except ValueError as exc:
            raise RpcFailure(
                grpc.StatusCode.INVALID_ARGUMENT, str(exc), reason="INVALID_ARGUMENT"
            ) from exc
        except RuntimeError as exc:
            # espeak-ng itself failed on input the checks let through: nothing the caller
            # can fix by changing the request, and nothing a retry is sure to change.
            raise RpcFailure(
                grpc.StatusCode.UNAVAILABLE,
                f"{exc} Try again; if it persists, report it.",
                reason="TTS_FAILED",
            ) from exc
        finally:
            self._store.set_voice(activity="idle")

    # -- understanding and acting -------------------------------------------------------------

    async def act(self, understanding: Understanding, execute: bool) -> types_pb2.Understanding:
        """Turn an understanding into its wire form, acting on it when asked."""
        msg = types_pb2.Understanding(
            transcript=understanding.transcript,
            intent_id=understanding.intent_id or "",
            slots=[types_pb2.SlotValue(name=k, value=v) for k, v in understanding.slots.items()],
            confidence=understanding.confidence,
            builtin=understanding.owner == BUILTIN_OWNER,
        )
        self._store.set_voice(
            activity="processing",
            transcript=understanding.transcript,
            intent_id=understanding.intent_id or "",
            slots=tuple(understanding.slots.items()),
        )
        try:
            if execute and understanding.intent_id:
                if understanding.owner == BUILTIN_OWNER:
                    msg.action_result = await self._builtin(understanding)
                else:
                    msg.action_result = await self._dispatch(understanding)
                if msg.action_result and not self.tts_reason:
                    msg.answer_wav = await self.speak(msg.action_result)
        finally:
            self._store.set_voice(activity="idle")
        return msg

    async def _builtin(self, u: Understanding) -> str:
        place = u.slots.get("place", "")
        maps = self._maps
        if u.intent_id in ("navigate", "search"):
            try:
                data = await maps.ready()
                found = place_index(data).search(place, near=maps.vehicle_position, limit=1)
            except (RpcFailure, ValueError) as exc:
                return f"I cannot search the map: {exc}"
            if not found:
                return f"I found no place called {place}."
            if u.intent_id == "search":
                return f"{found[0].name} is {found[0].category.split(':')[-1]}, {found[0].address}."
            try:
                route = maps.route_between(maps.vehicle_position, found[0].position)
            except RpcFailure as exc:
                return f"I found {found[0].name} but no route to it: {exc.message}"
            maps.set_route(route, f"Voice: navigate to {found[0].name}.")
            await maps.start_guidance(self._guidance_time_scale)
            minutes = max(1, round(route.duration_s / 60))
            return f"Navigating to {found[0].name}, {minutes} minutes."
        if u.intent_id in ("zoom_in", "zoom_out"):
            camera = self._store.map.camera
            if camera is None:
                return "The map is not ready yet."
            zoom = min(22.0, max(0.0, camera.zoom + (1 if u.intent_id == "zoom_in" else -1)))
            self._store.set_map(camera=dataclasses.replace(camera, zoom=zoom))
            return f"Zoom level {zoom:g}."
        if u.intent_id == "open_browser":
            self._focus_kind("", "browser")
            return "Opening the browser."
        if u.intent_id == "cancel":
            await maps.stop_guidance()
            if maps.route is not None:
                maps.set_route(None, "Voice: cancel.")
            return "Cancelled."
        if u.intent_id == "go_back":
            try:
                await self._browser.call(lambda engine: engine.go_back())
            except RpcFailure as exc:
                return f"I cannot go back: {exc.message}"
            return "Going back."
        return ""

    async def _dispatch(self, u: Understanding) -> str:
        client = self.clients.get(u.owner or "")
        if client is None:
            return ""
        invocation_id = f"inv-{next(self._ids)}"
        answer: asyncio.Future[pb.IntentAnswer] = asyncio.get_running_loop().create_future()
        client.pending[invocation_id] = answer
        intent_id = (u.intent_id or "").removeprefix(f"{client.owner}/")
        await client.outbox.put(
            pb.RegisterIntentsResponse(
                invocation=pb.IntentInvocation(
                    invocation_id=invocation_id,
                    intent_id=intent_id,
                    slots=[types_pb2.SlotValue(name=k, value=v) for k, v in u.slots.items()],
                    transcript=u.transcript,
                )
            )
        )
        try:
            reply = await asyncio.wait_for(answer, ANSWER_TIMEOUT_S)
        except TimeoutError:
            return f"{client.name} did not answer in time."
        finally:
            client.pending.pop(invocation_id, None)
        return reply.speech

    # -- recognition ---------------------------------------------------------------------------

    async def recognize_final(self, final: Final, execute: bool) -> pb.RecognizeResponse:
        understanding = await self.act(final.understanding, execute)
        return pb.RecognizeResponse(
            transcript=final.transcript,
            final=True,
            understanding=understanding,
            wake_phrase_detected=final.woke,
        )


class VoiceServicer(pb_grpc.VoiceServiceServicer):
    """Serves VoiceService over the voice panel."""

    def __init__(self, store: StateStore, panel: VoicePanel) -> None:
        self._store = store
        self._panel = panel

    async def Recognize(
        self, request_iterator: AsyncIterator[pb.RecognizeRequest], context: Any
    ) -> AsyncIterator[pb.RecognizeResponse]:
        panel = self._panel
        panel.require_asr()
        first = await anext(aiter(request_iterator), None)
        if first is None or first.WhichOneof("request") != "config":
            raise invalid_argument([("config", "The first message must carry the config.")])
        config = first.config
        if config.sample_rate_hz != SAMPLE_RATE_HZ:
            raise invalid_argument(
                [
                    (
                        "config.sample_rate_hz",
                        f"sample_rate_hz is {config.sample_rate_hz}; send 16000 Hz audio.",
                    )
                ]
            )
        session = await asyncio.to_thread(
            panel.engine.session, wake_phrase=config.require_wake_phrase
        )
        self._store.set_voice(activity="listening", transcript="", intent_id="")
        index = 0
        try:
            async for request in request_iterator:
                index += 1
                field = f"requests[{index}].audio"
                if request.WhichOneof("request") != "audio":
                    raise invalid_argument([(field, "Only the first message may carry a config.")])
                try:
                    chunk = check_chunk(request.audio, field)
                except ValueError as exc:
                    raise invalid_argument([(field, str(exc))]) from exc
                partial = await asyncio.to_thread(session.feed, chunk)
                if partial is not None and partial.transcript:
                    self._store.set_voice(transcript=partial.transcript)
                    yield pb.RecognizeResponse(
                        transcript=partial.transcript, wake_phrase_detected=partial.woke
                    )
                if partial is not None and partial.end_of_speech:
                    break
            final = await asyncio.to_thread(session.finish)
        except BaseException:
            await asyncio.to_thread(session.cancel)
            self._store.set_voice(activity="idle")
            raise
        yield await panel.recognize_final(final, config.execute_intents)

    async def Understand(
        self, request: pb.UnderstandRequest, context: Any
    ) -> pb.UnderstandResponse:
        text = request.text.strip()
        if not text or len(text) > MAX_TEXT_CHARS:
            raise invalid_argument([("text", f"text must be 1 to {MAX_TEXT_CHARS} characters.")])
        understanding = self._panel.engine.understand(text)
        return pb.UnderstandResponse(
            understanding=await self._panel.act(understanding, request.execute_intents)
        )

    async def RegisterIntents(
        self, request_iterator: AsyncIterator[pb.RegisterIntentsRequest], context: Any
    ) -> AsyncIterator[pb.RegisterIntentsResponse]:
        panel = self._panel
        # Requests are read by a task of their own, so invocations can be sent
        # while the client is silent; both sides meet in the outbox.
        outbox: asyncio.Queue[pb.RegisterIntentsResponse] = asyncio.Queue()
        reader = asyncio.ensure_future(self._read_intents(request_iterator, outbox))
        getter: asyncio.Future[pb.RegisterIntentsResponse] | None = None
        try:
            while True:
                getter = asyncio.ensure_future(outbox.get())
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    yield getter.result()
                    continue
                reader.result()  # a registration failure becomes the stream's status
                return
        finally:
            if getter is not None:
                getter.cancel()
            reader.cancel()
            # The intents leave with their stream.
            for client in [c for c in panel.clients.values() if c.outbox is outbox]:
                panel.engine.unregister_owner(client.owner)
                panel.clients.pop(client.owner, None)
                for future in client.pending.values():
                    future.cancel()

    async def _read_intents(
        self,
        request_iterator: AsyncIterator[pb.RegisterIntentsRequest],
        outbox: asyncio.Queue[pb.RegisterIntentsResponse],
    ) -> None:
        panel = self._panel
        owner = ""
        async for request in request_iterator:
            which = request.WhichOneof("request")
            if which == "registration":
                reg = request.registration
                problems = []
                if not reg.client_name.strip():
                    problems.append(("registration.client_name", "client_name is required."))
                if not 1 <= len(reg.intents) <= 100:
                    problems.append(("registration.intents", "Register 1 to 100 intents."))
                for i, intent in enumerate(reg.intents):
                    if not intent.intent_id:
                        problems.append(
                            (f"registration.intents[{i}].intent_id", "intent_id is required.")
                        )
                    if not intent.phrases:
                        problems.append(
                            (f"registration.intents[{i}].phrases", "Give at least one phrase.")
                        )
                if problems:
                    raise invalid_argument(problems)
                if not owner:
                    owner = f"{reg.client_name.strip()}#{next(panel._ids)}"
                panel.engine.unregister_owner(owner)
                try:
                    intents = [
                        Intent(f"{owner}/{i.intent_id}", tuple(i.phrases)) for i in reg.intents
                    ]
                    panel.engine.register(owner, intents)
                except IntentConflictError as exc:
                    raise RpcFailure(
                        grpc.StatusCode.ALREADY_EXISTS, str(exc), reason="PHRASE_TAKEN"
                    ) from exc
                except ValueError as exc:
                    raise invalid_argument([("registration.intents", str(exc))]) from exc
                panel.clients[owner] = IntentClient(owner, reg.client_name.strip(), outbox)
                # Rebuild the grammar now, off the loop, so the next utterance can match.
                await asyncio.to_thread(lambda: panel.engine.grammar)
                await outbox.put(
                    pb.RegisterIntentsResponse(
                        accepted=pb.RegisterIntentsAccepted(
                            intent_ids=[f"{owner}/{i.intent_id}" for i in reg.intents]
                        )
                    )
                )
            elif which == "answer":
                client = panel.clients.get(owner)
                future = client.pending.get(request.answer.invocation_id) if client else None
                if future is None or future.done():
                    raise invalid_argument(
                        [("answer.invocation_id", "No invocation with this id is waiting.")]
                    )
                future.set_result(request.answer)

    async def Speak(self, request: pb.SpeakRequest, context: Any) -> pb.SpeakResponse:
        text = request.text.strip()
        problems = []
        if not text or len(text) > MAX_SPEAK_CHARS:
            problems.append(("text", f"text must be 1 to {MAX_SPEAK_CHARS} characters."))
        elif not any(ch.isalnum() for ch in text):
            problems.append(("text", "text has nothing to speak: give words, not only symbols."))
        if request.rate_wpm and not 80 <= request.rate_wpm <= 400:
            problems.append(("rate_wpm", "rate_wpm must be 80 to 400 (or 0 for 160)."))
        if request.voice and not self._panel.tts_reason:
            problem = await asyncio.to_thread(voice_problem, request.voice)
            if problem:
                problems.append(("voice", problem))
        if problems:
            raise invalid_argument(problems)
        wav = await self._panel.speak(text, request.voice, request.rate_wpm)
        return pb.SpeakResponse(wav=wav, duration_s=_duration(wav))

    async def WatchVoiceState(
        self, request: pb.WatchVoiceStateRequest, context: Any
    ) -> AsyncIterator[pb.WatchVoiceStateResponse]:
        events = self._store.events
        cursor = Cursor(events, events.head_seq, kinds=[types_pb2.EVENT_KIND_VOICE])
        yield pb.WatchVoiceStateResponse(state=voice_view_to_proto(self._store.voice))
        while not events.closed:
            try:
                batch = await cursor.next_batch()
            except SubscriberLagError:
                cursor = Cursor(events, events.head_seq, kinds=cursor.kinds)
                yield pb.WatchVoiceStateResponse(state=voice_view_to_proto(self._store.voice))
                continue
            for event in batch:
                yield pb.WatchVoiceStateResponse(state=event.voice_state_changed.state)


def _duration(wav: bytes) -> float:
    try:
        audio = parse_wav(wav)
    except ValueError:
        return 0.0
    return len(audio.pcm) / (2 * audio.channels * audio.sample_rate_hz)


async def inject_audio(panel: VoicePanel, wav: bytes, execute: bool) -> Any:
    """SimulatorService.InjectAudio: a WAV through the same path as Recognize."""
    from cardeck.v1 import simulator_service_pb2

    panel.require_asr()
    # Validate and convert once, before the voice panel shows anything.
    try:
        pcm = await asyncio.to_thread(wav_to_pcm16k, wav)
    except ValueError as exc:
        raise invalid_argument([("wav", str(exc))]) from exc
    panel._store.set_voice(activity="listening", transcript="", intent_id="")
    final = await asyncio.to_thread(panel.engine.recognize_pcm, pcm)
    understanding = await panel.act(final.understanding, execute)
    return simulator_service_pb2.InjectAudioResponse(
        transcript=final.transcript, understanding=understanding
    )
