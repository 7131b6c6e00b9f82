"""Real head units on 127.0.0.1: in the test's own loop (async tests) or in a thread (sync)."""

import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest

from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import HeadUnit, ServiceConfig


@contextlib.asynccontextmanager
async def serving(unit: HeadUnit) -> AsyncIterator[HeadUnit]:
    """Serve a head unit from the running loop until the block ends."""
    await unit.start()
    try:
        yield unit
    finally:
        await unit.stop(0.2)


@pytest.fixture
async def aio_unit() -> AsyncIterator[HeadUnit]:
    """A head unit served from the test's event loop."""
    async with serving(HeadUnit(ServiceConfig(port=0))) as unit:
        yield unit


@pytest.fixture
def thread_unit() -> Iterator[HeadUnitThread]:
    """A head unit served from a background thread, for blocking clients."""
    with HeadUnitThread(ServiceConfig(port=0)) as unit:
        yield unit
