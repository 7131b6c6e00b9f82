"""`cardeck call signals …` and `cardeck watch --signals` as a user runs them, on a real head unit.

The calls run ``cardeck``'s ``main()`` in this process (a subprocess costs about a
second each); the watch runs as a subprocess, to read its lines as they come.
"""

import json
import subprocess
from collections.abc import Callable, Iterator

import pytest

import cardeck as cardeck_sdk
from cardeck.cli.__main__ import main
from cardeck.testing import HeadUnitThread
from cardeck_sim.headunit import ServiceConfig
from tests._cli import CARDECK


@pytest.fixture(scope="module")
def unit() -> Iterator[HeadUnitThread]:
    with HeadUnitThread(ServiceConfig(port=0)) as unit:
        yield unit


@pytest.fixture(autouse=True)
def parked(unit: HeadUnitThread) -> Iterator[None]:
    """Each test starts and ends with the car standing."""
    yield
    with cardeck_sdk.connect(unit.target) as client:
        client.update_vehicle_state(speed_kmh=0)


@pytest.fixture
def cardeck(
    unit: HeadUnitThread, capsys: pytest.CaptureFixture[str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `cardeck ARGS… --target TARGET` through main(); what it returned and printed."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        status = main([*args, "--target", unit.target])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out, err)

    return run


def test_set_then_get_prints_values_with_units(
    unit: HeadUnitThread, cardeck: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    done = cardeck("call", "signals", "set", "Vehicle.Speed=42.5", "Vehicle.IsMoving=yes")
    assert (done.returncode, done.stdout, done.stderr) == (0, "published\n", "")
    got = cardeck(
        "call",
        "signals",
        "get",
        "Vehicle.Speed",
        "Vehicle.Powertrain.Range",
        "Vehicle.IsMoving",
    )
    assert got.returncode == 0, got.stderr
    lines = got.stdout.splitlines()
    assert lines[0] == "Vehicle.Speed = 42.5 km/h"
    assert lines[1].startswith("Vehicle.Powertrain.Range = ") and lines[1].endswith(" m")
    assert lines[2] == "Vehicle.IsMoving = true"
    as_json = json.loads(cardeck("call", "signals", "get", "Vehicle.Speed", "--json").stdout)
    assert as_json["Vehicle.Speed"]["value"] == 42.5
    assert as_json["Vehicle.Speed"]["unit"] == "km/h"


def test_unknown_path_and_bad_value_exit_1_naming_the_path(
    unit: HeadUnitThread, cardeck: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    for args in (("get", "Vehicle.Nope"), ("set", "Vehicle.Nope=1"), ("list", "Vehicle.Nope")):
        result = cardeck("call", "signals", *args)
        assert result.returncode == 1, args
        assert result.stderr.startswith("NotFoundError: ") and "Vehicle.Nope" in result.stderr
        assert result.stdout == ""
    bad = cardeck("call", "signals", "set", "Vehicle.IsMoving=maybe")
    assert bad.returncode == 1
    assert bad.stderr == (
        "UsageError: Vehicle.IsMoving takes true or false (boolean); 'maybe' is not one. "
        "Write it as Vehicle.IsMoving=VALUE.\n"
    )
    allowed = cardeck("call", "signals", "actuate", "Vehicle.Cabin.Sunroof.Switch=AJAR")
    assert allowed.returncode == 1
    assert allowed.stderr.startswith("InvalidArgumentError: 'AJAR' is not an allowed value of ")


def test_actuate_without_a_provider_says_so(
    unit: HeadUnitThread, cardeck: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = cardeck("call", "signals", "actuate", "Vehicle.Cabin.Sunroof.Switch=OPEN")
    assert result.returncode == 1
    assert result.stderr.startswith("UnavailableError: ") and "provider" in result.stderr
    gear = cardeck("call", "signals", "actuate", "Vehicle.Powertrain.Transmission.SelectedGear=0")
    assert (gear.returncode, gear.stdout) == (0, "actuated\n")  # the head unit provides it


def test_list_prints_one_line_per_signal(
    unit: HeadUnitThread, cardeck: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = cardeck("call", "signals", "list", "Vehicle.Cabin.Sunroof")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Vehicle.Cabin.Sunroof.Position  sensor     int8     percent  [-100..100]",
        "Vehicle.Cabin.Sunroof.Switch    actuator   string   "
        "{INACTIVE,CLOSE,OPEN,ONE_SHOT_CLOSE,ONE_SHOT_OPEN,TILT_UP,TILT_DOWN}",
    ]


def test_watch_signals_prints_each_change_with_units(
    unit: HeadUnitThread, cardeck: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    argv = ["watch", "--signals", "Vehicle.Speed,Vehicle.IsMoving", "--count", "2"]
    watch = subprocess.Popen(
        [*CARDECK, *argv, "--target", unit.target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert watch.stdout is not None
    try:
        assert watch.stdout.readline() == "Vehicle.Speed = 0.0 km/h, Vehicle.IsMoving = false\n"
        cardeck("call", "signals", "set", "Vehicle.Speed=12")
        assert watch.stdout.readline() == "Vehicle.Speed = 12.0 km/h, Vehicle.IsMoving = true\n"
        assert watch.wait(30) == 0
    finally:
        watch.kill()
        watch.communicate()


def test_watch_signals_json_and_unknown_path(
    unit: HeadUnitThread, cardeck: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = cardeck("watch", "--signals", "Vehicle.Speed", "--count", "1", "--json")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    change = json.loads(line)
    assert list(change) == ["signals"]
    assert change["signals"][0]["path"] == "Vehicle.Speed"
    assert change["signals"][0]["unit"] == "km/h"
    unknown = cardeck("watch", "--signals", "Vehicle.Speed,Vehicle.Nope", "--count", "1")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("NotFoundError: ") and "Vehicle.Nope" in unknown.stderr


def test_watch_needs_a_stream_or_signals_and_keeps_their_flags_apart(
    cardeck: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    nothing = cardeck("watch")
    assert (nothing.returncode, nothing.stdout) == (1, "")
    assert nothing.stderr.startswith("UsageError: Name what to watch: a STREAM (events, ")
    assert "--signals PATH[,PATH…]" in nothing.stderr
    # --count before a STREAM is watch --signals' flag; the STREAM's own comes after it.
    misplaced = cardeck("watch", "--count", "1", "guidance")
    assert misplaced.returncode == 1
    assert misplaced.stderr == (
        "UsageError: --count before the STREAM is a flag of `cardeck watch "
        "--signals`; give a STREAM's flags after its name, e.g. `cardeck watch events "
        "--count 3`.\n"
    )
