"""Build steps that pyproject.toml cannot declare: the optional compiled Event type and the
top-level data folders mapped into the package.

``optional=True``: without a C compiler and the Python headers the package still
installs and the SDK runs on its pure-Python Event (sdk/cardeck/_event_type.c
says what the compiled one buys).

``layouts/`` (vehicle profiles and templates) and ``protos/`` (the API contract) stay at the
top of the repository because they are part of the design, not of one package; the wheel
carries them as ``cardeck/_layouts`` and ``cardeck/_protos``, where
``cardeck._resources`` finds them without any environment variable.
"""

import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent

# (folder in the repository, folder inside the cardeck package, file patterns)
DATA_FOLDERS = [
    ("layouts", "_layouts", ("*.yaml",)),
    ("protos", "_protos", ("*.proto",)),
    # Eclipse KUKSA's val API (Apache-2.0), vendored outside CarDeck's buf module.
    ("third_party/kuksa/proto", "_protos_kuksa", ("*.proto",)),
    ("third_party/kuksa", "_protos_kuksa", ("LICENSE", "NOTICE.md", "README.md")),
    # google.rpc Status and error details (Apache-2.0), which `cardeck protos export` writes so
    # other languages can decode the error trailer.
    ("third_party/googleapis", "_protos_googleapis", ("*.proto", "LICENSE", "README.md")),
]


class BuildPyWithData(build_py):
    """build_py that also copies the top-level data folders into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            # An editable install reads the checkout's folders in place (cardeck._resources).
            return
        cleaned = set()
        for source, target, patterns in DATA_FOLDERS:
            source_dir = ROOT / source
            if not source_dir.is_dir():
                raise SystemExit(f"setup.py: {source_dir} is missing; the package would be empty.")
            destination = Path(self.build_lib) / "cardeck" / target
            if destination.exists() and target not in cleaned:
                shutil.rmtree(destination)
            cleaned.add(target)
            for pattern in patterns:
                found = source_dir.rglob(pattern) if "*" in pattern else [source_dir / pattern]
                for path in sorted(found):
                    out = destination / path.relative_to(source_dir)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, out)


setup(
    cmdclass={"build_py": BuildPyWithData},
    ext_modules=[
        Extension(
            "cardeck._event_type",
            sources=["sdk/cardeck/_event_type.c"],
            optional=True,
            extra_compile_args=["-O2", "-Wall"],
        )
    ],
)
