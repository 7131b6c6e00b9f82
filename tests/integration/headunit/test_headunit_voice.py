"""VoiceService and audio injection, both twins, on real espeak-ng speech and pocketsphinx."""

import asyncio
import io
import wave

import grpc
import pytest

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck.v1 import voice_service_pb2 as pb
from cardeck.v1 import voice_service_pb2_grpc as pb_grpc
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.voice import synthesize, to_pcm16k

FAST = ServiceConfig(port=0, voice_guidance_time_scale=300)


@pytest.fixture(scope="module")
def speech():
    """espeak-ng WAVs of the commands these tests speak."""
    return {
        text: synthesize(text, "en-us", 150)
        for text in ("navigate to hotel arthur", "open the sunroof", "zoom in")
    }


async def _wait_for_places(unit):
    # The grammar gets the map's place names once the map has loaded.
    for _ in range(300):
        if unit.voice.engine.place_names:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the voice grammar never got the map's place names")


async def test_async_spoken_navigate_routes_and_guides_to_arrival(speech):
    unit = HeadUnit(FAST)
    await unit.start()
    try:
        await _wait_for_places(unit)
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            updates = client.maps.watch_guidance()
            await asyncio.wait_for(updates.__anext__(), 5)
            understood = await client.simulator.inject_audio(speech["navigate to hotel arthur"])
            assert understood.intent_id == "navigate"
            assert understood.slots == {"place": "Hotel Arthur"}
            assert "Navigating to Hotel Arthur" in understood.action_result
            assert understood.answer_wav.startswith(b"RIFF")
            statuses = []
            async for state in updates:
                statuses.append(state.status)
                if state.status is cardeck.GuidanceStatus.ARRIVED:
                    break
            await updates.aclose()
            assert cardeck.GuidanceStatus.ACTIVE in statuses
            place = (await client.maps.search_places("hotel arthur", limit=1))[0]
            final = (await client.maps.watch_guidance().__anext__()).position
            assert abs(final.latitude_deg - place.position.latitude_deg) < 0.002
    finally:
        await unit.stop(0.2)


def test_sync_recognize_streams_pcm_and_returns_partials(speech):
    pcm = to_pcm16k(speech["zoom in"])
    with HeadUnitThread(FAST) as unit, cardeck.Client(unit.target) as client:
        before = client.maps.camera().zoom
        result = client.voice.recognize([pcm[i : i + 6400] for i in range(0, len(pcm), 6400)])
        assert result.transcript == "zoom in"
        assert result.understanding.intent_id == "zoom_in"
        assert result.understanding.builtin
        assert client.maps.camera().zoom == before + 1
        assert result.partials, "partial transcripts arrive while audio flows"


def test_sync_oem_intent_is_invoked_by_speech_and_its_answer_spoken(speech):
    calls = []

    def handler(invocation):
        calls.append(invocation)
        return "The sunroof is opening."

    with HeadUnitThread(FAST) as unit, cardeck.Client(unit.target) as client:
        with client.voice.register_intents(
            "sunroof-app", {"open_sunroof": ["open the sunroof"]}, handler
        ) as session:
            assert session.intent_ids == ("open_sunroof",)
            understood = client.simulator.inject_audio(speech["open the sunroof"])
            with pytest.raises(cardeck.AlreadyExistsError, match="open the sunroof"):
                client.voice.register_intents("copycat", {"mine": ["open the sunroof"]}, handler)
        assert [c.intent_id for c in calls] == ["open_sunroof"]
        assert calls[0].transcript == "open the sunroof"
        assert not understood.builtin
        assert understood.action_result == "The sunroof is opening."
        with wave.open(io.BytesIO(understood.answer_wav)) as reader:
            assert reader.getnframes() / reader.getframerate() > 0.5
        # The intent left with its stream.
        assert not client.voice.understand("open the sunroof").matched


async def test_async_oem_intent_with_a_coroutine_handler():
    async def handler(invocation):
        await asyncio.sleep(0)
        return f"Temperature set to {invocation.slots['number']} degrees."

    unit = HeadUnit(FAST)
    await unit.start()
    try:
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents(
                "climate", {"set_temp": ["set temperature to {number} degrees"]}, handler
            )
            understood = await client.voice.understand(
                "set temperature to twenty one degrees", execute_intents=True
            )
            await session.aclose()
        assert understood.slots == {"number": "21"}
        assert understood.action_result == "Temperature set to 21 degrees."
    finally:
        await unit.stop(0.2)


async def test_async_speak_moves_the_voice_state(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        states = client.voice.watch_state()
        assert (await states.__anext__()).activity is cardeck.VoiceActivity.IDLE
        spoken = await client.voice.speak("Turn left in two hundred metres.")
        seen = [(await states.__anext__()).activity for _ in range(2)]
        await states.aclose()
    assert spoken.wav.startswith(b"RIFF") and spoken.duration_s > 1
    assert seen == [cardeck.VoiceActivity.SPEAKING, cardeck.VoiceActivity.IDLE]


async def _raw_recognize(port, requests):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = pb_grpc.VoiceServiceStub(channel).Recognize(iter(requests))
        with pytest.raises(grpc.RpcError) as caught:
            async for _ in call:
                pass
    return cardeck._exceptions.error_from_rpc(caught.value)


@pytest.mark.parametrize(
    ("requests", "field"),
    [
        ([pb.RecognizeRequest(audio=b"\0\0")], "config"),
        (
            [pb.RecognizeRequest(config=pb.RecognitionConfig(sample_rate_hz=11025))],
            "config.sample_rate_hz",
        ),
        (
            [
                pb.RecognizeRequest(config=pb.RecognitionConfig(sample_rate_hz=16000)),
                pb.RecognizeRequest(audio=b"\0" * 70_000),
            ],
            "requests[1].audio",
        ),
        (
            [
                pb.RecognizeRequest(config=pb.RecognitionConfig(sample_rate_hz=16000)),
                pb.RecognizeRequest(audio=b"\0\0\0"),
            ],
            "requests[1].audio",
        ),
    ],
    ids=["no config", "wrong sample rate", "oversized chunk", "odd chunk"],
)
async def test_async_bad_audio_is_invalid_argument_naming_the_field(aio_unit, requests, field):
    err = await _raw_recognize(aio_unit.port, requests)
    assert isinstance(err, cardeck.InvalidArgumentError)
    assert [v.field for v in err.field_violations] == [field]


def test_sync_malformed_wav_is_invalid_argument(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        # A short file, and one whose truncated chunk header trips the stdlib reader.
        for wav in (b"RIFF0000WAVEnot really", b"RIFF0000WAVEnot really" + b"\0" * 30):
            with pytest.raises(cardeck.InvalidArgumentError) as caught:
                client.simulator.inject_audio(wav)
            assert caught.value.field_violations[0].field == "wav"
        with pytest.raises(cardeck.InvalidArgumentError):
            client.voice.understand("")
