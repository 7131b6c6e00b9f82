"""The state store: drive restrictions follow speed, gear and parking brake; changes emit events."""

import pytest

from cardeck_sim.state import DriveRestrictions, Gear, StateStore, VehicleState


@pytest.mark.parametrize(
    ("speed", "gear", "brake", "parked"),
    [
        (0, Gear.PARK, False, True),
        (0, Gear.DRIVE, True, True),
        (0, Gear.DRIVE, False, False),
        (5, Gear.DRIVE, True, False),
        (0, Gear.NEUTRAL, True, True),
        (30, Gear.REVERSE, False, False),
    ],
)
def test_parked_is_gear_p_or_brake_on_at_zero(speed, gear, brake, parked):
    r = DriveRestrictions.for_state(
        VehicleState(speed_kmh=speed, gear=gear, parking_brake_on=brake)
    )
    assert r.parked is parked
    assert r.browser_locked is (not parked)
    assert r.keyboard_locked is (not parked)
    assert r.video_locked is (not parked)
    assert (r.max_list_items > 0) is (not parked)
    assert r.reason.endswith(".")


def test_update_emits_state_then_restriction_events_only_on_change():
    store = StateStore()
    store.update_vehicle(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=40)
    kinds = [e.WhichOneof("payload") for e in store.events.read(0, 10)]
    # The signals change first; the typed view and the restrictions follow from them.
    assert kinds == ["signals_changed", "vehicle_state_changed", "drive_restrictions_changed"]
    store.update_vehicle(speed_kmh=50)  # still driving: restrictions unchanged
    store.update_vehicle(speed_kmh=50)  # nothing changed: no event
    kinds = [e.WhichOneof("payload") for e in store.events.read(0, 10)]
    assert kinds == [
        "signals_changed",
        "vehicle_state_changed",
        "drive_restrictions_changed",
        "signals_changed",
        "vehicle_state_changed",
    ]
    assert store.events.read(4, 1)[0].vehicle_state_changed.state.speed_kmh == 50
    changed = {s.path: s.double_value for s in store.events.read(3, 1)[0].signals_changed.signals}
    assert changed == {"Vehicle.Speed": 50.0}


def test_snapshot_is_consistent_with_the_log_head():
    store = StateStore(active_profile_id="polestar-2")
    store.update_vehicle(night=True)
    snap = store.snapshot()
    assert snap.seq == store.events.head_seq == 2  # signals, then the vehicle state
    assert snap.vehicle_state.night
    signals = {
        s.path: s.WhichOneof("value") and getattr(s, s.WhichOneof("value")) for s in snap.signals
    }
    assert signals["Vehicle.Exterior.LightIntensity"] == 0.0
    assert signals["Vehicle.Cabin.Infotainment.HMI.DayNightMode"] == "NIGHT"
    assert snap.active_profile_id == "polestar-2"
    assert snap.run_id == store.events.run_id


def test_only_driver_visible_displays_lock_while_driving():
    displays = (("center", True), ("passenger", False))
    driving = VehicleState(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=30)
    restrictions = DriveRestrictions.for_state(driving, displays)
    # The old fields keep meaning the driver-visible displays.
    assert restrictions.browser_locked and restrictions.max_list_items == 6
    assert restrictions.browser_locked_on("center")
    assert not restrictions.browser_locked_on("passenger")
    assert not restrictions.browser_locked_everywhere
    assert "passenger" in restrictions.reason
    parked = DriveRestrictions.for_state(VehicleState(), displays)
    assert not any(d.browser_locked for d in parked.displays)
    assert [d.driver_visible for d in parked.displays] == [True, False]


def test_a_profile_switch_that_changes_the_locks_emits_a_restriction_event():
    visibility = {"one": (("center", True),), "two": (("center", True), ("rear", False))}
    store = StateStore(active_profile_id="one", displays_of=lambda pid: visibility[pid])
    store.update_vehicle(gear=Gear.DRIVE, parking_brake_on=False, speed_kmh=30)
    head = store.events.head_seq
    store.set_active_profile("two", "test")
    assert store.events.head_seq == head + 2  # layout changed, then restrictions
    assert not store.restrictions.browser_locked_on("rear")
    assert store.restrictions.browser_locked_on("center")
