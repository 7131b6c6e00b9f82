"""Models of the maps service (``client.maps``): places, routes, guidance, markers, camera."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..v1 import maps_service_pb2 as maps_pb
from ..v1 import types_pb2
from ._common import ProtoEnum, time_or_none


class GuidanceStatus(ProtoEnum):
    """The state of turn-by-turn guidance."""

    UNSPECIFIED = "unspecified"
    IDLE = "idle"
    ACTIVE = "active"
    ARRIVED = "arrived"
    REROUTING = "rerouting"


@dataclass(frozen=True)
class LatLng:
    """A WGS-84 coordinate in degrees."""

    latitude_deg: float
    longitude_deg: float

    @classmethod
    def from_proto(cls, msg: types_pb2.LatLng) -> LatLng:
        return cls(msg.latitude_deg, msg.longitude_deg)

    def to_proto(self) -> types_pb2.LatLng:
        return types_pb2.LatLng(latitude_deg=self.latitude_deg, longitude_deg=self.longitude_deg)


@dataclass(frozen=True)
class Maneuver:
    """One turn-by-turn instruction."""

    kind: str
    position: LatLng
    street_name: str
    distance_from_start_m: float
    roundabout_exit: int
    instruction: str

    @classmethod
    def from_proto(cls, msg: types_pb2.Maneuver) -> Maneuver:
        kind = types_pb2.ManeuverKind.Name(msg.kind).removeprefix("MANEUVER_KIND_").lower()
        return cls(
            kind,
            LatLng.from_proto(msg.position),
            msg.street_name,
            msg.distance_from_start_m,
            msg.roundabout_exit,
            msg.instruction,
        )


@dataclass(frozen=True)
class Route:
    """A computed route."""

    route_id: str
    polyline: tuple[LatLng, ...]
    distance_m: float
    duration_s: float
    maneuvers: tuple[Maneuver, ...]

    @classmethod
    def from_proto(cls, msg: types_pb2.Route) -> Route:
        return cls(
            msg.route_id,
            tuple(LatLng.from_proto(p) for p in msg.polyline),
            msg.distance_m,
            msg.duration_s,
            tuple(Maneuver.from_proto(m) for m in msg.maneuvers),
        )


@dataclass(frozen=True)
class GuidanceState:
    """One update of turn-by-turn guidance."""

    status: GuidanceStatus
    position: LatLng
    heading_deg: float
    speed_kmh: float
    next_maneuver: Maneuver | None
    distance_to_next_m: float
    remaining_distance_m: float
    remaining_time_s: float
    eta: datetime | None
    route_id: str

    @classmethod
    def from_proto(cls, msg: types_pb2.GuidanceState) -> GuidanceState:
        return cls(
            GuidanceStatus.from_proto(msg.status, types_pb2.GuidanceStatus),
            LatLng.from_proto(msg.position),
            msg.heading_deg,
            msg.speed_kmh,
            Maneuver.from_proto(msg.next_maneuver) if msg.HasField("next_maneuver") else None,
            msg.distance_to_next_m,
            msg.remaining_distance_m,
            msg.remaining_time_s,
            time_or_none(msg.eta),
            msg.route_id,
        )


@dataclass(frozen=True)
class Place:
    """A named place from the head unit's map data.

    :param name: its name in the head unit's locale when the map data has one, else
        its local name.
    :param category: its OSM tag as ``key:value`` (``"amenity:cafe"``), or ``"street"``.
    :param distance_m: distance from the search's reference point (the vehicle by default).
    :param local_name: its name as on local signs (OSM ``name``); "" from older head units.
    """

    place_id: str
    name: str
    category: str
    position: LatLng
    address: str
    distance_m: float
    local_name: str = ""

    @classmethod
    def from_proto(cls, msg: maps_pb.Place) -> Place:
        return cls(
            msg.place_id,
            msg.name,
            msg.category,
            LatLng.from_proto(msg.position),
            msg.address,
            msg.distance_m,
            msg.local_name,
        )


class MarkerShape(ProtoEnum):
    """The outline of a map marker."""

    UNSPECIFIED = "unspecified"
    CIRCLE = "circle"
    SQUARE = "square"
    PIN = "pin"
    DIAMOND = "diamond"


@dataclass(frozen=True)
class MarkerStyle:
    """How a marker looks; colours are ``0xRRGGBBAA``."""

    shape: MarkerShape = MarkerShape.PIN
    fill_rgba: int = 0xE53935FF
    stroke_rgba: int = 0xFFFFFFFF
    glyph: str = ""
    label: str = ""
    min_zoom: float = 0.0

    @classmethod
    def from_proto(cls, msg: types_pb2.MarkerStyle) -> MarkerStyle:
        shape = MarkerShape.from_proto(msg.shape, types_pb2.MarkerShape)
        return cls(shape, msg.fill_rgba, msg.stroke_rgba, msg.glyph, msg.label, msg.min_zoom)

    def to_proto(self) -> types_pb2.MarkerStyle:
        return types_pb2.MarkerStyle(
            shape=self.shape.to_proto(types_pb2.MarkerShape),
            fill_rgba=self.fill_rgba,
            stroke_rgba=self.stroke_rgba,
            glyph=self.glyph,
            label=self.label,
            min_zoom=self.min_zoom,
        )


@dataclass(frozen=True)
class Marker:
    """A custom point of interest on the map."""

    marker_id: str
    position: LatLng
    style: MarkerStyle = MarkerStyle()

    @classmethod
    def from_proto(cls, msg: types_pb2.Marker) -> Marker:
        return cls(
            msg.marker_id, LatLng.from_proto(msg.position), MarkerStyle.from_proto(msg.style)
        )

    def to_proto(self) -> types_pb2.Marker:
        return types_pb2.Marker(
            marker_id=self.marker_id, position=self.position.to_proto(), style=self.style.to_proto()
        )


@dataclass(frozen=True)
class Camera:
    """The map view: centre, zoom (0–22), tilt (0–60°), whether it follows the vehicle."""

    center: LatLng | None = None
    zoom: float = 16.0
    tilt_deg: float = 0.0
    follow_vehicle: bool = True

    @classmethod
    def from_proto(cls, msg: types_pb2.Camera) -> Camera:
        return cls(LatLng.from_proto(msg.center), msg.zoom, msg.tilt_deg, msg.follow_vehicle)

    def to_proto(self) -> types_pb2.Camera:
        msg = types_pb2.Camera(
            zoom=self.zoom, tilt_deg=self.tilt_deg, follow_vehicle=self.follow_vehicle
        )
        if self.center is not None:
            msg.center.CopyFrom(self.center.to_proto())
        return msg


@dataclass(frozen=True)
class GnssFix:
    """A position report from the car's GNSS receiver."""

    position: LatLng
    speed_kmh: float = 0.0
    heading_deg: float = 0.0
    accuracy_m: float = 0.0

    def to_proto(self) -> maps_pb.ReportPositionRequest:
        return maps_pb.ReportPositionRequest(
            position=self.position.to_proto(),
            speed_kmh=self.speed_kmh,
            heading_deg=self.heading_deg,
            accuracy_m=self.accuracy_m,
        )
