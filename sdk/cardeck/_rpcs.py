"""Every cardeck.v1 RPC as a typed constant whose path and retry safety come from the protos.

``MapsService.SearchPlaces`` is an :class:`Rpc` that the client calls by its
full path (``/cardeck.v1.MapsService/SearchPlaces``). Each constant names its
request and response classes, so mypy checks what a call sends and gets back;
everything else is read from the generated descriptors when this module is
imported, and the import fails if a constant and the protos disagree (a
wrong name, a wrong message type, an RPC left out).

Which calls may be sent again after UNAVAILABLE is the proto's
``option idempotency_level``: the protos are the one record of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, cast

from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import Message

from ._retry import retry_safe
from .v1 import browser_service_pb2 as browser
from .v1 import headunit_service_pb2 as headunit
from .v1 import layout_service_pb2 as layout
from .v1 import maps_service_pb2 as maps
from .v1 import packages_service_pb2 as packages
from .v1 import simulator_service_pb2 as simulator
from .v1 import voice_service_pb2 as voice

__all__ = [
    "ALL_RPCS",
    "BrowserService",
    "HeadUnitService",
    "LayoutService",
    "MapsService",
    "PackagesService",
    "Rpc",
    "SimulatorService",
    "VoiceService",
]

ReqT = TypeVar("ReqT", bound=Message)
RespT = TypeVar("RespT", bound=Message)


def _method_taking(request: type[Message]) -> MethodDescriptor:
    """The one RPC whose request is ``request`` (every RPC has its own request message)."""
    file = request.DESCRIPTOR.file
    found = [
        method
        for service in file.services_by_name.values()
        for method in service.methods
        if method.input_type is request.DESCRIPTOR
    ]
    if len(found) != 1:
        raise TypeError(f"{request.__name__} is the request of {len(found)} RPCs, not one.")
    # types-protobuf types .methods as the upb or the pure-Python descriptor; both are one.
    return cast(MethodDescriptor, found[0])


class Rpc(Generic[ReqT, RespT]):
    """One RPC: its full path, whether it streams, and whether it is safe to retry.

    :param request: the request message class; it identifies the RPC.
    :param response: the response message class, checked against the descriptor.
    """

    __slots__ = (
        "client_streaming",
        "name",
        "path",
        "request_serializer",
        "response_deserializer",
        "retry_safe",
        "server_streaming",
        "service",
    )

    def __init__(self, request: type[ReqT], response: type[RespT]) -> None:
        method = _method_taking(request)
        if method.output_type is not response.DESCRIPTOR:
            raise TypeError(
                f"{method.full_name} returns {method.output_type.name}, not {response.__name__}."
            )
        self.name: str = method.name
        self.service: str = method.containing_service.name
        self.path = f"/{method.containing_service.full_name}/{method.name}"
        self.client_streaming: bool = method.client_streaming
        self.server_streaming: bool = method.server_streaming
        self.retry_safe = retry_safe(method)
        self.request_serializer: Callable[[ReqT], bytes] = request.SerializeToString
        self.response_deserializer: Callable[[bytes], RespT] = response.FromString

    def bind(self, channel: object) -> Any:
        """This RPC's multi-callable on a ``grpc`` or ``grpc.aio`` channel, addressed by path.

        ``_registered_method`` as in the generated stubs: gRPC resolves the path once.
        """
        kind = ("stream" if self.client_streaming else "unary") + (
            "_stream" if self.server_streaming else "_unary"
        )
        make = getattr(channel, kind)  # unary_unary, unary_stream, stream_unary, stream_stream
        return make(
            self.path, self.request_serializer, self.response_deserializer, _registered_method=True
        )

    def __set_name__(self, owner: type, name: str) -> None:
        if (owner.__name__, name) != (self.service, self.name):
            raise TypeError(f"{owner.__name__}.{name} must be named {self.service}.{self.name}.")

    def __repr__(self) -> str:
        return f"Rpc({self.path!r})"


#: Every RPC of cardeck.v1, filled as the services below are defined.
ALL_RPCS: list[Rpc[Any, Any]] = []


class _Service:
    """A namespace of one service's RPCs; it must list every RPC its descriptor has."""

    DESCRIPTOR: ClassVar[ServiceDescriptor]

    def __init_subclass__(cls) -> None:
        rpcs = [v for v in vars(cls).values() if isinstance(v, Rpc)]
        missing = set(cls.DESCRIPTOR.methods_by_name) - {rpc.name for rpc in rpcs}
        if missing:
            raise TypeError(f"{cls.__name__} lacks {', '.join(sorted(missing))}.")
        ALL_RPCS.extend(rpcs)


class HeadUnitService(_Service):
    DESCRIPTOR = headunit.DESCRIPTOR.services_by_name["HeadUnitService"]
    GetInfo = Rpc(headunit.GetInfoRequest, headunit.GetInfoResponse)
    GetVehicleState = Rpc(headunit.GetVehicleStateRequest, headunit.GetVehicleStateResponse)
    UpdateVehicleState = Rpc(
        headunit.UpdateVehicleStateRequest, headunit.UpdateVehicleStateResponse
    )
    StreamVehicleState = Rpc(
        headunit.StreamVehicleStateRequest, headunit.StreamVehicleStateResponse
    )
    GetDriveRestrictions = Rpc(
        headunit.GetDriveRestrictionsRequest, headunit.GetDriveRestrictionsResponse
    )
    SetLocale = Rpc(headunit.SetLocaleRequest, headunit.SetLocaleResponse)
    WatchEvents = Rpc(headunit.WatchEventsRequest, headunit.WatchEventsResponse)


class LayoutService(_Service):
    DESCRIPTOR = layout.DESCRIPTOR.services_by_name["LayoutService"]
    ListProfiles = Rpc(layout.ListProfilesRequest, layout.ListProfilesResponse)
    GetProfile = Rpc(layout.GetProfileRequest, layout.GetProfileResponse)
    SetActiveProfile = Rpc(layout.SetActiveProfileRequest, layout.SetActiveProfileResponse)
    GetLayout = Rpc(layout.GetLayoutRequest, layout.GetLayoutResponse)
    ValidateProfile = Rpc(layout.ValidateProfileRequest, layout.ValidateProfileResponse)


class MapsService(_Service):
    DESCRIPTOR = maps.DESCRIPTOR.services_by_name["MapsService"]
    SearchPlaces = Rpc(maps.SearchPlacesRequest, maps.SearchPlacesResponse)
    GetPlace = Rpc(maps.GetPlaceRequest, maps.GetPlaceResponse)
    ComputeRoute = Rpc(maps.ComputeRouteRequest, maps.ComputeRouteResponse)
    SetDestination = Rpc(maps.SetDestinationRequest, maps.SetDestinationResponse)
    ClearDestination = Rpc(maps.ClearDestinationRequest, maps.ClearDestinationResponse)
    StartGuidance = Rpc(maps.StartGuidanceRequest, maps.StartGuidanceResponse)
    StopGuidance = Rpc(maps.StopGuidanceRequest, maps.StopGuidanceResponse)
    WatchGuidance = Rpc(maps.WatchGuidanceRequest, maps.WatchGuidanceResponse)
    ReportPosition = Rpc(maps.ReportPositionRequest, maps.ReportPositionResponse)
    AddMarkers = Rpc(maps.AddMarkersRequest, maps.AddMarkersResponse)
    RemoveMarkers = Rpc(maps.RemoveMarkersRequest, maps.RemoveMarkersResponse)
    ListMarkers = Rpc(maps.ListMarkersRequest, maps.ListMarkersResponse)
    SetCamera = Rpc(maps.SetCameraRequest, maps.SetCameraResponse)
    GetCamera = Rpc(maps.GetCameraRequest, maps.GetCameraResponse)


class VoiceService(_Service):
    DESCRIPTOR = voice.DESCRIPTOR.services_by_name["VoiceService"]
    Recognize = Rpc(voice.RecognizeRequest, voice.RecognizeResponse)
    Understand = Rpc(voice.UnderstandRequest, voice.UnderstandResponse)
    RegisterIntents = Rpc(voice.RegisterIntentsRequest, voice.RegisterIntentsResponse)
    Speak = Rpc(voice.SpeakRequest, voice.SpeakResponse)
    AnswerConfirmation = Rpc(voice.AnswerConfirmationRequest, voice.AnswerConfirmationResponse)
    WatchVoiceState = Rpc(voice.WatchVoiceStateRequest, voice.WatchVoiceStateResponse)


class BrowserService(_Service):
    DESCRIPTOR = browser.DESCRIPTOR.services_by_name["BrowserService"]
    Navigate = Rpc(browser.NavigateRequest, browser.NavigateResponse)
    GoBack = Rpc(browser.GoBackRequest, browser.GoBackResponse)
    GoForward = Rpc(browser.GoForwardRequest, browser.GoForwardResponse)
    Reload = Rpc(browser.ReloadRequest, browser.ReloadResponse)
    Stop = Rpc(browser.StopRequest, browser.StopResponse)
    GetState = Rpc(browser.GetStateRequest, browser.GetStateResponse)
    WatchState = Rpc(browser.WatchStateRequest, browser.WatchStateResponse)
    Capture = Rpc(browser.CaptureRequest, browser.CaptureResponse)
    GetUrlPolicy = Rpc(browser.GetUrlPolicyRequest, browser.GetUrlPolicyResponse)
    SetUrlPolicy = Rpc(browser.SetUrlPolicyRequest, browser.SetUrlPolicyResponse)


class PackagesService(_Service):
    DESCRIPTOR = packages.DESCRIPTOR.services_by_name["PackagesService"]
    ListPackages = Rpc(packages.ListPackagesRequest, packages.ListPackagesResponse)
    InstallPackage = Rpc(packages.InstallPackageRequest, packages.InstallPackageResponse)
    RollbackPackage = Rpc(packages.RollbackPackageRequest, packages.RollbackPackageResponse)


class SimulatorService(_Service):
    DESCRIPTOR = simulator.DESCRIPTOR.services_by_name["SimulatorService"]
    Tap = Rpc(simulator.TapRequest, simulator.TapResponse)
    Rotary = Rpc(simulator.RotaryRequest, simulator.RotaryResponse)
    Key = Rpc(simulator.KeyRequest, simulator.KeyResponse)
    Screenshot = Rpc(simulator.ScreenshotRequest, simulator.ScreenshotResponse)
    LoadProfile = Rpc(simulator.LoadProfileRequest, simulator.LoadProfileResponse)
    SetDayNight = Rpc(simulator.SetDayNightRequest, simulator.SetDayNightResponse)
    InjectAudio = Rpc(simulator.InjectAudioRequest, simulator.InjectAudioResponse)
