"""`make buf-breaking` keeps its two exceptions to the past: a later change of a level or of a
file option still fails.

The Makefile runs buf three times (docs/compatibility.md): against the v1 baseline with
RPC_SAME_IDEMPOTENCY_LEVEL and the FILE_SAME_* file options excepted (V1_CONFIG), against
the commit that introduced the levels with only the file options excepted (LEVEL_CONFIG),
and against the commit that introduced the file options with buf.yaml's full rules. Here a
copy of the protos with one change is checked against the protos as they are.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUF = ROOT / "node_modules" / ".bin" / "buf"
PROTO = Path("protos/cardeck/v1/headunit_service.proto")

pytestmark = pytest.mark.skipif(not BUF.exists(), reason="buf is installed by `make setup`")


def make_config(name: str) -> str:
    """An excepting config of the Makefile, with its ``$(VAR)`` references expanded."""
    makefile = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^([A-Z0-9_]+)\s*:=\s*(.+)$", makefile, re.M))
    assert name in variables, f"the Makefile defines {name}"
    return re.sub(r"\$\(([A-Z0-9_]+)\)", lambda m: variables[m.group(1)].strip(), variables[name])


def v1_config() -> str:
    """The excepting config of the Makefile's first run."""
    return make_config("V1_CONFIG")


def changed_copy(tmp_path: Path, old: str, new: str) -> Path:
    """The module (buf.yaml and protos/) with ``old`` replaced by ``new`` once in PROTO."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "buf.yaml", tmp_path / "buf.yaml")
    shutil.copytree(ROOT / "protos", tmp_path / "protos")
    proto = tmp_path / PROTO
    text = proto.read_text()
    assert old in text
    proto.write_text(text.replace(old, new, 1))
    return tmp_path


def breaking(changed: Path, *config: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BUF), "breaking", str(changed), "--against", str(ROOT), *config],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_the_full_rules_catch_a_changed_idempotency_level(tmp_path):
    changed = changed_copy(tmp_path, "NO_SIDE_EFFECTS", "IDEMPOTENT")
    result = breaking(changed)
    assert result.returncode != 0
    assert 'changed option "idempotency_level"' in result.stdout


def test_the_v1_run_excepts_only_the_idempotency_rule(tmp_path):
    level_changed = changed_copy(tmp_path / "a", "NO_SIDE_EFFECTS", "IDEMPOTENT")
    assert breaking(level_changed, "--config", v1_config()).returncode == 0
    field_renumbered = changed_copy(tmp_path / "b", "bool simulator = 8;", "bool simulator = 18;")
    result = breaking(field_renumbered, "--config", v1_config())
    assert result.returncode != 0
    assert "simulator" in result.stdout


def test_the_full_rules_catch_a_changed_file_option(tmp_path):
    changed = changed_copy(tmp_path, 'java_package = "com.cardeck.api.v1"', 'java_package = "x.v1"')
    result = breaking(changed)
    assert result.returncode != 0
    assert 'File option "java_package" changed' in result.stdout


def test_the_level_run_excepts_only_the_file_options(tmp_path):
    level_config = make_config("LEVEL_CONFIG")
    option_changed = changed_copy(
        tmp_path / "a", 'objc_class_prefix = "CDK"', 'objc_class_prefix = "CDX"'
    )
    assert breaking(option_changed, "--config", level_config).returncode == 0
    level_changed = changed_copy(tmp_path / "b", "NO_SIDE_EFFECTS", "IDEMPOTENT")
    result = breaking(level_changed, "--config", level_config)
    assert result.returncode != 0
    assert 'changed option "idempotency_level"' in result.stdout
