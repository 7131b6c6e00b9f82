"""examples/poi_theme.py puts styled EV-charger markers on a real head unit's map."""

from __future__ import annotations

from pathlib import Path

import pytest
from example_helpers import run_example

import cardeck
from cardeck import LatLng, Marker, MarkerShape
from cardeck.testing import HeadUnitThread

pytestmark = pytest.mark.timeout(60)

SHIPPED_IDS = [
    "ev-charger:ateneum",
    "ev-charger:central-station",
    "ev-charger:esplanadi",
    "ev-charger:forum",
    "ev-charger:kaisaniemi",
    "ev-charger:kiasma",
]


def test_adds_styled_markers_updates_them_and_clears_only_its_own(
    headunit: HeadUnitThread, client: cardeck.Client, tmp_path: Path
) -> None:
    # Another app's marker, which the theme must leave alone.
    client.maps.add_markers([Marker("fuel:neste", LatLng(60.1700, 24.9400))])

    result = run_example("poi_theme.py", "--target", headunit.target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "Added 6 charger markers from chargers.yaml (removed 0 stale; the map holds 7 markers)."
    )
    listed = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert listed == SHIPPED_IDS

    markers = {m.marker_id: m for m in client.maps.list_markers()}
    assert sorted(markers) == sorted([*SHIPPED_IDS, "fuel:neste"])
    fast, slow = markers["ev-charger:kiasma"].style, markers["ev-charger:forum"].style
    assert (fast.shape, fast.fill_rgba, fast.glyph, fast.label, fast.min_zoom) == (
        MarkerShape.DIAMOND,
        0xF9A825FF,
        "⚡",
        "Kiasma 150 kW",
        12.0,
    )
    assert (slow.shape, slow.fill_rgba, slow.label, slow.min_zoom) == (
        MarkerShape.CIRCLE,
        0x1E88E5FF,
        "Forum 22 kW",
        15.0,
    )
    for marker in markers.values():
        if marker.marker_id.startswith("ev-charger:"):
            assert 60.168 <= marker.position.latitude_deg <= 60.175
            assert 24.938 <= marker.position.longitude_deg <= 24.950

    # A smaller file: the chargers that left it leave the map, the rest are updated.
    smaller = tmp_path / "two.yaml"
    smaller.write_text(
        "chargers:\n"
        "  - {id: kiasma, name: Kiasma, kind: slow, power_kw: 22, lat: 60.1718, lon: 24.9385}\n"
        "  - {id: forum, name: Forum, kind: slow, power_kw: 22, lat: 60.1689, lon: 24.9398}\n"
    )
    result = run_example("poi_theme.py", "--target", headunit.target, "--file", str(smaller))
    assert result.returncode == 0, result.stderr
    assert "(removed 4 stale; the map holds 3 markers)" in result.stdout
    kiasma = client.maps.list_markers()[1]
    assert (kiasma.marker_id, kiasma.style.shape) == ("ev-charger:kiasma", MarkerShape.CIRCLE)

    result = run_example("poi_theme.py", "--target", headunit.target, "--clear")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Removed 2 charger markers.\n"
    assert [m.marker_id for m in client.maps.list_markers()] == ["fuel:neste"]


def test_a_bad_file_names_every_problem_and_adds_nothing(
    headunit: HeadUnitThread, client: cardeck.Client, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "chargers:\n"
        "  - {id: a, name: A, kind: ultra, power_kw: 350, lat: 60.17, lon: 24.94}\n"
        "  - {id: b, name: B, kind: fast}\n"
    )
    result = run_example("poi_theme.py", "--target", headunit.target, "--file", str(bad))
    assert result.returncode == 2
    assert "chargers[0] (a) has kind 'ultra'; use fast or slow." in result.stderr
    assert "chargers[1] lacks power_kw, lat, lon." in result.stderr
    assert client.maps.list_markers() == []
