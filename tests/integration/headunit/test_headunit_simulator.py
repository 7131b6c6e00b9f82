"""SimulatorService through both twins: taps, rotary, keys, profiles, day/night."""

import pytest

import cardeck
from cardeck import DayNightMode, HardKey, PanelKind, RotaryAction


def centre_of(layout, panel_id):
    r = next(p for p in layout.panels if p.panel_id == panel_id).rect_px
    return r.x + r.width / 2, r.y + r.height / 2


async def test_async_tap_focuses_the_panel_under_the_finger(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        layouts = await client.layout.get_layout()
        center = next(lay for lay in layouts.values() if lay.role == "center")
        x, y = centre_of(center, "browser")
        hit = await client.simulator.tap(x, y, display_id=center.display_id)
        assert (hit.panel_id, hit.panel) == ("browser", PanelKind.BROWSER)
        assert aio_unit.store.focus[center.display_id] == "browser"
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            await client.simulator.tap(center.width_px + 5, 10, display_id=center.display_id)
        assert caught.value.field_violations[0].field == "x_px"
        with pytest.raises(cardeck.NotFoundError):
            await client.simulator.tap(1, 1, display_id="dash")


def test_sync_rotary_walks_the_focus_order_and_wraps(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        first = client.simulator.rotary(RotaryAction.ROTATE_CLOCKWISE)
        second = client.simulator.rotary(RotaryAction.ROTATE_CLOCKWISE)
        back = client.simulator.rotary(RotaryAction.ROTATE_COUNTERCLOCKWISE)
        assert first.panel_id and second.panel_id and first.panel_id != second.panel_id
        assert back.panel_id == first.panel_id
        layouts = client.layout.get_layout()
        focusable = [
            p
            for p in layouts[first.display_id].panels
            if p.visible and p.kind not in ("status_bar", "dock")
        ]
        around = client.simulator.rotary(RotaryAction.ROTATE_CLOCKWISE, steps=len(focusable))
        assert around.panel_id == first.panel_id
        with pytest.raises(cardeck.InvalidArgumentError):
            client.simulator.rotary(RotaryAction.UNSPECIFIED)


def test_sync_keys_focus_map_and_start_listening(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        stream = client.events(kinds=[cardeck.EventKind.VOICE])
        stream.open()
        client.simulator.key(HardKey.HOME)
        assert "map" in thread_unit.unit.store.focus.values()
        client.simulator.key(HardKey.PUSH_TO_TALK)
        event = next(stream)
        stream.close()
        assert event.data.activity is cardeck.VoiceActivity.LISTENING


async def test_async_load_profile_and_day_night(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        displays = await client.simulator.load_profile("renault-grand-koleos-2025")
        assert [d.display_id for d in displays] == [
            d.display_id for d in (await client.info()).displays
        ]
        assert len(displays) == 3
        state = await client.simulator.set_day_night(DayNightMode.NIGHT)
        assert state.day_night_mode is DayNightMode.NIGHT
        with pytest.raises(cardeck.InvalidArgumentError):
            await client.simulator.set_day_night(DayNightMode.UNSPECIFIED)
        with pytest.raises(cardeck.NotFoundError):
            await client.simulator.load_profile("no-such-car")


def test_sync_screenshot_without_a_ui_says_why(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        with pytest.raises(cardeck.FailedPreconditionError, match="No UI renders"):
            client.simulator.screenshot()
        assert not client.info().has(cardeck.Capability.UI)
