"""The examples run as a user runs them (`make demo` runs examples/demo.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_demo_starts_the_head_unit_runs_the_quickstart_and_stops_it():
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "CarDeck reference head unit" in out
    assert "displays:" in out and "capabilities:" in out
    assert "snapshot at seq 0" in out
    events = [line for line in out.splitlines() if line.strip().startswith("#")]
    assert len(events) == 7
    assert events[0].split()[1] == "vehicle_state"
    assert "parked" in events[-1]
    assert "Head unit stopped (exit 0)." in out
