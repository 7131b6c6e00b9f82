"""`cardeck sim --headless` as a user runs it, probed with tools we did not write."""

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests._cli import CARDECK, info_json, start_sim

ROOT = Path(__file__).resolve().parents[3]
BUF = ROOT / "node_modules" / ".bin" / "buf"


@pytest.fixture
def sim():
    """A `cardeck sim --headless --port 0` process and the port it announced."""
    proc, target = start_sim([*CARDECK, "sim", "--headless", "--port", "0", "--ws-port", "0"])
    yield proc, int(target.rsplit(":", 1)[1])
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()


def buf_curl(*args):
    assert BUF.exists(), "buf is missing; `npm ci` installs it (make does this)"
    return subprocess.run(
        [str(BUF), "curl", "--protocol", "grpc", "--http2-prior-knowledge", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_buf_curl_lists_every_service_over_reflection(sim):
    _, port = sim
    services = buf_curl("--list-services", f"http://127.0.0.1:{port}").split()
    for name in (
        "HeadUnitService",
        "LayoutService",
        "MapsService",
        "VoiceService",
        "BrowserService",
        "PackagesService",
        "SimulatorService",
    ):
        assert f"cardeck.v1.{name}" in services
    assert "grpc.health.v1.Health" in services
    # buf asks reflection v1 first and falls back to v1alpha; both are served.
    assert "grpc.reflection.v1.ServerReflection" in services
    assert "grpc.reflection.v1alpha.ServerReflection" in services


def test_buf_curl_calls_get_info(sim):
    _, port = sim
    out = buf_curl(
        "-d",
        '{"client_api_version": {"major": 1}}',
        f"http://127.0.0.1:{port}/cardeck.v1.HeadUnitService/GetInfo",
    )
    info = json.loads(out)
    assert info["apiVersion"]["major"] == 1
    assert info["productName"] == "CarDeck reference head unit"
    assert info["displays"], info


def test_cardeck_info_command_prints_the_head_unit(sim):
    _, port = sim
    info = info_json(port)
    assert info["api_version"] == "1.0"
    assert info["capabilities"]["events"] == {"available": True, "reason": ""}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_sim_stops_cleanly_on_signals(sim, sig):
    proc, _ = sim
    proc.send_signal(sig)
    assert proc.wait(15) == 0
    assert "stopping" in proc.stderr.read()


def test_info_against_nothing_fails_with_a_sentence(unused_tcp_port):
    result = subprocess.run(
        [*CARDECK, "info", "--target", f"127.0.0.1:{unused_tcp_port}"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert result.returncode == 1
    assert result.stderr.startswith("UnavailableError: ")
    assert result.stdout == ""


def test_every_command_has_help():
    for args in (["--help"], ["info", "--help"], ["sim", "--help"]):
        result = subprocess.run([*CARDECK, *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, args
        assert "usage: cardeck" in result.stdout


def test_version_flag():
    result = subprocess.run([*CARDECK, "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("cardeck ")
    # Support asks which Event type a report came from.
    assert result.stdout.rstrip().endswith(("(compiled Event type)", "(pure-Python Event type)"))
