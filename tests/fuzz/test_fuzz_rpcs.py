"""Every RPC of the API, fuzzed against a real ``cardeck sim --headless`` process.

Requests come from the method descriptors (tests/fuzz/_messages.py), so a new RPC is fuzzed
without new code. For every request the head unit must answer with a status its contract
allows — never UNKNOWN (an exception escaped a handler) or INTERNAL (the safety net caught
one) — within 2 s; afterwards it must still be healthy, and its memory must not have grown by
more than 20 MB after the warm-up.

CI runs the short profile (40 requests per RPC, about 2,000 in all); ``make fuzz``
(``CARDECK_FUZZ=long``) sends 400 per RPC (over 20,000) and prints the figures.
"""

from __future__ import annotations

import collections
import re
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardeck.testing import HeadUnitProcess

from ._messages import Rpc, every_rpc, request_bytes, tiny_wav
from .conftest import MODE

LONG = MODE == "long"
PER_RPC = 400 if LONG else 40
REPLY_LIMIT_S = 2.0
# Calls that drive Chromium wait for it by contract: for a page (up to the 10 s default
# wait the proto documents) and, on the first call or after a renderer crash, for the
# browser to start (seconds on a loaded 2-core machine). They are bounded by that wait.
PAGE_WAITS = {"Navigate", "Reload", "GoBack", "GoForward", "Stop", "Capture"}
PAGE_WAIT_LIMIT_S = 12.0
# KUKSA's OpenProviderStream answers only requests that carry an action, and stays open
# after the client half-closes (kuksa-client's providers send their claim, half-close and
# keep receiving actuations), so a fuzzed request may get no reply at all: such a stream
# is held for SILENT_WAIT_S and then hung up on.
SILENT_STREAMS = {"/kuksa.val.v2.VAL/OpenProviderStream"}
SILENT_WAIT_S = 1.0
RSS_GROWTH_LIMIT = 20 * 1024 * 1024
FORBIDDEN = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL}
RPCS = sorted(every_rpc(), key=str)

pytestmark = pytest.mark.timeout(3600 if LONG else 600)


class FuzzedHeadUnit:
    """A head unit in its own process (as users run it), with the fuzz's tallies."""

    def __init__(self, state_dir: Path) -> None:
        self.log_path = state_dir / "headunit.log"
        self._log = self.log_path.open("w")
        self.process = HeadUnitProcess(
            "--ws-port",
            "-1",
            "--state-dir",
            str(state_dir),
            log=self._log,
            # A fixed mmap threshold: glibc otherwise raises it after the first large free
            # (screenshots read back tens of MB), keeps later large buffers in its heap and
            # RSS then measures the allocator's high-water mark, not what the head unit holds.
            env={"MALLOC_MMAP_THRESHOLD_": str(128 * 1024)},
        ).start()
        self.target = self.process.target
        self.rss = self.process.rss_bytes
        self.channel = grpc.insecure_channel(self.target)
        self.stats: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.slowest: dict[str, float] = collections.defaultdict(float)
        self.failures: list[str] = []
        self.warm_rss = 0

    def warm_up_every_display(self) -> None:
        from cardeck.layout import bundled_profiles
        from cardeck.v1 import simulator_service_pb2 as sim

        load = self.channel.unary_unary(
            "/cardeck.v1.SimulatorService/LoadProfile",
            request_serializer=sim.LoadProfileRequest.SerializeToString,
        )
        shot = self.channel.unary_unary(
            "/cardeck.v1.SimulatorService/Screenshot",
            request_serializer=sim.ScreenshotRequest.SerializeToString,
        )
        inject = self.channel.unary_unary(
            "/cardeck.v1.SimulatorService/InjectAudio",
            request_serializer=sim.InjectAudioRequest.SerializeToString,
        )
        # The recogniser loads its decoder on the first audio.
        inject(sim.InjectAudioRequest(wav=tiny_wav()), timeout=30)
        for profile in bundled_profiles().values():
            load(sim.LoadProfileRequest(profile_id=profile.id), timeout=30)
            for display in ("", *(d.id for d in profile.displays)):
                shot(sim.ScreenshotRequest(display_id=display), timeout=30)

    def start_profile_worker(self) -> None:
        """Validate a real profile once: the head unit spawns its profile worker on first use.

        Spawning imports the layout engine in a new process (about 1 s, several on a loaded
        machine); that start is not what the fuzz times.
        """
        from cardeck._resources import layouts_dir
        from cardeck.v1 import layout_service_pb2 as layout

        validate = self.channel.unary_unary(
            "/cardeck.v1.LayoutService/ValidateProfile",
            request_serializer=layout.ValidateProfileRequest.SerializeToString,
            response_deserializer=layout.ValidateProfileResponse.FromString,
        )
        path = layouts_dir() / "vehicles" / "polestar-2.yaml"
        reply = validate(
            layout.ValidateProfileRequest(yaml=path.read_text(), filename=path.name), timeout=60
        )
        assert reply.valid, reply

    def healthy(self) -> bool:
        stub = health_pb2_grpc.HealthStub(self.channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        return reply.status == health_pb2.HealthCheckResponse.SERVING

    def call(self, rpc: Rpc, requests: list[bytes]) -> tuple[grpc.StatusCode, float]:
        """Send ``requests`` (one unless the RPC streams them); the status and the reply time."""
        start = time.perf_counter()
        code = grpc.StatusCode.OK
        try:
            if rpc.client_streaming and rpc.server_streaming:
                silent = rpc.path in SILENT_STREAMS
                call = self.channel.stream_stream(rpc.path)(
                    iter(requests), timeout=SILENT_WAIT_S if silent else 3
                )
                try:
                    code = _first_of_stream(call)
                except grpc.RpcError as exc:
                    if not (silent and exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED):
                        raise
                    code = exc.code()
            elif rpc.client_streaming:
                self.channel.stream_unary(rpc.path)(iter(requests), timeout=10)
            elif rpc.server_streaming:
                call = self.channel.unary_stream(rpc.path)(requests[0], timeout=3)
                code = _first_of_stream(call)
            else:
                self.channel.unary_unary(rpc.path)(requests[0], timeout=10)
        except grpc.RpcError as exc:
            code = exc.code()
            if code in FORBIDDEN:
                self.failures.append(
                    f"{rpc} -> {code.name}: {exc.details()} for {requests!r}\n"
                    f"{self.incident_log(exc.details() or '')}"
                )
        elapsed = time.perf_counter() - start
        self.stats[str(rpc)][code.name] += 1
        self.slowest[str(rpc)] = max(self.slowest[str(rpc)], elapsed)
        return code, elapsed

    def incident_log(self, details: str) -> str:
        """The head unit's log from the incident a status names (its traceback), if any."""
        found = re.search(r"incident ([0-9a-f]{12})", details)
        if not found:
            return ""
        time.sleep(0.2)  # the log line is written as the status is sent
        text = self.log_path.read_text(errors="replace")
        start = text.find(f"incident {found.group(1)}")
        return text[start : start + 4000] if start >= 0 else ""

    def stop(self) -> None:
        self.channel.close()
        self.process.stop()
        self._log.close()


def _first_of_stream(call: grpc.Call) -> grpc.StatusCode:
    """Read the first reply of a stream (the snapshot), then hang up: a stream never ends."""
    try:
        next(iter(call))  # type: ignore[call-overload]
    except StopIteration:
        return grpc.StatusCode.OK
    call.cancel()
    return grpc.StatusCode.OK


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzedHeadUnit]:
    unit = FuzzedHeadUnit(tmp_path_factory.mktemp("fuzz-state"))
    # Warm-up: every RPC once with an empty request, so lazily loaded engines (map, voice,
    # Kivy for screenshots, Chromium) are in memory, and the profile worker started; then
    # every bundled profile drawn once, since the renderer keeps one surface and text cache
    # per display size (bounded by the profiles, measured: about 50 MB over the 18 bundled
    # ones). Growth counts from there.
    for rpc in RPCS:
        unit.call(rpc, [b""])
    unit.start_profile_worker()
    unit.warm_up_every_display()
    unit.warm_rss = unit.rss()
    yield unit
    unit.stop()


@pytest.mark.parametrize("rpc", RPCS, ids=str)
def test_rpc_never_answers_unknown_or_internal_and_replies_in_time(
    unit: FuzzedHeadUnit, rpc: Rpc
) -> None:
    @settings(
        max_examples=PER_RPC,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        st.lists(request_bytes(rpc.method), min_size=1, max_size=3 if rpc.client_streaming else 1)
    )
    def one(requests: list[bytes]) -> None:
        code, elapsed = unit.call(rpc, requests)
        assert code not in FORBIDDEN, unit.failures[-1]
        limit = PAGE_WAIT_LIMIT_S if rpc.method.name in PAGE_WAITS else REPLY_LIMIT_S
        assert elapsed < limit, f"{rpc} took {elapsed:.2f} s for {requests!r}"

    one()


def test_head_unit_is_healthy_and_its_memory_plateaus_after_the_fuzz(
    unit: FuzzedHeadUnit,
) -> None:
    alive = unit.process.proc is not None and unit.process.proc.poll() is None
    assert alive, "the head unit died during the fuzz"
    assert unit.healthy()
    # Measure in the state the warm-up ended in (same profile, same displays drawn last):
    # what differs then is what the fuzz left behind, not the renderer's working set.
    unit.warm_up_every_display()
    growth = unit.rss() - unit.warm_rss
    total = sum(sum(c.values()) for c in unit.stats.values())
    print(
        f"\nfuzzed {total} requests over {len(unit.stats)} RPCs; RSS growth {growth / 2**20:.1f} MB"
    )
    for path in sorted(unit.stats):
        codes = ", ".join(f"{k} {v}" for k, v in unit.stats[path].most_common())
        print(f"  {path}: slowest {unit.slowest[path] * 1000:.0f} ms; {codes}")
    assert not unit.failures, unit.failures[:5]
    assert growth <= RSS_GROWTH_LIMIT, f"RSS grew {growth / 2**20:.1f} MB after the warm-up"
