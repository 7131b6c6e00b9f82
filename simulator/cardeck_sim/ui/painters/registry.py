"""Which painter draws which panel kind: adding a painter is one module and one row here."""

from __future__ import annotations

from collections.abc import Mapping

from .base import PainterFactory
from .browser import BrowserPainter
from .climate import ClimatePainter
from .cluster import SpeedPainter
from .dock import DockPainter
from .guidance import GuidanceCardPainter
from .hud import NextManeuverPainter
from .map import MapPainter
from .placeholder import PlaceholderPainter
from .status import StatusBarPainter
from .voice import VoicePainter

__all__ = ["PAINTERS", "painter_for"]

#: Layout panel kind (``cardeck.layout`` ``PanelKind``) → the painter of such a panel.
PAINTERS: Mapping[str, PainterFactory] = {
    "status_bar": StatusBarPainter,
    "map": MapPainter,
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
