"""A value derived from a loaded map, built once per map by the module that owns it."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from ._graph import MapData

__all__ = ["PerMapCache"]

V = TypeVar("V")


class PerMapCache(Generic[V]):
    """Build a value from a :class:`MapData` on first use and keep it while the map lives.

    Routing, search and the draw list each hold one for their own derived
    state (list copies of arrays, a name index, road geometry), so
    ``MapData`` stays plain data and no module keeps state on another's
    object. Entries go when their map is garbage collected. Thread-safe: the
    value is built once even when several threads ask at the same time::

        _tables: PerMapCache[_Tables] = PerMapCache(_Tables)
        tables = _tables.get(data)
    """

    def __init__(self, build: Callable[[MapData], V]) -> None:
        self._build = build
        self._values: weakref.WeakKeyDictionary[MapData, V] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get(self, data: MapData) -> V:
        """Return the value for ``data``, building it on the first call."""
        value = self._values.get(data)
        if value is None:
            with self._lock:
                value = self._values.get(data)
                if value is None:
                    value = self._values[data] = self._build(data)
        return value
