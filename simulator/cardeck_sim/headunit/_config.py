"""How to run the head unit: the service's settings and the window's options."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import grpc
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from cardeck.i18n import DEFAULT_LOCALE, normalize_locale

from ..feed import VehicleSource, parse_feed_signals, parse_vehicle_source

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
    :param vehicle_source: where the vehicle's signals come from: None (or "simulated") for
        the head unit's own simulated car, else a KUKSA val v2 server as
        ``kuksa://HOST:PORT`` (plaintext) or ``kuksas://HOST:PORT`` (TLS), whose signals the
        head unit mirrors (``--vehicle-source``); kept normalised.
    :param vehicle_source_token: a bearer token the source wants (``--vehicle-source-token``).
    :param vehicle_source_token_file: a file holding that token, so it stays out of the
        process list (``--vehicle-source-token-file``); read at start.
    :param vehicle_source_ca: PEM of the CA a ``kuksas://`` source's certificate chains to;
        None trusts the system's roots (``--vehicle-source-ca``).
    :param vehicle_signals: the VSS paths to read from the source (``--vehicle-signals``,
        comma-separated on the command line); None reads every signal that describes the
        car (``cardeck_sim.feed.DEFAULT_FEED_SIGNALS``).
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
    vehicle_source: str | None = None
    vehicle_source_token: SecretStr | None = None
    vehicle_source_token_file: Path | None = None
    vehicle_source_ca: Path | None = None
    vehicle_signals: tuple[str, ...] | None = None

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

    @field_validator("vehicle_source")
    @classmethod
    def _kuksa_url(cls, value: str | None) -> str | None:
        # ValueError sentences that name --vehicle-source; kept as the normalised URL.
        source = None if value is None else parse_vehicle_source(value)
        return None if source is None else source.url

    @field_validator("vehicle_signals", mode="before")
    @classmethod
    def _known_signals(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, str | list | tuple):
            raise ValueError(
                "--vehicle-signals takes VSS paths separated by commas (or a list of paths)."
            )
        return parse_feed_signals(value)

    @model_validator(mode="after")
    def _vehicle_source_options(self) -> ServiceConfig:
        given = [
            flag
            for flag, value in (
                ("--vehicle-source-token", self.vehicle_source_token),
                ("--vehicle-source-token-file", self.vehicle_source_token_file),
                ("--vehicle-source-ca", self.vehicle_source_ca),
                ("--vehicle-signals", self.vehicle_signals),
            )
            if value is not None
        ]
        if given and self.vehicle_source is None:
            raise ValueError(
                f"{' and '.join(given)} {'needs' if len(given) == 1 else 'need'} "
                "--vehicle-source kuksa://HOST:PORT (the server to read the vehicle from)."
            )
        if self.vehicle_source_token is not None and self.vehicle_source_token_file is not None:
            raise ValueError(
                "Give the source's token once: --vehicle-source-token or "
                "--vehicle-source-token-file, not both."
            )
        source = self.source()
        if self.vehicle_source_ca is not None and source is not None and not source.tls:
            raise ValueError(
                f"--vehicle-source-ca is for TLS, but --vehicle-source {self.vehicle_source} is "
                "plaintext; use kuksas://HOST:PORT for TLS, or drop --vehicle-source-ca."
            )
        return self

    def source(self) -> VehicleSource | None:
        """The KUKSA server to mirror, or None for the simulated car."""
        return None if self.vehicle_source is None else parse_vehicle_source(self.vehicle_source)

    def source_token(self) -> str | None:
        """The source's bearer token, from the flag or its file (read now).

        :raises ValueError: the token file cannot be read or is empty, naming its flag.
        """
        if self.vehicle_source_token is not None:
            return self.vehicle_source_token.get_secret_value()
        path = self.vehicle_source_token_file
        if path is None:
            return None
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(
                f"--vehicle-source-token-file {path} cannot be read ({exc}); pass a file "
                "holding the source's token."
            ) from exc
        if not token:
            raise ValueError(
                f"--vehicle-source-token-file {path} is empty; put the source's token in it."
            )
        return token

    def source_root_certificates(self) -> bytes | None:
        """PEM of the CA for a ``kuksas://`` source, or None for the system's roots.

        :raises ValueError: the file cannot be read, naming its flag.
        """
        if self.vehicle_source_ca is None:
            return None
        try:
            return self.vehicle_source_ca.read_bytes()
        except OSError as exc:
            raise ValueError(
                f"--vehicle-source-ca {self.vehicle_source_ca} cannot be read ({exc}); pass the "
                "PEM of the CA the source's certificate chains to."
            ) from exc

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
