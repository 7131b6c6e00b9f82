"""Check every import of ``cardeck`` and ``cardeck_sim`` against the declared layers.

Reads each module under ``sdk/cardeck`` and ``simulator/cardeck_sim`` with
:mod:`ast` — every ``import`` and ``from … import`` wherever it stands (module
level, inside a function, under ``if TYPE_CHECKING:``) and every
``importlib.import_module("…")`` with a literal name — and prints one line per
import that breaks a rule, as ``file:line: module imports target: rule``::

    python tools/check_layers.py          # exit 1 if any import breaks a rule (make layers)

The rules, and why:

1. **The simulator is layered** (:data:`SIM_LAYERS`, bottom first). A room may
   import its own modules and the rooms of lower layers, never a room of its
   own layer or of a higher one:

   - ``base`` — ``_version`` and ``_ports``: leaf helpers with no project imports.
   - ``state`` — the store, its events and journal, and the protocols readers
     type against (``ProfileSource``, ``HeadUnitView``). Everything reads it.
   - ``engines`` — ``maps``, ``voice``, ``browser``, ``install``: the work
     behind the services (routing, speech, Chromium, bundle installs). They
     know nothing of gRPC, windows or each other, so each is usable alone (the
     install crash test runs the installer in a bare child process).
   - ``rooms`` — ``service`` (the gRPC servicers), ``ui`` (the Kivy window and
     renderer), ``bridge`` (the WebSocket bridge) and ``feed`` (vehicle signals
     from another KUKSA server, ``--vehicle-source``) all sit on the state and
     the engines. They are peers: none imports another, so the service runs
     without kivy and a cycle cannot hide in a late import. What one needs from
     another (the service's screenshot needs the UI's renderer, its Tap the
     UI's input path) is passed in by the root as a callable.
   - ``root`` — ``headunit``: the one composition root that builds the store,
     catalog, engines, servicers, gRPC server, bridge and window and wires them.

2. **The SDK does not depend on the simulator.** ``cardeck`` (what ``pip install
   cardeck`` gives) imports ``cardeck_sim`` only in the entry points that start
   or draw with the simulator (:data:`SDK_SIM_ENTRY_POINTS`: ``cardeck sim``,
   ``cardeck layout render``/``sheet``, the pytest fixtures), and there only the
   simulator's public faces (:data:`SIM_PUBLIC_FACES`). The simulator builds on
   the SDK freely (its models, layout engine and generated code).

3. **No reaching into another package's private module.** ``a.b._c`` belongs to
   package ``a.b``; only modules inside ``a.b`` (its own modules and
   subpackages) may import it, so ``ui`` never reads ``service._catalog``. The
   SDK is the exception: it is one library whose public face is
   ``cardeck.__all__`` (and its documented subpackages), and its subpackages
   are how it is organised, not boundaries, so any ``cardeck`` module may use
   any of its private modules (``cardeck.deploy`` uses ``cardeck._exceptions``,
   ``cardeck.cli`` uses ``cardeck.layout``'s). Across top packages the
   simulator may use only the SDK internals listed in
   :data:`SHARED_SDK_INTERNALS`, each with the reason the head unit must apply
   exactly the SDK's code.

:data:`EXCEPTIONS` lists imports allowed for now against these rules, each
with its reason; the goal is an empty list.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Where each top package's source lives, relative to the repository root.
PACKAGE_DIRS = {"cardeck": Path("sdk/cardeck"), "cardeck_sim": Path("simulator/cardeck_sim")}

#: The simulator's layers, bottom first: (layer name, its rooms).
SIM_LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("base", frozenset({"cardeck_sim._version", "cardeck_sim._ports"})),
    ("state", frozenset({"cardeck_sim.state"})),
    (
        "engines",
        frozenset(
            {"cardeck_sim.maps", "cardeck_sim.voice", "cardeck_sim.browser", "cardeck_sim.install"}
        ),
    ),
    (
        "rooms",
        frozenset(
            {"cardeck_sim.service", "cardeck_sim.ui", "cardeck_sim.bridge", "cardeck_sim.feed"}
        ),
    ),
    ("root", frozenset({"cardeck_sim.headunit"})),
)

#: SDK modules (or packages, with everything in them) that may import the simulator.
SDK_SIM_ENTRY_POINTS = frozenset(
    {
        "cardeck._extras",  # names the extra a simulator import needs
        "cardeck.cli._headunit_cmds",  # cardeck sim
        "cardeck.cli._ui_cmds",  # cardeck layout render / sheet
        "cardeck.testing",  # the headunit fixtures and HeadUnitThread
    }
)

#: The simulator packages the SDK's entry points may import.
SIM_PUBLIC_FACES = frozenset({"cardeck_sim.headunit", "cardeck_sim.ui", "cardeck_sim.maps"})

#: SDK private modules the simulator may import, and why it must.
SHARED_SDK_INTERNALS = {
    "cardeck._names": "the head unit refuses exactly the names the SDK's rules refuse",
    "cardeck._models": "a solved layout becomes the same proto on both sides of the wire",
    "cardeck._validation": "the tokens file's schema errors read like the bundle manifest's",
}

#: (importing module, imported module) pairs allowed for now, with the reason.
EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Violation:
    """One import that breaks a rule."""

    path: Path
    line: int
    importer: str
    target: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.target}: {self.rule}"


@dataclass(frozen=True)
class _Import:
    line: int
    target: str


def module_name(top: str, package_dir: Path, path: Path) -> str:
    """The dotted name of the module in ``path`` (a package for ``__init__.py``)."""
    parts = [top, *path.relative_to(package_dir).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(importer: str, is_package: bool, module: str | None, level: int) -> str:
    """The absolute name of ``from <level dots><module> import …`` in ``importer``."""
    if level == 0:
        return module or ""
    base = importer.split(".")
    if not is_package:
        base.pop()
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dynamic_import(node: ast.Call, importer: str, is_package: bool) -> str | None:
    """The module an ``import_module("name"[, __name__])`` call loads, if literal."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "import_module" or not node.args:
        return None
    target = _literal(node.args[0])
    if target is None:
        return None
    if not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    return _resolve(importer, is_package, target[level:] or None, level)


def imports_of(
    tree: ast.Module, importer: str, is_package: bool, known: set[str]
) -> Iterator[_Import]:
    """Every module ``tree`` imports, wherever the import statement stands.

    ``from pkg import name`` counts as importing ``pkg.name`` too when that is a
    module of the tree (``known``), so ``from pkg import _private`` is seen.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(importer, is_package, node.module, node.level)
            yield _Import(node.lineno, base)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield _Import(node.lineno, f"{base}.{alias.name}")
        elif isinstance(node, ast.Call):
            target = _dynamic_import(node, importer, is_package)
            if target is not None:
                yield _Import(node.lineno, target)


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _room(name: str) -> tuple[int, str] | None:
    """(layer index, room) of a simulator module, or None outside every room."""
    for index, (_, rooms) in enumerate(SIM_LAYERS):
        for room in rooms:
            if _within(name, room):
                return index, room
    return None


def _private_owner(target: str) -> str | None:
    """The package owning the first private module in ``target``, or None."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _private_rule(importer: str, target: str) -> str | None:
    """Rule 3: a private module is imported only inside the package that owns it."""
    owner = _private_owner(target)
    if owner is None or _within(importer, owner):
        return None
    if _within(importer, "cardeck") and _within(target, "cardeck"):
        return None  # one library: its subpackages share their internals
    if _within(importer, "cardeck_sim") and target in SHARED_SDK_INTERNALS:
        return None
    return f"{target} is private to {owner}; import its public names from {owner}"


def _sdk_rule(importer: str, target: str) -> str | None:
    """Rule 2: the SDK imports the simulator's public faces, and only in its entry points."""
    if not any(_within(importer, entry) for entry in SDK_SIM_ENTRY_POINTS):
        return (
            "the SDK imports the simulator only in its entry points "
            f"({', '.join(sorted(SDK_SIM_ENTRY_POINTS))})"
        )
    if not any(_within(target, face) for face in SIM_PUBLIC_FACES):
        return f"the SDK uses only {', '.join(sorted(SIM_PUBLIC_FACES))} of the simulator"
    return None


def _layer_rule(importer: str, target: str) -> str | None:
    """Rule 1: a simulator room imports only itself and rooms of lower layers."""
    mine, theirs = _room(importer), _room(target)
    if mine is None or theirs is None or mine[1] == theirs[1] or theirs[0] < mine[0]:
        return None
    layer = SIM_LAYERS[mine[0]][0]
    if theirs[0] == mine[0]:
        return (
            f"{mine[1]} and {theirs[1]} are peers in layer '{layer}' and may not import "
            "each other; let the root pass in what is needed"
        )
    return (
        f"layer '{layer}' ({mine[1]}) may not import the higher layer "
        f"'{SIM_LAYERS[theirs[0]][0]}' ({theirs[1]})"
    )


def rule_broken(importer: str, target: str) -> str | None:
    """The rule ``importer`` breaks by importing ``target``, or None."""
    if target.split(".")[0] not in PACKAGE_DIRS or (importer, target) in EXCEPTIONS:
        return None
    if (rule := _private_rule(importer, target)) is not None:
        return rule
    if _within(importer, "cardeck") and _within(target, "cardeck_sim"):
        return _sdk_rule(importer, target)
    if _within(importer, "cardeck_sim") and _within(target, "cardeck_sim"):
        return _layer_rule(importer, target)
    return None


def check(root: Path) -> list[Violation]:
    """Every import under ``root``'s two packages that breaks a rule."""
    modules: dict[str, tuple[Path, bool]] = {}
    for top, rel in PACKAGE_DIRS.items():
        package_dir = root / rel
        for path in sorted(package_dir.rglob("*.py")):
            modules[module_name(top, package_dir, path)] = (path, path.name == "__init__.py")
    known = set(modules)
    violations = []
    for importer, (path, is_package) in modules.items():
        tree = ast.parse(path.read_bytes(), filename=str(path))
        found_imports = imports_of(tree, importer, is_package, known)
        for found in sorted(found_imports, key=lambda found: found.line):
            rule = rule_broken(importer, found.target)
            if rule is not None:
                violations.append(
                    Violation(path.relative_to(root), found.line, importer, found.target, rule)
                )
    return violations


def main(argv: list[str] | None = None) -> int:
    """Print every broken rule; exit 1 if there is one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository root (default: this checkout)"
    )
    args = parser.parse_args(argv)
    violations = check(args.root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} import(s) break the layers; see tools/check_layers.py.")
        return 1
    print("Imports keep to the layers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
