"""One painter per panel kind: the registry covers every kind, and a change repaints only
the panels whose slice of the store it touches."""

from __future__ import annotations

from cardeck.v1 import types_pb2
from cardeck_sim.ui import DEMO_CLOCK, demo_store

PROFILE = "hyundai-kia-ccnc"


def test_every_layout_panel_kind_has_its_own_painter(window):
    from cardeck_sim.ui.painters import PAINTERS

    kinds = {
        name.removeprefix("PANEL_KIND_").lower()
        for name in (v.name for v in types_pb2.PanelKind.DESCRIPTOR.values)
        if name != "PANEL_KIND_UNSPECIFIED"
    }
    assert "next_maneuver" in kinds
    assert kinds <= set(PAINTERS)
    assert len({PAINTERS[k] for k in kinds}) == len(kinds)


def test_an_unknown_panel_kind_gets_a_placeholder(window):
    from cardeck_sim.ui.painters import painter_for
    from cardeck_sim.ui.painters.placeholder import PlaceholderPainter

    assert painter_for("console") is PlaceholderPainter


def _repainted(painter, store):
    """Update an incremental painter; return the kinds of the panels it repainted.

    In incremental mode an unchanged panel's group is emptied (its pixels stay).
    """
    painter.update(store)
    return {p.panel.kind for p in painter.painters if p.group.children}


def test_a_store_change_repaints_only_the_panels_that_read_it(window, catalog, map_data):
    from cardeck_sim.state import Gear
    from cardeck_sim.ui import DisplayPainter

    store = demo_store(map_data, PROFILE)
    display = next(d for d in catalog.get(PROFILE).displays if d.id == "center")
    live = DisplayPainter(
        display,
        catalog.layouts(PROFILE)["center"],
        map_data=map_data,
        clock=DEMO_CLOCK,
        incremental=True,
    )
    assert _repainted(live, store) == {"status_bar", "map", "voice", "browser", "dock"}
    assert _repainted(live, store) == set()
    store.set_voice(activity="listening")
    assert _repainted(live, store) == {"voice"}
    store.update_vehicle(speed_kmh=50, gear=Gear.DRIVE)
    assert _repainted(live, store) == {"status_bar", "browser"}  # the drive lock
