"""Typed models of the SDK's public API, and their one conversion to and from protobuf.

Every model is a frozen dataclass with ``from_proto`` (and ``to_proto`` where a
client sends it). This module is the only place that knows both worlds.
"""

from __future__ import annotations

import enum
import functools
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, final, overload

from google.protobuf import timestamp_pb2

from ._compiled import compiled_event
from ._exceptions import ProfileProblem
from .v1 import browser_service_pb2 as browser_pb
from .v1 import headunit_service_pb2 as hu_pb
from .v1 import layout_service_pb2 as layout_pb
from .v1 import maps_service_pb2 as maps_pb
from .v1 import types_pb2
from .v1 import voice_service_pb2 as voice_pb

if TYPE_CHECKING:
    from .layout import DisplayLayout as EngineDisplayLayout
    from .layout import Rect as LayoutRect

__all__ = [
    "ApiVersion",
    "BrowserState",
    "Camera",
    "Capability",
    "CapabilityStatus",
    "DayNightMode",
    "Display",
    "DisplayRole",
    "DriveRestrictions",
    "Event",
    "EventBatch",
    "EventData",
    "EventKind",
    "Gear",
    "GnssFix",
    "GuidanceState",
    "GuidanceStatus",
    "HardKey",
    "Image",
    "InstallPhase",
    "InstallProgress",
    "InstalledPackage",
    "IntentInvocation",
    "LatLng",
    "LayoutChange",
    "Maneuver",
    "Marker",
    "MarkerShape",
    "MarkerStyle",
    "MarkersChange",
    "PanelFocus",
    "PanelHit",
    "PanelKind",
    "Place",
    "ProfileSummary",
    "ProfileValidation",
    "Recognition",
    "RotaryAction",
    "Route",
    "RouteChange",
    "ServerInfo",
    "ServiceNotice",
    "Snapshot",
    "Speech",
    "Understanding",
    "UrlPolicy",
    "VehicleState",
    "VehicleStateUpdate",
    "VoiceActivity",
    "VoiceState",
]


def _time(stamp: timestamp_pb2.Timestamp) -> datetime | None:
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return stamp.ToDatetime(tzinfo=UTC)


class _ProtoEnum(enum.Enum):
    """An enum whose members map to a proto enum by name suffix.

    The SDK enum is named like the proto enum, whose values carry its name in
    UPPER_SNAKE_CASE as their prefix (buf's ENUM_VALUE_PREFIX rule): Gear ->
    GEAR_PARK, DayNightMode -> DAY_NIGHT_MODE_DAY.
    """

    @classmethod
    def _prefix(cls) -> str:
        return _proto_prefix(cls.__name__)

    @classmethod
    def from_proto(cls, value: int, names: object) -> _ProtoEnum:
        return _from_proto_cached(cls, value, names)

    def to_proto(self, names: object) -> int:
        return int(names.Value(self._prefix() + self.name))  # type: ignore[attr-defined]


@functools.cache
def _proto_prefix(class_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).upper() + "_"


@functools.cache
def _from_proto_cached(cls: type[_ProtoEnum], value: int, names: object) -> _ProtoEnum:
    # Cached: the name lookup costs more than the rest of a small model's conversion.
    return cls[names.Name(value).removeprefix(cls._prefix())]  # type: ignore[attr-defined]


class Gear(_ProtoEnum):
    """Transmission position."""

    UNSPECIFIED = "unspecified"
    PARK = "P"
    REVERSE = "R"
    NEUTRAL = "N"
    DRIVE = "D"


class DayNightMode(_ProtoEnum):
    """Theme selection."""

    UNSPECIFIED = "unspecified"
    AUTO = "auto"
    DAY = "day"
    NIGHT = "night"


class DisplayRole(_ProtoEnum):
    """What a display is for."""

    UNSPECIFIED = "unspecified"
    CENTER = "center"
    CLUSTER = "cluster"
    PASSENGER = "passenger"
    HUD = "hud"
    REAR = "rear"


class PanelKind(_ProtoEnum):
    """A panel of the head-unit UI."""

    UNSPECIFIED = "unspecified"
    STATUS_BAR = "status_bar"
    MAP = "map"
    VOICE = "voice"
    BROWSER = "browser"
    DOCK = "dock"
    GUIDANCE_CARD = "guidance_card"
    SPEED = "speed"
    NEXT_MANEUVER = "next_maneuver"


class Capability(_ProtoEnum):
    """A feature a head unit may provide."""

    UNSPECIFIED = "unspecified"
    VEHICLE_STATE = "vehicle_state"
    EVENTS = "events"
    LAYOUT = "layout"
    MAPS = "maps"
    GUIDANCE = "guidance"
    SPEECH_RECOGNITION = "speech_recognition"
    SPEECH_SYNTHESIS = "speech_synthesis"
    VOICE_INTENTS = "voice_intents"
    BROWSER = "browser"
    PACKAGES = "packages"
    SIMULATOR = "simulator"
    UI = "ui"
    WEBSOCKET_BRIDGE = "websocket_bridge"


class EventKind(_ProtoEnum):
    """The kind of an event, for filtering ``events()``."""

    UNSPECIFIED = "unspecified"
    VEHICLE_STATE = "vehicle_state"
    DRIVE_RESTRICTIONS = "drive_restrictions"
    LAYOUT = "layout"
    PANEL_FOCUS = "panel_focus"
    GUIDANCE = "guidance"
    MARKERS = "markers"
    VOICE = "voice"
    BROWSER = "browser"
    PACKAGES = "packages"
    SERVICE = "service"


class VoiceActivity(_ProtoEnum):
    """What the voice assistant is doing."""

    UNSPECIFIED = "unspecified"
    IDLE = "idle"
    LISTENING = "listening"
    PROCESSING = "processing"
    SPEAKING = "speaking"


class GuidanceStatus(_ProtoEnum):
    """The state of turn-by-turn guidance."""

    UNSPECIFIED = "unspecified"
    IDLE = "idle"
    ACTIVE = "active"
    ARRIVED = "arrived"
    REROUTING = "rerouting"


class InstallPhase(_ProtoEnum):
    """A step of a bundle installation."""

    UNSPECIFIED = "unspecified"
    RECEIVING = "receiving"
    VERIFYING = "verifying"
    STAGING = "staging"
    ACTIVATING = "activating"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class ApiVersion:
    """A cardeck API version; the same major version means compatible."""

    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @classmethod
    def from_proto(cls, msg: types_pb2.ApiVersion) -> ApiVersion:
        return cls(msg.major, msg.minor)

    def to_proto(self) -> types_pb2.ApiVersion:
        return types_pb2.ApiVersion(major=self.major, minor=self.minor)


@dataclass(frozen=True)
class CapabilityStatus:
    """Whether a capability works, and if not, why."""

    capability: Capability
    available: bool
    reason: str = ""

    @classmethod
    def from_proto(cls, msg: hu_pb.CapabilityStatus) -> CapabilityStatus:
        cap = Capability.from_proto(msg.capability, hu_pb.Capability)
        return cls(cap, msg.available, msg.reason)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Display:
    """One screen of the active vehicle profile."""

    display_id: str
    role: DisplayRole
    width_px: int
    height_px: int
    density_dpi: int
    physical_ppi: float
    diagonal_in: float

    @property
    def width_dp(self) -> float:
        """Width in density-independent pixels."""
        return self.width_px * 160 / self.density_dpi if self.density_dpi else float(self.width_px)

    @property
    def height_dp(self) -> float:
        """Height in density-independent pixels."""
        return (
            self.height_px * 160 / self.density_dpi if self.density_dpi else float(self.height_px)
        )

    @classmethod
    def from_proto(cls, msg: types_pb2.Display) -> Display:
        return cls(
            msg.display_id,
            DisplayRole.from_proto(msg.role, types_pb2.DisplayRole),  # type: ignore[arg-type]
            msg.width_px,
            msg.height_px,
            msg.density_dpi,
            msg.physical_ppi,
            msg.diagonal_in,
        )


@dataclass(frozen=True)
class ServerInfo:
    """What a head unit is and can do (``Client.info()``)."""

    api_version: ApiVersion
    server_version: str
    product_name: str
    run_id: str
    capabilities: tuple[CapabilityStatus, ...]
    active_profile_id: str
    displays: tuple[Display, ...]
    simulator: bool
    websocket_url: str = ""

    def has(self, capability: Capability) -> bool:
        """Whether the head unit provides ``capability`` now."""
        return any(c.capability is capability and c.available for c in self.capabilities)

    @classmethod
    def from_proto(cls, msg: hu_pb.GetInfoResponse) -> ServerInfo:
        return cls(
            ApiVersion.from_proto(msg.api_version),
            msg.server_version,
            msg.product_name,
            msg.run_id,
            tuple(CapabilityStatus.from_proto(c) for c in msg.capabilities),
            msg.active_profile_id,
            tuple(Display.from_proto(d) for d in msg.displays),
            msg.simulator,
            msg.websocket_url,
        )


@dataclass(frozen=True)
class VehicleState:
    """What the car reports about itself."""

    speed_kmh: float
    gear: Gear
    parking_brake_on: bool
    night: bool
    day_night_mode: DayNightMode
    update_time: datetime | None = None

    @classmethod
    def from_proto(cls, msg: types_pb2.VehicleState) -> VehicleState:
        return cls(
            msg.speed_kmh,
            Gear.from_proto(msg.gear, types_pb2.Gear),  # type: ignore[arg-type]
            msg.parking_brake_on,
            msg.night,
            DayNightMode.from_proto(msg.day_night_mode, types_pb2.DayNightMode),  # type: ignore[arg-type]
            _time(msg.update_time),
        )


@dataclass(frozen=True)
class VehicleStateUpdate:
    """Fields to change in the vehicle state; ``None`` leaves a field as it is."""

    speed_kmh: float | None = None
    gear: Gear | None = None
    parking_brake_on: bool | None = None
    night: bool | None = None
    day_night_mode: DayNightMode | None = None

    def to_proto(self) -> hu_pb.VehicleStateUpdate:
        msg = hu_pb.VehicleStateUpdate()
        if self.speed_kmh is not None:
            msg.speed_kmh = self.speed_kmh
        if self.gear is not None:
            msg.gear = self.gear.to_proto(types_pb2.Gear)  # type: ignore[assignment]
        if self.parking_brake_on is not None:
            msg.parking_brake_on = self.parking_brake_on
        if self.night is not None:
            msg.night = self.night
        if self.day_night_mode is not None:
            msg.day_night_mode = self.day_night_mode.to_proto(types_pb2.DayNightMode)  # type: ignore[assignment]
        return msg


@dataclass(frozen=True)
class DriveRestrictions:
    """What the UI locks while the vehicle moves."""

    parked: bool
    browser_locked: bool
    keyboard_locked: bool
    video_locked: bool
    max_list_items: int
    reason: str

    @classmethod
    def from_proto(cls, msg: types_pb2.DriveRestrictions) -> DriveRestrictions:
        return cls(
            msg.parked,
            msg.browser_locked,
            msg.keyboard_locked,
            msg.video_locked,
            msg.max_list_items,
            msg.reason,
        )


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
            GuidanceStatus.from_proto(msg.status, types_pb2.GuidanceStatus),  # type: ignore[arg-type]
            LatLng.from_proto(msg.position),
            msg.heading_deg,
            msg.speed_kmh,
            Maneuver.from_proto(msg.next_maneuver) if msg.HasField("next_maneuver") else None,
            msg.distance_to_next_m,
            msg.remaining_distance_m,
            msg.remaining_time_s,
            _time(msg.eta),
            msg.route_id,
        )


@dataclass(frozen=True)
class VoiceState:
    """What the voice panel shows."""

    activity: VoiceActivity
    transcript: str
    intent_id: str
    spoken_text: str

    @classmethod
    def from_proto(cls, msg: types_pb2.VoiceState) -> VoiceState:
        activity = VoiceActivity.from_proto(msg.activity, types_pb2.VoiceActivity)
        return cls(activity, msg.transcript, msg.intent_id, msg.spoken_text)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BrowserState:
    """What the browser panel shows."""

    url: str
    title: str
    loading: bool
    progress: float
    can_go_back: bool
    can_go_forward: bool
    blocked_reason: str
    locked: bool
    available: bool
    #: Chromium's network error for the last navigation (``net::ERR_CONNECTION_REFUSED``),
    #: "" when it loaded.
    load_error: str = ""

    @classmethod
    def from_proto(cls, msg: types_pb2.BrowserState) -> BrowserState:
        return cls(
            msg.url,
            msg.title,
            msg.loading,
            msg.progress,
            msg.can_go_back,
            msg.can_go_forward,
            msg.blocked_reason,
            msg.locked,
            msg.available,
            msg.load_error,
        )


@dataclass(frozen=True)
class InstallProgress:
    """Progress of one bundle installation."""

    install_id: str
    package_name: str
    version: str
    phase: InstallPhase
    fraction: float
    message: str

    @classmethod
    def from_proto(cls, msg: types_pb2.InstallProgress) -> InstallProgress:
        return cls(
            msg.install_id,
            msg.package_name,
            msg.version,
            InstallPhase.from_proto(msg.phase, types_pb2.InstallPhase),  # type: ignore[arg-type]
            msg.fraction,
            msg.message,
        )


@dataclass(frozen=True)
class LayoutChange:
    """The active profile or its layout changed."""

    profile_id: str
    reason: str


@dataclass(frozen=True)
class PanelFocus:
    """A panel was focused."""

    display_id: str
    panel: PanelKind


@dataclass(frozen=True)
class RouteChange:
    """The active route was set, replaced or cleared (``route`` is None)."""

    route: Route | None
    reason: str


@dataclass(frozen=True)
class MarkersChange:
    """Markers were added or removed."""

    added_marker_ids: tuple[str, ...]
    removed_marker_ids: tuple[str, ...]


@dataclass(frozen=True)
class ServiceNotice:
    """A service-level happening, e.g. a restarted browser engine."""

    severity: str
    code: str
    message: str


EventData = (
    VehicleState
    | DriveRestrictions
    | LayoutChange
    | PanelFocus
    | GuidanceState
    | RouteChange
    | MarkersChange
    | VoiceState
    | BrowserState
    | InstallProgress
    | ServiceNotice
)


def _event_data(msg: types_pb2.Event) -> tuple[EventKind, EventData]:
    which = msg.WhichOneof("payload")
    if which == "vehicle_state_changed":
        return EventKind.VEHICLE_STATE, VehicleState.from_proto(msg.vehicle_state_changed.state)
    if which == "drive_restrictions_changed":
        restrictions = msg.drive_restrictions_changed.restrictions
        return EventKind.DRIVE_RESTRICTIONS, DriveRestrictions.from_proto(restrictions)
    if which == "layout_changed":
        c = msg.layout_changed
        return EventKind.LAYOUT, LayoutChange(c.profile_id, c.reason)
    if which == "panel_focus_changed":
        f = msg.panel_focus_changed
        panel = PanelKind.from_proto(f.panel, types_pb2.PanelKind)
        return EventKind.PANEL_FOCUS, PanelFocus(f.display_id, panel)  # type: ignore[arg-type]
    if which == "guidance_changed":
        return EventKind.GUIDANCE, GuidanceState.from_proto(msg.guidance_changed.state)
    if which == "route_changed":
        r = msg.route_changed
        route = Route.from_proto(r.route) if r.HasField("route") else None
        return EventKind.GUIDANCE, RouteChange(route, r.reason)
    if which == "markers_changed":
        m = msg.markers_changed
        return EventKind.MARKERS, MarkersChange(
            tuple(m.added_marker_ids), tuple(m.removed_marker_ids)
        )
    if which == "voice_state_changed":
        return EventKind.VOICE, VoiceState.from_proto(msg.voice_state_changed.state)
    if which == "browser_state_changed":
        return EventKind.BROWSER, BrowserState.from_proto(msg.browser_state_changed.state)
    if which == "package_install_changed":
        return EventKind.PACKAGES, InstallProgress.from_proto(msg.package_install_changed.progress)
    if which == "service_notice":
        n = msg.service_notice
        severity = types_pb2.NoticeSeverity.Name(n.severity).removeprefix("NOTICE_SEVERITY_")
        return EventKind.SERVICE, ServiceNotice(severity.lower(), n.code, n.message)
    raise ValueError(
        f"Event {msg.seq} has payload {which!r}, which this SDK does not know; upgrade cardeck."
    )


_KIND_OF_PAYLOAD = {
    "vehicle_state_changed": EventKind.VEHICLE_STATE,
    "drive_restrictions_changed": EventKind.DRIVE_RESTRICTIONS,
    "layout_changed": EventKind.LAYOUT,
    "panel_focus_changed": EventKind.PANEL_FOCUS,
    "guidance_changed": EventKind.GUIDANCE,
    "route_changed": EventKind.GUIDANCE,
    "markers_changed": EventKind.MARKERS,
    "voice_state_changed": EventKind.VOICE,
    "browser_state_changed": EventKind.BROWSER,
    "package_install_changed": EventKind.PACKAGES,
    "service_notice": EventKind.SERVICE,
}


@final
class Event:
    """One change of head-unit state.

    ``seq`` (an ``int`` attribute, read-only by convention) increases by one
    per event within a head-unit run (``run_id``);
    ``data`` is the typed payload, its type given by ``kind``. ``time`` and
    ``data`` are converted from the wire message when first read, so a
    subscriber that filters on ``kind`` or ``seq`` pays only for what it uses.
    """

    __slots__ = ("_data", "_msg", "_time", "seq")

    seq: int
    """Sequence number within the run (read it, do not set it)."""

    _data: EventData
    _time: datetime | None

    def __init__(self, msg: types_pb2.Event) -> None:
        # Streams build one Event per delivered event, so this stays at two
        # assignments: seq is read by nearly every subscriber and the stream
        # itself, a slot read costs a tenth of the wire message's getter, and
        # time and data are converted (and cached in their slots) on first read.
        self._msg = msg
        self.seq = msg.seq

    def __init_subclass__(cls) -> None:
        # Streams build cardeck.Event, never a subclass; and the compiled type
        # (see below) cannot be subclassed, so neither can this one.
        raise TypeError("cardeck.Event is final: wrap it or convert it instead of subclassing")

    @classmethod
    def from_proto(cls, msg: types_pb2.Event) -> Event:
        return cls(msg)

    def to_proto(self) -> types_pb2.Event:
        return self._msg

    @property
    def run_id(self) -> str:
        """The head-unit run the seq belongs to."""
        return self._msg.run_id

    @property
    def kind(self) -> EventKind:
        """What kind of change this is."""
        which = self._msg.WhichOneof("payload")
        if which is None or which not in _KIND_OF_PAYLOAD:
            raise ValueError(
                f"Event {self.seq} has payload {which!r}, which this SDK does not know; "
                "upgrade cardeck."
            )
        return _KIND_OF_PAYLOAD[which]

    @property
    def time(self) -> datetime | None:
        """When the change happened."""
        try:
            return self._time
        except AttributeError:
            self._time = _time(self._msg.time)
            return self._time

    @property
    def data(self) -> EventData:
        """The typed payload."""
        try:
            return self._data
        except AttributeError:
            self._data = _event_data(self._msg)[1]
            return self._data

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._msg == self._msg

    def __hash__(self) -> int:
        return hash((self.run_id, self.seq))

    def __repr__(self) -> str:
        return (
            f"Event(seq={self.seq}, run_id={self.run_id!r}, kind={self.kind}, data={self.data!r})"
        )

    def __reduce__(self) -> tuple[type[Event], tuple[types_pb2.Event]]:
        # By name, so a pickle always loads as this process's Event, compiled or not.
        return Event, (self._msg,)


# The class above is the whole definition of Event; where the package was built
# with a C compiler, Event becomes the compiled type with the same methods and a
# cheaper construction (see _event_type.c). Tests check that both behave alike.
PurePythonEvent = Event
if not TYPE_CHECKING:
    Event = compiled_event(Event)


class EventBatch(Sequence[Event]):
    """The events that arrived in one message from the head unit, in seq order.

    Streams hand these out from ``batches()``, the path for high event rates:
    a whole batch costs one step of the stream instead of one per event. The
    Events are built as you iterate or index (iterating twice builds equal,
    not identical, Events); ``list(batch)`` keeps them.
    """

    __slots__ = ("_msgs",)

    def __init__(self, msgs: Sequence[types_pb2.Event]) -> None:
        self._msgs = msgs

    @property
    def first_seq(self) -> int:
        """The seq of the first event."""
        return self._msgs[0].seq

    @property
    def last_seq(self) -> int:
        """The seq of the last event."""
        return self._msgs[-1].seq

    def __iter__(self) -> Iterator[Event]:
        # map() builds each Event as it is consumed, so the wire message's
        # wrapper dies with it instead of all of them living for the batch.
        return map(Event, self._msgs)

    def __len__(self) -> int:
        return len(self._msgs)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [Event(m) for m in self._msgs[index]]
        return Event(self._msgs[index])

    def __repr__(self) -> str:
        if not self._msgs:
            return "EventBatch([])"
        return f"EventBatch({len(self)} events, seq {self.first_seq}..{self.last_seq})"


@dataclass(frozen=True)
class Snapshot:
    """The head unit's state at one seq, sent first on a new event subscription.

    Every panel's state is in it (voice, browser, guidance); each is None only when the
    head unit is older than the field.
    """

    seq: int
    run_id: str
    vehicle_state: VehicleState
    drive_restrictions: DriveRestrictions
    active_profile_id: str
    events_lost: bool = False
    voice_state: VoiceState | None = None
    browser_state: BrowserState | None = None
    guidance_state: GuidanceState | None = None

    @classmethod
    def from_proto(cls, msg: types_pb2.StateSnapshot, events_lost: bool = False) -> Snapshot:
        return cls(
            msg.seq,
            msg.run_id,
            VehicleState.from_proto(msg.vehicle_state),
            DriveRestrictions.from_proto(msg.drive_restrictions),
            msg.active_profile_id,
            events_lost,
            VoiceState.from_proto(msg.voice_state) if msg.HasField("voice_state") else None,
            BrowserState.from_proto(msg.browser_state) if msg.HasField("browser_state") else None,
            GuidanceState.from_proto(msg.guidance_state)
            if msg.HasField("guidance_state")
            else None,
        )


# -- layouts ------------------------------------------------------------------------
# The SDK returns the layout engine's own result types (cardeck.layout), so a
# layout computed by a head unit and one solved locally compare equal.

_SEVERITY_TO_PROTO = {
    "info": layout_pb.DIAGNOSTIC_SEVERITY_INFO,
    "warning": layout_pb.DIAGNOSTIC_SEVERITY_WARNING,
    "error": layout_pb.DIAGNOSTIC_SEVERITY_ERROR,
}
_SEVERITY_FROM_PROTO = {v: k for k, v in _SEVERITY_TO_PROTO.items()}


def _rect_to_proto(rect: LayoutRect) -> types_pb2.Rect:
    return types_pb2.Rect(x=rect.x, y=rect.y, width=rect.width, height=rect.height)


def _rect_from_proto(msg: types_pb2.Rect, whole: bool) -> LayoutRect:
    from .layout import Rect

    if whole:  # px rects hold whole numbers
        return Rect(int(msg.x), int(msg.y), int(msg.width), int(msg.height))
    return Rect(msg.x, msg.y, msg.width, msg.height)


def display_layout_to_proto(
    layout: EngineDisplayLayout, display: types_pb2.Display
) -> layout_pb.DisplayLayout:
    """Convert an engine layout to ``cardeck.v1.DisplayLayout``."""
    return layout_pb.DisplayLayout(
        display=display,
        aspect_class=layout.aspect_class,
        width_class=layout.width_class,
        safe_area_px=_rect_to_proto(layout.safe_area),
        panels=[
            layout_pb.PanelLayout(
                panel_id=p.panel_id,
                kind=PanelKind[p.kind.upper()].to_proto(types_pb2.PanelKind),  # type: ignore[arg-type]
                visible=p.visible,
                rect_px=_rect_to_proto(p.rect_px),
                rect_dp=_rect_to_proto(p.rect_dp),
                collapsed_reason=p.collapsed_reason,
            )
            for p in layout.panels
        ],
        min_text_px=layout.min_text_px,
        min_touch_px=layout.min_touch_px,
        diagnostics=[
            layout_pb.Diagnostic(
                severity=_SEVERITY_TO_PROTO[d.severity],
                rule=d.rule,
                message=d.message,
                display_id=layout.display_id,
                panel_id=d.panel_id,
            )
            for d in layout.diagnostics
        ],
    )


def display_layout_from_proto(msg: layout_pb.DisplayLayout) -> EngineDisplayLayout:
    """Convert ``cardeck.v1.DisplayLayout`` to the engine's ``DisplayLayout``."""
    from .layout import Diagnostic as EngineDiagnostic
    from .layout import DisplayLayout, PanelLayout

    return DisplayLayout(
        display_id=msg.display.display_id,
        width_px=msg.display.width_px,
        height_px=msg.display.height_px,
        density_dpi=msg.display.density_dpi,
        aspect_class=msg.aspect_class,  # type: ignore[arg-type]
        width_class=msg.width_class,  # type: ignore[arg-type]
        safe_area=_rect_from_proto(msg.safe_area_px, whole=True),
        panels=tuple(
            PanelLayout(
                panel_id=p.panel_id,
                kind=PanelKind.from_proto(p.kind, types_pb2.PanelKind).value,
                visible=p.visible,
                rect_px=_rect_from_proto(p.rect_px, whole=True),
                rect_dp=_rect_from_proto(p.rect_dp, whole=False),
                collapsed_reason=p.collapsed_reason,
            )
            for p in msg.panels
        ),
        min_text_px=int(msg.min_text_px),
        min_touch_px=int(msg.min_touch_px),
        diagnostics=tuple(
            EngineDiagnostic(
                severity=_SEVERITY_FROM_PROTO.get(d.severity, "info"),  # type: ignore[arg-type]
                rule=d.rule,
                message=d.message,
                panel_id=d.panel_id,
            )
            for d in msg.diagnostics
        ),
        role=DisplayRole.from_proto(msg.display.role, types_pb2.DisplayRole).value,
    )


@dataclass(frozen=True)
class ProfileSummary:
    """A vehicle profile a head unit knows (``Client.list_profiles()``).

    ``yaml`` holds the profile's source text from ``get_profile`` and is empty
    in lists.
    """

    profile_id: str
    name: str
    displays: tuple[Display, ...]
    source: str
    package_name: str = ""
    yaml: str = ""

    @classmethod
    def from_proto(cls, msg: layout_pb.ProfileSummary, yaml: str = "") -> ProfileSummary:
        source = layout_pb.ProfileSource.Name(msg.source).removeprefix("PROFILE_SOURCE_")
        return cls(
            msg.profile_id,
            msg.name,
            tuple(Display.from_proto(d) for d in msg.displays),
            source.lower(),
            msg.package_name,
            yaml,
        )


@dataclass(frozen=True)
class ProfileValidation:
    """The result of a dry run of a profile (``Client.validate_profile()``).

    :param valid: whether the profile parsed and every display can be laid out.
    :param problems: every mistake, with file, line, column and field.
    :param layouts: the solved layout of each display, when it parsed.
    """

    valid: bool
    problems: tuple[ProfileProblem, ...]
    layouts: dict[str, EngineDisplayLayout]

    @classmethod
    def from_proto(cls, msg: layout_pb.ValidateProfileResponse, filename: str) -> ProfileValidation:
        problems = tuple(
            ProfileProblem(filename, d.line, d.column, d.field, d.message)
            for d in msg.diagnostics
            if d.severity == layout_pb.DIAGNOSTIC_SEVERITY_ERROR
        )
        layouts = {
            layout.display.display_id: display_layout_from_proto(layout) for layout in msg.layouts
        }
        return cls(msg.valid, problems, layouts)


@dataclass(frozen=True)
class UrlPolicy:
    """Which URLs the browser panel may open.

    :param allowed_schemes: lower-case schemes; file, javascript and data are
        refused unless listed.
    :param allowed_hosts: host names or ``*.domain`` patterns; empty allows any host.
    """

    allowed_schemes: tuple[str, ...] = ("http", "https", "about")
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def from_proto(cls, msg: browser_pb.UrlPolicy) -> UrlPolicy:
        return cls(tuple(msg.allowed_schemes), tuple(msg.allowed_hosts))

    def to_proto(self) -> browser_pb.UrlPolicy:
        return browser_pb.UrlPolicy(
            allowed_schemes=list(self.allowed_schemes), allowed_hosts=list(self.allowed_hosts)
        )


@dataclass(frozen=True)
class Image:
    """A PNG: a browser capture or a display screenshot."""

    png: bytes
    width_px: int
    height_px: int

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the PNG to a file."""
        with open(path, "wb") as f:
            f.write(self.png)


class RotaryAction(_ProtoEnum):
    """What the rotary controller did."""

    UNSPECIFIED = "unspecified"
    ROTATE_CLOCKWISE = "rotate_clockwise"
    ROTATE_COUNTERCLOCKWISE = "rotate_counterclockwise"
    PUSH = "push"
    NUDGE_UP = "nudge_up"
    NUDGE_DOWN = "nudge_down"
    NUDGE_LEFT = "nudge_left"
    NUDGE_RIGHT = "nudge_right"
    BACK = "back"


class HardKey(_ProtoEnum):
    """A hardware key of the head unit or the steering wheel."""

    UNSPECIFIED = "unspecified"
    HOME = "home"
    BACK = "back"
    PUSH_TO_TALK = "push_to_talk"
    MEDIA_NEXT = "media_next"
    MEDIA_PREVIOUS = "media_previous"


@dataclass(frozen=True)
class PanelHit:
    """Which panel a tap or the rotary focus landed on; ``panel_id`` is "" for none."""

    display_id: str
    panel_id: str
    panel: PanelKind = PanelKind.UNSPECIFIED


@dataclass(frozen=True)
class Understanding:
    """What an utterance or typed text means.

    :param transcript: the normalised words.
    :param intent_id: the intent matched; "" when nothing matched.
    :param slots: slot values by name, e.g. ``{"place": "central railway station"}``.
    :param confidence: 0 to 1.
    :param builtin: whether the intent is built in (False: an OEM client's).
    :param action_result: what a built-in intent did, or an OEM client's answer, as a sentence.
    :param answer_wav: the head unit's spoken ``action_result`` as WAV; empty when silent.
    """

    transcript: str
    intent_id: str
    slots: dict[str, str]
    confidence: float
    builtin: bool
    action_result: str = ""
    answer_wav: bytes = field(default=b"", repr=False)

    @property
    def matched(self) -> bool:
        """Whether an intent matched."""
        return bool(self.intent_id)

    @classmethod
    def from_proto(cls, msg: types_pb2.Understanding) -> Understanding:
        return cls(
            msg.transcript,
            msg.intent_id,
            {s.name: s.value for s in msg.slots},
            msg.confidence,
            msg.builtin,
            msg.action_result,
            msg.answer_wav,
        )


# -- maps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A named place from the head unit's map data.

    :param distance_m: distance from the search's reference point (the vehicle by default).
    """

    place_id: str
    name: str
    category: str
    position: LatLng
    address: str
    distance_m: float

    @classmethod
    def from_proto(cls, msg: maps_pb.Place) -> Place:
        return cls(
            msg.place_id,
            msg.name,
            msg.category,
            LatLng.from_proto(msg.position),
            msg.address,
            msg.distance_m,
        )


class MarkerShape(_ProtoEnum):
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
        return cls(shape, msg.fill_rgba, msg.stroke_rgba, msg.glyph, msg.label, msg.min_zoom)  # type: ignore[arg-type]

    def to_proto(self) -> types_pb2.MarkerStyle:
        return types_pb2.MarkerStyle(
            shape=self.shape.to_proto(types_pb2.MarkerShape),  # type: ignore[arg-type]
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


# -- voice -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """Synthesised speech: RIFF WAV bytes and their duration."""

    wav: bytes
    duration_s: float


@dataclass(frozen=True)
class Recognition:
    """The result of a Recognize stream: partial transcripts, then the final understanding."""

    transcript: str
    understanding: Understanding
    partials: tuple[str, ...]
    wake_phrase_detected: bool


@dataclass(frozen=True)
class IntentInvocation:
    """An utterance that matched one of this client's intents (``intent_id`` as registered)."""

    invocation_id: str
    intent_id: str
    slots: dict[str, str]
    transcript: str

    @classmethod
    def from_proto(cls, msg: voice_pb.IntentInvocation) -> IntentInvocation:
        slots = {s.name: s.value for s in msg.slots}
        return cls(msg.invocation_id, msg.intent_id, slots, msg.transcript)


# -- packages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledPackage:
    """A bundle installed on the head unit.

    :param previous_version: the version kept for rollback; "" when none.
    :param profile_ids: vehicle profiles the bundle provides.
    """

    name: str
    version: str
    install_time: datetime | None
    signer_key_id: str
    previous_version: str
    profile_ids: tuple[str, ...]

    @classmethod
    def from_proto(cls, msg: types_pb2.InstalledPackage) -> InstalledPackage:
        return cls(
            msg.name,
            msg.version,
            _time(msg.install_time),
            msg.signer_key_id,
            msg.previous_version,
            tuple(msg.profile_ids),
        )
