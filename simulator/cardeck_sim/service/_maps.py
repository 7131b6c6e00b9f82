"""The map panel: OpenStreetMap data, routes, simulated guidance, markers and camera.

``MapsPanel`` owns the maps engine's objects and writes what the UI shows
into the store; ``MapsServicer`` serves MapsService over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc

from cardeck.i18n import Translator, translator
from cardeck.v1 import maps_service_pb2 as pb
from cardeck.v1 import maps_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

from ..maps import (
    Camera,
    GuidanceSimulator,
    GuidanceUpdate,
    LatLon,
    Maneuver,
    ManeuverType,
    MapData,
    Marker,
    MarkerNotFoundError,
    MarkerShape,
    MarkerStore,
    MarkerStyle,
    NoRouteError,
    Place,
    PlaceNotFoundError,
    Route,
    VehiclePose,
    display_name,
    find_route,
    haversine_m,
    load_map,
    localize_maneuvers,
    place_index,
)
from ..state import Cursor, Gear, SimulatedPowertrain, StateStore, SubscriberLagError
from ._masks import mask_paths
from ._paging import check_page_size, decode_token, encode_token, fields_digest, page_by_key
from ._status import RpcFailure, invalid_argument, name_violations

log = logging.getLogger(__name__)

MAX_MARKERS = 10_000
MAX_MARKERS_PER_CALL = 1_000
MAX_MARKER_LABEL = 64  # as maps._markers.MarkerStyle allows
MAX_PLACES_PAGE = 100
# Results of one search over all its pages (maps_service.proto).
MAX_SEARCH_RESULTS = 500
CAMERA_PATHS = ("center", "zoom", "tilt_deg", "follow_vehicle")
# Guidance updates per real second; the simulated time per update scales with time_scale.
GUIDANCE_HZ = 10.0

_MANEUVER_KIND = {
    ManeuverType.DEPART: types_pb2.MANEUVER_KIND_DEPART,
    ManeuverType.CONTINUE: types_pb2.MANEUVER_KIND_STRAIGHT,
    ManeuverType.STRAIGHT: types_pb2.MANEUVER_KIND_STRAIGHT,
    ManeuverType.SLIGHT_LEFT: types_pb2.MANEUVER_KIND_SLIGHT_LEFT,
    ManeuverType.LEFT: types_pb2.MANEUVER_KIND_LEFT,
    ManeuverType.SHARP_LEFT: types_pb2.MANEUVER_KIND_SHARP_LEFT,
    ManeuverType.SLIGHT_RIGHT: types_pb2.MANEUVER_KIND_SLIGHT_RIGHT,
    ManeuverType.RIGHT: types_pb2.MANEUVER_KIND_RIGHT,
    ManeuverType.SHARP_RIGHT: types_pb2.MANEUVER_KIND_SHARP_RIGHT,
    ManeuverType.U_TURN: types_pb2.MANEUVER_KIND_U_TURN,
    ManeuverType.ROUNDABOUT_ENTER: types_pb2.MANEUVER_KIND_ROUNDABOUT_ENTER,
    ManeuverType.ROUNDABOUT_EXIT: types_pb2.MANEUVER_KIND_ROUNDABOUT_EXIT,
    ManeuverType.ARRIVE: types_pb2.MANEUVER_KIND_ARRIVE,
}
_SHAPES = {
    types_pb2.MARKER_SHAPE_UNSPECIFIED: MarkerShape.CIRCLE,
    types_pb2.MARKER_SHAPE_CIRCLE: MarkerShape.CIRCLE,
    types_pb2.MARKER_SHAPE_SQUARE: MarkerShape.SQUARE,
    types_pb2.MARKER_SHAPE_PIN: MarkerShape.PIN,
    types_pb2.MARKER_SHAPE_DIAMOND: MarkerShape.DIAMOND,
}
_SHAPE_TO_PROTO = {
    MarkerShape.CIRCLE: types_pb2.MARKER_SHAPE_CIRCLE,
    MarkerShape.SQUARE: types_pb2.MARKER_SHAPE_SQUARE,
    MarkerShape.PIN: types_pb2.MARKER_SHAPE_PIN,
    MarkerShape.DIAMOND: types_pb2.MARKER_SHAPE_DIAMOND,
}


# -- wire conversions ---------------------------------------------------------------


def latlng(p: LatLon) -> types_pb2.LatLng:
    return types_pb2.LatLng(latitude_deg=p.lat, longitude_deg=p.lon)


def check_latlng(msg: types_pb2.LatLng, field: str) -> list[tuple[str, str]]:
    """Problems of a wire coordinate, naming the field."""
    problems = []
    if not (math.isfinite(msg.latitude_deg) and -90 <= msg.latitude_deg <= 90):
        problems.append(
            (f"{field}.latitude_deg", f"latitude_deg is {msg.latitude_deg}; it must be -90 to 90.")
        )
    if not (math.isfinite(msg.longitude_deg) and -180 <= msg.longitude_deg <= 180):
        problems.append(
            (
                f"{field}.longitude_deg",
                f"longitude_deg is {msg.longitude_deg}; it must be -180 to 180.",
            )
        )
    return problems


def latlon(msg: types_pb2.LatLng) -> LatLon:
    return LatLon(msg.latitude_deg, msg.longitude_deg)


def place_to_proto(place: Place, near: LatLon | None, locale: str) -> pb.Place:
    """A place on the wire, named in ``locale`` where the map data has that name."""
    return pb.Place(
        place_id=place.place_id,
        name=display_name(place, locale),
        category=place.category,
        position=latlng(place.position),
        address=place.address,
        distance_m=haversine_m(near, place.position) if near else 0.0,
        local_name=place.name,
    )


def maneuver_to_proto(m: Maneuver) -> types_pb2.Maneuver:
    return types_pb2.Maneuver(
        kind=_MANEUVER_KIND[m.type],
        position=latlng(m.position),
        street_name=m.street_name,
        distance_from_start_m=m.distance_from_start_m,
        roundabout_exit=m.exit_number or 0,
        instruction=m.instruction,
    )


def route_to_proto(route: Route, route_id: str, tr: Translator | None = None) -> types_pb2.Route:
    """A route on the wire; ``tr`` says its maneuvers' instructions in a locale."""
    maneuvers = localize_maneuvers(route.maneuvers, tr) if tr else route.maneuvers
    return types_pb2.Route(
        route_id=route_id,
        polyline=[latlng(p) for p in route.polyline],
        distance_m=route.distance_m,
        duration_s=route.duration_s,
        maneuvers=[maneuver_to_proto(m) for m in maneuvers],
    )


def rgba_to_int(rgba: tuple[int, int, int, int]) -> int:
    r, g, b, a = rgba
    return (r << 24) | (g << 16) | (b << 8) | a


def int_to_rgba(value: int) -> tuple[int, int, int, int]:
    return (value >> 24) & 255, (value >> 16) & 255, (value >> 8) & 255, value & 255


def marker_to_proto(m: Marker) -> types_pb2.Marker:
    s = m.style
    return types_pb2.Marker(
        marker_id=m.marker_id,
        position=latlng(m.position),
        style=types_pb2.MarkerStyle(
            shape=_SHAPE_TO_PROTO[s.shape],
            fill_rgba=rgba_to_int(s.fill_rgba),
            stroke_rgba=rgba_to_int(s.stroke_rgba),
            glyph=s.glyph,
            label=s.label,
            min_zoom=s.min_zoom,
        ),
    )


def camera_to_proto(c: Camera) -> types_pb2.Camera:
    return types_pb2.Camera(
        center=latlng(c.center), zoom=c.zoom, tilt_deg=c.tilt_deg, follow_vehicle=c.follow_vehicle
    )


# Map data is read-only once loaded, so head units in one process (tests,
# the pytest plugin) share it instead of each parsing the file again.
_LOADED: dict[Path | None, MapData] = {}
_LOADING = asyncio.Lock()


async def _load_shared(path: Path | None) -> MapData:
    async with _LOADING:
        if path not in _LOADED:
            _LOADED[path] = await asyncio.to_thread(load_map, path)
        return _LOADED[path]


class MapsPanel:
    """The maps engine of the head unit and the map state it writes into the store.

    :param store: the state store.
    :param map_path: an ``.osm.pbf`` file; None loads the bundled Helsinki extract.
    :param locale: returns the locale guidance speaks, read at every update
        (the head unit passes ``store.locale``); None keeps English.
    """

    def __init__(
        self,
        store: StateStore,
        map_path: Path | None = None,
        *,
        locale: Callable[[], str] | None = None,
    ) -> None:
        self._store = store
        self._locale = locale
        self._map_path = map_path
        self.data: MapData | None = None
        self.reason = "The map data is still loading."
        self.markers = MarkerStore()
        self.route: Route | None = None
        self.route_id = ""
        self._route_ids = itertools.count(1)
        self.sim: GuidanceSimulator | None = None
        # The simulated car's drive: where the last step ended, and what driving costs.
        self._last_drive_position: LatLon | None = None
        self._powertrain = SimulatedPowertrain()
        self.guidance_state = types_pb2.GuidanceState(status=types_pb2.GUIDANCE_STATUS_IDLE)
        self._task: asyncio.Task[None] | None = None
        self._loader: asyncio.Task[None] | None = None
        self.reroutes = 0

    @property
    def translator(self) -> Translator | None:
        """The locale guidance speaks now (None: English, as the engine makes routes)."""
        return translator(self._locale()) if self._locale is not None else None

    @property
    def available(self) -> bool:
        """Whether map data is loaded."""
        return self.data is not None

    def start_loading(self) -> None:
        """Load the map data in the background; the first maps call waits for it."""
        self._loader = asyncio.get_running_loop().create_task(self._load())

    async def _load(self) -> None:
        try:
            self.data = await _load_shared(self._map_path)
        except Exception as exc:  # the head unit serves on without maps
            self.reason = f"The map data could not be loaded: {exc}"
            log.error("%s", self.reason)
            return
        self.reason = ""
        south_west, north_east = self.data.bounds
        centre = LatLon(
            (south_west.lat + north_east.lat) / 2, (south_west.lon + north_east.lon) / 2
        )
        start = self.data.snap(centre).position
        self._store.set_map(vehicle=VehiclePose(start, 0.0), camera=Camera(start, 16.0, 0.0, True))

    async def ready(self) -> MapData:
        """The map data once loaded, or FAILED_PRECONDITION saying why there is none."""
        if self._loader is not None and not self._loader.done():
            await asyncio.shield(self._loader)
        return self.require()

    def require(self) -> MapData:
        """The map data, or FAILED_PRECONDITION saying why there is none."""
        if self.data is None:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.reason, reason="MAPS_UNAVAILABLE"
            )
        return self.data

    @property
    def vehicle_position(self) -> LatLon:
        pose = self._store.map.vehicle
        if pose is None:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, self.reason, reason="MAPS_UNAVAILABLE"
            )
        # The store keeps map values untyped (state sits below the maps engine).
        position: LatLon = pose.position
        return position

    # -- routes and guidance ----------------------------------------------------------

    def route_between(self, origin: LatLon, destination: LatLon) -> Route:
        """A route, or NOT_FOUND when there is none."""
        data = self.require()
        try:
            return find_route(data, origin, destination)
        except NoRouteError as exc:
            raise RpcFailure(grpc.StatusCode.NOT_FOUND, str(exc), reason="NO_ROUTE") from exc

    def set_route(self, route: Route | None, reason: str) -> types_pb2.Route | None:
        """Make a route active (None clears it) and emit RouteChanged."""
        self.route = route
        self.route_id = f"route-{next(self._route_ids)}" if route else ""
        wire = route_to_proto(route, self.route_id, self.translator) if route else None
        self._store.set_map(
            route=route,
            event={"route_changed": types_pb2.RouteChanged(route=wire, reason=reason)},
        )
        return wire

    async def start_guidance(self, time_scale: float) -> types_pb2.GuidanceState:
        """Drive the active route in simulation."""
        if self.route is None:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION,
                "There is no active route to guide along; call SetDestination first.",
                reason="NO_ROUTE",
            )
        await self.stop_guidance()
        self.sim = GuidanceSimulator(
            self.route, time_scale=time_scale, map_data=self.data, locale=self._locale
        )
        first = self.sim.step(0.0)
        self._publish(first)
        self._task = asyncio.get_running_loop().create_task(self._drive(time_scale))
        return self.guidance_state

    async def stop_guidance(self) -> None:
        """Stop guidance; the route stays."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.sim is not None:
            simulated = self._store.map.guidance is None or self._store.map.guidance.simulated
            self.sim = None
            self._last_drive_position = None
            self._publish(None)
            if simulated:
                # The simulated driver stops with the simulation; the car's own
                # reports (ReportPosition, vehicle state) are left alone.
                self._store.update_vehicle(speed_kmh=0.0)

    async def _drive(self, time_scale: float) -> None:
        interval = 1.0 / GUIDANCE_HZ
        while self.sim is not None:
            await asyncio.sleep(interval)
            sim = self.sim
            if sim is None:
                return
            update = sim.step(interval * time_scale)
            self._publish(update)
            if update.arrived:
                return

    def report_position(self, fix: LatLon, speed_kmh: float, heading: float | None) -> bool:
        """A GNSS fix from the car; returns whether it caused a reroute."""
        self._store.set_signals(location_signals(fix, heading))
        if self.sim is None:
            self._store.set_map(vehicle=VehiclePose(fix, heading or 0.0))
            return False
        update = self.sim.report_position(fix, speed_kmh, heading)
        if update.reroute is not None:
            self.reroutes += 1
            self.set_route(
                update.reroute,
                "Rerouted: the car was more than 50 m off the route for 3 positions in a row.",
            )
        self._publish(update)
        return update.reroute is not None

    def _publish(self, update: GuidanceUpdate | None) -> None:
        if update is None:
            state = types_pb2.GuidanceState(status=types_pb2.GUIDANCE_STATUS_IDLE)
            self._store.set_map(guidance=None, event={"guidance_changed": _changed(state)})
            self.guidance_state = state
            return
        status = types_pb2.GUIDANCE_STATUS_ACTIVE
        if update.arrived:
            status = types_pb2.GUIDANCE_STATUS_ARRIVED
        elif update.off_route:
            status = types_pb2.GUIDANCE_STATUS_REROUTING
        state = types_pb2.GuidanceState(
            status=status,
            position=latlng(update.position),
            heading_deg=update.heading_deg % 360,
            speed_kmh=update.speed_kmh,
            distance_to_next_m=update.distance_to_next_m,
            remaining_distance_m=update.remaining_distance_m,
            remaining_time_s=update.remaining_time_s,
            route_id=self.route_id,
        )
        if update.next_maneuver is not None:
            state.next_maneuver.CopyFrom(maneuver_to_proto(update.next_maneuver))
        state.eta.FromDatetime(update.eta)
        self.guidance_state = state
        self._store.set_map(
            guidance=update,
            vehicle=VehiclePose(update.position, update.heading_deg % 360),
            event={"guidance_changed": _changed(state)},
        )
        if update.simulated and self._store.vehicle_source == "simulated":
            # The simulated driver's speed is the car's speed, so drive
            # restrictions follow guidance; parked on arrival. Position, odometer
            # and battery move with it, in one SignalsChanged per step.
            previous = self._last_drive_position
            self._last_drive_position = update.position
            driven = haversine_m(previous, update.position) if previous is not None else 0.0
            signals = {
                **location_signals(update.position, update.heading_deg % 360),
                **self._powertrain.advance(self._store.signals, driven),
            }
            if update.arrived:
                self._last_drive_position = None
                self._store.set_signals(signals)
                self._store.update_vehicle(speed_kmh=0.0, gear=Gear.PARK)
            else:
                self._store.set_signals(
                    {
                        **signals,
                        "Vehicle.Speed": round(update.speed_kmh, 1),
                        "Vehicle.Powertrain.Transmission.SelectedGear": 127,
                        "Vehicle.Chassis.ParkingBrake.IsEngaged": False,
                    }
                )

    async def aclose(self) -> None:
        """Stop the guidance task and the loader."""
        await self.stop_guidance()
        if self._loader is not None and not self._loader.done():
            self._loader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loader


def location_signals(position: LatLon, heading: float | None) -> dict[str, object]:
    """The VSS CurrentLocation signals of a position (and heading, when known)."""
    signals: dict[str, object] = {
        "Vehicle.CurrentLocation.Latitude": position.lat,
        "Vehicle.CurrentLocation.Longitude": position.lon,
    }
    if heading is not None:
        signals["Vehicle.CurrentLocation.Heading"] = heading % 360
    return signals


def _changed(state: types_pb2.GuidanceState) -> types_pb2.GuidanceChanged:
    return types_pb2.GuidanceChanged(state=state)


class MapsServicer(pb_grpc.MapsServiceServicer):
    """Serves MapsService over the maps panel."""

    def __init__(self, store: StateStore, panel: MapsPanel) -> None:
        self._store = store
        self._panel = panel

    async def SearchPlaces(
        self, request: pb.SearchPlacesRequest, context: Any
    ) -> pb.SearchPlacesResponse:
        problems = []
        query = request.query.strip()
        if not query:
            problems.append(("query", "query is required: give 1 to 200 characters to look for."))
        elif len(query) > 200:
            problems.append(("query", "query is longer than 200 characters."))
        paged = bool(request.page_size or request.page_token)
        # A paged request ignores limit (the proto), so a stale limit cannot refuse it.
        if request.limit > 100 and not paged:
            problems.append(("limit", f"limit is {request.limit}; it must be 1 to 100."))
        if request.HasField("near"):
            problems += check_latlng(request.near, "near")
        if problems:
            raise invalid_argument(problems)
        size = check_page_size(request.page_size, MAX_PLACES_PAGE, unset=10)
        if not paged:
            size = request.limit or 10
        near_field = (
            (request.near.latitude_deg, request.near.longitude_deg)
            if request.HasField("near")
            else None
        )
        digest = fields_digest(query, near_field)
        offset = 0
        pinned: LatLon | None = None
        if request.page_token:
            cursor = decode_token(
                request.page_token, "SearchPlaces", digest, changed="query or near"
            )
            offset = int(cursor.after)
            if "ref" in cursor.extra:
                pinned = LatLon(*cursor.extra["ref"])
        data = await self._panel.ready()
        if near_field is not None:
            near = latlon(request.near)
        else:
            # Later pages rank around the first page's position, so the car moving
            # between pages cannot reorder the results under the client.
            near = pinned or self._panel.vehicle_position
        end = min(offset + size, MAX_SEARCH_RESULTS)
        try:
            # One more than the page says whether another page follows.
            found = place_index(data).search(
                query, near=near, limit=min(end + 1, MAX_SEARCH_RESULTS)
            )
        except ValueError as exc:  # nothing searchable in it (no letter or digit)
            raise invalid_argument([("query", str(exc).replace("Field 'query'", "query"))]) from exc
        places = found[offset:end]
        next_token = ""
        if paged and len(found) > end:
            extra = {} if near_field is not None else {"ref": [near.lat, near.lon]}
            next_token = encode_token("SearchPlaces", end, digest, **extra)
        # Read at use time, so a locale switch applies to the next search.
        locale = self._store.locale
        return pb.SearchPlacesResponse(
            places=[place_to_proto(p, near, locale) for p in places], next_page_token=next_token
        )

    async def GetPlace(self, request: pb.GetPlaceRequest, context: Any) -> pb.GetPlaceResponse:
        if not request.place_id:
            raise invalid_argument([("place_id", "place_id is required.")])
        data = await self._panel.ready()
        try:
            place = place_index(data).get(request.place_id)
        except PlaceNotFoundError as exc:
            raise RpcFailure(grpc.StatusCode.NOT_FOUND, str(exc), reason="PLACE_NOT_FOUND") from exc
        return pb.GetPlaceResponse(
            place=place_to_proto(place, self._panel.vehicle_position, self._store.locale)
        )

    async def ComputeRoute(
        self, request: pb.ComputeRouteRequest, context: Any
    ) -> pb.ComputeRouteResponse:
        problems = []
        for field in ("origin", "destination"):
            if not request.HasField(field):
                problems.append((field, f"{field} is required."))
            else:
                problems += check_latlng(getattr(request, field), field)
        if problems:
            raise invalid_argument(problems)
        route = self._panel.route_between(latlon(request.origin), latlon(request.destination))
        return pb.ComputeRouteResponse(route=route_to_proto(route, "", self._panel.translator))

    async def SetDestination(
        self, request: pb.SetDestinationRequest, context: Any
    ) -> pb.SetDestinationResponse:
        which = request.WhichOneof("destination")
        if which is None:
            raise invalid_argument(
                [("destination", "destination is required: give a place_id or a position.")]
            )
        data = await self._panel.ready()
        if which == "position":
            problems = check_latlng(request.position, "position")
            if problems:
                raise invalid_argument(problems)
            target, name = latlon(request.position), "the chosen point"
        else:
            try:
                place = place_index(data).get(request.place_id)
            except PlaceNotFoundError as exc:
                raise RpcFailure(
                    grpc.StatusCode.NOT_FOUND, str(exc), reason="PLACE_NOT_FOUND"
                ) from exc
            target, name = place.position, display_name(place, self._store.locale)
        route = self._panel.route_between(self._panel.vehicle_position, target)
        wire = self._panel.set_route(route, f"New destination: {name}.")
        if request.start_guidance:
            await self._panel.start_guidance(1.0)
        return pb.SetDestinationResponse(route=wire)

    async def ClearDestination(
        self, request: pb.ClearDestinationRequest, context: Any
    ) -> pb.ClearDestinationResponse:
        await self._panel.stop_guidance()
        if self._panel.route is not None:
            self._panel.set_route(None, "The destination was cleared.")
        return pb.ClearDestinationResponse()

    async def StartGuidance(
        self, request: pb.StartGuidanceRequest, context: Any
    ) -> pb.StartGuidanceResponse:
        scale = request.time_scale or 1.0
        if not (math.isfinite(scale) and 0.1 <= scale <= 1000):
            raise invalid_argument([("time_scale", "time_scale must be from 0.1 to 1000.")])
        await self._panel.ready()
        return pb.StartGuidanceResponse(state=await self._panel.start_guidance(scale))

    async def StopGuidance(
        self, request: pb.StopGuidanceRequest, context: Any
    ) -> pb.StopGuidanceResponse:
        await self._panel.stop_guidance()
        return pb.StopGuidanceResponse()

    async def WatchGuidance(
        self, request: pb.WatchGuidanceRequest, context: Any
    ) -> AsyncIterator[pb.WatchGuidanceResponse]:
        events = self._store.events
        cursor = Cursor(events, events.head_seq, kinds=[types_pb2.EVENT_KIND_GUIDANCE])
        yield pb.WatchGuidanceResponse(state=self._panel.guidance_state)
        while not events.closed:
            try:
                batch = await cursor.next_batch()
            except SubscriberLagError:
                # Guidance is a state: skip what was missed and send the newest.
                cursor = Cursor(events, events.head_seq, kinds=cursor.kinds)
                yield pb.WatchGuidanceResponse(state=self._panel.guidance_state)
                continue
            for event in batch:
                if event.HasField("guidance_changed"):
                    yield pb.WatchGuidanceResponse(state=event.guidance_changed.state)

    async def ReportPosition(
        self, request_iterator: AsyncIterator[pb.ReportPositionRequest], context: Any
    ) -> pb.ReportPositionResponse:
        await self._panel.ready()
        applied = 0
        reroutes = 0
        async for request in request_iterator:
            field = f"requests[{applied}]"
            problems = check_latlng(request.position, f"{field}.position")
            if not (math.isfinite(request.speed_kmh) and 0 <= request.speed_kmh <= 400):
                problems.append((f"{field}.speed_kmh", "speed_kmh must be from 0 to 400."))
            if not (0 <= request.heading_deg < 360):
                problems.append((f"{field}.heading_deg", "heading_deg must be from 0 to 360."))
            if problems:
                raise invalid_argument(problems)
            reroutes += self._panel.report_position(
                latlon(request.position), request.speed_kmh, request.heading_deg
            )
            applied += 1
        return pb.ReportPositionResponse(applied_count=applied, reroute_count=reroutes)

    async def AddMarkers(
        self, request: pb.AddMarkersRequest, context: Any
    ) -> pb.AddMarkersResponse:
        if not request.markers:
            raise invalid_argument([("markers", "markers is required: give 1 to 1,000 markers.")])
        if len(request.markers) > MAX_MARKERS_PER_CALL:
            raise invalid_argument([("markers", "At most 1,000 markers fit in one call.")])
        problems: list[tuple[str, str]] = []
        markers = []
        first_index: dict[str, int] = {}
        for i, m in enumerate(request.markers):
            field = f"markers[{i}]"
            own = name_violations("marker", m.marker_id, f"{field}.marker_id")
            if not own and m.marker_id in first_index:
                own.append(
                    (
                        f"{field}.marker_id",
                        f"marker_id {m.marker_id!r} repeats markers[{first_index[m.marker_id]}]"
                        "; each marker in a call needs its own id.",
                    )
                )
            first_index.setdefault(m.marker_id, i)
            if m.HasField("position"):
                own += check_latlng(m.position, f"{field}.position")
            else:
                own.append((f"{field}.position", "position is required: where the marker stands."))
            if m.style.shape not in _SHAPES:
                own.append(
                    (
                        f"{field}.style.shape",
                        f"style.shape {m.style.shape} is not a MarkerShape; use CIRCLE, SQUARE, "
                        "PIN or DIAMOND.",
                    )
                )
            if not (math.isfinite(m.style.min_zoom) and 0 <= m.style.min_zoom <= 22):
                own.append((f"{field}.style.min_zoom", "min_zoom must be from 0 to 22."))
            if len(m.style.glyph) > 1:
                own.append((f"{field}.style.glyph", "glyph is one character or empty."))
            if len(m.style.label) > MAX_MARKER_LABEL:
                own.append(
                    (f"{field}.style.label", f"label is at most {MAX_MARKER_LABEL} characters.")
                )
            problems += own
            if own or problems:
                continue
            try:
                markers.append(
                    Marker(
                        m.marker_id,
                        latlon(m.position),
                        MarkerStyle(
                            shape=_SHAPES[m.style.shape],
                            fill_rgba=int_to_rgba(m.style.fill_rgba),
                            stroke_rgba=int_to_rgba(m.style.stroke_rgba),
                            glyph=m.style.glyph,
                            label=m.style.label,
                            min_zoom=m.style.min_zoom,
                        ),
                    )
                )
            except ValueError as exc:
                problems.append((field, str(exc)))
        if problems:
            raise invalid_argument(problems)
        store = self._panel.markers
        new_ids = {m.marker_id for m in markers} - {m.marker_id for m in store.list()}
        if len(store) + len(new_ids) > MAX_MARKERS:
            raise RpcFailure(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"The head unit holds at most {MAX_MARKERS} markers; remove some first.",
                reason="TOO_MANY_MARKERS",
            )
        store.add(markers, replace=True)
        added = [m.marker_id for m in markers]
        self._store.set_map(
            markers=store.list(),
            event={"markers_changed": types_pb2.MarkersChanged(added_marker_ids=added)},
        )
        return pb.AddMarkersResponse(total_count=len(store))

    async def RemoveMarkers(
        self, request: pb.RemoveMarkersRequest, context: Any
    ) -> pb.RemoveMarkersResponse:
        if not request.marker_ids:
            raise invalid_argument(
                [("marker_ids", "marker_ids is required: name the markers to remove.")]
            )
        store = self._panel.markers
        removed, unknown = [], []
        for marker_id in request.marker_ids:
            try:
                store.get(marker_id)
            except MarkerNotFoundError:
                unknown.append(marker_id)
            else:
                removed.append(marker_id)
        if removed:
            store.remove(removed)
            self._store.set_map(
                markers=store.list(),
                event={"markers_changed": types_pb2.MarkersChanged(removed_marker_ids=removed)},
            )
        return pb.RemoveMarkersResponse(removed_marker_ids=removed, unknown_marker_ids=unknown)

    async def ListMarkers(
        self, request: pb.ListMarkersRequest, context: Any
    ) -> pb.ListMarkersResponse:
        size = check_page_size(request.page_size, MAX_MARKERS)
        after = (
            decode_token(request.page_token, "ListMarkers").after if request.page_token else None
        )
        markers = sorted(self._panel.markers.list(), key=lambda m: m.marker_id)
        page, last = page_by_key(markers, lambda m: m.marker_id, after, size)
        return pb.ListMarkersResponse(
            markers=[marker_to_proto(m) for m in page],
            next_page_token=encode_token("ListMarkers", last) if last is not None else "",
        )

    async def SetCamera(self, request: pb.SetCameraRequest, context: Any) -> pb.SetCameraResponse:
        paths = mask_paths(request, CAMERA_PATHS)
        c = request.camera
        if paths is None and (not request.HasField("camera") or not c.ListFields()):
            # An empty camera would reset the view to zoom 0 at the vehicle: a request that
            # sets nothing is a mistake, not a reset (without an update_mask, a camera with
            # some fields set still replaces the whole view, as v1 documents).
            raise invalid_argument(
                [
                    (
                        "camera",
                        "camera is required: set at least one of center, zoom, tilt_deg "
                        "or follow_vehicle.",
                    )
                ]
            )
        named = set(CAMERA_PATHS) if paths is None else set(paths)
        problems = []
        if "center" in named and c.HasField("center"):
            problems += check_latlng(c.center, "camera.center")
        elif paths is not None and "center" in named:
            problems.append(
                ("camera.center", "update_mask names center, so camera.center is required.")
            )
        if "zoom" in named and not (math.isfinite(c.zoom) and 0 <= c.zoom <= 22):
            problems.append(("camera.zoom", f"zoom is {c.zoom}; it must be from 0 to 22."))
        if "tilt_deg" in named and not (math.isfinite(c.tilt_deg) and 0 <= c.tilt_deg <= 60):
            problems.append(("camera.tilt_deg", f"tilt_deg is {c.tilt_deg}; it must be 0 to 60."))
        if problems:
            raise invalid_argument(problems)
        await self._panel.ready()
        if paths is None:
            centre = latlon(c.center) if c.HasField("center") else self._panel.vehicle_position
            camera = Camera(centre, c.zoom, c.tilt_deg, c.follow_vehicle)
        else:
            now = self._store.map.camera
            camera = Camera(
                latlon(c.center) if "center" in named else now.center,
                c.zoom if "zoom" in named else now.zoom,
                c.tilt_deg if "tilt_deg" in named else now.tilt_deg,
                c.follow_vehicle if "follow_vehicle" in named else now.follow_vehicle,
            )
        self._store.set_map(camera=camera)
        return pb.SetCameraResponse(camera=camera_to_proto(camera))

    async def GetCamera(self, request: pb.GetCameraRequest, context: Any) -> pb.GetCameraResponse:
        await self._panel.ready()
        camera = self._store.map.camera
        return pb.GetCameraResponse(camera=camera_to_proto(camera))
