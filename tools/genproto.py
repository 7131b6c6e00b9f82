"""Regenerate the Python code for protos/cardeck/v1 into sdk/cardeck/v1.

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

INIT_TEXT = '''"""Generated gRPC and protobuf code for the cardeck.v1 API.

Power users may import these modules directly; the SDK's public API takes and
returns ``cardeck`` models instead. Regenerate with ``python tools/genproto.py``;
never edit by hand.
"""
'''


def generate(out_root: Path) -> None:
    """Run protoc with the Python, gRPC and mypy plugins into ``out_root``."""
    import grpc_tools  # type: ignore[import-untyped]  # grpcio-tools ships no type information
    from grpc_tools import protoc

    protos = sorted(
        str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / PACKAGE_DIR).glob("*.proto")
    )
    include = str(Path(grpc_tools.__file__).parent / "_proto")
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
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
    (out_root / PACKAGE_DIR / "__init__.py").write_text(INIT_TEXT)
    (out_root / "cardeck" / "v1" / "py.typed").write_text("")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if the committed code is stale")
    args = parser.parse_args()
    if not args.check:
        target = OUT_ROOT / PACKAGE_DIR
        for old in target.glob("*_pb2*.py*"):
            old.unlink()
        generate(OUT_ROOT)
        print(f"Generated {len(list(target.glob('*.py')))} modules in {target.relative_to(ROOT)}.")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        fresh = Path(tmp) / PACKAGE_DIR
        committed = OUT_ROOT / PACKAGE_DIR
        names = {p.name for p in fresh.iterdir()} | {
            p.name
            for p in committed.iterdir()
            if p.suffix in {".py", ".pyi"} or p.name == "py.typed"
        }
        stale = sorted(
            n
            for n in names
            if not (fresh / n).exists()
            or not (committed / n).exists()
            or not filecmp.cmp(fresh / n, committed / n, shallow=False)
        )
    if stale:
        print(
            "Generated code in sdk/cardeck/v1 is stale: "
            + ", ".join(stale)
            + ". Run `python tools/genproto.py` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print("Generated code is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
