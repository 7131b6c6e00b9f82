"""Which painter draws which panel kind: adding a painter is one module and one row here."""

from __future__ import annotations

from collections.abc import Mapping

from cardeck.layout import PanelLayout

from .base import PaintContext, Painter, PainterFactory
from .browser import BrowserPainter
from .climate import ClimatePainter
from .cluster import SpeedPainter
from .dock import DockPainter
from .guidance import GuidanceCardPainter
from .hud import NextManeuverPainter
from .map import MapPainter
from .minimap import MiniMapPainter
from .placeholder import PlaceholderPainter
from .status import StatusBarPainter
from .voice import VoicePainter

__all__ = ["PAINTERS", "painter_for"]


def _map(ctx: PaintContext, panel: PanelLayout) -> Painter:
    """A cluster's map is a mini-map; every other display's is the full map."""
    if ctx.display.role == "cluster":
        return MiniMapPainter(ctx, panel)
    return MapPainter(ctx, panel)


#: Layout panel kind (``cardeck.layout`` ``PanelKind``) → the painter of such a panel.
PAINTERS: Mapping[str, PainterFactory] = {
    "status_bar": StatusBarPainter,
    "map": _map,
    "guidance_card": GuidanceCardPainter,
    "next_maneuver": NextManeuverPainter,
    "speed": SpeedPainter,
    "voice": VoicePainter,
    "browser": BrowserPainter,
    "dock": DockPainter,
    "climate": ClimatePainter,
}


def painter_for(kind: str) -> PainterFactory:
    """Return the painter of a panel kind; unknown kinds get a placeholder card."""
    return PAINTERS.get(kind, PlaceholderPainter)
