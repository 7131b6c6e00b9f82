"""Reading events batch by batch, and where a stream stands after a loop breaks mid-batch."""

import asyncio
import threading

import pytest

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck.v1 import types_pb2
from cardeck_sim.service import HeadUnit, ServiceConfig
from tests.integration._proxy import CuttableProxy

FAST = cardeck.ReconnectPolicy(initial_s=0.02, maximum_s=0.5)
TOTAL = 3_000


def notice(i):
    return types_pb2.ServiceNotice(code="TICK", message=str(i))


def check_batches(batches):
    seqs = [event.seq for batch in batches for event in batch]
    assert seqs == list(range(1, TOTAL + 1)), "no gap, no duplicate"
    for batch in batches:
        assert isinstance(batch, cardeck.EventBatch)
        assert [e.seq for e in batch] == list(range(batch.first_seq, batch.last_seq + 1))
        assert batch[0].seq == batch.first_seq and batch[-1].seq == batch.last_seq
    assert max(len(b) for b in batches) > 1, "the head unit sent several events per message"


async def test_async_batches_survive_a_disconnect_with_no_gap_or_duplicate():
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
                        await asyncio.sleep(0)
                    if i == TOTAL // 2:
                        proxy.cut()

            producer = asyncio.ensure_future(produce())
            batches = []
            async for batch in stream.batches():
                batches.append(batch)
                if batch.last_seq == TOTAL:
                    break
            await producer
            assert stream.last_seq == TOTAL
            await stream.aclose()
        assert stream.resubscriptions >= 1
        check_batches(batches)
    finally:
        await proxy.aclose()
        await unit.stop(0.2)


def test_sync_batches_survive_a_disconnect_with_no_gap_or_duplicate():
    with HeadUnitThread(ServiceConfig(port=0)) as unit:
        proxy = CuttableProxy(unit.port)
        unit.call(proxy.start)
        client = cardeck.Client(f"127.0.0.1:{proxy.port}", reconnect=FAST)
        stream = client.events()
        stream.open()

        def produce():
            for i in range(TOTAL):
                unit.call(lambda i=i: unit.unit.store.events.append(service_notice=notice(i)))
                if i == TOTAL // 2:
                    unit.call(proxy.cut)

        producer = threading.Thread(target=produce)
        producer.start()
        batches = []
        try:
            for batch in stream.batches():
                batches.append(batch)
                if batch.last_seq == TOTAL:
                    break
        finally:
            producer.join()
            stream.close()
            client.close()
            unit.call(proxy.aclose)
        assert stream.resubscriptions >= 1
        check_batches(batches)


@pytest.fixture
async def unit_with_backlog():
    """A head unit holding 1,000 events, so a resume from 0 replays them in big batches."""
    unit = HeadUnit(ServiceConfig(port=0))
    await unit.start()
    for i in range(1_000):
        unit.store.events.append(service_notice=notice(i))
    yield unit
    await unit.stop(0.2)


async def test_async_breaking_mid_batch_resumes_at_the_next_event(unit_with_backlog):
    run_id = unit_with_backlog.store.events.run_id
    async with cardeck.AsyncClient(f"127.0.0.1:{unit_with_backlog.port}") as client:
        stream = client.events(after_seq=0, run_id=run_id)
        async for event in stream:
            if event.seq == 100:
                break
        assert stream.last_seq == 100, "the position is the last event handed out"
        with pytest.raises(cardeck.UsageError, match="inside a batch"):
            stream.batches()
        assert (await stream.__anext__()).seq == 101, "the same stream goes on where it was"
        await stream.aclose()

        resumed = client.events(after_seq=101, run_id=stream.run_id)
        assert [(await resumed.__anext__()).seq for _ in range(3)] == [102, 103, 104]
        await resumed.aclose()


def test_sync_breaking_mid_batch_resumes_at_the_next_event():
    with HeadUnitThread(ServiceConfig(port=0)) as unit:

        def backlog():
            for i in range(1_000):
                unit.unit.store.events.append(service_notice=notice(i))

        unit.call(backlog)
        with cardeck.Client(unit.target) as client:
            stream = client.events(after_seq=0, run_id=unit.unit.store.events.run_id)
            for event in stream:
                if event.seq == 100:
                    break
            assert stream.last_seq == 100
            with pytest.raises(cardeck.UsageError, match="inside a batch"):
                stream.batches()
            resumed = client.events(after_seq=stream.last_seq, run_id=stream.run_id)
            assert next(resumed).seq == 101
            stream.close()
            resumed.close()
