"""Day and night themes, and the WCAG 2.x contrast arithmetic that checks them.

Free of kivy: colours are 0–255 RGB tuples; the painter converts them. Every
text colour must reach 4.5:1 against the surface it sits on and every control
colour 3:1 (WCAG 2.1 SC 1.4.3 and 1.4.11); :func:`contrast_pairs` lists the
pairs a test checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "DAY",
    "NIGHT",
    "RGB",
    "Theme",
    "contrast_pairs",
    "contrast_ratio",
    "relative_luminance",
    "theme_for",
]

RGB = tuple[int, int, int]

#: Minimum contrast for body text (WCAG 2.1 SC 1.4.3, level AA).
TEXT_CONTRAST = 4.5
#: Minimum contrast for controls and focus indicators (WCAG 2.1 SC 1.4.11).
CONTROL_CONTRAST = 3.0


@dataclass(frozen=True)
class Theme:
    """The colours of one theme.

    Usage::

        theme = theme_for(store.vehicle.dark_theme)
        contrast_ratio(theme.text, theme.surface)  # ≥ 4.5
    """

    name: str
    background: RGB
    surface: RGB
    status_bar: RGB
    text: RGB
    text_muted: RGB
    accent: RGB  # focus outlines, active dock tab, maneuver arrows
    on_accent: RGB  # text on an accent-filled control
    control: RGB  # dock tab fill
    lock_overlay: RGB  # the browser's "Locked while driving" cover
    on_lock: RGB
    map_land: RGB
    map_text: RGB  # attribution on the map
    route: RGB
    route_casing: RGB
    vehicle: RGB
    listening: RGB  # the voice activity dot
    # Road colour and width (px at 160 dpi) per OSM class, drawn bottom first.
    roads: dict[str, tuple[RGB, float]] = field(default_factory=dict)


# Roads: minor streets light, major ones warmer, as OSM's carto style does, so
# the route (a saturated blue no road uses) stands out.
DAY = Theme(
    name="day",
    background=(236, 239, 243),
    surface=(255, 255, 255),
    status_bar=(248, 249, 251),
    text=(24, 28, 35),
    text_muted=(78, 86, 99),
    accent=(0, 87, 184),
    on_accent=(255, 255, 255),
    control=(226, 231, 238),
    lock_overlay=(38, 44, 56),
    on_lock=(255, 255, 255),
    map_land=(242, 239, 233),
    map_text=(60, 64, 72),
    route=(26, 115, 232),
    route_casing=(13, 71, 161),
    vehicle=(211, 47, 47),
    listening=(198, 40, 40),
    roads={
        "service": ((255, 255, 255), 2.0),
        "living_street": ((255, 255, 255), 3.0),
        "residential": ((255, 255, 255), 4.0),
        "unclassified": ((255, 255, 255), 4.0),
        "tertiary": ((254, 254, 230), 5.0),
        "secondary": ((246, 219, 155), 6.0),
        "primary": ((252, 205, 120), 7.0),
        "trunk": ((249, 178, 156), 8.0),
        "motorway": ((232, 146, 162), 9.0),
    },
)

NIGHT = Theme(
    name="night",
    background=(12, 14, 18),
    surface=(26, 29, 36),
    status_bar=(18, 20, 26),
    text=(234, 237, 242),
    text_muted=(168, 176, 189),
    accent=(110, 168, 254),
    on_accent=(12, 14, 18),
    control=(44, 49, 60),
    lock_overlay=(52, 58, 72),
    on_lock=(255, 255, 255),
    map_land=(30, 34, 42),
    map_text=(190, 196, 206),
    route=(64, 156, 255),
    route_casing=(10, 60, 140),
    vehicle=(255, 99, 99),
    listening=(255, 120, 120),
    roads={
        "service": ((58, 64, 78), 2.0),
        "living_street": ((62, 68, 82), 3.0),
        "residential": ((70, 77, 92), 4.0),
        "unclassified": ((70, 77, 92), 4.0),
        "tertiary": ((86, 92, 104), 5.0),
        "secondary": ((110, 100, 78), 6.0),
        "primary": ((132, 112, 72), 7.0),
        "trunk": ((140, 96, 84), 8.0),
        "motorway": ((150, 88, 104), 9.0),
    },
)


def theme_for(dark: bool) -> Theme:
    """Return the night theme when ``dark`` is true, else the day theme."""
    return NIGHT if dark else DAY


def _channel(c: int) -> float:
    """Linearize one sRGB channel (WCAG 2.x definition)."""
    s = c / 255.0
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """Return the WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    r, g, b = rgb
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """Return the WCAG contrast ratio of two colours, 1 to 21 (order does not matter)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def contrast_pairs(theme: Theme) -> list[tuple[str, RGB, RGB, float]]:
    """Return ``(what, foreground, background, minimum ratio)`` for every pair the UI draws."""
    text = TEXT_CONTRAST
    ctl = CONTROL_CONTRAST
    return [
        ("text on surface", theme.text, theme.surface, text),
        ("text on background", theme.text, theme.background, text),
        ("text on status bar", theme.text, theme.status_bar, text),
        ("muted text on surface", theme.text_muted, theme.surface, text),
        ("muted text on status bar", theme.text_muted, theme.status_bar, text),
        ("text on dock tab", theme.text, theme.control, text),
        ("text on active tab", theme.on_accent, theme.accent, text),
        ("lock text on overlay", theme.on_lock, theme.lock_overlay, text),
        ("attribution on map", theme.map_text, theme.map_land, text),
        ("focus outline on surface", theme.accent, theme.surface, ctl),
        ("focus outline on background", theme.accent, theme.background, ctl),
        ("active tab on dock", theme.accent, theme.surface, ctl),
        ("route on map", theme.route, theme.map_land, ctl),
        ("vehicle on map", theme.vehicle, theme.map_land, ctl),
        ("listening dot on surface", theme.listening, theme.surface, ctl),
    ]
