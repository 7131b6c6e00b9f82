"""Lossless, resumable events under real disconnects, and subscribers that stall."""

import asyncio
import statistics
import threading
import time
import tracemalloc

import grpc
import pytest

import cardeck
import cardeck._hand_out
from cardeck.testing import HeadUnitThread
from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import headunit_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from tests.integration._proxy import CuttableProxy

TOTAL = 10_000
FAST = cardeck.ReconnectPolicy(initial_s=0.02, maximum_s=0.5)


def notice(i):
    return types_pb2.ServiceNotice(code="TICK", message=str(i))


# "event" reads through the compiled hand-out iterator, "event, pure Python"
# through its pure-Python twin (what an install without a C compiler runs).
BY = ["event", "event, pure Python", "batch"]


@pytest.fixture
def by(request, monkeypatch):
    if request.param == "event, pure Python":
        monkeypatch.setattr(cardeck._hand_out, "compiled_module", lambda: None)
    return request.param.split(",")[0]


def check_batches(batches):
    """Batches are EventBatch sequences whose ends match their events; some hold many."""
    for batch in batches:
        assert isinstance(batch, cardeck.EventBatch)
        assert [e.seq for e in batch] == list(range(batch.first_seq, batch.last_seq + 1))
    assert max(len(b) for b in batches) > 1, "the head unit sent several events per message"


class Reading:
    """The seqs of the first TOTAL events, fed one event or one batch at a time (no I/O)."""

    def __init__(self, by):
        self.by = by
        self.seqs = []
        self.batches = []

    def add(self, item):
        """Take one event (by "event") or one batch; True once TOTAL events arrived."""
        if self.by == "event":
            self.seqs.append(item.seq)
            return len(self.seqs) == TOTAL
        self.batches.append(item)
        self.seqs.extend(e.seq for e in item)
        return len(self.seqs) >= TOTAL

    def result(self):
        if self.by != "event":
            check_batches(self.batches)
        return self.seqs


async def read_async(stream, by):
    """The seqs of the first TOTAL events, read one by one or batch by batch."""
    reading = Reading(by)
    async for item in stream if by == "event" else stream.batches():
        if reading.add(item):
            break
    return reading.result()


def read_sync(stream, by):
    reading = Reading(by)
    for item in stream if by == "event" else stream.batches():
        if reading.add(item):
            break
    return reading.result()


@pytest.mark.parametrize("by", BY, indirect=True)
async def test_async_10k_events_with_a_forced_disconnect_arrive_once_each(by):
    unit = HeadUnit(ServiceConfig(port=0))
    await unit.start()
    proxy = CuttableProxy(unit.port)
    await proxy.start()
    try:
        async with cardeck.AsyncClient(f"127.0.0.1:{proxy.port}", reconnect=FAST) as client:
            stream = client.events()
            await stream.open()

            async def produce():
                for i in range(TOTAL):
                    unit.store.events.append(service_notice=notice(i))
                    if i % 500 == 0:
                        await asyncio.sleep(0)  # let deliveries interleave with production
                    if i == TOTAL // 2:
                        proxy.cut()

            producer = asyncio.ensure_future(produce())
            seqs = await read_async(stream, by)
            await producer
            await stream.aclose()
        assert proxy.cuts >= 1
        assert stream.resubscriptions >= 1, "the cut forced a resubscription"
        assert seqs == list(range(1, TOTAL + 1)), "no gap, no duplicate"
    finally:
        await proxy.aclose()
        await unit.stop(0.2)


@pytest.mark.parametrize("by", BY, indirect=True)
def test_sync_10k_events_with_a_forced_disconnect_arrive_once_each(by):
    with HeadUnitThread(ServiceConfig(port=0)) as unit:
        proxy = CuttableProxy(unit.port)
        unit.call(proxy.start)
        client = cardeck.Client(f"127.0.0.1:{proxy.port}", reconnect=FAST)
        stream = client.events()
        stream.open()
        seqs = []

        def produce():
            for i in range(TOTAL):
                unit.call(lambda i=i: unit.unit.store.events.append(service_notice=notice(i)))
                if i == TOTAL // 2:
                    unit.call(proxy.cut)

        producer = threading.Thread(target=produce)
        producer.start()
        try:
            seqs = read_sync(stream, by)
        finally:
            producer.join()
            stream.close()
            client.close()
            unit.call(proxy.aclose)
        assert stream.resubscriptions >= 1
        assert seqs == list(range(1, TOTAL + 1))


async def test_resuming_from_a_seq_that_left_the_ring_gets_a_snapshot_and_says_so():
    unit = HeadUnit(ServiceConfig(port=0, event_capacity=16))
    await unit.start()
    try:
        for i in range(100):
            unit.store.events.append(service_notice=notice(i))
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            stream = client.events(after_seq=10, run_id=unit.store.events.run_id)
            snapshot = await stream.open()
            assert snapshot is not None and snapshot.events_lost
            assert snapshot.seq == 100
            unit.store.events.append(service_notice=notice(100))
            event = await asyncio.wait_for(stream.__anext__(), 5)
            assert event.seq == 101
            await stream.aclose()
    finally:
        await unit.stop(0.2)


async def _deliveries(target, n_events, store, stalled):
    """Median delivery latency (s) seen by 3 reading subscribers while `stalled` sit idle."""
    latencies: list[float] = []
    sent: dict[int, float] = {}
    async with cardeck.AsyncClient(target) as client:
        streams = [client.events() for _ in range(3)]
        for s in streams:
            await s.open()
        base = store.events.head_seq

        async def read(s):
            async for e in s:
                latencies.append(time.perf_counter() - sent[e.seq])
                if e.seq - base == n_events:
                    return

        readers = [asyncio.ensure_future(read(s)) for s in streams]
        for i in range(n_events):
            sent[base + i + 1] = time.perf_counter()
            store.events.append(service_notice=notice(i))
            await asyncio.sleep(0.0005)
        await asyncio.wait_for(asyncio.gather(*readers), 30)
        for s in streams:
            await s.aclose()
    return statistics.median(latencies)


async def test_a_stalled_subscriber_delays_nobody_and_memory_stays_bounded():
    unit = HeadUnit(ServiceConfig(port=0, event_capacity=2048, max_subscriber_lag=1024))
    await unit.start()
    target = f"127.0.0.1:{unit.port}"
    try:
        # Best of three medians on each side: one noisy round on a shared CI machine
        # must not decide the comparison.
        baseline = min([await _deliveries(target, 400, unit.store, stalled=0) for _ in range(3)])

        # A stalled subscriber: a raw stream that is opened and never read.
        channel = grpc.aio.insecure_channel(target)
        stub = pb_grpc.HeadUnitServiceStub(channel)
        stalled = stub.WatchEvents(pb.WatchEventsRequest())
        await stalled.read()  # the snapshot: the stream is live, then nobody reads

        tracemalloc.start()
        for i in range(20_000):
            unit.store.events.append(service_notice=notice(i))
        await asyncio.sleep(0.2)
        first, _ = tracemalloc.get_traced_memory()
        for i in range(20_000):
            unit.store.events.append(service_notice=notice(i))
        await asyncio.sleep(0.2)
        second, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        with_stall = min([await _deliveries(target, 400, unit.store, stalled=1) for _ in range(3)])
        # A fan-out that waited on the stalled reader would hold every event until the
        # stream's deadline (seconds); scheduling noise is a few times a sub-millisecond
        # baseline, hence the ratio with a 10 ms floor.
        assert with_stall <= max(4 * baseline, baseline + 0.010), (baseline, with_stall)
        # The ring is full after the first 20k; the next 20k must not grow memory.
        growth = second - first
        assert growth < 2_000_000, f"memory grew by {growth} bytes over 20,000 more events"

        # When the stalled subscriber reads again it gets what was buffered, then
        # RESOURCE_EXHAUSTED telling it where to resume.
        with pytest.raises(grpc.RpcError) as caught:
            while True:
                msg = await asyncio.wait_for(stalled.read(), 10)
                if msg is grpc.aio.EOF:
                    break
        assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "Resubscribe with resume_after_seq=" in caught.value.details()
        await channel.close()
    finally:
        await unit.stop(0.2)
