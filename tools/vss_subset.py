"""Write the VSS subset CarDeck ships (sdk/cardeck/vss/vss-subset.json) from a VSS release.

Usage: python tools/vss_subset.py PATH/TO/vss_release_6.0.json

The input is the JSON export of a COVESA Vehicle Signal Specification release (what
COVESA's vss-tools `vspec export json` writes, as published with each release and as
Eclipse KUKSA ships it in kuksa-databroker/data/vss-core/). CarDeck ships only the
signals it uses, each copied field for field (datatype, type, unit, min, max,
allowed, description, comment), plus CarDeck's own overlay (marked ``"overlay":
"cardeck"``) for what VSS has no signal for. The release's licence (MPL-2.0) goes
with the subset as LICENSE-VSS.txt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sdk" / "cardeck" / "vss" / "vss-subset.json"
VSS_VERSION = "6.0"
SOURCE = (
    "COVESA Vehicle Signal Specification v6.0 "
    "(https://github.com/COVESA/vehicle_signal_specification/releases/tag/v6.0), "
    "JSON export as shipped in eclipse-kuksa/kuksa-databroker data/vss-core/vss_release_6.0.json"
)

#: What the head unit uses and shows, in the order the docs' mapping table lists it.
SUBSET = (
    "Vehicle.Speed",
    "Vehicle.IsMoving",
    "Vehicle.Powertrain.Transmission.SelectedGear",
    "Vehicle.Powertrain.Transmission.CurrentGear",
    "Vehicle.Chassis.ParkingBrake.IsEngaged",
    "Vehicle.LowVoltageSystemState",
    "Vehicle.Exterior.LightIntensity",
    "Vehicle.Cabin.Infotainment.HMI.DayNightMode",
    "Vehicle.Exterior.AirTemperature",
    "Vehicle.Powertrain.Type",
    "Vehicle.Powertrain.Range",
    "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current",
    "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed",
    "Vehicle.Powertrain.TractionBattery.Range",
    "Vehicle.Powertrain.TractionBattery.GrossCapacity",
    "Vehicle.Powertrain.FuelSystem.RelativeLevel",
    "Vehicle.Powertrain.FuelSystem.Range",
    "Vehicle.TraveledDistance",
    "Vehicle.CurrentLocation.Latitude",
    "Vehicle.CurrentLocation.Longitude",
    "Vehicle.CurrentLocation.Heading",
    "Vehicle.Cabin.Sunroof.Position",
    "Vehicle.Cabin.Sunroof.Switch",
    "Vehicle.Cabin.Infotainment.HMI.CurrentLanguage",
    "Vehicle.VersionVSS.Major",
    "Vehicle.VersionVSS.Minor",
    "Vehicle.VersionVSS.Patch",
)

#: CarDeck's overlay: signals VSS has no place for, under the Private branch VSS
#: reserves for non-standard signals. Documented in docs/guides/kuksa.md.
OVERLAY = {
    "Vehicle.Private.CarDeck.DayNightSelection": {
        "datatype": "string",
        "type": "actuator",
        "allowed": ["AUTO", "DAY", "NIGHT"],
        "description": "The head unit's theme selection: AUTO follows "
        "Vehicle.Exterior.LightIntensity, DAY and NIGHT force a theme "
        "(cardeck.v1.VehicleState.day_night_mode).",
    },
}

FIELDS = ("datatype", "type", "unit", "min", "max", "allowed", "default", "description", "comment")


def leaves(node: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    """Every non-branch node under ``node``, by its dotted path."""
    found: dict[str, dict[str, Any]] = {}
    for name, child in node.get("children", {}).items():
        child_path = f"{path}.{name}"
        if child.get("type") == "branch":
            found.update(leaves(child, child_path))
        else:
            found[child_path] = child
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("release", type=Path, help="the release's JSON export")
    args = parser.parse_args()
    spec = leaves(json.loads(args.release.read_text())["Vehicle"], "Vehicle")
    missing = [p for p in SUBSET if p not in spec]
    if missing:
        print(
            f"{args.release} lacks {', '.join(missing)}: is it VSS {VSS_VERSION}?", file=sys.stderr
        )
        return 1
    signals = [
        {"path": path, **{k: spec[path][k] for k in FIELDS if k in spec[path]}} for path in SUBSET
    ]
    signals += [{"path": path, **fields, "overlay": "cardeck"} for path, fields in OVERLAY.items()]
    document = {
        "vss_version": VSS_VERSION,
        "source": SOURCE,
        "license": "MPL-2.0 (see LICENSE-VSS.txt); the overlay entries are CarDeck's (Apache-2.0)",
        "signals": signals,
    }
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"Wrote {len(signals)} signals ({len(OVERLAY)} overlay) to {OUT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
