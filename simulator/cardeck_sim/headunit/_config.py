"""How to run the head unit: the service's settings and the window's options."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import grpc
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cardeck.i18n import DEFAULT_LOCALE, normalize_locale

__all__ = ["ServiceConfig", "UiOptions", "start_locale"]


class ServiceConfig(BaseModel):
    """How to run the head-unit service.

    :param host: address to bind; loopback unless TLS and tokens are configured.
    :param advertise_host: the host clients are told to dial (GetInfo's ``websocket_url``);
        None uses ``host``, or for a wildcard bind this machine's primary address.
    :param port: TCP port; 0 picks a free one.
    :param profile: vehicle profile id to start with; empty picks the default.
    :param locale: the locale to start in (``--locale``, a tag of
        ``cardeck.i18n.SUPPORTED_LOCALES``, normalised: "ko_KR" is "ko"); None takes the
        active profile's ``locale:``, else "en" (see :func:`start_locale`). Given, it also
        wins over a locale the event journal kept.
    :param event_capacity: events kept for resuming clients.
    :param max_subscriber_lag: how far behind a subscriber may fall before its stream ends
        (it then resumes); None means ``event_capacity``.
    :param ws_port: port of the WebSocket event bridge; 0 picks a free one, None turns it off.
    :param browser: whether to offer the browser panel (Chromium starts on first use).
    :param chromium_path: the Chromium binary; None finds Debian's.
    :param map_data: an OpenStreetMap ``.osm.pbf``; None uses the bundled Helsinki extract.
    :param state_dir: where the event journal lives; with it a restarted head unit keeps
        its run id, its events and its vehicle state, so clients resume with no loss.
    :param install_root: where installed bundles live (default: STATE_DIR/packages, or a
        temporary folder without a state dir).
    :param trusted_keys: Ed25519 public keys whose bundles the head unit installs.
    :param usb_dir: a mounted USB mass-storage folder watched for ``*.cdbundle`` files.
    :param voice_guidance_time_scale: how fast guidance started by "navigate to" drives
        (1 is real time; tests and demos speed it up).
    :param voice_confirmation_timeout_s: how long a question before an actuating intent
        ("Open the sunroof?") waits for its yes or no before it cancels; 8 s by default.
    :param tokens_file: YAML of token hashes and scopes; None grants everything (loopback only).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    advertise_host: str | None = None
    port: int = Field(default=50051, ge=0, le=65535)
    profile: str = ""
    locale: str | None = None
    event_capacity: int = Field(default=65_536, ge=16)
    max_subscriber_lag: int | None = Field(default=None, ge=1)
    ws_port: int | None = Field(default=0, ge=0, le=65535)
    browser: bool = True
    chromium_path: str | None = None
    map_data: Path | None = None
    voice_guidance_time_scale: float = Field(default=1.0, ge=0.1, le=1000)
    voice_confirmation_timeout_s: float = Field(default=8.0, ge=0.1, le=600)
    state_dir: Path | None = None
    install_root: Path | None = None
    trusted_keys: tuple[Path, ...] = ()
    usb_dir: Path | None = None
    tokens_file: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    client_ca: Path | None = None

    @field_validator("host")
    @classmethod
    def _host_given(cls, value: str) -> str:
        # gRPC reads ":50051" as every interface, which the loopback-only rule would miss.
        if not value.strip():
            raise ValueError(
                "--host is empty; pass the address to bind, such as 127.0.0.1 (this machine "
                "only) or 0.0.0.0 (every interface, with --tokens and TLS)."
            )
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        # UnsupportedLocaleError is a ValueError whose sentence lists the supported tags.
        return None if value is None else normalize_locale(value)

    @field_validator("advertise_host")
    @classmethod
    def _advertise_given(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError(
                "--advertise-host is empty; pass the host clients should dial, or leave the "
                "flag out to use --host."
            )
        return value

    @model_validator(mode="after")
    def _distinct_ports(self) -> ServiceConfig:
        if self.port and self.port == self.ws_port:
            raise ValueError(
                f"--port and --ws-port are both {self.port}, but gRPC and the event bridge "
                "need a port each; pass another --ws-port (0 picks a free one)."
            )
        return self

    @model_validator(mode="after")
    def _tls_pairs(self) -> ServiceConfig:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key.")
        if self.client_ca is not None and self.tls_cert is None:
            raise ValueError("Mutual TLS (--client-ca) needs --tls-cert and --tls-key as well.")
        return self

    def server_credentials(self) -> grpc.ServerCredentials | None:
        """TLS (or mutual TLS, with a client CA) credentials, or None for plaintext."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        client_ca = self.client_ca.read_bytes() if self.client_ca else None
        return grpc.ssl_server_credentials(
            [(self.tls_key.read_bytes(), self.tls_cert.read_bytes())],
            root_certificates=client_ca,
            require_client_auth=client_ca is not None,
        )

    def bridge_ssl_context(self) -> ssl.SSLContext | None:
        """The same certificate (and client-certificate rule) for the WebSocket bridge."""
        if self.tls_cert is None or self.tls_key is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.tls_cert, self.tls_key)
        if self.client_ca is not None:
            context.load_verify_locations(self.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        return context


@dataclass(frozen=True)
class UiOptions:
    """How ``cardeck sim`` shows the window: one display, a console script, stdin console."""

    display_id: str | None = None
    script: str | None = None
    console: bool = False


def start_locale(config: ServiceConfig, profile: object | None) -> str:
    """The locale a head unit starts in: ``--locale``, else the profile's, else "en".

    :param profile: the active vehicle profile, or None when there is none.
    """
    if config.locale is not None:
        return config.locale
    # The profile model's optional `locale:` field arrives with issue 20's layout work;
    # read through getattr until every profile model has it.
    default = getattr(profile, "locale", None)
    return normalize_locale(default) if default else DEFAULT_LOCALE
