"""examples/drive_log_bridge.py replays a CSV drive log into a real head unit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from example_helpers import run_example

import cardeck
from cardeck import Gear
from cardeck.testing import HeadUnitThread

pytestmark = pytest.mark.timeout(60)


def test_replays_the_shipped_log_and_reports_each_restriction_change(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    result = run_example("drive_log_bridge.py", "--target", headunit.target)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Replaying 117 samples (116 s of driving) from drive_log.csv" in out
    assert "restrictions at start: parked: Parked: gear P." in out
    assert "Applied 117 of 117 samples" in out
    # Pull away, parking brake at the long red light, go again, park in P.
    changes = re.findall(r"restrictions -> (\w+) \(seq \d+\)", out)
    assert changes == ["driving", "parked", "driving", "parked"]
    assert "Drive restrictions changed 4 times: driving, parked, driving, parked." in out
    assert "Final vehicle state: 0 km/h, gear P, parking brake on; parked." in out

    # The head unit agrees: the last sample is what it holds now.
    state = client.vehicle_state()
    assert (state.speed_kmh, state.gear, state.parking_brake_on) == (0, Gear.PARK, True)
    assert client.drive_restrictions().parked


def test_realtime_paces_samples_at_their_recorded_times(
    headunit: HeadUnitThread, client: cardeck.Client, tmp_path: Path
) -> None:
    log = tmp_path / "short.csv"
    log.write_text(
        "# three samples over one second\n"
        "t_s,speed_kmh,gear,parking_brake\n"
        "0,0,P,1\n"
        "0.5,0,D,0\n"
        "1.0,12.5,D,0\n"
    )
    result = run_example(
        "drive_log_bridge.py", "--target", headunit.target, "--log", str(log), "--realtime"
    )

    assert result.returncode == 0, result.stderr
    assert "in real time" in result.stdout
    elapsed = float(re.search(r"Applied 3 of 3 samples in ([\d.]+) s", result.stdout)[1])
    assert 0.9 <= elapsed < 5
    assert "Drive restrictions changed 1 times: driving." in result.stdout
    assert client.vehicle_state().speed_kmh == 12.5


def test_a_bad_log_names_every_bad_line_and_sends_nothing(
    headunit: HeadUnitThread, client: cardeck.Client, tmp_path: Path
) -> None:
    log = tmp_path / "bad.csv"
    log.write_text("t_s,speed_kmh,gear,parking_brake\n0,0,P,1\n1,fast,D,0\n2,10,X,0\n")
    result = run_example("drive_log_bridge.py", "--target", headunit.target, "--log", str(log))

    assert result.returncode == 2
    assert f"{log}:3: could not convert string to float: 'fast'." in result.stderr
    assert f"{log}:4: gear is 'X'; use P, R, N or D." in result.stderr
    assert client.vehicle_state().gear is Gear.PARK


def test_a_sample_the_head_unit_refuses_is_reported_with_its_field(
    headunit: HeadUnitThread, tmp_path: Path
) -> None:
    log = tmp_path / "too_fast.csv"
    log.write_text("t_s,speed_kmh,gear,parking_brake\n0,0,D,0\n1,999,D,0\n")
    result = run_example("drive_log_bridge.py", "--target", headunit.target, "--log", str(log))

    assert result.returncode == 1
    assert result.stderr.startswith("InvalidArgumentError:")
    assert "requests[1].update.speed_kmh" in result.stderr
