"""Benchmark the maps engine against simple baselines, in the same run.

Run: ``python bench/bench_maps.py [--pairs 100] [--map FILE.osm.pbf]``

- map load: ``load_map()`` (pyosmium parse + graph + place index + routing tables);
- route: p50 over random node pairs of our A* (full ``Route`` with polyline
  and maneuvers) against ``networkx.dijkstra_path`` on a DiGraph of the same
  edges; costs are checked to agree;
- place search: p50 of ``PlaceIndex.search`` against a naive linear scan that
  scores every name with the same rules (difflib for typos);
- Hangul search: p50 of Hangul queries (whole names, initial consonants, a
  syllable being typed, one wrong jamo) against the Latin queries, on the map
  (which has few Korean names) and on a copy of it where every place also has
  a generated ``name:ko``, so that each query meets as many Hangul names as a
  Korean city's extract; the place index build, with and without those names;
- snapping: ``MapData.snap`` (KD-tree) against a numpy scan of every edge;
- draw list: ``build_draw_list`` cold (new viewport) and cached;
- guidance: one simulated second of ``GuidanceSimulator.step``.

Absolute times depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import difflib
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]  # networkx ships no type information
import numpy as np

from cardeck_sim.maps import (
    Camera,
    GuidanceSimulator,
    LatLon,
    MapData,
    NoRouteError,
    build_draw_list,
    find_route,
    haversine_m,
    load_map,
    normalize_name,
    place_index,
    route_between_nodes,
)
from cardeck_sim.maps._hangul import FINALS, INITIALS, MEDIALS, choseong
from cardeck_sim.maps._search import PlaceIndex

SEARCH_QUERIES = (
    "Stockm",
    "stockmann",
    "Stokcmann",
    "ateneum",
    "Atenuem",
    "toolonlahdenkatu",
    "Mannerheimintie",
    "Manerheimintie",
    "k-market",
    "ravintola",
    "esplanadi",
    "kaisaniemi",
    "cafe",
    "hotel",
    "Havis Amanda",
    "rautatientori",
)


# Hangul queries that the bundled map answers: its name:ko of Helsinki (헬싱키)
# and of the cathedral (헬싱키 대성당).
HANGUL_QUERIES = ("헬싱키", "ㅎㅅㅋ", "헬싱ㅋ", "헬신키", "헬싱키 대성", "ㄷㅅㄷ")


def _syllable(initial: int, medial: int, final: int) -> str:
    return chr(0xAC00 + (initial * len(MEDIALS) + medial) * len(FINALS) + final)


def _korean_copy(data: MapData, rng: random.Random) -> MapData:
    """Return a shallow copy of ``data`` whose every place also has a generated ``name:ko``."""
    korean = copy.copy(data)

    def name() -> str:
        words = [
            "".join(
                _syllable(
                    rng.randrange(len(INITIALS)),
                    rng.randrange(len(MEDIALS)),
                    rng.choice((0, 0, rng.randrange(len(FINALS)))),
                )
                for _ in range(rng.randint(2, 4))
            )
            for _ in range(rng.randint(1, 2))
        ]
        return " ".join(words)

    korean.raw_places = tuple(
        dataclasses.replace(p, names={**p.names, "ko": name()}) for p in data.raw_places
    )
    return korean


def _hangul_queries(places: PlaceIndex, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Return (query, name) for names of ``places``: whole, initials, being typed, one typo."""
    names = sorted({dict(p.names)["ko"] for p in places if "ko" in dict(p.names)})
    queries = []
    for name in rng.sample(names, count):
        word = name.split()[0]
        last = ord(word[-1]) - 0xAC00
        initial, rest = divmod(last, len(MEDIALS) * len(FINALS))
        medial, final = divmod(rest, len(FINALS))
        typo = word[:-1] + _syllable(initial, (medial + 1) % len(MEDIALS), final)
        queries += [
            (query, name)
            for query in (name, choseong(name)[:3], word[:-1] + INITIALS[initial], typo)
        ]
    return queries


def _p50_ms(samples: list[float]) -> float:
    """Return the median of samples in seconds, as milliseconds."""
    return statistics.median(samples) * 1e3


def _time(fn: Callable[[], object]) -> float:
    """Return the wall time of one call in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _naive_search(
    keys: list[str], positions: list[LatLon], query: str, near: LatLon, limit: int = 10
) -> list[int]:
    """Score every name in a plain loop: the baseline for the place index."""
    q = normalize_name(query)
    scored: list[tuple[int, float, float, int]] = []
    for i, key in enumerate(keys):
        if key == q:
            tier, similarity = 0, 1.0
        elif key.startswith(q):
            tier, similarity = 1, 1.0
        elif f" {q}" in f" {key}":
            tier, similarity = 2, 1.0
        elif q in key:
            tier, similarity = 3, 1.0
        else:
            similarity = difflib.SequenceMatcher(None, q, key).ratio()
            if similarity < 0.7:
                continue
            tier = 4
        scored.append((tier, -round(similarity, 1), haversine_m(near, positions[i]), i))
    scored.sort()
    return [i for *_, i in scored[:limit]]


def _brute_force_snap(data: MapData, p: LatLon) -> float:
    """Return the distance to the nearest road by checking every edge: the snap baseline."""
    a, b = data.edge_source, data.edge_target
    k = math.cos(math.radians(p.lat))
    ax, ay = (data.node_lon[a] - p.lon) * k, data.node_lat[a] - p.lat
    bx, by = (data.node_lon[b] - p.lon) * k, data.node_lat[b] - p.lat
    dx, dy = bx - ax, by - ay
    t = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-18), 0.0, 1.0)
    i = int(np.argmin(np.hypot(ax + t * dx, ay + t * dy)))
    q = LatLon(p.lat + float(ay[i] + t[i] * dy[i]), p.lon + float((ax[i] + t[i] * dx[i]) / k))
    return haversine_m(p, q)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100, help="random route pairs (100)")
    parser.add_argument("--map", type=Path, default=None, help="an .osm.pbf (bundled Helsinki)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    rows: list[tuple[str, float, str, float]] = []

    loads = [_time(lambda: load_map(args.map)) for _ in range(5)]
    data = load_map(args.map)
    print(
        f"map: {data.source.name}: {data.node_count} nodes, {data.edge_count} edges, "
        f"{len(place_index(data))} places"
    )
    rows.append(("map load (p50 of 5)", _p50_ms(loads), "", math.nan))

    graph = nx.DiGraph()
    for e in range(data.edge_count):
        graph.add_edge(
            int(data.edge_source[e]), int(data.edge_target[e]), weight=float(data.edge_time_s[e])
        )
    ours: list[float] = []
    theirs: list[float] = []
    snapped: list[float] = []
    mismatches = 0
    while len(ours) < args.pairs:
        a, b = rng.randrange(data.node_count), rng.randrange(data.node_count)
        if a == b or not nx.has_path(graph, a, b):
            continue
        start = time.perf_counter()
        route = route_between_nodes(data, a, b)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        path = nx.dijkstra_path(graph, a, b, weight="weight")
        theirs.append(time.perf_counter() - start)
        cost = nx.path_weight(graph, path, weight="weight")
        if not math.isclose(route.duration_s, cost, rel_tol=1e-6):
            mismatches += 1
        pa, pb = data.node_position(a), data.node_position(b)
        try:
            start = time.perf_counter()
            find_route(data, pa, pb)
            snapped.append(time.perf_counter() - start)
        except NoRouteError:
            mismatches += 1
    rows.append(
        (f"route p50, {args.pairs} pairs", _p50_ms(ours), "networkx dijkstra_path", _p50_ms(theirs))
    )
    rows.append(
        ("route p50 incl. snapping", _p50_ms(snapped), "networkx dijkstra_path", _p50_ms(theirs))
    )

    south_west, north_east = data.bounds
    snap_ours: list[float] = []
    snap_brute: list[float] = []
    for _ in range(200):
        p = LatLon(
            rng.uniform(south_west.lat, north_east.lat), rng.uniform(south_west.lon, north_east.lon)
        )
        snap_ours.append(_time(partial(data.snap, p)))
        snap_brute.append(_time(partial(_brute_force_snap, data, p)))
        if data.snap(p).distance_m > _brute_force_snap(data, p) + 0.01:
            mismatches += 1
    rows.append(
        (
            "snap p50, 200 points",
            _p50_ms(snap_ours),
            "numpy scan of every edge",
            _p50_ms(snap_brute),
        )
    )

    places = place_index(data)
    keys = [normalize_name(p.name) for p in places]
    positions = [p.position for p in places]
    near = LatLon(60.1699, 24.9384)
    search_ours: list[float] = []
    search_naive: list[float] = []
    for _ in range(5):
        for query in SEARCH_QUERIES:
            search_ours.append(_time(partial(places.search, query, near=near)))
            search_naive.append(_time(partial(_naive_search, keys, positions, query, near)))
    rows.append(
        (
            f"place search p50, {len(SEARCH_QUERIES)} queries",
            _p50_ms(search_ours),
            "naive linear scan",
            _p50_ms(search_naive),
        )
    )

    hangul: list[float] = []
    for _ in range(5):
        for query in HANGUL_QUERIES:
            hangul.append(_time(partial(places.search, query, near=near)))
    rows.append(
        (
            f"Hangul search p50, {len(HANGUL_QUERIES)} queries",
            _p50_ms(hangul),
            "the Latin queries",
            _p50_ms(search_ours),
        )
    )
    korean_data = _korean_copy(data, rng)
    builds = [_time(partial(PlaceIndex, data)) for _ in range(5)]
    korean_builds = [_time(partial(PlaceIndex, korean_data)) for _ in range(5)]
    korean = PlaceIndex(korean_data)
    queries = _hangul_queries(korean, rng, 8)
    korean_search: list[float] = []
    latin_search: list[float] = []
    missed = [
        (query, name)
        for query, name in queries
        if not any(dict(p.names).get("ko") == name for p in korean.search(query, near=near))
    ]
    for _ in range(5):
        for query, _name in queries:
            korean_search.append(_time(partial(korean.search, query, near=near)))
        for query in SEARCH_QUERIES:
            latin_search.append(_time(partial(korean.search, query, near=near)))
    rows.append(
        (
            f"  with name:ko on every place, {len(queries)}",
            _p50_ms(korean_search),
            "Latin queries, same index",
            _p50_ms(latin_search),
        )
    )
    rows.append(
        (
            "place index build, name:ko on all",
            _p50_ms(korean_builds),
            "the map's own names",
            _p50_ms(builds),
        )
    )

    cold: list[float] = []
    warm: list[float] = []
    for _ in range(50):
        centre = LatLon(
            rng.uniform(south_west.lat, north_east.lat), rng.uniform(south_west.lon, north_east.lon)
        )
        camera = Camera(centre, zoom=rng.choice([14.0, 15.0, 16.0, 17.0]))
        draw = partial(build_draw_list, data, camera, 1920, 720)
        cold.append(_time(draw))
        warm.append(_time(draw))
    rows.append(
        ("draw list 1920x720 cached p50", _p50_ms(warm), "cold (new viewport)", _p50_ms(cold))
    )

    route = route_between_nodes(data, 0, data.node_count // 2)
    sim = GuidanceSimulator(route)
    steps: list[float] = []
    while not sim.step(0.0).arrived:
        steps.append(_time(partial(sim.step, 1.0)))
    rows.append((f"guidance step(1 s) p50, {len(steps)} steps", _p50_ms(steps), "", math.nan))

    print()
    print(f"{'measure':34} {'ours ms':>9}  {'baseline':26} {'base ms':>9} {'speed-up':>9}")
    print("-" * 92)
    for name, value, baseline, base_value in rows:
        ratio = f"{base_value / value:8.1f}x" if not math.isnan(base_value) else ""
        base = f"{base_value:9.3f}" if not math.isnan(base_value) else ""
        print(f"{name:34} {value:9.3f}  {baseline:26} {base:>9} {ratio:>9}")
    print()
    found = len(queries) - len(missed)
    print(f"generated Korean names in the top 10 of their queries: {found}/{len(queries)}", end="")
    print("".join(f"; {q!r} missed {n!r}" for q, n in missed))
    print(f"results differing from the baselines (route cost, snap distance): {mismatches}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
