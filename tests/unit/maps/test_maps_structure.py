"""How the maps engine's modules depend on each other: MapData at the bottom, no cycles.

``MapData`` (``_graph.py``) is plain data; routing, search and the draw list
are modules that depend on it and keep their own per-map state. These checks
read the source, so a late import (inside a function or under
``TYPE_CHECKING``) counts like any other.
"""

from __future__ import annotations

import ast
import gc
import weakref
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import cardeck_sim.maps
from cardeck_sim.maps import MapData, PlaceIndex, place_index

PACKAGE = Path(cardeck_sim.maps.__file__).parent
MODULES = {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.glob("*.py")}


def _local_imports(tree: ast.Module) -> set[str]:
    """Return the package modules a module imports anywhere in its source."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is not None:
                found.add(node.module)
            else:  # from . import _routing
                found.update(alias.name for alias in node.names)
    return found


def test_the_modules_import_each_other_without_a_cycle() -> None:
    graph = {name: _local_imports(tree) for name, tree in MODULES.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"maps modules import each other in a cycle: {exc.args[1]}")
    assert order.index("_graph") < min(order.index(m) for m in ("_routing", "_search", "_drawlist"))


def test_map_data_depends_on_no_engine() -> None:
    assert _local_imports(MODULES["_graph"]) <= {"_osm", "_types"}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_hides_inside_a_function(name: str) -> None:
    late = [
        f"line {inner.lineno}"
        for node in ast.walk(MODULES[name])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Import | ast.ImportFrom)
    ]
    assert not late, f"{name}.py imports inside a function at {', '.join(late)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_reads_private_attributes_defined_elsewhere(name: str) -> None:
    tree = MODULES[name]
    # Private names this module defines (self._x = ..., class attributes, functions).
    own = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
    } | {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    foreign = sorted(
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and node.attr not in own
    )
    assert not foreign, f"{name}.py reaches into private attributes: {foreign}"


def test_the_place_index_is_built_once_per_map_and_dropped_with_the_map(
    places: PlaceIndex,
) -> None:
    data = MapData.load()  # graph only: the index builds on first use
    index = place_index(data)
    assert place_index(data) is index
    assert [p.place_id for p in index] == [p.place_id for p in places]
    gone = weakref.ref(index)
    del data, index
    gc.collect()
    assert gone() is None
