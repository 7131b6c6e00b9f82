"""``--vehicle-source`` and ``--vehicle-signals``: what they accept, and sentences naming them."""

from __future__ import annotations

import struct

import pytest

from cardeck.kuksa.val.v2 import types_pb2 as kuksa_types
from cardeck.vss import SIGNALS
from cardeck_sim.feed import (
    DEFAULT_FEED_SIGNALS,
    VehicleSource,
    parse_feed_signals,
    parse_vehicle_source,
    shortest_float32,
    value_of,
)
from cardeck_sim.feed._values import NO_VALUE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "kuksa://127.0.0.1:55555",
            VehicleSource("kuksa://127.0.0.1:55555", "127.0.0.1", 55555, tls=False),
        ),
        (
            "kuksas://databroker.car:443",
            VehicleSource("kuksas://databroker.car:443", "databroker.car", 443, tls=True),
        ),
        # Scheme and host are case-blind; a trailing slash and blanks are no path.
        (
            " KUKSA://Broker.Local:1/ ",
            VehicleSource("kuksa://broker.local:1", "broker.local", 1, tls=False),
        ),
        ("kuksa://[::1]:55555", VehicleSource("kuksa://[::1]:55555", "::1", 55555, tls=False)),
    ],
)
def test_kuksa_urls_are_read(text: str, expected: VehicleSource) -> None:
    assert parse_vehicle_source(text) == expected


def test_the_target_puts_an_ipv6_host_in_brackets() -> None:
    assert parse_vehicle_source("kuksa://[::1]:7").target == "[::1]:7"  # type: ignore[union-attr]
    assert parse_vehicle_source("kuksa://h:7").target == "h:7"  # type: ignore[union-attr]


def test_simulated_means_no_source() -> None:
    assert parse_vehicle_source("simulated") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("127.0.0.1:55555", "'127.0.0.1:55555' has no scheme"),
        ("http://127.0.0.1:55555", "has the scheme 'http', not kuksa or kuksas"),
        ("grpc://h:1", "has the scheme 'grpc', not kuksa or kuksas"),
        ("kuksa://127.0.0.1", "has no port (KUKSA's databroker listens on 55555)"),
        ("kuksa://h:0", "has port 0, which no server listens on"),
        ("kuksa://h:http", "has a port that is not a number from 1 to 65535"),
        ("kuksa://h:70000", "has a port that is not a number from 1 to 65535"),
        ("kuksa://:55555", "has no host"),
        ("kuksa://h:1/vehicle", "has more than a host and a port"),
        ("kuksa://h:1?x=1", "has more than a host and a port"),
        (
            "kuksa://user:secret@h:1",
            "carries credentials; give a token with --vehicle-source-token",
        ),
        ("kuksa://[zz::1]:1", "has a host that is not an IPv6 address"),
    ],
)
def test_a_bad_url_is_a_sentence_naming_the_flag_and_the_form(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_vehicle_source(text)
    message = str(caught.value)
    assert message.startswith("--vehicle-source ")
    assert problem in message
    assert "pass kuksa://HOST:PORT (plaintext) or kuksas://HOST:PORT (TLS)" in message


def test_signals_are_read_from_commas_in_order_without_duplicates() -> None:
    assert parse_feed_signals(" Vehicle.Speed,Vehicle.TraveledDistance,,Vehicle.Speed ") == (
        "Vehicle.Speed",
        "Vehicle.TraveledDistance",
    )
    assert parse_feed_signals(["Vehicle.IsMoving"]) == ("Vehicle.IsMoving",)


def test_unknown_signals_are_all_named_with_the_closest_known_one() -> None:
    with pytest.raises(ValueError) as caught:
        parse_feed_signals("Vehicle.Sped,Vehicle.Speed,Vehicle.Nothing.At.All")
    assert str(caught.value) == (
        "--vehicle-signals names 'Vehicle.Sped' (did you mean Vehicle.Speed?), "
        "'Vehicle.Nothing.At.All', which are not signals of CarDeck's VSS subset (the paths "
        "of cardeck.vss.SIGNALS)."
    )


def test_an_empty_signal_list_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^--vehicle-signals is empty; list VSS paths"):
        parse_feed_signals(" , ")


def test_the_default_signals_are_the_car_not_the_head_unit() -> None:
    defaults = set(DEFAULT_FEED_SIGNALS)
    # What the head unit shows and derives its restrictions from comes from the car.
    for path in (
        "Vehicle.Speed",
        "Vehicle.Powertrain.Transmission.SelectedGear",
        "Vehicle.Chassis.ParkingBrake.IsEngaged",
        "Vehicle.Exterior.LightIntensity",
        "Vehicle.Exterior.AirTemperature",
        "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current",
        "Vehicle.Powertrain.Range",
        "Vehicle.TraveledDistance",
        "Vehicle.CurrentLocation.Latitude",
        "Vehicle.CurrentLocation.Longitude",
        "Vehicle.CurrentLocation.Heading",
    ):
        assert path in defaults
    # The head unit's own settings, CarDeck's overlay and commands to the car are not.
    for path in (
        "Vehicle.Cabin.Infotainment.HMI.CurrentLanguage",
        "Vehicle.Cabin.Infotainment.HMI.DayNightMode",
        "Vehicle.Private.CarDeck.DayNightSelection",
        "Vehicle.Cabin.Sunroof.Switch",
        "Vehicle.VersionVSS.Major",
    ):
        assert path not in defaults
    assert list(DEFAULT_FEED_SIGNALS) == [p for p in SIGNALS if p in defaults]


def _point(**value: object) -> kuksa_types.Datapoint:
    return kuksa_types.Datapoint(value=kuksa_types.Value(**value))  # type: ignore[arg-type]


def test_values_come_out_as_python_scalars() -> None:
    assert value_of(_point(bool=True)) is True
    assert value_of(_point(string="ON")) == "ON"
    assert value_of(_point(int32=-1)) == -1
    assert value_of(_point(uint32=12_345_000)) == 12_345_000
    assert value_of(_point(double=60.1699)) == 60.1699
    assert value_of(_point(float_array=kuksa_types.FloatArray(values=[1.0]))) == [1.0]


def test_a_datapoint_without_a_value_is_no_value() -> None:
    assert value_of(kuksa_types.Datapoint()) is NO_VALUE
    assert value_of(kuksa_types.Datapoint(value=kuksa_types.Value())) is NO_VALUE


@pytest.mark.parametrize("decimal", [50.3, 0.1, 123.456, 1e-5, -7.25, 0.0, 299.9])
def test_a_float32_reads_back_as_the_decimal_that_was_sent(decimal: float) -> None:
    widened = struct.unpack("<f", struct.pack("<f", decimal))[0]
    assert shortest_float32(widened) == decimal
    assert value_of(_point(float=decimal)) == decimal
