"""Confirmation before actuation, the opt-in "Did you mean …?" and barge-in (issue 21).

A real head unit on 127.0.0.1, real espeak-ng speech through pocketsphinx, an
OEM client registering ``sunroof.open`` as actuating: its handler must run
only after a yes, whichever way the yes comes (spoken, typed, a tap on the
voice panel, AnswerConfirmation), and never after a no, a timeout or a new
command.
"""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck.v1 import types_pb2
from cardeck.v1 import voice_service_pb2 as pb
from cardeck.v1 import voice_service_pb2_grpc as pb_grpc
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.ui import voice_answer_buttons
from cardeck_sim.voice import synthesize, to_pcm16k
from tests.integration.conftest import serving

FAST = ServiceConfig(port=0, voice_guidance_time_scale=300)
ROOF = {"sunroof.open": cardeck.IntentSpec(["open the sunroof"], actuating=True)}
LONG = (
    "In two hundred metres, turn left onto Mannerheimintie, then keep right and follow "
    "the signs towards the central railway station and the market square."
)


@pytest.fixture(scope="module")
def pcm():
    """16 kHz PCM of what these tests say, spoken by espeak-ng."""
    texts = ("open the sunroof", "yes", "no", "yes please", "open browser")
    texts += ("navigate to hotel arthur",)
    return {text: to_pcm16k(synthesize(text, "en-us", 160)) for text in texts}


class Roof:
    """The OEM client's handler: records every invocation it gets."""

    def __init__(self) -> None:
        self.calls: list[cardeck.IntentInvocation] = []

    def __call__(self, invocation: cardeck.IntentInvocation) -> str:
        self.calls.append(invocation)
        return "Opening the sunroof."


async def _until(states, predicate, timeout: float = 15.0) -> cardeck.VoiceState:
    async def scan() -> cardeck.VoiceState:
        async for state in states:
            if predicate(state):
                return state
        raise AssertionError("the voice state stream ended")

    return await asyncio.wait_for(scan(), timeout)


async def test_async_spoken_actuating_intent_asks_and_runs_only_after_a_spoken_yes(pcm):
    roof = Roof()
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents("roof", ROOF, roof)
            states = client.voice.watch_state()
            asked = await client.voice.recognize([pcm["open the sunroof"]])
            question = asked.understanding.pending_confirmation
            assert question is not None and question.prompt == "Open the sunroof?"
            assert asked.understanding.action_result == "Open the sunroof?"
            assert asked.understanding.answer_wav.startswith(b"RIFF")
            # The prompt is spoken, then the panel waits for the answer.
            spoken = await _until(states, lambda s: s.spoken_text == "Open the sunroof?")
            assert spoken.activity is cardeck.VoiceActivity.SPEAKING
            waiting = await _until(states, lambda s: s.activity is cardeck.VoiceActivity.CONFIRMING)
            assert waiting.pending_confirmation == question
            assert roof.calls == [], "an actuating intent ran before its yes"

            done = await client.voice.recognize([pcm["yes"]])
            await states.aclose()
            await session.aclose()
    assert [c.intent_id for c in roof.calls] == ["sunroof.open"]
    assert done.understanding.action_result == "Opening the sunroof."
    assert done.understanding.pending_confirmation is None


async def test_async_spoken_no_cancels_and_says_so(pcm):
    roof = Roof()
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents("roof", ROOF, roof)
            asked = await client.voice.recognize([pcm["open the sunroof"]])
            assert asked.understanding.pending_confirmation is not None
            refused = await client.voice.recognize([pcm["no"]])
            again = await client.voice.recognize([pcm["yes please"]])
            await session.aclose()
    assert refused.understanding.action_result == "Cancelled."
    # Once cancelled, a late yes has nothing to confirm: the grammar no longer holds it.
    assert again.understanding.intent_id != "confirm_yes"
    assert roof.calls == []


def test_sync_a_question_times_out_and_nothing_runs():
    roof = Roof()
    config = ServiceConfig(port=0, voice_confirmation_timeout_s=0.5)
    with HeadUnitThread(config) as unit, cardeck.Client(unit.target) as client:
        with client.voice.register_intents("roof", ROOF, roof):
            asked = client.voice.understand("open the sunroof", execute_intents=True)
            question = asked.pending_confirmation
            assert question is not None and question.timeout_seconds == 0.5
            states = client.voice.watch_state()
            for state in states:
                if state.pending_confirmation is None and state.spoken_text == "Cancelled.":
                    break
            states.close()
            with pytest.raises(cardeck.NotFoundError, match="timed out"):
                client.voice.answer_confirmation(question.confirmation_id, True)
    assert roof.calls == []


def test_sync_answer_confirmation_runs_the_intent_and_a_no_cancels():
    roof = Roof()
    with HeadUnitThread(FAST) as unit, cardeck.Client(unit.target) as client:
        with client.voice.register_intents("roof", ROOF, roof):
            first = client.voice.understand("open the sunroof", execute_intents=True)
            assert first.pending_confirmation is not None and roof.calls == []
            no = client.voice.answer_confirmation(first.pending_confirmation.confirmation_id, False)
            assert no.action_result == "Cancelled." and roof.calls == []
            second = client.voice.understand("open the sunroof", execute_intents=True)
            assert second.pending_confirmation is not None
            yes = client.voice.answer_confirmation(
                second.pending_confirmation.confirmation_id, True
            )
            with pytest.raises(cardeck.InvalidArgumentError):
                client.voice.answer_confirmation("", True)
    assert yes.action_result == "Opening the sunroof."
    assert yes.intent_id.endswith("/sunroof.open")
    assert [c.intent_id for c in roof.calls] == ["sunroof.open"]


async def test_async_a_tap_on_the_panels_yes_runs_it_and_on_no_cancels():
    roof = Roof()
    async with serving(HeadUnit(FAST)) as unit:
        layout = unit.catalog.layouts(unit.store.active_profile_id)["center"]
        voice = next(p for p in layout.panels if p.kind == "voice" and p.visible)
        (yes, yes_rect), (no, no_rect) = voice_answer_buttons(voice, layout)
        assert yes and not no
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents("roof", ROOF, roof)
            await client.voice.understand("open the sunroof", execute_intents=True)
            x, y = no_rect.x + no_rect.width / 2, no_rect.y + no_rect.height / 2
            await client.simulator.tap(x, y, display_id="center")
            assert unit.store.voice.confirmation is None and roof.calls == []
            await client.voice.understand("open the sunroof", execute_intents=True)
            x, y = yes_rect.x + yes_rect.width / 2, yes_rect.y + yes_rect.height / 2
            hit = await client.simulator.tap(x, y, display_id="center")
            await session.aclose()
    assert hit.panel_id == voice.panel_id
    assert [c.intent_id for c in roof.calls] == ["sunroof.open"]


async def test_async_a_new_command_cancels_the_question_and_runs():
    roof = Roof()
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents("roof", ROOF, roof)
            await client.voice.understand("open the sunroof", execute_intents=True)
            zoom = (await client.maps.camera()).zoom
            other = await client.voice.understand("zoom in", execute_intents=True)
            await session.aclose()
            assert (await client.maps.camera()).zoom == zoom + 1
    assert other.intent_id == "zoom_in"
    assert unit.store.voice.confirmation is None
    assert roof.calls == []


async def test_async_did_you_mean_is_opt_in_and_acts_only_on_yes():
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            # Off by default: an uncertain place (a typed name the map does not
            # hold exactly scores 0.7) navigates at once, as before.
            direct = await client.voice.understand("navigate to hotel artur", execute_intents=True)
            assert direct.confidence < 1 and direct.pending_confirmation is None
            assert direct.action_result.startswith("Navigating to Hotel Arthur")
            await client.maps.stop_guidance()
            route = unit.store.map.route
            asked = await client.voice.understand(
                "navigate to hotel artur", execute_intents=True, confirm_below_confidence=0.9
            )
            assert asked.action_result == "Did you mean Hotel Arthur?"
            assert asked.pending_confirmation is not None
            assert unit.store.map.route is route, "a question routed before its yes"
            sure = await client.voice.understand(
                "navigate to hotel arthur", execute_intents=True, confirm_below_confidence=0.9
            )
            assert sure.pending_confirmation is None, "a certain place asks nothing"
            await client.maps.stop_guidance()
            await client.voice.understand(
                "navigate to hotel artur", execute_intents=True, confirm_below_confidence=0.9
            )
            yes = await client.voice.understand("yes", execute_intents=True)
            assert yes.action_result.startswith("Navigating to Hotel Arthur")
            with pytest.raises(cardeck.InvalidArgumentError) as caught:
                await client.voice.understand("zoom in", confirm_below_confidence=2)
            assert caught.value.field_violations[0].field == "confirm_below_confidence"


async def test_async_spoken_navigation_below_the_opted_in_confidence_asks_first(pcm):
    async with serving(HeadUnit(FAST)) as unit:
        for _ in range(300):  # the grammar gets the map's places once the map is loaded
            if unit.voice.engine.place_names:
                break
            await asyncio.sleep(0.05)
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            route = unit.store.map.route
            # Speech never scores a full 1.0 (coverage of the detected speech), so a
            # threshold just below it makes every spoken navigation ask.
            asked = await client.voice.recognize(
                [pcm["navigate to hotel arthur"]], confirm_below_confidence=0.999
            )
            u = asked.understanding
            assert u.intent_id == "navigate" and u.confidence < 0.999
            assert u.action_result == "Did you mean Hotel Arthur?"
            assert unit.store.map.route is route
            yes = await client.voice.recognize([pcm["yes"]])
    assert yes.understanding.action_result.startswith("Navigating to Hotel Arthur")


async def test_async_speech_during_an_answer_stops_it_and_is_recognised(pcm):
    """Barge-in: the answer plays for its duration; the driver's speech cuts it short."""
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            states = client.voice.watch_state()
            spoken = await client.voice.speak(LONG)
            started = time.monotonic()
            assert spoken.duration_s > 4
            silence = b"\0" * 6400  # 0.2 s

            async def requests():
                yield pb.RecognizeRequest(config=pb.RecognitionConfig(sample_rate_hz=16000))
                # Silence alone does not stop the head unit: only speech does.
                for _ in range(3):
                    yield pb.RecognizeRequest(audio=silence)
                    await asyncio.sleep(0.05)
                assert unit.store.voice.activity == "speaking"
                audio = pcm["open browser"] + silence * 5
                for i in range(0, len(audio), 3200):
                    yield pb.RecognizeRequest(audio=audio[i : i + 3200])
                    await asyncio.sleep(0.02)

            async with grpc.aio.insecure_channel(f"127.0.0.1:{unit.port}") as channel:
                call = pb_grpc.VoiceServiceStub(channel).Recognize(requests())
                interrupted = await _until(states, lambda s: s.speech_interrupted)
                cut_after = time.monotonic() - started
                results = [r async for r in call]
            await states.aclose()
    assert interrupted.activity is cardeck.VoiceActivity.LISTENING
    assert interrupted.spoken_text == LONG
    # Cut well inside the sentence: generous, a ratio of its own duration.
    assert cut_after < 0.6 * spoken.duration_s, (cut_after, spoken.duration_s)
    final = results[-1]
    assert final.final and final.understanding.intent_id == "open_browser"
    assert final.understanding.builtin


async def test_async_an_unrelated_answer_cancels(pcm):
    roof = Roof()
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents("roof", ROOF, roof)
            await client.voice.understand("open the sunroof", execute_intents=True)
            unrelated = await client.voice.understand(
                "what is the weather like", execute_intents=True
            )
            late = await client.voice.understand("yes", execute_intents=True)
            await session.aclose()
    assert unrelated.action_result == "Cancelled."
    assert late.action_result == "Sorry, I didn't catch that."
    assert roof.calls == []


async def test_async_a_question_leaves_with_the_client_that_registered_its_intent():
    roof = Roof()
    async with serving(HeadUnit(FAST)) as unit:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents("roof", ROOF, roof)
            asked = await client.voice.understand("open the sunroof", execute_intents=True)
            await session.aclose()
            for _ in range(100):
                if unit.store.voice.confirmation is None:
                    break
                await asyncio.sleep(0.02)
            assert unit.store.voice.confirmation is None
            with pytest.raises(cardeck.NotFoundError):
                await client.voice.answer_confirmation(
                    asked.pending_confirmation.confirmation_id, True
                )
    assert roof.calls == []


def test_the_proto_enum_names_the_confirming_activity():
    assert (
        cardeck.VoiceActivity.from_proto(
            types_pb2.VOICE_ACTIVITY_CONFIRMING, types_pb2.VoiceActivity
        )
        is cardeck.VoiceActivity.CONFIRMING
    )
