"""``client.maps``: place search, routes, guidance, markers and the camera (MapsService)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any

from ._exceptions import UsageError
from ._models import Camera, GnssFix, GuidanceState, LatLng, Marker, Place, Route
from ._rpcs import MapsService
from ._seam import AsyncCaller, SyncCaller
from ._streams import AsyncStateStream, StateStream
from .v1 import maps_service_pb2 as pb

LatLngTypes = LatLng | tuple[float, float]


def _latlng(value: LatLngTypes) -> LatLng:
    """Normalise a LatLng or a (latitude, longitude) pair."""
    return value if isinstance(value, LatLng) else LatLng(float(value[0]), float(value[1]))


def _search_request(query: str, near: LatLngTypes | None, limit: int) -> pb.SearchPlacesRequest:
    request = pb.SearchPlacesRequest(query=query, limit=limit)
    if near is not None:
        request.near.CopyFrom(_latlng(near).to_proto())
    return request


def _destination_request(
    place: str | Place | None, position: LatLngTypes | None, start_guidance: bool
) -> pb.SetDestinationRequest:
    if (place is None) == (position is None):
        raise UsageError("Give either a place (its id or a Place) or a position, not both.")
    request = pb.SetDestinationRequest(start_guidance=start_guidance)
    if place is not None:
        request.place_id = place.place_id if isinstance(place, Place) else place
    else:
        assert position is not None
        request.position.CopyFrom(_latlng(position).to_proto())
    return request


def _route_request(origin: LatLngTypes, destination: LatLngTypes) -> pb.ComputeRouteRequest:
    return pb.ComputeRouteRequest(
        origin=_latlng(origin).to_proto(), destination=_latlng(destination).to_proto()
    )


def _guidance(resp: Any) -> GuidanceState:
    return GuidanceState.from_proto(resp.state)


def _fix_request(fix: GnssFix) -> pb.ReportPositionRequest:
    return fix.to_proto()


class MapsAPI:
    """The map panel, as ``Client.maps``."""

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    def search_places(
        self, query: str, *, near: LatLngTypes | None = None, limit: int = 10
    ) -> list[Place]:
        """Places by name, prefix or near miss, best match and nearest first.

        :param near: rank by distance from here; None uses the vehicle's position.
        :raises InvalidArgumentError: empty query, bad position, limit over 100.
        """
        request = _search_request(query, near, limit)
        resp = self._c._unary(MapsService.SearchPlaces, request)
        return [Place.from_proto(p) for p in resp.places]

    def get_place(self, place_id: str) -> Place:
        """One place by id. :raises NotFoundError: unknown id."""
        resp = self._c._unary(MapsService.GetPlace, pb.GetPlaceRequest(place_id=place_id))
        return Place.from_proto(resp.place)

    def compute_route(self, origin: LatLngTypes, destination: LatLngTypes) -> Route:
        """The fastest route between two points, without making it active."""
        resp = self._c._unary(MapsService.ComputeRoute, _route_request(origin, destination))
        return Route.from_proto(resp.route)

    def set_destination(
        self,
        place: str | Place | None = None,
        *,
        position: LatLngTypes | None = None,
        start_guidance: bool = False,
    ) -> Route:
        """Route from the vehicle to a place (or a position) and make the route active."""
        request = _destination_request(place, position, start_guidance)
        resp = self._c._unary(MapsService.SetDestination, request)
        return Route.from_proto(resp.route)

    def clear_destination(self) -> None:
        """Drop the active route and stop guidance."""
        self._c._unary(MapsService.ClearDestination, pb.ClearDestinationRequest())

    def start_guidance(self, *, time_scale: float = 1.0) -> GuidanceState:
        """Drive the active route in simulation, ``time_scale`` times faster than real time."""
        request = pb.StartGuidanceRequest(time_scale=time_scale)
        return _guidance(self._c._unary(MapsService.StartGuidance, request))

    def stop_guidance(self) -> None:
        """Stop guidance; the route stays."""
        self._c._unary(MapsService.StopGuidance, pb.StopGuidanceRequest())

    def watch_guidance(self) -> StateStream[GuidanceState]:
        """Guidance updates; the first is the current state."""
        return self._c._watch(MapsService.WatchGuidance, pb.WatchGuidanceRequest(), _guidance)

    def report_positions(self, fixes: Iterable[GnssFix]) -> tuple[int, int]:
        """Stream the car's GNSS fixes; returns (fixes applied, reroutes caused)."""
        requests = (_fix_request(f) for f in fixes)
        resp = self._c._stream_in(MapsService.ReportPosition, requests)
        return int(resp.applied_count), int(resp.reroute_count)

    def add_markers(self, markers: Iterable[Marker]) -> int:
        """Add or replace markers by id; returns how many the head unit holds."""
        request = pb.AddMarkersRequest(markers=[m.to_proto() for m in markers])
        return int(self._c._unary(MapsService.AddMarkers, request).total_count)

    def remove_markers(self, marker_ids: Iterable[str]) -> list[str]:
        """Remove markers; returns the ids that were there."""
        request = pb.RemoveMarkersRequest(marker_ids=list(marker_ids))
        return list(self._c._unary(MapsService.RemoveMarkers, request).removed_marker_ids)

    def list_markers(self) -> list[Marker]:
        """Every marker, sorted by id."""
        resp = self._c._unary(MapsService.ListMarkers, pb.ListMarkersRequest())
        return [Marker.from_proto(m) for m in resp.markers]

    def set_camera(self, camera: Camera) -> Camera:
        """Move the map view; returns the view in force."""
        request = pb.SetCameraRequest(camera=camera.to_proto())
        return Camera.from_proto(self._c._unary(MapsService.SetCamera, request).camera)

    def camera(self) -> Camera:
        """The map view."""
        resp = self._c._unary(MapsService.GetCamera, pb.GetCameraRequest())
        return Camera.from_proto(resp.camera)


class AsyncMapsAPI:
    """The asyncio twin of :class:`MapsAPI`, as ``AsyncClient.maps``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    async def search_places(
        self, query: str, *, near: LatLngTypes | None = None, limit: int = 10
    ) -> list[Place]:
        """Places by name (see :meth:`MapsAPI.search_places`)."""
        request = _search_request(query, near, limit)
        resp = await self._c._unary(MapsService.SearchPlaces, request)
        return [Place.from_proto(p) for p in resp.places]

    async def get_place(self, place_id: str) -> Place:
        """One place by id. :raises NotFoundError: unknown id."""
        request = pb.GetPlaceRequest(place_id=place_id)
        resp = await self._c._unary(MapsService.GetPlace, request)
        return Place.from_proto(resp.place)

    async def compute_route(self, origin: LatLngTypes, destination: LatLngTypes) -> Route:
        """The fastest route between two points, without making it active."""
        request = _route_request(origin, destination)
        resp = await self._c._unary(MapsService.ComputeRoute, request)
        return Route.from_proto(resp.route)

    async def set_destination(
        self,
        place: str | Place | None = None,
        *,
        position: LatLngTypes | None = None,
        start_guidance: bool = False,
    ) -> Route:
        """Route to a place or position and make it active (see :meth:`MapsAPI.set_destination`)."""
        request = _destination_request(place, position, start_guidance)
        resp = await self._c._unary(MapsService.SetDestination, request)
        return Route.from_proto(resp.route)

    async def clear_destination(self) -> None:
        """Drop the active route and stop guidance."""
        request = pb.ClearDestinationRequest()
        await self._c._unary(MapsService.ClearDestination, request)

    async def start_guidance(self, *, time_scale: float = 1.0) -> GuidanceState:
        """Drive the active route in simulation (see :meth:`MapsAPI.start_guidance`)."""
        request = pb.StartGuidanceRequest(time_scale=time_scale)
        return _guidance(await self._c._unary(MapsService.StartGuidance, request))

    async def stop_guidance(self) -> None:
        """Stop guidance; the route stays."""
        await self._c._unary(MapsService.StopGuidance, pb.StopGuidanceRequest())

    def watch_guidance(self) -> AsyncStateStream[GuidanceState]:
        """Guidance updates; the first is the current state."""
        return self._c._watch(MapsService.WatchGuidance, pb.WatchGuidanceRequest(), _guidance)

    async def report_positions(
        self, fixes: Iterable[GnssFix] | AsyncIterable[GnssFix]
    ) -> tuple[int, int]:
        """Stream the car's GNSS fixes; returns (fixes applied, reroutes caused)."""
        resp = await self._c._stream_in(MapsService.ReportPosition, _fixes(fixes))
        return int(resp.applied_count), int(resp.reroute_count)

    async def add_markers(self, markers: Iterable[Marker]) -> int:
        """Add or replace markers by id; returns how many the head unit holds."""
        request = pb.AddMarkersRequest(markers=[m.to_proto() for m in markers])
        resp = await self._c._unary(MapsService.AddMarkers, request)
        return int(resp.total_count)

    async def remove_markers(self, marker_ids: Iterable[str]) -> list[str]:
        """Remove markers; returns the ids that were there."""
        request = pb.RemoveMarkersRequest(marker_ids=list(marker_ids))
        resp = await self._c._unary(MapsService.RemoveMarkers, request)
        return list(resp.removed_marker_ids)

    async def list_markers(self) -> list[Marker]:
        """Every marker, sorted by id."""
        resp = await self._c._unary(MapsService.ListMarkers, pb.ListMarkersRequest())
        return [Marker.from_proto(m) for m in resp.markers]

    async def set_camera(self, camera: Camera) -> Camera:
        """Move the map view; returns the view in force."""
        request = pb.SetCameraRequest(camera=camera.to_proto())
        resp = await self._c._unary(MapsService.SetCamera, request)
        return Camera.from_proto(resp.camera)

    async def camera(self) -> Camera:
        """The map view."""
        resp = await self._c._unary(MapsService.GetCamera, pb.GetCameraRequest())
        return Camera.from_proto(resp.camera)


async def _fixes(
    fixes: Iterable[GnssFix] | AsyncIterable[GnssFix],
) -> AsyncIterator[pb.ReportPositionRequest]:
    if isinstance(fixes, AsyncIterable):
        async for fix in fixes:
            yield _fix_request(fix)
    else:
        for fix in fixes:
            yield _fix_request(fix)
