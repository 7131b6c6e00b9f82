"""Closing a client (or a stream) while another thread or task reads its stream ends that loop.

The loop stops after the events already received, without an exception, as
httpx users expect of a closed client: no asyncio.CancelledError and no gRPC
CANCELLED escapes from `for event in stream`. Each case runs through the
compiled hand-out iterator and through its pure-Python twin.
"""

import asyncio
import threading
import time

import pytest

import cardeck
import cardeck._hand_out
from cardeck._compiled import compiled_module
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import ServiceConfig

UPDATES = 20
# Far longer than any test waits: a stream still sleeping it out would time out.
SLOW = cardeck.ReconnectPolicy(initial_s=60, jitter=0)


@pytest.fixture(params=["compiled", "pure Python"])
def hand_out(request, monkeypatch):
    """Which hand-out iterator `for event in stream` steps."""
    if request.param == "pure Python":
        monkeypatch.setattr(cardeck._hand_out, "compiled_module", lambda: None)
    else:
        assert compiled_module() is not None, "make setup builds cardeck._event_type"
    return request.param


def read_in_thread(loop):
    """Run ``loop()`` in a thread; returns the thread and a dict that gets its result or error."""
    out = {}

    def run():
        try:
            out["result"] = loop()
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def wait_until(condition, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def seqs_of(stream, by):
    """A loop reading ``stream`` by event or by batch, appending seqs to a list it returns."""
    seqs = []

    def loop():
        if by == "event":
            for event in stream:
                seqs.append(event.seq)
        else:
            for batch in stream.batches():
                seqs.extend(e.seq for e in batch)
        return "ended"

    return seqs, loop


@pytest.mark.parametrize("by", ["event", "batch"])
@pytest.mark.parametrize("closer", ["client", "stream"])
def test_closing_ends_a_loop_reading_events_in_another_thread(thread_unit, hand_out, by, closer):
    client = cardeck.Client(thread_unit.target)
    stream = client.events(kinds=[cardeck.EventKind.VEHICLE_STATE])
    stream.open()
    seqs, loop = seqs_of(stream, by)
    thread, out = read_in_thread(loop)
    for speed in range(1, UPDATES + 1):
        client.update_vehicle_state(speed_kmh=speed)
    wait_until(lambda: len(seqs) == UPDATES)  # the reader now waits for more
    (client if closer == "client" else stream).close()
    thread.join(10)
    assert not thread.is_alive()
    assert out == {"result": "ended"}
    assert stream.last_seq == seqs[-1]
    client.close()


def test_closing_the_client_wakes_a_stream_waiting_to_resubscribe(hand_out):
    unit = HeadUnitThread(ServiceConfig(port=0)).start()
    client = cardeck.Client(unit.target, reconnect=SLOW)
    stream = client.events()
    stream.open()
    _, loop = seqs_of(stream, "event")
    thread, out = read_in_thread(loop)
    unit.stop()  # UNAVAILABLE: the stream sleeps 60 s before resubscribing
    wait_until(lambda: stream.resubscriptions == 1)
    started = time.monotonic()
    client.close()
    thread.join(10)
    assert time.monotonic() - started < 5
    assert out == {"result": "ended"}


def test_closing_the_client_ends_a_state_stream_read_in_another_thread(thread_unit):
    client = cardeck.Client(thread_unit.target)
    states = client.browser.watch_state()
    first = []
    thread, out = read_in_thread(lambda: [first.append(s) for s in states] and "ended")
    wait_until(lambda: first)  # the current state arrived; the reader waits for a change
    client.close()
    thread.join(10)
    assert not thread.is_alive()
    assert out == {"result": "ended"}


def test_a_stream_of_a_closed_client_ends_and_refuses_to_open(thread_unit):
    client = cardeck.Client(thread_unit.target)
    never_started, started = client.events(), client.events()
    started.open()
    client.close()
    assert list(started) == []
    with pytest.raises(cardeck.UsageError, match="This client is closed"):
        never_started.open()


# -- the asyncio twin: another task reads --------------------------------------


async def aseqs(stream, by, seqs):
    if by == "event":
        async for event in stream:
            seqs.append(event.seq)
    else:
        async for batch in stream.batches():
            seqs.extend(e.seq for e in batch)
    return "ended"


async def await_until(condition, timeout_s=20.0):
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("by", ["event", "batch"])
@pytest.mark.parametrize("closer", ["client", "stream"])
async def test_async_closing_ends_a_task_reading_events(aio_unit, hand_out, by, closer):
    client = cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}")
    stream = client.events(kinds=[cardeck.EventKind.VEHICLE_STATE])
    await stream.open()
    seqs = []
    reader = asyncio.create_task(aseqs(stream, by, seqs))
    for speed in range(1, UPDATES + 1):
        await client.update_vehicle_state(speed_kmh=speed)
    await await_until(lambda: len(seqs) == UPDATES)
    await (client.aclose() if closer == "client" else stream.aclose())
    assert await asyncio.wait_for(reader, 10) == "ended"
    assert stream.last_seq == seqs[-1]
    await client.aclose()


async def test_async_closing_the_client_wakes_a_stream_waiting_to_resubscribe(hand_out):
    unit = HeadUnitThread(ServiceConfig(port=0)).start()
    client = cardeck.AsyncClient(unit.target, reconnect=SLOW)
    stream = client.events()
    await stream.open()
    reader = asyncio.create_task(aseqs(stream, "event", []))
    unit.stop()
    await await_until(lambda: stream.resubscriptions == 1)
    await client.aclose()
    assert await asyncio.wait_for(reader, 5) == "ended"


async def test_async_closing_the_client_ends_a_task_reading_states(aio_unit):
    client = cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}")
    states = client.browser.watch_state()
    first = []

    async def read():
        async for state in states:
            first.append(state)
        return "ended"

    reader = asyncio.create_task(read())
    await await_until(lambda: first)
    await client.aclose()
    assert await asyncio.wait_for(reader, 10) == "ended"


async def test_async_cancelling_the_reading_task_still_cancels_it(aio_unit, hand_out):
    # The clean end is for a closed stream only: a task cancelled by its owner
    # must see CancelledError, or asyncio.timeout() and TaskGroup break.
    client = cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}")
    stream = client.events()
    await stream.open()
    reader = asyncio.create_task(aseqs(stream, "event", []))
    await asyncio.sleep(0.2)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    await client.aclose()
