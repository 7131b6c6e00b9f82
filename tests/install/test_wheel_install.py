"""What a user installs: the built wheel and sdist, in fresh virtual environments outside the repo.

Everything else in the suite runs from the checkout (an editable install), where a file the
wheel forgot is still found. These tests build the distribution with ``python -m build``,
check it with ``twine check``, install the wheel into new venvs in a temporary folder and run
the documented commands from another working directory with a clean environment:

- ``full``: ``pip install 'cardeck[sim]'`` plus pytest, as an integrator's test project has;
- ``bare``: ``pip install cardeck`` plus pytest: the SDK without the simulator or deploy extras.

They fail (never skip) when the build or an install fails. pip resolves the dependencies from
the same index and cache the dev venv was set up from, so they add about two minutes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._cli import start_sim

ROOT = Path(__file__).resolve().parents[2]
WHEEL_LIMIT_BYTES = 5 * 1024 * 1024
BUNDLED_IDS = sorted(
    re.search(r"^id:\s*(\S+)", p.read_text(), re.MULTILINE).group(1)  # type: ignore[union-attr]
    for p in (ROOT / "layouts" / "vehicles").glob("*.yaml")
)

pytestmark = pytest.mark.timeout(900)


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    return proc.stdout


def _clean_env(home: Path) -> dict[str, str]:
    """The environment of a user's shell: nothing that points back into this checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CARDECK_", "PYTHON", "VIRTUAL_ENV", "PYTEST"))
    }
    env["KIVY_HOME"] = str(home / "kivy")
    return env


@dataclass
class Dist:
    wheel: Path
    sdist: Path


@dataclass
class Venv:
    root: Path
    cwd: Path
    env: dict[str, str]

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    @property
    def cardeck(self) -> str:
        return str(self.root / "bin" / "cardeck")

    def run(self, *args: str, timeout: float = 300) -> str:
        return _run(list(args), cwd=self.cwd, env=self.env, timeout=timeout)

    def fails(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            list(args), cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert proc.returncode != 0, f"{' '.join(args)} should fail; printed {proc.stdout!r}"
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """The wheel and sdist built from this checkout, as a release would build them."""
    out = tmp_path_factory.mktemp("dist")
    env = _clean_env(out)
    # build's isolated environment compiles the optional Event type and copies layouts/ and
    # protos/ into the package; the wheel is built from the sdist, so the sdist is checked too.
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out, env=env)
    _run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, out.iterdir())],
        cwd=out,
        env=env,
    )
    (wheel,) = out.glob("cardeck-*.whl")
    (sdist,) = out.glob("cardeck-*.tar.gz")
    return Dist(wheel, sdist)


def _make_venv(base: Path, *requirements: str) -> Venv:
    root = base / "venv"
    venv.EnvBuilder(with_pip=True).create(root)
    cwd = base / "work"
    cwd.mkdir()
    env = _clean_env(base)
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    v = Venv(root, cwd, env)
    v.run(v.python, "-m", "pip", "install", "-q", *requirements, timeout=600)
    return v


@pytest.fixture(scope="module")
def full(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """``pip install 'cardeck[sim]'`` from the wheel, in a folder outside the repository."""
    # pytest-asyncio: the docs name it for the async_client fixture.
    return _make_venv(
        tmp_path_factory.mktemp("full"), f"{dist.wheel}[sim]", "pytest>=8", "pytest-asyncio"
    )


@pytest.fixture(scope="module")
def bare(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """``pip install cardeck`` from the wheel: the SDK alone, no sim or deploy extra."""
    return _make_venv(tmp_path_factory.mktemp("bare"), str(dist.wheel), "pytest>=8")


@pytest.fixture(scope="module")
def sim_target(full: Venv) -> Iterator[str]:
    """``cardeck sim --headless`` from the installed wheel; yields ``host:port``."""
    proc, target = start_sim(
        [full.cardeck, "sim", "--headless", "--port", "0", "--ws-port", "0"],
        cwd=full.cwd,
        env=full.env,
    )
    yield target
    proc.terminate()
    proc.wait(30)
    proc.stdout.close()
    proc.stderr.close()


# --- the distribution itself ----------------------------------------------------------------


def test_wheel_carries_layouts_protos_map_data_types_and_licences(dist: Dist) -> None:
    assert dist.wheel.stat().st_size < WHEEL_LIMIT_BYTES, dist.wheel.stat().st_size
    with zipfile.ZipFile(dist.wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    for vehicle in (ROOT / "layouts" / "vehicles").glob("*.yaml"):
        assert f"cardeck/_layouts/vehicles/{vehicle.name}" in names
    assert "cardeck/_layouts/templates/default.yaml" in names
    for proto in (ROOT / "protos" / "cardeck" / "v1").glob("*.proto"):
        assert f"cardeck/_protos/cardeck/v1/{proto.name}" in names
    # The google.rpc error model that `cardeck protos export` writes, with its licence.
    for name in ("google/rpc/status.proto", "google/rpc/error_details.proto", "LICENSE"):
        assert f"cardeck/_protos_googleapis/{name}" in names, name
    assert "cardeck/py.typed" in names
    assert "cardeck_sim/maps/data/helsinki.osm.pbf" in names
    assert "cardeck_sim/maps/data/ATTRIBUTION.md" in names
    # The icon fonts (Material Symbols, subset) and their licence.
    fonts = "cardeck_sim/ui/theme/fonts/"
    assert f"{fonts}MaterialSymbolsRounded-CarDeck.ttf" in names
    assert f"{fonts}MaterialSymbolsRounded-CarDeck-Filled.ttf" in names
    assert f"{fonts}LICENSE-MaterialSymbols.txt" in names
    # The compiled message catalogs of every locale (issue 20): what translator() reads.
    catalogs = ROOT / "sdk" / "cardeck" / "i18n" / "catalogs"
    compiled = sorted(p.relative_to(catalogs).as_posix() for p in catalogs.glob("*/*/*.mo"))
    assert compiled, "the checkout has no compiled catalogs; run make locales"
    for mo in compiled:
        assert f"cardeck/i18n/catalogs/{mo}" in names, mo
    korean = {n for n in names if re.fullmatch(r"cardeck/i18n/catalogs/ko/LC_MESSAGES/\w+\.mo", n)}
    assert {n.rsplit("/", 1)[1] for n in korean} >= {"ui.mo", "guidance.mo", "voice.mo"}
    licences = {n for n in names if "/licenses/" in n}
    assert any(n.endswith("/licenses/LICENSE") for n in licences), licences
    assert b"License-Expression: Apache-2.0" in metadata
    assert b"Apache License" in (ROOT / "LICENSE").read_bytes()


def test_sdist_carries_what_rebuilds_the_wheel(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as archive:
        names = archive.getnames()
    stem = dist.sdist.name.removesuffix(".tar.gz")
    for required in (
        "LICENSE",
        "layouts/templates/default.yaml",
        "protos/cardeck/v1/types.proto",
        "third_party/googleapis/google/rpc/error_details.proto",
        "third_party/googleapis/LICENSE",
        "sdk/cardeck/_event_type.c",
        "setup.py",
        "pyproject.toml",
    ):
        assert f"{stem}/{required}" in names, required


# --- pip install 'cardeck[sim]' ---------------------------------------------------------------


def test_installed_version_and_profiles(full: Venv) -> None:
    assert re.fullmatch(r"cardeck \d+\.\d+\.\d+.*\n", full.run(full.cardeck, "--version"))
    listed = full.run(full.cardeck, "profiles", "list")
    ids = sorted(line.split()[0] for line in listed.splitlines() if line.strip())
    assert ids == BUNDLED_IDS


def test_installed_layout_solve(full: Venv) -> None:
    out = full.run(full.cardeck, "layout", "solve", "polestar-2")
    assert "polestar-2" in out or "center" in out, out


def test_installed_protos_export_matches_the_contract(full: Venv) -> None:
    full.run(full.cardeck, "protos", "export", "contract")
    exported = sorted((full.cwd / "contract" / "cardeck" / "v1").glob("*.proto"))
    source = sorted((ROOT / "protos" / "cardeck" / "v1").glob("*.proto"))
    assert [p.name for p in exported] == [p.name for p in source]
    for a, b in zip(exported, source, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    rpc = ROOT / "third_party" / "googleapis" / "google" / "rpc"
    for name in ("status.proto", "error_details.proto"):
        exported_rpc = full.cwd / "contract" / "google" / "rpc" / name
        assert exported_rpc.read_bytes() == (rpc / name).read_bytes(), name


def test_installed_sim_serves_its_displays(full: Venv, sim_target: str) -> None:
    info = json.loads(full.run(full.cardeck, "info", "--target", sim_target, "--json"))
    assert info["active_profile_id"]
    assert info["displays"], info


def test_installed_pytest_plugin_fixtures(full: Venv) -> None:
    project = full.cwd / "oem_tests"
    project.mkdir()
    # The example from docs/getting-started.md, plus the async twin.
    (project / "test_car.py").write_text(
        textwrap.dedent(
            """
            from cardeck import Gear


            def test_browser_locks_while_driving(client):
                client.update_vehicle_state(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=20)
                assert client.drive_restrictions().browser_locked


            async def test_async(async_client):
                assert (await async_client.info()).active_profile_id
            """
        )
    )
    out = full.run(
        full.python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=auto",
        str(project),
    )
    assert "2 passed" in out, out


# --- pip install cardeck (no extras) ----------------------------------------------------------


def test_bare_sdk_talks_to_a_head_unit(bare: Venv, sim_target: str) -> None:
    out = bare.run(
        bare.python,
        "-c",
        "import cardeck, sys\n"
        f"with cardeck.connect({sim_target!r}) as c:\n"
        "    print(len(c.info().displays))\n",
    )
    assert int(out) >= 1
    listed = bare.run(bare.cardeck, "profiles", "list")
    assert len(listed.splitlines()) == len(BUNDLED_IDS)


def test_bare_translator_reads_the_installed_catalogs(bare: Venv) -> None:
    # From the wheel in a folder outside the repository: the catalogs must come with it.
    out = bare.run(
        bare.python,
        "-c",
        textwrap.dedent(
            """
            import json
            from cardeck.i18n import CATALOG_DIR, translator

            tr = translator("ko")
            message = (
                "The browser engine stopped ({reason}) and was restarted (restart {count})."
            )
            print(json.dumps({
                "dir": str(CATALOG_DIR),
                "ko": tr.gettext(message, reason="exit code -9", count=2),
                "distance": tr.distance(1250),
                "xa": translator("en-XA").gettext(message, reason="x", count=1),
            }, ensure_ascii=False))
            """
        ),
    )
    found = json.loads(out)
    assert Path(found["dir"]).is_relative_to(bare.root), found["dir"]
    assert found["ko"] == "브라우저 엔진이 멈춰(exit code -9) 다시 시작했습니다(재시작 2회)."
    assert found["distance"] == "1.2km"  # Babel's CLDR data came with the install too
    assert found["xa"].startswith("[Ţĥé ƀŕöŵšéŕ")


def test_installed_sim_refuses_an_unknown_locale_with_the_list(full: Venv) -> None:
    proc = full.fails(full.cardeck, "sim", "--headless", "--locale", "fr")
    assert proc.returncode == 2
    assert "use one of en, ko, de, ar, en-XA, ar-XB" in proc.stderr


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["sim", "--headless", "--port", "0"], "cardeck[sim]"),
        (["layout", "render", "polestar-2", "-o", "p.png"], "cardeck[sim]"),
        (["deploy", "keygen", "--out", "keys"], "cardeck[deploy]"),
        (["deploy", "push", "b.cdbundle", "--adb", "SERIAL"], "cardeck[deploy]"),
    ],
)
def test_bare_sim_and_deploy_commands_name_their_extra(
    bare: Venv, args: list[str], extra: str
) -> None:
    (bare.cwd / "b.cdbundle").write_bytes(b"")
    proc = bare.fails(bare.cardeck, *args)
    assert f"pip install '{extra}'" in proc.stderr, proc.stderr


def test_bare_pytest_fixtures_name_the_sim_extra(bare: Venv) -> None:
    project = bare.cwd / "oem_tests"
    project.mkdir()
    (project / "test_car.py").write_text("def test_info(client):\n    client.info()\n")
    proc = subprocess.run(
        [bare.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project)],
        cwd=bare.cwd,
        env=bare.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "pip install 'cardeck[sim]'" in proc.stdout, proc.stdout
    assert "ModuleNotFoundError" not in proc.stdout, proc.stdout
