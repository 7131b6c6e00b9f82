"""The design system (issue 17, item 1): palettes, the type scale, the grid, radii, elevation."""

from __future__ import annotations

import dataclasses

import pytest

from cardeck.layout import bundled_profiles, solve_profile
from cardeck_sim.ui.theme import DAY, NIGHT, RGB, Theme, contrast_pairs, scale_for


def _colours(theme: Theme) -> dict[str, RGB]:
    """Every colour of a theme by field name (roads by class)."""
    out: dict[str, RGB] = {}
    for f in dataclasses.fields(theme):
        value = getattr(theme, f.name)
        if f.name == "roads":
            out.update({f"roads.{k}": colour for k, (colour, _w) in value.items()})
        elif isinstance(value, tuple):
            out[f.name] = value
    return out


def test_night_has_no_pure_white() -> None:
    whites = [name for name, c in _colours(NIGHT).items() if c == (255, 255, 255)]
    assert not whites


def test_night_chrome_is_dimmer_than_its_panels() -> None:
    assert sum(NIGHT.status_bar) < sum(NIGHT.surface) and sum(NIGHT.dock) < sum(NIGHT.surface)
    assert max(NIGHT.text) < 240  # off-white text at night


@pytest.mark.parametrize("theme", [DAY, NIGHT], ids=lambda t: t.name)
def test_every_colour_is_a_valid_rgb_and_both_themes_have_the_same_roads(theme: Theme) -> None:
    for name, c in _colours(theme).items():
        assert len(c) == 3 and all(0 <= v <= 255 for v in c), name
    assert set(theme.roads) == set(DAY.roads)
    assert 0 < theme.shadow_alpha <= 1
    # The pairs the painters draw include the new chrome and the map style.
    checked = {what for what, *_ in contrast_pairs(theme)}
    assert {"icon on dock", "lit icon on the indicator", "street name on map"} <= checked


def test_the_type_scale_grows_from_the_viewing_distance_floor() -> None:
    checked = 0
    for profile in bundled_profiles().values():
        for layout in solve_profile(profile).values():
            s = scale_for(layout)
            assert s.body == layout.min_text_px and s.touch == layout.min_touch_px
            # Nothing below the floor; each step larger than the last.
            assert s.body < s.title < s.headline < s.display
            assert s.icon >= s.body
            assert s.display == pytest.approx(2.4 * s.body, abs=0.5)
            # The 8 dp grid, in px at the display's density.
            assert s.space(1) == round(8 * layout.density_dpi / 160)
            assert s.space(2) == round(16 * layout.density_dpi / 160)
            assert s.radius_small < s.radius_medium < s.radius_large
            levels = [s.elevation(k).reach_px for k in range(4)]
            assert levels[0] == 0 and levels == sorted(levels) and levels[3] > 0
            assert s.elevation(9) == s.elevation(3)
            checked += 1
    assert checked >= 25
