"""Slow and departing subscribers: a stalled client is cut off, the others keep going."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import pytest
from bridge_helpers import BridgeFactory, recv_events_until, recv_json
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from cardeck.v1 import types_pb2
from cardeck_sim.bridge import CLOSE_GOING_AWAY, CLOSE_SUBSCRIBER_TOO_SLOW, EventBridge
from cardeck_sim.state import StateStore

pytestmark = pytest.mark.timeout(30)

MAX_LAG = 256
BATCH = 64
PAYLOAD = "x" * 4096  # big events fill the socket buffers in few appends


def _small_socket(url: str) -> socket.socket:
    """A connected client socket with a tiny receive buffer, so a stall shows quickly."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Before connect, so the window is negotiated small and autotuning is off.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.connect((parts.hostname, parts.port))
    sock.setblocking(False)
    return sock


async def _drain(ws: ClientConnection, seqs: list[int]) -> None:
    """Read frames into ``seqs`` until the connection closes."""
    try:
        while True:
            message = await recv_json(ws, timeout=10)
            seqs.extend(int(e["seq"]) for e in message.get("events", []))
    except ConnectionClosed:
        pass


async def test_a_stalled_client_is_closed_while_a_healthy_one_keeps_receiving(
    make_bridge: BridgeFactory,
) -> None:
    store = StateStore("demo", event_capacity=8192, max_lag=MAX_LAG)
    bridge = await make_bridge(store, batch=BATCH)
    # Long enough that the stalled client can read its close frame below.
    bridge.close_timeout = 10
    assert bridge._server is not None
    server = bridge._server

    # max_queue=1: the client stops reading its socket once one frame waits.
    stalled = await connect(bridge.url, sock=_small_socket(bridge.url), max_queue=1)
    try:
        async with connect(bridge.url) as healthy:
            await recv_json(healthy)
            healthy_seqs: list[int] = []
            reader = asyncio.create_task(_drain(healthy, healthy_seqs))
            stalled_server_side = next(
                c for c in server.connections if c.remote_address[1] == stalled.local_address[1]
            )
            max_buffered = 0
            appended = 0
            try:
                # Append while the stalled client's server side is still open.
                while stalled_server_side.state is State.OPEN:
                    assert appended < 20_000, "The stalled client was never closed."
                    for _ in range(32):
                        store.notice(types_pb2.NOTICE_SEVERITY_INFO, "LOAD", PAYLOAD)
                    appended += 32
                    max_buffered = max(
                        max_buffered, stalled_server_side.transport.get_write_buffer_size()
                    )
                    # Flow control for the healthy client only: it must never lag.
                    while (healthy_seqs[-1] if healthy_seqs else 0) < store.events.head_seq - 64:
                        await asyncio.sleep(0.001)
                # The healthy client still gets every event after the cut-off.
                for _ in range(100):
                    store.notice(types_pb2.NOTICE_SEVERITY_INFO, "AFTER", "after the stall")
                head = store.events.head_seq
                async with asyncio.timeout(10):
                    while not healthy_seqs or healthy_seqs[-1] < head:
                        await asyncio.sleep(0.005)
            finally:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)
            assert healthy_seqs == list(range(1, head + 1))

        # Memory stays bounded: what waits for the stalled client is at most the
        # write buffer's high-water mark plus one frame (BATCH events).
        assert max_buffered <= 32 * 1024 + BATCH * (len(PAYLOAD) + 200)

        # The stalled client wakes up: it gets what was in flight, then the close
        # that tells it where to resume.
        stalled_seqs: list[int] = []
        await _drain(stalled, stalled_seqs)
        assert stalled.close_code == CLOSE_SUBSCRIBER_TOO_SLOW
        assert stalled.close_reason is not None
        assert f"?after={stalled_seqs[-1]}&run_id={store.events.run_id}" in stalled.close_reason
        assert stalled_seqs == list(range(1, stalled_seqs[-1] + 1))

        # Resuming as told loses nothing.
        async with connect(f"{bridge.url}?after={stalled_seqs[-1]}") as again:
            rest = await recv_events_until(again, store.events.head_seq)
        assert [int(e["seq"]) for e in rest] == list(range(stalled_seqs[-1] + 1, head + 1))

    finally:
        await stalled.close()  # a no-op when the bridge closed it


async def test_aclose_ends_every_connection_with_going_away(
    store: StateStore, make_bridge: BridgeFactory
) -> None:
    bridge: EventBridge = await make_bridge(store)
    clients = [await connect(bridge.url) for _ in range(3)]
    for ws in clients:
        await recv_json(ws)
    store.notice(types_pb2.NOTICE_SEVERITY_INFO, "BYE", "one more")
    for ws in clients:
        await recv_events_until(ws, store.events.head_seq)
    assert bridge.connection_count == 3

    async with asyncio.timeout(5):
        await bridge.aclose()
    for ws in clients:
        await ws.wait_closed()
        assert ws.close_code == CLOSE_GOING_AWAY
        assert f"?after={store.events.head_seq}" in (ws.close_reason or "")
    assert bridge.connection_count == 0
    # And nothing listens any more.
    with pytest.raises(OSError):
        await connect(bridge.url, open_timeout=2)


async def test_a_stopping_head_unit_ends_live_subscribers_with_where_to_resume(
    store: StateStore, bridge: EventBridge
) -> None:
    # Caught-up subscribers are served by the shared fan-out; the log closing
    # must still reach each of them as a close frame naming its resume point.
    clients = [await connect(bridge.url) for _ in range(3)]
    slow_kinds = await connect(f"{bridge.url}?kinds=service")
    for ws in (*clients, slow_kinds):
        await recv_json(ws)
    for i in range(5):
        store.notice(types_pb2.NOTICE_SEVERITY_INFO, "BYE", f"notice {i}")
    head = store.events.head_seq
    for ws in (*clients, slow_kinds):
        await recv_events_until(ws, head)
    store.events.close()
    for ws in (*clients, slow_kinds):
        async with asyncio.timeout(5):
            await ws.wait_closed()
        assert ws.close_code == CLOSE_GOING_AWAY
        assert f"?after={head}&run_id={store.events.run_id}" in (ws.close_reason or "")
