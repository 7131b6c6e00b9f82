"""The fixed demo scene: what goldens, contact sheets and ``layout render`` show.

A route across central Helsinki on the bundled map, three markers (one of
each filled shape plus a pin), a voice transcript with its intent, and a
synthetic browser page (a JPEG drawn with Pillow), parked, day. Every value
is fixed so pictures are reproducible.

In another locale (``demo_store(..., locale="ko")``) the scene's data — what the
driver said, the assistant's answer, the markers' names, which a client or the
voice engine would provide in that language — is the locale's too, so a picture
shows the language through and through; the pseudo-locales keep the English data
(their point is to show which text is *not* from the catalogs).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

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


class _DemoWords(NamedTuple):
    """The demo scene's data in one language: markers, what was said, the answer."""

    fuel: str
    charger: str
    market: str
    transcript: str
    place: str
    spoken: str


_DEMO_WORDS = {
    "en": _DemoWords(
        "Fuel",
        "Charger",
        "Market",
        "navigate to the market square",
        "Market Square",
        "Starting route to Market Square.",
    ),
    "ko": _DemoWords(
        "주유소",
        "충전소",
        "시장",
        "마켓 광장으로 안내해 줘",
        "마켓 광장",
        "마켓 광장으로 안내를 시작합니다.",
    ),
    "de": _DemoWords(
        "Tankstelle",
        "Ladestation",
        "Markt",
        "navigiere zum Marktplatz",
        "Marktplatz",
        "Route zum Marktplatz wird gestartet.",
    ),
    "ar": _DemoWords(
        "وقود",
        "شاحن",
        "السوق",
        "خذني إلى ساحة السوق",
        "ساحة السوق",
        "بدء المسار إلى ساحة السوق.",
    ),
}


def demo_store(
    map_data: MapData, profile_id: str = "", *, night: bool = False, locale: str = "en"
) -> StateStore:
    """Return a new store holding the demo scene.

    :param map_data: The loaded map (``MapData.load()``) to route on.
    :param profile_id: The active profile id to set.
    :param night: Use the night theme.
    :param locale: The head unit's locale (``cardeck.i18n.SUPPORTED_LOCALES``); the
        scene's data is in that language (English for the pseudo-locales).
    :raises cardeck.i18n.UnsupportedLocaleError: ``locale`` is not a shipped locale.
    """
    from cardeck_sim.browser import BrowserState
    from cardeck_sim.maps import LatLon, Marker, MarkerShape, MarkerStyle, VehiclePose, find_route
    from cardeck_sim.state import DayNight

    store = StateStore(active_profile_id=profile_id)
    store.set_locale(locale)
    words = _DEMO_WORDS.get(store.locale, _DEMO_WORDS["en"])
    route = find_route(map_data, LatLon(*DEMO_ORIGIN), LatLon(*DEMO_DESTINATION))
    markers = (
        Marker(
            "fuel",
            LatLon(60.1688, 24.9420),
            MarkerStyle(MarkerShape.CIRCLE, (255, 143, 0, 255), glyph="F", label=words.fuel),
        ),
        Marker(
            "charger",
            LatLon(60.1705, 24.9460),
            MarkerStyle(MarkerShape.SQUARE, (0, 137, 123, 255), glyph="C", label=words.charger),
        ),
        Marker(
            "parking",
            LatLon(60.1675, 24.9465),
            MarkerStyle(MarkerShape.DIAMOND, (94, 53, 177, 255), glyph="P"),
        ),
        Marker("dest", LatLon(*DEMO_DESTINATION), MarkerStyle(MarkerShape.PIN, label=words.market)),
    )
    store.set_map(
        route=route,
        markers=markers,
        vehicle=VehiclePose(route.polyline[0], route.maneuvers[0].bearing_after_deg % 360),
    )
    store.set_voice(
        activity="idle",
        transcript=words.transcript,
        intent_id="navigate",
        slots=(("place", words.place),),
        spoken_text=words.spoken,
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
