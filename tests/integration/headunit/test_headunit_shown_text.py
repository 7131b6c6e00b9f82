"""Every proto field documented as shown to people comes from the catalogs (issue 20).

A field whose comment says "Shown to people" (protos/cardeck/v1) is text the head
unit writes for a person to read or hear. With the head unit in the pseudo-locale
``en-XA`` every such text must come back pseudo-localised: accented and bracketed,
with no plain-ASCII English word left except data (place and street names, an
engine's own reason). A plain word is a string written into the code instead of
the catalogs.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import cardeck
from cardeck import EventKind
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from tests.integration.conftest import serving

PROTOS = Path(__file__).resolve().parents[3] / "protos" / "cardeck" / "v1"
MARK = "Shown to people"

# A word of two or more plain ASCII letters: en-XA accents every letter it translates.
_PLAIN_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]{2,}(?![^\W\d_])")


def shown_fields() -> set[str]:
    """``Message.field`` of every field whose comment in the protos says "Shown to people"."""
    found: set[str] = set()
    for proto in sorted(PROTOS.glob("*.proto")):
        stack: list[str] = []
        comment: list[str] = []
        for raw in proto.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line.startswith("//"):
                comment.append(line)
                continue
            opened = re.match(r"(message|enum|oneof|service)\s+(\w+)\s*\{", line)
            if opened:
                stack.append(opened.group(2) if opened.group(1) == "message" else "")
            field = re.match(r"(?:repeated\s+|optional\s+)?[\w.]+\s+(\w+)\s*=\s*\d+;", line)
            if field and MARK in " ".join(comment):
                message = next(name for name in reversed(stack) if name)
                found.add(f"{message}.{field.group(1)}")
            if line.endswith("}") and stack and not opened:
                stack.pop()
            comment = []
    return found


def plain_english(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The plain-ASCII words of ``text`` once the data in it is taken out."""
    for item in sorted(data, key=len, reverse=True):
        if item:
            text = text.replace(item, " ")
    return _PLAIN_WORD.findall(text)


def assert_pseudo(texts: list[str], data: tuple[str, ...] = ()) -> None:
    """Each text is en-XA: bracketed, and no plain English word outside the data."""
    assert texts, "the producer returned no text to check"
    for text in texts:
        assert text.strip(), "an empty text"
        assert "[" in text and "]" in text, f"not pseudo-localised (no brackets): {text!r}"
        assert plain_english(text, data) == [], f"plain English in {text!r}"


@dataclass(frozen=True)
class Producer:
    """How to get a field's text out of a head unit in en-XA."""

    field: str
    run: Callable[[cardeck.Client], tuple[list[str], tuple[str, ...]]]


def _instructions(client: cardeck.Client) -> tuple[list[str], tuple[str, ...]]:
    stockmann = client.maps.search_places("stockmann", limit=1)[0]
    hotel = client.maps.search_places("hotel arthur", limit=1)[0]
    route = client.maps.compute_route(stockmann.position, hotel.position)
    streets = tuple(m.street_name for m in route.maneuvers)
    return [m.instruction for m in route.maneuvers], (*streets, stockmann.name, hotel.name)


def _action_result(client: cardeck.Client) -> tuple[list[str], tuple[str, ...]]:
    return [client.voice.understand("zoom in", execute_intents=True).action_result], ()


def _spoken_text(client: cardeck.Client) -> tuple[list[str], tuple[str, ...]]:
    client.voice.understand("zoom out", execute_intents=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        stream = client.events(kinds=[EventKind.VOICE])
        snapshot = stream.open()
        stream.close()
        assert snapshot is not None and snapshot.voice_state is not None
        if snapshot.voice_state.spoken_text:
            return [snapshot.voice_state.spoken_text], ()
        time.sleep(0.1)
    raise AssertionError("the head unit spoke nothing after 'zoom out'")


def _prompt(client: cardeck.Client) -> tuple[list[str], tuple[str, ...]]:
    asked = client.voice.understand(
        "navigate to hotel artur", execute_intents=True, confirm_below_confidence=0.9
    )
    assert asked.pending_confirmation is not None
    client.voice.answer_confirmation(asked.pending_confirmation.confirmation_id, False)
    return [asked.pending_confirmation.prompt], ("Hotel Arthur",)


PRODUCERS = [
    Producer("Maneuver.instruction", _instructions),
    Producer("Understanding.action_result", _action_result),
    Producer("VoiceState.spoken_text", _spoken_text),
    Producer("PendingConfirmation.prompt", _prompt),
]
# Checked by its own test below: it needs a browser engine to crash.
NOTICE = "ServiceNotice.message"


def test_every_field_shown_to_people_has_a_producer_here():
    assert shown_fields() == {p.field for p in PRODUCERS} | {NOTICE}


def test_the_checker_tells_pseudo_text_from_english():
    from cardeck.i18n import pseudo_localize

    text = pseudo_localize("Turn right onto {street}", "en-XA").format(street="Mannerheimintie")
    assert plain_english(text, ("Mannerheimintie",)) == []
    assert plain_english("Turn right onto Mannerheimintie", ("Mannerheimintie",)) == [
        "Turn",
        "right",
        "onto",
    ]


@pytest.fixture(scope="module")
def xa_client() -> Iterator[cardeck.Client]:
    config = ServiceConfig(port=0, locale="en-XA", browser=False, ws_port=None)
    with HeadUnitThread(config) as unit, cardeck.Client(unit.target) as client:
        assert client.info().locale == "en-XA"
        yield client


@pytest.mark.parametrize("producer", PRODUCERS, ids=lambda p: p.field)
def test_a_field_shown_to_people_is_pseudo_localised_in_en_xa(xa_client, producer):
    texts, data = producer.run(xa_client)
    assert_pseudo(texts, data)


async def test_a_service_notice_is_pseudo_localised_in_en_xa(tmp_path):
    # A real Chromium killed from outside: the head unit restarts it and says so.
    unit = HeadUnit(ServiceConfig(port=0, locale="en-XA", ws_port=None))
    async with serving(unit), cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
        if not (await client.info()).has(cardeck.Capability.BROWSER):
            pytest.skip("no Chromium on this machine")
        await client.browser.navigate("about:blank")
        stream = client.events(kinds=[EventKind.SERVICE])
        await stream.open()
        os.kill(unit.browser._engine.pid, signal.SIGKILL)
        notice = await asyncio.wait_for(stream.__anext__(), 30)
        await stream.aclose()
    assert notice.data.code == "BROWSER_RESTARTED"
    message = notice.data.message
    reason = re.search(r"\(([^()]*)\)", message)
    # The engine's reason is data (its own English, e.g. "exit code -9").
    assert_pseudo([message], (reason.group(1),) if reason else ())
