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
from ._types import EARTH_RADIUS_M, LatLon

__all__ = [
    "ATTRIBUTION",
    "DrawList",
    "DrawMarker",
    "DrawVehicle",
    "RoadLabel",
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
# Street names go on the major roads; minor streets are named only when zoomed in
# close, as car navigation maps do. The value is the lowest zoom for the class.
_LABEL_CLASSES: dict[str, float] = {
    "motorway": 10.0,
    "trunk": 11.0,
    "primary": 12.0,
    "secondary": 13.0,
    "tertiary": 14.0,
    "residential": 16.5,
    "unclassified": 16.5,
    "living_street": 17.0,
}
# A straight run bends less than this between its first segment and any later one.
_RUN_BEND_DEG = 20.0
# Runs shorter than this cannot hold a street name; at most this many places per name.
_MIN_RUN_PX = 48.0
_RUNS_PER_NAME = 2


@dataclass(frozen=True, slots=True)
class RoadLayer:
    """The visible roads of one class, each a flat ``x0, y0, x1, y1, …`` tuple."""

    road_class: str
    lines: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class RoadLabel:
    """A place where a street name can go: the middle of a straight run of a named road.

    The view writes ``name`` along the run, centred on ``x, y`` (viewport px, y up),
    turned ``angle_deg`` counter-clockwise (−90 to 90, so it reads left to right),
    when it fits in ``length_px``. Labels come most important first: the road's
    class (motorway first), then the run's length.
    """

    name: str
    road_class: str
    x: float
    y: float
    angle_deg: float
    length_px: float


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
    #: Street names to place, most important first.
    labels: tuple[RoadLabel, ...] = ()
    #: Where the map has data: the extract's bounding box in viewport px
    #: (left, bottom, right, top; it may reach beyond the viewport).
    data_bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    #: Ground metres per viewport pixel at the centre (for the scale bar).
    metres_per_px: float = 1.0


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
        self.classes = tuple(classes)
        self.names = data.way_name
        self.ways_by_class = {
            name: np.flatnonzero(np.asarray([c == name for c in classes], dtype=np.bool_))
            for name, _ in _ROAD_CLASSES
        }
        #: The extract's bounds in normalized Mercator: min x, min y, max x, max y.
        self.bounds = (
            float(self.x.min()),
            float(self.y.min()),
            float(self.x.max()),
            float(self.y.max()),
        )


# (centre lat, centre lon, zoom, viewport width, viewport height)
_ViewKey = tuple[float, float, float, int, int]


_XY = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
#: The road layers and the street-name places of one viewport.
_Roads = tuple[tuple[RoadLayer, ...], tuple[RoadLabel, ...]]


class _DrawCache:
    """One map's road geometry and the roads and labels of its latest viewports (an LRU)."""

    def __init__(self, data: MapData) -> None:
        self.geometry = _RoadGeometry(data)
        self._roads: OrderedDict[_ViewKey, _Roads] = OrderedDict()
        self._lock = threading.Lock()
        self._route: tuple[Route | None, _XY] = (None, (np.zeros(0), np.zeros(0)))

    def route_mercator(self, route: Route) -> _XY:
        """Return the route's Mercator points, kept for the latest route (drawn every frame)."""
        with self._lock:
            last, xy = self._route
        if last is not route:
            xy = _mercator([p.lat for p in route.polyline], [p.lon for p in route.polyline])
            with self._lock:
                self._route = (route, xy)
        return xy

    def roads(self, key: _ViewKey, build: Callable[[_RoadGeometry], _Roads]) -> _Roads:
        """Return the cached roads for ``key``, or build them (outside the lock) and keep them."""
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


def _runs(xy: npt.NDArray[np.float64]) -> list[tuple[float, float, float, float]]:
    """Return the straight runs of a polyline as (middle x, middle y, angle, length).

    A run is a stretch of consecutive segments that bends less than
    ``_RUN_BEND_DEG`` from its first segment; the name is written along its chord.
    """
    pts = xy.reshape(-1, 2)
    d = np.diff(pts, axis=0)
    lengths = np.hypot(d[:, 0], d[:, 1])
    angles = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    runs = []
    start = 0
    for i in range(1, len(d) + 1):
        bend = 180.0 if i == len(d) else abs((angles[i] - angles[start] + 180.0) % 360.0 - 180.0)
        if bend < _RUN_BEND_DEG:
            continue
        length = float(lengths[start:i].sum())
        if length >= _MIN_RUN_PX:
            (x0, y0), (x1, y1) = pts[start], pts[i]
            angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
            # Text reads left to right: turn a leftward run round.
            angle = angle - 180.0 if angle > 90.0 else angle + 180.0 if angle <= -90.0 else angle
            chord = float(math.hypot(x1 - x0, y1 - y0))
            runs.append((float(x0 + x1) / 2, float(y0 + y1) / 2, angle, chord))
        start = i
    return runs


def _join(pieces: list[list[int]]) -> list[list[int]]:
    """Join node lists that share an end node into longer chains (either direction)."""
    chains = [list(p) for p in pieces]
    joined = True
    while joined:
        joined = False
        for i, a in enumerate(chains):
            for j in range(i + 1, len(chains)):
                b = chains[j]
                if a[-1] == b[0]:
                    a.extend(b[1:])
                elif a[-1] == b[-1]:
                    a.extend(reversed(b[:-1]))
                elif a[0] == b[-1]:
                    a[:0] = b[:-1]
                elif a[0] == b[0]:
                    a[:0] = list(reversed(b[1:]))
                else:
                    continue
                del chains[j]
                joined = True
                break
            if joined:
                break
    return chains


def _road_labels(
    geometry: _RoadGeometry, view: _Viewport, zoom: float, width: int
) -> tuple[RoadLabel, ...]:
    """Return where the names of the visible named roads can go, most important first.

    Only segments wholly inside the viewport make runs, so a name never hangs
    over its edge; each name keeps its ``_RUNS_PER_NAME`` longest runs.
    """
    ranks = {name: rank for rank, (name, _) in enumerate(_ROAD_CLASSES)}
    x0, y0 = view.left / view.world_px, view.top / view.world_px
    x1, y1 = (view.left + width) / view.world_px, (view.top + view.height) / view.world_px
    # OSM splits a street into many ways: join those of one name end to end first.
    chains: dict[tuple[str, str], list[list[int]]] = {}
    for road_class, min_zoom in _LABEL_CLASSES.items():
        if zoom < min_zoom:
            continue
        ways = geometry.ways_by_class[road_class]
        inside = (
            (geometry.max_x[ways] >= x0)
            & (geometry.min_x[ways] <= x1)
            & (geometry.max_y[ways] >= y0)
            & (geometry.min_y[ways] <= y1)
        )
        for way in ways[inside]:
            name = geometry.names[way]
            if name:
                nodes = geometry.nodes[geometry.ptr[way] : geometry.ptr[way + 1]].tolist()
                chains.setdefault((name, road_class), []).append(nodes)
    best: dict[str, list[RoadLabel]] = {}
    for (name, road_class), pieces in chains.items():
        for nodes in _join(pieces):
            xy = view.to_screen(geometry.x[nodes], geometry.y[nodes]).reshape(-1, 2)
            within = (xy[:, 0] >= 0) & (xy[:, 0] <= width) & (xy[:, 1] >= 0)
            within &= xy[:, 1] <= view.height
            # Split the chain where it leaves the viewport; each inside piece makes runs.
            cuts = np.flatnonzero(np.diff(within.astype(np.int8))) + 1
            for piece, keep in zip(np.split(xy, cuts), np.split(within, cuts), strict=True):
                if len(piece) < 2 or not keep[0]:
                    continue
                for x, y, angle, length in _runs(piece):
                    best.setdefault(name, []).append(
                        RoadLabel(name, road_class, x, y, angle, length)
                    )
    labels = [
        label
        for runs in best.values()
        for label in sorted(runs, key=lambda r: -r.length_px)[:_RUNS_PER_NAME]
    ]
    labels.sort(key=lambda r: (-ranks[r.road_class], -r.length_px, r.name))
    return tuple(labels)


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
    cache = _DRAW_CACHES.get(map_data)
    roads, labels = cache.roads(
        key,
        lambda geometry: (
            _road_layers(geometry, view, camera.zoom, viewport_w_px),
            _road_labels(geometry, view, camera.zoom, viewport_w_px),
        ),
    )
    bx0, by0, bx1, by1 = cache.geometry.bounds
    corners = view.to_screen(np.array([bx0, bx1]), np.array([by1, by0]))
    data_bounds = (
        float(corners[0]),
        float(corners[1]),
        float(corners[2]),
        float(corners[3]),
    )
    # Web Mercator stretches the ground by 1 / cos(latitude).
    metres_per_px = 2 * math.pi * EARTH_RADIUS_M * math.cos(math.radians(center.lat)) / world_px

    route_line: tuple[float, ...] = ()
    if route is not None:
        rx, ry = cache.route_mercator(route)
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
        labels=labels,
        data_bounds=data_bounds,
        metres_per_px=metres_per_px,
    )
