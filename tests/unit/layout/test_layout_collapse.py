"""Collapse never orphans: every collapsed panel is reached from a control that is drawn."""

from __future__ import annotations

import pytest

from cardeck._exceptions import ProfileError
from cardeck.layout import (
    Display,
    DisplayLayout,
    VehicleProfile,
    reachable_from,
    run_sweep,
    solve_display,
)
from cardeck.layout._sweep import sweep_profiles

# The two shapes: the dock collapses into the status bar menu, and the
# panels that collapsed into the dock before it must follow it there.
CHAINS = {
    "portrait-320x1280": Display(id="d", role="center", width_px=320, height_px=1280, dpi=160),
    "1920x1080-at-480dpi": Display(id="d", role="center", width_px=1920, height_px=1080, dpi=480),
}


def _profile(display: Display) -> VehicleProfile:
    return VehicleProfile(
        id="test", name="Test", sources=("unit test",), driver_side="left", displays=(display,)
    )


def assert_no_orphans(layout: DisplayLayout) -> None:
    """Every collapsed panel's host is a visible panel, and its reason names that host."""
    words = {"dock": "in the dock", "status_bar": "status bar menu"}
    for panel in layout.panels:
        host = reachable_from(layout, panel.panel_id)
        if panel.visible:
            assert host is panel
            continue
        if host is None:
            # Nothing to reach it from: the reason must say it is hidden, not collapsed.
            assert panel.collapsed_reason.startswith("Hidden"), panel.collapsed_reason
            continue
        assert host.visible and host.rect_px.width > 0 and host.rect_px.height > 0
        assert words[host.kind] in panel.collapsed_reason, panel.collapsed_reason
        notes = [d.message for d in layout.diagnostics if d.panel_id == panel.panel_id]
        assert panel.collapsed_reason in notes


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_chain_through_the_collapsed_dock_names_the_status_bar_menu(name: str) -> None:
    layout = solve_display(_profile(CHAINS[name]), "d")
    dock = layout.panel("dock")
    assert not dock.visible
    status = layout.panel("status_bar")
    for panel_id in ("voice", "browser"):
        panel = layout.panel(panel_id)
        assert not panel.visible
        assert panel.collapsed_reason.startswith("Collapsed into the status bar menu")
        assert "dock" not in panel.collapsed_reason.split(":")[0]
        assert reachable_from(layout, panel_id) == status
    assert_no_orphans(layout)


def test_visible_panel_is_reached_from_itself_and_unknown_id_is_a_key_error() -> None:
    layout = solve_display(_profile(CHAINS["portrait-320x1280"]), "d")
    assert reachable_from(layout, "status_bar") == layout.panel("status_bar")
    with pytest.raises(KeyError, match="no panel 'radio'"):
        reachable_from(layout, "radio")


def test_no_collapsed_panel_is_orphaned_over_the_sweep() -> None:
    solved = 0
    for profile in sweep_profiles(1000, seed=16):
        try:
            layout = solve_display(profile, "display")
        except ProfileError:
            continue
        assert_no_orphans(layout)
        solved += 1
    assert solved >= 800
    assert run_sweep(1).total == 1
