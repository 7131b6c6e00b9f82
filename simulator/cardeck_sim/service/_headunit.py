"""HeadUnitService: info, vehicle state, drive restrictions and the event stream."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from cardeck.i18n import SUPPORTED_LOCALES, UnsupportedLocaleError
from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import headunit_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

from .._version import API_VERSION, SERVER_VERSION
from ..state import (
    Cursor,
    DayNight,
    Gear,
    StateStore,
    SubscriberLagError,
    locale_to_proto,
    restrictions_to_proto,
    subscribed_kinds,
    supported_locales_to_proto,
    vehicle_state_to_proto,
)
from ._masks import mask_paths
from ._status import RpcFailure, invalid_argument

MAX_SPEED_KMH = 400.0
VEHICLE_UPDATE_PATHS = ("speed_kmh", "gear", "parking_brake_on", "night", "day_night_mode")
# Gear and day/night mode have no presence: their UNSPECIFIED value means "not set".
_UNSPECIFIED = {
    "gear": types_pb2.GEAR_UNSPECIFIED,
    "day_night_mode": types_pb2.DAY_NIGHT_MODE_UNSPECIFIED,
}


def masked_update(
    update: pb.VehicleStateUpdate, paths: tuple[str, ...], prefix: str
) -> pb.VehicleStateUpdate:
    """``update`` with only the fields ``paths`` names; each named field must be set."""
    problems = []
    message: Any = update  # the paths are checked names, not the stub's literals
    for path in dict.fromkeys(paths):
        present = (
            message.HasField(path)
            if path not in _UNSPECIFIED
            else getattr(update, path) != _UNSPECIFIED[path]
        )
        if not present:
            problems.append(
                (
                    f"{prefix}.{path}",
                    f"update_mask names {path}, so {prefix}.{path} must be set (a vehicle "
                    "signal has no cleared value); set it or leave it out of update_mask.",
                )
            )
    if problems:
        raise invalid_argument(problems)
    kept = pb.VehicleStateUpdate()
    for path in paths:
        setattr(kept, path, getattr(update, path))
    return kept


def validate_vehicle_update(update: pb.VehicleStateUpdate, prefix: str) -> list[tuple[str, str]]:
    """Every problem of one update, as (field, sentence) pairs."""
    problems: list[tuple[str, str]] = []
    if update.HasField("speed_kmh") and not (
        math.isfinite(update.speed_kmh) and 0 <= update.speed_kmh <= MAX_SPEED_KMH
    ):
        problems.append(
            (
                f"{prefix}.speed_kmh",
                f"speed_kmh is {update.speed_kmh}, but it must be a number from 0 to "
                f"{MAX_SPEED_KMH:g}.",
            )
        )
    if update.gear not in types_pb2.Gear.values():
        problems.append((f"{prefix}.gear", f"gear {update.gear} is not a Gear value."))
    if update.day_night_mode not in types_pb2.DayNightMode.values():
        problems.append(
            (f"{prefix}.day_night_mode", f"day_night_mode {update.day_night_mode} is not valid.")
        )
    return problems


def apply_vehicle_update(store: StateStore, update: pb.VehicleStateUpdate) -> None:
    """Apply a validated update through the store's command."""
    store.update_vehicle(
        speed_kmh=update.speed_kmh if update.HasField("speed_kmh") else None,
        gear=Gear(update.gear),
        parking_brake_on=update.parking_brake_on if update.HasField("parking_brake_on") else None,
        night=update.night if update.HasField("night") else None,
        day_night=DayNight(update.day_night_mode),
    )


def locale_problem(tag: str) -> str:
    """The sentence for a locale tag the head unit does not ship."""
    if not tag.strip():
        return f"locale is required: one of {', '.join(SUPPORTED_LOCALES)}."
    # Echo a long tag shortened: the answer should not grow with the request.
    shown = tag if len(tag) <= 40 else tag[:37] + "..."
    return (
        f"locale {shown!r} is not supported; use one of {', '.join(SUPPORTED_LOCALES)} "
        "(GetInfo lists them with their names)."
    )


class HeadUnitServicer(pb_grpc.HeadUnitServiceServicer):
    """Serves HeadUnitService over the store.

    :param store: the state store.
    :param describe: returns (displays, capabilities) of the head unit now.
    """

    def __init__(
        self,
        store: StateStore,
        describe: Callable[[], tuple[list[types_pb2.Display], list[pb.CapabilityStatus]]],
        websocket_url: Callable[[], str] = str,
    ) -> None:
        self._store = store
        self._describe = describe
        self._websocket_url = websocket_url

    async def GetInfo(self, request: pb.GetInfoRequest, context: object) -> pb.GetInfoResponse:
        client = request.client_api_version
        if request.HasField("client_api_version") and client.major != API_VERSION[0]:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"This head unit speaks cardeck API {API_VERSION[0]}.{API_VERSION[1]}, but the "
                f"client speaks {client.major}.{client.minor}. Use a client for API "
                f"{API_VERSION[0]}.x.",
                reason="API_VERSION_MISMATCH",
                metadata={"server_api_major": str(API_VERSION[0])},
            )
        displays, capabilities = self._describe()
        return pb.GetInfoResponse(
            api_version=types_pb2.ApiVersion(major=API_VERSION[0], minor=API_VERSION[1]),
            server_version=SERVER_VERSION,
            product_name="CarDeck reference head unit",
            run_id=self._store.events.run_id,
            capabilities=capabilities,
            active_profile_id=self._store.active_profile_id,
            displays=displays,
            simulator=True,
            websocket_url=self._websocket_url(),
            locale=locale_to_proto(self._store.locale),
            supported_locales=supported_locales_to_proto(),
        )

    async def GetVehicleState(
        self, request: pb.GetVehicleStateRequest, context: object
    ) -> pb.GetVehicleStateResponse:
        return pb.GetVehicleStateResponse(state=vehicle_state_to_proto(self._store.vehicle))

    async def UpdateVehicleState(
        self, request: pb.UpdateVehicleStateRequest, context: object
    ) -> pb.UpdateVehicleStateResponse:
        paths = mask_paths(request, VEHICLE_UPDATE_PATHS)
        if not request.HasField("update"):
            raise invalid_argument([("update", "update is required.")])
        update = request.update
        if paths is not None:
            update = masked_update(update, paths, "update")
        problems = validate_vehicle_update(update, "update")
        if problems:
            raise invalid_argument(problems)
        apply_vehicle_update(self._store, update)
        return pb.UpdateVehicleStateResponse(
            state=vehicle_state_to_proto(self._store.vehicle),
            restrictions=restrictions_to_proto(self._store.restrictions),
        )

    async def StreamVehicleState(
        self, request_iterator: AsyncIterator[pb.StreamVehicleStateRequest], context: object
    ) -> pb.StreamVehicleStateResponse:
        applied = 0
        async for request in request_iterator:
            problems = validate_vehicle_update(request.update, f"requests[{applied}].update")
            if problems:
                raise invalid_argument(problems)
            apply_vehicle_update(self._store, request.update)
            applied += 1
        return pb.StreamVehicleStateResponse(
            applied_count=applied, state=vehicle_state_to_proto(self._store.vehicle)
        )

    async def GetDriveRestrictions(
        self, request: pb.GetDriveRestrictionsRequest, context: object
    ) -> pb.GetDriveRestrictionsResponse:
        return pb.GetDriveRestrictionsResponse(
            restrictions=restrictions_to_proto(self._store.restrictions)
        )

    async def SetLocale(
        self, request: pb.SetLocaleRequest, context: object
    ) -> pb.SetLocaleResponse:
        try:
            changed = self._store.set_locale(request.locale)
        except UnsupportedLocaleError:
            raise invalid_argument([("locale", locale_problem(request.locale))]) from None
        return pb.SetLocaleResponse(locale=locale_to_proto(self._store.locale), changed=changed)

    async def WatchEvents(  # type: ignore[override]  # also yields pre-encoded bytes, which the interceptor sends as they are
        self, request: pb.WatchEventsRequest, context: object
    ) -> AsyncIterator[pb.WatchEventsResponse | bytes]:
        if any(k not in types_pb2.EventKind.values() or k == 0 for k in request.kinds):
            raise invalid_argument(
                [("kinds", "kinds may only hold EventKind values other than 0.")]
            )
        kinds = subscribed_kinds(request.kinds)
        log = self._store.events
        resume = request.HasField("resume_after_seq")
        same_run = request.run_id in ("", log.run_id)
        if resume and same_run and request.resume_after_seq > log.head_seq:
            raise invalid_argument(
                [
                    (
                        "resume_after_seq",
                        f"resume_after_seq {request.resume_after_seq} is ahead of the newest "
                        f"event ({log.head_seq}) of run {log.run_id}.",
                    )
                ]
            )
        if resume and same_run and log.contains(request.resume_after_seq):
            cursor = Cursor(log, request.resume_after_seq, kinds)
            # Answer at once, even with nothing to replay, so the client knows
            # the subscription is live before it acts.
            yield cursor.take_encoded()
        else:
            # A fresh subscriber, one from another run (the head unit
            # restarted), or one that came back after its events left the
            # ring: send the current state first and say whether events were
            # missed.
            snapshot = self._store.snapshot()
            yield pb.WatchEventsResponse(snapshot=snapshot, events_lost=resume)
            cursor = Cursor(log, snapshot.seq, kinds)
        while not log.closed:
            try:
                # Pre-encoded bytes; the interceptor passes bytes through unserialised.
                blob = await cursor.next_encoded()
            except SubscriberLagError as exc:
                raise RpcFailure(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    f"{exc} Resubscribe with resume_after_seq={cursor.seq} to continue.",
                    reason="SUBSCRIBER_TOO_SLOW",
                    metadata={"resume_after_seq": str(cursor.seq)},
                ) from exc
            if blob:
                yield blob
        raise RpcFailure(
            grpc.StatusCode.UNAVAILABLE,
            "The head unit is shutting down. Resubscribe with your last seq once it is back.",
            reason="SHUTTING_DOWN",
        )
