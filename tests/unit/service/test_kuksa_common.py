"""KUKSA conversions and path patterns, without a server."""

import pytest

from cardeck.kuksa.val.v1 import types_pb2 as t1
from cardeck.kuksa.val.v2 import types_pb2 as t2
from cardeck.vss import SIGNALS, SignalValueError, signal
from cardeck_sim.service._kuksa_common import (
    PatternError,
    match_paths,
    python_value,
    v1_datapoint,
    v1_metadata,
    v2_datapoint,
    v2_metadata,
)
from cardeck_sim.state import SignalDatum

FIELD_OF = {
    "int8": "int32",
    "int16": "int32",
    "int32": "int32",
    "int64": "int64",
    "uint8": "uint32",
    "uint16": "uint32",
    "uint32": "uint32",
    "uint64": "uint64",
    "float": "float",
    "double": "double",
    "string": "string",
    "boolean": "bool",
}
SAMPLE = {bool: True, int: 7, float: 7.5, str: "x"}


@pytest.mark.parametrize("spec", list(SIGNALS.values()), ids=list(SIGNALS))
def test_every_signal_travels_in_its_vss_field(spec):
    value = spec.allowed[0] if spec.allowed else SAMPLE[spec.python_type]
    datum = SignalDatum(value, 1_700_000_000_123_456_789)
    point = v2_datapoint(spec, datum)
    field = FIELD_OF[spec.datatype]
    assert point.value.WhichOneof("typed_value") == field
    assert point.timestamp.seconds == 1_700_000_000
    assert point.timestamp.nanos == 123_456_789
    assert v1_datapoint(spec, datum).WhichOneof("value") == field
    meta = v2_metadata(spec.path)
    assert (meta.path, meta.id) == (spec.path, spec.signal_id)
    assert t2.DataType.Name(meta.data_type) == f"DATA_TYPE_{spec.datatype.upper()}"
    assert t2.EntryType.Name(meta.entry_type) == f"ENTRY_TYPE_{spec.entry_type.upper()}"
    assert python_value(spec, field, getattr(point.value, field)) == value


def test_cached_datapoint_follows_a_new_datum():
    spec = signal("Vehicle.Speed")
    first = v2_datapoint(spec, SignalDatum(1.0, 10))
    assert v2_datapoint(spec, SignalDatum(2.0, 20)).value.float == 2.0
    assert first.value.float == 1.0
    assert not v2_datapoint(spec, None).HasField("value")


def test_a_value_in_another_field_is_a_type_error():
    spec = signal("Vehicle.Powertrain.Transmission.SelectedGear")
    with pytest.raises(SignalValueError) as caught:
        python_value(spec, "int64", 1)
    assert caught.value.reason == "type" and "int32 field" in str(caught.value)
    with pytest.raises(SignalValueError) as caught:
        python_value(spec, "int32", 200)  # int8
    assert caught.value.reason == "range"
    with pytest.raises(SignalValueError) as caught:
        python_value(spec, None, None)
    assert "no value" in str(caught.value)


def test_v1_metadata_masks():
    full = v1_metadata("Vehicle.Speed", frozenset({t1.FIELD_METADATA}))
    assert full.unit == "km/h" and full.HasField("sensor")
    unit_only = v1_metadata("Vehicle.Speed", frozenset({t1.FIELD_METADATA_UNIT}))
    assert unit_only.unit == "km/h" and not unit_only.HasField("description")
    assert v1_metadata("Vehicle.Speed", frozenset({t1.FIELD_VALUE})) is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("Vehicle.Speed", ["Vehicle.Speed"]),
        (
            "Vehicle.Cabin.Sunroof",
            ["Vehicle.Cabin.Sunroof.Position", "Vehicle.Cabin.Sunroof.Switch"],
        ),
        (
            "Vehicle.Cabin.Sunroof.*",
            ["Vehicle.Cabin.Sunroof.Position", "Vehicle.Cabin.Sunroof.Switch"],
        ),
        ("Vehicle.Cabin.*", []),  # * is one level: the cabin has no signal of its own
        ("**.Sunroof.*", ["Vehicle.Cabin.Sunroof.Position", "Vehicle.Cabin.Sunroof.Switch"]),
        ("*.*.Sunroof.Position", ["Vehicle.Cabin.Sunroof.Position"]),
        ("Vehicle.**.Position", ["Vehicle.Cabin.Sunroof.Position"]),
        ("**.Sunroof", []),
        ("Vehicle.Spe", []),
    ],
)
def test_patterns_follow_the_databrokers_rules(pattern, expected):
    assert list(match_paths(pattern)) == expected


def test_empty_and_double_star_match_everything():
    assert list(match_paths("")) == list(SIGNALS)
    assert list(match_paths("**")) == list(SIGNALS)
    assert list(match_paths("Vehicle")) == list(SIGNALS)


@pytest.mark.parametrize(
    "pattern", ["Vehicle..Speed", "Vehicle.Sp*ed", ".Vehicle", "Vehicle.", "a b"]
)
def test_malformed_patterns(pattern):
    with pytest.raises(PatternError):
        match_paths(pattern)
