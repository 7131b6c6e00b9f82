"""One head unit per port, and what `cardeck info` says about the event bridge."""

from __future__ import annotations

import re
import resource
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tests._cli import CARDECK, info_json, start_sim


@contextmanager
def head_unit(*flags: str) -> Iterator[int]:
    """A running `cardeck sim --headless FLAGS`; yields the gRPC port it announced."""
    proc, target = start_sim([*CARDECK, "sim", "--headless", *flags])
    try:
        yield int(target.rsplit(":", 1)[1])
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


def second(*flags: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run another `cardeck sim --headless FLAGS` to its end; return it and the CPU
    seconds it used.

    A head unit that starts serving never ends, so the timeout is what catches
    one that does not refuse. Its cost is measured in CPU time, not wall time:
    on a shared machine a process that gives up at once may still wait seconds
    for a core.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [*CARDECK, "sim", "--headless", *flags], capture_output=True, text=True, timeout=30
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result, cpu


def assert_refused(result: subprocess.CompletedProcess[str], cpu: float, sentence: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    # Starting Python and importing the head unit is most of this; serving is not.
    assert cpu < 2.0, f"used {cpu:.2f} CPU seconds before giving up"
    assert result.stdout == ""
    assert result.stderr == f"UsageError: {sentence}\n"


def test_a_second_head_unit_on_a_taken_grpc_port_fails_at_once(unused_tcp_port: int) -> None:
    port = str(unused_tcp_port)
    with head_unit("--port", port, "--ws-port", "-1"):
        result, cpu = second("--port", port, "--ws-port", "-1")
    assert_refused(
        result,
        cpu,
        f"Port {port} on 127.0.0.1 is already in use (another head unit?); stop it or pass "
        "--port 0 to pick a free one.",
    )


def test_a_second_head_unit_on_a_taken_bridge_port_fails_at_once(
    unused_tcp_port_factory: Callable[[], int],
) -> None:
    first, other, ws = (str(unused_tcp_port_factory()) for _ in range(3))
    with head_unit("--port", first, "--ws-port", ws) as grpc_port:
        result, cpu = second("--port", other, "--ws-port", ws)
        # The first head unit still serves.
        info = info_json(grpc_port)
    assert info["websocket_url"] == f"ws://127.0.0.1:{ws}/v1/events"
    assert_refused(
        result,
        cpu,
        f"Port {ws} on 127.0.0.1 is already in use (another head unit?); stop it or pass "
        "--ws-port 0 to pick a free one.",
    )


def test_info_json_says_why_the_bridge_is_off() -> None:
    with head_unit("--port", "0", "--ws-port", "-1") as port:
        info = info_json(port)
    assert info["websocket_url"] == ""
    capabilities = info["capabilities"]
    assert isinstance(capabilities, dict)
    assert capabilities["websocket_bridge"] == {
        "available": False,
        "reason": "The WebSocket event bridge is turned off (--ws-port -1); start the head unit "
        "with --ws-port 0 (any free port) or a port number to serve it.",
    }
    assert capabilities["events"] == {"available": True, "reason": ""}


def test_advertise_host_names_the_bridge_url() -> None:
    with head_unit("--port", "0", "--ws-port", "0", "--advertise-host", "localhost") as port:
        info = info_json(port)
    url = info["websocket_url"]
    assert isinstance(url, str)
    assert re.fullmatch(r"ws://localhost:\d+/v1/events", url), url
    capabilities = info["capabilities"]
    assert isinstance(capabilities, dict)
    assert capabilities["websocket_bridge"] == {"available": True, "reason": ""}
