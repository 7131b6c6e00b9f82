"""CarDeck: the SDK for car head units with maps, voice and browser panels.

Connect to a head unit (a car, or the ``cardeck sim`` reference head unit)::

    import cardeck

    with cardeck.connect("127.0.0.1:50051") as client:
        info = client.info()
        print(info.product_name, [d.display_id for d in info.displays])

The layout engine lives in :mod:`cardeck.layout`, the generated protobuf code
in :mod:`cardeck.v1` for power users. Importing ``cardeck`` never imports kivy.
"""

import warnings
from importlib.metadata import PackageNotFoundError, version

from ._browser_api import AsyncBrowserAPI, BrowserAPI
from ._client import (
    API_VERSION,
    AsyncClient,
    AsyncEventStream,
    Client,
    ClientState,
    ConnectionState,
    EventStream,
    TLSConfig,
    connect,
    connect_async,
)
from ._exceptions import (
    AbortedError,
    AlreadyExistsError,
    CallCancelledError,
    CarDeckError,
    DataLossError,
    DeadlineExceededError,
    DeployError,
    DeviceNotFoundError,
    FailedPreconditionError,
    FieldViolation,
    IncompatibleServerError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    OutOfRangeError,
    PermissionDeniedError,
    ProfileError,
    ProfileProblem,
    ResourceExhaustedError,
    SigningError,
    StatusError,
    TransportError,
    UnauthenticatedError,
    UnavailableError,
    UnimplementedError,
    UnknownError,
    UsageError,
)
from ._layout_api import AsyncLayoutAPI, LayoutAPI
from ._maps_api import AsyncMapsAPI, MapsAPI
from ._models import (
    ApiVersion,
    BrowserState,
    Camera,
    Capability,
    CapabilityStatus,
    DayNightMode,
    Display,
    DisplayRestrictions,
    DisplayRole,
    DriveRestrictions,
    Event,
    EventBatch,
    EventData,
    EventKind,
    Gear,
    GnssFix,
    GuidanceState,
    GuidanceStatus,
    HardKey,
    Image,
    InstalledPackage,
    InstallPhase,
    InstallProgress,
    IntentInvocation,
    IntentSpec,
    LatLng,
    LayoutChange,
    LocaleChange,
    Maneuver,
    Marker,
    MarkersChange,
    MarkerShape,
    MarkerStyle,
    PanelFocus,
    PanelHit,
    PanelKind,
    PendingConfirmation,
    Place,
    ProfileSummary,
    ProfileValidation,
    Recognition,
    RotaryAction,
    Route,
    RouteChange,
    ServerInfo,
    ServiceNotice,
    SignalsChange,
    SignalValue,
    Snapshot,
    Speech,
    Understanding,
    UrlPolicy,
    VehicleState,
    VehicleStateUpdate,
    VoiceActivity,
    VoiceState,
)
from ._packages_api import AsyncPackagesAPI, PackagesAPI
from ._paging import Page
from ._retry import ReconnectPolicy
from ._signals_api import AsyncSignalProvider, AsyncSignalsAPI, SignalProvider, SignalsAPI
from ._simulator_api import AsyncSimulatorAPI, SimulatorAPI
from ._streams import AsyncStateStream, StateStream
from ._voice_api import AsyncIntentSession, AsyncVoiceAPI, IntentSession, VoiceAPI

try:
    __version__ = version("cardeck")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0.0.0+unknown"


__all__ = [
    "API_VERSION",
    "AbortedError",
    "AlreadyExistsError",
    "ApiVersion",
    "AsyncBrowserAPI",
    "AsyncClient",
    "AsyncEventStream",
    "AsyncIntentSession",
    "AsyncLayoutAPI",
    "AsyncMapsAPI",
    "AsyncPackagesAPI",
    "AsyncSignalProvider",
    "AsyncSignalsAPI",
    "AsyncSimulatorAPI",
    "AsyncStateStream",
    "AsyncVoiceAPI",
    "BrowserAPI",
    "BrowserState",
    "CallCancelledError",
    "Camera",
    "Capability",
    "CapabilityStatus",
    "CarDeckError",
    "Client",
    "ClientState",
    "ConnectionState",
    "DataLossError",
    "DayNightMode",
    "DeadlineExceededError",
    "DeployError",
    "DeviceNotFoundError",
    "Display",
    "DisplayRestrictions",
    "DisplayRole",
    "DriveRestrictions",
    "Event",
    "EventBatch",
    "EventData",
    "EventKind",
    "EventStream",
    "FailedPreconditionError",
    "FieldViolation",
    "Gear",
    "GnssFix",
    "GuidanceState",
    "GuidanceStatus",
    "HardKey",
    "Image",
    "IncompatibleServerError",
    "InstallPhase",
    "InstallProgress",
    "InstalledPackage",
    "IntentInvocation",
    "IntentSession",
    "IntentSpec",
    "InternalError",
    "InvalidArgumentError",
    "LatLng",
    "LayoutAPI",
    "LayoutChange",
    "LocaleChange",
    "Maneuver",
    "MapsAPI",
    "Marker",
    "MarkerShape",
    "MarkerStyle",
    "MarkersChange",
    "NotFoundError",
    "OutOfRangeError",
    "PackagesAPI",
    "Page",
    "PanelFocus",
    "PanelHit",
    "PanelKind",
    "PendingConfirmation",
    "PermissionDeniedError",
    "Place",
    "ProfileError",
    "ProfileProblem",
    "ProfileSummary",
    "ProfileValidation",
    "Recognition",
    "ReconnectPolicy",
    "ResourceExhaustedError",
    "RotaryAction",
    "Route",
    "RouteChange",
    "ServerInfo",
    "ServiceNotice",
    "SignalProvider",
    "SignalValue",
    "SignalsAPI",
    "SignalsChange",
    "SigningError",
    "SimulatorAPI",
    "Snapshot",
    "Speech",
    "StateStream",
    "StatusError",
    "TLSConfig",
    "TransportError",
    "UnauthenticatedError",
    "UnavailableError",
    "Understanding",
    "UnimplementedError",
    "UnknownError",
    "UrlPolicy",
    "UsageError",
    "VehicleState",
    "VehicleStateUpdate",
    "VoiceAPI",
    "VoiceActivity",
    "VoiceState",
    "__version__",
    "connect",
    "connect_async",
]

# Old names that still work for a while, each with what replaces it.
_DEPRECATED = {
    # It shadowed asyncio.CancelledError in code that did `from cardeck import *`
    # or imported both (issue 15).
    "CancelledError": ("CallCancelledError", CallCancelledError),
}


def __getattr__(name: str) -> object:
    """Hand out a deprecated name with a DeprecationWarning that names its replacement."""
    if name in _DEPRECATED:
        new_name, obj = _DEPRECATED[name]
        warnings.warn(
            f"cardeck.{name} is deprecated and will be removed; use cardeck.{new_name}, "
            "which does not shadow asyncio.CancelledError.",
            DeprecationWarning,
            stacklevel=2,
        )
        return obj
    raise AttributeError(f"module 'cardeck' has no attribute {name!r}")
