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
        assert (hit.display_id, hit.panel_id, hit.panel) == (
            center.display_id,
            "browser",
            PanelKind.BROWSER,
        )
        assert aio_unit.store.focus[center.display_id] == "browser"
        x, y = centre_of(center, "map")
        unnamed = await client.simulator.tap(x, y)  # no display: the first centre display
        assert (unnamed.display_id, unnamed.panel_id) == (center.display_id, "map")
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


async def test_async_screenshot_shows_the_route_inside_the_map_panel(aio_unit):
    import io

    from PIL import Image

    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        assert (await client.info()).has(cardeck.Capability.UI)
        layouts = await client.layout.get_layout()
        center = next(lay for lay in layouts.values() if lay.role == "center")
        before = await client.simulator.screenshot(center.display_id)
        place = (await client.maps.search_places("hotel arthur", limit=1))[0]
        await client.maps.set_destination(place)
        after = await client.simulator.screenshot(center.display_id)
        with pytest.raises(cardeck.NotFoundError):
            await client.simulator.screenshot("dash")
    assert (after.width_px, after.height_px) == (center.width_px, center.height_px)
    old = Image.open(io.BytesIO(before.png)).convert("RGB")
    new = Image.open(io.BytesIO(after.png)).convert("RGB")
    map_rect = next(p for p in center.panels if p.panel_id == "map").rect_px
    changed_inside = changed_outside = 0
    for x in range(0, new.width, 4):
        for y in range(0, new.height, 4):
            pairs = zip(old.getpixel((x, y)), new.getpixel((x, y)), strict=True)
            if sum(abs(a - b) for a, b in pairs) > 60:
                inside = (
                    map_rect.x <= x < map_rect.x + map_rect.width
                    and map_rect.y <= y < map_rect.y + map_rect.height
                )
                changed_inside += inside
                changed_outside += not inside
    assert changed_inside > 50, "the route line appeared on the map"
    assert changed_inside > 5 * changed_outside, "what changed is on the map panel"


SMALL_CLUSTER_YAML = """\
id: small-cluster
name: Small cluster
sources: [issue 16]
displays:
  - id: center
    role: center
    width_px: 1920
    height_px: 720
    diagonal_in: 12.3
  - id: cluster
    role: cluster
    width_px: 900
    height_px: 300
    dpi: 300
"""


async def test_the_view_key_steps_the_cluster_through_its_collapsed_map(tmp_path):
    from cardeck_sim.headunit import HeadUnit, ServiceConfig
    from tests.integration.conftest import serving

    path = tmp_path / "small-cluster.yaml"
    path.write_text(SMALL_CLUSTER_YAML)
    unit = HeadUnit(ServiceConfig(port=0))
    unit.catalog.replace_installed("test", [path])
    async with serving(unit):
        async with cardeck.AsyncClient(f"127.0.0.1:{unit.port}") as client:
            # Bundled vehicles have no cluster with a collapsed panel: nothing to cycle.
            assert await client.simulator.key(HardKey.VIEW) == cardeck.PanelHit("", "")
            layouts = await client.layout.set_active_profile("small-cluster")
            map_panel = layouts["cluster"].panel("map")
            assert not map_panel.visible
            assert "view key" in map_panel.collapsed_reason
            steps = [await client.simulator.key(HardKey.VIEW) for _ in range(3)]
            assert [(s.display_id, s.panel_id) for s in steps] == [
                ("cluster", "map"),
                ("cluster", "speed"),
                ("cluster", "map"),
            ]
            assert unit.store.focus["cluster"] == "map"
            # The centre display's focus is untouched: the key belongs to the cluster.
            assert unit.store.focus.get("center", "") != "map"
