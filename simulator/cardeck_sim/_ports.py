"""Ports and hosts of the head unit: who holds a port, and which host clients should dial."""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterable

__all__ = [
    "AddressInUseError",
    "advertised_host",
    "bind_error",
    "port_taken",
    "primary_address",
    "refuse_taken_ports",
]

# Addresses that mean "every interface": fine to bind, useless to dial.
_WILDCARD_HOSTS = frozenset({"0.0.0.0", "::"})


class AddressInUseError(OSError):
    """Another process (another head unit?) already listens on the port; the message says
    which port and which flag picks another."""


def primary_address() -> str:
    """This machine's address on its default route, or ``127.0.0.1`` when it has none."""
    # Connecting a UDP socket sends nothing: the kernel only picks the local
    # address that would reach the (RFC 5737 documentation) destination.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    return "127.0.0.1" if address in _WILDCARD_HOSTS else address


def advertised_host(bind_host: str, advertise_host: str | None = None) -> str:
    """The host clients should dial for a server bound to ``bind_host``.

    :param bind_host: the address the server binds.
    :param advertise_host: an explicit choice (a DNS name, the address a NAT
        forwards); it always wins.
    :returns: ``advertise_host`` if given; for a wildcard bind (``0.0.0.0``,
        ``::``) the machine's primary address (see :func:`primary_address`);
        otherwise ``bind_host`` itself.
    """
    if advertise_host:
        return advertise_host
    if bind_host.strip("[]") in _WILDCARD_HOSTS:
        return primary_address()
    return bind_host


def _why_bind_fails(host: str, port: int) -> OSError | None:
    """Bind ``host:port`` the way the servers do (SO_REUSEADDR, no SO_REUSEPORT) and say why
    it fails, or None if it would work now; gRPC only reports *that* a bind failed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return exc
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                return exc
    return None


def port_taken(host: str, port: int) -> OSError | None:
    """The EADDRINUSE error binding ``host:port`` gives now, or None.

    Other failures (a name that does not resolve, no IPv6 for one of the
    addresses of ``localhost``) are left to the real bind, which may still
    succeed on another address.
    """
    problem = _why_bind_fails(host, port)
    return problem if problem is not None and problem.errno == errno.EADDRINUSE else None


def bind_error(host: str, port: int, flag: str, cause: OSError | None = None) -> OSError:
    """A one-sentence error for a port that could not be bound.

    :param flag: the ``cardeck sim`` flag that chooses this port (``--port``, ``--ws-port``).
    :param cause: the bind's own error, when the server reported one.
    :returns: :class:`AddressInUseError` when the port is taken, else an ``OSError``.
    """
    reason = cause if cause is not None else _why_bind_fails(host, port)
    if reason is not None and reason.errno == errno.EADDRINUSE:
        return AddressInUseError(
            f"Port {port} on {host} is already in use (another head unit?); stop it or pass "
            f"{flag} 0 to pick a free one."
        )
    detail = f" ({reason.strerror or reason})" if reason is not None else ""
    return OSError(
        f"Could not bind {host}:{port}{detail}; pass --host with an address of this machine, "
        "such as 127.0.0.1."
    )


def refuse_taken_ports(host: str, ports: Iterable[tuple[int | None, str]]) -> None:
    """Raise the bind error of the first port another process holds now.

    Checking every port before binding any makes a taken port fail with one
    sentence, before a server logs its own bind error or starts serving.

    :param ports: (port, the ``cardeck sim`` flag that chooses it) pairs; 0 and None
        (pick a free port, or no server) are skipped.
    :raises AddressInUseError: a port is taken.
    """
    for port, flag in ports:
        if port and (taken := port_taken(host, port)) is not None:
            raise bind_error(host, port, flag, taken)
