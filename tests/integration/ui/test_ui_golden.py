"""Golden images: every bundled profile × display, one fixed scene, compared with a tolerance.

The scene (cardeck_sim.ui.demo_store): a route on the bundled map between two
fixed points, four markers, a voice transcript, a synthetic JPEG page in the
browser, parked, day, the clock at 12:34. Goldens are stored at most 640 px
wide; ``UPDATE_GOLDEN=1`` regenerates them.
"""

from __future__ import annotations

import dataclasses

import pytest

from cardeck.layout import Rect, bundled_profiles
from cardeck_sim.ui import DEMO_CLOCK, demo_store

from ._pixels import MAX_BAD_FRACTION, check_golden

CASES = [
    (pid, d.id) for pid, profile in sorted(bundled_profiles().items()) for d in profile.displays
]


@pytest.fixture(scope="module")
def scenes(map_data):
    """One demo store per profile, built once for the module."""
    cache = {}

    def get(pid):
        if pid not in cache:
            cache[pid] = demo_store(map_data, pid)
        return cache[pid]

    return get


def _render(catalog, scenes, map_data, pid, display_id, layout=None):
    from cardeck_sim.ui import render_image

    display = next(d for d in catalog.get(pid).displays if d.id == display_id)
    layout = layout or catalog.layouts(pid)[display_id]
    return render_image(scenes(pid), display, layout, map_data=map_data, clock=DEMO_CLOCK)


@pytest.mark.parametrize(("profile_id", "display_id"), CASES, ids=[f"{p}-{d}" for p, d in CASES])
def test_display_matches_its_golden(window, catalog, scenes, map_data, profile_id, display_id):
    image = _render(catalog, scenes, map_data, profile_id, display_id)
    display = next(d for d in catalog.get(profile_id).displays if d.id == display_id)
    assert image.size == (display.width_px, display.height_px)
    bad = check_golden(image, f"{profile_id}--{display_id}")
    assert bad <= MAX_BAD_FRACTION, f"{bad:.2%} of pixels differ from the golden"


def test_a_panel_moved_by_40_px_fails_the_golden_comparison(window, catalog, scenes, map_data):
    pid, display_id = "hyundai-kia-ccnc", "center"
    layout = catalog.layouts(pid)[display_id]
    moved = tuple(
        dataclasses.replace(
            p, rect_px=Rect(p.rect_px.x + 40, p.rect_px.y, p.rect_px.width, p.rect_px.height)
        )
        if p.kind == "voice"
        else p
        for p in layout.panels
    )
    image = _render(
        catalog, scenes, map_data, pid, display_id, dataclasses.replace(layout, panels=moved)
    )
    bad = check_golden(image, f"{pid}--{display_id}", may_update=False)
    assert bad > MAX_BAD_FRACTION, f"only {bad:.2%} of pixels differ after moving a panel"
