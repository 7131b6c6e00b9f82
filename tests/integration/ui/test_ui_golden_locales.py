"""Golden images in Korean, Arabic and the pseudo-locale en-XA: three vehicles, day and night.

Issue 20's acceptance: one landscape (Tesla Model 3), one portrait (Volvo EX30) and
one multi-display vehicle (Hyundai/Kia ccNC: cluster and centre), each display in
``ko``, ``ar`` (right to left) and ``en-XA`` (accented, bracketed, ~35 % longer),
by day and by night. The scene is the demo's (``demo_store(..., locale=…)``: its
data — what the driver said, the markers — in the locale's language), each
display in its layout for the locale (right to left the engine mirrors the
panels' order; the dock keeps the driver's side). Goldens are
``golden/<profile>--<display>--<locale>[--night].png``, compared with the same
tolerance as the English ones; ``UPDATE_GOLDEN=1`` regenerates them.
"""

from __future__ import annotations

import functools

import pytest
from PIL import Image

from cardeck.layout import bundled_profiles, solve_profile
from cardeck_sim.ui import DEMO_CLOCK, demo_store

from ._pixels import GOLDEN_DIR, MAX_BAD_FRACTION, bad_fraction, check_golden, downscale

# Korean and Arabic need the fonts of the text helper's font chain (with missing_glyphs);
# without it every such letter is a box and a golden would freeze the boxes.
if not hasattr(pytest.importorskip("cardeck_sim.ui.theme"), "missing_glyphs"):
    pytest.skip(
        "the locale goldens wait for the font chain (cardeck_sim.ui.theme.missing_glyphs); "
        "generate them after it lands with UPDATE_GOLDEN=1",
        allow_module_level=True,
    )

#: Landscape, portrait, multi-display.
PROFILES = ("tesla-model-3", "volvo-ex30-2024", "hyundai-kia-ccnc")
LOCALES = ("ko", "ar", "en-XA")
THEMES = {False: "day", True: "night"}


def _cases(catalog_profiles):
    return [
        (pid, did, loc, night)
        for pid in PROFILES
        for did in catalog_profiles[pid]
        for loc in LOCALES
        for night in (False, True)
    ]


@functools.cache
def _layouts(profile_id: str, locale: str):
    return solve_profile(bundled_profiles()[profile_id], locale=locale)


def _displays() -> dict[str, list[str]]:
    profiles = bundled_profiles()
    return {pid: [d.id for d in profiles[pid].displays] for pid in PROFILES}


CASES = _cases(_displays())


def _name(pid: str, did: str, loc: str, night: bool) -> str:
    return f"{pid}--{did}--{loc}" + ("--night" if night else "")


@pytest.fixture(scope="module")
def scenes(map_data):
    cache = {}

    def get(pid, loc, night):
        key = (pid, loc, night)
        if key not in cache:
            cache[key] = demo_store(map_data, pid, night=night, locale=loc)
        return cache[key]

    return get


@pytest.mark.parametrize(
    ("profile_id", "display_id", "locale", "night"),
    CASES,
    ids=[_name(*c).replace("--", "-") for c in CASES],
)
def test_display_matches_its_locale_golden(
    window, catalog, scenes, map_data, profile_id, display_id, locale, night
):
    from cardeck_sim.ui import render_image

    display = next(d for d in catalog.get(profile_id).displays if d.id == display_id)
    layout = _layouts(profile_id, locale)[display_id]
    assert layout.locale == locale
    store = scenes(profile_id, locale, night)
    image = render_image(store, display, layout, map_data=map_data, clock=DEMO_CLOCK)
    assert image.size == (display.width_px, display.height_px)
    name = _name(profile_id, display_id, locale, night)
    bad = check_golden(image, name)
    assert bad <= MAX_BAD_FRACTION, f"{bad:.2%} of pixels differ from the golden {name}.png"
    # The locale shows: the picture is not the English one (its golden, same theme).
    english = GOLDEN_DIR / (f"{profile_id}--{display_id}" + ("--night" if night else "") + ".png")
    with Image.open(english) as en:
        differs = bad_fraction(downscale(image), en.convert("RGB"))
    assert differs > MAX_BAD_FRACTION, f"{name} looks like the English render"
