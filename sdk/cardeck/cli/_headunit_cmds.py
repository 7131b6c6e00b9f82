"""``cardeck info`` and ``cardeck sim``: talk to a head unit, or run one."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._client import DEFAULT_TARGET, TLSConfig, connect
from .._exceptions import UsageError
from .._extras import WINDOW_MODULES, requires_extra
from .._models import ServerInfo


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    """The flags every command that talks to a head unit takes."""
    parser.add_argument(
        "--target", default=DEFAULT_TARGET, help=f"head unit host:port (default {DEFAULT_TARGET})"
    )
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
    sim.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=50051, help="TCP port; 0 picks a free one")
    sim.add_argument("--profile", default="", help="vehicle profile id to start with")
    sim.add_argument(
        "--ws-port",
        type=int,
        default=50052,
        help="WebSocket event bridge port (default 50052; 0 picks a free one; -1 turns it off)",
    )
    sim.add_argument("--no-browser", action="store_true", help="do not offer the browser panel")
    sim.add_argument(
        "--state-dir",
        default=None,
        help="keep the event journal here, so a restarted head unit loses no event",
    )
    sim.add_argument(
        "--map-data", default=None, help="an OpenStreetMap .osm.pbf (default: Helsinki)"
    )
    sim.add_argument(
        "--tokens",
        default=None,
        help="YAML tokens file (name, sha256, scopes); without it every caller gets every "
        "scope and only loopback may be bound",
    )
    sim.add_argument("--tls-cert", default=None, help="server certificate PEM; enables TLS")
    sim.add_argument("--tls-key", default=None, help="server key PEM")
    sim.add_argument(
        "--client-ca", default=None, help="CA PEM that client certificates must chain to (mTLS)"
    )
    sim.set_defaults(func=cmd_sim)


def format_info(info: ServerInfo) -> str:
    """A readable description of a head unit."""
    lines = [
        f"{info.product_name} {info.server_version} (API {info.api_version}, run {info.run_id})",
        f"profile: {info.active_profile_id or '(none)'}",
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


def info_to_json(info: ServerInfo) -> dict[str, Any]:
    """A JSON-ready description of a head unit."""
    return {
        "product_name": info.product_name,
        "server_version": info.server_version,
        "api_version": str(info.api_version),
        "run_id": info.run_id,
        "active_profile_id": info.active_profile_id,
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
        "capabilities": {c.capability.value: c.available for c in info.capabilities},
    }


def cmd_info(args: argparse.Namespace) -> int:
    """Print a head unit's info."""
    with connect(args.target, token=args.token, tls=tls_from_args(args)) as client:
        info = client.info()
    print(json.dumps(info_to_json(info), indent=2) if args.json else format_info(info))
    return 0


def cmd_sim(args: argparse.Namespace) -> int:
    """Run the reference head unit until SIGINT or SIGTERM."""
    with requires_extra("`cardeck sim`", later=() if args.headless else WINDOW_MODULES):
        from cardeck_sim.service import ServiceConfig, UiOptions, serve_forever
    if args.headless and (args.display or args.script or args.console):
        raise UsageError("--display, --script and --console need the window; drop --headless.")
    import asyncio

    try:
        config = ServiceConfig(
            host=args.host,
            port=args.port,
            profile=args.profile,
            ws_port=None if args.ws_port < 0 else args.ws_port,
            browser=not args.no_browser,
            state_dir=args.state_dir,
            map_data=args.map_data,
            tokens_file=args.tokens,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            client_ca=args.client_ca,
        )
        ui = None if args.headless else UiOptions(args.display, args.script, args.console)
        asyncio.run(serve_forever(config, ui=ui))
    except (ValueError, KeyError, OSError) as exc:
        # Configuration mistakes (tokens file, TLS files, unknown profile, bind
        # address) are the user's to fix: say so in one line, no traceback.
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise UsageError(f"The head unit stopped: {text}") from exc
    return 0
