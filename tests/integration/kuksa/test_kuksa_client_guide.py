"""The guide's kuksa-client example (docs/guides/kuksa.md) runs as printed, in .venv-kuksa."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from cardeck_sim.headunit import HeadUnit
from tests.integration.kuksa._kuksa import kuksa_python

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "guides" / "kuksa.md"


def kuksa_client_example() -> str:
    """The guide's one Python block that imports kuksa_client."""
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    found = [b for b in blocks if "from kuksa_client" in b]
    assert len(found) == 1, f"expected one kuksa-client example in {GUIDE}, found {len(found)}"
    return found[0]


async def test_the_guides_kuksa_client_example_runs(aio_unit: HeadUnit) -> None:
    code = kuksa_client_example()
    assert "50051" in code, "the example should name the head unit's default port"
    proc = await asyncio.create_subprocess_exec(
        str(kuksa_python()),
        "-I",
        "-c",
        code.replace("50051", str(aio_unit.port)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    # What its comments say it prints: the speed it set, read back, then on the subscription.
    assert out.decode().split() == ["50.0", "50.0"]
    assert aio_unit.store.vehicle.speed_kmh == 50.0
    assert aio_unit.store.vehicle.gear.name == "DRIVE"
