"""The public surface of cardeck_sim.maps."""

from __future__ import annotations

import subprocess
import sys

import cardeck_sim.maps as maps


def test_all_is_sorted_and_importable() -> None:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    expected = sorted(maps.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert maps.__all__ == expected
    for name in maps.__all__:
        assert getattr(maps, name) is not None


def test_engine_does_not_import_networkx() -> None:
    # networkx is a test and benchmark dependency only.
    code = (
        "import sys\n"
        "from cardeck_sim.maps import GuidanceSimulator, build_draw_list, Camera, find_route\n"
        "from cardeck_sim.maps import load_map\n"
        "d = load_map()\n"
        "r = find_route(d, d.node_position(0), d.node_position(d.node_count // 2))\n"
        "assert 'networkx' not in sys.modules, 'networkx was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
