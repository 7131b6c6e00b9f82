"""The profile worker process: limits enforced, the process replaced, errors carried back."""

from __future__ import annotations

import re
from pathlib import Path

import grpc
import pytest

from cardeck._exceptions import ProfileError
from cardeck.layout import bundled_layouts_dir
from cardeck.v1 import layout_service_pb2 as pb
from cardeck_sim.service._profile_worker import ProfileWorker
from cardeck_sim.service._status import RpcFailure

POLESTAR = (bundled_layouts_dir() / "vehicles" / "polestar-2.yaml").read_text()


async def test_a_job_over_the_time_limit_is_stopped_and_the_worker_replaced():
    worker = ProfileWorker(time_limit_s=0.001)
    try:
        with pytest.raises(RpcFailure) as info:
            await worker.run("validate", POLESTAR, "polestar-2.yaml")
        assert info.value.code is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert info.value.reason == "PROFILE_TOO_EXPENSIVE"
        assert "longer than 0.001 s" in info.value.message
        assert worker.restarts == 1
        worker.time_limit_s = 30
        reply = pb.ValidateProfileResponse.FromString(
            await worker.run("validate", POLESTAR, "polestar-2.yaml")
        )
        assert reply.valid and reply.layouts
    finally:
        await worker.aclose()


def _vm_size(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmSize:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]


async def test_a_job_over_the_memory_limit_is_refused_and_the_worker_replaced():
    probe = ProfileWorker()
    await probe.start()
    baseline = _vm_size(probe.pid)  # type: ignore[arg-type]
    await probe.aclose()
    # 64 MiB above what the idle worker maps; the loader's own limits refuse any costly
    # profile long before memory runs out, so the backstop is shown with a request the
    # worker cannot even take in.
    worker = ProfileWorker(memory_limit_bytes=baseline + 64 * 2**20)
    try:
        huge = "name: x\n# " + "y" * (256 * 2**20) + "\n"
        with pytest.raises(RpcFailure) as info:
            await worker.run("validate", huge, "huge.yaml")
        assert info.value.code is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "MiB" in info.value.message
        assert worker.restarts == 1
        reply = pb.ValidateProfileResponse.FromString(
            await worker.run("validate", POLESTAR, "polestar-2.yaml")
        )
        assert reply.valid
    finally:
        await worker.aclose()


async def test_a_job_s_own_error_is_raised_in_the_caller(tmp_path):
    worker = ProfileWorker()
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n")
    try:
        with pytest.raises(ProfileError, match=r"bad\.yaml"):
            await worker.run("load_profile_file", str(bad))
        assert worker.restarts == 0
    finally:
        await worker.aclose()


async def test_a_cancelled_caller_does_not_hand_its_answer_to_the_next_one():
    import asyncio

    worker = ProfileWorker()
    await worker.start()
    try:
        first = asyncio.ensure_future(worker.run("validate", POLESTAR, "polestar-2.yaml"))
        for _ in range(5):  # until the job is sent and the caller waits for its answer
            await asyncio.sleep(0)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        reply = pb.ValidateProfileResponse.FromString(
            await worker.run("validate", "id: [unclosed\n", "broken.yaml")
        )
        assert not reply.valid and reply.diagnostics[0].rule == "schema"  # not polestar-2
    finally:
        await worker.aclose()
