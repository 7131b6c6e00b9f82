"""Regression tests for issue 14 ("Hardening"): hostile profiles end in ProfileError, fast.

Each input here made the loader or the solver hang or raise something other
than ProfileError before the limits of ``cardeck.layout._limits``; the inputs
that reach the solver were found by fuzzing (tests/fuzz).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cardeck._exceptions import ProfileError, ProfileProblem
from cardeck.layout import (
    LayoutSolver,
    bundled_layouts_dir,
    bundled_profiles,
    load_profile,
    parse_profile,
    solve_profile,
)
from cardeck.layout._limits import (
    MAX_DISPLAYS,
    MAX_PROFILE_BYTES,
    MAX_PX,
    MAX_YAML_DEPTH,
    limits_markdown,
)

VEHICLES = bundled_layouts_dir() / "vehicles"
POLESTAR = (VEHICLES / "polestar-2.yaml").read_text(encoding="utf-8")
TESLA_S = (VEHICLES / "tesla-model-s-2021.yaml").read_text(encoding="utf-8")
REPO = Path(__file__).resolve().parents[3]

# The alias bomb of the issue: nine levels of anchors, each list holding nine
# aliases of the one before, so the last one expands to 9^9 (387 million) strings.
BOMB = "\n".join(
    [
        "id: bomb",
        "name: Bomb",
        "sources: [issue 14]",
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def _refused(text: str, filename: str = "car.yaml") -> tuple[ProfileError, float]:
    """Parse and solve ``text``; return the ProfileError it must raise and the time taken."""
    start = time.perf_counter()
    with pytest.raises(ProfileError) as caught:
        solve_profile(parse_profile(text, filename))
    return caught.value, time.perf_counter() - start


def _only(error: ProfileError) -> ProfileProblem:
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_nine_level_alias_bomb_is_refused_in_under_half_a_second() -> None:
    assert len(BOMB.encode()) < 512
    error, elapsed = _refused(BOMB)
    assert elapsed < 0.5
    problem = _only(error)
    assert (problem.file, problem.line) == ("car.yaml", 7)
    assert problem.field.startswith("d.")
    assert "aliases expand the file to more than 5,000 values" in problem.message


def test_alias_inside_its_own_anchor_is_refused() -> None:
    error, _ = _refused(POLESTAR.replace("input_modes: [touch]", "input_modes: &r [*r]"))
    problem = _only(error)
    assert problem.line == _line_of(POLESTAR, "input_modes: [touch]")
    assert problem.field == "displays.0.input_modes.0"
    assert "refers to a mapping or list that contains it" in problem.message


def test_height_px_of_1e30_is_refused_at_the_limit() -> None:
    # With dpi alone the physical size stays plausible, so before the limit the
    # solver tried to lay out 10^30 rows of pixels and never returned.
    text = POLESTAR.replace("    diagonal_in: 11.13\n", "").replace(
        "height_px: 1536", f"height_px: {10**30}"
    )
    error, _ = _refused(text)
    problem = _only(error)
    assert problem.line == _line_of(text, "height_px: 1000")
    assert problem.field == "displays.0.height_px"
    assert f"less than or equal to {MAX_PX}" in problem.message
    assert "docs/layouts.md" in problem.message


def test_resize_past_the_pixel_limit_is_refused() -> None:
    solver = LayoutSolver(bundled_profiles()["polestar-2"], "center")
    assert solver.resize(MAX_PX, MAX_PX).width_px == MAX_PX
    with pytest.raises(ProfileError, match="past the limit of 16,384 px a side"):
        solver.resize(10**30, 720)


def test_display_id_written_as_a_mapping_is_a_profile_error() -> None:
    text = POLESTAR.replace("id: cluster", "id: {a: 1}")
    error, _ = _refused(text)
    problem = _only(error)
    assert problem.line == _line_of(text, "id: {a: 1}")
    assert problem.field == "displays.1.id"
    assert "should be a valid string" in problem.message


@pytest.mark.parametrize(
    "nesting",
    [
        "notes: " + "[" * 10_000 + "]" * 10_000,
        "notes:\n" + "".join(f"{'  ' * level}k{level}:\n" for level in range(1, 60)) + "      x",
    ],
    ids=["10000-flow-lists", "60-block-mappings"],
)
def test_deep_nesting_is_refused_before_anything_recursive(nesting: str) -> None:
    text = POLESTAR + nesting + "\n"
    error, elapsed = _refused(text)
    assert elapsed < 2.0
    problem = _only(error)
    assert problem.line >= _line_of(text, "notes:")
    assert f"nested more than {MAX_YAML_DEPTH} levels deep" in problem.message


def test_infinite_override_does_not_overflow_panel_minimums() -> None:
    # Found by fuzzing: math.ceil(inf) in _panel_minimums raised OverflowError.
    text = POLESTAR + "template_overrides:\n  - {role: center, panel: map, min_width_dp: .inf}\n"
    error, _ = _refused(text)
    problem = _only(error)
    assert problem.line == _line_of(text, "  - {role: center")
    assert problem.field == "template_overrides.0.min_width_dp"
    assert "finite number" in problem.message


def test_huge_height_does_not_make_kiwisolver_unsatisfiable() -> None:
    # Found by fuzzing: at 7e10 px kiwisolver's float tolerance called a
    # required constraint violated and raised UnsatisfiableConstraint.
    text = TESLA_S.replace("height_px: 1300", "height_px: 69735579203")
    error, _ = _refused(text)
    problem = _only(error)
    assert problem.field == "displays.0.height_px"
    assert problem.line == _line_of(text, "height_px: 6973")


def test_binary_junk_file_is_a_profile_error_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(b"id: junk\nname: \x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    problem = _only(caught.value)
    assert (problem.file, problem.line, problem.column) == (str(path), 2, 7)
    assert "not UTF-8" in problem.message


def test_control_characters_are_a_profile_error_with_a_line() -> None:
    error, _ = _refused("id: x\nname: a\x00b\n")
    problem = _only(error)
    assert (problem.line, problem.column) == (2, 8)
    assert "U+0000" in problem.message


def test_oversized_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(POLESTAR + "# " + "x" * MAX_PROFILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    problem = _only(caught.value)
    assert problem.line == POLESTAR.count("\n") + 1
    assert "more than the 64 KiB limit" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- id: x\n- name: y\n", 1, "must be a mapping of fields"),
        ("just a sentence\n", 1, "must be a mapping of fields"),
        (POLESTAR + "---\n" + POLESTAR, POLESTAR.count("\n") + 1, "more than one YAML document"),
        ("id: !!python/object:os.system x\n", 1, "tag 'tag:yaml.org,2002:python/object"),
        ("id: x\nname: 2023-13-45\n", 2, "month must be in 1..12"),
    ],
    ids=["list", "scalar", "two-documents", "python-tag", "bad-date"],
)
def test_documents_that_are_not_one_mapping(text: str, line: int, words: str) -> None:
    error, _ = _refused(text)
    assert error.problems[0].line == line
    assert words in error.problems[0].message


def test_too_many_displays_names_the_field_and_the_limit() -> None:
    block = POLESTAR.split("displays:\n")[1]
    displays = "".join(
        block.replace("id: center", f"id: c{i}").replace("id: cluster", f"id: k{i}")
        for i in range(MAX_DISPLAYS // 2 + 1)
    )
    text = POLESTAR.split("displays:\n")[0] + "displays:\n" + displays
    error, _ = _refused(text)
    problem = _only(error)
    assert (problem.line, problem.field) == (_line_of(text, "displays:"), "displays")
    assert f"at most {MAX_DISPLAYS} items" in problem.message


def test_many_problems_are_capped_and_counted() -> None:
    error, _ = _refused(POLESTAR + "".join(f"extra{i}: 1\n" for i in range(2000)))
    assert len(error.problems) == 51
    assert error.problems[-1].message.startswith("1950 more problems are not listed")


def test_docs_list_the_limits() -> None:
    docs = (REPO / "docs" / "layouts.md").read_text(encoding="utf-8")
    assert "\n".join(limits_markdown()) in docs


def test_merge_key_that_a_mapping_overrides_is_not_a_duplicate() -> None:
    # Duplicate keys are looked for before construction, which expands "<<" in place.
    text = "base: &b {id: x, role: hud}\n" + POLESTAR.replace(
        "  - id: center\n    role: center\n", "  - <<: *b\n    id: center\n    role: center\n"
    )
    error, _ = _refused(text)
    assert [p.field for p in error.problems] == ["base"]
