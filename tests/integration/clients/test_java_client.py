"""The Java example client (examples/clients/java), built with Debian's protobuf-java,
grpc-java and its Netty transport, against `cardeck sim --headless` as an integrator runs it.

It compiles against the classes protoc generates into ``com.cardeck.api.v1`` (one per message,
java_multiple_files), which is what proves the protos' Java file options.
"""

from __future__ import annotations

import pytest

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

SOURCE = EXAMPLES / "java"
TOOLS = {
    "java": "default-jdk-headless",
    "javac": "default-jdk-headless",
    "protoc": "protobuf-compiler",
    "grpc_java_plugin": "protobuf-compiler-grpc-java-plugin",
}
# Run from the repository root; examples/clients/README.md shows the same command.
BUILD = ["bash", "examples/clients/java/build.sh", "{out}"]
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def java_client() -> BuiltClient:
    """examples/clients/java built into build/clients/java, unless its inputs are unchanged."""
    require_tools(TOOLS)
    return build_client(
        "java",
        BUILD,
        sources=[SOURCE / "build.sh", SOURCE / "CardeckClient.java"],
        versions=[tool_version("javac", "-version"), tool_version("protoc", "--version")],
    )


def test_java_generated_classes_follow_the_file_options(java_client: BuiltClient) -> None:
    classes = java_client.out_dir / "classes" / "com" / "cardeck" / "api" / "v1"
    # java_multiple_files: a top-level class per message, beside the <File>Proto outer class.
    for name in ("GetInfoResponse", "Event", "TypesProto", "HeadunitServiceProto"):
        assert (classes / f"{name}.class").is_file(), name
    assert (classes / "HeadUnitServiceGrpc.class").is_file()
    assert not list(java_client.out_dir.glob("classes/cardeck/**/*.class"))


def test_java_get_info_matches_the_python_sdk(
    java_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_info(java_client, cli_headunit.target)


def test_java_watch_events_receives_the_changes_the_test_makes(
    java_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_watch(java_client, cli_headunit.target)


def test_java_decodes_bad_request_details_like_the_python_sdk(
    java_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_fail(java_client, cli_headunit.target)


def test_java_sends_the_bearer_token(
    java_client: BuiltClient, token_headunit: TokenHeadUnit
) -> None:
    check_token(java_client, token_headunit.target, token_headunit.token)


def test_java_readme_shows_the_commands_this_module_runs() -> None:
    check_readme("java", BUILD)
