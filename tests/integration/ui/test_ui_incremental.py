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


def _live(catalog, map_data, display_id, clock, **transitions):
    """A live (incremental) painter of a display whose transitions run on ``clock[0]``."""
    from cardeck_sim.ui import DisplayPainter

    display = next(d for d in catalog.get(PROFILE).displays if d.id == display_id)
    layout = catalog.layouts(PROFILE)[display_id]
    live = DisplayPainter(
        display,
        layout,
        map_data=map_data,
        clock=DEMO_CLOCK,
        incremental=True,
        now=lambda: clock[0],
        **transitions,
    )
    return display, layout, live


def test_the_live_focus_outline_fades_in_and_ends_as_the_full_render(window, catalog, map_data):
    """A focus change fades the outline in over focus_fade_s, then the frame equals a render."""
    from cardeck_sim.ui import DAY, render_image
    from cardeck_sim.ui._app import FOCUS_FADE_S

    from ._pixels import color_mask, crop

    assert 0 < FOCUS_FADE_S <= 0.2  # the bound for transitions
    store = demo_store(map_data, PROFILE)
    clock = [100.0]
    display, layout, live = _live(catalog, map_data, "center", clock, focus_fade_s=FOCUS_FADE_S)
    fbo = live.make_fbo()
    live.update(store)
    fbo.draw()
    voice = layout.panel("voice").rect_px
    edge = type(voice)(voice.x, voice.y, voice.width, 4)  # the outline's top band
    tap(store, catalog, "center", voice.x + voice.width / 2, voice.y + voice.height / 2)
    lit = []
    for _ in range(4):
        live.update(store)
        fbo.draw()
        lit.append(color_mask(crop(_pixels(fbo), edge), DAY.accent).mean())
        assert live.animating
        clock[0] += FOCUS_FADE_S / 8
    clock[0] += FOCUS_FADE_S
    assert live.update(store)  # the last step of the fade draws
    assert not live.animating
    assert not live.update(store)  # and then nothing moves until the store does
    fbo.draw()
    # Faded in: not yet the accent at the first frame, fully at the end.
    assert lit[0] < 0.5
    assert color_mask(crop(_pixels(fbo), edge), DAY.accent).mean() > 0.9
    full = render_image(store, display, layout, map_data=map_data, clock=DEMO_CLOCK)

    assert bad_fraction(_pixels(fbo), full) < 0.0005


def test_a_new_maneuver_slides_into_the_cluster_card_within_200_ms(window, catalog, map_data):
    """The live cluster card slides a changed maneuver in, then ends equal to a full render."""
    from cardeck_sim.ui import render_image
    from cardeck_sim.ui._app import CARD_SLIDE_S

    assert 0 < CARD_SLIDE_S <= 0.2  # the bound for transitions
    store = demo_store(map_data, PROFILE)
    sim = GuidanceSimulator(store.map.route, map_data=map_data)
    clock = [50.0]
    display, layout, live = _live(catalog, map_data, "cluster", clock, slide_s=CARD_SLIDE_S)
    fbo = live.make_fbo()
    store.set_map(guidance=sim.step(0.5))
    live.update(store)
    fbo.draw()
    assert not live.animating  # the first maneuver shown does not slide
    first = store.map.guidance.next_maneuver
    # Drive until the next maneuver changes.
    for _ in range(600):
        store.set_map(guidance=sim.step(1.0))
        if store.map.guidance.next_maneuver != first:
            break
    else:
        raise AssertionError("the route never reached its next maneuver")
    # As the window does: every update is followed by a drawn frame.
    live.update(store)
    fbo.draw()
    assert live.animating
    clock[0] += CARD_SLIDE_S / 2
    assert live.update(store) and live.animating  # mid-slide, the card repaints
    fbo.draw()
    card = layout.panel("guidance_card").rect_px
    box = (int(card.x), int(card.y), int(card.x + card.width), int(card.y + card.height))
    mid = _pixels(fbo).crop(box)
    clock[0] += CARD_SLIDE_S
    assert live.update(store)
    assert not live.animating
    fbo.draw()
    full = render_image(store, display, layout, map_data=map_data, clock=DEMO_CLOCK)
    assert bad_fraction(_pixels(fbo), full) < 0.0005
    # Mid-slide the card's content sat lower than where it ends.
    assert bad_fraction(mid, full.crop(box)) > 0.01
