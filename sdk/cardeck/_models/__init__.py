"""Typed models of the SDK's public API, and their one conversion to and from protobuf.

Every model is a frozen dataclass with ``from_proto`` (and ``to_proto`` where a
client sends it). This package is the only place that knows both worlds. Its
modules follow the services, as the ``_*_api.py`` modules do: ``_headunit``
(``Client`` itself), ``_events``, ``_layout``, ``_maps``, ``_voice``,
``_browser``, ``_packages`` and ``_simulator``; ``_common`` holds what they
share. Import from the package, not from its modules.
"""

from ._browser import BrowserState, Image, UrlPolicy
from ._events import (
    Event,
    EventBatch,
    EventData,
    EventKind,
    LayoutChange,
    MarkersChange,
    PanelFocus,
    PurePythonEvent,
    RouteChange,
    ServiceNotice,
    Snapshot,
)
from ._headunit import (
    ApiVersion,
    Capability,
    CapabilityStatus,
    DayNightMode,
    Display,
    DisplayRestrictions,
    DisplayRole,
    DriveRestrictions,
    Gear,
    ServerInfo,
    VehicleState,
    VehicleStateUpdate,
)
from ._layout import (
    PanelKind,
    ProfileSummary,
    ProfileValidation,
    display_layout_from_proto,
    display_layout_to_proto,
)
from ._maps import (
    Camera,
    GnssFix,
    GuidanceState,
    GuidanceStatus,
    LatLng,
    Maneuver,
    Marker,
    MarkerShape,
    MarkerStyle,
    Place,
    Route,
)
from ._packages import InstalledPackage, InstallPhase, InstallProgress
from ._simulator import HardKey, PanelHit, RotaryAction
from ._voice import (
    IntentInvocation,
    IntentSpec,
    PendingConfirmation,
    Recognition,
    Speech,
    Understanding,
    VoiceActivity,
    VoiceState,
)

__all__ = [
    "ApiVersion",
    "BrowserState",
    "Camera",
    "Capability",
    "CapabilityStatus",
    "DayNightMode",
    "Display",
    "DisplayRestrictions",
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
    "IntentSpec",
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
    "PendingConfirmation",
    "Place",
    "ProfileSummary",
    "ProfileValidation",
    "PurePythonEvent",
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
    "display_layout_from_proto",
    "display_layout_to_proto",
]
