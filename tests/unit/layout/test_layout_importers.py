"""Importers for the Desktop Head Unit .ini and AVD hardware-profile XML formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardeck._exceptions import ProfileError
from cardeck.layout import (
    bundled_profiles,
    dump_profile_yaml,
    import_avd_xml,
    import_dhu_ini,
    import_profile_file,
    parse_profile,
    solve_profile,
)
from cardeck.layout._sweep import sweep_profiles


def test_dhu_ini_margins_become_the_real_screen(fixtures: Path) -> None:
    profile = import_profile_file(fixtures / "dhu_1000x600.ini")
    center, cluster = profile.displays
    # 1280x720 minus margins 140+140 / 60+60 is the 1000x600 screen the DHU fakes.
    assert (center.width_px, center.height_px) == (1000, 600)
    assert center.insets.left == 24
    assert (center.density_dpi, center.dpi) == (160, 160)
    assert profile.driver_side == "right"
    assert (cluster.id, cluster.role, cluster.width_px, cluster.density_dpi) == (
        "cluster",
        "cluster",
        800,
        120,
    )
    assert profile.id == "dhu-dhu-1000x600"
    solve_profile(profile)


def test_dhu_resolution_names(fixtures: Path) -> None:
    profile = import_profile_file(fixtures / "dhu_named.ini")
    assert (profile.displays[0].width_px, profile.displays[0].height_px) == (1920, 1080)


def test_dhu_bad_resolution_is_a_sentence(fixtures: Path) -> None:
    with pytest.raises(ProfileError) as info:
        import_profile_file(fixtures / "dhu_bad.ini")
    (problem,) = info.value.problems
    assert problem.field == "general.resolution"
    assert problem.message.startswith("'huge' is not a resolution; write WIDTHxHEIGHT")


def test_dhu_bad_margins() -> None:
    with pytest.raises(ProfileError, match="not four non-negative whole numbers"):
        import_dhu_ini("[general]\nresolution = 800x480\nmargins = 1,2\n")


def test_avd_xml_polestar(fixtures: Path) -> None:
    profile = import_profile_file(fixtures / "avd_polestar.xml")
    (display,) = profile.displays
    assert profile.id == "polestar-2"
    assert (display.width_px, display.height_px) == (1152, 1536)
    assert display.dpi == pytest.approx(172.51)
    assert display.diagonal_in == pytest.approx(11.13)
    assert display.logical_density == 160
    bundled = bundled_profiles()["polestar-2"].display("center")
    assert display.logical_density == bundled.logical_density


def test_avd_xml_with_several_devices_needs_a_choice(fixtures: Path) -> None:
    text = (fixtures / "avd_two.xml").read_text()
    with pytest.raises(ProfileError, match=r"defines 2 devices .*choose one with --device NAME"):
        import_avd_xml(text, "avd_two.xml")
    wide = import_avd_xml(text, "avd_two.xml", device="Automotive Ultrawide")
    assert (wide.displays[0].width_px, wide.displays[0].logical_density) == (3904, 240)
    with pytest.raises(ProfileError, match="no device named 'x'"):
        import_avd_xml(text, "avd_two.xml", device="x")


def test_avd_xml_errors() -> None:
    with pytest.raises(ProfileError) as info:
        import_avd_xml("<d:devices", "broken.xml")
    assert info.value.problems[0].line == 1
    with pytest.raises(ProfileError, match="no <d:device> entries"):
        import_avd_xml("<devices/>", "empty.xml")


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "car.txt"
    path.write_text("x")
    with pytest.raises(ProfileError, match=r"'\.txt' is not a known format"):
        import_profile_file(path)


@pytest.mark.parametrize("name", ["dhu_1000x600.ini", "dhu_named.ini", "avd_polestar.xml"])
def test_imports_round_trip_through_yaml(fixtures: Path, name: str) -> None:
    profile = import_profile_file(fixtures / name)
    text = dump_profile_yaml(profile)
    assert text.startswith("# ")
    assert parse_profile(text, name + ".yaml") == profile


def test_every_bundled_profile_round_trips() -> None:
    for profile in bundled_profiles().values():
        assert parse_profile(dump_profile_yaml(profile)) == profile


def test_random_profiles_round_trip_through_yaml() -> None:
    for profile in sweep_profiles(200, seed=5):
        assert parse_profile(dump_profile_yaml(profile)) == profile
