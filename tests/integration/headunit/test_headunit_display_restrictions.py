"""Drive restrictions per display, in both twins, on the three-screen Koleos panorama.

Only displays the driver can see lock while driving: the centre screen locks its
browser, a passenger screen behind a privacy filter (``driver_visible: false``)
keeps it. The top-level fields keep meaning the driver-visible displays.
"""

from pathlib import Path

import pytest

import cardeck
from cardeck import Gear
from cardeck.layout import bundled_layouts_dir
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import HeadUnit, ServiceConfig
from tests.integration.conftest import serving

KOLEOS = "renault-grand-koleos-2025"
PRIVATE = "koleos-privacy-filter"
DRIVE = {"gear": Gear.DRIVE, "parking_brake_on": False, "speed_kmh": 60.0}


def privacy_profile(directory: Path) -> Path:
    """The bundled Koleos with its passenger screen behind a privacy filter."""
    text = (bundled_layouts_dir() / "vehicles" / f"{KOLEOS}.yaml").read_text()
    text = text.replace(f"id: {KOLEOS}", f"id: {PRIVATE}", 1)
    head, passenger = text.split("  - id: passenger\n", 1)
    path = directory / f"{PRIVATE}.yaml"
    path.write_text(f"{head}  - id: passenger\n    driver_visible: false\n{passenger}")
    return path


def by_id(restrictions):
    return {d.display_id: d for d in restrictions.displays}


def assert_old_fields_lock(restrictions):
    """What a client that predates per-display entries sees while driving."""
    assert not restrictions.parked
    assert restrictions.browser_locked and restrictions.keyboard_locked
    assert restrictions.video_locked and restrictions.max_list_items == 6


@pytest.fixture
async def aio_koleos(tmp_path):
    unit = HeadUnit(ServiceConfig(port=0, profile=KOLEOS))
    unit.catalog.replace_installed("test", [privacy_profile(tmp_path)])
    async with serving(unit):
        yield unit


@pytest.fixture
def thread_koleos(tmp_path):
    with HeadUnitThread(ServiceConfig(port=0, profile=KOLEOS)) as unit:
        unit.call(unit.unit.catalog.replace_installed, "test", [privacy_profile(tmp_path)])
        yield unit


async def test_async_driving_locks_every_driver_visible_screen(aio_koleos):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_koleos.port}") as client:
        parked = await client.drive_restrictions()
        assert set(by_id(parked)) == {"cluster", "center", "passenger"}
        assert not any(d.browser_locked for d in parked.displays)
        await client.update_vehicle_state(**DRIVE)
        driving = await client.drive_restrictions()
        # Without a privacy filter the passenger screen is visible to the driver: it locks.
        assert_old_fields_lock(driving)
        assert all(d.driver_visible and d.browser_locked for d in driving.displays)
        assert (await client.browser.state()).locked
        with pytest.raises(cardeck.FailedPreconditionError, match="locked while the vehicle"):
            await client.browser.navigate("https://example.org/")


async def test_async_privacy_filtered_passenger_keeps_its_browser(aio_koleos):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_koleos.port}") as client:
        await client.layout.set_active_profile(PRIVATE)
        stream = client.events(kinds=[cardeck.EventKind.DRIVE_RESTRICTIONS])
        await stream.open()
        await client.update_vehicle_state(**DRIVE)
        event = await anext(stream)
        await stream.aclose()
        driving = await client.drive_restrictions()
    assert event.data == driving
    assert_old_fields_lock(driving)
    displays = by_id(driving)
    assert displays["center"].browser_locked and displays["center"].driver_visible
    assert displays["cluster"].browser_locked
    passenger = displays["passenger"]
    assert not passenger.driver_visible
    assert not (passenger.browser_locked or passenger.keyboard_locked or passenger.video_locked)
    assert passenger.max_list_items == 0
    assert driving.for_display("passenger") == passenger
    assert "passenger" in driving.reason
    store = aio_koleos.store
    assert store.restrictions.browser_locked_on("center")
    assert not store.restrictions.browser_locked_on("passenger")
    # One engine serves both screens: it stays usable for the passenger.
    assert not store.restrictions.browser_locked_everywhere


def test_sync_privacy_filter_applies_per_display(thread_koleos):
    with cardeck.Client(thread_koleos.target) as client:
        client.update_vehicle_state(**DRIVE)
        before = client.drive_restrictions()
        assert by_id(before)["passenger"].browser_locked
        assert client.browser.state().locked
        client.layout.set_active_profile(PRIVATE)
        after = client.drive_restrictions()
        assert_old_fields_lock(after)
        assert not by_id(after)["passenger"].browser_locked
        assert by_id(after)["center"].browser_locked
        assert not client.browser.state().locked
        client.update_vehicle_state(gear=Gear.PARK)
        parked = client.drive_restrictions()
    assert parked.parked and not parked.browser_locked
    assert not any(d.browser_locked for d in parked.displays)
