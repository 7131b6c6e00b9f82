"""The TypeScript example client (examples/clients/ts): @grpc/grpc-js with the packaged protos
loaded by @grpc/proto-loader, and the WebSocket bridge through `ws`, against
`cardeck sim --headless` as an integrator runs it."""

from __future__ import annotations

import dataclasses
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

import cardeck
from cardeck import EventKind

from ._build import (
    EXAMPLES,
    ROOT,
    BuiltClient,
    RunningClient,
    build_client,
    require_tools,
    run_client,
    tool_version,
)
from ._checks import check_fail, check_info, check_token, check_watch
from .conftest import CliHeadUnit, TokenHeadUnit

SOURCE = EXAMPLES / "ts"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
# Run from the repository root; examples/clients/ts/README.md shows the same commands.
BUILD_COMMANDS = (
    "node_modules/.bin/tsc -p examples/clients/ts",
    ".venv/bin/cardeck protos export build/clients/ts/protos --force",
)
# `tsc` writes build/clients/ts (tsconfig's outDir); the protos are read at run time.
BUILD = ["sh", "-c", " && ".join(BUILD_COMMANDS).replace(".venv/bin/cardeck", '"$CARDECK"')]
# Vehicle-state changes for the bridge run, none of them a speed an earlier test left.
BRIDGE_SPEEDS = [101.0 + i for i in range(10)]
BEFORE_DROP, DURING_GAP = 4, 4
pytestmark = pytest.mark.timeout(300)


def require_node_toolchain() -> None:
    """Fail (never skip) without node or the npm packages; `make setup` installs them."""
    require_tools({"node": "nodejs"})
    if not TSC.is_file():
        pytest.fail(
            f"{TSC} not found: run `make setup`, which installs the npm "
            "packages of package.json (typescript, @grpc/grpc-js, @grpc/proto-loader, ws).",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def ts_client() -> BuiltClient:
    """examples/clients/ts compiled into build/clients/ts, unless its inputs are unchanged."""
    require_node_toolchain()
    built = build_client(
        "ts",
        BUILD,
        sources=[
            SOURCE / "tsconfig.json",
            *sorted((SOURCE / "src").glob("*.ts")),
            ROOT / "package-lock.json",
        ],
        versions=[tool_version("node", "--version"), tool_version(str(TSC), "--version")],
        binary="client.js",
    )
    command = ("node", str(built.out_dir / "client.js"), "--protos", str(built.out_dir / "protos"))
    return dataclasses.replace(built, command=command)


def test_ts_get_info_matches_the_python_sdk(
    ts_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_info(ts_client, cli_headunit.target)


def test_ts_watch_events_receives_the_changes_the_test_makes(
    ts_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_watch(ts_client, cli_headunit.target)


def test_ts_decodes_bad_request_details_like_the_python_sdk(
    ts_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    check_fail(ts_client, cli_headunit.target)


def test_ts_sends_the_bearer_token(ts_client: BuiltClient, token_headunit: TokenHeadUnit) -> None:
    check_token(ts_client, token_headunit.target, token_headunit.token)


class _StdinClient(RunningClient):
    """A running client whose stdin the test writes: the bridge run waits on it in its gap."""

    def __init__(self, client: BuiltClient, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*client.command, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def close(self) -> None:
        super().close()
        if self.proc.stdin is not None:
            self.proc.stdin.close()

    def send_line(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()


def _next_step(running: RunningClient, step: str) -> dict[str, Any]:
    line = running.next_json()
    assert line.get("step") == step, f"expected the {step!r} line, got {line}"
    return line


def test_ts_bridge_resumes_after_a_drop_without_losing_or_repeating_events(
    ts_client: BuiltClient, cli_headunit: CliHeadUnit
) -> None:
    """Events caused while the client is disconnected arrive after it resumes, once, in order."""
    running = _StdinClient(
        ts_client,
        "--target",
        cli_headunit.target,
        "bridge",
        "--count",
        str(len(BRIDGE_SPEEDS)),
        "--drop-after",
        str(BEFORE_DROP),
        "--gap",
        "stdin",
        "--kinds",
        "vehicle_state",
    )
    try:
        connecting = _next_step(running, "connecting")
        assert connecting["url"].startswith(cli_headunit.websocket_url), connecting
        ready = _next_step(running, "bridge")
        assert not ready["events_lost"], ready
        lines: list[dict[str, Any]] = []
        with cardeck.connect(cli_headunit.target) as sdk:
            assert sdk.vehicle_state().speed_kmh not in BRIDGE_SPEEDS
            for speed in BRIDGE_SPEEDS[:BEFORE_DROP]:
                sdk.update_vehicle_state(speed_kmh=speed)
            lines += [running.next_json() for _ in range(BEFORE_DROP)]
            dropped = _next_step(running, "dropped")
            # The client is disconnected now: these changes reach nobody until it resumes.
            gap = BRIDGE_SPEEDS[BEFORE_DROP : BEFORE_DROP + DURING_GAP]
            for speed in gap:
                sdk.update_vehicle_state(speed_kmh=speed)
            running.send_line()
            resumed = _next_step(running, "resuming")
            for speed in BRIDGE_SPEEDS[BEFORE_DROP + DURING_GAP :]:
                sdk.update_vehicle_state(speed_kmh=speed)
        lines += list(running.rest())
    finally:
        running.close()

    assert dropped["last_seq"] == lines[BEFORE_DROP - 1]["seq"]
    assert f"after={dropped['last_seq']}&run_id={ready['run_id']}" in resumed["url"], resumed
    # No second snapshot: the resume was served from the ring.
    assert all("step" not in line for line in lines), lines
    assert [line["speed_kmh"] for line in lines] == BRIDGE_SPEEDS
    expected = _sdk_vehicle_events(cli_headunit.target, ready, len(BRIDGE_SPEEDS))
    assert [(line["seq"], line["speed_kmh"], line["gear"]) for line in lines] == expected

    # WatchEvents resumes from the same seq (a uint64 the client passes on as a string):
    # the same events the bridge sent after the drop, from the ring, without a snapshot.
    [resume, *replayed] = run_client(
        ts_client,
        "--target",
        cli_headunit.target,
        "watch",
        "3",
        "--after",
        str(dropped["last_seq"]),
        "--run-id",
        ready["run_id"],
        "--kinds",
        "vehicle_state",
    )
    assert resume == {
        "step": "watch",
        "snapshot_seq": dropped["last_seq"],
        "run_id": ready["run_id"],
        "events_lost": False,
    }
    assert [(r["seq"], r["speed_kmh"]) for r in replayed] == [
        (line["seq"], line["speed_kmh"]) for line in lines[BEFORE_DROP : BEFORE_DROP + 3]
    ]


def _sdk_vehicle_events(
    target: str, ready: dict[str, Any], count: int
) -> list[tuple[int, float, str]]:
    """The vehicle-state events after the client's snapshot, as the SDK reads them on resume."""
    got: list[tuple[int, float, str]] = []
    with cardeck.connect(target) as sdk:
        stream = sdk.events(
            after_seq=ready["snapshot_seq"], run_id=ready["run_id"], kinds=[EventKind.VEHICLE_STATE]
        )
        for event in stream:
            state = event.data
            got.append((event.seq, state.speed_kmh, f"GEAR_{state.gear.name}"))  # type: ignore[union-attr]
            if len(got) == count:
                break
        stream.close()
    return got


def test_ts_readme_shows_the_commands_this_module_runs() -> None:
    text = (SOURCE / "README.md").read_text()
    for command in BUILD_COMMANDS:
        assert f"\n{command}\n" in text, f"examples/clients/ts/README.md lacks: {command}"
    assert "[`ts/`](ts/README.md)" in (EXAMPLES / "README.md").read_text()


def test_a_missing_tsc_fails_naming_make_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI has node and the npm packages: without them the module fails, never skips."""
    monkeypatch.setitem(globals(), "TSC", Path("/nonexistent/node_modules/.bin/tsc"))
    with pytest.raises(pytest.fail.Exception) as failed:
        require_node_toolchain()
    assert "`make setup`" in str(failed.value)
