"""Hand-out iterators: single events out of batches (asyncio: compiled and pure-Python alike).

Streams iterate by event through these (see cardeck/_hand_out.py); the
network-level behaviour (resume, kill -9, break mid-batch) is tested in
tests/integration/headunit. Here: order, the `handed` position, the end,
errors, cancellation and every way Python can drive an awaitable.
"""

import asyncio
import gc
import sys

import pytest

import cardeck
from cardeck import _event_type
from cardeck._hand_out import HandOut, PyAsyncHandOut
from cardeck.v1 import types_pb2

SYNC = [pytest.param(HandOut, id="pure-python")]  # a compiled one bought < 10 % (issue 15)
ASYNC = [
    pytest.param(_event_type.AsyncHandOut, id="compiled"),
    pytest.param(PyAsyncHandOut, id="pure-python"),
]


def batch(*seqs):
    return cardeck.EventBatch([types_pb2.Event(seq=s, run_id="r1") for s in seqs])


BATCHES = [(1, 2, 3), (4,), (5, 6)]


async def batches_slowly(log=None, fail_after=None):
    """Batches with a real suspension before each, as a stream waiting on the network."""
    try:
        for i, seqs in enumerate(BATCHES):
            if i == fail_after:
                raise ConnectionError("head unit gone")
            await asyncio.sleep(0.001)
            yield batch(*seqs)
    finally:
        if log is not None:
            log.append("batches closed")


@pytest.mark.parametrize("hand_out", SYNC)
def test_sync_hand_out_gives_every_event_in_order_and_tracks_the_position(hand_out):
    it = hand_out(iter([batch(*s) for s in BATCHES]))
    seen = []
    assert it.handed is None
    for event in it:
        seen.append(event.seq)
        assert isinstance(event, cardeck.Event) and it.handed == event.seq
        if event.seq == 3:
            break
    assert seen == [1, 2, 3] and it.handed == 3  # stopped at the end of a batch, still inside it
    assert [e.seq for e in it] == [4, 5, 6]
    assert it.handed is None  # between batches (here: after the last)
    assert list(it) == []


@pytest.mark.parametrize("hand_out", SYNC)
def test_sync_hand_out_passes_a_batch_iterator_failure_on(hand_out):
    def failing():
        yield batch(1, 2)
        raise ConnectionError("head unit gone")

    it = iter(hand_out(failing()))
    assert [next(it).seq, next(it).seq] == [1, 2]
    with pytest.raises(ConnectionError, match="head unit gone"):
        next(it)


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_async_hand_out_gives_every_event_in_order_and_tracks_the_position(hand_out):
    it = hand_out(batches_slowly())
    seen = []
    async for event in it:
        seen.append(event.seq)
        assert it.handed == event.seq
        if event.seq == 5:
            break
    assert seen == [1, 2, 3, 4, 5] and it.handed == 5
    assert [e.seq async for e in it] == [6]
    assert it.handed is None
    with pytest.raises(StopAsyncIteration):
        await it.__aiter__().__anext__()


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_async_hand_out_passes_a_batch_iterator_failure_on(hand_out):
    log = []
    it = hand_out(batches_slowly(log, fail_after=1)).__aiter__()
    assert [(await it.__anext__()).seq for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ConnectionError, match="head unit gone"):
        await it.__anext__()
    assert log == ["batches closed"]


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_cancelling_a_reader_that_waits_for_a_batch_reaches_the_batch_iterator(hand_out):
    log = []
    gate = asyncio.Event()

    async def waits_forever():
        try:
            yield batch(1)
            await gate.wait()  # the network, silent
            yield batch(2)
        finally:
            log.append("batches closed")

    it = hand_out(waits_forever())
    seen = []

    async def reader():
        async for event in it:
            seen.append(event.seq)

    task = asyncio.create_task(reader())
    await asyncio.sleep(0.01)
    assert seen == [1] and not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert log == ["batches closed"]


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_a_timeout_around_one_step_cancels_only_that_wait(hand_out):
    gate = asyncio.Event()

    async def slow_second_batch():
        yield batch(1)
        try:
            await gate.wait()
        except asyncio.CancelledError:
            yield batch(2)  # a batch iterator may answer a cancel with a batch
        yield batch(3)

    it = hand_out(slow_second_batch()).__aiter__()
    assert (await it.__anext__()).seq == 1
    # wait_for wraps the step in a task and cancels it on timeout; the batch
    # iterator answers the cancel with a batch, so the step returns an event.
    assert (await asyncio.wait_for(it.__anext__(), 0.01)).seq == 2
    assert (await it.__anext__()).seq == 3


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_a_second_concurrent_step_is_refused(hand_out):
    it = hand_out(batches_slowly()).__aiter__()
    first = asyncio.ensure_future(it.__anext__())
    await asyncio.sleep(0)  # the first step now waits for its batch
    with pytest.raises(RuntimeError):
        await it.__anext__()
    assert (await first).seq == 1


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_async_hand_out_under_a_tracer(hand_out):
    # Under sys.settrace (debuggers, coverage) CPython drives awaitables through
    # __next__/send instead of the fast send slot: both must hand out the same.
    calls = []

    def tracer(frame, event, arg):
        calls.append(event)
        return None

    sys.settrace(tracer)
    try:
        seen = [e.seq async for e in hand_out(batches_slowly())]
    finally:
        sys.settrace(None)
    assert seen == [1, 2, 3, 4, 5, 6] and calls


async def test_the_compiled_async_hand_out_forwards_throw_and_close():
    # Driven by hand, as a Task drives a step: send, then throw or close while it waits.
    log = []
    it = _event_type.AsyncHandOut(batches_slowly(log))
    step = it.__anext__()
    assert isinstance(step.send(None), asyncio.Future)  # the batch fetch waits on a timer
    with pytest.raises(ValueError, match="from outside"):
        step.throw(ValueError("from outside"))
    assert log == ["batches closed"]
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()  # the failure ended the iteration, as it ends a generator
    # Nothing in flight: a throw is raised where it is thrown, close does nothing.
    step = it.__anext__()
    with pytest.raises(KeyError):
        step.throw(KeyError("k"))
    assert it.__anext__().close() is None

    class Fetch:
        """A batch fetch that never completes and says when it is closed."""

        def __await__(self):
            return self

        def __next__(self):
            return None  # waiting

        def send(self, value):
            return None

        def throw(self, *exc):
            raise exc[0]

        def close(self):
            log.append("fetch closed")

    class Batches:
        def __aiter__(self):
            return self

        def __anext__(self):
            return Fetch()

    log.clear()
    it = _event_type.AsyncHandOut(Batches())
    step = it.__anext__()
    assert step.send(None) is None  # waiting for a batch
    assert step.close() is None
    assert log == ["fetch closed"]
    with pytest.raises(RuntimeError, match="already awaited"):
        step.send(None)
    step = it.__anext__()
    assert step is not it.__anext__() and step.send(None) is None  # a new step, a new fetch


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_a_cancel_reaches_a_fetch_without_throw_as_a_cancel(hand_out):
    class Wait:
        """An awaitable iterator with only __next__ (no throw or close), waiting on a future."""

        def __init__(self, future):
            self.future = future

        def __await__(self):
            return self

        def __iter__(self):
            return self

        def __next__(self):
            if self.future.done():
                raise StopIteration(batch(1))
            self.future._asyncio_future_blocking = True  # what Future.__await__ does
            return self.future

    class Batches:
        def __aiter__(self):
            return self

        def __anext__(self):
            return Wait(asyncio.get_running_loop().create_future())

    task = asyncio.create_task(anext(hand_out(Batches()).__aiter__()))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("hand_out", ASYNC)
async def test_two_steps_gathered_do_not_hand_out_one_event_twice(hand_out):
    it = hand_out(batches_slowly()).__aiter__()
    with pytest.raises(RuntimeError):  # the second step finds the first waiting for a batch
        await asyncio.gather(it.__anext__(), it.__anext__())
    await asyncio.sleep(0.05)


@pytest.mark.parametrize("hand_out", SYNC)
def test_a_hand_out_of_a_non_iterator_is_refused_or_iterated(hand_out):
    # A list of batches is iterable: it is iterated.
    assert [e.seq for e in hand_out([batch(1), batch(2)])] == [1, 2]
    with pytest.raises(TypeError):
        list(hand_out(42))


@pytest.mark.parametrize("hand_out", SYNC)
def test_a_failing_batch_ends_the_iteration(hand_out):
    class BadBatch:
        def __iter__(self):
            yield cardeck.Event(types_pb2.Event(seq=1, run_id="r1"))
            raise ValueError("bad batch")

    it = iter(hand_out(iter([BadBatch(), batch(2)])))
    assert next(it).seq == 1
    with pytest.raises(ValueError, match="bad batch"):
        next(it)
    assert list(it) == [], "as a generator that raised, the iteration is over"


async def test_closing_the_compiled_hand_out_from_inside_its_fetch_is_safe():
    # Re-entry: the batch iterator, while fetching, closes the step that drives it.
    holder = {}

    async def batches():
        holder["step"].close()
        await asyncio.sleep(0)
        yield batch(1)

    it = _event_type.AsyncHandOut(batches())
    holder["step"] = step = it.__anext__()
    with pytest.raises((RuntimeError, StopIteration, StopAsyncIteration)):
        while True:
            step.send(None)


def test_a_cycle_through_the_compiled_hand_out_is_collected():
    freed = []

    class Batches:
        def __init__(self):
            self.hand_out = _event_type.AsyncHandOut(self)  # stream <-> hand-out, as in a stream

        def __aiter__(self):
            return self

        async def __anext__(self):
            raise StopAsyncIteration

        def __del__(self):
            freed.append(True)

    Batches()
    gc.collect()
    assert freed == [True]


@pytest.mark.parametrize("hand_out", SYNC)
def test_a_finished_hand_out_releases_its_batches(hand_out):
    batches = [batch(*s) for s in BATCHES]
    before = [sys.getrefcount(b) for b in batches]
    it = hand_out(iter(batches))
    for event in it:
        if event.seq == 2:
            break  # holds the first batch's iterator and its event
    assert [e.seq for e in it] == [3, 4, 5, 6]
    del it, event
    gc.collect()
    assert [sys.getrefcount(b) for b in batches] == before
