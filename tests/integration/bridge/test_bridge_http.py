"""The HTTP side of the bridge: auth, query validation, routing and the sample app."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request
from email.message import Message

import pytest
from bridge_helpers import BridgeFactory, recv_json
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

import cardeck_sim.bridge as bridge_pkg
from cardeck_sim.bridge import EventBridge
from cardeck_sim.state import StateStore

pytestmark = pytest.mark.timeout(30)


def test_exports_are_sorted_and_real() -> None:
    names = bridge_pkg.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(bridge_pkg, n) for n in names)


async def _refusal(url: str, **kwargs: object) -> tuple[int, str]:
    with pytest.raises(InvalidStatus) as caught:
        async with connect(url, **kwargs):  # type: ignore[arg-type]
            pass
    response = caught.value.response
    return response.status_code, response.body.decode()


@pytest.fixture
async def guarded(store: StateStore, make_bridge: BridgeFactory) -> EventBridge:
    return await make_bridge(store, authorize=lambda token: token == "reader-token")


async def test_401_without_a_token(guarded: EventBridge) -> None:
    status, body = await _refusal(guarded.url)
    assert status == 401
    assert body.startswith("The bridge needs a token with the read scope.")


@pytest.mark.parametrize(
    ("suffix", "headers"),
    [("?token=wrong", None), ("", {"Authorization": "Bearer wrong"}), ("?after=zz", None)],
)
async def test_401_with_a_bad_token(
    guarded: EventBridge, suffix: str, headers: dict[str, str] | None
) -> None:
    status, body = await _refusal(guarded.url + suffix, additional_headers=headers)
    assert status == 401, "Auth comes before query validation."
    assert body.endswith(".\n")


@pytest.mark.parametrize(
    ("suffix", "headers"),
    [("?token=reader-token", None), ("", {"Authorization": "Bearer reader-token"})],
)
async def test_a_good_token_in_header_or_query_is_accepted(
    guarded: EventBridge, suffix: str, headers: dict[str, str] | None
) -> None:
    async with connect(guarded.url + suffix, additional_headers=headers) as ws:
        assert "snapshot" in await recv_json(ws)


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ("after=abc", "after must be a sequence number"),
        ("after=-1", "after must be a sequence number"),
        ("after=99", "after=99 is ahead of the newest event"),
        ("kinds=vehicle_state,weather", "kinds holds 'weather', which is not an event kind"),
        ("since=4", "The query parameter 'since' is unknown"),
        ("after=1&after=2", "is given more than once"),
    ],
)
async def test_400_on_bad_query_values(bridge: EventBridge, query: str, sentence: str) -> None:
    status, body = await _refusal(f"{bridge.url}?{query}")
    assert status == 400
    assert sentence in body
    assert body.rstrip().endswith(".")


async def test_404_on_another_path(bridge: EventBridge) -> None:
    status, body = await _refusal(bridge.url.replace("/v1/events", "/v1/other"))
    assert status == 404
    assert "/v1/events" in body


def _get(url: str) -> tuple[int, Message, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers, response.read().decode()


async def test_sample_app_is_served_same_origin(bridge: EventBridge) -> None:
    url = bridge.url.replace("ws://", "http://").replace("/v1/events", "/app/drive_state.html")
    status, headers, body = await asyncio.to_thread(_get, url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "new WebSocket(" in body
    # Self-contained: nothing loaded from elsewhere, and the policy says so.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", body)
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "connect-src 'self'" in headers["Content-Security-Policy"]


async def test_url_needs_a_started_bridge(store: StateStore) -> None:
    with pytest.raises(RuntimeError, match="await start"):
        _ = EventBridge(store).url


async def test_a_plain_get_of_the_event_path_is_refused_without_a_trace(
    bridge: EventBridge,
) -> None:
    url = bridge.url.replace("ws://", "http://")
    with pytest.raises(urllib.error.HTTPError) as caught:
        await asyncio.to_thread(_get, url)
    caught.value.close()
    assert caught.value.code == 426  # Upgrade Required, from websockets
    assert bridge.connection_count == 0
