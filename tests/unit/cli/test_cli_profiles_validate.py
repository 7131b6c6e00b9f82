"""``cardeck profiles validate``: ok, warnings, errors and --strict, exact output and exit status.

The fixtures are small real-sized screens that the engine grades: a 5-inch
centre screen is below the Automotive CDD's 6-inch minimum, an error for a
centre display; the same size as a cluster is only a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardeck.cli.__main__ import main
from cardeck.layout import check_profile, load_profile

FIXTURES = Path(__file__).parent / "fixtures"
ERROR = str(FIXTURES / "five-inch-center.yaml")
WARNING = str(FIXTURES / "five-inch-cluster.yaml")
OK = str(Path(__file__).parents[3] / "layouts" / "vehicles" / "polestar-2.yaml")
DIAGONAL = (
    "The diagonal is 5.0 in, below the Automotive CDD minimum of 6 in; this matters only for "
    "Android certification."
)
# The 5-inch centre's dock is at its widest and still too narrow for its longest label.
CLIMATE = (
    "In en, dock shows the word 'Climate' (in 'Climate'), which needs 93 px at the 26 px "
    "minimum text size but has 78 px, so it is cut with an ellipsis; give the panel more width "
    "in the template (min_width_dp, max_width_dp) or shorten the translation."
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["profiles", "validate", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_a_valid_profile_without_diagnostics_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, OK) == (0, f"ok {OK}: polestar-2, 2 display(s), 0 diagnostic(s)\n", "")


def test_a_warning_prints_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, WARNING) == (
        0,
        f"ok {WARNING}: five-inch-cluster, 2 display(s), 1 diagnostic(s)\n"
        f"  cluster: warning [cdd-minimum] {DIAGONAL}\n",
        "",
    )


def test_an_error_prints_the_diagnostic_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, ERROR, OK) == (
        1,
        f"failed {ERROR}: five-inch-center, 1 display(s), 2 diagnostic(s)\n"
        f"  center: error [cdd-minimum] {DIAGONAL}\n"
        f"  center: warning [text-fit] dock: {CLIMATE}\n"
        f"ok {OK}: polestar-2, 2 display(s), 0 diagnostic(s)\n",
        "ProfileError: 1 problem found; fix them and validate again.\n"
        f"  {ERROR}: center: error [cdd-minimum] {DIAGONAL}\n",
    )


def test_strict_fails_on_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--strict", WARNING) == (
        1,
        f"failed {WARNING}: five-inch-cluster, 2 display(s), 1 diagnostic(s)\n"
        f"  cluster: warning [cdd-minimum] {DIAGONAL}\n",
        "ProfileError: 1 problem found; fix them and validate again, or drop --strict to let "
        "warnings pass.\n"
        f"  {WARNING}: cluster: warning [cdd-minimum] {DIAGONAL}\n",
    )


def test_strict_passes_a_profile_without_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--strict", OK)[0] == 0


def test_schema_problems_and_failing_diagnostics_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    status, out, err = run(capsys, str(bad), ERROR)
    assert status == 1
    assert out.startswith(f"failed {ERROR}: ")
    assert err.startswith("ProfileError: 4 problems found; fix them and validate again.\n")
    assert err.endswith(f"  {ERROR}: center: error [cdd-minimum] {DIAGONAL}\n")


def test_json_carries_per_file_and_per_diagnostic_severity(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "--json", ERROR, WARNING, OK)
    assert status == 1
    assert err.startswith("ProfileError: 1 problem found;")
    data = json.loads(out)
    assert list(data) == ["ok", "strict", "files", "problems"]
    assert (data["ok"], data["strict"], data["problems"]) == (False, False, [])
    summary = [(f["vehicle"], f["ok"], f["severity"]) for f in data["files"]]
    assert summary == [
        ("five-inch-center", False, "error"),
        ("five-inch-cluster", True, "warning"),
        ("polestar-2", True, None),
    ]
    assert data["files"][0]["diagnostics"] == [
        {
            "display_id": "center",
            "severity": "error",
            "rule": "cdd-minimum",
            "panel_id": "",
            "message": DIAGONAL,
        },
        {
            "display_id": "center",
            "severity": "warning",
            "rule": "text-fit",
            "panel_id": "dock",
            "message": CLIMATE,
        },
    ]


def test_json_strict_marks_the_warning_file_failed(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--json", "--strict", WARNING, OK)
    data = json.loads(out)
    assert status == 1
    assert (data["ok"], data["strict"]) == (False, True)
    assert [(f["ok"], f["severity"]) for f in data["files"]] == [(False, "warning"), (True, None)]


def test_json_of_passing_files_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--json", WARNING)
    assert (status, err) == (0, "")
    assert json.loads(out)["ok"] is True


def test_check_profile_grades_as_the_command_does() -> None:
    error = check_profile(load_profile(ERROR))
    assert (error.ok, error.severity) == (False, "error")
    assert [(f.display_id, f.diagnostic.rule) for f in error.failures] == [
        ("center", "cdd-minimum")
    ]
    warning = load_profile(WARNING)
    assert check_profile(warning).ok
    assert not check_profile(warning, strict=True).ok
    assert check_profile(load_profile(OK), strict=True).severity is None


def test_the_layouts_guide_shows_what_the_command_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    guide = (Path(__file__).parents[3] / "docs" / "guides" / "layouts.md").read_text()
    command = "$ cardeck profiles validate my-car.yaml\n"
    example = guide[guide.index(command) + len(command) :].split("```", 1)[0]
    text = Path(ERROR).read_text().replace("id: five-inch-center", "id: my-car")
    (tmp_path / "my-car.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "my-car.yaml")
    assert status == 1
    assert out + err == example
