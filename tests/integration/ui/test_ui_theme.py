"""Day and night themes meet WCAG contrast: 4.5:1 for text, 3:1 for controls."""

import pytest

from cardeck_sim.ui import DAY, NIGHT, contrast_pairs, contrast_ratio, relative_luminance


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    # #767676 on white is the classic "just passes AA" grey.
    assert contrast_ratio((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio((10, 20, 30), (200, 100, 50)) == contrast_ratio(
        (200, 100, 50), (10, 20, 30)
    )
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)


@pytest.mark.parametrize("theme", [DAY, NIGHT], ids=lambda t: t.name)
def test_every_colour_pair_of_the_theme_meets_its_minimum(theme):
    failures = [
        f"{what}: {contrast_ratio(fg, bg):.2f} < {minimum}"
        for what, fg, bg, minimum in contrast_pairs(theme)
        if contrast_ratio(fg, bg) < minimum
    ]
    assert not failures, failures


def test_night_is_darker_than_day():
    assert relative_luminance(NIGHT.background) < 0.02 < 0.8 < relative_luminance(DAY.background)
