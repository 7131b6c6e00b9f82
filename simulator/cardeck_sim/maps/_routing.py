"""Fastest-route search (A* by travel time) and the :class:`Route` value."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from ._cache import PerMapCache
from ._graph import MapData, SnapPoint
from ._maneuvers import Maneuver, derive_maneuvers
from ._types import EARTH_RADIUS_M, LatLon, NoRouteError, haversine_m

__all__ = ["Route", "find_route", "route_between_nodes", "warm_up"]

# A point farther than this from every road of the map is not on the map: routing from it
# would invent a drive across whatever lies between (docs/guides/maps.md, maps_service.proto).
MAX_SNAP_M = 1000.0

# A snapped point closer than this to a segment end is treated as that node,
# so that routing from a node's own position starts at the node.
_AT_NODE_M = 0.01


@dataclass(frozen=True, slots=True)
class Route:
    """A drivable route: its geometry, cost and turn-by-turn maneuvers.

    ``polyline`` starts and ends at the origin and destination snapped onto
    the road; ``edges[i]`` is the graph edge that polyline segment ``i`` runs
    along (partly, for the first and last), and ``segment_speed_kmh[i]`` its
    speed, so ``len(edges) == len(polyline) - 1``. ``duration_s`` is the
    routing cost: travel at the speed limit, with service roads and living
    streets penalised (see ``CLASS_PENALTY``).

    Usage::

        route = find_route(data, LatLon(60.1699, 24.9384), LatLon(60.1675, 24.9520))
        for m in route.maneuvers:
            print(m.distance_from_start_m, m.instruction)
    """

    polyline: tuple[LatLon, ...]
    distance_m: float
    duration_s: float
    maneuvers: tuple[Maneuver, ...]
    edges: tuple[int, ...]
    segment_speed_kmh: tuple[float, ...]
    segment_duration_s: tuple[float, ...]

    @property
    def origin(self) -> LatLon:
        """Return the start of the route (the origin snapped to the road)."""
        return self.polyline[0]

    @property
    def destination(self) -> LatLon:
        """Return the end of the route (the destination snapped to the road)."""
        return self.polyline[-1]


class _Tables:
    """One map's arrays as Python lists: the A* inner loop indexes them far faster than numpy."""

    def __init__(self, data: MapData) -> None:
        self.indptr: list[int] = data.indptr.tolist()
        self.target: list[int] = data.edge_target.tolist()
        self.time_s: list[float] = data.edge_time_s.tolist()
        # Unit vectors from the Earth's centre through each node, for the heuristic.
        lat_r, lon_r = np.radians(data.node_lat), np.radians(data.node_lon)
        self.unit_x: list[float] = (np.cos(lat_r) * np.cos(lon_r)).tolist()
        self.unit_y: list[float] = (np.cos(lat_r) * np.sin(lon_r)).tolist()
        self.unit_z: list[float] = np.sin(lat_r).tolist()


_TABLES: PerMapCache[_Tables] = PerMapCache(_Tables)


def warm_up(data: MapData) -> None:
    """Build the routing tables of ``data`` now (else the first route builds them)."""
    _TABLES.get(data)


def _unit_vector(p: LatLon) -> tuple[float, float, float]:
    """Return the unit vector from the Earth's centre through ``p``."""
    lat, lon = math.radians(p.lat), math.radians(p.lon)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


@dataclass(frozen=True, slots=True)
class _Leg:
    """A partial edge between a snapped point and a graph node."""

    node: int
    cost_s: float
    edge: int  # -1 when the snapped point is the node itself
    length_m: float


def _snap_legs(snap: SnapPoint, data: MapData, times: list[float], *, start: bool) -> list[_Leg]:
    """Return the nodes joined to a snapped point, with the cost of the part of the edge between.

    At the start the car drives from the point to an edge's far node (``v`` along the
    forward edge, ``u`` along the backward one); at the end it drives from an edge's
    near node to the point, so the nodes and the fractions of the edge swap.
    """
    legs: list[_Leg] = []
    f = snap.fraction
    seg_len = haversine_m(data.node_position(snap.u), data.node_position(snap.v))
    if f * seg_len <= _AT_NODE_M:
        legs.append(_Leg(snap.u, 0.0, -1, 0.0))
    if (1 - f) * seg_len <= _AT_NODE_M:
        legs.append(_Leg(snap.v, 0.0, -1, 0.0))
    v_side, u_side = (snap.v, 1 - f), (snap.u, f)
    forward, backward = (v_side, u_side) if start else (u_side, v_side)
    for e, (node, part) in ((snap.forward_edge, forward), (snap.backward_edge, backward)):
        if e >= 0:
            legs.append(_Leg(node, part * times[e], e, part * float(data.edge_length_m[e])))
    return legs


def _astar(
    data: MapData, tables: _Tables, starts: list[_Leg], ends: list[_Leg], goal: LatLon
) -> tuple[float, _Leg, _Leg, list[int]] | None:
    """Run A* from several start nodes to several end nodes.

    The heuristic is the chord distance to the goal divided by the fastest
    edge speed of the whole map: no edge is faster and no road is shorter, so
    it never overestimates and the first goal settled is optimal.

    :returns: ``(cost, start_leg, end_leg, edges)`` or None if unreachable.
    """
    indptr = tables.indptr
    targets = tables.target
    times = tables.time_s
    # Straight-line (chord) distance through the Earth is never longer than
    # the great circle, which is never longer than the road: an admissible and
    # consistent bound that costs a few multiplications instead of trigonometry.
    xs, ys, zs = tables.unit_x, tables.unit_y, tables.unit_z
    gx, gy, gz = _unit_vector(goal)
    scale = EARTH_RADIUS_M / data.max_speed_mps

    def h(n: int) -> float:
        dx, dy, dz = xs[n] - gx, ys[n] - gy, zs[n] - gz
        return math.sqrt(dx * dx + dy * dy + dz * dz) * scale

    end_by_node: dict[int, list[_Leg]] = {}
    for leg in ends:
        end_by_node.setdefault(leg.node, []).append(leg)
    dist: dict[int, float] = {}
    pred: dict[int, int] = {}  # node -> edge id that reached it
    start_of: dict[int, _Leg] = {}
    heap: list[tuple[float, float, int]] = []
    for leg in starts:
        if leg.cost_s < dist.get(leg.node, math.inf):
            dist[leg.node] = leg.cost_s
            start_of[leg.node] = leg
            heapq.heappush(heap, (leg.cost_s + h(leg.node), leg.cost_s, leg.node))
    best = math.inf
    best_end: _Leg | None = None
    inf = math.inf
    push, pop, sqrt = heapq.heappush, heapq.heappop, math.sqrt
    while heap:
        f, g, n = pop(heap)
        if f >= best:
            break
        if g > dist[n]:
            continue  # a stale entry: n was reached more cheaply since
        for leg in end_by_node.get(n, ()):
            if g + leg.cost_s < best:
                best = g + leg.cost_s
                best_end = leg
        for e in range(indptr[n], indptr[n + 1]):
            m = targets[e]
            ng = g + times[e]
            if ng < dist.get(m, inf):
                dist[m] = ng
                pred[m] = e
                start_of.pop(m, None)
                # h(m), inlined: this line runs for every edge relaxed.
                dx, dy, dz = xs[m] - gx, ys[m] - gy, zs[m] - gz
                push(heap, (ng + sqrt(dx * dx + dy * dy + dz * dz) * scale, ng, m))
    if best_end is None:
        return None
    edges: list[int] = []
    n = best_end.node
    while n not in start_of:
        e = pred[n]
        edges.append(e)
        n = int(data.edge_source[e])
    edges.reverse()
    return best, start_of[n], best_end, edges


def find_route(data: MapData, origin: LatLon, destination: LatLon) -> Route:
    """Return the fastest route from ``origin`` to ``destination`` on the map ``data``.

    Both ends are snapped to the nearest drivable road segment; the route may
    start or end part-way along a segment. One-way streets are respected.

    :raises NoRouteError: If no drivable path joins the two snapped points, or
        an end lies more than 1 km from every road of the map.
    """
    start = data.snap(origin)
    end = data.snap(destination)
    for name, point, snap in (("origin", origin, start), ("destination", destination, end)):
        if snap.distance_m > MAX_SNAP_M:
            raise NoRouteError(
                f"The {name} {point} is {snap.distance_m / 1000:.1f} km from the nearest road of "
                f"the loaded map; a route must start and end within {MAX_SNAP_M:.0f} m of one. "
                "Choose a point on the map (or load map data that covers it)."
            )
    tables = _TABLES.get(data)
    starts = _snap_legs(start, data, tables.time_s, start=True)
    ends = _snap_legs(end, data, tables.time_s, start=False)
    found = _astar(data, tables, starts, ends, end.position)
    direct = _same_segment(start, end, tables.time_s)
    if direct is not None and (found is None or direct[0] <= found[0]):
        cost, edge = direct
        length = abs(end.fraction - start.fraction) * float(data.edge_length_m[edge])
        return _build_route(data, [start.position, end.position], [edge], [length], [cost])
    if found is None:
        raise NoRouteError(
            f"No drivable route leads from {origin} to {destination}; one-way streets or "
            "a disconnected road network block it. Choose another destination."
        )
    _, first, last, edges = found
    return _assemble(data, tables.time_s, start.position, first, edges, last, end.position)


def route_between_nodes(data: MapData, source: int, target: int) -> Route:
    """Return the fastest route between two graph nodes of the map ``data``.

    :raises NoRouteError: If ``target`` cannot be reached from ``source``.
    :raises IndexError: If a node number is out of range.
    """
    for name, node in (("source", source), ("target", target)):
        if not 0 <= node < data.node_count:
            raise IndexError(
                f"Node '{name}' must be between 0 and {data.node_count - 1}; got {node}."
            )
    a, b = data.node_position(source), data.node_position(target)
    tables = _TABLES.get(data)
    found = _astar(data, tables, [_Leg(source, 0.0, -1, 0.0)], [_Leg(target, 0.0, -1, 0.0)], b)
    if found is None:
        raise NoRouteError(
            f"No drivable route leads from node {source} to node {target}; "
            "one-way streets or a disconnected road network block it."
        )
    _, first, last, edges = found
    return _assemble(data, tables.time_s, a, first, edges, last, b)


def _same_segment(start: SnapPoint, end: SnapPoint, times: list[float]) -> tuple[float, int] | None:
    """Return (cost, edge) when both points lie on one segment in a drivable order."""
    if {start.u, start.v} != {end.u, end.v}:
        return None
    # Express the end fraction along the start's u→v orientation.
    g = end.fraction if end.u == start.u else 1.0 - end.fraction
    f = start.fraction
    options: list[tuple[float, int]] = []
    if start.forward_edge >= 0 and g >= f:
        options.append(((g - f) * times[start.forward_edge], start.forward_edge))
    if start.backward_edge >= 0 and g <= f:
        options.append(((f - g) * times[start.backward_edge], start.backward_edge))
    return min(options) if options else None


def _assemble(
    data: MapData,
    times: list[float],
    origin: LatLon,
    first: _Leg,
    edges: list[int],
    last: _Leg,
    destination: LatLon,
) -> Route:
    """Turn the A* result into polyline segments with lengths and times."""
    points = [origin]
    seg_edges: list[int] = []
    lengths: list[float] = []
    costs: list[float] = []
    if first.edge >= 0:
        points.append(data.node_position(first.node))
        seg_edges.append(first.edge)
        lengths.append(first.length_m)
        costs.append(first.cost_s)
    for e in edges:
        points.append(data.node_position(int(data.edge_target[e])))
        seg_edges.append(e)
        lengths.append(float(data.edge_length_m[e]))
        costs.append(times[e])
    if last.edge >= 0:
        points.append(destination)
        seg_edges.append(last.edge)
        lengths.append(last.length_m)
        costs.append(last.cost_s)
    if len(points) == 1:
        # Origin and destination are the same node: a zero-length route.
        points.append(destination)
        touching = np.flatnonzero(
            (data.edge_source == first.node) | (data.edge_target == first.node)
        )
        seg_edges.append(int(touching[0]) if len(touching) else 0)
        lengths.append(0.0)
        costs.append(0.0)
    return _build_route(data, points, seg_edges, lengths, costs)


def _build_route(
    data: MapData,
    points: list[LatLon],
    seg_edges: list[int],
    lengths: list[float],
    costs: list[float],
) -> Route:
    """Attach maneuvers and per-segment speeds to route geometry."""
    speeds = [float(data.way_speed_kmh[data.edge_way[e]]) for e in seg_edges]
    maneuvers = derive_maneuvers(data, points, seg_edges, lengths)
    return Route(
        polyline=tuple(points),
        distance_m=math.fsum(lengths),
        duration_s=math.fsum(costs),
        maneuvers=tuple(maneuvers),
        edges=tuple(seg_edges),
        segment_speed_kmh=tuple(speeds),
        segment_duration_s=tuple(costs),
    )
