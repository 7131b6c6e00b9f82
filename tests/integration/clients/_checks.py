"""The three calls every example client makes, checked against what the Python SDK sees.

Each client prints JSON lines (examples/clients/README.md); these checks hold a C++, Java or
TypeScript client to the same answers the SDK gets from the same head unit.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

import cardeck
from cardeck import Event, EventKind, InvalidArgumentError

from ._build import BuiltClient, RunningClient, run_client, run_client_raw

WATCH_COUNT = 20
# 25 distinct speeds, none of them the new head unit's 0: each one is a vehicle-state event,
# and the first ones may add a drive-restrictions event, so 20 events surely arrive.
SPEEDS = [round(2.5 * (i + 1), 1) for i in range(25)]


def check_info(client: BuiltClient, target: str) -> None:
    """GetInfo: every value the client prints is the one the SDK reads."""
    [line] = run_client(client, "--target", target, "info")
    with cardeck.connect(target) as sdk:
        info = sdk.info()
    assert line == {
        "step": "info",
        "api_version": {"major": info.api_version.major, "minor": info.api_version.minor},
        "server_version": info.server_version,
        "product_name": info.product_name,
        "run_id": info.run_id,
        "active_profile_id": info.active_profile_id,
        "simulator": info.simulator,
        "displays": [
            {
                "display_id": d.display_id,
                "role": f"DISPLAY_ROLE_{d.role.name}",
                "width_px": d.width_px,
                "height_px": d.height_px,
                "density_dpi": d.density_dpi,
            }
            for d in info.displays
        ],
    }
    assert info.displays, "the simulator's profile has displays; an empty list proves nothing"


def _sdk_events(target: str, after_seq: int, run_id: str, count: int) -> list[Event]:
    """The first ``count`` events after ``after_seq``, as the SDK receives them on resume."""
    got: list[Event] = []
    with cardeck.connect(target) as sdk:
        stream = sdk.events(after_seq=after_seq, run_id=run_id)
        for event in stream:
            got.append(event)
            if len(got) == count:
                break
        stream.close()
    return got


def check_watch(client: BuiltClient, target: str) -> None:
    """WatchEvents: the client receives exactly the events the test causes, in order."""
    running = RunningClient(client, "--target", target, "watch", str(WATCH_COUNT))
    try:
        ready = running.next_json()
        assert ready["step"] == "watch" and ready["run_id"], ready
        with cardeck.connect(target) as sdk:
            assert sdk.vehicle_state().speed_kmh not in SPEEDS
            failure: list[BaseException] = []

            def drive() -> None:
                try:
                    for speed in SPEEDS:
                        sdk.update_vehicle_state(speed_kmh=speed)
                except BaseException as exc:  # reported by the test thread below
                    failure.append(exc)

            driver = threading.Thread(target=drive)
            driver.start()
            lines = [running.next_json() for _ in range(WATCH_COUNT)]
            driver.join(60)
            assert not failure, failure
        assert list(running.rest()) == []
    finally:
        running.close()
    expected = _sdk_events(target, ready["snapshot_seq"], ready["run_id"], WATCH_COUNT)
    assert [(line["seq"], EventKind.of_payload(line["kind"])) for line in lines] == [
        (e.seq, e.kind) for e in expected
    ]
    seqs = [line["seq"] for line in lines]
    assert seqs[0] > ready["snapshot_seq"] and seqs == sorted(set(seqs)), seqs
    assert {EventKind.of_payload(line["kind"]) for line in lines} <= {
        EventKind.VEHICLE_STATE,
        EventKind.DRIVE_RESTRICTIONS,
    }
    vehicle = [(line, e) for line, e in zip(lines, expected, strict=True) if "speed_kmh" in line]
    assert [line["speed_kmh"] for line, _ in vehicle] == SPEEDS[: len(vehicle)]
    for line, event in vehicle:
        assert event.kind is EventKind.VEHICLE_STATE
        assert line["speed_kmh"] == event.data.speed_kmh  # type: ignore[union-attr]
        assert line["gear"] == f"GEAR_{event.data.gear.name}"  # type: ignore[union-attr]


def check_fail(client: BuiltClient, target: str) -> None:
    """A bad UpdateVehicleState: the client decodes the same BadRequest the SDK raises."""
    [line] = run_client(client, "--target", target, "fail")
    with cardeck.connect(target) as sdk, pytest.raises(InvalidArgumentError) as caught:
        sdk.update_vehicle_state(speed_kmh=999)
    error = caught.value
    expected: dict[str, Any] = {
        "code": 3,
        "code_name": "INVALID_ARGUMENT",
        "message": error.message,
        "reason": error.reason,
        "violations": [
            {"field": v.field, "description": v.description} for v in error.field_violations
        ],
    }
    assert {key: line[key] for key in expected} == expected
    assert line["violations"][0]["field"] == "update.speed_kmh", line
    assert "type.googleapis.com/google.rpc.BadRequest" in line["details"], line


def check_token(client: BuiltClient, target: str, token: str) -> None:
    """``--token`` sends ``authorization: Bearer …``: refused without it, answered with it."""
    refused = run_client_raw(client, "--target", target, "info")
    assert refused.returncode == 1 and "UNAUTHENTICATED" in refused.stderr, refused
    [line] = run_client(client, "--target", target, "--token", token, "info")
    assert line["step"] == "info" and line["displays"], line
