"""The cluster's mini-map: the map panel zoomed in on the vehicle, as a cluster shows it.

The same drawing as the centre screen's map (roads, route, vehicle, credit),
only the camera differs: the driver glances at the road around the car, not
at the whole route, and panning the centre screen's map does not move it.
"""

from __future__ import annotations

from dataclasses import replace

from cardeck_sim.state import StateStore

from .._scene import minimap_camera
from .map import MapPainter, MapRead

__all__ = ["MiniMapPainter"]


class MiniMapPainter(MapPainter):
    """The ``map`` panel on a cluster: reads ``store.map`` with a vehicle-centred camera."""

    def read(self, store: StateStore) -> MapRead:
        view, speed = super().read(store)
        r = self.panel.rect_px
        density = self.ctx.layout.min_touch_px / 76.0
        camera = minimap_camera(view, int(r.width), int(r.height), density)
        return (view if camera is None else replace(view, camera=camera)), speed
