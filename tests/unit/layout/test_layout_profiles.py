"""Profile and template validation: every mistake reported, with file:line:column."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cardeck.layout
from cardeck._exceptions import ProfileError
from cardeck.layout import (
    Display,
    bundled_layouts_dir,
    bundled_profiles,
    bundled_templates,
    load_profile,
    load_profiles,
    parse_profile,
    parse_template,
)

GOOD = textwrap.dedent(
    """\
    id: test-car
    name: Test car
    sources: [unit test]
    displays:
      - id: center
        role: center
        width_px: 1920
        height_px: 720
        diagonal_in: 12.3
    """
)


def _problems(text: str) -> list[str]:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "car.yaml")
    return [str(p) for p in info.value.problems]


def test_exports_are_sorted_and_complete() -> None:
    assert cardeck.layout.__all__ == sorted(cardeck.layout.__all__)
    for name in cardeck.layout.__all__:
        assert hasattr(cardeck.layout, name), name


def test_good_profile_derives_density_and_ppi() -> None:
    profile = parse_profile(GOOD)
    display = profile.displays[0]
    assert display.physical_ppi == pytest.approx(math.hypot(1920, 720) / 12.3)
    assert display.logical_density == 160  # 166.7 ppi is nearest the mdpi bucket
    assert display.viewing_distance_mm == 750
    assert profile.driver_side_of(display) == "left"


def test_missing_field_points_at_the_mapping() -> None:
    text = GOOD.replace("    width_px: 1920\n", "")
    assert _problems(text) == [
        "car.yaml:5:5: displays.0.width_px: The required field 'width_px' is missing; add it."
    ]


def test_wrong_type_points_at_the_value() -> None:
    (problem,) = _problems(GOOD.replace("height_px: 720", "height_px: tall"))
    assert problem.startswith("car.yaml:8:5: displays.0.height_px: The value 'tall' is not")
    assert "integer" in problem


def test_unknown_key_suggests_the_spelling() -> None:
    (problem,) = _problems(GOOD.replace("diagonal_in: 12.3", "diagonal_in: 12.3\n    diagonall: 3"))
    assert problem == (
        "car.yaml:10:5: displays.0.diagonall: 'diagonall' is not a known field (did you "
        "mean 'diagonal_in'?); remove it or correct its spelling."
    )


def test_negative_size() -> None:
    (problem,) = _problems(GOOD.replace("width_px: 1920", "width_px: -1920"))
    assert problem.startswith("car.yaml:7:5: displays.0.width_px: The value -1920 is not allowed")
    assert "greater than 0" in problem


def test_dpi_inconsistent_with_diagonal_and_resolution() -> None:
    (problem,) = _problems(GOOD.replace("diagonal_in: 12.3", "diagonal_in: 12.3\n    dpi: 300"))
    assert problem == (
        "car.yaml:10:5: displays.0.dpi: dpi is 300, but a 12.3-inch diagonal at 1920x720 px "
        "gives 166.7 ppi (80% off, at most 5% is allowed); correct dpi or diagonal_in, or "
        "remove one of them."
    )


def test_dpi_within_five_percent_is_fine() -> None:
    profile = parse_profile(GOOD.replace("diagonal_in: 12.3", "diagonal_in: 12.3\n    dpi: 172"))
    assert profile.displays[0].physical_ppi == 172


def test_duplicate_display_id() -> None:
    second = GOOD.split("displays:\n")[1]
    (problem,) = _problems(GOOD + second)
    assert problem == (
        "car.yaml:10:5: displays.1.id: Display id 'center' is used twice (displays 0 and 1); "
        "give every display its own id."
    )


def test_three_mistakes_are_all_reported() -> None:
    text = (
        GOOD.replace("name: Test car\n", "")
        .replace("width_px: 1920", "width_px: wide")
        .replace("diagonal_in: 12.3", "diagonal_in: 12.3\n    curvd: true")
    )
    problems = _problems(text)
    assert [p.split(": ")[0:2] for p in problems] == [
        ["car.yaml:1:1", "name"],
        ["car.yaml:6:5", "displays.0.width_px"],
        ["car.yaml:9:5", "displays.0.curvd"],
    ]


def test_duplicate_id_is_reported_with_other_errors() -> None:
    second = GOOD.split("displays:\n")[1].replace("width_px: 1920", "width_px: -1")
    problems = _problems(GOOD + second)
    assert any("displays.1.id: Display id 'center' is used twice" in p for p in problems)
    assert any("displays.1.width_px" in p for p in problems)


def test_yaml_syntax_error_has_line() -> None:
    (problem,) = _problems("id: x\nname: [unclosed\n")
    assert problem.startswith("car.yaml:3:1: The file is not valid YAML")


def test_duplicate_yaml_key() -> None:
    problems = _problems(GOOD + "name: Again\n")
    assert problems == [
        "car.yaml:10:1: name: The key 'name' appears twice in the same mapping; keep only one "
        "of them."
    ]


def test_empty_file() -> None:
    assert _problems("") == ["car.yaml:1:1: The file is empty; write a vehicle profile in it."]


def test_error_message_is_a_sentence_with_every_problem() -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(GOOD.replace("role: center", "role: dashboard"), "car.yaml")
    message = str(info.value)
    assert message.startswith("car.yaml is not a valid vehicle profile: 1 problem found; fix")
    assert "car.yaml:6:5: displays.0.role:" in message


def test_neither_diagonal_nor_dpi() -> None:
    (problem,) = _problems(GOOD.replace("    diagonal_in: 12.3\n", ""))
    assert "displays.0.diagonal_in: Display 'center' gives neither diagonal_in nor dpi" in problem


def test_cutout_outside_display() -> None:
    text = GOOD + "    cutouts: [{x: 1900, y: 0, width: 100, height: 10}]\n"
    (problem,) = _problems(text)
    assert "displays.0.cutouts.0: Cutout 0 reaches past the 1920x720 px display" in problem


def test_load_profile_reports_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("width_px: 1920", "width_px: -1"))
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value.problems[0]).startswith(f"{path}:7:5:")
    with pytest.raises(ProfileError, match="Could not read the profile"):
        load_profile(tmp_path / "missing.yaml")


def test_load_profiles_collects_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.replace("width_px: 1920", "width_px: -1"))
    (tmp_path / "b.yaml").write_text(GOOD.replace("height_px: 720", "height_px: x"))
    with pytest.raises(ProfileError) as info:
        load_profiles(tmp_path)
    assert {Path(p.file).name for p in info.value.problems} == {"a.yaml", "b.yaml"}


def test_bundled_profiles_cover_the_source_table() -> None:
    profiles = bundled_profiles()
    assert len(profiles) >= 16
    koleos = profiles["renault-grand-koleos-2025"]
    assert [d.role for d in koleos.displays] == ["cluster", "center", "passenger"]
    assert profiles["polestar-2"].display("center").logical_density == 160
    assert profiles["renault-megane-e-tech-2022"].display("center").logical_density == 167
    ribbon = profiles["concept-ribbon-33in"].display("ribbon")
    assert ribbon.width_px / ribbon.height_px == pytest.approx(6.5)
    for path in (bundled_layouts_dir() / "vehicles").glob("*.yaml"):
        text = path.read_text()
        assert text.startswith("#"), f"{path.name} must cite its source in a comment"
        assert "sources:" in text


def test_layouts_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDECK_LAYOUTS_DIR", str(tmp_path))
    assert bundled_layouts_dir() == tmp_path


def test_display_model_is_frozen_and_strict() -> None:
    display = Display(id="c", role="center", width_px=100, height_px=100, dpi=160)
    with pytest.raises(ValueError):
        display.width_px = 5  # type: ignore[misc]
    with pytest.raises(ValueError):
        Display(id="c", role="center", width_px=100, height_px=100, dpi=160, colour="red")  # type: ignore[call-arg]


def test_bundled_templates_are_valid() -> None:
    templates = bundled_templates()
    assert "default" in templates
    roles = set(templates["default"].roles)
    assert roles == {"center", "cluster", "passenger", "hud", "rear", "console", "pilot"}


TEMPLATE = textwrap.dedent(
    """\
    name: t
    roles:
      center:
        panels:
          - {id: map, kind: map, essential: true}
        arrangements:
          - layout: {panel: map}
    """
)


def test_template_reports_unknown_panel_and_bad_node() -> None:
    text = TEMPLATE.replace("- layout: {panel: map}", "- layout: {panel: mapp, row: []}")
    with pytest.raises(ProfileError) as info:
        parse_template(text, "t.yaml")
    (problem,) = info.value.problems
    assert str(problem).startswith("t.yaml:7:9: roles.center.arrangements.0.layout:")
    assert "exactly one of 'panel', 'row' or 'column'" in problem.message


def test_template_needs_catch_all_and_known_panels() -> None:
    text = TEMPLATE.replace("- layout: {panel: map}", "- {aspect: [wide], layout: {panel: x}}")
    with pytest.raises(ProfileError) as info:
        parse_template(text, "t.yaml")
    assert "places panel 'x', which is not declared" in str(info.value)
    assert parse_template(TEMPLATE).roles["center"].panels[0].id == "map"


def test_layout_package_imports_no_gui_or_grpc_server_code() -> None:
    code = (
        "import sys, cardeck.layout, cardeck.cli._layout_cmds; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kivy', 'cardeck_sim')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("role", "given", "visible"),
    [
        ("center", None, True),
        ("cluster", None, True),
        ("hud", None, True),
        ("console", None, True),
        ("pilot", None, True),
        ("passenger", None, True),
        ("passenger", False, False),
        ("rear", None, False),
        ("rear", True, True),
    ],
)
def test_driver_visible_defaults_by_role(role: str, given: bool | None, visible: bool) -> None:
    fields: dict[str, object] = {"role": role, "driver_visible": given}
    display = Display.model_validate(
        {"id": "d", "width_px": 1920, "height_px": 720, "dpi": 160, **fields}
    )
    assert display.visible_to_driver is visible
