"""The draw list: what the map view paints for one camera and viewport.

Coordinates are Web-Mercator pixels at the camera's zoom, relative to the
viewport's bottom-left corner with y pointing up — Kivy's convention — so
each road line can go straight into ``kivy.graphics.Line(points=...)``.
The road layers are the costly part; this module caches them per map in a
small LRU keyed by (centre, zoom, viewport), while the route, markers and
vehicle are cheap and recomputed on every call.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._cache import PerMapCache
from ._graph import MapData
from ._markers import Camera, Marker, MarkerStyle, VehiclePose
from ._routing import Route
from ._types import LatLon

__all__ = [
    "ATTRIBUTION",
    "DrawList",
    "DrawMarker",
    "DrawVehicle",
    "RoadLayer",
    "build_draw_list",
]

#: The credit the ODbL requires wherever the map is shown.
ATTRIBUTION = "© OpenStreetMap contributors"
_TILE_PX = 256.0
_MAX_VIEWPORT_PX = 16384
_CACHE_SIZE = 64
# Web Mercator is undefined at the poles; clamp as tile servers do.
_MAX_MERCATOR_LAT = 85.05112878
# Markers are kept this far outside the viewport so their icons can overhang.
_MARKER_MARGIN_PX = 48.0

# Draw order (first is painted first, i.e. at the bottom) and the lowest zoom
# at which each class is worth drawing. Links draw with their parent class.
_ROAD_CLASSES: tuple[tuple[str, float], ...] = (
    ("service", 15.0),
    ("living_street", 14.0),
    ("residential", 13.0),
    ("unclassified", 13.0),
    ("tertiary", 11.0),
    ("secondary", 10.0),
    ("primary", 8.0),
    ("trunk", 5.0),
    ("motorway", 0.0),
)


@dataclass(frozen=True, slots=True)
class RoadLayer:
    """The visible roads of one class, each a flat ``x0, y0, x1, y1, …`` tuple."""

    road_class: str
    lines: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class DrawMarker:
    """A marker at its viewport position."""

    marker_id: str
    x: float
    y: float
    style: MarkerStyle


@dataclass(frozen=True, slots=True)
class DrawVehicle:
    """The vehicle at its viewport position; heading 0 = up (north), clockwise."""

    x: float
    y: float
    heading_deg: float


@dataclass(frozen=True, slots=True)
class DrawList:
    """Everything the map view paints, bottom layer first."""

    viewport_w_px: int
    viewport_h_px: int
    center: LatLon
    zoom: float
    roads: tuple[RoadLayer, ...]
    route: tuple[float, ...]
    markers: tuple[DrawMarker, ...]
    vehicle: DrawVehicle | None
    attribution: str = ATTRIBUTION


def _mercator(
    lat: npt.ArrayLike, lon: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return normalized Web-Mercator x, y in 0..1 (y grows southwards)."""
    lat_r = np.radians(
        np.clip(np.asarray(lat, dtype=np.float64), -_MAX_MERCATOR_LAT, _MAX_MERCATOR_LAT)
    )
    x = (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0
    y = (1.0 - np.log(np.tan(lat_r) + 1.0 / np.cos(lat_r)) / math.pi) / 2.0
    return x, y


class _RoadGeometry:
    """Per-map precomputation: Mercator node coordinates and way bounding boxes."""

    def __init__(self, data: MapData) -> None:
        self.x, self.y = _mercator(data.node_lat, data.node_lon)
        ptr = data.way_ptr
        starts = ptr[:-1]
        nodes = data.way_nodes
        self.ptr = ptr
        self.nodes = nodes
        # reduceat over each way's slice gives its bounding box in one call.
        self.min_x = np.minimum.reduceat(self.x[nodes], starts)
        self.max_x = np.maximum.reduceat(self.x[nodes], starts)
        self.min_y = np.minimum.reduceat(self.y[nodes], starts)
        self.max_y = np.maximum.reduceat(self.y[nodes], starts)
        classes = [h.removesuffix("_link") for h in data.way_highway]
        self.ways_by_class = {
            name: np.flatnonzero(np.asarray([c == name for c in classes], dtype=np.bool_))
            for name, _ in _ROAD_CLASSES
        }


# (centre lat, centre lon, zoom, viewport width, viewport height)
_ViewKey = tuple[float, float, float, int, int]


class _DrawCache:
    """One map's road geometry and the road layers of its latest viewports (an LRU)."""

    def __init__(self, data: MapData) -> None:
        self.geometry = _RoadGeometry(data)
        self._roads: OrderedDict[_ViewKey, tuple[RoadLayer, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def roads(
        self, key: _ViewKey, build: Callable[[_RoadGeometry], tuple[RoadLayer, ...]]
    ) -> tuple[RoadLayer, ...]:
        """Return the cached layers for ``key``, or build them (outside the lock) and keep them."""
        with self._lock:
            roads = self._roads.get(key)
            if roads is not None:
                self._roads.move_to_end(key)
                return roads
        roads = build(self.geometry)
        with self._lock:
            self._roads[key] = roads
            while len(self._roads) > _CACHE_SIZE:
                self._roads.popitem(last=False)
        return roads


_DRAW_CACHES: PerMapCache[_DrawCache] = PerMapCache(_DrawCache)


@dataclass(frozen=True, slots=True)
class _Viewport:
    """Pixel frame of a viewport: world size and its top-left world pixel."""

    world_px: float
    left: float
    top: float
    height: float

    def to_screen(
        self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """Return interleaved viewport coordinates (y up) of normalized Mercator points."""
        out = np.empty(2 * len(x), dtype=np.float64)
        out[0::2] = x * self.world_px - self.left
        out[1::2] = self.height - (y * self.world_px - self.top)
        return out


def _road_layers(
    geometry: _RoadGeometry, view: _Viewport, zoom: float, width: int
) -> tuple[RoadLayer, ...]:
    """Return the road lines inside the viewport, grouped by class."""
    x0 = view.left / view.world_px
    x1 = (view.left + width) / view.world_px
    y0 = view.top / view.world_px
    y1 = (view.top + view.height) / view.world_px
    inside = (
        (geometry.max_x >= x0)
        & (geometry.min_x <= x1)
        & (geometry.max_y >= y0)
        & (geometry.min_y <= y1)
    )
    layers: list[RoadLayer] = []
    for name, min_zoom in _ROAD_CLASSES:
        if zoom < min_zoom:
            continue
        ways = geometry.ways_by_class[name]
        ways = ways[inside[ways]]
        if not len(ways):
            continue
        starts = geometry.ptr[ways]
        counts = geometry.ptr[ways + 1] - starts
        # Concatenate the node ranges of all visible ways without a Python loop.
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        flat_nodes = geometry.nodes[offsets + np.arange(counts.sum())]
        xy = view.to_screen(geometry.x[flat_nodes], geometry.y[flat_nodes])
        pieces = np.split(xy, 2 * np.cumsum(counts)[:-1])
        layers.append(RoadLayer(name, tuple(tuple(p.tolist()) for p in pieces)))
    return tuple(layers)


def build_draw_list(
    map_data: MapData,
    camera: Camera,
    viewport_w_px: int,
    viewport_h_px: int,
    route: Route | None = None,
    markers: Iterable[Marker] = (),
    vehicle: VehiclePose | None = None,
) -> DrawList:
    """Return what the map view paints for a camera and viewport size.

    Roads below their class's minimum zoom are left out (service roads from
    zoom 15, residential from 13, …); markers show from their ``min_zoom``.
    With ``camera.follow_vehicle`` and a ``vehicle``, the view centres on the
    vehicle. Call it off the UI thread; the result is immutable.

    :param map_data: The loaded map.
    :param camera: Centre and zoom (tilt is left to the view).
    :param viewport_w_px: Viewport width in pixels, 1–16384.
    :param viewport_h_px: Viewport height in pixels, 1–16384.
    :param route: A route to draw as one line.
    :param markers: Markers to place (e.g. ``MarkerStore.list()``).
    :param vehicle: The vehicle pose to draw.
    :raises ValueError: If a viewport size is out of range.
    """
    problems = [
        f"Field {name!r} must be an integer from 1 to {_MAX_VIEWPORT_PX}; got {value!r}."
        for name, value in (("viewport_w_px", viewport_w_px), ("viewport_h_px", viewport_h_px))
        if not (isinstance(value, int) and 1 <= value <= _MAX_VIEWPORT_PX)
    ]
    if problems:
        raise ValueError(" ".join(problems))
    center = vehicle.position if (camera.follow_vehicle and vehicle is not None) else camera.center
    world_px = _TILE_PX * 2.0**camera.zoom
    cx, cy = _mercator(center.lat, center.lon)
    view = _Viewport(
        world_px=world_px,
        left=float(cx) * world_px - viewport_w_px / 2,
        top=float(cy) * world_px - viewport_h_px / 2,
        height=float(viewport_h_px),
    )
    key = (center.lat, center.lon, camera.zoom, viewport_w_px, viewport_h_px)
    roads = _DRAW_CACHES.get(map_data).roads(
        key, lambda geometry: _road_layers(geometry, view, camera.zoom, viewport_w_px)
    )

    route_line: tuple[float, ...] = ()
    if route is not None:
        rx, ry = _mercator([p.lat for p in route.polyline], [p.lon for p in route.polyline])
        route_line = tuple(view.to_screen(rx, ry).tolist())

    drawn: list[DrawMarker] = []
    visible = [m for m in markers if m.style.min_zoom <= camera.zoom]
    if visible:
        mx, my = _mercator([m.position.lat for m in visible], [m.position.lon for m in visible])
        xy = view.to_screen(mx, my)
        for i, marker in enumerate(visible):
            x, y = float(xy[2 * i]), float(xy[2 * i + 1])
            if (
                -_MARKER_MARGIN_PX <= x <= viewport_w_px + _MARKER_MARGIN_PX
                and -_MARKER_MARGIN_PX <= y <= viewport_h_px + _MARKER_MARGIN_PX
            ):
                drawn.append(DrawMarker(marker.marker_id, x, y, marker.style))

    drawn_vehicle: DrawVehicle | None = None
    if vehicle is not None:
        vx, vy = _mercator(vehicle.position.lat, vehicle.position.lon)
        pos = view.to_screen(np.atleast_1d(vx), np.atleast_1d(vy))
        drawn_vehicle = DrawVehicle(float(pos[0]), float(pos[1]), vehicle.heading_deg)

    return DrawList(
        viewport_w_px=viewport_w_px,
        viewport_h_px=viewport_h_px,
        center=center,
        zoom=camera.zoom,
        roads=roads,
        route=route_line,
        markers=tuple(drawn),
        vehicle=drawn_vehicle,
    )
