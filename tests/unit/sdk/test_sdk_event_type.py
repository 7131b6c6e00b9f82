"""cardeck.Event: the compiled type and the pure-Python class it is built from behave alike."""

import copy
import gc
import os
import pickle
import subprocess
import sys

import pytest

import cardeck
from cardeck._compiled import event_type_is_compiled
from cardeck._event_type import compile_event
from cardeck._models import PurePythonEvent
from cardeck.v1 import types_pb2

# Built here from the pure-Python class, so these tests cover the compiled type
# even in a run with CARDECK_PURE_PYTHON set.
CompiledEvent = compile_event(PurePythonEvent)
BOTH = [
    pytest.param(CompiledEvent, id="compiled"),
    pytest.param(PurePythonEvent, id="pure-python"),
]


def wire_events():
    vehicle = types_pb2.Event(seq=7, run_id="r1")
    vehicle.time.FromSeconds(1_790_000_000)
    vehicle.vehicle_state_changed.state.speed_kmh = 42
    vehicle.vehicle_state_changed.state.gear = types_pb2.GEAR_DRIVE
    notice = types_pb2.Event(
        seq=8, run_id="r1", service_notice=types_pb2.ServiceNotice(code="C8", message="hi")
    )
    markers = types_pb2.Event(
        seq=9, run_id="r2", markers_changed=types_pb2.MarkersChanged(added_marker_ids=["a", "b"])
    )
    return [vehicle, notice, markers]


def test_this_install_uses_the_compiled_event_type():
    if os.environ.get("CARDECK_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("CARDECK_PURE_PYTHON is set: this run tests the pure-Python Event")
    # make setup builds it (gcc and the Python headers are set-up packages); a
    # silent fallback would make every event stream a quarter slower.
    assert event_type_is_compiled(), "cardeck._event_type was not built; rerun make setup"
    assert cardeck.Event.__name__ == "Event"
    assert cardeck.Event.__module__ == "cardeck._models._events"
    assert cardeck.Event.__doc__ == PurePythonEvent.__doc__


@pytest.mark.parametrize("event_type", BOTH)
def test_both_event_types_read_the_same_values(event_type):
    for msg in wire_events():
        event, reference = event_type(msg), PurePythonEvent(msg)
        assert (event.seq, event.run_id, event.kind) == (
            reference.seq,
            reference.run_id,
            reference.kind,
        )
        assert event.time == reference.time and event.data == reference.data
        assert event.data is event.data  # converted once, then cached
        assert repr(event) == repr(reference)
        assert hash(event) == hash(reference)
        assert event.to_proto() is msg
    vehicle = event_type(wire_events()[0])
    assert vehicle.kind is cardeck.EventKind.VEHICLE_STATE
    assert vehicle.data.speed_kmh == 42 and vehicle.data.gear is cardeck.Gear.DRIVE
    assert vehicle.time is not None and vehicle.time.timestamp() == 1_790_000_000


@pytest.mark.parametrize("event_type", BOTH)
def test_events_compare_copy_and_pickle_by_their_wire_message(event_type):
    first, second, _ = wire_events()
    event = event_type(first)
    assert event == event_type(first) and event != event_type(second)
    assert event != first  # a typed Event is not equal to its wire message
    assert event_type.from_proto(first) == event
    for clone in (copy.copy(event), copy.deepcopy(event), pickle.loads(pickle.dumps(event))):
        # Copies are always the public Event (the compiled one where it is built).
        assert type(clone) is cardeck.Event and clone.to_proto() == first and clone.seq == 7


@pytest.mark.parametrize("event_type", BOTH)
def test_an_unknown_payload_is_named_when_read(event_type):
    event = event_type(types_pb2.Event(seq=3, run_id="r1"))
    with pytest.raises(ValueError, match=r"Event 3 has payload None.*upgrade cardeck"):
        _ = event.kind


@pytest.mark.parametrize("event_type", BOTH)
def test_an_event_needs_exactly_one_wire_message(event_type):
    with pytest.raises(TypeError):
        event_type()
    with pytest.raises(TypeError):
        event_type(wire_events()[0], wire_events()[1])
    with pytest.raises(AttributeError):
        event_type(object())  # no seq: not a wire event


def test_compiled_events_stay_out_of_the_cycle_collector():
    # What the compiled type saves besides the __init__ frame: no GC tracking.
    assert not gc.is_tracked(CompiledEvent(wire_events()[0]))
    assert gc.is_tracked(PurePythonEvent(wire_events()[0]))


def test_the_compiled_seq_is_read_only():
    event = CompiledEvent(wire_events()[0])
    with pytest.raises(AttributeError):
        event.seq = 1  # type: ignore[misc]


def test_the_compiled_type_refuses_a_class_whose_slots_drifted():
    class Drifted:
        __slots__ = ("_data", "_msg", "_time", "extra", "seq")

    with pytest.raises(TypeError, match=r"'extra'.*Change both together"):
        compile_event(Drifted)


def test_cardeck_pure_python_switches_the_compiled_type_off():
    code = "from cardeck._compiled import event_type_is_compiled as c; print(c())"
    env = {**os.environ, "CARDECK_PURE_PYTHON": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_compiled_events_release_what_they_hold():
    msg = wire_events()[0]
    before = sys.getrefcount(msg)
    events = [CompiledEvent(msg) for _ in range(100)]
    assert all(e.data.speed_kmh == 42 and e.time is not None for e in events)
    assert sys.getrefcount(msg) == before + 100
    del events
    assert sys.getrefcount(msg) == before


@pytest.mark.parametrize("event_type", BOTH)
def test_event_types_are_final(event_type):
    with pytest.raises(TypeError):
        type("Sub", (event_type,), {})


@pytest.mark.parametrize("event_type", BOTH)
def test_both_event_types_read_a_locale_change(event_type):
    msg = types_pb2.Event(
        seq=10, run_id="r3", locale_changed=types_pb2.LocaleChanged(locale="ar", rtl=True)
    )
    event = event_type(msg)
    assert event.kind is cardeck.EventKind.LOCALE
    assert event.data == cardeck.LocaleChange("ar", True)
    assert event.data.to_proto() == msg.locale_changed
    assert repr(event) == repr(PurePythonEvent(msg))
