"""``cardeck layout export``: the JSON document, its round trip, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from cardeck._exceptions import CarDeckError, ProfileError
from cardeck.layout import (
    CornerRadii,
    Cutout,
    Display,
    ExportRect,
    Insets,
    LayoutExport,
    VehicleProfile,
    build_layout_export,
    bundled_profiles,
    css_clip_path,
    export_to_json,
    parse_layout_export,
    solve_profile,
)
from tests.unit.layout.test_layout_cli import run


@pytest.mark.parametrize("profile_id", sorted(bundled_profiles()))
def test_json_round_trips_and_carries_the_solver_rects(profile_id: str) -> None:
    profile = bundled_profiles()[profile_id]
    layouts = solve_profile(profile)
    export = build_layout_export(profile, layouts)
    text = export_to_json(export)
    assert json.loads(text)["schema_version"] == 1
    assert parse_layout_export(text) == export
    for display in export.displays:
        layout = layouts[display.id]
        assert display.size_px.width == layout.width_px
        assert display.device_pixel_ratio == layout.density_dpi / 160
        assert display.safe_area.rects_px == tuple(ExportRect.of(r) for r in layout.usable_px)
        for panel in layout.panels:
            exported = display.panel(panel.panel_id)
            assert exported.visible == panel.visible
            if panel.visible:
                assert exported.rect_px == ExportRect.of(panel.rect_px)
                assert exported.rect_dp == ExportRect.of(panel.rect_dp)
                assert exported.region_px == tuple(ExportRect.of(r) for r in panel.region_px)
            else:
                assert exported.rect_px is None and exported.collapsed_reason


def test_json_rejects_another_schema_version_and_unknown_fields() -> None:
    data = json.loads(export_to_json(build_layout_export(bundled_profiles()["polestar-2"])))
    with pytest.raises(ValidationError, match="schema_version"):
        LayoutExport.model_validate({**data, "schema_version": 2})
    with pytest.raises(ValidationError, match="extra"):
        LayoutExport.model_validate({**data, "colour": "red"})


def test_the_clip_path_is_a_rounded_inset_or_the_region_beside_the_cutouts() -> None:
    display = Display(
        id="d",
        role="center",
        width_px=1600,
        height_px=1000,
        density_dpi=320,
        diagonal_in=12,
        insets=Insets(left=20),
        corner_radii=CornerRadii(top_left=40, bottom_right=80),
    )
    profile = VehicleProfile(id="t", name="t", sources=("test",), displays=(display,))
    rounded = build_layout_export(profile).display("d")
    # 2 physical px per CSS px; the inset box starts 20 px in from the left.
    assert css_clip_path(rounded) == "inset(0px 0px 0px 10px round 20px 0px 40px 0px)"
    notched = VehicleProfile(
        id="t",
        name="t",
        sources=("test",),
        displays=(
            display.model_copy(update={"cutouts": (Cutout(x=700, y=0, width=200, height=60),)}),
        ),
    )
    shaped = build_layout_export(notched).display("d")
    clip = css_clip_path(shaped)
    assert clip.startswith('path("M') and clip.count("Z") == len(shaped.safe_area.rects_px)
    # The notch (350..450 CSS px wide, 30 high) is in no rectangle of the path.
    assert not any(
        r.x < 900 and r.x + r.width > 700 and r.y < 60 for r in shaped.safe_area.rects_px
    )


def test_cli_writes_the_json_it_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("layout", "export", "polestar-2", "--format", "json", "-o", str(tmp_path)) == 0
    written = tmp_path / "polestar-2.json"
    assert capsys.readouterr().out == (
        f"Wrote 1 file(s) to {tmp_path} (json, polestar-2: center, cluster)\n  {written}\n"
    )
    export = parse_layout_export(written.read_text(encoding="utf-8"))
    assert [d.id for d in export.displays] == ["center", "cluster"]


def test_cli_json_summary_lists_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["layout", "export", "polestar-2", "--format", "android", "-o", str(tmp_path)]
    assert run(*argv, "--display", "cluster", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "vehicle": "polestar-2",
        "format": "android",
        "output": str(tmp_path),
        "displays": ["cluster"],
        "files": [
            str(tmp_path / "cluster" / name)
            for name in (
                "AndroidManifest.xml",
                "res/values/dimens.xml",
                "res/values/bools.xml",
                "res/values-w1920dp-h720dp/dimens.xml",
            )
        ],
    }
    assert all(Path(f).is_file() for f in summary["files"])
    # The default --help names.
    manifest = (tmp_path / "cluster" / "AndroidManifest.xml").read_text(encoding="utf-8")
    assert 'android:targetPackage="com.cardeck.carui"' in manifest
    assert run("layout", "export", "polestar-2", "--format", "css", "-o", str(tmp_path)) == 0
    assert sorted(p.name for p in tmp_path.glob("*.css")) == ["center.css", "cluster.css"]


def test_cli_help_names_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run("layout", "export", "--help")
    assert info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--display", "--format", "--output", "--android-target", "--json"):
        assert flag in out
    assert "files" in out  # the --json key table


def test_cli_errors_are_sentences(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as info:
        run("layout", "export", "polestar-2", "--display", "rear", "-o", str(tmp_path))
    assert str(info.value) == (
        "Vehicle 'polestar-2' has no display 'rear'; its displays are center, cluster. Give "
        "one of them to --display, or leave it out to export all."
    )
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CarDeckError, match=r"^Could not write .*Give -o a folder you can write"):
        run("layout", "export", "polestar-2", "-o", str(blocker))
    with pytest.raises(ProfileError, match="not an Android package name"):
        argv = ["layout", "export", "polestar-2", "--format", "android", "-o", str(tmp_path)]
        run(*argv, "--android-target", "headunit")
    assert not (tmp_path / "center").exists()
    with pytest.raises(ProfileError, match="no bundled profile 'nope'"):
        run("layout", "export", "nope", "-o", str(tmp_path))
