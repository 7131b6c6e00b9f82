"""Load a map and build the indexes its engines query, in one worker-thread call."""

from __future__ import annotations

import time
from pathlib import Path

from . import _routing
from ._graph import MapData
from ._search import place_index

__all__ = ["load_map"]


def load_map(path: str | Path | None = None) -> MapData:
    """Load an OpenStreetMap file and build its place index and routing tables.

    :meth:`MapData.load` parses the graph; search and routing derive their
    indexes from it on first use, which for the place index takes about
    0.1 s. Loading through this function does that work in the same call, so
    that the first search or route served from an event loop does not stall
    it. It is synchronous and CPU-bound: from asyncio, call it through
    ``await asyncio.to_thread(load_map, path)``.

    :param path: An ``.osm.pbf`` file; None loads the bundled Helsinki extract.
    :returns: The loaded map, with ``load_seconds`` covering the indexes too.
    :raises MapDataError: If the file is missing, unreadable or has no roads.
    """
    started = time.perf_counter()
    data = MapData.load(path)
    place_index(data)
    _routing.warm_up(data)
    data.load_seconds = time.perf_counter() - started
    return data
