"""Which host a head unit advertises, and the sentence for a port that is taken."""

from __future__ import annotations

import errno
import socket

import pytest

from cardeck_sim._ports import advertised_host, bind_error, port_taken, primary_address
from cardeck_sim.headunit import AddressInUseError


def is_local(address: str) -> bool:
    """Whether this machine owns ``address`` (it can bind it)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((address, 0))
        except OSError:
            return False
    return True


def test_a_specific_bind_address_is_advertised_as_is() -> None:
    assert advertised_host("127.0.0.1") == "127.0.0.1"
    assert advertised_host("localhost") == "localhost"


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::", "[::]"])
def test_a_wildcard_bind_advertises_an_address_of_this_machine(wildcard: str) -> None:
    host = advertised_host(wildcard)
    assert host not in ("0.0.0.0", "::", "[::]", "")
    assert host == primary_address()
    assert is_local(host)


def test_an_explicit_advertise_host_wins() -> None:
    assert advertised_host("0.0.0.0", "hu.example") == "hu.example"
    assert advertised_host("127.0.0.1", "localhost") == "localhost"


def test_a_taken_port_is_one_sentence_naming_the_flag() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        error = bind_error("127.0.0.1", port, "--ws-port")
    assert isinstance(error, AddressInUseError)
    assert str(error) == (
        f"Port {port} on 127.0.0.1 is already in use (another head unit?); stop it or pass "
        "--ws-port 0 to pick a free one."
    )


def test_an_address_of_another_machine_is_not_called_in_use() -> None:
    # 192.0.2.1 (RFC 5737) is never an address of this machine.
    error = bind_error("192.0.2.1", 50051, "--port")
    assert not isinstance(error, AddressInUseError)
    assert str(error) == (
        "Could not bind 192.0.2.1:50051 (Cannot assign requested address); pass --host with an "
        "address of this machine, such as 127.0.0.1."
    )


def test_port_taken_reports_only_a_listener() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        # Bound but not listening (SO_REUSEADDR on both sides): not taken.
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        assert port_taken("127.0.0.1", port) is None
        holder.listen()
        taken = port_taken("127.0.0.1", port)
    assert taken is not None and taken.errno == errno.EADDRINUSE
    # Not "taken": an address this machine does not have is for the real bind to report.
    assert port_taken("192.0.2.1", port) is None
