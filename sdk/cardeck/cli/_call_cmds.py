"""``cardeck call`` and ``cardeck watch``: poke a running head unit from the shell.

``cardeck call SERVICE METHOD [options]`` makes one SDK call and prints its
result; ``cardeck watch STREAM`` prints one line per item of a stream. Both
are generated from the explicit tables below (``_SERVICES`` and ``_WATCHES``),
not by reflection, so every option is typed and documented and every call is
checked by mypy against the SDK.

Option *syntax* is checked here (``--near abc`` is an argparse error, exit 2);
option *values* are the head unit's to judge (``--near 91,0`` comes back as
``InvalidArgumentError``), so the CLI and the API never disagree on a range.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .._client import DEFAULT_TARGET, Client, connect
from .._exceptions import UsageError
from .._models import (
    BrowserState,
    DayNightMode,
    Event,
    EventKind,
    Gear,
    GuidanceState,
    HardKey,
    Place,
    Route,
    ServerInfo,
    VoiceState,
)
from .._paging import Page
from ._headunit_cmds import add_connection_args, format_info, info_to_json, tls_from_args
from ._output import JsonKeys, add_json_flag, json_epilog, positive_int
from ._signals_cmds import (
    actuate_signal,
    assignment,
    change_text,
    get_signals,
    list_text,
    parse_paths,
    require_signals,
    set_signals,
    values_text,
)

__all__ = ["cmd_call", "cmd_watch", "register", "render_text", "to_jsonable"]

# Text output shows lists under these keys as a count only; --json has them all.
_COUNT_ONLY_KEYS = frozenset({"polyline"})


# -- JSON and text rendering ---------------------------------------------------


def to_jsonable(value: object) -> Any:
    """Turn an SDK result into JSON-ready data.

    Dataclasses become objects, enums their values, datetimes ISO 8601 strings
    and events ``{seq, run_id, kind, time, data}``. A ``bytes`` field ``png``
    becomes ``png_bytes`` with its length: binary output goes to files (``-o``),
    never into JSON.
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Event):
        return {
            "seq": value.seq,
            "run_id": value.run_id,
            "kind": value.kind.value,
            "time": to_jsonable(value.time),
            "data": to_jsonable(value.data),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            out[f"{f.name}_bytes" if isinstance(item, bytes) else f.name] = to_jsonable(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value


def _scalar(value: Any) -> str:
    """One JSON-ready scalar as text: floats to 6 decimals, booleans and None in words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def _is_rect(value: Any) -> bool:
    """Whether JSON-ready data is a layout ``Rect``."""
    return isinstance(value, dict) and set(value) == {"x", "y", "width", "height"}


def _text_lines(value: Any, indent: int = 0) -> list[str]:
    """JSON-ready data as indented ``key: value`` lines (a YAML-like reading form)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return [f"{pad}(none)"]
        lines: list[str] = []
        for key, item in value.items():
            if key in _COUNT_ONLY_KEYS and isinstance(item, list):
                lines.append(f"{pad}{key}: {len(item)} points (--json shows them)")
            elif _is_rect(item):
                lines.append(f"{pad}{key}: {_rect(item)}")
            elif isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_text_lines(item, indent + 1))
            elif isinstance(item, str) and "\n" in item:
                lines.append(f"{pad}{key}: |")
                lines.extend(f"{pad}  {line}" for line in item.splitlines())
            elif isinstance(item, dict | list):
                lines.append(f"{pad}{key}: (none)")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        if not value:
            return [f"{pad}(none)"]
        lines = []
        for item in value:
            sub = _text_lines(item, indent + 1)
            lines.append(f"{pad}- {sub[0].lstrip()}")
            lines.extend(sub[1:])
        return lines
    return [f"{pad}{_scalar(value)}"]


def _rect(r: Mapping[str, Any]) -> str:
    """A rectangle as ``WxH at (x, y)``."""
    return f"{_scalar(r['width'])}x{_scalar(r['height'])} at ({_scalar(r['x'])}, {_scalar(r['y'])})"


def render_text(value: object) -> str:
    """A readable multi-line rendering of any SDK result."""
    return "\n".join(_text_lines(to_jsonable(value)))


def _one_line(data: Any) -> str:
    """JSON-ready data on one line: ``key=value`` pairs, nested parts as compact JSON."""
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)
    parts = []
    for key, item in data.items():
        if key in _COUNT_ONLY_KEYS and isinstance(item, list):
            text = f"{len(item)}points"
        elif isinstance(item, dict | list):
            text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(item, str):
            text = json.dumps(item, ensure_ascii=False) if (not item or " " in item) else item
        else:
            text = json.dumps(item)
        parts.append(f"{key}={text}")
    return " ".join(parts)


def _places_text(places: Sequence[Place] | Page[Place]) -> str:
    """Search results, one place per line (then the next page's token, if any)."""
    token = places.next_page_token if isinstance(places, Page) else ""
    items = list(places)
    lines = [
        f"{p.name}  [{p.category}]  {p.distance_m:.0f} m  "
        f"{p.position.latitude_deg:.6f},{p.position.longitude_deg:.6f}  "
        f"{p.address or '(no address)'}  id={p.place_id}"
        for p in items
    ] or ["no places found"]
    if token:
        lines.append(f"next_page_token: {token}")
    return "\n".join(lines)


def _route_text(route: Route) -> str:
    """A route's totals and its maneuvers, one per line."""
    lines = [
        f"route {route.route_id or '(not active)'}: {route.distance_m / 1000:.2f} km, "
        f"{route.duration_s / 60:.1f} min, {len(route.polyline)} points"
    ]
    lines += [f"  {m.distance_from_start_m:7.0f} m  {m.instruction}" for m in route.maneuvers]
    return "\n".join(lines)


# -- typed option values -------------------------------------------------------


def _latlng(text: str) -> tuple[float, float]:
    """Parse ``LAT,LON``; the head unit checks the ranges."""
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError(text)
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LAT,LON in decimal degrees, such as 60.1699,24.9384, but got {text!r}"
        ) from None


def _event_kinds(text: str) -> tuple[EventKind, ...]:
    """Parse a comma-separated list of event kinds."""
    valid = [k.value for k in EventKind if k is not EventKind.UNSPECIFIED]
    kinds = []
    for name in filter(None, (part.strip() for part in text.split(","))):
        if name not in valid:
            raise argparse.ArgumentTypeError(
                f"{name!r} is not an event kind; use a comma-separated list of {', '.join(valid)}"
            )
        kinds.append(EventKind(name))
    return tuple(kinds)


def _readable_file(text: str) -> Path:
    """A path that must name a readable file (checked before connecting)."""
    path = Path(text)
    if not path.is_file() or not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"{text!r} is not a readable file")
    return path


def _page_args(a: argparse.Namespace) -> dict[str, Any]:
    """The page keywords of a list call: none (every item) unless a flag was given."""
    if a.page_size is None and a.page_token is None:
        return {}
    return {"page_size": a.page_size or 0, "page_token": a.page_token or ""}


def _page_opts(maximum: int) -> tuple[_Opt, _Opt]:
    return (
        _opt(
            "--page-size",
            type=int,
            metavar="N",
            help=f"one page of at most N (1 to {maximum}); prints next_page_token "
            "(default: every item)",
        ),
        _opt("--page-token", metavar="TOKEN", help="continue after the page that gave TOKEN"),
    )


# -- the call table ------------------------------------------------------------

Runner = Callable[[Client, argparse.Namespace], Any]


@dataclass(frozen=True)
class _Opt:
    """One argparse option: its flags and ``add_argument`` keywords."""

    flags: tuple[str, ...]
    kwargs: Mapping[str, Any]


def _opt(*flags: str, **kwargs: Any) -> _Opt:
    """Spell an option like ``add_argument``."""
    return _Opt(flags, kwargs)


@dataclass(frozen=True)
class _Method:
    """One ``cardeck call SERVICE METHOD``: its options and the SDK call it makes.

    :param run: makes the call and returns the SDK result.
    :param text: renders the result for people; default :func:`render_text`.
    :param blob: the binary part of the result (PNG, WAV), written to ``-o FILE``.
    :param done: what to print when the call returns nothing.
    :param one_of: options of which exactly one is required.
    :param opts: the options; a :class:`_Subject` is the call's obvious subject
        (a profile id, a query, a URL), given as an argument.
    """

    name: str
    help: str
    run: Runner
    opts: tuple[_Opt | _Subject, ...] = ()
    text: Callable[[Any], str] | None = None
    blob: Callable[[Any], bytes] | None = None
    done: str = "done"
    one_of: tuple[_Opt, ...] = ()


@dataclass(frozen=True)
class _Subject:
    """A positional argument that was once a required ``--flag``.

    ``cardeck call layout activate polestar-2`` reads better than ``--id
    polestar-2``; scripts written with the flag keep working.

    :param dest: the attribute the runner reads (``a.id``).
    :param flag: the old flag, now a deprecated alias.
    :param help: what the value is.
    :param choices: the allowed values, if only some are.
    :param type: converts and checks the value, as argparse's ``type=``.
    """

    dest: str
    flag: str
    help: str
    choices: tuple[str, ...] | None = None
    type: Callable[[str], Any] | None = None

    @property
    def metavar(self) -> str:
        """How usage lines show the positional."""
        return self.dest.upper()

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add the positional and its deprecated flag."""
        checks: dict[str, Any] = {"choices": self.choices, "type": self.type}
        parser.add_argument(self.dest, nargs="?", metavar=self.metavar, help=self.help, **checks)
        parser.add_argument(
            self.flag,
            dest=f"{self.dest}_flag",
            metavar=self.metavar,
            help=f"deprecated alias of the {self.metavar} argument",
            **checks,
        )

    def resolve(self, args: argparse.Namespace, command: str) -> None:
        """Set ``args.<dest>`` from the positional or the flag; exactly one is needed."""
        positional, flag = getattr(args, self.dest), getattr(args, f"{self.dest}_flag")
        if positional is not None and flag is not None and positional != flag:
            raise UsageError(
                f"{command} got {positional!r} and {self.flag} {flag!r}; give the "
                f"{self.metavar} once, as an argument."
            )
        if positional is None and flag is None:
            raise UsageError(
                f"{command} needs the {self.help}; give it as `{command} {self.metavar}`."
            )
        setattr(args, self.dest, positional if positional is not None else flag)


def _update_vehicle(client: Client, args: argparse.Namespace) -> Any:
    """Send the vehicle-state fields given on the command line."""
    fields: dict[str, Any] = {}
    if args.speed_kmh is not None:
        fields["speed_kmh"] = args.speed_kmh
    if args.gear is not None:
        fields["gear"] = Gear(args.gear)
    if args.parking_brake is not None:
        fields["parking_brake_on"] = args.parking_brake
    if args.night is not None:
        fields["night"] = args.night
    if not fields:
        raise UsageError(
            "Nothing to update: give at least one of --speed-kmh, --gear, "
            "--parking-brake/--no-parking-brake or --night/--no-night."
        )
    return client.update_vehicle_state(**fields)


def _search(client: Client, args: argparse.Namespace) -> Any:
    """Search places: ``--limit`` results, or one page with the page flags."""
    paging = _page_args(args)
    if paging and args.limit is not None:
        raise UsageError(
            "Give --limit or --page-size/--page-token, not both: a page ignores --limit."
        )
    if paging:
        return client.maps.search_places(args.query, near=args.near, **paging)
    return client.maps.search_places(args.query, near=args.near, limit=args.limit or 10)


def _destination(client: Client, args: argparse.Namespace) -> Any:
    """Set the destination from ``--place-id`` or ``--position``."""
    return client.maps.set_destination(
        args.place_id, position=args.position, start_guidance=args.start_guidance
    )


_LATLNG_HELP = "LAT,LON in decimal degrees (write --{0}=-33.87,151.21 when LAT is negative)"
_OUT_PNG = _opt("-o", "--output", type=Path, metavar="FILE", help="write the PNG here")
_DISPLAY = _opt("--display", default="", help="display id (default: the whole dashboard)")

_SERVICES: dict[str, tuple[str, tuple[_Method, ...]]] = {
    "headunit": (
        "info, vehicle state, drive restrictions and locale (HeadUnitService)",
        (
            _Method(
                "info",
                "what the head unit is and can do",
                lambda c, a: c.info(),
                text=format_info,
            ),
            _Method("vehicle-state", "the current vehicle state", lambda c, a: c.vehicle_state()),
            _Method(
                "restrictions",
                "what the UI locks now (driving restrictions)",
                lambda c, a: c.drive_restrictions(),
            ),
            _Method(
                "set-locale",
                "switch the head unit's locale; prints the locale now in use",
                lambda c, a: c.set_locale(a.locale),
                opts=(
                    _opt(
                        "locale",
                        metavar="TAG",
                        help="a supported locale tag, e.g. ko, de, ar, en-XA (`cardeck info` "
                        "lists them)",
                    ),
                ),
            ),
            _Method(
                "update-vehicle",
                "change vehicle-state fields; prints the new state",
                _update_vehicle,
                opts=(
                    _opt("--speed-kmh", type=float, help="vehicle speed in km/h"),
                    _opt("--gear", choices=[g.value for g in Gear if g.value != "unspecified"]),
                    _opt(
                        "--parking-brake",
                        action=argparse.BooleanOptionalAction,
                        default=None,
                        help="apply or release the parking brake",
                    ),
                    _opt(
                        "--night",
                        action=argparse.BooleanOptionalAction,
                        default=None,
                        help="what the light sensor says (used when day-night is auto)",
                    ),
                ),
            ),
        ),
    ),
    "layout": (
        "vehicle profiles and computed layouts (LayoutService)",
        (
            _Method(
                "profiles",
                "every vehicle profile",
                lambda c, a: c.layout.list_profiles(**_page_args(a)),
                opts=_page_opts(1000),
            ),
            _Method(
                "profile",
                "one profile with its YAML",
                lambda c, a: c.layout.get_profile(a.id),
                opts=(_Subject("id", "--id", "profile id"),),
            ),
            _Method(
                "layout",
                "the computed layout per display",
                lambda c, a: c.layout.get_layout(a.profile, a.display),
                opts=(
                    _opt("--profile", default="", help="profile id (default: the active one)"),
                    _opt("--display", default="", help="only this display (default: all)"),
                ),
            ),
            _Method(
                "activate",
                "switch the head unit to another vehicle profile; prints its layouts",
                lambda c, a: c.layout.set_active_profile(a.id),
                opts=(_Subject("id", "--id", "profile id"),),
            ),
        ),
    ),
    "maps": (
        "place search, routes, guidance, markers and camera (MapsService)",
        (
            _Method(
                "search",
                "places by name, best match and nearest first",
                _search,
                opts=(
                    _Subject("query", "--query", "text to search for"),
                    _opt("--limit", type=int, help="at most this many (default 10)"),
                    *_page_opts(100),
                    _opt(
                        "--near",
                        type=_latlng,
                        metavar="LAT,LON",
                        help="rank by distance from here (default: the vehicle); "
                        + _LATLNG_HELP.format("near"),
                    ),
                ),
                text=_places_text,
            ),
            _Method(
                "place",
                "one place by id",
                lambda c, a: c.maps.get_place(a.id),
                opts=(_Subject("id", "--id", "place id (e.g. way/122595241)"),),
            ),
            _Method(
                "route",
                "the fastest route between two points, without making it active",
                lambda c, a: c.maps.compute_route(a.origin, a.destination),
                opts=(
                    _opt(
                        "--from",
                        dest="origin",
                        type=_latlng,
                        required=True,
                        metavar="LAT,LON",
                        help=_LATLNG_HELP.format("from"),
                    ),
                    _opt(
                        "--to",
                        dest="destination",
                        type=_latlng,
                        required=True,
                        metavar="LAT,LON",
                        help=_LATLNG_HELP.format("to"),
                    ),
                ),
                text=_route_text,
            ),
            _Method(
                "destination",
                "route from the vehicle to a place or position and make it active",
                _destination,
                one_of=(
                    _opt("--place-id", help="a place id from `cardeck call maps search`"),
                    _opt(
                        "--position",
                        type=_latlng,
                        metavar="LAT,LON",
                        help=_LATLNG_HELP.format("position"),
                    ),
                ),
                opts=(
                    _opt("--start-guidance", action="store_true", help="start guidance at once"),
                ),
                text=_route_text,
            ),
            _Method(
                "clear-destination",
                "drop the active route and stop guidance",
                lambda c, a: c.maps.clear_destination(),
                done="destination cleared",
            ),
            _Method(
                "start-guidance",
                "drive the active route in simulation",
                lambda c, a: c.maps.start_guidance(time_scale=a.time_scale),
                opts=(
                    _opt(
                        "--time-scale",
                        type=float,
                        default=1.0,
                        help="this many times faster than real time (default 1)",
                    ),
                ),
            ),
            _Method(
                "stop-guidance",
                "stop guidance; the route stays",
                lambda c, a: c.maps.stop_guidance(),
                done="guidance stopped",
            ),
            _Method(
                "markers",
                "every map marker",
                lambda c, a: c.maps.list_markers(**_page_args(a)),
                opts=_page_opts(10_000),
            ),
            _Method("camera", "the map view", lambda c, a: c.maps.camera()),
        ),
    ),
    "voice": (
        "understanding and speech (VoiceService)",
        (
            _Method(
                "understand",
                "what typed text means, as if it had been spoken",
                lambda c, a: c.voice.understand(a.text, execute_intents=a.execute),
                opts=(
                    _Subject("text", "--text", "the utterance"),
                    _opt("--execute", action="store_true", help="also act on it"),
                ),
            ),
            _Method(
                "speak",
                "speak a sentence on the head unit",
                lambda c, a: c.voice.speak(a.text, sample_rate_hz=a.sample_rate_hz),
                opts=(
                    _Subject("text", "--text", "sentence to speak"),
                    _opt(
                        "--sample-rate-hz",
                        type=int,
                        default=0,
                        metavar="HZ",
                        help="the WAV's rate: 8000, 16000, 22050, 24000, 44100 or 48000 "
                        "(default: espeak-ng's 22050)",
                    ),
                    _opt("-o", "--output", type=Path, metavar="FILE", help="save the WAV here"),
                ),
                blob=lambda speech: speech.wav,
            ),
        ),
    ),
    "browser": (
        "the browser panel (BrowserService)",
        (
            _Method(
                "navigate",
                "open a URL and wait for it to load",
                lambda c, a: c.browser.navigate(a.url, wait_timeout_s=a.wait_timeout),
                opts=(
                    _Subject("url", "--url", "URL to open"),
                    _opt(
                        "--wait-timeout",
                        type=float,
                        default=10.0,
                        help="seconds to wait for the load event (default 10)",
                    ),
                ),
            ),
            _Method("state", "the browser state now", lambda c, a: c.browser.state()),
            _Method("back", "one step back in history", lambda c, a: c.browser.go_back()),
            _Method("forward", "one step forward in history", lambda c, a: c.browser.go_forward()),
            _Method("reload", "reload the page", lambda c, a: c.browser.reload()),
            _Method(
                "capture",
                "a PNG of the page",
                lambda c, a: c.browser.capture(),
                opts=(
                    _opt(
                        "-o",
                        "--output",
                        type=Path,
                        metavar="FILE",
                        required=True,
                        help="write the PNG here",
                    ),
                ),
                blob=lambda image: image.png,
            ),
            _Method(
                "policy", "which URLs the browser may open", lambda c, a: c.browser.url_policy()
            ),
        ),
    ),
    "simulator": (
        "simulator controls: taps, keys, screenshots, audio (SimulatorService)",
        (
            _Method(
                "tap",
                "touch a display at a point; prints the panel hit",
                lambda c, a: c.simulator.tap(a.x, a.y, display_id=a.display),
                opts=(
                    _opt("--x", type=float, required=True, help="px from the display's left"),
                    _opt("--y", type=float, required=True, help="px from the display's top"),
                    _opt("--display", default="", help="display id (default: the center one)"),
                ),
            ),
            _Method(
                "key",
                "press a hardware key",
                lambda c, a: c.simulator.key(HardKey(a.key)),
                opts=(
                    _Subject(
                        "key",
                        "--key",
                        "key to press",
                        choices=tuple(k.value for k in HardKey if k is not HardKey.UNSPECIFIED),
                    ),
                ),
                done="key pressed",
            ),
            _Method(
                "screenshot",
                "a PNG of one display or the whole dashboard",
                lambda c, a: c.simulator.screenshot(a.display),
                opts=(_OUT_PNG, _DISPLAY),
                blob=lambda image: image.png,
            ),
            _Method(
                "day-night",
                "switch the theme (auto follows the light sensor)",
                lambda c, a: c.simulator.set_day_night(DayNightMode(a.mode)),
                opts=(_opt("mode", choices=["auto", "day", "night"], help="the theme"),),
            ),
            _Method(
                "profile",
                "switch the simulated vehicle; prints its displays",
                lambda c, a: c.simulator.load_profile(a.id),
                opts=(_Subject("id", "--id", "profile id"),),
            ),
            _Method(
                "inject",
                "play a WAV into the simulated microphone; prints what was understood",
                lambda c, a: c.simulator.inject_audio(a.wav, execute_intents=a.execute),
                opts=(
                    _Subject("wav", "--wav", "16 kHz mono WAV file", type=_readable_file),
                    _opt(
                        "--execute",
                        action=argparse.BooleanOptionalAction,
                        default=True,
                        help="act on what was understood (default: yes)",
                    ),
                ),
            ),
        ),
    ),
    "signals": (
        "vehicle signals by COVESA VSS path (KUKSA val v2, as client.signals)",
        (
            _Method(
                "get",
                "the current value of each signal, with its unit",
                lambda c, a: get_signals(c, a.paths),
                opts=(
                    _opt("paths", nargs="+", metavar="PATH", help="VSS path, e.g. Vehicle.Speed"),
                ),
                text=values_text,
            ),
            _Method(
                "set",
                "publish signal values (each checked against its signal first)",
                lambda c, a: set_signals(c, a.values),
                opts=(
                    _opt(
                        "values",
                        nargs="+",
                        type=assignment,
                        metavar="PATH=VALUE",
                        help="e.g. Vehicle.Speed=50 Vehicle.IsMoving=true",
                    ),
                ),
                done="published",
            ),
            _Method(
                "actuate",
                "ask an actuator's provider to take a value",
                lambda c, a: actuate_signal(c, a.value),
                opts=(
                    _opt(
                        "value",
                        type=assignment,
                        metavar="PATH=VALUE",
                        help="e.g. Vehicle.Cabin.Sunroof.Switch=OPEN",
                    ),
                ),
                done="actuated",
            ),
            _Method(
                "list",
                "every signal under a branch, with datatype, unit, limits and allowed values",
                lambda c, a: c.signals.list(a.root),
                opts=(
                    _opt(
                        "root",
                        nargs="?",
                        default="Vehicle",
                        metavar="ROOT",
                        help="a VSS branch or signal (default Vehicle)",
                    ),
                ),
                text=list_text,
            ),
        ),
    ),
    "packages": (
        "installed bundles, installation and rollback (PackagesService)",
        (
            _Method(
                "list",
                "every installed bundle",
                lambda c, a: c.packages.list(**_page_args(a)),
                opts=_page_opts(1000),
            ),
            _Method(
                "install",
                "stream a signed bundle to the head unit and install it",
                lambda c, a: c.packages.install(a.bundle, allow_downgrade=a.allow_downgrade),
                opts=(
                    _opt(
                        "bundle", type=_readable_file, help="a bundle from `cardeck deploy build`"
                    ),
                    _opt("--allow-downgrade", action="store_true", help="allow an older version"),
                ),
            ),
            _Method(
                "rollback",
                "reinstate the previous version of a bundle",
                lambda c, a: c.packages.rollback(a.name),
                opts=(_Subject("name", "--name", "bundle name"),),
            ),
        ),
    ),
}


# -- the watch table -----------------------------------------------------------


@dataclass(frozen=True)
class _Watch:
    """One ``cardeck watch STREAM`` over a state stream (first item: the current state)."""

    name: str
    help: str
    open: Callable[[Client], Iterator[Any]]
    model: type

    @property
    def json_keys(self) -> JsonKeys:
        """The keys of each ``--json`` line: the state's fields."""
        return {f.name: f"{self.model.__name__}.{f.name}" for f in dataclasses.fields(self.model)}


_WATCHES = (
    _Watch(
        "guidance",
        "guidance states as they change",
        lambda c: c.maps.watch_guidance(),
        GuidanceState,
    ),
    _Watch(
        "voice", "voice panel states as they change", lambda c: c.voice.watch_state(), VoiceState
    ),
    _Watch(
        "browser",
        "browser states as they change",
        lambda c: c.browser.watch_state(),
        BrowserState,
    ),
)

_LINES_HEADER = "--json prints one JSON object per line with these keys:"
_EVENT_KEYS: JsonKeys = {
    "seq": "the event's sequence number (resume with --after SEQ)",
    "run_id": "the head unit run it belongs to (resume with --run-id)",
    "kind": "the event kind, e.g. vehicle_state",
    "time": "when it happened, ISO 8601",
    "data": "the new state of that kind, as `cardeck call … --json` prints it",
}
_SIGNAL_KEYS: JsonKeys = {
    "signals": "the signals that changed together, each {path, value, time, unit}; the first "
    "line holds every current value",
}
# `cardeck watch --signals`'s own flags, stored apart (dest, default) so that they are never
# silently overwritten by a STREAM's flags of the same name, and are refused with one.
_SIGNAL_WATCH_FLAGS = {
    "--count": ("w_count", None),
    "--target": ("w_target", DEFAULT_TARGET),
    "--token": ("w_token", None),
    "--tls-ca": ("w_tls_ca", None),
    "--tls-cert": ("w_tls_cert", None),
    "--tls-key": ("w_tls_key", None),
    "--json": ("w_json", False),
}
_CALL_JSON_EPILOG = (
    "--json prints the result as one JSON object whose keys are the fields of the SDK\n"
    "result (see docs/api.md); enums are their values, times ISO 8601, binary fields\n"
    "their length as NAME_bytes plus written_to (the output file or null). A call that\n"
    'returns nothing prints {"ok": true}.'
)


# -- registration ----------------------------------------------------------------


def _add_common(parser: argparse.ArgumentParser) -> None:
    """Add the connection flags and ``--json``."""
    add_connection_args(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.epilog = _CALL_JSON_EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def register(subparsers: Any) -> None:
    """Add ``call`` and ``watch`` to the ``cardeck`` command."""
    call = subparsers.add_parser(
        "call",
        help="make one API call on a running head unit",
        description=(
            "Make one API call on a running head unit and print the result "
            "(text, or JSON with --json). Binary results (PNG, WAV) go to -o FILE."
        ),
    )
    services = call.add_subparsers(title="services", metavar="SERVICE", required=True)
    for service, (service_help, methods) in _SERVICES.items():
        sp = services.add_parser(service, help=service_help, description=service_help)
        leaves = sp.add_subparsers(title="methods", metavar="METHOD", required=True)
        for method in methods:
            leaf = leaves.add_parser(method.name, help=method.help, description=method.help + ".")
            for opt in method.opts:
                if isinstance(opt, _Subject):
                    opt.add_to(leaf)
                else:
                    leaf.add_argument(*opt.flags, **opt.kwargs)
            if method.one_of:
                group = leaf.add_mutually_exclusive_group(required=True)
                for opt in method.one_of:
                    group.add_argument(*opt.flags, **opt.kwargs)
            _add_common(leaf)
            leaf.set_defaults(
                func=cmd_call, method=method, command=f"cardeck call {service} {method.name}"
            )

    watch = subparsers.add_parser(
        "watch",
        help="print a head unit's events, states or vehicle signals as they happen",
        description=(
            "Print one line per item (JSON lines with --json) until --count items "
            "arrived or Ctrl-C: a STREAM's items, or with --signals PATH[,PATH…] (and no "
            "STREAM) each change of those vehicle signals, with units."
        ),
    )
    _add_signal_watch(watch)
    streams = watch.add_subparsers(title="streams", metavar="STREAM", required=False)
    events = streams.add_parser(
        "events",
        help="every state change, in seq order",
        description=(
            "Every state change, in seq order. Without --after the head unit first "
            "sends a snapshot; its seq goes to stderr and the events after it to stdout."
        ),
    )
    events.add_argument(
        "--kinds",
        type=_event_kinds,
        default=(),
        metavar="KIND[,KIND…]",
        help="only these kinds, e.g. vehicle_state,drive_restrictions (default: every kind)",
    )
    events.add_argument("--after", type=int, default=None, metavar="SEQ", help="resume after SEQ")
    events.add_argument(
        "--run-id", default="", help="the run --after belongs to (default: the current run)"
    )
    _add_watch_common(events, _EVENT_KEYS)
    events.set_defaults(func=cmd_watch, watch=None)
    for w in _WATCHES:
        sp = streams.add_parser(w.name, help=w.help, description=w.help.capitalize() + ".")
        _add_watch_common(sp, w.json_keys)
        sp.set_defaults(func=cmd_watch, watch=w)


def _add_signal_watch(watch: argparse.ArgumentParser) -> None:
    """``cardeck watch --signals PATH[,PATH…]``: the flags of watching signals, no STREAM."""
    watch.add_argument(
        "--signals",
        type=parse_paths,
        default=None,
        metavar="PATH[,PATH…]",
        help="print each change of these vehicle signals (VSS paths), with units; the "
        "first line holds every current value",
    )
    helps = {
        "--count": "stop after N changes",
        "--target": f"head unit host:port (default {DEFAULT_TARGET})",
        "--token": "bearer token (default: none)",
        "--tls-ca": "PEM of the CA to trust; enables TLS",
        "--tls-cert": "client certificate PEM (mutual TLS)",
        "--tls-key": "client key PEM (mutual TLS)",
        "--json": "print JSON (keys below), not text",
    }
    for flag, (dest, default) in _SIGNAL_WATCH_FLAGS.items():
        if flag == "--json":
            watch.add_argument(flag, dest=dest, action="store_true", help=helps[flag])
        elif flag == "--count":
            watch.add_argument(
                flag, dest=dest, type=positive_int, default=default, metavar="N", help=helps[flag]
            )
        else:
            metavar = flag.lstrip("-").upper().replace("-", "_")
            watch.add_argument(flag, dest=dest, default=default, metavar=metavar, help=helps[flag])
    watch.epilog = json_epilog(_SIGNAL_KEYS, _LINES_HEADER)
    watch.formatter_class = argparse.RawDescriptionHelpFormatter
    watch.set_defaults(func=cmd_watch_signals, watch=None)


def _add_watch_common(parser: argparse.ArgumentParser, keys: JsonKeys) -> None:
    """Add ``--count``, the connection flags and ``--json`` (JSON lines with ``keys``)."""
    parser.add_argument(
        "--count", type=positive_int, default=None, metavar="N", help="stop after N items"
    )
    add_connection_args(parser)
    add_json_flag(parser, keys, header=_LINES_HEADER)


# -- handlers ----------------------------------------------------------------------


def _connect(args: argparse.Namespace) -> Client:
    """Connect with the connection flags, negotiating the API version."""
    return connect(args.target, token=args.token, tls=tls_from_args(args))


def _write(path: Path, data: bytes) -> None:
    """Write binary output, turning a filesystem failure into a UsageError."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(
            f"Could not write {path}: {exc.strerror}. Choose a writable path."
        ) from exc


def cmd_call(args: argparse.Namespace) -> int:
    """Make one call from the table and print its result."""
    method: _Method = args.method
    for opt in method.opts:
        if isinstance(opt, _Subject):
            opt.resolve(args, args.command)
    with _connect(args) as client:
        result = method.run(client, args)
    output: Path | None = getattr(args, "output", None)
    blob = method.blob(result) if method.blob is not None else None
    if blob is not None and output is not None:
        _write(output, blob)
    # A reader that leaves early (`| head`) is handled once, in __main__.main().
    _print_result(method, result, args.json, blob, output)
    return 0


def _print_result(
    method: _Method, result: Any, as_json: bool, blob: bytes | None, output: Path | None
) -> None:
    """Print a call's result: JSON, the done message, or its text rendering."""
    if as_json:
        data = info_to_json(result) if isinstance(result, ServerInfo) else to_jsonable(result)
        if result is None:
            data = {"ok": True}
        if blob is not None:
            data["written_to"] = str(output) if output is not None else None
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif result is None:
        print(method.done)
    else:
        print(method.text(result) if method.text is not None else render_text(result))
        if blob is not None:
            print(f"wrote {len(blob)} bytes to {output}" if output else "not saved; add -o FILE")


def _emit(item: Any, as_json: bool) -> None:
    """Print one stream item on one line."""
    if as_json:
        print(json.dumps(to_jsonable(item), ensure_ascii=False, separators=(",", ":")), flush=True)
    elif isinstance(item, Event):
        print(f"{item.seq} {item.kind.value} {_one_line(to_jsonable(item.data))}", flush=True)
    else:
        print(_one_line(to_jsonable(item)), flush=True)


def _signal_watch_flags_given(args: argparse.Namespace) -> list[str]:
    given = [
        flag
        for flag, (dest, default) in _SIGNAL_WATCH_FLAGS.items()
        if getattr(args, dest, default) != default
    ]
    return (["--signals"] if args.signals is not None else []) + given


def cmd_watch_signals(args: argparse.Namespace) -> int:
    """``cardeck watch --signals``: print each change of the signals until --count or Ctrl-C."""
    if args.signals is None:
        raise UsageError(
            "Name what to watch: a STREAM (events, guidance, voice, browser) or vehicle "
            "signals with --signals PATH[,PATH…], e.g. `cardeck watch --signals Vehicle.Speed`."
        )
    tls = tls_from_args(
        argparse.Namespace(tls_ca=args.w_tls_ca, tls_cert=args.w_tls_cert, tls_key=args.w_tls_key)
    )
    try:
        with connect(args.w_target, token=args.w_token, tls=tls) as client:
            require_signals(client, args.signals)
            changes = client.signals.subscribe(args.signals)
            try:
                for n, change in enumerate(changes, 1):
                    if args.w_json:
                        _emit(change, True)
                    else:
                        print(change_text(change), flush=True)
                    if args.w_count is not None and n >= args.w_count:
                        break
            finally:
                changes.close()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watch ends: no traceback, exit 0.
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Print a stream's items, one line each, until ``--count`` or Ctrl-C."""
    given = _signal_watch_flags_given(args)
    if given:
        raise UsageError(
            f"{', '.join(given)} before the STREAM "
            f"{'is a flag' if len(given) == 1 else 'are flags'} of `cardeck watch --signals`; "
            "give a STREAM's flags after its name, e.g. `cardeck watch events --count 3`."
        )
    try:
        with _connect(args) as client:
            if args.watch is None:
                stream = client.events(after_seq=args.after, run_id=args.run_id, kinds=args.kinds)
                snapshot = stream.open()
                start = f"from seq {snapshot.seq}" if snapshot else f"after seq {args.after}"
                print(f"watching events {start} (run {stream.run_id})", file=sys.stderr, flush=True)
                items: Iterator[Any] = stream
            else:
                items = args.watch.open(client)
            try:
                for n, item in enumerate(items, 1):
                    _emit(item, args.json)
                    if args.count is not None and n >= args.count:
                        break
            finally:
                items.close()  # type: ignore[attr-defined]  # every stream the SDK returns is a generator
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watch ends: no traceback, exit 0.
    return 0
