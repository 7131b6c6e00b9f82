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
    # 48 MiB above what the idle worker maps: a 1 MiB flow list of 500,000 numbers needs
    # far more once PyYAML builds its nodes.
    worker = ProfileWorker(memory_limit_bytes=baseline + 48 * 2**20)
    try:
        crowd = "displays: [" + "0," * 500_000 + "0]\n"
        with pytest.raises(RpcFailure) as info:
            await worker.run("validate", crowd, "crowd.yaml")
        assert info.value.code is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "MiB" in info.value.message
        assert worker.restarts == 1
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
