"""The voice panel: recognition, understanding, OEM intents and speech over one voice engine.

``VoicePanel`` owns the engine, acts on built-in intents (through the maps
panel and the store), dispatches OEM intents to the streams that registered
them, and keeps the voice state in the store. ``VoiceServicer`` serves
VoiceService over it.

Two rules keep the voice safe to use on the road (issue 21):

- Confirmation before actuation: an intent registered as actuating (or, when
  a client opts in, a "navigate to" whose confidence is low) is not run; the
  panel asks a question ("Open the sunroof?"), shows it (activity
  CONFIRMING) and runs the intent only on a yes: spoken, a tap on the
  panel's Yes, or AnswerConfirmation. A no, a new command, an unrelated
  answer or the timeout drops it.
- Barge-in: speech "plays" for its duration (activity SPEAKING); a Recognize
  stream whose voice activity detector hears speech meanwhile stops it at
  once (``speech_interrupted``) and the utterance is recognised as usual.
  The simulator has no loudspeaker feeding its microphone; a real head unit
  needs acoustic echo cancellation first, or its own prompt barges in.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from cardeck.i18n import Translator, translator
from cardeck.v1 import types_pb2
from cardeck.v1 import voice_service_pb2 as pb
from cardeck.v1 import voice_service_pb2_grpc as pb_grpc

from ..maps import display_name, place_index
from ..state import (
    Cursor,
    StateStore,
    SubscriberLagError,
    VoiceConfirmation,
    voice_confirmation_to_proto,
    voice_view_to_proto,
)
from ..voice import (
    ANSWER_INTENTS,
    BUILTIN_OWNER,
    CANCELLED,
    MAX_CHUNK_BYTES,
    MAX_PROMPT_CHARS,
    NO_MATCH,
    OKAY,
    RECOGNITION_RATES_HZ,
    SAMPLE_RATE_HZ,
    SPEAK_RATES_HZ,
    Final,
    Intent,
    IntentConflictError,
    Partial,
    RecognitionSession,
    SpeechUnavailableError,
    StreamResampler,
    Understanding,
    VoiceEngine,
    answer_of,
    asr_available,
    check_chunk,
    confirmation_prompt,
    did_you_mean,
    find_espeak,
    has_hangul,
    parse_wav,
    pcm_to_wav,
    rates_text,
    resample_pcm16,
    voice_for,
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
#: How long a question waits for its yes or no before it cancels: long enough
#: to hear a two-second prompt and answer, short enough that a stale yes
#: cannot move a sunroof a minute later (ServiceConfig.voice_confirmation_timeout_s).
CONFIRMATION_TIMEOUT_S = 8.0


@dataclasses.dataclass
class Question:
    """A question waiting for its yes or no: what a yes runs, and its timer."""

    view: VoiceConfirmation
    understanding: Understanding
    timer: asyncio.TimerHandle | None = None

    @property
    def confirmation_id(self) -> str:
        """Return the id an answer names."""
        return self.view.confirmation_id

    @property
    def prompt(self) -> str:
        """Return the question as spoken."""
        return self.view.prompt


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
        confirmation_timeout_s: float = CONFIRMATION_TIMEOUT_S,
    ) -> None:
        self._store = store
        self._guidance_time_scale = guidance_time_scale
        self.confirmation_timeout_s = confirmation_timeout_s
        self._question: Question | None = None
        self._playback: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[object]] = set()
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
        places = place_index(data)
        names = places.names()
        # Korean names (the local name in Hangul, or name:ko) for typed Korean commands.
        korean = sorted(
            {p.name for p in places if has_hangul(p.name)}
            | {n for p in places for lang, n in p.names if lang == "ko"}
        )
        # Building the grammar parses the dictionary: CPU work, off the loop.
        await asyncio.to_thread(
            functools.partial(self.engine.set_place_names, names, text_names=korean)
        )

    async def aclose(self) -> None:
        """Stop background work."""
        if self._places_task is not None and not self._places_task.done():
            self._places_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._places_task
        self._drop_question()
        playing = self._playback
        self._stop_playback()
        # Await them too: a spoken "Cancelled." left running would outlive the loop
        # with its espeak-ng subprocess.
        tasks = [*self._background, *([playing] if playing is not None else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def tr(self) -> Translator:
        """The head unit's locale now: answers are said in it (read at each use)."""
        return translator(self._store.locale)

    @property
    def recognition_reason(self) -> str:
        """Why speech cannot be recognised now ("" when it can): no pocketsphinx, or no
        acoustic model for the head unit's locale (GetInfo's speech_recognition)."""
        return self.asr_reason or self.engine.locale_problem(self._store.locale)

    def require_asr(self) -> None:
        """FAILED_PRECONDITION when recognition is unavailable, or has no model for the locale."""
        if self.asr_reason:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.asr_reason, reason="ASR_UNAVAILABLE"
            )
        problem = self.engine.locale_problem(self._store.locale)
        if problem:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, problem, reason="ASR_LOCALE_UNAVAILABLE"
            )

    # -- speech -------------------------------------------------------------------------

    async def speak(
        self, text: str, voice: str = "", rate_wpm: int = 0, sample_rate_hz: int = 0
    ) -> bytes:
        """Speak a sentence: the voice state goes SPEAKING for its duration, then back.

        Returns once the WAV is synthesised; the head unit "plays" it in the
        background (a sentence spoken meanwhile replaces it, speech heard by a
        Recognize stream stops it: :meth:`barge_in`), then the activity returns
        to IDLE, or to CONFIRMING while a question waits.
        """
        if self.tts_reason:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.tts_reason, reason="TTS_UNAVAILABLE"
            )
        self._stop_playback()
        self._store.set_voice(activity="speaking", spoken_text=text, speech_interrupted=False)
        try:
            # No voice named: the locale's, unless the text is in a script it cannot read.
            voice = voice or voice_for(text, self._store.locale)
            wav = await self.engine.aspeak(text, voice=voice, speed_wpm=rate_wpm or 160)
            if sample_rate_hz:
                wav = await asyncio.to_thread(_resample_wav, wav, sample_rate_hz)
        except ValueError as exc:
            self._rest()
            raise RpcFailure(
                grpc.StatusCode.INVALID_ARGUMENT, str(exc), reason="INVALID_ARGUMENT"
            ) from exc
        except RuntimeError as exc:
            self._rest()
            # espeak-ng itself failed on input the checks let through: nothing the caller
            # can fix by changing the request, and nothing a retry is sure to change.
            raise RpcFailure(
                grpc.StatusCode.UNAVAILABLE,
                f"{exc} Try again; if it persists, report it.",
                reason="TTS_FAILED",
            ) from exc
        except BaseException:
            self._rest()
            raise
        self._playback = asyncio.get_running_loop().create_task(self._play(_duration(wav)))
        return wav

    async def _play(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._playback = None
        self._rest()

    @property
    def question(self) -> Question | None:
        """Return the question waiting for its yes or no, if any."""
        return self._question

    @property
    def speaking(self) -> bool:
        """Return whether a sentence is playing now."""
        return self._playback is not None and not self._playback.done()

    def _stop_playback(self) -> bool:
        playing = self.speaking
        if self._playback is not None:
            self._playback.cancel()
            self._playback = None
        return playing

    def barge_in(self) -> bool:
        """The driver speaks over the head unit: stop the sentence at once.

        :returns: whether a sentence was playing (the state is then LISTENING
            with ``speech_interrupted``).
        """
        if not self._stop_playback():
            return False
        self._store.set_voice(
            activity="listening", speech_interrupted=True, transcript="", intent_id=""
        )
        return True

    def _rest(self) -> None:
        """Back to IDLE, or CONFIRMING while a question waits (unless a sentence plays)."""
        if not self.speaking:
            self._store.set_voice(activity="confirming" if self._question else "idle")

    async def _say(self, msg: types_pb2.Understanding, sentence: str) -> None:
        msg.action_result = sentence
        if sentence and not self.tts_reason:
            msg.answer_wav = await self.speak(sentence)

    # -- questions -------------------------------------------------------------------------

    def _ask(self, understanding: Understanding, prompt: str) -> Question:
        """Hold an understanding until a yes: show the question and start its timer."""
        self._drop_question()
        view = VoiceConfirmation(
            f"confirm-{next(self._ids)}",
            prompt,
            understanding.intent_id or "",
            tuple(understanding.slots.items()),
            self.confirmation_timeout_s,
        )
        question = Question(view, understanding)
        question.timer = asyncio.get_running_loop().call_later(
            self.confirmation_timeout_s, self._time_out, question.confirmation_id
        )
        self._question = question
        # The answer words join the grammar only while a question waits, so no
        # other utterance can be heard as "yes" (about 15 ms to switch).
        self.engine.registry.set_extra_builtins(ANSWER_INTENTS)
        self._store.set_voice(confirmation=view)
        return question

    def _drop_question(self) -> Question | None:
        question, self._question = self._question, None
        if question is None:
            return None
        if question.timer is not None:
            question.timer.cancel()
        self.engine.registry.set_extra_builtins(())
        self._store.set_voice(confirmation=None)
        return question

    def _time_out(self, confirmation_id: str) -> None:
        if self._question is None or self._question.confirmation_id != confirmation_id:
            return
        log.info("The question %r timed out; nothing was done.", self._question.prompt)
        self._drop_question()
        self._rest()
        if not self.tts_reason:
            task = asyncio.get_running_loop().create_task(self.speak(self.tr.gettext(CANCELLED)))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def forget_owner(self, owner: str) -> None:
        """An intent client left: a question about one of its intents can no longer be run."""
        question = self._question
        if question is not None and question.understanding.owner == owner:
            self._drop_question()
            self._rest()

    async def answer(self, confirmation_id: str, confirmed: bool) -> types_pb2.Understanding:
        """Answer the pending question (a tap or AnswerConfirmation).

        :raises RpcFailure: NOT_FOUND when no question with this id waits.
        """
        question = self._question
        if question is None or question.confirmation_id != confirmation_id:
            raise RpcFailure(
                grpc.StatusCode.NOT_FOUND,
                f"No question {confirmation_id!r} is waiting for an answer: it was answered, "
                "cancelled or timed out. Read VoiceState.pending_confirmation for the current one.",
                reason="CONFIRMATION_NOT_FOUND",
            )
        return await self._settle(question.understanding, confirmed)

    async def answer_tap(self, confirmed: bool) -> None:
        """A tap on the voice panel's Yes or No: answers the question it shows, if any."""
        question = self._question
        if question is not None:
            await self.answer(question.confirmation_id, confirmed)

    async def _settle(
        self, understanding: Understanding, confirmed: bool
    ) -> types_pb2.Understanding:
        """Run the held intent on a yes, say "Cancelled." on a no."""
        self._drop_question()
        self._stop_playback()
        msg = _wire(understanding)
        self._store.set_voice(activity="processing")
        try:
            if confirmed:
                await self._say(msg, await self._perform(understanding) or self.tr.gettext(OKAY))
            else:
                await self._say(msg, self.tr.gettext(CANCELLED))
        finally:
            self._rest()
        return msg

    # -- understanding and acting -------------------------------------------------------------

    async def act(
        self, understanding: Understanding, execute: bool, confirm_below: float = 0.0
    ) -> types_pb2.Understanding:
        """Turn an understanding into its wire form, acting on it when asked.

        With ``execute``: an answer to the pending question settles it, anything
        else cancels it; an actuating intent (or, with ``confirm_below``, an
        uncertain place) asks first; a no-match says so.
        """
        msg = _wire(understanding)
        self._stop_playback()
        self._store.set_voice(
            activity="processing",
            transcript=understanding.transcript,
            intent_id=understanding.intent_id or "",
            slots=tuple(understanding.slots.items()),
        )
        try:
            if not execute:
                return msg
            question = self._question
            if question is not None:
                answer = _answer_of(understanding, self.tr)
                if answer is not None:
                    settled = await self._settle(question.understanding, answer)
                    msg.action_result, msg.answer_wav = settled.action_result, settled.answer_wav
                    return msg
                self._drop_question()
                log.info("The question %r was cancelled by %r.", question.prompt, msg.transcript)
                if not understanding.matched:
                    await self._say(msg, self.tr.gettext(CANCELLED))
                    return msg
            if not understanding.matched:
                await self._say(msg, self.tr.gettext(NO_MATCH))
            else:
                prompt = await self._question_for(understanding, confirm_below)
                if prompt:
                    question = self._ask(understanding, prompt)
                    msg.pending_confirmation.CopyFrom(voice_confirmation_to_proto(question.view))
                    await self._say(msg, prompt)
                else:
                    await self._say(msg, await self._perform(understanding))
        finally:
            self._rest()
        return msg

    async def _question_for(self, u: Understanding, confirm_below: float) -> str:
        """The question to ask before running ``u``, or "" to run it at once."""
        if u.owner != BUILTIN_OWNER:
            intent = self.engine.registry.find(u.intent_id or "")
            if intent is None or not intent.actuating:
                return ""
            return confirmation_prompt(intent.phrases[0], u.slots, intent.prompt, self.tr)
        if u.intent_id in ("navigate", "search") and u.confidence < confirm_below:
            place = u.slots.get("place", "")
            with contextlib.suppress(RpcFailure, ValueError):
                data = await self._maps.ready()
                found = place_index(data).search(place, near=self._maps.vehicle_position, limit=1)
                if found:
                    place = display_name(found[0], self._store.locale)
            return did_you_mean(place, self.tr) if place else ""
        return ""

    async def _perform(self, u: Understanding) -> str:
        if u.owner == BUILTIN_OWNER:
            return await self._builtin(u)
        return await self._dispatch(u)

    async def _builtin(self, u: Understanding) -> str:
        """Run a built-in intent; return what to say, in the head unit's locale."""
        tr = self.tr
        place = u.slots.get("place", "")
        maps = self._maps
        if u.intent_id in ("navigate", "search"):
            try:
                data = await maps.ready()
                found = place_index(data).search(place, near=maps.vehicle_position, limit=1)
            except (RpcFailure, ValueError) as exc:
                return tr.gettext("I cannot search the map: {reason}", reason=str(exc))
            if not found:
                return tr.gettext("I found no place called {place}.", place=place)
            name = display_name(found[0], self._store.locale)
            if u.intent_id == "search":
                return tr.gettext(
                    "{place} is {category}, {address}.",
                    place=name,
                    category=found[0].category.split(":")[-1],
                    address=found[0].address,
                )
            try:
                route = maps.route_between(maps.vehicle_position, found[0].position)
            except RpcFailure as exc:
                return tr.gettext(
                    "I found {place} but no route to it: {reason}", place=name, reason=exc.message
                )
            maps.set_route(route, f"Voice: navigate to {name}.")
            await maps.start_guidance(self._guidance_time_scale)
            return tr.gettext(
                "Navigating to {place}, {duration}.",
                place=name,
                duration=tr.duration(route.duration_s),
            )
        if u.intent_id in ("zoom_in", "zoom_out"):
            camera = self._store.map.camera
            if camera is None:
                return tr.gettext("The map is not ready yet.")
            zoom = min(22.0, max(0.0, camera.zoom + (1 if u.intent_id == "zoom_in" else -1)))
            self._store.set_map(camera=dataclasses.replace(camera, zoom=zoom))
            return tr.gettext("Zoom level {zoom}.", zoom=tr.decimal(zoom, digits=0))
        if u.intent_id == "open_browser":
            self._focus_kind("", "browser")
            return tr.gettext("Opening the browser.")
        if u.intent_id == "cancel":
            await maps.stop_guidance()
            if maps.route is not None:
                maps.set_route(None, "Voice: cancel.")
            return tr.gettext(CANCELLED)
        if u.intent_id == "go_back":
            try:
                await self._browser.call(lambda engine: engine.go_back())
            except RpcFailure as exc:
                return tr.gettext("I cannot go back: {reason}", reason=exc.message)
            return tr.gettext("Going back.")
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
                    qualified_intent_id=f"{client.owner}/{intent_id}",
                )
            )
        )
        try:
            reply = await asyncio.wait_for(answer, ANSWER_TIMEOUT_S)
        except TimeoutError:
            return self.tr.gettext("{client} did not answer in time.", client=client.name)
        finally:
            client.pending.pop(invocation_id, None)
        return reply.speech

    # -- recognition ---------------------------------------------------------------------------

    async def recognize_final(
        self, final: Final, execute: bool, confirm_below: float = 0.0
    ) -> pb.RecognizeResponse:
        understanding = await self.act(final.understanding, execute, confirm_below)
        return pb.RecognizeResponse(
            transcript=final.transcript,
            final=True,
            understanding=understanding,
            wake_phrase_detected=final.woke,
        )


# How long a refused Recognize stream is read before its refusal is sent.
_DRAIN_S = 2.0


async def _drain(requests: AsyncIterator[pb.RecognizeRequest]) -> None:
    """Read what the client is still sending (up to ``_DRAIN_S``) before refusing it.

    Ending a stream while the client writes makes its write fail with "Internal
    error from Core", and grpcio then reports that INTERNAL instead of the status
    the server sent (measured: 2 of 6 runs); a client streaming a file has sent it
    by then, and a live microphone gets the refusal after the bound.
    """
    try:
        async with asyncio.timeout(_DRAIN_S):
            async for _ in requests:
                pass
    except TimeoutError:
        pass


class VoiceServicer(pb_grpc.VoiceServiceServicer):
    """Serves VoiceService over the voice panel."""

    def __init__(self, store: StateStore, panel: VoicePanel) -> None:
        self._store = store
        self._panel = panel

    async def Recognize(
        self, request_iterator: AsyncIterator[pb.RecognizeRequest], context: Any
    ) -> AsyncIterator[pb.RecognizeResponse]:
        panel = self._panel
        try:
            panel.require_asr()
        except RpcFailure:
            await _drain(request_iterator)
            raise
        first = await anext(aiter(request_iterator), None)
        if first is None or first.WhichOneof("request") != "config":
            raise invalid_argument([("config", "The first message must carry the config.")])
        config = first.config
        problems = []
        if config.sample_rate_hz not in RECOGNITION_RATES_HZ:
            problems.append(
                (
                    "config.sample_rate_hz",
                    f"sample_rate_hz is {config.sample_rate_hz}; send audio at "
                    f"{rates_text(RECOGNITION_RATES_HZ)} Hz (16000 is not resampled).",
                )
            )
        problems += _confirm_below_problems(
            config.confirm_below_confidence, "config.confirm_below_confidence"
        )
        if problems:
            raise invalid_argument(problems)
        session = await asyncio.to_thread(
            panel.engine.session, wake_phrase=config.require_wake_phrase
        )
        # One resampler for the whole stream, so chunk boundaries do not click.
        resampler = StreamResampler(config.sample_rate_hz, SAMPLE_RATE_HZ)
        if not panel.speaking:
            # While the head unit speaks, the microphone listens for a barge-in:
            # the state stays SPEAKING until the driver's speech is heard.
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
                partial = await asyncio.to_thread(_feed, session, resampler, chunk)
                if (
                    partial is not None
                    and (partial.in_speech or partial.end_of_speech)
                    and panel.barge_in()
                ):
                    log.info("Speech during the head unit's answer stopped it (barge-in).")
                if partial is not None and partial.transcript:
                    self._store.set_voice(transcript=partial.transcript)
                    yield pb.RecognizeResponse(
                        transcript=partial.transcript, wake_phrase_detected=partial.woke
                    )
                if partial is not None and partial.end_of_speech:
                    break
            await asyncio.to_thread(_feed, session, resampler, None)
            final = await asyncio.to_thread(session.finish)
        except BaseException:
            await asyncio.to_thread(session.cancel)
            if not panel.speaking:
                self._store.set_voice(activity="confirming" if panel.question else "idle")
            raise
        yield await panel.recognize_final(
            final, config.execute_intents, config.confirm_below_confidence
        )

    async def Understand(
        self, request: pb.UnderstandRequest, context: Any
    ) -> pb.UnderstandResponse:
        text = request.text.strip()
        problems = []
        if not text or len(text) > MAX_TEXT_CHARS:
            problems.append(("text", f"text must be 1 to {MAX_TEXT_CHARS} characters."))
        problems += _confirm_below_problems(
            request.confirm_below_confidence, "confirm_below_confidence"
        )
        if problems:
            raise invalid_argument(problems)
        understanding = self._panel.engine.understand(text)
        return pb.UnderstandResponse(
            understanding=await self._panel.act(
                understanding, request.execute_intents, request.confirm_below_confidence
            )
        )

    async def AnswerConfirmation(
        self, request: pb.AnswerConfirmationRequest, context: Any
    ) -> pb.AnswerConfirmationResponse:
        if not request.confirmation_id:
            raise invalid_argument(
                [
                    (
                        "confirmation_id",
                        "confirmation_id is required: take it from "
                        "VoiceState.pending_confirmation or Understanding.pending_confirmation.",
                    )
                ]
            )
        understanding = await self._panel.answer(request.confirmation_id, request.confirmed)
        return pb.AnswerConfirmationResponse(understanding=understanding)

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
                panel.forget_owner(client.owner)
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
                    if len(intent.confirmation_prompt) > MAX_PROMPT_CHARS:
                        problems.append(
                            (
                                f"registration.intents[{i}].confirmation_prompt",
                                f"confirmation_prompt must be at most {MAX_PROMPT_CHARS} "
                                "characters: a short question the driver answers yes or no.",
                            )
                        )
                if problems:
                    raise invalid_argument(problems)
                if not owner:
                    owner = f"{reg.client_name.strip()}#{next(panel._ids)}"
                panel.engine.unregister_owner(owner)
                try:
                    intents = [
                        Intent(
                            f"{owner}/{i.intent_id}",
                            tuple(i.phrases),
                            actuating=i.actuating,
                            prompt=i.confirmation_prompt.strip(),
                        )
                        for i in reg.intents
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
        if request.sample_rate_hz and request.sample_rate_hz not in SPEAK_RATES_HZ:
            problems.append(
                (
                    "sample_rate_hz",
                    f"sample_rate_hz is {request.sample_rate_hz}; give "
                    f"{rates_text(SPEAK_RATES_HZ)} (or 0 for espeak-ng's 22050).",
                )
            )
        if request.voice and not self._panel.tts_reason:
            problem = await asyncio.to_thread(voice_problem, request.voice)
            if problem:
                problems.append(("voice", problem))
        if problems:
            raise invalid_argument(problems)
        wav = await self._panel.speak(text, request.voice, request.rate_wpm, request.sample_rate_hz)
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


def _confirm_below_problems(value: float, field: str) -> list[tuple[str, str]]:
    if 0.0 <= value <= 1.0:
        return []
    return [(field, f"{field} is {value}; give 0 (off) to 1.")]


def _wire(understanding: Understanding) -> types_pb2.Understanding:
    return types_pb2.Understanding(
        transcript=understanding.transcript,
        intent_id=understanding.intent_id or "",
        slots=[types_pb2.SlotValue(name=k, value=v) for k, v in understanding.slots.items()],
        confidence=understanding.confidence,
        builtin=understanding.owner == BUILTIN_OWNER,
    )


def _answer_of(understanding: Understanding, tr: Translator) -> bool | None:
    """Whether an utterance answers yes or no; the transcript decides, so a client's
    own "yes" phrase (which keeps the answer intents out of the grammar) still answers.
    The locale's answer words count besides English's ("네", "아니요")."""
    if understanding.intent_id == "cancel" and understanding.owner == BUILTIN_OWNER:
        return False
    return answer_of(understanding.transcript, tr)


def _feed(
    session: RecognitionSession, resampler: StreamResampler, chunk: bytes | None
) -> Partial | None:
    """Resample a chunk (None: the stream's end) and feed it; the last change reported.

    Blocks (runs in a thread). Fed in pieces: resampled up from 8 kHz, a full
    chunk doubles past the session's 64 KiB limit.
    """
    pcm = resampler.flush() if chunk is None else resampler.feed(chunk)
    latest = None
    for start in range(0, len(pcm), MAX_CHUNK_BYTES):
        partial = session.feed(pcm[start : start + MAX_CHUNK_BYTES])
        if partial is not None:
            latest = partial
            if partial.end_of_speech:
                break
    return latest


def _resample_wav(wav: bytes, sample_rate_hz: int) -> bytes:
    """espeak-ng's mono WAV at another rate (numpy FFT: 1.2 ms for 3 s of speech,
    against 5.6 ms for a sox process)."""
    audio = parse_wav(wav)
    if audio.sample_rate_hz == sample_rate_hz:
        return wav
    return pcm_to_wav(
        resample_pcm16(audio.pcm, audio.sample_rate_hz, sample_rate_hz), sample_rate_hz
    )


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
