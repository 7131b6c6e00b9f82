"""Bearer tokens, scopes, and the one table of which scope each RPC needs.

A tokens file lists each token by name with the SHA-256 of its secret (the
head unit never stores the token itself) and the scopes it grants::

    tokens:
      - name: oem-dashboard
        sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        scopes: [read, vehicle:write]

Without a tokens file the head unit grants every scope to everyone and may
only bind a loopback address (see :func:`check_bind_address`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args

import grpc
import yaml
from pydantic import BaseModel, ConfigDict, Field

from cardeck._validation import validate_or_raise

from ._status import RpcFailure

Scope = Literal[
    "read",
    "vehicle:write",
    "maps:control",
    "voice:intents",
    "browser:control",
    "packages:install",
    "sim:control",
]
# Every scope, in the order the Literal lists them.
ALL_SCOPES: tuple[Scope, ...] = get_args(Scope)

# Which scope each RPC needs. Tests check that every RPC of every cardeck.v1
# service and of KUKSA's val services is listed, so a new RPC cannot ship unguarded.
METHOD_SCOPES: dict[str, Scope] = {
    # HeadUnitService
    "/cardeck.v1.HeadUnitService/GetInfo": "read",
    "/cardeck.v1.HeadUnitService/GetVehicleState": "read",
    "/cardeck.v1.HeadUnitService/UpdateVehicleState": "vehicle:write",
    "/cardeck.v1.HeadUnitService/StreamVehicleState": "vehicle:write",
    "/cardeck.v1.HeadUnitService/GetDriveRestrictions": "read",
    "/cardeck.v1.HeadUnitService/SetLocale": "vehicle:write",
    "/cardeck.v1.HeadUnitService/WatchEvents": "read",
    # LayoutService
    "/cardeck.v1.LayoutService/ListProfiles": "read",
    "/cardeck.v1.LayoutService/GetProfile": "read",
    "/cardeck.v1.LayoutService/SetActiveProfile": "vehicle:write",
    "/cardeck.v1.LayoutService/GetLayout": "read",
    "/cardeck.v1.LayoutService/ValidateProfile": "read",
    # MapsService
    "/cardeck.v1.MapsService/SearchPlaces": "read",
    "/cardeck.v1.MapsService/GetPlace": "read",
    "/cardeck.v1.MapsService/ComputeRoute": "read",
    "/cardeck.v1.MapsService/SetDestination": "maps:control",
    "/cardeck.v1.MapsService/ClearDestination": "maps:control",
    "/cardeck.v1.MapsService/StartGuidance": "maps:control",
    "/cardeck.v1.MapsService/StopGuidance": "maps:control",
    "/cardeck.v1.MapsService/WatchGuidance": "read",
    "/cardeck.v1.MapsService/ReportPosition": "vehicle:write",
    "/cardeck.v1.MapsService/AddMarkers": "maps:control",
    "/cardeck.v1.MapsService/RemoveMarkers": "maps:control",
    "/cardeck.v1.MapsService/ListMarkers": "read",
    "/cardeck.v1.MapsService/SetCamera": "maps:control",
    "/cardeck.v1.MapsService/GetCamera": "read",
    # VoiceService
    "/cardeck.v1.VoiceService/Recognize": "read",
    "/cardeck.v1.VoiceService/Understand": "read",
    "/cardeck.v1.VoiceService/RegisterIntents": "voice:intents",
    "/cardeck.v1.VoiceService/Speak": "read",
    "/cardeck.v1.VoiceService/AnswerConfirmation": "read",
    "/cardeck.v1.VoiceService/WatchVoiceState": "read",
    # BrowserService
    "/cardeck.v1.BrowserService/Navigate": "browser:control",
    "/cardeck.v1.BrowserService/GoBack": "browser:control",
    "/cardeck.v1.BrowserService/GoForward": "browser:control",
    "/cardeck.v1.BrowserService/Reload": "browser:control",
    "/cardeck.v1.BrowserService/Stop": "browser:control",
    "/cardeck.v1.BrowserService/GetState": "read",
    "/cardeck.v1.BrowserService/WatchState": "read",
    "/cardeck.v1.BrowserService/Capture": "read",
    "/cardeck.v1.BrowserService/GetUrlPolicy": "read",
    "/cardeck.v1.BrowserService/SetUrlPolicy": "browser:control",
    # PackagesService
    "/cardeck.v1.PackagesService/ListPackages": "read",
    "/cardeck.v1.PackagesService/InstallPackage": "packages:install",
    "/cardeck.v1.PackagesService/RollbackPackage": "packages:install",
    # SimulatorService
    "/cardeck.v1.SimulatorService/Tap": "sim:control",
    "/cardeck.v1.SimulatorService/Rotary": "sim:control",
    "/cardeck.v1.SimulatorService/Key": "sim:control",
    "/cardeck.v1.SimulatorService/Screenshot": "sim:control",
    "/cardeck.v1.SimulatorService/LoadProfile": "sim:control",
    "/cardeck.v1.SimulatorService/SetDayNight": "sim:control",
    "/cardeck.v1.SimulatorService/InjectAudio": "sim:control",
    # kuksa.val.v2.VAL (Eclipse KUKSA): reading signals needs `read`, changing them
    # (actuating, publishing, providing) `vehicle:write`.
    "/kuksa.val.v2.VAL/GetValue": "read",
    "/kuksa.val.v2.VAL/GetValues": "read",
    "/kuksa.val.v2.VAL/Subscribe": "read",
    "/kuksa.val.v2.VAL/SubscribeById": "read",
    "/kuksa.val.v2.VAL/ListMetadata": "read",
    "/kuksa.val.v2.VAL/GetServerInfo": "read",
    "/kuksa.val.v2.VAL/Actuate": "vehicle:write",
    "/kuksa.val.v2.VAL/ActuateStream": "vehicle:write",
    "/kuksa.val.v2.VAL/BatchActuate": "vehicle:write",
    "/kuksa.val.v2.VAL/PublishValue": "vehicle:write",
    "/kuksa.val.v2.VAL/OpenProviderStream": "vehicle:write",
    # kuksa.val.v1.VAL, likewise.
    "/kuksa.val.v1.VAL/Get": "read",
    "/kuksa.val.v1.VAL/Subscribe": "read",
    "/kuksa.val.v1.VAL/GetServerInfo": "read",
    "/kuksa.val.v1.VAL/Set": "vehicle:write",
    "/kuksa.val.v1.VAL/StreamedUpdate": "vehicle:write",
    # Server reflection describes the API; reading it needs `read`.
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": "read",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo": "read",
}

# Load balancers and orchestrators probe health without credentials.
OPEN_METHODS = frozenset({"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"})


class TokenEntry(BaseModel):
    """One token: a name for logs, the SHA-256 of its secret, its scopes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    scopes: tuple[Scope, ...] = Field(min_length=1)


class TokensFile(BaseModel):
    """The tokens file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tokens: tuple[TokenEntry, ...] = Field(min_length=1)


class TokensFileError(ValueError):
    """The tokens file is missing or malformed."""


def hash_token(token: str) -> str:
    """The SHA-256 hex digest a tokens file stores for ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_tokens(path: str | Path) -> TokensFile:
    """Read and validate a tokens file.

    :raises TokensFileError: with every problem and the file's name.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise TokensFileError(f"Cannot read the tokens file {path}: {exc.strerror}.") from exc
    except yaml.YAMLError as exc:
        raise TokensFileError(f"The tokens file {path} is not valid YAML: {exc}") from exc
    return validate_or_raise(
        TokensFile,
        data,
        lambda problems: TokensFileError(
            f"The tokens file {path} is invalid: {problems}. Each entry needs a name, the "
            f"sha256 of the token and scopes from: {', '.join(ALL_SCOPES)}."
        ),
        top="(top level)",
    )


class Authorizer:
    """Decides whether a call's credentials grant the scope its method needs.

    :param tokens: the tokens file; None grants every scope to every caller.
    """

    def __init__(self, tokens: TokensFile | None) -> None:
        self.open = tokens is None
        self._entries = tokens.tokens if tokens else ()

    def scopes_for(self, token: str | None) -> tuple[str, frozenset[str]] | None:
        """The (name, scopes) of a token, or None when it is unknown."""
        if self.open:
            return "anonymous", frozenset(ALL_SCOPES)
        if not token:
            return None
        digest = hash_token(token)
        found = None
        for entry in self._entries:
            # Compare against every entry in constant time: no timing hint of which matched.
            if hmac.compare_digest(entry.sha256, digest):
                found = entry
        return (found.name, frozenset(found.scopes)) if found else None

    def check(self, method: str, metadata: Sequence[tuple[str, str | bytes]]) -> RpcFailure | None:
        """None when the call may proceed, else the failure to answer with."""
        if method in OPEN_METHODS or self.open:
            return None
        needed = METHOD_SCOPES.get(method)
        if needed is None:
            return RpcFailure(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{method} is not in the head unit's scope table, so no token may call it.",
                reason="METHOD_NOT_GRANTED",
            )
        token = bearer_token(metadata)
        if token is None:
            return RpcFailure(
                grpc.StatusCode.UNAUTHENTICATED,
                f"{method} needs a token with scope `{needed}`; send it as "
                "`authorization: Bearer <token>` metadata.",
                reason="TOKEN_MISSING",
                metadata={"required_scope": needed},
            )
        grant = self.scopes_for(token)
        if grant is None:
            return RpcFailure(
                grpc.StatusCode.UNAUTHENTICATED,
                "The bearer token is not known to this head unit; check the token or ask for "
                "it to be added to the head unit's tokens file.",
                reason="TOKEN_UNKNOWN",
            )
        name, scopes = grant
        if needed not in scopes:
            return RpcFailure(
                grpc.StatusCode.PERMISSION_DENIED,
                f"Token {name!r} lacks scope `{needed}`, which {method} needs; it has "
                f"{', '.join(sorted(scopes))}. Use a token with `{needed}`.",
                reason="SCOPE_MISSING",
                metadata={"required_scope": needed, "token_name": name},
            )
        return None


def bearer_token(metadata: Sequence[tuple[str, str | bytes]]) -> str | None:
    """The token of an ``authorization: Bearer <token>`` entry, if any."""
    for key, value in metadata:
        if key.lower() == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def check_bind_address(host: str, secured: bool) -> None:
    """Refuse a non-loopback address unless tokens and TLS protect it.

    :raises ValueError: with a sentence saying what to add.
    """
    if secured:
        return
    if host in ("localhost", "") or _is_loopback(host):
        return
    raise ValueError(
        f"Refusing to serve on {host} without a tokens file and TLS: anyone on the network "
        "could drive the car. Pass --tokens, --tls-cert and --tls-key, or bind 127.0.0.1."
    )


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
