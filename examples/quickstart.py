"""Quickstart: connect to a head unit, print what it is, drive a little and print the events.

Run a head unit first (``cardeck sim --headless``), then::

    python examples/quickstart.py --target 127.0.0.1:50051
"""

from __future__ import annotations

import argparse
import itertools

import cardeck
from cardeck import Gear
from cardeck.cli._headunit_cmds import format_info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="head unit host:port")
    parser.add_argument("--token", default=None, help="bearer token, if the head unit needs one")
    parser.add_argument("--events", type=int, default=7, help="how many events to print")
    args = parser.parse_args()

    with cardeck.connect(args.target, token=args.token) as client:
        print(format_info(client.info()))

        stream = client.events()
        snapshot = stream.open()
        assert snapshot is not None
        print(
            f"\nsnapshot at seq {snapshot.seq}: {snapshot.vehicle_state.speed_kmh:g} km/h, "
            f"gear {snapshot.vehicle_state.gear.value}, "
            f"{'parked' if snapshot.drive_restrictions.parked else 'driving'}"
        )

        # Pull away, speed up, then night falls: each change is an event.
        client.update_vehicle_state(gear=Gear.DRIVE, parking_brake_on=False)
        client.update_vehicle_state(speed_kmh=30)
        client.update_vehicle_state(speed_kmh=50)
        client.update_vehicle_state(night=True)
        client.update_vehicle_state(speed_kmh=0, gear=Gear.PARK)

        print(f"\nfirst {args.events} events:")
        for event in itertools.islice(stream, args.events):
            print(f"  #{event.seq:<3} {event.kind.value:<18} {describe(event.data)}")
        stream.close()
    return 0


def describe(data: cardeck.EventData) -> str:
    """One line about an event's payload."""
    if isinstance(data, cardeck.VehicleState):
        return (
            f"{data.speed_kmh:g} km/h, gear {data.gear.value}, "
            f"brake {'on' if data.parking_brake_on else 'off'}, night {data.night}"
        )
    if isinstance(data, cardeck.DriveRestrictions):
        return ("parked" if data.parked else "driving") + f": {data.reason}"
    return repr(data)


if __name__ == "__main__":
    raise SystemExit(main())
