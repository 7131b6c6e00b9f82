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

    Chrome (status bar, dock) sits a step darker than the panels' surface in the
    day and a step below it at night, where it is dimmed so the map and the road
    stay the brightest things in view; night has no pure white at all.

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
    control: RGB  # a control's fill (buttons, the status menu)
    lock_overlay: RGB  # the browser's "Locked while driving" cover
    on_lock: RGB
    map_land: RGB
    map_text: RGB  # attribution on the map
    route: RGB
    route_casing: RGB
    vehicle: RGB
    listening: RGB  # the voice activity dot
    #: A raised card on the surface (the maneuver card, the browser's toolbar).
    surface_raised: RGB
    #: The dock's strip.
    dock: RGB
    #: Icons on the dock, the status bar and the surface.
    icon: RGB
    #: The active dock tab's indicator behind its icon, and the icon lit on it.
    indicator: RGB
    on_indicator: RGB
    #: Dividers and the outline of a card.
    outline: RGB
    #: Shadows under raised things, and how opaque the darkest step is.
    shadow: RGB
    shadow_alpha: float
    #: States: all good (charged, connected), needs attention, danger.
    positive: RGB
    caution: RGB
    danger: RGB
    #: A gauge's unfilled track (the cluster's speed arc).
    gauge_track: RGB
    #: The map style beyond roads: water, parks, buildings.
    map_water: RGB
    map_park: RGB
    map_building: RGB
    #: Outside the map data: a neutral ground and its hatch lines ("no map data here").
    map_void: RGB
    map_void_line: RGB
    #: Street names on the map and the halo that keeps them legible over roads.
    map_label: RGB
    map_label_halo: RGB
    #: Traffic along the route: flowing, slow, jammed.
    traffic_free: RGB
    traffic_slow: RGB
    traffic_jam: RGB
    #: The disc under the vehicle arrow (dark at night: the night map has no white).
    puck: RGB
    # Road colour and width (px at 160 dpi) per OSM class, drawn bottom first.
    roads: dict[str, tuple[RGB, float]] = field(default_factory=dict)


# Roads: minor streets light, major ones warmer, as OSM's carto style does, so
# the route (a saturated blue no road uses) stands out.
DAY = Theme(
    name="day",
    background=(236, 239, 243),
    surface=(255, 255, 255),
    status_bar=(241, 243, 246),
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
    surface_raised=(255, 255, 255),
    dock=(241, 243, 246),
    icon=(60, 66, 77),
    indicator=(211, 227, 253),
    on_indicator=(0, 62, 138),
    outline=(208, 213, 221),
    shadow=(20, 26, 38),
    shadow_alpha=0.16,
    positive=(30, 126, 52),
    caution=(176, 96, 0),
    danger=(198, 40, 40),
    gauge_track=(221, 226, 234),
    map_water=(170, 211, 223),
    map_park=(205, 235, 176),
    map_building=(224, 219, 210),
    map_void=(232, 233, 235),
    map_void_line=(214, 216, 220),
    map_label=(52, 56, 64),
    map_label_halo=(255, 255, 255),
    traffic_free=(24, 140, 76),
    traffic_slow=(204, 102, 0),
    traffic_jam=(210, 40, 40),
    puck=(250, 250, 250),
)

# Night: a dark map style (Android Auto's night map), chrome dimmed under the
# panels, text off-white; no (255, 255, 255) anywhere (a test checks).
NIGHT = Theme(
    name="night",
    background=(10, 12, 16),
    surface=(24, 27, 33),
    status_bar=(14, 16, 21),
    text=(226, 230, 236),
    text_muted=(160, 168, 181),
    accent=(122, 176, 255),
    on_accent=(10, 12, 16),
    control=(44, 49, 60),
    lock_overlay=(46, 52, 65),
    on_lock=(232, 235, 240),
    map_land=(28, 32, 40),
    map_text=(184, 190, 201),
    route=(64, 156, 255),
    route_casing=(10, 60, 140),
    vehicle=(255, 99, 99),
    listening=(255, 120, 120),
    roads={
        "service": ((50, 56, 68), 2.0),
        "living_street": ((54, 60, 72), 3.0),
        "residential": ((62, 69, 83), 4.0),
        "unclassified": ((62, 69, 83), 4.0),
        "tertiary": ((76, 83, 96), 5.0),
        "secondary": ((98, 92, 76), 6.0),
        "primary": ((118, 104, 72), 7.0),
        "trunk": ((128, 92, 82), 8.0),
        "motorway": ((138, 86, 100), 9.0),
    },
    surface_raised=(34, 38, 46),
    dock=(14, 16, 21),
    icon=(188, 195, 207),
    indicator=(30, 58, 100),
    on_indicator=(190, 216, 255),
    outline=(52, 58, 70),
    shadow=(0, 0, 0),
    shadow_alpha=0.45,
    positive=(110, 200, 130),
    caution=(240, 170, 60),
    danger=(255, 110, 100),
    gauge_track=(48, 54, 66),
    map_water=(22, 36, 56),
    map_park=(26, 40, 32),
    map_building=(36, 40, 48),
    map_void=(18, 20, 25),
    map_void_line=(32, 35, 42),
    map_label=(190, 197, 208),
    map_label_halo=(20, 23, 29),
    traffic_free=(70, 190, 120),
    traffic_slow=(245, 160, 50),
    traffic_jam=(240, 84, 80),
    puck=(58, 64, 78),
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
        ("text on a control", theme.text, theme.control, text),
        ("text on an accent control", theme.on_accent, theme.accent, text),
        ("text on raised card", theme.text, theme.surface_raised, text),
        ("muted text on raised card", theme.text_muted, theme.surface_raised, text),
        ("dock label", theme.text_muted, theme.dock, text),
        ("active dock label", theme.text, theme.dock, text),
        ("street name on map", theme.map_label, theme.map_label_halo, text),
        ("street name on land", theme.map_label, theme.map_land, text),
        ("muted text on the no-data ground", theme.text_muted, theme.map_void, text),
        ("lock text on overlay", theme.on_lock, theme.lock_overlay, text),
        ("attribution on map", theme.map_text, theme.map_land, text),
        ("focus outline on surface", theme.accent, theme.surface, ctl),
        ("focus outline on background", theme.accent, theme.background, ctl),
        ("active tab on dock", theme.accent, theme.surface, ctl),
        ("icon on dock", theme.icon, theme.dock, ctl),
        ("icon on status bar", theme.icon, theme.status_bar, ctl),
        ("icon on surface", theme.icon, theme.surface, ctl),
        ("icon on raised card", theme.icon, theme.surface_raised, ctl),
        ("lit icon on the indicator", theme.on_indicator, theme.indicator, ctl),
        ("accent on raised card", theme.accent, theme.surface_raised, ctl),
        ("gauge fill on its track", theme.accent, theme.gauge_track, ctl),
        ("positive on surface", theme.positive, theme.surface, ctl),
        ("caution on surface", theme.caution, theme.surface, ctl),
        # The cluster's low-charge warning is text in the caution colour.
        ("caution text on surface", theme.caution, theme.surface, text),
        ("danger on surface", theme.danger, theme.surface, ctl),
        ("traffic flowing on map", theme.traffic_free, theme.map_land, ctl),
        ("traffic slow on map", theme.traffic_slow, theme.map_land, ctl),
        ("traffic jam on map", theme.traffic_jam, theme.map_land, ctl),
        ("route on map", theme.route, theme.map_land, ctl),
        ("vehicle on map", theme.vehicle, theme.map_land, ctl),
        ("vehicle on its puck", theme.vehicle, theme.puck, ctl),
        ("listening dot on surface", theme.listening, theme.surface, ctl),
    ]
