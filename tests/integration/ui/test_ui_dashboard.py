"""Multi-display pictures: each display at its dashboard position in mm, all at one scale.

The Honda Accord's cluster (10.2 in) and centre screen (12.3 in) are both
1920×720 px, so only a physical scale draws the centre screen larger; it sits
320 mm right of and 20 mm below the cluster.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cardeck.layout import bundled_profiles, parse_profile, solve_profile
from cardeck_sim.ui import (
    DEMO_CLOCK,
    ROW_GAP_MM,
    arrange_dashboard,
    compose_dashboard,
    dashboard_boxes_mm,
    demo_store,
    render_image,
    render_profile_image,
)

HONDA = bundled_profiles()["honda-accord-touring-2023"]
COLORS = {"cluster": (255, 0, 0), "center": (0, 0, 255), "third": (0, 255, 0)}


def width_mm(display_id: str, profile=HONDA) -> float:
    d = next(d for d in profile.displays if d.id == display_id)
    return d.width_px / d.physical_ppi * 25.4


def bbox(image: Image.Image, color: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """(x, y, width, height) of the pixels of exactly this colour."""
    ys, xs = np.nonzero(np.all(np.asarray(image) == color, axis=2))
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def solid(profile) -> dict[str, Image.Image]:
    return {
        d.id: Image.new("RGB", (d.width_px, d.height_px), COLORS[d.id]) for d in profile.displays
    }


def test_sizes_follow_the_physical_widths_and_offsets_the_mm_positions() -> None:
    sheet = compose_dashboard(HONDA, solid(HONDA), 2400, 1600)
    cx, cy, cw, ch = bbox(sheet, COLORS["cluster"])
    mx, my, mw, mh = bbox(sheet, COLORS["center"])
    px_per_mm = cw / width_mm("cluster")
    # Same pixels, different inches: the 12.3-inch centre is drawn larger.
    assert abs(mw - cw * width_mm("center") / width_mm("cluster")) <= 1
    assert mw > cw * 1.15
    assert abs(mh / mw - 720 / 1920) < 0.01 and abs(ch / cw - 720 / 1920) < 0.01
    assert abs((mx - cx) - (320 - 0) * px_per_mm) <= 1
    assert abs((my - cy) - (20 - 0) * px_per_mm) <= 1


def test_a_fixed_scale_draws_every_profile_alike() -> None:
    width, _, slots = arrange_dashboard(HONDA, 0, 0, gap_px=0, px_per_mm=2.0)
    by_id = {s.display_id: s for s in slots}
    assert by_id["cluster"].width == pytest.approx(2 * width_mm("cluster"))
    assert (by_id["center"].x, by_id["center"].y) == pytest.approx((640.0, 40.0))
    assert width == pytest.approx(640 + 2 * width_mm("center"))


UNPLACED = """\
id: unplaced
name: No positions
sources: [made up for a test]
displays:
  - {id: cluster, role: cluster, width_px: 1920, height_px: 720, diagonal_in: 12.3}
  - {id: center, role: center, width_px: 1280, height_px: 720, diagonal_in: 10.0}
  - {id: third, role: passenger, width_px: 1920, height_px: 720, diagonal_in: 12.3, x_mm: 900}
"""


def test_overlapping_displays_fall_back_to_a_row_at_the_same_scale() -> None:
    profile = parse_profile(UNPLACED, "unplaced.yaml")
    assert ROW_GAP_MM == 20.0  # docs/guides/simulator.md gives the gap
    boxes = dashboard_boxes_mm(profile)
    assert [(b.display_id, b.y) for b in boxes] == [("cluster", 0), ("center", 0), ("third", 0)]
    assert boxes[1].x == pytest.approx(boxes[0].width + ROW_GAP_MM)
    assert boxes[2].x == pytest.approx(boxes[1].x + boxes[1].width + ROW_GAP_MM)
    sheet = compose_dashboard(profile, solid(profile), 2400, 1600)
    (x0, y0, w0, _), (x1, y1, w1, _) = bbox(sheet, COLORS["cluster"]), bbox(sheet, COLORS["center"])
    assert y0 == y1
    assert abs(w1 - w0 * width_mm("center", profile) / width_mm("cluster", profile)) <= 1
    assert abs((x1 - x0) - (w0 / width_mm("cluster", profile)) * boxes[1].x) <= 1


def test_positions_that_do_not_overlap_are_kept() -> None:
    for profile in bundled_profiles().values():
        boxes = dashboard_boxes_mm(profile)
        assert [(b.x, b.y) for b in boxes] == [(d.x_mm, d.y_mm) for d in profile.displays]


def test_the_rendered_dashboard_pastes_each_display_at_its_slot(window, map_data) -> None:
    store = demo_store(map_data, HONDA.id)
    layouts = solve_profile(HONDA)
    sheet = render_profile_image(store, HONDA, layouts, map_data=map_data, clock=DEMO_CLOCK)
    _, _, slots = arrange_dashboard(HONDA, 2400, 1600)
    sizes = {}
    for slot in slots:
        display = next(d for d in HONDA.displays if d.id == slot.display_id)
        size = (round(slot.width), round(slot.height))
        alone = render_image(
            store, display, layouts[display.id], map_data=map_data, clock=DEMO_CLOCK
        )
        x, y = round(slot.x), round(slot.y)
        placed = np.asarray(sheet.crop((x, y, x + size[0], y + size[1])), dtype=int)
        expected = np.asarray(alone.resize(size, Image.Resampling.LANCZOS), dtype=int)
        assert np.abs(placed - expected).mean() < 1.0, slot.display_id
        sizes[slot.display_id] = size
    ratio = width_mm("center") / width_mm("cluster")
    assert abs(sizes["center"][0] - sizes["cluster"][0] * ratio) <= 1
