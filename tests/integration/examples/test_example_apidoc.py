"""tools/apidoc.py: docs/api.md matches the code, and --check notices when it does not."""

import subprocess
import sys
from pathlib import Path

import cardeck

ROOT = Path(__file__).resolve().parents[3]
TOOL = ROOT / "tools" / "apidoc.py"


def _apidoc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60
    )


def test_docs_api_md_is_up_to_date() -> None:
    result = _apidoc("--check")
    assert result.returncode == 0, (
        f"{result.stderr}\ndocs/api.md is stale: run `python tools/apidoc.py`."
    )


def test_check_fails_on_a_stale_file_and_regenerating_fixes_it(tmp_path: Path) -> None:
    stale = tmp_path / "api.md"
    stale.write_text((ROOT / "docs" / "api.md").read_text().replace("Client", "Klient", 1))

    result = _apidoc("--check", "--output", str(stale))
    assert result.returncode == 1
    assert "is stale" in result.stderr
    assert "-" in result.stderr and "Klient" in result.stderr  # the diff shows what changed

    assert _apidoc("--output", str(stale)).returncode == 0
    assert _apidoc("--check", "--output", str(stale)).returncode == 0


def test_every_public_name_and_namespace_is_documented() -> None:
    text = (ROOT / "docs" / "api.md").read_text()
    for name in cardeck.__all__:
        assert f"### `{name}`" in text, name
    for attr in ("layout", "browser", "maps", "voice", "simulator"):
        assert f"| `Client.{attr}` |" in text
        assert f"| `AsyncClient.{attr}` |" in text
    assert "#### `MapsAPI.add_markers`" in text
    assert "#### `AsyncVoiceAPI.register_intents`" in text
