"""The ``cardeck`` pytest plugin: ``headunit``, ``client`` and ``async_client`` fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from .._client import AsyncClient, Client
from ._server import HeadUnitThread


@pytest.fixture
def headunit_config() -> Any:
    """The head unit's ``ServiceConfig``; override this fixture to change it."""
    from cardeck_sim.service import ServiceConfig

    return ServiceConfig(port=0)


@pytest.fixture
def headunit(headunit_config: Any) -> Iterator[HeadUnitThread]:
    """A real head unit serving on 127.0.0.1 on a free port, stopped after the test."""
    with HeadUnitThread(headunit_config) as unit:
        yield unit


@pytest.fixture
def headunit_client_options() -> dict[str, Any]:
    """Keyword arguments for the ``client`` fixtures (``token``, ``tls``, ``timeout_s``, ...).

    Empty by default: no token, no TLS. Override it together with
    ``headunit_config`` when that configures a tokens file or TLS.
    """
    return {}


@pytest.fixture
def client(headunit: HeadUnitThread, headunit_client_options: dict[str, Any]) -> Iterator[Client]:
    """A blocking client connected to ``headunit`` with ``headunit_client_options``."""
    with Client(headunit.target, **headunit_client_options) as c:
        yield c


@pytest.fixture
async def async_client(
    headunit: HeadUnitThread, headunit_client_options: dict[str, Any]
) -> AsyncIterator[AsyncClient]:
    """An asyncio client connected to ``headunit`` with ``headunit_client_options``."""
    async with AsyncClient(headunit.target, **headunit_client_options) as c:
        yield c
