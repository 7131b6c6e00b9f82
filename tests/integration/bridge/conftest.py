"""A real state store and event bridge on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bridge_helpers import BridgeFactory

from cardeck_sim.bridge import EventBridge
from cardeck_sim.state import StateStore


@pytest.fixture
def store() -> StateStore:
    """A fresh head-unit state store with the default ring."""
    return StateStore("demo")


@pytest.fixture
async def make_bridge() -> AsyncIterator[BridgeFactory]:
    """Start bridges over a given store; every one is closed at teardown."""
    bridges: list[EventBridge] = []

    async def make(store: StateStore, **kwargs: Any) -> EventBridge:
        bridge = EventBridge(store, **kwargs)
        bridges.append(bridge)
        await bridge.start()
        return bridge

    try:
        yield make
    finally:
        for bridge in bridges:
            await bridge.aclose()


@pytest.fixture
async def bridge(store: StateStore, make_bridge: BridgeFactory) -> EventBridge:
    """A bridge over ``store`` that allows every client."""
    return await make_bridge(store)
