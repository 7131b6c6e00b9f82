"""``cardeck info`` and ``cardeck sim``: talk to a head unit, or run one."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .._client import DEFAULT_TARGET, TLSConfig, connect
from .._exceptions import UsageError
from .._extras import WINDOW_MODULES, requires_extra
from .._models import ServerInfo
from ..i18n import SUPPORTED_LOCALES, UnsupportedLocaleError, normalize_locale

if TYPE_CHECKING:
    from cardeck_sim.headunit import ServiceConfig


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    """The flags every command that talks to a head unit takes."""
    parser.add_argument(
        "--target", default=DEFAULT_TARGET, help=f"head unit host:port (default {DEFAULT_TARGET})"
    )
    add_credential_args(parser)


def add_credential_args(parser: argparse.ArgumentParser) -> None:
    """The token and TLS flags, for commands whose ``--target`` is optional."""
    parser.add_argument("--token", default=None, help="bearer token (default: none)")
    parser.add_argument("--tls-ca", default=None, help="PEM of the CA to trust; enables TLS")
    parser.add_argument("--tls-cert", default=None, help="client certificate PEM (mutual TLS)")
    parser.add_argument("--tls-key", default=None, help="client key PEM (mutual TLS)")


def tls_from_args(args: argparse.Namespace) -> TLSConfig | None:
    """TLS settings from the connection flags, or None for plaintext."""
    if not (args.tls_ca or args.tls_cert or args.tls_key):
        return None
    return TLSConfig.from_files(args.tls_ca, args.tls_cert, args.tls_key)


def register(subparsers: Any) -> None:
    """Add ``info`` and ``sim`` to the ``cardeck`` command."""
    info = subparsers.add_parser(
        "info",
        help="print what a head unit is and can do",
        description="Connect to a head unit, negotiate the API version and print its info.",
    )
    add_connection_args(info)
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(func=cmd_info)

    sim = subparsers.add_parser(
        "sim",
        help="run the reference head unit (simulator)",
        description=(
            "Run the CarDeck reference head unit: the gRPC API over one state store. "
            "Stops cleanly on Ctrl-C (SIGINT) or SIGTERM."
        ),
    )
    sim.add_argument(
        "--headless", action="store_true", help="serve the API without opening the Kivy window"
    )
    sim.add_argument("--display", default=None, help="show one display at 1:1 (default: all)")
    sim.add_argument(
        "--script", default=None, help="run a console script (speed 50, tap X Y, screenshot F, …)"
    )
    sim.add_argument(
        "--console", action="store_true", help="read console commands from stdin, like the DHU"
    )
    flags: dict[str, str] = {}

    def config_flag(field: str, flag: str, **kwargs: Any) -> None:
        """A flag that sets the ServiceConfig field ``field`` (its dest is the field name).

        Unless a default is given, an absent flag is absent from the namespace, so
        ServiceConfig's own default applies and is stated once, in the model.
        """
        kwargs.setdefault("default", argparse.SUPPRESS)
        sim.add_argument(flag, dest=field, **kwargs)
        flags[field] = flag

    config_flag("host", "--host", help="address to bind (default 127.0.0.1)")
    config_flag(
        "advertise_host",
        "--advertise-host",
        metavar="HOST",
        help="host that clients are told to dial, e.g. in the event bridge URL (default: "
        "--host; for 0.0.0.0 or :: this machine's primary address, else 127.0.0.1)",
    )
    config_flag(
        "port",
        "--port",
        type=int,
        metavar="PORT",
        help="gRPC TCP port (default 50051; 0 picks a free one)",
    )
    config_flag("profile", "--profile", help="vehicle profile id to start with")
    config_flag(
        "locale",
        "--locale",
        type=locale_tag,
        metavar="TAG",
        help=f"locale to start in: {', '.join(SUPPORTED_LOCALES)} (default: the profile's "
        "locale, else en)",
    )
    config_flag(
        "ws_port",
        "--ws-port",
        type=_ws_port,
        default=50052,
        metavar="PORT",
        help="WebSocket event bridge port (default 50052; 0 picks a free one; -1 turns it off)",
    )
    config_flag(
        "event_capacity",
        "--event-capacity",
        type=int,
        metavar="N",
        help="events kept for clients that resume (default 65536, at least 16)",
    )
    config_flag(
        "max_subscriber_lag",
        "--max-subscriber-lag",
        type=int,
        metavar="N",
        help="end the stream of an event subscriber more than N events behind, which then "
        "resumes (default: the event capacity)",
    )
    config_flag(
        "browser",
        "--no-browser",
        action="store_false",
        help="do not offer the browser panel",
    )
    config_flag(
        "chromium_path",
        "--chromium",
        metavar="PATH",
        help="the Chromium binary for the browser panel (default: Debian's)",
    )
    config_flag(
        "voice_guidance_time_scale",
        "--guidance-time-scale",
        type=float,
        metavar="X",
        help="how fast guidance started by voice drives (default 1 = real time; 0.1 to 1000)",
    )
    config_flag(
        "voice_confirmation_timeout_s",
        "--confirmation-timeout",
        type=float,
        metavar="SECONDS",
        help=(
            "how long a voice question such as 'Open the sunroof?' waits for its yes or no "
            "before it cancels (default 8; 0.1 to 600)"
        ),
    )
    config_flag(
        "state_dir",
        "--state-dir",
        metavar="DIR",
        help="keep the event journal here, so a restarted head unit loses no event",
    )
    config_flag(
        "map_data",
        "--map-data",
        metavar="FILE",
        help="an OpenStreetMap .osm.pbf (default: Helsinki)",
    )
    config_flag(
        "install_root",
        "--install-root",
        metavar="DIR",
        help="where installed bundles live (default: STATE_DIR/packages, else a temporary folder)",
    )
    config_flag(
        "trusted_keys",
        "--trusted-keys",
        action="append",
        metavar="KEY",
        help="Ed25519 public key (.pub from 'cardeck deploy keygen') whose bundles are "
        "installed; repeatable (default: none, so every bundle is refused)",
    )
    config_flag(
        "usb_dir",
        "--usb-dir",
        metavar="DIR",
        help="a mounted USB folder to watch for .cdbundle files (see 'cardeck deploy push --usb')",
    )
    config_flag(
        "tokens_file",
        "--tokens",
        metavar="FILE",
        help="YAML tokens file (name, sha256, scopes); without it every caller gets every "
        "scope and only loopback may be bound",
    )
    config_flag("tls_cert", "--tls-cert", metavar="PEM", help="server certificate; enables TLS")
    config_flag("tls_key", "--tls-key", metavar="PEM", help="server key")
    config_flag(
        "client_ca",
        "--client-ca",
        metavar="PEM",
        help="CA that client certificates must chain to (mutual TLS)",
    )
    config_flag(
        "vehicle_source",
        "--vehicle-source",
        metavar="URL",
        help="read the vehicle's signals from a KUKSA val v2 server instead of simulating the "
        "car: kuksa://HOST:PORT (plaintext) or kuksas://HOST:PORT (TLS); reconnects when it "
        "goes away (default: simulated)",
    )
    config_flag(
        "vehicle_source_token",
        "--vehicle-source-token",
        metavar="TOKEN",
        help="bearer token for --vehicle-source (visible in the process list; see "
        "--vehicle-source-token-file)",
    )
    config_flag(
        "vehicle_source_token_file",
        "--vehicle-source-token-file",
        metavar="FILE",
        help="a file holding the bearer token for --vehicle-source",
    )
    config_flag(
        "vehicle_source_ca",
        "--vehicle-source-ca",
        metavar="PEM",
        help="CA that a kuksas:// source's certificate chains to (default: the system's)",
    )
    config_flag(
        "vehicle_signals",
        "--vehicle-signals",
        metavar="PATH,...",
        help="VSS paths to read from --vehicle-source, comma-separated (default: every "
        "signal that describes the car: speed, gears, parking brake, power, light, "
        "temperature, battery, fuel, range, odometer, location, sunroof position)",
    )
    sim.set_defaults(config_flags=flags)
    sim.set_defaults(func=cmd_sim)


def format_info(info: ServerInfo) -> str:
    """A readable description of a head unit."""
    lines = [
        f"{info.product_name} {info.server_version} (API {info.api_version}, run {info.run_id})",
        f"profile: {info.active_profile_id or '(none)'}",
        f"locale: {describe_locale(info)}",
        f"event bridge: {info.websocket_url or '(not running)'}",
        "displays:",
    ]
    for d in info.displays:
        lines.append(
            f"  {d.display_id:<12} {d.role.value:<9} {d.width_px}x{d.height_px} px, "
            f"{d.density_dpi} dpi logical ({d.width_dp:.0f}x{d.height_dp:.0f} dp), "
            f"{d.diagonal_in:.1f} in"
        )
    lines.append("capabilities:")
    for c in info.capabilities:
        mark = "yes" if c.available else "no "
        reason = f"  ({c.reason})" if c.reason else ""
        lines.append(f"  {mark} {c.capability.value}{reason}")
    return "\n".join(lines)


def describe_locale(info: ServerInfo) -> str:
    """The locale line of ``cardeck info``: "ar (العربية, right to left)"."""
    known = info.locale_info
    direction = "right to left" if info.rtl else "left to right"
    name = f"{known.name}, " if known is not None else ""
    pseudo = ", pseudo-locale" if known is not None and known.pseudo else ""
    return f"{info.locale} ({name}{direction}{pseudo})"


def info_to_json(info: ServerInfo) -> dict[str, Any]:
    """A JSON-ready description of a head unit."""
    return {
        "product_name": info.product_name,
        "server_version": info.server_version,
        "api_version": str(info.api_version),
        "run_id": info.run_id,
        "active_profile_id": info.active_profile_id,
        "locale": info.locale,
        "rtl": info.rtl,
        "supported_locales": [
            {"tag": x.tag, "name": x.name, "rtl": x.rtl, "pseudo": x.pseudo}
            for x in info.supported_locales
        ],
        "websocket_url": info.websocket_url,
        "displays": [
            {
                "display_id": d.display_id,
                "role": d.role.value,
                "width_px": d.width_px,
                "height_px": d.height_px,
                "density_dpi": d.density_dpi,
                "diagonal_in": d.diagonal_in,
            }
            for d in info.displays
        ],
        # The reason is the point of a capability that is off: keep it.
        "capabilities": {
            c.capability.value: {"available": c.available, "reason": c.reason}
            for c in info.capabilities
        },
    }


def cmd_info(args: argparse.Namespace) -> int:
    """Print a head unit's info."""
    with connect(args.target, token=args.token, tls=tls_from_args(args)) as client:
        info = client.info()
    print(json.dumps(info_to_json(info), indent=2) if args.json else format_info(info))
    return 0


def locale_tag(text: str) -> str:
    """``--locale``: a supported locale tag, normalised ("ko_KR" is "ko")."""
    try:
        return normalize_locale(text)
    except UnsupportedLocaleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ws_port(text: str) -> int | None:
    """``--ws-port``: a port number, with -1 meaning no bridge."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port number; pass 0 to 65535, or -1 to turn the bridge off"
        ) from None
    return None if port == -1 else port


def _config_error(exc: ValidationError, flags: Mapping[str, str]) -> UsageError:
    """ServiceConfig's validation errors as sentences that name the flags, not the fields."""
    sentences = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "value_error":
            # The model's own validators write whole sentences that name their flags.
            sentences.append(message)
            continue
        field = str(error["loc"][0]) if error["loc"] else ""
        flag = flags.get(field, field)
        message = message[:1].lower() + message[1:]
        message = message.replace("input should", "it should", 1)
        sentences.append(f"The value {error['input']!r} of {flag} is not valid: {message}.")
    return UsageError(" ".join(sentences))


def sim_config(args: argparse.Namespace) -> ServiceConfig:
    """The head unit's configuration from ``cardeck sim``'s flags.

    :raises UsageError: a value is out of range or flags contradict each other,
        in sentences that name the flags.
    """
    from cardeck_sim.headunit import ServiceConfig

    fields = ServiceConfig.model_fields
    try:
        return ServiceConfig(**{k: v for k, v in vars(args).items() if k in fields})
    except ValidationError as exc:
        raise _config_error(exc, args.config_flags) from exc


def _refuse_taken_ports(args: argparse.Namespace) -> None:
    """Fail at once when another head unit holds a port, before the slow start-up work.

    The head unit checks again when it binds (a port can be taken in between); this check
    only makes the common mistake, a second ``cardeck sim``, answer within a second.
    """
    from cardeck_sim.headunit import AddressInUseError, refuse_taken_ports

    # Flags left out are absent (the model's defaults apply); these are the defaults the
    # flags' help states. A mismatch would only make this early check miss, not misfire.
    host = getattr(args, "host", "127.0.0.1")
    if not host:
        return  # the configuration check says what is wrong with it
    ports = (
        (getattr(args, "port", 50051), "--port"),
        (getattr(args, "ws_port", None), "--ws-port"),
    )
    try:
        refuse_taken_ports(host, ports)
    except AddressInUseError as exc:
        raise UsageError(str(exc)) from exc


def cmd_sim(args: argparse.Namespace) -> int:
    """Run the reference head unit until SIGINT or SIGTERM."""
    with requires_extra("`cardeck sim`", later=() if args.headless else WINDOW_MODULES):
        from cardeck_sim.headunit import AddressInUseError, UiOptions, serve_forever
    if args.headless and (args.display or args.script or args.console):
        raise UsageError("--display, --script and --console need the window; drop --headless.")
    _refuse_taken_ports(args)
    import asyncio

    config = sim_config(args)
    try:
        ui = None if args.headless else UiOptions(args.display, args.script, args.console)
        asyncio.run(serve_forever(config, ui=ui))
    except AddressInUseError as exc:
        # Already one sentence naming the port and the flag to change.
        raise UsageError(str(exc)) from exc
    except (ValueError, KeyError, OSError) as exc:
        # Configuration mistakes (tokens file, TLS files, unknown profile, bind
        # address) are the user's to fix: say so in one line, no traceback.
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise UsageError(f"The head unit stopped: {text}") from exc
    return 0
