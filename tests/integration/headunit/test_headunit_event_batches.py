"""Where an event stream stands after a loop breaks in the middle of a batch."""

import pytest

import cardeck
import cardeck._hand_out
from cardeck.testing import HeadUnitThread
from cardeck.v1 import types_pb2
from cardeck_sim.headunit import HeadUnit, ServiceConfig


def notice(i):
    return types_pb2.ServiceNotice(code="TICK", message=str(i))


@pytest.fixture(autouse=True, params=["compiled", "pure Python"])
def hand_out(request, monkeypatch):
    """Every test here runs with the compiled hand-out iterators and with their Python twins."""
    if request.param == "pure Python":
        monkeypatch.setattr(cardeck._hand_out, "compiled_module", lambda: None)


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
