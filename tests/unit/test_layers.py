"""The import-layer check (tools/check_layers.py): the tree passes, and wrong imports fail."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "tools" / "check_layers.py"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_layers", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


check_layers = _load_checker()


def run_checker(root):
    return subprocess.run(
        [sys.executable, str(CHECKER), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the two packages' Python files, to write wrong imports into."""
    for rel in check_layers.PACKAGE_DIRS.values():
        shutil.copytree(
            ROOT / rel,
            tmp_path / rel,
            ignore=lambda folder, names: [
                n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
            ],
        )
    return tmp_path


def append(path, text):
    """Append ``text`` to a module; returns the line number of its first line."""
    before = path.read_text()
    path.write_text(before + text)
    return before.count("\n") + 1


def test_the_tree_keeps_to_the_layers():
    result = run_checker(ROOT)
    assert (result.returncode, result.stdout) == (0, "Imports keep to the layers.\n")


def test_a_late_import_of_a_peer_fails_with_file_and_line(tree):
    scene = tree / "simulator/cardeck_sim/ui/_scene.py"
    line = append(
        scene,
        "\n\ndef _late():\n"
        "    from cardeck_sim.service import RpcFailure\n\n"
        "    return RpcFailure\n",
    )
    result = run_checker(tree)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"simulator/cardeck_sim/ui/_scene.py:{line + 3}: cardeck_sim.ui._scene imports "
        "cardeck_sim.service: cardeck_sim.ui and cardeck_sim.service are peers in layer "
        "'rooms' and may not import each other; let the root pass in what is needed",
        "1 import(s) break the layers; see tools/check_layers.py.",
    ]


def test_type_checking_relative_and_upward_imports_fail(tree):
    theme = tree / "simulator/cardeck_sim/ui/_theme.py"
    ui_line = append(
        theme,
        "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from ..headunit import HeadUnit\n    from ..service import _status\n",
    )
    maps = tree / "simulator/cardeck_sim/maps/_types.py"
    maps_line = append(maps, "\nimport cardeck_sim.state\nimport cardeck_sim.bridge\n")
    result = run_checker(tree)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:-1] == [
        f"simulator/cardeck_sim/maps/_types.py:{maps_line + 2}: cardeck_sim.maps._types "
        "imports cardeck_sim.bridge: layer 'engines' (cardeck_sim.maps) may not import the "
        "higher layer 'rooms' (cardeck_sim.bridge)",
        f"simulator/cardeck_sim/ui/_theme.py:{ui_line + 4}: cardeck_sim.ui._theme imports "
        "cardeck_sim.headunit: layer 'rooms' (cardeck_sim.ui) may not import the higher "
        "layer 'root' (cardeck_sim.headunit)",
        f"simulator/cardeck_sim/ui/_theme.py:{ui_line + 5}: cardeck_sim.ui._theme imports "
        "cardeck_sim.service: cardeck_sim.ui and cardeck_sim.service are peers in layer "
        "'rooms' and may not import each other; let the root pass in what is needed",
        f"simulator/cardeck_sim/ui/_theme.py:{ui_line + 5}: cardeck_sim.ui._theme imports "
        "cardeck_sim.service._status: cardeck_sim.service._status is private to "
        "cardeck_sim.service; import its public names from cardeck_sim.service",
    ]


@pytest.mark.parametrize(
    ("importer", "target", "broken"),
    [
        # The root wires everything below it.
        ("cardeck_sim.headunit._unit", "cardeck_sim.ui", False),
        ("cardeck_sim.headunit._unit", "cardeck_sim.bridge", False),
        ("cardeck_sim.service._maps", "cardeck_sim.maps", False),
        ("cardeck_sim.bridge._server", "cardeck_sim.state", False),
        ("cardeck_sim.service._server", "cardeck_sim.service._auth", False),
        ("cardeck_sim.service._packages", "cardeck_sim._ports", False),
        ("cardeck_sim.state._store", "cardeck_sim.service", True),
        ("cardeck_sim.bridge._server", "cardeck_sim.service", True),
        ("cardeck_sim.voice._engine", "cardeck_sim.maps", True),
        # The SDK shares its private modules within cardeck; the simulator only at entry points.
        ("cardeck.deploy._bundle", "cardeck._exceptions", False),
        ("cardeck.layout._engine", "cardeck.deploy._bundle", False),
        ("cardeck._client", "cardeck_sim.headunit", True),
        ("cardeck.testing._server", "cardeck_sim.headunit", False),
        ("cardeck.testing._server", "cardeck_sim.service", True),
        ("cardeck_sim.service._status", "cardeck._names", False),
        ("cardeck_sim.service._status", "cardeck._client", True),
        ("cardeck_sim.service._status", "grpc._channel", False),
    ],
)
def test_rules(importer, target, broken):
    assert (check_layers.rule_broken(importer, target) is not None) is broken


def test_importlib_and_from_import_of_a_private_module_are_seen():
    import ast

    tree = ast.parse(
        "import importlib\n"
        "from cardeck_sim.bridge import _server\n"
        "importlib.import_module('._scene', __name__)\n"
    )
    found = [
        (i.line, i.target)
        for i in check_layers.imports_of(
            tree, "cardeck_sim.ui", True, {"cardeck_sim.bridge._server"}
        )
    ]
    assert found == [
        (1, "importlib"),
        (2, "cardeck_sim.bridge"),
        (2, "cardeck_sim.bridge._server"),
        (3, "cardeck_sim.ui._scene"),
    ]
