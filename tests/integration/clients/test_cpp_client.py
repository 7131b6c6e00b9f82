"""The C++ example client (examples/clients/cpp), built with Debian's gRPC C++ and protoc,
against `cardeck sim --headless` as an integrator runs it."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests._cli import CARDECK

from ._build import (
    EXAMPLES,
    BuiltClient,
    build_client,
    check_readme,
    require_tools,
    tool_version,
)
from ._checks import check_fail, check_info, check_token, check_watch
from .conftest import CliHeadUnit, TokenHeadUnit

SOURCE = EXAMPLES / "cpp"
TOOLS = {
    "make": "make",
    "g++": "g++",
    "pkg-config": "pkgconf",
    "protoc": "protobuf-compiler",
    "grpc_cpp_plugin": "protobuf-compiler-grpc",
}
# Run from the repository root; examples/clients/README.md shows the same command.
BUILD = ["make", "-j2", "-C", "examples/clients/cpp", "OUT={out}"]
# A cold build compiles the generated code: tens of seconds on a shared CI core.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cpp_client() -> BuiltClient:
    """examples/clients/cpp built into build/clients/cpp, unless its inputs are unchanged."""
    require_tools(TOOLS)
    libraries = tool_version("pkg-config", "--modversion", "grpc++", "protobuf")
    if "not found" in libraries or "No package" in libraries:
        pytest.fail(
            f"pkg-config: {libraries}; run `make setup` (libgrpc++-dev, libprotobuf-dev).",
            pytrace=False,
        )
    return build_client(
        "cpp",
        BUILD,
        sources=[SOURCE / "Makefile", SOURCE / "cardeck_client.cc"],
        versions=[tool_version("g++", "--version"), tool_version("protoc", "--version"), libraries],
    )


def test_cpp_get_info_matches_the_python_sdk(
    cpp_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_info(cpp_client, cli_headunit.target)


def test_cpp_watch_events_receives_the_changes_the_test_makes(
    cpp_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_watch(cpp_client, cli_headunit.target)


def test_cpp_decodes_bad_request_details_like_the_python_sdk(
    cpp_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_fail(cpp_client, cli_headunit.target)


def test_cpp_sends_the_bearer_token(cpp_client: BuiltClient, token_headunit: TokenHeadUnit) -> None:
    check_token(cpp_client, token_headunit.target, token_headunit.token)


def test_cpp_readme_shows_the_commands_this_module_runs() -> None:
    check_readme("cpp", BUILD)


def test_readme_state_change_command_works(cli_headunit: CliHeadUnit) -> None:
    """The `cardeck call` line examples/clients/README.md suggests during `watch 20`."""
    command = "cardeck call headunit update-vehicle --speed-kmh 33"
    assert f"\n{command}\n" in (EXAMPLES / "README.md").read_text()
    done = subprocess.run(
        [*CARDECK, *command.split()[1:], "--target", cli_headunit.target, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["speed_kmh"] == 33


def test_a_missing_tool_fails_naming_make_setup_and_the_package() -> None:
    """CI has every toolchain: a missing one must fail the clients' tests, not skip them."""
    with pytest.raises(pytest.fail.Exception) as failed:
        require_tools({"grpc_cpp_plugin": "protobuf-compiler-grpc", "no-such-protoc-9": "pkg-9"})
    message = str(failed.value)
    assert "`make setup`" in message and "no-such-protoc-9 (Debian package pkg-9)" in message
    assert "grpc_cpp_plugin" not in message
