"""Regenerate the Python code for protos/cardeck/v1 into sdk/cardeck/v1, and for the vendored
KUKSA val API (third_party/kuksa/proto/kuksa/val/v1, v2) into sdk/cardeck/kuksa/val.

Usage: python tools/genproto.py [--check]

--check regenerates into a temporary folder and fails if anything differs
from what is committed, so CI catches a proto edited without regeneration.
The generator versions are pinned in pyproject.toml (grpcio-tools,
mypy-protobuf) because their output differs between versions.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTO_ROOT = ROOT / "protos"
OUT_ROOT = ROOT / "sdk"
PACKAGE_DIR = Path("cardeck") / "v1"
KUKSA_PROTO_ROOT = ROOT / "third_party" / "kuksa" / "proto"
KUKSA_DIR = Path("cardeck") / "kuksa"
KUKSA_VERSIONS = ("v1", "v2")

INIT_TEXT = '''"""Generated gRPC and protobuf code for the cardeck.v1 API.

Power users may import these modules directly; the SDK's public API takes and
returns ``cardeck`` models instead. Regenerate with ``python tools/genproto.py``;
never edit by hand.
"""
'''


KUKSA_INIT_TEXT = '''"""Generated gRPC and protobuf code for Eclipse KUKSA's kuksa.val.{version}.

From the vendored protos in third_party/kuksa (Apache-2.0, see its README). The
head unit serves this API; ``client.signals`` speaks it. Regenerate with
``python tools/genproto.py``; never edit by hand.
"""
'''


def _protoc(proto_root: Path, protos: list[str], out_root: Path) -> None:
    import grpc_tools  # type: ignore[import-untyped]  # grpcio-tools ships no type information
    from grpc_tools import protoc

    include = str(Path(grpc_tools.__file__).parent / "_proto")
    args = [
        "protoc",
        f"-I{proto_root}",
        f"-I{include}",
        f"--python_out={out_root}",
        f"--grpc_python_out={out_root}",
        f"--mypy_out={out_root}",
        f"--mypy_grpc_out={out_root}",
        *protos,
    ]
    # protoc finds protoc-gen-mypy on PATH; the venv's bin holds it.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed; see the messages above.")


def generate(out_root: Path) -> None:
    """Run protoc with the Python, gRPC and mypy plugins into ``out_root``."""
    protos = sorted(
        str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / PACKAGE_DIR).glob("*.proto")
    )
    _protoc(PROTO_ROOT, protos, out_root)
    (out_root / PACKAGE_DIR / "__init__.py").write_text(INIT_TEXT)
    (out_root / "cardeck" / "v1" / "py.typed").write_text("")
    generate_kuksa(out_root)


def generate_kuksa(out_root: Path) -> None:
    """Generate the KUKSA val API into ``out_root/cardeck/kuksa/val/v*``.

    protoc writes ``kuksa/val/v*``; the modules move under ``cardeck`` with their imports
    rewritten, so they never shadow kuksa-client's own top-level ``kuksa`` package.
    The descriptors keep their file names (``kuksa/val/v2/val.proto``): the same
    protos, so both packages may load in one process.
    """
    protos = sorted(
        str(p.relative_to(KUKSA_PROTO_ROOT))
        for version in KUKSA_VERSIONS
        for p in (KUKSA_PROTO_ROOT / "kuksa" / "val" / version).glob("*.proto")
    )
    with tempfile.TemporaryDirectory() as tmp:
        _protoc(KUKSA_PROTO_ROOT, protos, Path(tmp))
        for version in KUKSA_VERSIONS:
            source = Path(tmp) / "kuksa" / "val" / version
            target = out_root / KUKSA_DIR / "val" / version
            target.mkdir(parents=True, exist_ok=True)
            for module in sorted(source.iterdir()):
                text = module.read_text()
                text = text.replace("from kuksa.val.", "from cardeck.kuksa.val.")
                text = text.replace("import kuksa.val.", "import cardeck.kuksa.val.")
                (target / module.name).write_text(text)
            (target / "__init__.py").write_text(KUKSA_INIT_TEXT.format(version=version))
            (target / "py.typed").write_text("")
    for package in (out_root / KUKSA_DIR, out_root / KUKSA_DIR / "val"):
        (package / "__init__.py").write_text(
            '"""Generated code for the Eclipse KUKSA val API (see cardeck.kuksa.val.v1, v2)."""\n'
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if the committed code is stale")
    args = parser.parse_args()
    if not args.check:
        target = OUT_ROOT / PACKAGE_DIR
        for old in [*target.glob("*_pb2*.py*"), *(OUT_ROOT / KUKSA_DIR).rglob("*_pb2*.py*")]:
            old.unlink()
        generate(OUT_ROOT)
        print(f"Generated {len(list(target.glob('*.py')))} modules in {target.relative_to(ROOT)}.")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        stale = []
        for package in (
            PACKAGE_DIR,
            KUKSA_DIR,
            KUKSA_DIR / "val",
            *(KUKSA_DIR / "val" / v for v in KUKSA_VERSIONS),
        ):
            fresh = Path(tmp) / package
            committed = OUT_ROOT / package
            names = {p.name for p in fresh.iterdir() if p.is_file()} | {
                p.name
                for p in committed.iterdir()
                if p.suffix in {".py", ".pyi"} or p.name == "py.typed"
            }
            stale += sorted(
                str(package / n)
                for n in names
                if not (fresh / n).exists()
                or not (committed / n).exists()
                or not filecmp.cmp(fresh / n, committed / n, shallow=False)
            )
    if stale:
        print(
            "Generated code under sdk/ is stale: "
            + ", ".join(stale)
            + ". Run `python tools/genproto.py` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print("Generated code is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
