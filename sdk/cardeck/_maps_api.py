"""``client.maps``: place search, routes, guidance, markers and the camera (MapsService)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any, overload

from google.protobuf.field_mask_pb2 import FieldMask

from ._exceptions import UsageError
from ._models import Camera, GnssFix, GuidanceState, LatLng, Marker, Place, Route
from ._paging import Page, aevery_page, every_page, page_of
from ._rpcs import MapsService
from ._seam import AsyncCaller, SyncCaller
from ._streams import AsyncStateStream, StateStream
from .v1 import maps_service_pb2 as pb
from .v1 import types_pb2

LatLngTypes = LatLng | tuple[float, float]


def _latlng(value: LatLngTypes) -> LatLng:
    """Normalise a LatLng or a (latitude, longitude) pair."""
    return value if isinstance(value, LatLng) else LatLng(float(value[0]), float(value[1]))


def _search_request(
    query: str,
    near: LatLngTypes | None,
    limit: int | None,
    page_size: int | None,
    page_token: str | None,
) -> pb.SearchPlacesRequest:
    paged = page_size is not None or page_token is not None
    if paged and limit is not None:
        raise UsageError("Give limit or page_size/page_token, not both: a page ignores limit.")
    request = pb.SearchPlacesRequest(
        query=query,
        limit=10 if limit is None else limit,
        page_size=page_size or 0,
        page_token=page_token or "",
    )
    if paged:
        request.ClearField("limit")
    if near is not None:
        request.near.CopyFrom(_latlng(near).to_proto())
    return request


def _places(resp: pb.SearchPlacesResponse, paged: bool) -> list[Place] | Page[Place]:
    places = [Place.from_proto(p) for p in resp.places]
    return page_of(places, resp) if paged else places


def _markers(resp: pb.ListMarkersResponse) -> Page[Marker]:
    return page_of([Marker.from_proto(m) for m in resp.markers], resp)


def _camera_request(
    camera: Camera | None,
    center: LatLngTypes | None,
    zoom: float | None,
    tilt_deg: float | None,
    follow_vehicle: bool | None,
) -> pb.SetCameraRequest:
    fields = {
        "center": center,
        "zoom": zoom,
        "tilt_deg": tilt_deg,
        "follow_vehicle": follow_vehicle,
    }
    named = [name for name, value in fields.items() if value is not None]
    if camera is not None:
        if named:
            raise UsageError(
                "Give a Camera (replaces the whole view) or keyword fields (change only "
                "those), not both."
            )
        return pb.SetCameraRequest(camera=camera.to_proto())
    if not named:
        raise UsageError(
            "Give a Camera, or at least one of center, zoom, tilt_deg, follow_vehicle."
        )
    msg = types_pb2.Camera(
        zoom=zoom or 0.0, tilt_deg=tilt_deg or 0.0, follow_vehicle=bool(follow_vehicle)
    )
    if center is not None:
        msg.center.CopyFrom(_latlng(center).to_proto())
    return pb.SetCameraRequest(camera=msg, update_mask=FieldMask(paths=named))


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

    @overload
    def search_places(
        self, query: str, *, near: LatLngTypes | None = None, limit: int | None = None
    ) -> list[Place]: ...
    @overload
    def search_places(
        self, query: str, *, near: LatLngTypes | None = None, page_size: int, page_token: str = ""
    ) -> Page[Place]: ...
    @overload
    def search_places(
        self, query: str, *, near: LatLngTypes | None = None, page_token: str, page_size: int = 0
    ) -> Page[Place]: ...
    def search_places(
        self,
        query: str,
        *,
        near: LatLngTypes | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> list[Place] | Page[Place]:
        """Places by name, prefix or near miss, best match and nearest first.

        Returns up to ``limit`` places (default 10, at most 100). Given
        ``page_size`` (1 to 100) or ``page_token``, returns one :class:`Page`
        instead; its ``next_page_token`` continues the same search, up to 500
        places in all.

        :param near: rank by distance from here; None uses the vehicle's position
            (later pages keep the position of the first).
        :raises InvalidArgumentError: empty query, bad position, limit over 100,
            a page_token of another search.
        """
        request = _search_request(query, near, limit, page_size, page_token)
        resp = self._c._unary(MapsService.SearchPlaces, request)
        return _places(resp, page_size is not None or page_token is not None)

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

    @overload
    def list_markers(self) -> list[Marker]: ...
    @overload
    def list_markers(self, *, page_size: int, page_token: str = "") -> Page[Marker]: ...
    @overload
    def list_markers(self, *, page_token: str, page_size: int = 0) -> Page[Marker]: ...
    def list_markers(
        self, *, page_size: int | None = None, page_token: str | None = None
    ) -> list[Marker] | Page[Marker]:
        """Every marker, sorted by id; given ``page_size`` (1 to 10,000) or
        ``page_token``, one :class:`Page` of them."""
        if page_size is None and page_token is None:
            return every_page(lambda token: self._marker_page(0, token))
        return self._marker_page(page_size or 0, page_token or "")

    def _marker_page(self, page_size: int, page_token: str) -> Page[Marker]:
        request = pb.ListMarkersRequest(page_size=page_size, page_token=page_token)
        return _markers(self._c._unary(MapsService.ListMarkers, request))

    def set_camera(
        self,
        camera: Camera | None = None,
        *,
        center: LatLngTypes | None = None,
        zoom: float | None = None,
        tilt_deg: float | None = None,
        follow_vehicle: bool | None = None,
    ) -> Camera:
        """Move the map view; returns the view in force.

        A :class:`Camera` replaces the whole view; keyword fields change only
        themselves (``set_camera(zoom=14)`` keeps the centre, tilt and follow),
        sent as an ``update_mask``.
        """
        request = _camera_request(camera, center, zoom, tilt_deg, follow_vehicle)
        return Camera.from_proto(self._c._unary(MapsService.SetCamera, request).camera)

    def camera(self) -> Camera:
        """The map view."""
        resp = self._c._unary(MapsService.GetCamera, pb.GetCameraRequest())
        return Camera.from_proto(resp.camera)


class AsyncMapsAPI:
    """The asyncio twin of :class:`MapsAPI`, as ``AsyncClient.maps``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    @overload
    async def search_places(
        self, query: str, *, near: LatLngTypes | None = None, limit: int | None = None
    ) -> list[Place]: ...
    @overload
    async def search_places(
        self, query: str, *, near: LatLngTypes | None = None, page_size: int, page_token: str = ""
    ) -> Page[Place]: ...
    @overload
    async def search_places(
        self, query: str, *, near: LatLngTypes | None = None, page_token: str, page_size: int = 0
    ) -> Page[Place]: ...
    async def search_places(
        self,
        query: str,
        *,
        near: LatLngTypes | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> list[Place] | Page[Place]:
        """Places by name, or one page of them (see :meth:`MapsAPI.search_places`)."""
        request = _search_request(query, near, limit, page_size, page_token)
        resp = await self._c._unary(MapsService.SearchPlaces, request)
        return _places(resp, page_size is not None or page_token is not None)

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

    @overload
    async def list_markers(self) -> list[Marker]: ...
    @overload
    async def list_markers(self, *, page_size: int, page_token: str = "") -> Page[Marker]: ...
    @overload
    async def list_markers(self, *, page_token: str, page_size: int = 0) -> Page[Marker]: ...
    async def list_markers(
        self, *, page_size: int | None = None, page_token: str | None = None
    ) -> list[Marker] | Page[Marker]:
        """Every marker, or one page of them (see :meth:`MapsAPI.list_markers`)."""
        if page_size is None and page_token is None:
            return await aevery_page(lambda token: self._marker_page(0, token))
        return await self._marker_page(page_size or 0, page_token or "")

    async def _marker_page(self, page_size: int, page_token: str) -> Page[Marker]:
        request = pb.ListMarkersRequest(page_size=page_size, page_token=page_token)
        return _markers(await self._c._unary(MapsService.ListMarkers, request))

    async def set_camera(
        self,
        camera: Camera | None = None,
        *,
        center: LatLngTypes | None = None,
        zoom: float | None = None,
        tilt_deg: float | None = None,
        follow_vehicle: bool | None = None,
    ) -> Camera:
        """Move the map view, wholly or field by field (see :meth:`MapsAPI.set_camera`)."""
        request = _camera_request(camera, center, zoom, tilt_deg, follow_vehicle)
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
