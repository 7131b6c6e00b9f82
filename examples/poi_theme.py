"""POI theme: show EV chargers on the head unit's map, styled by kind.

Reads chargers from a YAML file (``examples/data/chargers.yaml`` by default),
turns each into a map marker whose look comes from its kind (fast or slow),
adds them with ``client.maps.add_markers`` and lists them back. Running it
again updates the markers in place (they are keyed by id) and removes the
ones no longer in the file; ``--clear`` removes them all.

Run a head unit first (``cardeck sim --headless``), then::

    python examples/poi_theme.py --target 127.0.0.1:50051
    python examples/poi_theme.py --clear

Changing markers needs the ``maps:control`` scope; listing them needs ``read``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import cardeck
from cardeck import LatLng, Marker, MarkerShape, MarkerStyle

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "chargers.yaml"

# Every marker this theme owns starts with this, so --clear and the clean-up of
# stale markers never touch markers that other apps put on the map.
ID_PREFIX = "ev-charger:"

# The theme: one style per charger kind. Colours are 0xRRGGBBAA. Fast chargers
# stand out (amber diamonds, visible from city zoom); slow ones appear only
# when the driver zooms in, so a city-wide view stays readable.
THEME: dict[str, MarkerStyle] = {
    "fast": MarkerStyle(
        shape=MarkerShape.DIAMOND,
        fill_rgba=0xF9A825FF,
        stroke_rgba=0x212121FF,
        glyph="⚡",
        min_zoom=12.0,
    ),
    "slow": MarkerStyle(
        shape=MarkerShape.CIRCLE,
        fill_rgba=0x1E88E5FF,
        stroke_rgba=0xFFFFFFFF,
        glyph="🔌",
        min_zoom=15.0,
    ),
}


@dataclass(frozen=True)
class Charger:
    """One charger from the file."""

    charger_id: str
    name: str
    kind: str
    power_kw: float
    position: LatLng

    def to_marker(self) -> Marker:
        # The kind's style, with this charger's own label: name and power fit
        # on a marker label and are what a driver picks a charger by.
        style = THEME[self.kind]
        label = f"{self.name} {self.power_kw:g} kW"
        return Marker(
            ID_PREFIX + self.charger_id,
            self.position,
            MarkerStyle(
                style.shape, style.fill_rgba, style.stroke_rgba, style.glyph, label, style.min_zoom
            ),
        )


def load_chargers(path: Path) -> list[Charger]:
    """Read and check the file, reporting every problem at once."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"Cannot read {path}: {exc}") from exc
    entries = data.get("chargers") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path} needs a non-empty list under `chargers:`.")
    chargers: list[Charger] = []
    problems: list[str] = []
    for i, entry in enumerate(entries):
        where = f"chargers[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not a mapping.")
            continue
        missing = [k for k in ("id", "name", "kind", "power_kw", "lat", "lon") if k not in entry]
        if missing:
            problems.append(f"{where} lacks {', '.join(missing)}.")
            continue
        if entry["kind"] not in THEME:
            problems.append(
                f"{where} ({entry['id']}) has kind {entry['kind']!r}; use {' or '.join(THEME)}."
            )
            continue
        chargers.append(
            Charger(
                str(entry["id"]),
                str(entry["name"]),
                entry["kind"],
                float(entry["power_kw"]),
                LatLng(float(entry["lat"]), float(entry["lon"])),
            )
        )
    if problems:
        raise ValueError(f"{path} has problems:\n  " + "\n  ".join(problems))
    return chargers


def theme_markers(client: cardeck.Client) -> list[Marker]:
    return [m for m in client.maps.list_markers() if m.marker_id.startswith(ID_PREFIX)]


def describe(marker: Marker) -> str:
    s = marker.style
    return (
        f"  {marker.marker_id:<28} {s.shape.value:<8} fill #{s.fill_rgba:08X} {s.glyph} "
        f"{s.label!r:<26} min zoom {s.min_zoom:g}  "
        f"({marker.position.latitude_deg:.4f}, {marker.position.longitude_deg:.4f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="head unit host:port")
    parser.add_argument("--token", default=None, help="bearer token (maps:control and read)")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="chargers YAML")
    parser.add_argument("--clear", action="store_true", help="remove this theme's markers")
    args = parser.parse_args(argv)

    try:
        with cardeck.connect(args.target, token=args.token) as client:
            if args.clear:
                removed = client.maps.remove_markers(m.marker_id for m in theme_markers(client))
                print(f"Removed {len(removed)} charger markers.")
                return 0
            chargers = load_chargers(args.file)
            total = client.maps.add_markers(c.to_marker() for c in chargers)
            # Markers of chargers that left the file would otherwise stay forever.
            wanted = {ID_PREFIX + c.charger_id for c in chargers}
            stale = [m.marker_id for m in theme_markers(client) if m.marker_id not in wanted]
            if stale:
                client.maps.remove_markers(stale)
            print(
                f"Added {len(chargers)} charger markers from {args.file.name} "
                f"(removed {len(stale)} stale; the map holds {total - len(stale)} markers)."
            )
            for marker in theme_markers(client):
                print(describe(marker))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    except cardeck.CarDeckError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
