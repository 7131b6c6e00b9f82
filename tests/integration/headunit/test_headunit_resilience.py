"""The SDK as integrators need it: retries, deadlines, and lossless streams across kill -9."""

import asyncio
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent import futures

import grpc
import pytest

import cardeck
from cardeck.testing import HeadUnitThread
from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import headunit_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2
from cardeck_sim.headunit import ServiceConfig
from tests.integration._proxy import CuttableProxy

FAST = cardeck.ReconnectPolicy(initial_s=0.05, maximum_s=0.5)


def restart_later(unit, delay_s):
    """Stop a head unit now and start it again on the same port after a delay."""
    unit.stop()

    def start():
        time.sleep(delay_s)
        unit.start()

    thread = threading.Thread(target=start)
    thread.start()
    return thread


def test_sync_idempotent_calls_ride_out_a_restart(unused_tcp_port):
    unit = HeadUnitThread(ServiceConfig(port=unused_tcp_port)).start()
    client = cardeck.Client(unit.target, reconnect=FAST)
    try:
        assert client.info().api_version.major == 1
        thread = restart_later(unit, 0.7)
        info = client.info()  # issued while nothing listens
        thread.join()
        assert info.run_id == unit.unit.store.events.run_id
        state = client.update_vehicle_state(speed_kmh=12)  # absolute, so safe to repeat
        assert state.speed_kmh == 12
    finally:
        client.close()
        unit.stop()


async def test_async_idempotent_calls_ride_out_a_restart(unused_tcp_port):
    unit = HeadUnitThread(ServiceConfig(port=unused_tcp_port)).start()
    try:
        async with cardeck.AsyncClient(unit.target, reconnect=FAST) as client:
            await client.info()
            thread = await asyncio.to_thread(restart_later, unit, 0.7)
            info = await client.info()
            await asyncio.to_thread(thread.join)
            assert info.run_id == unit.unit.store.events.run_id
    finally:
        unit.stop()


def test_sync_calls_that_must_not_repeat_fail_at_once(unused_tcp_port):
    client = cardeck.Client(f"127.0.0.1:{unused_tcp_port}", reconnect=FAST, timeout_s=1.5)
    started = time.monotonic()
    with pytest.raises(cardeck.UnavailableError):
        client.maps.start_guidance()
    assert time.monotonic() - started < 0.5, "StartGuidance is not idempotent: no retries"
    started = time.monotonic()
    with pytest.raises(cardeck.UnavailableError):
        client.info()  # idempotent: retried until the call's deadline
    assert 1.0 < time.monotonic() - started < 3.0
    client.close()


class SlowHeadUnit(pb_grpc.HeadUnitServiceServicer):
    """A spec'd servicer that answers GetInfo slowly: the real one is never slow on purpose."""

    def GetInfo(self, request, context):
        time.sleep(0.5)
        return pb.GetInfoResponse(api_version=types_pb2.ApiVersion(major=1))


def test_per_method_deadlines_are_overridable():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_HeadUnitServiceServicer_to_server(SlowHeadUnit(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with cardeck.Client(f"127.0.0.1:{port}") as patient:
            assert patient.info().api_version.major == 1
        with cardeck.Client(f"127.0.0.1:{port}", deadlines={"GetInfo": 0.1}) as hasty:
            with pytest.raises(cardeck.DeadlineExceededError):
                hasty.info()
    finally:
        server.stop(0).wait()


# -- kill -9 ------------------------------------------------------------------------------

KILLS = 5
UPDATES = 600


def spawn(port, state_dir):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cardeck.cli",
            "sim",
            "--headless",
            "--port",
            str(port),
            "--ws-port",
            "-1",
            "--no-browser",
            "--state-dir",
            str(state_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stdout.readline()
    assert re.search(r"listening on", line), line
    return proc


def test_both_twins_lose_nothing_across_five_kill_9_restarts(unused_tcp_port, tmp_path):
    target = f"127.0.0.1:{unused_tcp_port}"
    proc = spawn(unused_tcp_port, tmp_path)
    sync_seqs, async_seqs, run_ids = [], [], set()
    subscribed = threading.Barrier(3)
    # Each update is a SignalsChanged and a VehicleStateChanged: both journaled, both resumed.
    KINDS = [cardeck.EventKind.SIGNALS, cardeck.EventKind.VEHICLE_STATE]

    def is_last(event):
        return event.kind is cardeck.EventKind.VEHICLE_STATE and event.data.speed_kmh == UPDATES / 2

    def sync_reader():
        with cardeck.Client(target, reconnect=FAST) as client:
            stream = client.events(kinds=KINDS)
            stream.open()
            subscribed.wait(30)
            for event in stream:
                sync_seqs.append(event.seq)
                run_ids.add(event.run_id)
                if is_last(event):
                    stream.close()

    def async_reader():
        async def main():
            async with cardeck.AsyncClient(target, reconnect=FAST) as client:
                stream = client.events(kinds=KINDS)
                await stream.open()
                await asyncio.to_thread(subscribed.wait, 30)
                async for event in stream:
                    async_seqs.append(event.seq)
                    run_ids.add(event.run_id)
                    if is_last(event):
                        break
                await stream.aclose()

        asyncio.run(main())

    readers = [threading.Thread(target=sync_reader), threading.Thread(target=async_reader)]
    for reader in readers:
        reader.start()
    subscribed.wait(30)  # both twins are subscribed before the first change
    try:
        with cardeck.Client(target, reconnect=FAST) as producer:
            producer.update_vehicle_state(speed_kmh=0.25)
            kill_at = {UPDATES * (k + 1) // (KILLS + 1) for k in range(KILLS)}
            for i in range(1, UPDATES + 1):
                producer.update_vehicle_state(speed_kmh=i / 2)
                if i in kill_at:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(10)
                    proc.stdout.close()
                    proc = spawn(unused_tcp_port, tmp_path)
        for reader in readers:
            reader.join(60)
        assert not any(r.is_alive() for r in readers)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        proc.stdout.close()

    assert len(run_ids) == 1, "the journal keeps one run across restarts"
    for seqs in (sync_seqs, async_seqs):
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "no gap, no duplicate"
        assert len(seqs) == 2 * (UPDATES + 1)


def test_sync_connection_states_follow_a_restart(unused_tcp_port):
    unit = HeadUnitThread(ServiceConfig(port=unused_tcp_port)).start()
    client = cardeck.Client(unit.target, reconnect=FAST)
    states = client.connection_states()
    seen = []
    try:
        for state in states:
            seen.append(state)
            if state is cardeck.ConnectionState.READY:
                break
        unit.stop()
        for state in states:
            seen.append(state)
            if state in (
                cardeck.ConnectionState.IDLE,
                cardeck.ConnectionState.TRANSIENT_FAILURE,
            ):
                break
        unit.start()
        client.info()
        for state in states:
            seen.append(state)
            if state is cardeck.ConnectionState.READY:
                break
    finally:
        states.close()
        client.close()
        unit.stop()
    assert seen[-1] is cardeck.ConnectionState.READY
    assert seen.count(cardeck.ConnectionState.READY) == 2


async def test_async_connection_states_start_with_the_current_one(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        seen = []
        async for state in client.connection_states():
            seen.append(state)
            if state is cardeck.ConnectionState.READY:
                break
    assert seen[-1] is cardeck.ConnectionState.READY
    assert seen[0] in (cardeck.ConnectionState.IDLE, cardeck.ConnectionState.CONNECTING)


def test_both_twins_connect_over_a_slow_link_at_the_first_attempt():
    # 250 ms each way: the HTTP/2 handshake alone takes over half a second, as
    # it can over a car's Wi-Fi. gRPC gives a connection attempt as long as the
    # channel's minimum reconnect backoff; the SDK must not shorten that, or
    # every attempt times out until the backoff has grown past the handshake.
    with HeadUnitThread(ServiceConfig(port=0)) as unit:
        proxy = CuttableProxy(unit.unit.port, latency_s=0.25)
        unit.call(proxy.start)
        target = f"127.0.0.1:{proxy.port}"
        try:
            with cardeck.Client(target, timeout_s=10) as client:
                assert client.info().displays
            assert proxy.connections == 1, "the first connection attempt had the time it needed"

            async def async_info():
                async with cardeck.AsyncClient(target, timeout_s=10) as client:
                    return await client.info()

            assert asyncio.run(async_info()).displays
            assert proxy.connections == 2
        finally:
            unit.call(proxy.aclose)
