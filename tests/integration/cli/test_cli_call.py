"""`cardeck call` and `cardeck watch` as a user runs them, against a real headless head unit."""

import json
import re
import signal
import subprocess
from collections.abc import Iterator

import pytest

from tests._cli import CARDECK, start_sim, stop_sim


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    """One `cardeck sim --headless` for the module; yields its host:port."""
    proc, host_port = start_sim(
        [*CARDECK, "sim", "--headless", "--port", "0", "--ws-port", "0", "--no-browser"]
    )
    yield host_port
    stop_sim(proc)


def cardeck(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `cardeck ARGS…` and return what it did."""
    return subprocess.run([*CARDECK, *args], capture_output=True, text=True, timeout=60)


def call(target: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `cardeck call ARGS… --target TARGET`."""
    return cardeck("call", *args, "--target", target)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The stdout of a run that must have succeeded."""
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def test_info_prints_text(target: str) -> None:
    out = ok(call(target, "headunit", "info"))
    assert out.startswith("CarDeck reference head unit ")
    assert "(API 1.0, run " in out
    assert "\nprofile: hyundai-kia-ccnc\n" in out
    assert "\ncapabilities:\n" in out


def test_info_prints_json(target: str) -> None:
    info = json.loads(ok(call(target, "headunit", "info", "--json")))
    assert info["api_version"] == "1.0"
    assert info["capabilities"]["events"] == {"available": True, "reason": ""}


def test_update_vehicle_then_vehicle_state_shows_it(target: str) -> None:
    out = ok(
        call(target, "headunit", "update-vehicle", "--speed-kmh", "0", "--gear", "N")
        # The brake keeps the car parked, whatever other tests do with the gear.
    )
    assert "gear: N\n" in out
    ok(call(target, "headunit", "update-vehicle", "--parking-brake", "--night"))
    out = ok(call(target, "headunit", "vehicle-state"))
    assert out.startswith("speed_kmh: 0.0\ngear: N\nparking_brake_on: yes\nnight: yes\n")
    state = json.loads(ok(call(target, "headunit", "vehicle-state", "--json")))
    assert state["gear"] == "N"
    assert state["parking_brake_on"] is True
    assert state["day_night_mode"] == "auto"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", state["update_time"])
    ok(call(target, "headunit", "update-vehicle", "--gear", "P", "--no-night"))


def test_update_vehicle_needs_a_field(target: str) -> None:
    result = call(target, "headunit", "update-vehicle")
    assert result.returncode == 1
    assert result.stderr.startswith("UsageError: Nothing to update: give at least one of ")


def test_maps_search_finds_stockmann(target: str) -> None:
    out = ok(call(target, "maps", "search", "--query", "stockmann", "--limit", "3"))
    assert out.startswith("Stockmann  [shop:department_store]  ")
    assert "id=way/122595241" in out.splitlines()[0]
    places = json.loads(ok(call(target, "maps", "search", "--query", "stockmann", "--json")))
    assert places[0]["name"] == "Stockmann"
    assert places[0]["place_id"] == "way/122595241"
    assert set(places[0]["position"]) == {"latitude_deg", "longitude_deg"}


def test_watch_events_prints_three_lines_with_increasing_seqs(target: str) -> None:
    argv = [*CARDECK, "watch", "events", "--target", target, "--kinds", "vehicle_state"]
    watcher = subprocess.Popen(
        [*argv, "--count", "3", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert watcher.stderr is not None
    try:
        # The watcher announces its snapshot once subscribed: every later change reaches it.
        ready = watcher.stderr.readline()
        assert re.match(r"watching events from seq \d+ \(run [0-9a-f]+\)$", ready), ready
        # Three real changes: setting a field to its current value emits no event.
        for speed in ("1", "2.5", "0"):
            ok(call(target, "headunit", "update-vehicle", "--speed-kmh", speed))
        out, err = watcher.communicate(timeout=20)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    assert watcher.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 3, out
    events = [json.loads(line) for line in lines]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3, seqs
    assert [e["kind"] for e in events] == ["vehicle_state"] * 3
    assert [e["data"]["speed_kmh"] for e in events] == [1.0, 2.5, 0.0]


def test_watch_events_text_and_ctrl_c_exits_0(target: str) -> None:
    watcher = subprocess.Popen(
        [*CARDECK, "watch", "events", "--target", target, "--kinds", "vehicle_state"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert watcher.stdout is not None and watcher.stderr is not None
    try:
        assert watcher.stderr.readline().startswith("watching events from seq ")
        ok(call(target, "headunit", "update-vehicle", "--speed-kmh", "3"))
        line = watcher.stdout.readline()
        assert re.match(r"\d+ vehicle_state speed_kmh=3\.0 gear=P parking_brake_on=true ", line)
        watcher.send_signal(signal.SIGINT)
        _, err = watcher.communicate(timeout=15)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    assert watcher.returncode == 0
    assert "Traceback" not in err


def test_destination_and_start_guidance(target: str) -> None:
    out = ok(call(target, "maps", "destination", "--place-id", "way/122595241", "--json"))
    route = json.loads(out)
    assert route["route_id"]
    assert route["distance_m"] > 0
    out = ok(call(target, "maps", "start-guidance", "--time-scale", "2"))
    assert out.startswith("status: active\n")
    assert f"route_id: {route['route_id']}\n" in out
    watched = ok(cardeck("watch", "guidance", "--target", target, "--count", "1"))
    assert watched.startswith("status=active position=")
    assert ok(call(target, "maps", "stop-guidance")) == "guidance stopped\n"
    assert ok(call(target, "maps", "clear-destination")) == "destination cleared\n"


def test_destination_needs_a_place_or_a_position(target: str) -> None:
    result = call(target, "maps", "destination")
    assert result.returncode == 2
    assert "one of the arguments --place-id --position is required" in result.stderr


def test_simulator_screenshot_writes_a_png(target: str, tmp_path) -> None:
    png = tmp_path / "dash.png"
    out = ok(call(target, "simulator", "screenshot", "-o", str(png)))
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert out.endswith(f"wrote {len(data)} bytes to {png}\n")
    meta = json.loads(ok(call(target, "simulator", "screenshot", "--json")))
    assert meta["png_bytes"] > 0 and meta["written_to"] is None
    assert meta["width_px"] > 0


def test_invalid_argument_comes_from_the_head_unit(target: str) -> None:
    for args in (["--query", ""], ["--query", "x", "--near", "91,0"]):
        result = call(target, "maps", "search", *args)
        assert result.returncode == 1, args
        assert result.stderr.startswith("InvalidArgumentError: "), result.stderr
        assert result.stdout == ""


def test_malformed_option_is_an_argparse_error() -> None:
    result = cardeck("call", "maps", "search", "--query", "x", "--near", "abc")
    assert result.returncode == 2
    assert (
        "error: argument --near: expected LAT,LON in decimal degrees, such as "
        "60.1699,24.9384, but got 'abc'" in result.stderr
    )
    result = cardeck("watch", "events", "--kinds", "vehicle_state,nope")
    assert result.returncode == 2
    assert "'nope' is not an event kind" in result.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["call"], "services:"),
        (["watch"], "streams:"),
        (["call", "maps"], "methods:"),
        (["call", "maps", "search"], "--near LAT,LON"),
        (["call", "headunit", "update-vehicle"], "--parking-brake, --no-parking-brake"),
        (["call", "simulator", "screenshot"], "-o FILE, --output FILE"),
        (["watch", "events"], "--kinds KIND[,KIND…]"),
        (["watch", "guidance"], "--count N"),
    ],
)
def test_help(args: list[str], fragment: str) -> None:
    result = cardeck(*args, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: cardeck {' '.join(args)}")
    assert fragment in result.stdout
