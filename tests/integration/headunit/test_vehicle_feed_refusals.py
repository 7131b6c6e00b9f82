"""The vehicle feed against a source that sends what the head unit's subset refuses.

A head unit as the source cannot do that (both hold the same subset), so the source here
is a spec'd kuksa.val.v2 servicer: a real grpc.aio server on 127.0.0.1 whose values the
test sets, which lacks one signal and wants a bearer token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping

import grpc
import pytest

from cardeck import ReconnectPolicy
from cardeck.kuksa.val.v2 import types_pb2 as kt
from cardeck.kuksa.val.v2 import val_pb2, val_pb2_grpc
from cardeck.v1 import types_pb2
from cardeck_sim.feed import LOST_CODE, FeedState, VehicleFeed, parse_vehicle_source
from cardeck_sim.state import Cursor, StateStore

TOKEN = "feed-secret"
FAST = ReconnectPolicy(initial_s=0.05, maximum_s=0.2)
FEED_LOG = "cardeck_sim.feed._feed"


def point(**value: object) -> kt.Datapoint:
    return kt.Datapoint(value=kt.Value(**value))  # type: ignore[arg-type]


class SpecSource(val_pb2_grpc.VALServicer):
    """GetValue, GetValues and Subscribe over a dict of datapoints; other paths are NOT_FOUND."""

    def __init__(self, values: Mapping[str, kt.Datapoint]) -> None:
        self.values = dict(values)
        self.updates: asyncio.Queue[dict[str, kt.Datapoint]] = asyncio.Queue()
        self.tokens: list[str] = []

    async def _check(self, paths: list[str], context: grpc.aio.ServicerContext) -> None:
        self.tokens.append(dict(context.invocation_metadata() or ()).get("authorization", ""))
        if self.tokens[-1] != f"Bearer {TOKEN}":
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "no valid token")
        missing = [path for path in paths if path not in self.values]
        if missing:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"{missing[0]} not found")

    async def GetValue(self, request, context):  # type: ignore[no-untyped-def]
        await self._check([request.signal_id.path], context)
        return val_pb2.GetValueResponse(data_point=self.values[request.signal_id.path])

    async def GetValues(self, request, context):  # type: ignore[no-untyped-def]
        paths = [signal.path for signal in request.signal_ids]
        await self._check(paths, context)
        return val_pb2.GetValuesResponse(data_points=[self.values[p] for p in paths])

    async def Subscribe(self, request, context) -> AsyncIterator[val_pb2.SubscribeResponse]:  # type: ignore[no-untyped-def,override]
        paths = list(request.signal_paths)
        await self._check(paths, context)
        yield val_pb2.SubscribeResponse(entries={p: self.values[p] for p in paths})
        while True:
            entries = await self.updates.get()
            self.values.update(entries)
            yield val_pb2.SubscribeResponse(entries=entries)


async def until(predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait (without blocking the loop) until ``predicate()`` holds."""
    async with asyncio.timeout(timeout_s):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest.fixture
async def source() -> AsyncIterator[tuple[SpecSource, int]]:
    servicer = SpecSource(
        {
            "Vehicle.Speed": point(float=42.5),
            # Out of range (0..100 %) and of the wrong type: both refused, neither fatal.
            "Vehicle.Exterior.LightIntensity": point(float=150.0),
            "Vehicle.Exterior.AirTemperature": point(string="warm"),
            # No value yet (KUKSA's None): the head unit keeps its own.
            "Vehicle.Powertrain.Range": kt.Datapoint(),
        }
    )
    server = grpc.aio.server()
    val_pb2_grpc.add_VALServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield servicer, port
    await server.stop(0)


async def test_refused_values_are_logged_once_and_the_rest_flows(source, caplog):
    servicer, port = source
    store = StateStore()
    signals = [
        "Vehicle.Speed",
        "Vehicle.Exterior.LightIntensity",
        "Vehicle.Exterior.AirTemperature",
        "Vehicle.Powertrain.Range",
        "Vehicle.TraveledDistance",  # the source has no such signal
    ]
    feed = VehicleFeed(
        store, parse_vehicle_source(f"kuksa://127.0.0.1:{port}"), signals, token=TOKEN, policy=FAST
    )
    assert store.vehicle_source == f"kuksa://127.0.0.1:{port}"
    before = {p: store.signals.value(p) for p in signals[1:]}
    caplog.set_level(logging.WARNING, logger=FEED_LOG)
    feed.start()
    try:
        await until(lambda: store.vehicle.speed_kmh == 42.5)
        assert feed.state is FeedState.LIVE
        # The source's refused, empty and missing signals leave the head unit's values.
        assert {p: store.signals.value(p) for p in signals[1:]} == before
        cursor = Cursor(store.events, store.events.head_seq, kinds=[types_pb2.EVENT_KIND_SIGNALS])
        for speed in (50.0, 51.0):
            await servicer.updates.put(
                {
                    "Vehicle.Speed": point(float=speed),
                    "Vehicle.Exterior.LightIntensity": point(float=150.0),
                }
            )
            await until(lambda speed=speed: store.vehicle.speed_kmh == speed)  # type: ignore[misc]
        changes = await cursor.next_batch()
    finally:
        await feed.aclose()
    # One SignalsChanged per update, holding only what the head unit accepted (and
    # IsMoving, which follows the speed the first time it changes).
    assert [
        [s.path for s in event.signals_changed.signals if s.path != "Vehicle.IsMoving"]
        for event in changes
    ] == [["Vehicle.Speed"], ["Vehicle.Speed"]]
    warnings = [r.getMessage() for r in caplog.records if r.name == FEED_LOG]
    light = [w for w in warnings if "Vehicle.Exterior.LightIntensity" in w]
    temperature = [w for w in warnings if "Vehicle.Exterior.AirTemperature" in w]
    missing = [w for w in warnings if "has no Vehicle.TraveledDistance" in w]
    assert len(light) == len(temperature) == len(missing) == 1, warnings
    assert "(logged once)" in light[0] and "100" in light[0]
    assert not any("Vehicle.Powertrain.Range" in w for w in warnings)
    # Every call carried the token.
    assert set(servicer.tokens) == {f"Bearer {TOKEN}"}
    assert feed.state is FeedState.CLOSED


async def test_a_refused_token_is_a_lost_source_with_a_hint(source, caplog):
    _, port = source
    store = StateStore()
    feed = VehicleFeed(
        store,
        parse_vehicle_source(f"kuksa://127.0.0.1:{port}"),
        ["Vehicle.Speed"],
        token="wrong",
        policy=FAST,
    )
    cursor = Cursor(store.events, store.events.head_seq, kinds=[types_pb2.EVENT_KIND_SERVICE])
    caplog.set_level(logging.WARNING, logger=FEED_LOG)
    feed.start()
    try:
        notices = await asyncio.wait_for(_next(cursor), 10)
        await until(lambda: feed.failures >= 3)  # several attempts, one notice
        assert feed.state is FeedState.LOST
        assert feed.last_error == "UNAUTHENTICATED: no valid token"
        assert not await _pending(cursor)
    finally:
        await feed.aclose()
    assert [n.service_notice.code for n in notices] == [LOST_CODE]
    assert "UNAUTHENTICATED: no valid token" in notices[0].service_notice.message
    assert any("check --vehicle-source-token" in r.getMessage() for r in caplog.records)


async def _next(cursor: Cursor) -> list[types_pb2.Event]:
    """The next non-empty batch of the cursor's kinds."""
    while not (events := await cursor.next_batch()):
        pass
    return events


async def _pending(cursor: Cursor) -> list[types_pb2.Event]:
    """What the cursor has without waiting."""
    try:
        return await asyncio.wait_for(_next(cursor), 0.05)
    except TimeoutError:
        return []
