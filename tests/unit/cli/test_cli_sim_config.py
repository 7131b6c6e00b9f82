"""``cardeck sim``'s flags: every ServiceConfig field has one, and mistakes name the flag."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from cardeck._exceptions import UsageError
from cardeck.cli._headunit_cmds import register, sim_config
from cardeck_sim.headunit import ServiceConfig

TLS = ["--tls-cert", "c.pem", "--tls-key", "k.pem"]

# One command line per ServiceConfig field, and the value it must give that
# field. A new field without a row (or a row without a flag) fails below.
SAMPLES: dict[str, tuple[list[str], Any]] = {
    "host": (["--host", "localhost"], "localhost"),
    "advertise_host": (["--advertise-host", "hu.example"], "hu.example"),
    "port": (["--port", "0"], 0),
    "profile": (["--profile", "polestar-2"], "polestar-2"),
    "locale": (["--locale", "ko_KR"], "ko"),
    "event_capacity": (["--event-capacity", "32"], 32),
    "max_subscriber_lag": (["--max-subscriber-lag", "5"], 5),
    "ws_port": (["--ws-port", "-1"], None),
    "browser": (["--no-browser"], False),
    "chromium_path": (["--chromium", "/opt/chromium/chrome"], "/opt/chromium/chrome"),
    "map_data": (["--map-data", "city.osm.pbf"], Path("city.osm.pbf")),
    "voice_guidance_time_scale": (["--guidance-time-scale", "20"], 20.0),
    "voice_confirmation_timeout_s": (["--confirmation-timeout", "3"], 3.0),
    "state_dir": (["--state-dir", "state"], Path("state")),
    "install_root": (["--install-root", "pkgs"], Path("pkgs")),
    "trusted_keys": (
        ["--trusted-keys", "a.pub", "--trusted-keys", "b.pub"],
        (Path("a.pub"), Path("b.pub")),
    ),
    "usb_dir": (["--usb-dir", "usb"], Path("usb")),
    "tokens_file": (["--tokens", "tokens.yaml"], Path("tokens.yaml")),
    "tls_cert": (TLS, Path("c.pem")),
    "tls_key": (TLS, Path("k.pem")),
    "client_ca": ([*TLS, "--client-ca", "ca.pem"], Path("ca.pem")),
    "vehicle_source": (["--vehicle-source", "kuksa://127.0.0.1:55555"], "kuksa://127.0.0.1:55555"),
    "vehicle_source_token": (
        ["--vehicle-source", "kuksa://h:1", "--vehicle-source-token", "jwt"],
        SecretStr("jwt"),
    ),
    "vehicle_source_token_file": (
        ["--vehicle-source", "kuksa://h:1", "--vehicle-source-token-file", "t.jwt"],
        Path("t.jwt"),
    ),
    "vehicle_source_ca": (
        ["--vehicle-source", "kuksas://h:1", "--vehicle-source-ca", "ca.pem"],
        Path("ca.pem"),
    ),
    "vehicle_signals": (
        ["--vehicle-source", "kuksa://h:1", "--vehicle-signals", "Vehicle.Speed,Vehicle.IsMoving"],
        ("Vehicle.Speed", "Vehicle.IsMoving"),
    ),
}


def sim_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cardeck")
    subparsers = parser.add_subparsers()
    register(subparsers)
    sim: argparse.ArgumentParser = subparsers.choices["sim"]
    return sim


def config(*argv: str) -> ServiceConfig:
    return sim_config(sim_parser().parse_args(argv))


def refusal(*argv: str) -> str:
    """The UsageError sentence that ``cardeck sim ARGV`` is refused with."""
    with pytest.raises(UsageError) as caught:
        config(*argv)
    return str(caught.value)


def test_every_service_config_field_is_a_flag_destination() -> None:
    dests = {action.dest for action in sim_parser()._actions if action.option_strings}
    missing = sorted(set(ServiceConfig.model_fields) - dests)
    assert missing == [], f"ServiceConfig fields without a `cardeck sim` flag: {missing}"


def test_the_sample_table_covers_every_field() -> None:
    assert sorted(SAMPLES) == sorted(ServiceConfig.model_fields)


@pytest.mark.parametrize("field", sorted(SAMPLES))
def test_each_flag_sets_its_field(field: str) -> None:
    argv, expected = SAMPLES[field]
    assert expected != ServiceConfig.model_fields[field].default
    assert getattr(config(*argv), field) == expected


def test_no_flags_means_the_model_defaults_and_the_cli_bridge_port() -> None:
    assert config() == ServiceConfig(ws_port=50052)


def test_out_of_range_values_name_their_flags() -> None:
    assert refusal("--event-capacity", "3", "--guidance-time-scale", "0") == (
        "The value 3 of --event-capacity is not valid: it should be greater than or equal to "
        "16. The value 0.0 of --guidance-time-scale is not valid: it should be greater than or "
        "equal to 0.1."
    )


def test_an_empty_host_is_refused_with_a_sentence() -> None:
    with pytest.raises(UsageError, match=r"^--host is empty; pass the address to bind, such as"):
        config("--host", "")


def test_grpc_and_bridge_cannot_share_a_port() -> None:
    assert refusal("--port", "6000", "--ws-port", "6000") == (
        "--port and --ws-port are both 6000, but gRPC and the event bridge need a port each; "
        "pass another --ws-port (0 picks a free one)."
    )


def test_a_bad_ws_port_is_an_argparse_error_naming_the_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        config("--ws-port", "x")
    assert "argument --ws-port: 'x' is not a port number" in capsys.readouterr().err
