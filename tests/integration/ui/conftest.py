"""Fixtures for the UI tests: one Kivy window per process, the bundled map, the catalog.

Kivy makes one window (one GL context) per process and cannot resize it
offscreen, so every test renders into Fbos of each display's size and the
window stays at its first, small size. The window is made lazily by the
first test that renders; tests that need no kivy never import it.
"""

from __future__ import annotations

from typing import Any

import pytest

from cardeck_sim.maps import MapData
from cardeck_sim.service._catalog import DEFAULT_PROFILE_ID, ProfileCatalog
from cardeck_sim.state import StateStore


@pytest.fixture(scope="session")
def map_data() -> MapData:
    """The bundled Helsinki extract, loaded once (≈ 0.6 s)."""
    return MapData.load()


@pytest.fixture(scope="session")
def catalog() -> ProfileCatalog:
    """The bundled profiles with their layouts solved once."""
    return ProfileCatalog.load()


@pytest.fixture(scope="session")
def window() -> Any:
    """Kivy's one window (offscreen, per tests/conftest.py)."""
    from cardeck_sim.ui import ensure_window

    return ensure_window()


@pytest.fixture
def store() -> StateStore:
    """An empty store on the default profile (1920×720 cluster + centre)."""
    return StateStore(active_profile_id=DEFAULT_PROFILE_ID)
