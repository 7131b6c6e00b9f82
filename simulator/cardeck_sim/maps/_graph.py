"""The road graph as compact numpy arrays, and snapping positions onto it."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # scipy ships no type information

from ._osm import CLASS_PENALTY, RawPlace, RawWay, read_osm
from ._types import EARTH_RADIUS_M, LatLon, MapDataError, haversine_m, haversine_m_np

__all__ = ["DEFAULT_MAP_DATA", "MapData", "SnapPoint"]

#: The bundled extract of central Helsinki (© OpenStreetMap contributors, ODbL).
DEFAULT_MAP_DATA = Path(__file__).with_name("data") / "helsinki.osm.pbf"

# Snapping samples every edge at this spacing so that the KD-tree also finds
# long straight segments whose end nodes are far from the query point.
_SNAP_SAMPLE_M = 20.0
_SNAP_CANDIDATES = 24
# Below this, an edge is clamped so that every edge has a positive cost
# (duplicate nodes at one position would otherwise make zero-cost cycles).
_MIN_EDGE_TIME_S = 1e-3

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SnapPoint:
    """A position projected onto the nearest road segment.

    The segment runs from node ``u`` to node ``v``; ``fraction`` (0..1) says
    how far along it the point lies. ``forward_edge`` is the edge u→v and
    ``backward_edge`` the edge v→u, or -1 where a one-way street forbids it.
    """

    position: LatLon
    distance_m: float
    u: int
    v: int
    fraction: float
    forward_edge: int
    backward_edge: int


class MapData:
    """A loaded road network and the places of the map, as plain read-only data.

    It holds the parsed graph, the indexes that answer graph questions
    (nearest road, edges of a node) and the raw places; routing
    (:func:`find_route`), search (:func:`place_index`) and the draw list
    (:func:`build_draw_list`) are functions of it that keep their own derived
    state. Load it once in a worker thread (loading parses the whole file;
    :func:`load_map` also builds those engines' indexes) and share it: nothing
    here changes after construction, so every query is thread-safe::

        data = MapData.load()  # the bundled Helsinki extract
        snap = data.snap(LatLon(60.1699, 24.9384))
        print(snap.distance_m, data.way_name[data.edge_way[snap.forward_edge]])

    Arrays (all numpy, indexed by node or edge number):

    - ``node_lat``, ``node_lon``, ``node_osm_id``;
    - ``edge_source``, ``edge_target`` (sorted by source), ``indptr`` (CSR row
      pointers: the edges leaving node ``n`` are ``indptr[n]:indptr[n+1]``),
      ``edge_length_m``, ``edge_time_s``, ``edge_way``;
    - per way: ``way_osm_id``, ``way_name``, ``way_highway``,
      ``way_roundabout``, ``way_speed_kmh``.

    ``raw_places`` and ``raw_streets`` are the named features as parsed, for
    the place index.
    """

    node_lat: FloatArray
    node_lon: FloatArray
    node_osm_id: IntArray
    edge_source: IntArray
    edge_target: IntArray
    edge_length_m: FloatArray
    edge_time_s: FloatArray
    edge_way: IntArray
    indptr: IntArray
    way_osm_id: IntArray
    way_name: tuple[str, ...]
    #: Per way: its ``name:<language>`` tags as sorted (language, name) pairs
    #: (guidance says a road's name in the head unit's locale when the data has it).
    way_names: tuple[tuple[tuple[str, str], ...], ...]
    way_highway: tuple[str, ...]
    way_roundabout: npt.NDArray[np.bool_]
    #: Per way: OSM ``turn:lanes`` along and against its node order (see :meth:`turn_lanes`).
    way_turn_lanes: tuple[tuple[str, str], ...]
    way_speed_kmh: FloatArray
    #: Node indices of each way in order, flattened; ``way_ptr`` delimits them.
    way_nodes: IntArray
    way_ptr: IntArray
    #: Distinct neighbours of each node, ignoring direction: > 2 is a junction.
    node_degree: IntArray
    #: The fastest speed of any edge in m/s, for the A* heuristic.
    max_speed_mps: float
    raw_places: tuple[RawPlace, ...]
    raw_streets: tuple[RawPlace, ...]
    source: Path
    load_seconds: float

    def __init__(
        self,
        ways: Sequence[RawWay],
        source: Path,
        places: Sequence[RawPlace] = (),
        streets: Sequence[RawPlace] = (),
    ) -> None:
        """Build the graph from parsed ways and keep the parsed places; use :meth:`load` instead.

        :raises MapDataError: If there is no drivable road.
        """
        if not ways:
            raise MapDataError(
                f"The map data file {str(source)!r} contains no drivable roads; "
                "choose an extract that covers streets."
            )
        self.source = source
        self.load_seconds = 0.0
        self.raw_places = tuple(places)
        self.raw_streets = tuple(streets)
        self._build_nodes_and_ways(ways)
        self._build_edges(ways)
        self._build_snap_index()
        # Kept: the map's camera asks for them on every frame.
        self._bounds = (
            LatLon(float(self.node_lat.min()), float(self.node_lon.min())),
            LatLon(float(self.node_lat.max()), float(self.node_lon.max())),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> MapData:
        """Load an OpenStreetMap file into a routable graph with its places.

        This is synchronous and CPU-bound (about 0.3 s for the bundled extract,
        proportionally longer for a city): from asyncio, call it through
        ``await asyncio.to_thread(MapData.load, path)``. The place index and
        the routing tables are built on their first use; :func:`load_map`
        builds them in the same call.

        :param path: An ``.osm.pbf`` file; None loads the bundled Helsinki extract.
        :returns: The loaded map, with ``load_seconds`` set to the time taken.
        :raises MapDataError: If the file is missing, unreadable or has no roads.
        """
        started = time.perf_counter()
        source = Path(path) if path is not None else DEFAULT_MAP_DATA
        ways, places, streets = read_osm(source)
        data = cls(ways, source, places, streets)
        data.load_seconds = time.perf_counter() - started
        return data

    def turn_lanes(self, edge: int) -> str:
        """The OSM ``turn:lanes`` of the road a car on this edge drives ("" untagged)."""
        w = int(self.edge_way[edge])
        forward, backward = self.way_turn_lanes[w]
        if not (forward or backward):
            return ""
        nodes = self.way_nodes[self.way_ptr[w] : self.way_ptr[w + 1]].tolist()
        source, target = int(self.edge_source[edge]), int(self.edge_target[edge])
        along = any(a == source and b == target for a, b in itertools.pairwise(nodes))
        return forward if along else backward

    # -- construction -----------------------------------------------------

    def _build_nodes_and_ways(self, ways: Sequence[RawWay]) -> None:
        """Number the nodes that drivable ways use, and tabulate the ways."""
        index: dict[int, int] = {}
        lats: list[float] = []
        lons: list[float] = []
        way_nodes: list[int] = []
        way_ptr = [0]
        for way in ways:
            for osm_id, lat, lon in zip(way.node_ids, way.lats, way.lons, strict=True):
                i = index.get(osm_id)
                if i is None:
                    i = index[osm_id] = len(lats)
                    lats.append(lat)
                    lons.append(lon)
                way_nodes.append(i)
            way_ptr.append(len(way_nodes))
        self._node_index = index
        self.node_lat = np.asarray(lats, dtype=np.float64)
        self.node_lon = np.asarray(lons, dtype=np.float64)
        self.node_osm_id = np.fromiter(index.keys(), dtype=np.int64, count=len(index))
        self.way_nodes = np.asarray(way_nodes, dtype=np.int64)
        self.way_ptr = np.asarray(way_ptr, dtype=np.int64)
        self.way_osm_id = np.asarray([w.osm_id for w in ways], dtype=np.int64)
        self.way_name = tuple(w.name for w in ways)
        self.way_names = tuple(tuple(sorted(w.names.items())) for w in ways)
        self.way_highway = tuple(w.highway for w in ways)
        self.way_roundabout = np.asarray([w.roundabout for w in ways], dtype=np.bool_)
        self.way_speed_kmh = np.asarray([w.speed_kmh for w in ways], dtype=np.float64)
        self.way_turn_lanes = tuple(w.turn_lanes for w in ways)

    def _build_edges(self, ways: Sequence[RawWay]) -> None:
        """Turn consecutive way nodes into directed edges sorted by source (CSR)."""
        src_parts: list[IntArray] = []
        dst_parts: list[IntArray] = []
        way_parts: list[IntArray] = []
        for w, way in enumerate(ways):
            nodes = self.way_nodes[self.way_ptr[w] : self.way_ptr[w + 1]]
            a, b = nodes[:-1], nodes[1:]
            if way.oneway >= 0:
                src_parts.append(a)
                dst_parts.append(b)
                way_parts.append(np.full(len(a), w, dtype=np.int64))
            if way.oneway <= 0:
                src_parts.append(b)
                dst_parts.append(a)
                way_parts.append(np.full(len(a), w, dtype=np.int64))
        src = np.concatenate(src_parts)
        dst = np.concatenate(dst_parts)
        way_of = np.concatenate(way_parts)
        keep = src != dst
        src, dst, way_of = src[keep], dst[keep], way_of[keep]
        length = haversine_m_np(
            self.node_lat[src], self.node_lon[src], self.node_lat[dst], self.node_lon[dst]
        )
        penalty = np.asarray(
            [CLASS_PENALTY.get(self.way_highway[w], 1.0) for w in range(len(ways))]
        )[way_of]
        speed_mps = self.way_speed_kmh[way_of] / 3.6
        travel = np.maximum(length / speed_mps * penalty, _MIN_EDGE_TIME_S)
        # Two ways sharing a node pair would be parallel edges, which a CSR
        # matrix would sum; keep only the faster one, sorted by (source, target).
        order = np.lexsort((travel, dst, src))
        src, dst, way_of, length, travel = (
            src[order],
            dst[order],
            way_of[order],
            length[order],
            travel[order],
        )
        first = np.ones(len(src), dtype=np.bool_)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        self.edge_source = src[first]
        self.edge_target = dst[first]
        self.edge_way = way_of[first]
        self.edge_length_m = length[first]
        self.edge_time_s = travel[first]
        n = len(self.node_lat)
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.edge_source, minlength=n), out=self.indptr[1:])
        self.max_speed_mps = float(np.max(self.edge_length_m / self.edge_time_s))
        pairs = np.unique(
            np.stack(
                [
                    np.minimum(self.edge_source, self.edge_target),
                    np.maximum(self.edge_source, self.edge_target),
                ],
                axis=1,
            ),
            axis=0,
        )
        self.node_degree = np.bincount(pairs.ravel(), minlength=n).astype(np.int64)
        # Python lists: snapping and edges_out index them far faster than numpy.
        self._indptr_list: list[int] = self.indptr.tolist()
        self._target_list: list[int] = self.edge_target.tolist()

    def _project(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """Project to local metres (equirectangular about the map's mean latitude)."""
        x = np.radians(lon) * self._cos0 * EARTH_RADIUS_M
        y = np.radians(lat) * EARTH_RADIUS_M
        return np.stack([x, y], axis=-1)

    def _build_snap_index(self) -> None:
        """Index points sampled along every road segment in a KD-tree."""
        self._cos0 = math.cos(math.radians(float(np.mean(self.node_lat))))
        # One representative per undirected segment: the reverse edge, if any,
        # is found from the chosen one.
        src, dst = self.edge_source, self.edge_target
        reverse = self._edge_ids(dst, src)
        representative = np.flatnonzero((reverse < 0) | (src < dst))
        samples = np.maximum(1, np.ceil(self.edge_length_m[representative] / _SNAP_SAMPLE_M))
        counts = samples.astype(np.int64) + 1
        edge_of_sample = np.repeat(representative, counts)
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        t = (np.arange(len(edge_of_sample)) - starts) / np.repeat(samples, counts)
        a, b = self.edge_source[edge_of_sample], self.edge_target[edge_of_sample]
        lat = self.node_lat[a] + (self.node_lat[b] - self.node_lat[a]) * t
        lon = self.node_lon[a] + (self.node_lon[b] - self.node_lon[a]) * t
        self._snap_tree = cKDTree(self._project(lat, lon))
        self._snap_edge = edge_of_sample
        self._snap_edge_list: list[int] = edge_of_sample.tolist()
        self._source_list: list[int] = self.edge_source.tolist()
        self._lat_list: list[float] = self.node_lat.tolist()
        self._lon_list: list[float] = self.node_lon.tolist()

    def _edge_ids(self, sources: IntArray, targets: IntArray) -> IntArray:
        """Return the id of each edge source→target, or -1 where none exists."""
        # Edges are sorted by (source, target), so a combined key is sorted too.
        n = np.int64(len(self.node_lat))
        keys = self.edge_source * n + self.edge_target
        wanted = np.asarray(sources, dtype=np.int64) * n + np.asarray(targets, dtype=np.int64)
        pos = np.searchsorted(keys, wanted)
        pos_clipped = np.minimum(pos, len(keys) - 1)
        found = (pos < len(keys)) & (keys[pos_clipped] == wanted)
        return np.where(found, pos_clipped, -1).astype(np.int64)

    # -- queries ----------------------------------------------------------

    @property
    def node_count(self) -> int:
        """Return the number of graph nodes."""
        return len(self.node_lat)

    @property
    def edge_count(self) -> int:
        """Return the number of directed edges."""
        return len(self.edge_source)

    @property
    def bounds(self) -> tuple[LatLon, LatLon]:
        """Return the (south-west, north-east) corners of the road network."""
        return self._bounds

    def node_position(self, node: int) -> LatLon:
        """Return the position of graph node ``node``."""
        return LatLon(float(self.node_lat[node]), float(self.node_lon[node]))

    def node_for_osm_id(self, osm_id: int) -> int:
        """Return the graph node number of an OSM node id.

        :raises KeyError: If no drivable way uses that OSM node.
        """
        try:
            return self._node_index[osm_id]
        except KeyError:
            raise KeyError(f"OSM node {osm_id} is not part of any drivable road.") from None

    def edge_id(self, source: int, target: int) -> int:
        """Return the id of the edge source→target, or -1 if there is none."""
        return self._find_edge(source, target)

    def edges_out(self, node: int) -> range:
        """Return the ids of the edges leaving ``node``."""
        return range(self._indptr_list[node], self._indptr_list[node + 1])

    def snap(self, position: LatLon) -> SnapPoint:
        """Return the nearest point on any drivable road to ``position``."""
        query = (
            math.radians(position.lon) * self._cos0 * EARTH_RADIUS_M,
            math.radians(position.lat) * EARTH_RADIUS_M,
        )
        k = min(_SNAP_CANDIDATES, len(self._snap_edge))
        _, idx = self._snap_tree.query(query, k=k)
        # A handful of candidate segments: plain Python beats numpy's per-call
        # overhead here. Compare in degrees scaled by the query's own latitude.
        lat_q, lon_q = position.lat, position.lon
        cos_q = math.cos(math.radians(lat_q))
        lats, lons = self._lat_list, self._lon_list
        best: tuple[float, int, float] | None = None  # (squared distance, edge, fraction)
        for edge in sorted({self._snap_edge_list[i] for i in np.atleast_1d(idx).tolist()}):
            u, v = self._source_list[edge], self._target_list[edge]
            ax, ay = (lons[u] - lon_q) * cos_q, lats[u] - lat_q
            dx, dy = (lons[v] - lons[u]) * cos_q, lats[v] - lats[u]
            length2 = dx * dx + dy * dy
            f = min(1.0, max(0.0, -(ax * dx + ay * dy) / length2)) if length2 > 0 else 0.0
            px, py = ax + f * dx, ay + f * dy
            d2 = px * px + py * py
            if best is None or d2 < best[0]:
                best = (d2, edge, f)
        assert best is not None  # k >= 1 and every sample belongs to an edge
        _, edge, f = best
        u, v = self._source_list[edge], self._target_list[edge]
        snapped = LatLon(lats[u] + (lats[v] - lats[u]) * f, lons[u] + (lons[v] - lons[u]) * f)
        return SnapPoint(
            position=snapped,
            distance_m=haversine_m(position, snapped),
            u=u,
            v=v,
            fraction=f,
            forward_edge=edge,
            backward_edge=self._find_edge(v, u),
        )

    def nearest_edges(self, lat: FloatArray, lon: FloatArray) -> IntArray:
        """Return, for each position, an edge of the road segment nearest to it.

        The nearest of the points sampled every 20 m along the roads decides:
        a fast approximation of :meth:`snap` for many positions at once.
        """
        _, nearest = self._snap_tree.query(self._project(lat, lon), k=1)
        edges: IntArray = self._snap_edge[np.atleast_1d(nearest)]
        return edges

    def _find_edge(self, source: int, target: int) -> int:
        """Return the edge source→target or -1, scanning the source's few out-edges."""
        for e in range(self._indptr_list[source], self._indptr_list[source + 1]):
            if self._target_list[e] == target:
                return e
        return -1
