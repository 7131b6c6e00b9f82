"""The head unit's gRPC servicers: each turns requests into store commands.

Only servicers and what they need live here: authorization, the interceptor,
error statuses, health checking, the profile catalog and its worker process,
and the panels that drive the maps, voice and browser engines for them; and Eclipse
KUKSA's val v1 and v2 services over the same store's signals. The
state they change lives in ``cardeck_sim.state``; the engines in ``maps``,
``voice``, ``browser`` and ``install``. This package never imports ``ui`` or
``bridge``: the composition root (``cardeck_sim.headunit``) builds the
servicers and passes in what they need of the UI (its renderer, its input
path) as callables. Runs without kivy.
"""

from ._auth import (
    ALL_SCOPES,
    METHOD_SCOPES,
    Authorizer,
    TokensFileError,
    check_bind_address,
    hash_token,
    load_tokens,
)
from ._browser import BrowserPanel, BrowserServicer, png_size
from ._catalog import DEFAULT_PROFILE_ID, ProfileCatalog, UnknownProfileError
from ._headunit import HeadUnitServicer
from ._health import HealthService
from ._interceptors import ServiceInterceptor
from ._kuksa_common import Actuation
from ._kuksa_v1 import KuksaV1Servicer
from ._kuksa_v2 import KuksaV2Servicer
from ._layout import LayoutServicer
from ._maps import MapsPanel, MapsServicer
from ._packages import MAX_CHUNK_BYTES, PackagesServicer, rejection_to_failure
from ._profile_worker import ProfileWorker
from ._server import KUKSA_SERVICE_NAMES, SERVICE_NAMES, Servicers, build_server
from ._simulator import (
    AudioInjector,
    Screenshotter,
    SimulatorControls,
    SimulatorServicer,
    Tapper,
)
from ._status import RpcFailure, invalid_argument
from ._voice import VoicePanel, VoiceServicer, inject_audio

__all__ = [
    "ALL_SCOPES",
    "DEFAULT_PROFILE_ID",
    "KUKSA_SERVICE_NAMES",
    "MAX_CHUNK_BYTES",
    "METHOD_SCOPES",
    "SERVICE_NAMES",
    "Actuation",
    "AudioInjector",
    "Authorizer",
    "BrowserPanel",
    "BrowserServicer",
    "HeadUnitServicer",
    "HealthService",
    "KuksaV1Servicer",
    "KuksaV2Servicer",
    "LayoutServicer",
    "MapsPanel",
    "MapsServicer",
    "PackagesServicer",
    "ProfileCatalog",
    "ProfileWorker",
    "RpcFailure",
    "Screenshotter",
    "ServiceInterceptor",
    "Servicers",
    "SimulatorControls",
    "SimulatorServicer",
    "Tapper",
    "TokensFileError",
    "UnknownProfileError",
    "VoicePanel",
    "VoiceServicer",
    "build_server",
    "check_bind_address",
    "hash_token",
    "inject_audio",
    "invalid_argument",
    "load_tokens",
    "png_size",
    "rejection_to_failure",
]
