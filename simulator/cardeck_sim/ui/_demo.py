"""The fixed demo scene: what goldens, contact sheets and ``layout render`` show.

A route across central Helsinki on the bundled map, three markers (one of
each filled shape plus a pin), a voice transcript with its intent, and a
synthetic browser page (a JPEG drawn with Pillow), parked, day. Every value
is fixed so pictures are reproducible.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from cardeck_sim.state import BrowserView, StateStore

if TYPE_CHECKING:
    from cardeck_sim.browser import ScreencastFrame
    from cardeck_sim.maps import MapData

__all__ = ["DEMO_CLOCK", "demo_frame", "demo_store"]

#: Start and end of the demo route (Annankatu → Unioninkatu).
DEMO_ORIGIN = (60.1660, 24.9380)
DEMO_DESTINATION = (60.1720, 24.9500)


def DEMO_CLOCK() -> datetime:
    """Return the fixed time the demo's status bar shows (12:34)."""
    return datetime(2026, 1, 15, 12, 34)


def demo_frame(width: int = 1024, height: int = 640) -> ScreencastFrame:
    """Return a synthetic screencast frame: a page with a header, text bars and a button."""
    from PIL import Image, ImageDraw

    from cardeck_sim.browser import ScreencastFrame

    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height // 6), fill=(0, 150, 136))
    for i in range(6):
        y = height // 4 + i * height // 12
        draw.rectangle(
            (width // 16, y, width // 16 + (width * (10 - i)) // 14, y + height // 30),
            fill=(120, 130, 140),
        )
    draw.rounded_rectangle(
        (width // 16, height * 5 // 6, width // 3, height * 11 // 12),
        radius=12,
        fill=(255, 112, 67),
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return ScreencastFrame(
        jpeg=out.getvalue(), width=width, height=height, seq=1, received_monotonic=0.0
    )


def demo_store(map_data: MapData, profile_id: str = "", *, night: bool = False) -> StateStore:
    """Return a new store holding the demo scene.

    :param map_data: The loaded map (``MapData.load()``) to route on.
    :param profile_id: The active profile id to set.
    :param night: Use the night theme.
    """
    from cardeck_sim.browser import BrowserState
    from cardeck_sim.maps import LatLon, Marker, MarkerShape, MarkerStyle, VehiclePose, find_route
    from cardeck_sim.state import DayNight

    store = StateStore(active_profile_id=profile_id)
    route = find_route(map_data, LatLon(*DEMO_ORIGIN), LatLon(*DEMO_DESTINATION))
    markers = (
        Marker(
            "fuel",
            LatLon(60.1688, 24.9420),
            MarkerStyle(MarkerShape.CIRCLE, (255, 143, 0, 255), glyph="F", label="Fuel"),
        ),
        Marker(
            "charger",
            LatLon(60.1705, 24.9460),
            MarkerStyle(MarkerShape.SQUARE, (0, 137, 123, 255), glyph="C", label="Charger"),
        ),
        Marker(
            "parking",
            LatLon(60.1675, 24.9465),
            MarkerStyle(MarkerShape.DIAMOND, (94, 53, 177, 255), glyph="P"),
        ),
        Marker("dest", LatLon(*DEMO_DESTINATION), MarkerStyle(MarkerShape.PIN, label="Market")),
    )
    store.set_map(
        route=route,
        markers=markers,
        vehicle=VehiclePose(route.polyline[0], route.maneuvers[0].bearing_after_deg % 360),
    )
    store.set_voice(
        activity="idle",
        transcript="navigate to the market square",
        intent_id="navigate_to",
        slots=(("place", "Market Square"),),
        spoken_text="Starting route to Market Square.",
    )
    store.set_browser(
        BrowserView(
            available=True,
            state=BrowserState(url="https://example.com/", title="Example — OEM web app"),
            frame=demo_frame(),
        )
    )
    store.update_vehicle(day_night=DayNight.NIGHT if night else DayNight.DAY)
    return store
