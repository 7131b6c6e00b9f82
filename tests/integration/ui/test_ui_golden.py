"""Golden images: every bundled profile × display × day/night, one fixed scene, with a tolerance.

The scene (cardeck_sim.ui.demo_store): a route on the bundled map between two
fixed points, four markers, a voice transcript, a synthetic JPEG page in the
browser, parked, the clock at 12:34; day, and the same with the night theme.
Goldens are stored at most 640 px wide; ``UPDATE_GOLDEN=1`` regenerates them.

The same renders make the gallery (docs/gallery.md and docs/gallery/): each
golden test keeps its render, shrunk to its place in the vehicle's gallery
picture, and the gallery tests compare the pictures those make with the
committed ones (within the golden tolerance) and the page exactly, so a stale
gallery fails CI without rendering anything twice. Regenerate the gallery with
``cardeck layout gallery -o docs``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cardeck.layout import Rect, bundled_profiles
from cardeck_sim.ui import DEMO_CLOCK, demo_store

from ._pixels import GOLDEN_DIR, MAX_BAD_FRACTION, bad_fraction, check_golden, mean_luminance

PROFILES = sorted(bundled_profiles().items())
CASES = [
    (pid, d.id, night)
    for night in (False, True)
    for pid, profile in PROFILES
    for d in profile.displays
]
DOCS = Path(__file__).resolve().parents[3] / "docs"
THEMES = {False: "day", True: "night"}


def _case_id(pid, display_id, night):
    return f"{pid}-{display_id}-{THEMES[night]}"


@pytest.fixture(scope="module")
def scenes(map_data):
    """One demo store per profile and theme, built once for the module."""
    cache = {}

    def get(pid, night=False):
        if (pid, night) not in cache:
            cache[pid, night] = demo_store(map_data, pid, night=night)
        return cache[pid, night]

    return get


@pytest.fixture(scope="module")
def gallery_parts():
    """(profile, theme) → display id → its render shrunk to its place in the gallery picture."""
    return {}


def _render(catalog, scenes, map_data, pid, display_id, night=False, layout=None):
    from cardeck_sim.ui import render_image

    display = next(d for d in catalog.get(pid).displays if d.id == display_id)
    layout = layout or catalog.layouts(pid)[display_id]
    return render_image(scenes(pid, night), display, layout, map_data=map_data, clock=DEMO_CLOCK)


@pytest.mark.parametrize(
    ("profile_id", "display_id", "night"), CASES, ids=[_case_id(*c) for c in CASES]
)
def test_display_matches_its_golden(
    window, catalog, scenes, map_data, gallery_parts, profile_id, display_id, night
):
    from cardeck_sim.ui import gallery_thumbnails

    image = _render(catalog, scenes, map_data, profile_id, display_id, night)
    profile = catalog.get(profile_id)
    display = next(d for d in profile.displays if d.id == display_id)
    assert image.size == (display.width_px, display.height_px)
    part = gallery_thumbnails(profile, {display_id: image})
    gallery_parts.setdefault((profile_id, night), {}).update(part)
    name = f"{profile_id}--{display_id}" + ("--night" if night else "")
    bad = check_golden(image, name)
    assert bad <= MAX_BAD_FRACTION, f"{bad:.2%} of pixels differ from the golden {name}.png"


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
        catalog,
        scenes,
        map_data,
        pid,
        display_id,
        layout=dataclasses.replace(layout, panels=moved),
    )
    bad = check_golden(image, f"{pid}--{display_id}", may_update=False)
    assert bad > MAX_BAD_FRACTION, f"only {bad:.2%} of pixels differ after moving a panel"


def test_night_goldens_are_drawn_in_the_night_theme():
    """Each night golden is darker than its day twin: not the day picture under another name.

    A HUD is exempt: it projects onto the windshield, where black is transparent,
    so it is drawn the same by day and by night.
    """
    for pid, display_id, night in CASES:
        if not night or bundled_profiles()[pid].display(display_id).role == "hud":
            continue
        with (
            Image.open(GOLDEN_DIR / f"{pid}--{display_id}.png") as day,
            Image.open(GOLDEN_DIR / f"{pid}--{display_id}--night.png") as dark,
        ):
            lum_day = mean_luminance(np.asarray(day.convert("RGB")))
            lum_night = mean_luminance(np.asarray(dark.convert("RGB")))
        assert lum_night < lum_day, f"{pid} {display_id}: night {lum_night:.0f} ≥ day {lum_day:.0f}"


@pytest.fixture(scope="module")
def regenerated(window, catalog, scenes, map_data, gallery_parts, tmp_path_factory):
    """The gallery written to a tmp dir from the golden tests' renders (or new ones if missing)."""
    from cardeck_sim.ui import gallery_thumbnails, write_gallery

    def render(profile, display, night):
        parts = gallery_parts.setdefault((profile.id, night), {})
        if display.id not in parts:
            native = _render(catalog, scenes, map_data, profile.id, display.id, night)
            parts.update(gallery_thumbnails(profile, {display.id: native}))
        # Already at its gallery size: gallery_image() pastes it unchanged.
        return parts[display.id]

    out = tmp_path_factory.mktemp("docs")
    write_gallery(out, [p for _, p in PROFILES], render=render, optimize=False)
    return out


def test_the_gallery_page_is_up_to_date(regenerated):
    fix = "Regenerate it with `cardeck layout gallery -o docs`."
    page = (regenerated / "gallery.md").read_text(encoding="utf-8")
    assert (DOCS / "gallery.md").read_text(encoding="utf-8") == page, (
        f"docs/gallery.md is stale. {fix}"
    )
    committed = sorted(p.name for p in (DOCS / "gallery").glob("*.png"))
    assert committed == sorted(p.name for p in (regenerated / "gallery").glob("*.png")), fix


@pytest.mark.parametrize("profile_id", [pid for pid, _ in PROFILES])
def test_the_gallery_pictures_are_up_to_date(regenerated, profile_id):
    for theme in THEMES.values():
        name = f"gallery/{profile_id}-{theme}.png"
        with Image.open(regenerated / name) as new, Image.open(DOCS / name) as old:
            bad = bad_fraction(new.convert("RGB"), old.convert("RGB"))
        assert bad <= MAX_BAD_FRACTION, (
            f"docs/{name} is stale: {bad:.2%} of its pixels differ from a new render. "
            "Regenerate the gallery with `cardeck layout gallery -o docs`."
        )
