"""examples/web_events.py serves a page that lists a real head unit's events, in real Chromium."""

from __future__ import annotations

import signal
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from example_helpers import EXAMPLES, RunningExample, run_example

import cardeck
from cardeck import Gear
from cardeck.testing import HeadUnitThread
from tests.integration._chromium import open_page

pytestmark = pytest.mark.timeout(60)


def _row_text(seq: int) -> str:
    return f"document.querySelector('tr[data-seq=\"{seq}\"] td.what')?.textContent ?? null"


async def test_page_lists_an_event_the_test_makes(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    example = RunningExample("web_events.py", "--target", headunit.target, "--port", "0")
    try:
        bridge = example.wait_for_line(r"^WebSocket bridge: (\S+)$")[1]
        assert bridge == client.info().websocket_url
        url = example.wait_for_line(r"^Open (http://127\.0\.0\.1:\d+/events\.html\?\S+)$")[1]
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) == {"bridge": [bridge]}

        async with open_page(url) as page:
            await page.wait_for("document.getElementById('status').textContent", "live")
            await page.wait_for("document.querySelector('tr.snapshot') !== null", True)

            events = client.events()
            events.open()
            client.update_vehicle_state(speed_kmh=42, gear=Gear.DRIVE, parking_brake_on=False)
            made = [next(events), next(events)]
            events.close()

            assert [e.kind for e in made] == [
                cardeck.EventKind.VEHICLE_STATE,
                cardeck.EventKind.DRIVE_RESTRICTIONS,
            ]
            await page.wait_for(_row_text(made[0].seq), "42.0 km/h, gear drive, parking brake off")
            text = await page.evaluate(_row_text(made[1].seq))
            assert text.startswith("driving: Driving: not in P")
            kind = f"document.querySelector('tr[data-seq=\"{made[0].seq}\"]').dataset.kind"
            assert await page.evaluate(kind) == "vehicleStateChanged"
            assert await page.evaluate("document.getElementById('seq').textContent") == str(
                made[1].seq
            )

        code, rest, stderr = example.stop(signal.SIGTERM)
    finally:
        example.kill()
    assert code == 0, stderr
    assert rest.strip().endswith("Stopped.")


def test_no_serve_prints_a_file_url_with_the_bridge_and_token(headunit: HeadUnitThread) -> None:
    result = run_example(
        "web_events.py", "--target", headunit.target, "--no-serve", "--token", "t0k"
    )
    assert result.returncode == 0, result.stderr
    url = result.stdout.splitlines()[-1].removeprefix("Open ")
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "file"
    assert Path(urllib.parse.unquote(parts.path)) == EXAMPLES / "web" / "events.html"
    query = urllib.parse.parse_qs(parts.query)
    assert query["token"] == ["t0k"]
    assert query["bridge"][0].startswith("ws://127.0.0.1:")
