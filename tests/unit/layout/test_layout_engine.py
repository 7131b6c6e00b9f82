"""The layout engine: required rules always hold, collapses explain themselves."""

from __future__ import annotations

import math
import os
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cardeck._exceptions import ProfileError
from cardeck.layout import (
    CornerRadii,
    Cutout,
    Display,
    DisplayLayout,
    Insets,
    LayoutSolver,
    PanelOverride,
    Rect,
    VehicleProfile,
    bundled_profiles,
    get_template,
    layout_metrics,
    parse_template,
    run_sweep,
    solve_display,
    solve_profile,
)
from cardeck.layout._limits import MAX_PX

TEMPLATE = get_template("default")


def _property_settings() -> settings:
    # The profiles come from conftest.py; an unknown name (another package's
    # profile) falls back to "dev" rather than failing the import.
    try:
        return settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
    except InvalidArgument:
        return settings.get_profile("dev")


PROPERTY = _property_settings()
ROLES = ["center", "cluster", "passenger", "hud", "rear", "console", "pilot"]
REQUIRED_RULES = {"touch-target", "text-size", "panel-minimum", "safe-area"}


def _profile(display: Display, driver_side: str = "left", **extra: object) -> VehicleProfile:
    return VehicleProfile(
        id="test",
        name="Test",
        sources=("unit test",),
        driver_side=driver_side,  # type: ignore[arg-type]
        displays=(display,),
        **extra,  # type: ignore[arg-type]
    )


def assert_required_rules(display: Display, layout: DisplayLayout) -> None:
    """Check every required rule independently of the engine's own bookkeeping."""
    scale = display.logical_density / 160
    arc_mm = 2 * display.viewing_distance_mm * math.tan(math.radians(16 / 60) / 2)
    # Consoles are used by feel, often with gloves: 114 dp rather than 76.
    touch_dp = 114 if display.role == "console" else 76
    assert layout.min_touch_px >= touch_dp * scale - 1e-6
    assert layout.min_text_px >= 24 * scale - 1e-6
    assert layout.min_text_px >= arc_mm / 25.4 * display.physical_ppi - 1e-6
    role = TEMPLATE.roles[display.role]
    ins = display.insets
    radii = display.corner_radii
    visible = layout.visible_panels
    for panel in visible:
        r = panel.rect_px
        assert all(float(v).is_integer() for v in (r.x, r.y, r.width, r.height))
        assert layout.safe_area.contains(r)
        assert r.x >= ins.left and r.y >= ins.top
        assert r.right <= display.width_px - ins.right
        assert r.bottom <= display.height_px - ins.bottom
        assert r.width >= layout.min_touch_px and r.height >= layout.min_touch_px
        spec = role.panel(panel.panel_id)
        assert r.height >= spec.text_lines * layout.min_text_px
        assert r.width >= spec.min_width_dp * scale - 1e-6
        assert r.height >= spec.min_height_dp * scale - 1e-6
        # Rounded corners: a rect corner in a corner's r x r square lies inside the arc.
        # (dx, dy) say which way the display corner is from the circle's centre.
        width, height = display.width_px, display.height_px
        for radius, dx, dy, px, py in (
            (radii.top_left, -1, -1, r.x, r.y),
            (radii.top_right, 1, -1, r.right, r.y),
            (radii.bottom_right, 1, 1, r.right, r.bottom),
            (radii.bottom_left, -1, 1, r.x, r.bottom),
        ):
            cx = radius if dx < 0 else width - radius
            cy = radius if dy < 0 else height - radius
            if radius and (px - cx) * dx > 0 and (py - cy) * dy > 0:
                assert math.hypot(px - cx, py - cy) <= radius + 1e-6, (panel.panel_id, radius)
        for cut in display.cutouts:
            assert not (
                r.x < cut.x + cut.width
                and cut.x < r.right
                and r.y < cut.y + cut.height
                and cut.y < r.bottom
            )
    for i, a in enumerate(visible):
        for b in visible[i + 1 :]:
            assert not a.rect_px.overlaps(b.rect_px), (a.panel_id, b.panel_id)
    for panel in layout.panels:
        spec = role.panel(panel.panel_id)
        if spec.essential:
            assert panel.visible
        if not panel.visible:
            assert panel.collapsed_reason
            assert any(d.panel_id == panel.panel_id for d in layout.diagnostics)


@st.composite
def displays(draw: st.DrawFn) -> Display:
    width = draw(st.integers(320, 10_000))
    aspect = draw(st.floats(0.3, 8.0))
    # Profiles stop at MAX_PX a side (issue 14); taller shapes are refused at load.
    height = min(MAX_PX, max(1, round(width / aspect)))
    fractions = st.floats(0.0, 0.2)
    radius = st.floats(0.0, 0.5)
    short = min(width, height)
    cutouts: tuple[Cutout, ...] = ()
    if draw(st.booleans()):
        cw = draw(st.integers(1, max(1, width // 4)))
        ch = draw(st.integers(1, max(1, height // 4)))
        cutouts = (
            Cutout(
                x=draw(st.integers(0, width - cw)),
                y=draw(st.integers(0, height - ch)),
                width=cw,
                height=ch,
            ),
        )
    return Display(
        id="d",
        role=draw(st.sampled_from(ROLES)),
        width_px=width,
        height_px=height,
        dpi=draw(st.floats(80.0, 480.0)),
        insets=Insets(
            top=int(height * draw(fractions)),
            bottom=int(height * draw(fractions)),
            left=int(width * draw(fractions)),
            right=int(width * draw(fractions)),
        ),
        corner_radii=CornerRadii(
            top_left=int(short * draw(radius)),
            top_right=int(short * draw(radius)),
            bottom_right=int(short * draw(radius)),
            bottom_left=int(short * draw(radius)),
        ),
        cutouts=cutouts,
        driver_side=draw(st.sampled_from(["left", "right"])),
        viewing_distance_mm=draw(st.floats(400.0, 3000.0)),
    )


@PROPERTY
@given(displays())
def test_any_display_obeys_required_rules_or_raises_profile_error(display: Display) -> None:
    try:
        layout = solve_display(_profile(display), "d", TEMPLATE)
    except ProfileError as exc:
        message = str(exc)
        assert "internal check failed" not in message
        assert "(rule: " in message
        return
    assert_required_rules(display, layout)


@pytest.mark.parametrize(
    ("vehicle", "display_id"),
    [(p.id, d.id) for p in bundled_profiles().values() for d in p.displays],
)
def test_every_bundled_display_solves_cleanly(vehicle: str, display_id: str) -> None:
    profile = bundled_profiles()[vehicle]
    layout = solve_display(profile, display_id)
    assert_required_rules(profile.display(display_id), layout)
    assert all(p.visible for p in layout.panels), layout.diagnostics
    assert not [d for d in layout.diagnostics if d.severity == "error"]


def test_solve_profile_returns_every_display() -> None:
    profile = bundled_profiles()["renault-grand-koleos-2025"]
    layouts = solve_profile(profile)
    assert list(layouts) == ["cluster", "center", "passenger"]
    assert {p.panel_id for p in layouts["cluster"].panels} == {"speed", "guidance_card", "map"}


def test_known_layout_of_the_koleos_center_screen() -> None:
    layout = solve_display(bundled_profiles()["renault-grand-koleos-2025"], "center")
    assert (layout.aspect_class, layout.width_class) == ("wide", "extra-wide")
    rects = {p.panel_id: p.rect_px for p in layout.panels}
    assert (rects["status_bar"].height, rects["dock"].width) == (76, 112)
    assert rects["dock"].x == 0  # left-hand drive: the dock sits by the driver
    assert rects["map"].width == 960


def test_right_hand_drive_mirrors_the_dock() -> None:
    display = Display(id="d", role="center", width_px=1920, height_px=720, diagonal_in=12.3)
    left = solve_display(_profile(display, "left"), "d")
    right = solve_display(_profile(display, "right"), "d")
    assert left.panel("dock").rect_px.x == 0
    assert right.panel("dock").rect_px.right == 1920
    assert right.panel("map").rect_px.width == left.panel("map").rect_px.width


def test_small_display_collapses_lowest_priority_first_with_numbers() -> None:
    display = Display(id="d", role="center", width_px=700, height_px=420, dpi=160)
    layout = solve_display(_profile(display), "d")
    browser = layout.panel("browser")
    assert not browser.visible
    assert browser.rect_px.width == 0
    (diag,) = [d for d in layout.diagnostics if d.panel_id == "browser"]
    assert diag.severity == "warning"
    assert diag.rule in REQUIRED_RULES
    assert "the safe area is" in diag.message and " px" in diag.message
    assert layout.panel("map").visible and layout.panel("status_bar").visible
    assert_required_rules(display, layout)


def test_narrow_arrangement_leaves_side_panels_as_tabs() -> None:
    display = Display(id="d", role="center", width_px=500, height_px=900, dpi=160)
    layout = solve_display(_profile(display), "d")
    assert layout.width_class == "narrow"
    assert not layout.panel("voice").visible
    assert any(d.rule == "arrangement" and d.panel_id == "voice" for d in layout.diagnostics)


def test_impossible_display_names_the_rule() -> None:
    display = Display(id="d", role="center", width_px=320, height_px=60, dpi=160)
    with pytest.raises(
        ProfileError, match=r"cannot be laid out: .*need 316 px of height .*\(rule: panel-minimum\)"
    ):
        solve_display(_profile(display), "d")


def test_insets_covering_everything_raise() -> None:
    display = Display(
        id="d",
        role="center",
        width_px=800,
        height_px=480,
        dpi=160,
        insets=Insets(left=400, right=400),
    )
    with pytest.raises(ProfileError, match=r"no safe area left.*rule: safe-area"):
        solve_display(_profile(display), "d")


def test_text_grows_with_viewing_distance() -> None:
    hud = bundled_profiles()["concept-ribbon-33in"].display("hud")
    text, touch = layout_metrics(hud)
    # 16' at 2.5 m is 11.6 mm, which at 120 ppi is 55 px: more than 24 dp (18 px).
    assert (text, touch) == (55, 57)


def test_a_cutout_and_rounded_corners_shape_the_panels_not_the_screen() -> None:
    layout = solve_display(bundled_profiles()["concept-ribbon-33in"], "ribbon")
    # The camera cutout (120x36 px at the top edge) and the 48 px corners no longer
    # cost a 36 px band and a 15 px frame: the arrangement spans the whole ribbon ...
    assert layout.safe_area == Rect(0, 0, 6240, 960)
    camera = Rect(3060, 0, 120, 36)
    status = layout.panel("status_bar")
    # ... the status bar keeps its controls beside the camera, draws around it ...
    assert not status.rect_px.overlaps(camera)
    assert not any(r.overlaps(camera) for p in layout.panels for r in p.region_px)
    assert sum(r.width * r.height for r in status.region_px) > status.rect_px.width * 102
    # ... and every usable pixel belongs to a panel.
    assert layout.coverage == 1.0 and 0.9 < layout.content_coverage < 1.0
    assert layout.usable_area_px == sum(r.width * r.height for r in layout.usable_px)


def test_template_overrides_disable_and_reprioritise() -> None:
    display = Display(id="d", role="center", width_px=1920, height_px=720, diagonal_in=12.3)
    profile = _profile(
        display,
        template_overrides=(
            PanelOverride(role="center", panel="browser", enabled=False),
            PanelOverride(role="center", panel="voice", min_width_dp=500),
        ),
    )
    layout = solve_display(profile, "d")
    assert [p.panel_id for p in layout.panels] == ["status_bar", "map", "dock", "voice"]
    assert layout.panel("voice").rect_px.width >= 500


def test_unknown_display_and_template() -> None:
    profile = bundled_profiles()["polestar-2"]
    with pytest.raises(ProfileError, match="has no display 'rear'; use one of: center, cluster"):
        solve_display(profile, "rear")
    with pytest.raises(ProfileError, match="no layout template 'nope'"):
        solve_profile(profile.model_copy(update={"template": "nope"}))


def test_resize_reuses_the_solver_and_matches_a_cold_solve() -> None:
    profile = bundled_profiles()["renault-grand-koleos-2025"]
    solver = LayoutSolver(profile, "center")
    kiwi_solver = solver.solver
    solver.solve()
    for width, height in ((1800, 700), (2000, 740), (1920, 720), (1000, 1400), (1920, 720)):
        warm = solver.resize(width, height)
        assert solver.solver is kiwi_solver
        cold = LayoutSolver(_sized(profile, "center", width, height), "center").solve()
        assert warm == cold


def _sized(profile: VehicleProfile, display_id: str, width: int, height: int) -> VehicleProfile:
    # A resize keeps the panel's pixel density, so pin dpi and density for the cold solve.
    def resized(d: Display) -> Display:
        return Display.model_validate(
            {
                **d.model_dump(),
                "width_px": width,
                "height_px": height,
                "diagonal_in": None,
                "dpi": d.physical_ppi,
                "density_dpi": d.logical_density,
            }
        )

    displays = tuple(resized(d) if d.id == display_id else d for d in profile.displays)
    return profile.model_copy(update={"displays": displays})


@settings(PROPERTY, max_examples=200)
@given(st.integers(1200, 3000), st.integers(500, 1000))
def test_warm_resize_equals_cold_solve(width: int, height: int) -> None:
    profile = bundled_profiles()["hyundai-kia-ccnc"]
    solver = LayoutSolver(profile, "center")
    solver.solve()
    warm = solver.resize(width, height)
    assert warm == LayoutSolver(_sized(profile, "center", width, height), "center").solve()


def test_resize_rejects_non_positive_sizes() -> None:
    solver = LayoutSolver(bundled_profiles()["polestar-2"], "center")
    with pytest.raises(ProfileError, match="give a positive width and height"):
        solver.resize(0, 100)


def test_solver_stats_count_the_system() -> None:
    solver = LayoutSolver(bundled_profiles()["polestar-2"], "center")
    solver.solve()
    stats = solver.stats
    assert stats.variables > 0 and stats.constraints > stats.variables // 2
    assert stats.edit_variables >= 2


def test_sweep_counts_add_up() -> None:
    summary = run_sweep(50, seed=3)
    assert summary.total == 50
    assert summary.passed > 0


@settings(PROPERTY, max_examples=300)
@given(displays(), st.floats(1.0, 2.0), st.floats(1.0, 2.0), st.booleans())
def test_any_resize_equals_a_cold_solve(
    display: Display, grow_w: float, grow_h: float, shrink_back: bool
) -> None:
    # Growing keeps every cutout inside the display, so the cold profile stays valid.
    profile = _profile(display)
    width = min(MAX_PX, round(display.width_px * grow_w))
    height = min(MAX_PX, round(display.height_px * grow_h))
    solver = LayoutSolver(profile, "d", TEMPLATE)
    kiwi_solver = solver.solver
    try:
        solver.solve()
    except ProfileError:
        return
    try:
        warm = solver.resize(width, height)
        if shrink_back:
            warm = solver.resize(display.width_px, display.height_px)
    except ProfileError:
        return
    assert solver.solver is kiwi_solver
    size = (display.width_px, display.height_px) if shrink_back else (width, height)
    cold = LayoutSolver(_sized(profile, "d", *size), "d", TEMPLATE).solve()
    assert warm == cold


# -- console and pilot-panel roles ------------------------------------------------

# A near-horizontal 8.4-inch climate console below the centre screen.
CONSOLE = Display(id="d", role="console", width_px=1280, height_px=480, diagonal_in=8.4)
# A small portrait pilot panel under a main screen (about 5.5 inches).
PILOT = Display(id="d", role="pilot", width_px=720, height_px=1080, diagonal_in=5.5)


def test_climate_console_gets_no_map_or_browser_and_large_touch_targets() -> None:
    layout = solve_display(_profile(CONSOLE), "d", TEMPLATE)
    kinds = {panel.kind for panel in layout.panels}
    assert not kinds & {"map", "browser"}
    assert {panel.panel_id for panel in layout.visible_panels} == {"status_bar", "climate", "voice"}
    scale = CONSOLE.logical_density / 160
    assert layout.min_touch_px >= 114 * scale - 1e-6
    for panel in layout.visible_panels:
        assert panel.rect_px.height >= 114 * scale - 1e-6
    assert_required_rules(CONSOLE, layout)
    assert not [d for d in layout.diagnostics if d.severity == "error"]


def test_pilot_panel_solves_with_next_maneuver_voice_and_status() -> None:
    layout = solve_display(_profile(PILOT), "d", TEMPLATE)
    assert {panel.panel_id for panel in layout.visible_panels} == {
        "status_bar",
        "next_maneuver",
        "voice",
    }
    assert_required_rules(PILOT, layout)
    # A pilot panel is auxiliary: below the CDD size it is warned about, never an error.
    assert not [d for d in layout.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("kind", ["map", "browser"])
def test_a_template_cannot_put_map_or_browser_on_a_console(kind: str) -> None:
    text = textwrap.dedent(
        f"""\
        name: t
        roles:
          console:
            panels:
              - {{id: status_bar, kind: status_bar, essential: true}}
              - {{id: extra, kind: {kind}}}
            arrangements:
              - layout: {{column: [{{panel: status_bar}}, {{panel: extra}}]}}
        """
    )
    with pytest.raises(ProfileError) as info:
        parse_template(text, "t.yaml")
    message = str(info.value)
    assert f"kind {kind}" in message
    assert "remove the panel from the console role" in message
