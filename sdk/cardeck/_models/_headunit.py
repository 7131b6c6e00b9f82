"""Models of the head unit's own service: what the unit is and shows (``Client.info()``),
and what the car reports (vehicle state, drive restrictions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..i18n import DEFAULT_LOCALE, LocaleInfo
from ..v1 import headunit_service_pb2 as hu_pb
from ..v1 import types_pb2
from ._common import ProtoEnum, time_or_none


class Gear(ProtoEnum):
    """Transmission position."""

    UNSPECIFIED = "unspecified"
    PARK = "P"
    REVERSE = "R"
    NEUTRAL = "N"
    DRIVE = "D"


class DayNightMode(ProtoEnum):
    """Theme selection."""

    UNSPECIFIED = "unspecified"
    AUTO = "auto"
    DAY = "day"
    NIGHT = "night"


class DisplayRole(ProtoEnum):
    """What a display is for."""

    UNSPECIFIED = "unspecified"
    CENTER = "center"
    CLUSTER = "cluster"
    PASSENGER = "passenger"
    HUD = "hud"
    REAR = "rear"
    CONSOLE = "console"
    PILOT = "pilot"


class Capability(ProtoEnum):
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
        return cls(cap, msg.available, msg.reason)


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
            DisplayRole.from_proto(msg.role, types_pb2.DisplayRole),
            msg.width_px,
            msg.height_px,
            msg.density_dpi,
            msg.physical_ppi,
            msg.diagonal_in,
        )


def locale_from_proto(msg: types_pb2.Locale) -> LocaleInfo:
    """A head unit's locale as :class:`cardeck.i18n.LocaleInfo`."""
    return LocaleInfo(msg.tag, msg.base or msg.tag, msg.rtl, msg.pseudo, msg.name)


def locale_to_proto(info: LocaleInfo) -> types_pb2.Locale:
    """The wire form of a :class:`cardeck.i18n.LocaleInfo`."""
    return types_pb2.Locale(
        tag=info.tag, name=info.name, rtl=info.rtl, pseudo=info.pseudo, base=info.base
    )


@dataclass(frozen=True)
class ServerInfo:
    """What a head unit is and can do (``Client.info()``).

    ``locale`` is the tag of the head unit's locale (``"en"`` from head units
    that predate locales), ``rtl`` whether its text runs right to left, and
    ``supported_locales`` every locale ``set_locale()`` takes.
    """

    api_version: ApiVersion
    server_version: str
    product_name: str
    run_id: str
    capabilities: tuple[CapabilityStatus, ...]
    active_profile_id: str
    displays: tuple[Display, ...]
    simulator: bool
    websocket_url: str = ""
    locale: str = DEFAULT_LOCALE
    rtl: bool = False
    supported_locales: tuple[LocaleInfo, ...] = ()

    @property
    def locale_info(self) -> LocaleInfo | None:
        """The current locale among ``supported_locales`` (None from head units without them)."""
        return next((info for info in self.supported_locales if info.tag == self.locale), None)

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
            msg.locale.tag or DEFAULT_LOCALE,
            msg.locale.rtl,
            tuple(locale_from_proto(info) for info in msg.supported_locales),
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
            Gear.from_proto(msg.gear, types_pb2.Gear),
            msg.parking_brake_on,
            msg.night,
            DayNightMode.from_proto(msg.day_night_mode, types_pb2.DayNightMode),
            time_or_none(msg.update_time),
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
            msg.gear = self.gear.to_proto(types_pb2.Gear)
        if self.parking_brake_on is not None:
            msg.parking_brake_on = self.parking_brake_on
        if self.night is not None:
            msg.night = self.night
        if self.day_night_mode is not None:
            msg.day_night_mode = self.day_night_mode.to_proto(types_pb2.DayNightMode)
        return msg


@dataclass(frozen=True)
class DisplayRestrictions:
    """What is locked on one display; only displays the driver can see lock while driving."""

    display_id: str
    driver_visible: bool
    browser_locked: bool
    keyboard_locked: bool
    video_locked: bool
    max_list_items: int

    @classmethod
    def from_proto(cls, msg: types_pb2.DisplayRestrictions) -> DisplayRestrictions:
        return cls(
            msg.display_id,
            msg.driver_visible,
            msg.browser_locked,
            msg.keyboard_locked,
            msg.video_locked,
            msg.max_list_items,
        )


@dataclass(frozen=True)
class DriveRestrictions:
    """What the UI locks while the vehicle moves.

    The top-level fields describe the displays the driver can see; ``displays``
    says it per display (empty from head units that predate it).
    """

    parked: bool
    browser_locked: bool
    keyboard_locked: bool
    video_locked: bool
    max_list_items: int
    reason: str
    displays: tuple[DisplayRestrictions, ...] = ()

    @classmethod
    def from_proto(cls, msg: types_pb2.DriveRestrictions) -> DriveRestrictions:
        return cls(
            msg.parked,
            msg.browser_locked,
            msg.keyboard_locked,
            msg.video_locked,
            msg.max_list_items,
            msg.reason,
            tuple(DisplayRestrictions.from_proto(d) for d in msg.displays),
        )

    def for_display(self, display_id: str) -> DisplayRestrictions | None:
        """The restrictions of one display, or None when the head unit does not list it."""
        return next((d for d in self.displays if d.display_id == display_id), None)
