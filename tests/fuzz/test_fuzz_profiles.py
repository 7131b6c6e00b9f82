"""Fuzz the profile loader and solver with mutations of every bundled profile (issue 14).

Each input is a bundled profile with one to four mutations: values swapped for
hostile ones (huge, negative, NaN, strings, mappings, lists) or for plausible
ones near the limits (which is what reaches the solver), keys deleted,
duplicated or invented, and whole-text damage (alias bombs, deep nesting,
binary junk, truncation, tags, extra documents). Whatever comes in, loading
and solving must end in a layout or a ProfileError whose problems carry a
line, within the time limit of conftest.py.
"""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cardeck._exceptions import ProfileError
from cardeck.layout import (
    bundled_layouts_dir,
    bundled_profiles,
    get_template,
    load_profile,
    parse_profile,
    solve_profile,
)

from .conftest import TIMEOUT_SECONDS, fuzz_settings, stats_for


def _bundled() -> dict[str, tuple[str, dict[str, Any]]]:
    """Each bundled profile's text and data, keyed by vehicle id."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted((bundled_layouts_dir() / "vehicles").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        out[load_profile(path).id] = (text, yaml.safe_load(text))
    assert sorted(out) == sorted(bundled_profiles())
    return out


BUNDLED = _bundled()
SETTINGS = fuzz_settings(len(BUNDLED))
STATS = stats_for("profiles")
_NAMES = itertools.count()
_TEMPLATE = get_template("default")
PANELS = sorted({p.id for role in _TEMPLATE.roles.values() for p in role.panels})
ROLES = ["center", "cluster", "passenger", "hud", "rear", "console", "pilot"]

# -- values --------------------------------------------------------------------

_HOSTILE_NUMBERS = st.sampled_from(
    [0, -1, 1, 2, 16_384, 16_385, 65_535, 2**31, 2**63, 10**30, -(10**30), 10**300]
) | st.sampled_from(
    [0.0, -0.0, 0.5, 1e-30, -1e-30, 1e30, -1e30, 1e308, math.nan, math.inf, -math.inf]
)
HOSTILE = st.one_of(
    _HOSTILE_NUMBERS,
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["", "x" * 5000, "1e30", "center", "-", "🚗", "null", "~", "0x10", "1:30"]),
    st.booleans(),
    st.none(),
    st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4), max_size=3),
    st.lists(st.integers() | st.text(max_size=4), max_size=4),
    # builds(), not just(): a mutation may change the drawn value in place.
    st.builds(lambda: {"id": {"a": [1, {"b": None}]}}),
    st.builds(lambda: [[[[[]]]]]),
)


_DP = st.floats(0.0, 50_000.0) | st.sampled_from([0.0, 1e-9, 40_000.0])
_OVERRIDE = st.fixed_dictionaries(
    {"role": st.sampled_from(ROLES), "panel": st.sampled_from([*PANELS, "nope"])},
    optional={
        "enabled": st.booleans(),
        "priority": st.integers(-5, 1_200),
        "min_width_dp": _DP,
        "min_height_dp": _DP,
        "max_width_dp": _DP,
        "max_height_dp": _DP,
        "share": st.floats(0.0, 2_000.0) | st.sampled_from([0.001, 1_000.0]),
    },
)


def _plausible(key: str) -> st.SearchStrategy[Any]:
    """Values of the right type around the limits, so mutants get past the loader."""
    px = st.integers(0, 17_000) | st.sampled_from([1, 2, 16_383, 16_384, 16_385])
    table: dict[str, st.SearchStrategy[Any]] = {
        "width_px": px,
        "height_px": px,
        "diagonal_in": st.floats(0.5, 200.0) | st.sampled_from([1.0, 150.0]),
        "dpi": st.floats(5.0, 1500.0) | st.sampled_from([10.0, 1200.0]),
        "density_dpi": st.integers(50, 1000) | st.sampled_from([72, 960]),
        "viewing_distance_mm": st.floats(50.0, 25_000.0) | st.sampled_from([100.0, 20_000.0]),
        "x_mm": st.floats(-12_000.0, 12_000.0),
        "y_mm": st.floats(-12_000.0, 12_000.0),
        "driver_side": st.sampled_from(["left", "right", "middle"]),
        "role": st.sampled_from([*ROLES, "dash"]),
        "input_modes": st.lists(st.sampled_from(["touch", "rotary", "hybrid"]), max_size=4),
        "curved": st.booleans(),
        "template": st.sampled_from(["default", "nope"]),
        "insets": st.fixed_dictionaries(
            {},
            optional={side: px for side in ("top", "bottom", "left", "right")},
        ),
        "corner_radii": st.fixed_dictionaries(
            {},
            optional={c: px for c in ("top_left", "top_right", "bottom_right", "bottom_left")},
        ),
        "cutouts": st.lists(
            st.fixed_dictionaries(
                {"x": px, "y": px, "width": px, "height": px},
            ),
            max_size=3,
        ),
        "template_overrides": st.lists(_OVERRIDE, max_size=4),
    }
    return table.get(key, HOSTILE)


DISPLAY_KEYS = [
    "width_px",
    "height_px",
    "diagonal_in",
    "dpi",
    "density_dpi",
    "viewing_distance_mm",
    "x_mm",
    "y_mm",
    "driver_side",
    "role",
    "input_modes",
    "curved",
    "insets",
    "corner_radii",
    "cutouts",
]

# -- structural mutations of the data ------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in nested dicts and lists, the root excluded."""
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return out
    for key, value in items:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_data(draw: st.DrawFn, data: dict[str, Any]) -> Any:
    """The profile's data with one to four value or key mutations."""
    data = yaml.safe_load(yaml.safe_dump(data))  # a deep copy
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(
                ["plausible", "plausible", "plausible", "override", "hostile", "delete", "add"]
            )
        )
        if op == "plausible" or op == "override":
            displays = data.get("displays") if isinstance(data, dict) else None
            if op == "override" and isinstance(data, dict):
                data["template_overrides"] = draw(st.lists(_OVERRIDE, min_size=1, max_size=5))
            elif isinstance(displays, list) and displays and isinstance(displays[0], dict):
                display = displays[draw(st.integers(0, len(displays) - 1))]
                if isinstance(display, dict):
                    key = draw(st.sampled_from(DISPLAY_KEYS))
                    if draw(st.booleans()) and key in ("dpi", "diagonal_in", "density_dpi"):
                        display.pop(key, None)
                    else:
                        display[key] = draw(_plausible(key))
            continue
        paths = _paths(data)
        if not paths:
            data = draw(HOSTILE)
            continue
        path = paths[draw(st.integers(0, len(paths) - 1))]
        parent = _parent(data, path)
        if op == "hostile":
            parent[path[-1]] = draw(HOSTILE)
        elif op == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(HOSTILE)
        else:
            parent.append(draw(HOSTILE))
    return data


# -- damage to the text ----------------------------------------------------------


def _bomb(levels: int, width: int, where: str) -> str:
    lines = [f"{where}:", "  a0: &a0 [lol, lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"  a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str | bytes:
    """The profile's text with one kind of damage; bytes when it is no longer UTF-8."""
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "duplicate-line",
                "bomb",
                "deep-flow",
                "deep-block",
                "junk",
                "tag",
                "documents",
                "flip",
                "big",
                "anchors",
            ]
        )
    )
    lines = text.splitlines(keepends=True)
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "duplicate-line":
        index = draw(st.integers(0, len(lines) - 1))
        return "".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
    if kind == "bomb":
        where = draw(st.sampled_from(["notes", "displays", "zzz", "sources"]))
        return text + _bomb(draw(st.integers(1, 12)), draw(st.integers(2, 10)), where)
    if kind == "deep-flow":
        depth = draw(st.integers(10, 20_000))
        return text + "notes: " + "[" * depth + "]" * depth + "\n"
    if kind == "deep-block":
        depth = draw(st.integers(10, 200))
        nested = "".join(f"{'  ' * level}k{level}:\n" for level in range(1, depth + 1))
        return text + "notes:\n" + nested + "  " * (depth + 1) + "x\n"
    if kind == "junk":
        raw = text.encode()
        junk = draw(st.binary(min_size=1, max_size=64))
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + junk + raw[at:]
    if kind == "tag":
        tag = draw(st.sampled_from(["!!python/object:os.system", "!!binary", "!foo", "!!set"]))
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        if ": " in line:
            key, value = line.split(": ", 1)
            lines[index] = f"{key}: {tag} {value}"
        return "".join(lines)
    if kind == "documents":
        return text + "---\n" + text
    if kind == "flip":
        raw = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 8))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    if kind == "big":
        return text + "# " + "x" * draw(st.integers(60_000, 70_000)) + "\n"
    # "anchors": share one display through an alias, and merge keys.
    return text + "extra: &e {a: 1}\nmore: {<<: *e, b: 2}\nagain: [*e, *e, *e]\n"


# -- the target ------------------------------------------------------------------


def _load(source: str | bytes, directory: os.PathLike[str], via_file: bool) -> Any:
    if isinstance(source, bytes) or via_file:
        path = Path(directory) / f"p{next(_NAMES)}.yaml"
        path.write_bytes(source if isinstance(source, bytes) else source.encode("utf-8", "replace"))
        return load_profile(path)
    return parse_profile(source, "fuzz.yaml")


def _run(label: str, source: str | bytes, directory: os.PathLike[str], via_file: bool) -> None:
    """Load and solve; only ProfileError may escape, and loader problems carry a line."""

    def call() -> str:
        try:
            profile = _load(source, directory, via_file)
        except ProfileError as exc:
            assert exc.problems, f"{label}: a loader ProfileError without problems: {exc}"
            for problem in exc.problems:
                assert problem.line >= 1, f"{label}: a problem without a line: {problem}"
            return "refused"
        try:
            solve_profile(profile)
        except ProfileError as exc:
            assert "CarDeck bug" not in str(exc), f"{label}: {exc}"
            return "refused"
        return "accepted"

    outcome, _elapsed = STATS.timed(label, call)
    if outcome == "accepted":
        STATS.accepted += 1
    else:
        STATS.refused += 1


@pytest.mark.timeout(TIMEOUT_SECONDS)
@pytest.mark.parametrize("vehicle", sorted(BUNDLED))
@SETTINGS
@given(data=st.data())
def test_mutated_profile_loads_and_solves_or_raises_profile_error(
    vehicle: str, data: st.DataObject, fuzz_dir: os.PathLike[str]
) -> None:
    text, parsed = BUNDLED[vehicle]
    if data.draw(st.integers(0, 2), label="text damage?") == 0:
        source: str | bytes = data.draw(damaged_text(text), label="text")
        label = f"{vehicle} damaged text"
    else:
        mutant = data.draw(mutated_data(parsed), label="data")
        source = yaml.safe_dump(mutant, sort_keys=False, allow_unicode=True)
        label = f"{vehicle} mutated data"
    via_file = data.draw(st.integers(0, 9), label="via file?") == 0
    _run(label, source, fuzz_dir, via_file)
