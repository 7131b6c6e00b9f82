"""Paint one display for real and keep what its painters recorded, for the per-panel tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from cardeck.layout import PanelLayout, Rect
from cardeck_sim.maps import MapData
from cardeck_sim.service._catalog import ProfileCatalog
from cardeck_sim.state import StateStore
from cardeck_sim.ui import DEMO_CLOCK
from tests.integration.ui._pixels import crop

#: The default profile: a 1920×720 cluster and a 1920×720 centre screen.
PROFILE = "hyundai-kia-ccnc"


@dataclass
class Painted:
    """A display as painted: its pixels and every text and icon drawn (display coordinates)."""

    image: Image.Image
    painted: list  # PaintedText, Kivy coordinates (y up)
    height: int

    def in_rect(self, rect: Rect) -> list:
        """What was drawn inside a layout rect (top-left origin)."""
        top = self.height - rect.y - rect.height
        return [
            p
            for p in self.painted
            if rect.x - 1 <= p.pos[0] <= rect.x + rect.width + 1
            and top - 1 <= p.pos[1] <= top + rect.height + 1
        ]

    def icons(self, rect: Rect) -> list[str]:
        """The names of the icons drawn inside a layout rect."""
        return [p.icon for p in self.in_rect(rect) if p.icon]

    def texts(self, rect: Rect) -> list[str]:
        """The texts drawn inside a layout rect, as drawn."""
        return [p.text for p in self.in_rect(rect) if not p.icon]

    def pixels(self, rect: Rect) -> np.ndarray:
        """The pixels of a layout rect."""
        return crop(self.image, rect)


def panel(catalog: ProfileCatalog, kind: str, display_id: str = "center") -> PanelLayout:
    """The first visible panel of a kind on a display of the default profile."""
    return next(
        p for p in catalog.layouts(PROFILE)[display_id].panels if p.kind == kind and p.visible
    )


def paint(
    catalog: ProfileCatalog,
    store: StateStore,
    map_data: MapData | None,
    display_id: str = "center",
) -> Painted:
    """Paint a display of the default profile from a store, recording texts and icons."""
    from cardeck_sim.ui import DisplayPainter
    from cardeck_sim.ui._render import read_fbo

    display = next(d for d in catalog.get(PROFILE).displays if d.id == display_id)
    layout = catalog.layouts(PROFILE)[display_id]
    painter = DisplayPainter(display, layout, map_data=map_data, clock=DEMO_CLOCK)
    painter.ctx.painted = []
    fbo = painter.make_fbo()
    painter.update(store)
    return Painted(read_fbo(fbo), painter.ctx.painted, display.height_px)
