"""Voice in Korean through a real gRPC server on 127.0.0.1: Speak, Understand, answers, refusal."""

from __future__ import annotations

import array
import asyncio
import io
import math
import re
import wave

import pytest

import cardeck
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from cardeck_sim.voice import synthesize

FAST = ServiceConfig(port=0, voice_guidance_time_scale=300)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _voiced(wav: bytes) -> tuple[float, float]:
    """(seconds of voiced audio, RMS over it) of a 16-bit mono WAV: 10 ms frames over -40 dBFS."""
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        samples = array.array("h", reader.readframes(reader.getnframes()))
    frame = rate // 100
    voiced: list[float] = []
    for start in range(0, len(samples) - frame, frame):
        chunk = samples[start : start + frame]
        rms = math.sqrt(sum(s * s for s in chunk) / frame)
        if rms > 32768 * 0.01:
            voiced.append(rms)
    if not voiced:
        return 0.0, 0.0
    return len(voiced) / 100, math.sqrt(sum(r * r for r in voiced) / len(voiced))


async def test_speak_with_the_korean_voice_is_audible_korean(aio_unit):
    short, long_ = "안녕하세요", "100미터 앞에서 시청으로 우회전하세요. 경로 안내를 시작합니다."
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        first = await client.voice.speak(short, voice="ko")
        second = await client.voice.speak(long_, voice="ko")
        # No voice named, on a Korean head unit: the Korean voice, the same audio.
        aio_unit.store.set_locale("ko")
        auto = await client.voice.speak(long_)
    for spoken in (first, second):
        seconds, rms = _voiced(spoken.wav)
        assert seconds > 0.4 and rms > 32768 * 0.05, (seconds, rms)
    # Duration grows with the text: ~5x the syllables, 3-8x the voiced time.
    ratio = _voiced(second.wav)[0] / _voiced(first.wav)[0]
    assert 3.0 < ratio < 8.0, ratio
    assert second.duration_s > first.duration_s
    assert auto.wav == second.wav
    # espeak-ng reads Hangul with its Korean voice, not letter by letter in English.
    english = synthesize(long_, "en-us")
    assert english != second.wav


async def test_understand_in_korean_acts_and_answers_in_korean():
    unit = HeadUnit(FAST)
    await unit.start()
    try:
        unit.store.set_locale("ko")
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            before = (await client.maps.camera()).zoom
            zoom = await client.voice.understand("지도 확대해 줘", execute_intents=True)
            assert zoom.intent_id == "zoom_in" and zoom.builtin
            assert (await client.maps.camera()).zoom == before + 1
            assert zoom.action_result == f"지도 확대 수준 {before + 1:g}입니다."
            assert zoom.answer_wav.startswith(b"RIFF")
            missing = await client.voice.understand("없는곳으로 안내해 줘", execute_intents=True)
            assert missing.intent_id == "navigate" and missing.slots == {"place": "없는곳"}
            assert missing.action_result == "없는곳이라고 하는 장소를 찾지 못했습니다."
            nothing = await client.voice.understand("오늘 날씨 어때", execute_intents=True)
            assert not nothing.matched
            assert nothing.action_result == "죄송합니다. 잘 알아듣지 못했어요."
            # Back to English: the next answer is English.
            unit.store.set_locale("en")
            out = await client.voice.understand("zoom out", execute_intents=True)
            assert out.action_result == f"Zoom level {before:g}."
    finally:
        await unit.stop(0.2)


async def test_a_korean_oem_intent_asks_and_takes_a_korean_yes():
    calls = []

    async def handler(invocation):
        calls.append(invocation)
        return "선루프를 엽니다."

    unit = HeadUnit(FAST)
    await unit.start()
    try:
        unit.store.set_locale("ko")
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            session = await client.voice.register_intents(
                "sunroof",
                {
                    "open": cardeck.IntentSpec(["선루프 열어"], actuating=True),
                    "temp": ["온도 {number}도로 맞춰"],
                },
                handler,
            )
            asked = await client.voice.understand("선루프 좀 열어 줘", execute_intents=True)
            assert asked.intent_id.endswith("/open") and not asked.builtin
            assert asked.pending_confirmation is not None
            assert asked.action_result == "선루프 열어?"
            yes = await client.voice.understand("네", execute_intents=True)
            assert yes.action_result == "선루프를 엽니다."
            temp = await client.voice.understand(
                "온도를 이십일도로 맞춰 주세요", execute_intents=True
            )
            assert temp.slots == {"number": "21"}
            await session.aclose()
        assert [c.intent_id for c in calls] == ["open", "temp"]
    finally:
        await unit.stop(0.2)


async def test_recognition_in_a_locale_without_a_model_is_refused(aio_unit):
    if aio_unit.voice.asr_reason:
        pytest.skip(aio_unit.voice.asr_reason)
    aio_unit.store.set_locale("ko")
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        info = await client.info()
        (asr,) = (
            c for c in info.capabilities if c.capability is cardeck.Capability.SPEECH_RECOGNITION
        )
        assert not asr.available and "no acoustic model for the locale 'ko'" in asr.reason
        with pytest.raises(
            cardeck.FailedPreconditionError, match="no acoustic model for the locale 'ko'"
        ):
            await client.voice.recognize([b"\0\0" * 1600])
        aio_unit.store.set_locale("en")
        assert (await client.info()).has(cardeck.Capability.SPEECH_RECOGNITION)
        result = await asyncio.wait_for(client.voice.recognize([b"\0\0" * 1600]), 30)
        assert not result.understanding.matched


async def test_navigate_in_korean_on_a_korean_map_guides_in_korean(tmp_path):
    from tests.integration.headunit.test_headunit_maps_hangul import write_extract

    seoul = write_extract(tmp_path / "seoul.osm.pbf")
    unit = HeadUnit(ServiceConfig(port=0, map_data=seoul, voice_guidance_time_scale=300))
    await unit.start()
    try:
        unit.store.set_locale("ko")
        # Typed Korean names arrive once the map has loaded: until then 서울역 is only an
        # open place (confidence 0.7), so wait for the known one.
        for _ in range(600):
            if unit.voice.engine.understand("서울역으로 안내해 줘").confidence >= 1.0:
                break
            await asyncio.sleep(0.05)
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            updates = client.maps.watch_guidance()
            await asyncio.wait_for(updates.__anext__(), 5)
            went = await client.voice.understand("서울역으로 안내해 줘", execute_intents=True)
            assert (went.intent_id, went.slots, went.confidence) == (
                "navigate",
                {"place": "서울역"},
                1.0,
            )
            assert went.action_result.startswith("서울역으로 안내를 시작합니다. 약 ")
            said = []
            async for state in updates:
                if state.next_maneuver is not None:
                    said.append(state.next_maneuver.instruction)
                if state.status is cardeck.GuidanceStatus.ARRIVED:
                    break
            await updates.aclose()
            # The route on the wire: the road's Korean name, the particle after it.
            route = await client.maps.compute_route((37.5760, 126.9768), (37.5547, 126.9768))
        assert said and all(re.search(r"\d미터|킬로미터", t) for t in said), said
        assert all(t.endswith("앞에 목적지가 있습니다.") for t in said), said
        depart = route.maneuvers[0].instruction
        assert depart.startswith("세종대로를 따라 남쪽으로 "), depart
        assert depart.endswith("주행하세요."), depart
    finally:
        await unit.stop(0.2)
