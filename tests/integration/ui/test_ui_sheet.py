"""The contact sheet's grid: rows that fill the page, displays as on each dashboard, labels apart.

The displays are painted as solid colours here (a real PIL image per display):
what is under test is where the sheet puts pictures and labels, measured on the
written pixels; the renders themselves have their own golden tests.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from cardeck.layout import Rect, bundled_profiles
from cardeck_sim.ui import dashboard_boxes_mm, display_caption

PROFILES = [p for _, p in sorted(bundled_profiles().items())]
PAGE_BG = (246, 247, 249)
FILL = (200, 30, 160)  # the displays' colour: in no label and not the page's


def _solid(profile, display, night):
    return Image.new("RGB", (display.width_px, display.height_px), FILL)


@pytest.fixture(scope="module", params=[800, 2400, 4000], ids=lambda w: f"{w}px")
def sheet(request, window, tmp_path_factory):
    from cardeck_sim.ui import contact_sheet

    out = tmp_path_factory.mktemp("sheet") / "sheet.png"
    result = contact_sheet(PROFILES, out, width=request.param, render=_solid)
    with Image.open(out) as image:
        return result.plan, np.asarray(image.convert("RGB"))


def _grown(box: Rect, px: float = 1.0) -> Rect:
    return Rect(box.x - px, box.y - px, box.width + 2 * px, box.height + 2 * px)


def test_labels_overlap_no_label_and_no_picture(sheet):
    plan, _ = sheet
    labels = [lb.box for lb in plan.labels]
    images = [i.box for i in plan.images]
    for a, b in itertools.combinations(labels, 2):
        assert not a.overlaps(b), f"labels overlap: {a} and {b}"
    for label, image in itertools.product(plan.labels, images):
        assert not label.box.overlaps(image), f"{label.text!r} is drawn over a picture at {image}"
    for a, b in itertools.combinations(images, 2):
        assert not a.overlaps(b)


def test_every_ink_pixel_is_inside_a_picture_or_a_measured_label_box(sheet):
    plan, pixels = sheet
    page = Rect(0, 0, plan.width, plan.height)
    covered = np.zeros(pixels.shape[:2], dtype=bool)
    for box in [i.box for i in plan.images] + [_grown(lb.box) for lb in plan.labels]:
        assert page.contains(box) or page.contains(_grown(box, -1.0)), f"{box} leaves the page"
        covered[
            max(0, int(box.y)) : int(np.ceil(box.bottom)), max(0, int(box.x)) : int(box.right) + 1
        ] = True
    ink = (np.abs(pixels.astype(np.int16) - PAGE_BG).max(axis=2) > 0) & ~covered
    assert not ink.any(), f"{ink.sum()} px drawn outside every box, e.g. at {np.argwhere(ink)[0]}"
    for label in plan.labels:
        x, y = int(label.box.x), int(label.box.y)
        inside = pixels[y : int(label.box.bottom), x : int(label.box.right)]
        assert (inside != PAGE_BG).any(), f"{label.text!r} has no ink in its box"


def test_each_vehicle_is_named_and_each_display_captioned(sheet):
    plan, _ = sheet
    text = " ".join(lb.text for lb in plan.labels)
    captions = [lb.text for lb in plan.labels]
    for profile in PROFILES:
        assert profile.name.split()[0] in text
        for d in profile.displays:
            assert any(c == display_caption(d) or c.startswith(d.id) for c in captions), d.id


def test_displays_keep_their_physical_sizes_and_dashboard_places(sheet):
    plan, _ = sheet
    for profile in PROFILES:
        boxes = {i.display_id: i.box for i in plan.images if i.profile_id == profile.id}
        mm = {s.display_id: s for s in dashboard_boxes_mm(profile)}
        scales = [boxes[k].width / mm[k].width for k in boxes]
        assert max(scales) / min(scales) < 1.1 or max(b.width for b in boxes.values()) < 12
        # The widest picture's scale has the least rounding in it.
        first = max(boxes, key=lambda k: boxes[k].width)
        scale = boxes[first].width / mm[first].width
        for k, box in boxes.items():
            dx = (mm[k].x - mm[first].x) * scale
            dy = (mm[k].y - mm[first].y) * scale
            assert abs(box.x - boxes[first].x - dx) <= 2 + abs(dx) / 50, (profile.id, k)
            assert abs(box.y - boxes[first].y - dy) <= 2 + abs(dy) / 50, (profile.id, k)


def test_rows_fill_the_page_near_16_to_10(sheet):
    plan, _ = sheet
    rights = [b.box.right for b in (*plan.images, *plan.labels)]
    assert max(rights) > plan.width * 0.85, "the widest row leaves the right of the page empty"
    heights = sorted(i.box.height for i in plan.images)
    assert heights[len(heights) // 2] >= 100, "most pictures are thumbnails"
    if plan.width >= 2400:
        assert 1.2 < plan.width / plan.height < 2.2, (plan.width, plan.height)
    tops = sorted({round(i.box.y) for i in plan.images})
    assert len(tops) >= 2, "the vehicles stand in one row or one column"
