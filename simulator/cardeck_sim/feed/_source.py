"""Where an outside vehicle feed comes from: ``--vehicle-source`` and ``--vehicle-signals``."""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from cardeck.vss import SIGNALS

__all__ = [
    "DEFAULT_FEED_SIGNALS",
    "SIMULATED",
    "VehicleSource",
    "parse_feed_signals",
    "parse_vehicle_source",
]

#: ``--vehicle-source``'s value for the head unit's own simulated car (the default).
SIMULATED = "simulated"

#: The schemes of ``--vehicle-source``: KUKSA's plaintext and TLS val API.
_SCHEMES = {"kuksa": False, "kuksas": True}

_EXAMPLE = (
    "pass kuksa://HOST:PORT (plaintext) or kuksas://HOST:PORT (TLS), e.g. "
    "kuksa://127.0.0.1:55555, or 'simulated' for the head unit's own car"
)

# The head unit's own settings and the overlay only CarDeck has: a car's databroker
# neither has nor owns them, so they are never mirrored unless asked for by name.
_OWN_PREFIXES = (
    "Vehicle.Cabin.Infotainment.HMI.",
    "Vehicle.Private.CarDeck.",
    "Vehicle.VersionVSS.",
)
# A command to the car, not a reading of it: its current value is the provider's business.
_COMMANDS = frozenset({"Vehicle.Cabin.Sunroof.Switch"})


def _mirrored_by_default(path: str) -> bool:
    spec = SIGNALS[path]
    return not (spec.overlay or path.startswith(_OWN_PREFIXES) or path in _COMMANDS)


#: What the head unit reads from an outside feed unless ``--vehicle-signals`` says otherwise:
#: every signal of the subset that describes the car (speed, gears, parking brake, power
#: state, light, temperature, battery, fuel, range, odometer, location, sunroof position),
#: in the subset's order.
DEFAULT_FEED_SIGNALS: tuple[str, ...] = tuple(p for p in SIGNALS if _mirrored_by_default(p))


@dataclass(frozen=True)
class VehicleSource:
    """A KUKSA val v2 server to read the vehicle's signals from.

    :param url: the address as the head unit reports it (``store.vehicle_source``).
    :param host: the server's host name or address (IPv6 without brackets).
    :param port: its TCP port.
    :param tls: whether to speak TLS (``kuksas://``).
    """

    url: str
    host: str
    port: int
    tls: bool

    @property
    def target(self) -> str:
        """The gRPC target, ``host:port`` (an IPv6 address in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_vehicle_source(text: str) -> VehicleSource | None:
    """Read ``--vehicle-source``: None for ``simulated``, else the KUKSA server.

    :raises ValueError: a sentence naming ``--vehicle-source``, what is wrong and the form.
    """
    value = text.strip()
    if value == SIMULATED:
        return None
    if not value:
        raise ValueError(f"--vehicle-source is empty; {_EXAMPLE}.")
    problem = _problem(value)
    if problem:
        raise ValueError(f"--vehicle-source {text!r} {problem}; {_EXAMPLE}.")
    parts = urlsplit(value)
    assert parts.hostname is not None and parts.port is not None  # checked by _problem
    tls = _SCHEMES[parts.scheme.lower()]
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    return VehicleSource(
        url=f"{parts.scheme.lower()}://{shown}:{parts.port}", host=host, port=parts.port, tls=tls
    )


def _problem(value: str) -> str:
    """What keeps ``value`` from being a KUKSA address, or "" when nothing does."""
    if "://" not in value:
        return "has no scheme"
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. a bracketed host that is no IPv6 address
        return "has a host that is not an IPv6 address"
    if parts.scheme.lower() not in _SCHEMES:
        return f"has the scheme {parts.scheme!r}, not kuksa or kuksas"
    if parts.username is not None or parts.password is not None:
        return "carries credentials; give a token with --vehicle-source-token instead"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "has more than a host and a port"
    try:
        port = parts.port
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    host = parts.hostname
    if not host:
        return "has no host"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "has a host that is not an IPv6 address"
    if port is None:
        return "has no port (KUKSA's databroker listens on 55555)"
    if port == 0:
        return "has port 0, which no server listens on"
    return ""


def parse_feed_signals(value: str | Iterable[str]) -> tuple[str, ...]:
    """Read ``--vehicle-signals``: VSS paths, comma-separated or as a sequence.

    Duplicates are dropped; the order is kept.

    :raises ValueError: a sentence naming ``--vehicle-signals`` and every unknown path
        (with the closest known one), or saying the list is empty.
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    paths = list(dict.fromkeys(p.strip() for p in items if p.strip()))
    if not paths:
        raise ValueError(
            "--vehicle-signals is empty; list VSS paths separated by commas, e.g. "
            "Vehicle.Speed,Vehicle.Powertrain.Transmission.SelectedGear, or leave the flag "
            "out to read every signal that describes the car."
        )
    unknown = [p for p in paths if p not in SIGNALS]
    if unknown:
        described = []
        for path in unknown:
            close = difflib.get_close_matches(path, SIGNALS, n=1, cutoff=0.8)
            described.append(f"{path!r}" + (f" (did you mean {close[0]}?)" if close else ""))
        raise ValueError(
            f"--vehicle-signals names {', '.join(described)}, which "
            f"{'is not a signal' if len(unknown) == 1 else 'are not signals'} of CarDeck's "
            "VSS subset (the paths of cardeck.vss.SIGNALS)."
        )
    return tuple(paths)
