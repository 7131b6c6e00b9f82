"""Real head units on 127.0.0.1: in the test's own loop (async tests) or in a thread (sync)."""

from collections.abc import AsyncIterator, Iterator

import pytest

from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import HeadUnit, ServiceConfig


@pytest.fixture
async def aio_unit() -> AsyncIterator[HeadUnit]:
    """A head unit served from the test's event loop."""
    unit = HeadUnit(ServiceConfig(port=0))
    await unit.start()
    try:
        yield unit
    finally:
        await unit.stop(0.2)


@pytest.fixture
def thread_unit() -> Iterator[HeadUnitThread]:
    """A head unit served from a background thread, for blocking clients."""
    with HeadUnitThread(ServiceConfig(port=0)) as unit:
        yield unit
