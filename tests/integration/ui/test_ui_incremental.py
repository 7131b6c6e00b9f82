"""The live window's incremental frames end up with the same pixels as a full render."""

from __future__ import annotations

from PIL import Image

from cardeck_sim.maps import GuidanceSimulator
from cardeck_sim.state import DayNight, Gear
from cardeck_sim.ui import DEMO_CLOCK, demo_store, tap

from ._pixels import bad_fraction

PROFILE = "hyundai-kia-ccnc"


def _pixels(fbo):
    from cardeck_sim.ui._render import read_fbo

    return read_fbo(fbo)


def test_incremental_frames_match_a_full_render_through_a_drive(window, catalog, map_data):
    from cardeck_sim.ui import DisplayPainter, render_image

    store = demo_store(map_data, PROFILE)
    sim = GuidanceSimulator(store.map.route, map_data=map_data)
    for display_id in ("center", "cluster"):
        display = next(d for d in catalog.get(PROFILE).displays if d.id == display_id)
        layout = catalog.layouts(PROFILE)[display_id]
        live = DisplayPainter(
            display, layout, map_data=map_data, clock=DEMO_CLOCK, incremental=True
        )
        fbo = live.make_fbo()
        steps = []
        for i in range(40):
            store.set_map(guidance=sim.step(0.5))
            if i == 25:
                store.update_vehicle(speed_kmh=30, gear=Gear.DRIVE)
            if i == 15:
                tap(store, catalog, "center", 50, 200)  # focus the voice panel
            if i == 5:
                store.update_vehicle(day_night=DayNight.NIGHT)
            steps.append(live.update(store))
            fbo.draw()
        assert all(steps)
        incremental: Image.Image = _pixels(fbo)
        full = render_image(store, display, layout, map_data=map_data, clock=DEMO_CLOCK)
        assert bad_fraction(incremental, full) < 0.0005, display_id
