"""``cardeck sim``'s vehicle-source flags: combinations that cannot work are refused by name."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cardeck._exceptions import UsageError
from cardeck.cli._headunit_cmds import register, sim_config
from cardeck_sim.headunit import ServiceConfig


def config(*argv: str) -> ServiceConfig:
    parser = argparse.ArgumentParser(prog="cardeck")
    register(parser.add_subparsers())
    return sim_config(parser.parse_args(["sim", *argv]))


def refusal(*argv: str) -> str:
    with pytest.raises(UsageError) as caught:
        config(*argv)
    return str(caught.value)


def test_a_bad_url_is_refused_naming_the_flag() -> None:
    assert refusal("--vehicle-source", "http://car:55555") == (
        "--vehicle-source 'http://car:55555' has the scheme 'http', not kuksa or kuksas; pass "
        "kuksa://HOST:PORT (plaintext) or kuksas://HOST:PORT (TLS), e.g. kuksa://127.0.0.1:55555, "
        "or 'simulated' for the head unit's own car."
    )


def test_source_options_without_a_source_are_refused() -> None:
    assert refusal("--vehicle-source-token", "t", "--vehicle-signals", "Vehicle.Speed") == (
        "--vehicle-source-token and --vehicle-signals need --vehicle-source kuksa://HOST:PORT "
        "(the server to read the vehicle from)."
    )


def test_a_ca_for_a_plaintext_source_is_refused() -> None:
    assert refusal("--vehicle-source", "kuksa://h:1", "--vehicle-source-ca", "ca.pem") == (
        "--vehicle-source-ca is for TLS, but --vehicle-source kuksa://h:1 is plaintext; use "
        "kuksas://HOST:PORT for TLS, or drop --vehicle-source-ca."
    )


def test_a_token_is_given_once() -> None:
    assert refusal(
        "--vehicle-source",
        "kuksa://h:1",
        "--vehicle-source-token",
        "t",
        "--vehicle-source-token-file",
        "t.jwt",
    ) == (
        "Give the source's token once: --vehicle-source-token or --vehicle-source-token-file, "
        "not both."
    )


def test_simulated_is_the_default_spelled_out() -> None:
    assert config("--vehicle-source", "simulated").vehicle_source is None


def test_the_token_is_kept_out_of_the_configs_repr() -> None:
    settings = config("--vehicle-source", "kuksa://h:1", "--vehicle-source-token", "s3cret")
    assert "s3cret" not in repr(settings)
    assert settings.source_token() == "s3cret"


def test_the_token_file_is_read_and_stripped(tmp_path: Path) -> None:
    (tmp_path / "t.jwt").write_text("eyJ.token\n")
    settings = config(
        "--vehicle-source", "kuksa://h:1", "--vehicle-source-token-file", str(tmp_path / "t.jwt")
    )
    assert settings.source_token() == "eyJ.token"


@pytest.mark.parametrize(("content", "problem"), [(None, "cannot be read"), ("\n", "is empty")])
def test_an_unusable_token_file_names_its_flag(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    path = tmp_path / "t.jwt"
    if content is not None:
        path.write_text(content)
    settings = config("--vehicle-source", "kuksa://h:1", "--vehicle-source-token-file", str(path))
    with pytest.raises(ValueError, match=rf"^--vehicle-source-token-file {path} {problem}"):
        settings.source_token()
