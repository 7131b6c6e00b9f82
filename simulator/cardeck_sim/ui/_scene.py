"""Pure geometry the views and the input path share: dock tabs, the map camera, the dashboard.

Free of kivy, so that ``cardeck_sim.service`` (SimulatorService.Tap) can use
it without a window. Rects follow the layout engine: top-left origin, y down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cardeck.i18n import N_
from cardeck.layout import (
    DisplayLayout,
    PanelLayout,
    Rect,
    VehicleProfile,
    reachable_from,
    stage_of,
)
from cardeck_sim.state import MapView, panel_kind_value

if TYPE_CHECKING:
    from cardeck_sim.maps import Camera, LatLon, MapData

__all__ = [
    "BROWSER_ACTIONS",
    "ROW_GAP_MM",
    "DashboardSlot",
    "DockTab",
    "StatusMenu",
    "arrange_dashboard",
    "browser_content_rect",
    "browser_toolbar",
    "camera_for",
    "clamp_camera",
    "contains",
    "dashboard_boxes_mm",
    "dock_tabs",
    "frame_rect",
    "menu_target",
    "minimap_camera",
    "opened_panel",
    "pan_camera",
    "panel_kind_value",
    "status_menu",
    "voice_answer_buttons",
    "zoom_camera",
]


# Panels the dock offers as launcher tabs even when they are on screen, so
# that a driver can always reach them with one tap (after Android
# Automotive's app dock); collapsed panels come first.
_LAUNCHER_KINDS = ("map", "voice", "browser")
_TILE_PX = 256.0
_MAX_MERCATOR_LAT = 85.05112878


@dataclass(frozen=True)
class DockTab:
    """One tab in the dock: the panel it focuses and where it is drawn (display px)."""

    panel_id: str
    kind: str
    label: str
    rect: Rect
    collapsed: bool


# The tabs' labels, in English: the dock painter translates them (``ctx.tr``).
# i18n: dock tab labels, one short word each (a launcher tab under its icon)
_LABELS = {
    "map": N_("Map"),
    "voice": N_("Voice"),
    "browser": N_("Web"),
    "guidance_card": N_("Route"),
    "speed": N_("Speed"),
    "next_maneuver": N_("Next"),
    "status_bar": N_("Status"),
    "climate": N_("Climate"),
}


def _mirrored(rect: Rect, within: Rect, rtl: bool) -> Rect:
    """A rect laid out left to right, mirrored inside ``within`` when the locale is RTL."""
    if not rtl:
        return rect
    return Rect(within.x + within.right - rect.right, rect.y, rect.width, rect.height)


def dock_tabs(layout: DisplayLayout, *, rtl: bool = False) -> list[DockTab]:
    """Return the dock's tabs: collapsed panels first, then the launcher panels.

    The tabs share the dock's long side evenly and fill it (no empty end), each
    at least ``layout.min_touch_px`` along it (the 76 dp touch target) and as
    wide as the dock across it; tabs that do not fit at that size are left out.
    A row of tabs follows reading order: right to left (``rtl``) it starts on the
    right; a column keeps its order. ``label`` is the English source (a message of
    the ``ui`` catalog): the painter translates it.
    """
    dock = next((p for p in layout.panels if p.kind == "dock" and p.visible), None)
    if dock is None:
        return []
    panels = [p for p in layout.panels if not p.visible and p.kind != "dock"]
    panels += [p for p in layout.panels if p.visible and p.kind in _LAUNCHER_KINDS]
    r = dock.rect_px
    vertical = r.height >= r.width
    length = r.height if vertical else r.width
    shown = min(len(panels), int((length + 0.5) // max(1, layout.min_touch_px)))
    tabs: list[DockTab] = []
    for i, p in enumerate(panels[:shown]):
        # Whole-pixel edges shared by neighbours: no gap, no overlap, the last ends at the end.
        start, end = round(i * length / shown), round((i + 1) * length / shown)
        rect = (
            Rect(r.x, r.y + start, r.width, end - start)
            if vertical
            else Rect(r.x + start, r.y, end - start, r.height)
        )
        label = _LABELS.get(p.kind, p.panel_id)
        rect = rect if vertical else _mirrored(rect, r, rtl)
        tabs.append(DockTab(p.panel_id, p.kind, label, rect, not p.visible))
    return tabs


@dataclass(frozen=True)
class StatusMenu:
    """The status bar's menu control, drawn when the dock collapsed into it.

    ``panels`` are the collapsed panels it reaches, in layout order; each tap on
    ``rect`` (display px) focuses the next of them, as a dock tab focuses its one.
    """

    rect: Rect
    panels: tuple[PanelLayout, ...]


def status_menu(layout: DisplayLayout, *, rtl: bool = False) -> StatusMenu | None:
    """Return the status bar's menu control, or None when no collapsed panel needs it.

    It sits at the status bar's end (its left end right to left, ``rtl``), as tall
    as the bar and at least ``layout.min_touch_px`` wide (the 76 dp touch target),
    never wider than the bar.
    """
    bar = next((p for p in layout.panels if p.kind == "status_bar" and p.visible), None)
    if bar is None:
        return None
    panels = tuple(
        p
        for p in layout.panels
        if not p.visible and p.kind != "dock" and reachable_from(layout, p.panel_id) is bar
    )
    if not panels:
        return None
    r = bar.rect_px
    size = min(r.width, max(float(layout.min_touch_px), r.height))
    rect = Rect(r.x + r.width - size, r.y, size, r.height)
    return StatusMenu(_mirrored(rect, r, rtl), panels)


def menu_target(menu: StatusMenu, focused: str | None) -> PanelLayout:
    """Return the panel a tap on the menu focuses: the one after ``focused``, wrapping."""
    ids = [p.panel_id for p in menu.panels]
    index = ids.index(focused) + 1 if focused in ids else 0
    return menu.panels[index % len(ids)]


def contains(rect: Rect, x: float, y: float) -> bool:
    """Whether a point (display px, top-left origin) lies inside a rect (right/bottom open)."""
    return rect.x <= x < rect.x + rect.width and rect.y <= y < rect.y + rect.height


# -- the map camera ------------------------------------------------------------


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    """Return normalized Web-Mercator x, y in 0..1 (y grows southwards)."""
    lat_r = math.radians(max(-_MAX_MERCATOR_LAT, min(_MAX_MERCATOR_LAT, lat)))
    x = (lon + 180.0) / 360.0
    y = (1.0 - math.log(math.tan(lat_r) + 1.0 / math.cos(lat_r)) / math.pi) / 2.0
    return x, y


def _inverse_mercator(x: float, y: float) -> tuple[float, float]:
    """Return (lat, lon) of normalized Web-Mercator x, y."""
    lon = x * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y))))
    return max(-_MAX_MERCATOR_LAT, min(_MAX_MERCATOR_LAT, lat)), max(-180.0, min(180.0, lon))


def camera_for(
    map_view: MapView, map_data: MapData | None, width_px: int, height_px: int
) -> Camera:
    """Return the camera a map panel of this size shows.

    The store's camera when a client set one; else one that fits the route
    (or the markers, or the whole bundled map) into the panel with a margin,
    so every display shows the same scene whatever its shape. Either is kept
    over the map's data (:func:`clamp_camera`).
    """
    if map_view.camera is not None:
        camera: Camera = map_view.camera
        return clamp_camera(camera, map_data, width_px, height_px)
    # The fit reads every route point; the live window asks on every frame.
    key = (map_view.route, map_view.markers, map_data, width_px, height_px)
    last = _FITTED.get("last")
    if (
        last is not None
        and all(a is b for a, b in zip(last[0][:3], key[:3], strict=True))
        and last[0][3:] == key[3:]
    ):
        return last[1]
    fitted = _fit_camera(map_view, map_data, width_px, height_px)
    _FITTED["last"] = (key, fitted)
    return fitted


#: The latest fitted camera and what it was fitted to (compared by identity).
_FITTED: dict[str, tuple[tuple[object, ...], Camera]] = {}


def _fit_camera(
    map_view: MapView, map_data: MapData | None, width_px: int, height_px: int
) -> Camera:
    """Return a camera fitting the route, the markers or the whole map into the panel."""
    from cardeck_sim.maps import Camera, LatLon

    points: list[LatLon] = []
    if map_view.route is not None:
        points = list(map_view.route.polyline)
    elif map_view.markers:
        points = [m.position for m in map_view.markers]
    if not points and map_data is not None:
        points = list(map_data.bounds)
    if not points:
        return Camera(LatLon(60.1699, 24.9384), zoom=15.0)
    xs, ys = zip(*(_mercator(p.lat, p.lon) for p in points), strict=True)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span_x = max(max(xs) - min(xs), 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    # 70 % of the panel for the content leaves room for markers and the card.
    fit = min(0.7 * width_px / span_x, 0.7 * height_px / span_y) / _TILE_PX
    zoom = max(3.0, min(18.0, math.log2(fit)))
    lat, lon = _inverse_mercator(cx, cy)
    return clamp_camera(
        Camera(LatLon(lat, lon), zoom=round(zoom, 2)), map_data, width_px, height_px
    )


def clamp_camera(camera: Camera, map_data: MapData | None, width_px: int, height_px: int) -> Camera:
    """Return the camera kept over the map's data in a panel of this size.

    A driver panning or zooming out stops at the edge of the extract instead of
    sliding into a void: the view never shows beyond the data on a side where
    the data is larger than the panel, and centres the data where it is smaller.
    Zooming out stops once the whole extract is in view. A camera that follows
    the vehicle is left alone (the vehicle is on the map's roads).
    Panning starts from the clamped camera (``camera_for``), so a drag past
    the edge moves nothing.
    """
    if map_data is None or camera.follow_vehicle:
        return camera
    from cardeck_sim.maps import Camera, LatLon

    sw, ne = map_data.bounds
    x0, y1 = _mercator(sw.lat, sw.lon)
    x1, y0 = _mercator(ne.lat, ne.lon)
    span_x, span_y = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
    fit = math.log2(min(width_px / span_x, height_px / span_y) / _TILE_PX)
    zoom = max(camera.zoom, min(fit, 22.0))
    world = _TILE_PX * 2.0**zoom
    cx, cy = _mercator(camera.center.lat, camera.center.lon)
    half_w, half_h = width_px / 2 / world, height_px / 2 / world
    cx = (x0 + x1) / 2 if span_x <= 2 * half_w else min(max(cx, x0 + half_w), x1 - half_w)
    cy = (y0 + y1) / 2 if span_y <= 2 * half_h else min(max(cy, y0 + half_h), y1 - half_h)
    lat, lon = _inverse_mercator(cx, cy)
    if (lat, lon, zoom) == (camera.center.lat, camera.center.lon, camera.zoom):
        return camera
    return Camera(LatLon(lat, lon), zoom, camera.tilt_deg, camera.follow_vehicle)


#: A cluster mini-map's zoom at 160 dpi: about 500 m across a 600 dp panel (at 60° N).
MINIMAP_ZOOM = 16.5


def minimap_camera(
    map_view: MapView, width_px: int, height_px: int, density: float
) -> Camera | None:
    """Return a cluster mini-map's camera: zoomed in and centred near the vehicle.

    The centre snaps to a grid of a sixth of the panel, so the vehicle stays
    within a twelfth of the middle while the cached map layer is redrawn only
    when the car has moved that far, not every frame. None without a vehicle
    (the route-fitting camera then applies).

    :param density: Display px per dp (the map's roads scale with it, so must its zoom).
    """
    from cardeck_sim.maps import Camera, LatLon

    pose = map_view.guidance or map_view.vehicle
    if pose is None:
        return None
    zoom = MINIMAP_ZOOM + math.log2(max(density, 0.25))
    world = _TILE_PX * 2.0**zoom
    step = max(1.0, min(width_px, height_px) / 6) / world
    x, y = _mercator(pose.position.lat, pose.position.lon)
    lat, lon = _inverse_mercator(round(x / step) * step, round(y / step) * step)
    return Camera(LatLon(lat, lon), zoom=round(zoom, 2))


def pan_camera(camera: Camera, dx_px: float, dy_px: float) -> Camera:
    """Return the camera after dragging the map by (dx, dy) screen px (y down).

    The content follows the finger, so the centre moves the other way.
    """
    from cardeck_sim.maps import Camera, LatLon

    world = _TILE_PX * 2.0**camera.zoom
    x, y = _mercator(camera.center.lat, camera.center.lon)
    lat, lon = _inverse_mercator(x - dx_px / world, y - dy_px / world)
    return Camera(LatLon(lat, lon), camera.zoom, camera.tilt_deg, follow_vehicle=False)


def zoom_camera(camera: Camera, factor: float) -> Camera:
    """Return the camera zoomed by a pinch ``factor`` (2.0 = twice as large)."""
    from cardeck_sim.maps import Camera

    zoom = max(0.0, min(22.0, camera.zoom + math.log2(max(factor, 1e-6))))
    return Camera(camera.center, zoom, camera.tilt_deg, camera.follow_vehicle)


# -- the dashboard -------------------------------------------------------------


#: How far apart displays sit when a profile's positions overlap and they go in a row (mm).
ROW_GAP_MM = 20.0


@dataclass(frozen=True)
class DashboardSlot:
    """Where one display goes in a dashboard picture (top-left origin, y down).

    In px from :func:`arrange_dashboard`, in mm from :func:`dashboard_boxes_mm`.
    """

    display_id: str
    x: float
    y: float
    width: float
    height: float


def _overlap(a: DashboardSlot, b: DashboardSlot) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def dashboard_boxes_mm(profile: VehicleProfile) -> list[DashboardSlot]:
    """Each display's rectangle on the dashboard in mm (top-left origin, y down).

    The top-left corner is the display's ``x_mm``/``y_mm``; its size is its
    resolution over its physical ppi (from ``diagonal_in`` or ``dpi``). When
    two displays overlap, the positions are missing or wrong (a profile that
    gives none puts every display at 0, 0, and drawing one over another would
    hide it): then the displays go in a row in profile order, top edges
    aligned, :data:`ROW_GAP_MM` apart, still at their physical sizes.
    """
    boxes = [
        DashboardSlot(
            d.id,
            d.x_mm,
            d.y_mm,
            d.width_px / d.physical_ppi * 25.4,
            d.height_px / d.physical_ppi * 25.4,
        )
        for d in profile.displays
    ]
    if not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        return boxes
    row, x = [], 0.0
    for box in boxes:
        row.append(DashboardSlot(box.display_id, x, 0.0, box.width, box.height))
        x += box.width + ROW_GAP_MM
    return row


def arrange_dashboard(
    profile: VehicleProfile,
    max_width: float,
    max_height: float,
    gap_px: float = 8.0,
    *,
    px_per_mm: float | None = None,
) -> tuple[float, float, list[DashboardSlot]]:
    """Place a profile's displays as on the dashboard, all at one physical scale.

    Every display is drawn at the same px per mm, so a 12.3-inch cluster is
    larger than a 10-inch screen, at its :func:`dashboard_boxes_mm` position.
    The scale is the largest that fits the picture (with a ``gap_px`` margin)
    into ``max_width`` × ``max_height``, or ``px_per_mm`` when given, so that
    pictures of several profiles share one scale.

    :returns: ``(width, height, slots)`` of the arranged picture.
    """
    boxes = dashboard_boxes_mm(profile)
    x0 = min(b.x for b in boxes)
    y0 = min(b.y for b in boxes)
    span_w = max(max(b.x + b.width for b in boxes) - x0, 1e-6)
    span_h = max(max(b.y + b.height for b in boxes) - y0, 1e-6)
    scale = px_per_mm or min((max_width - 2 * gap_px) / span_w, (max_height - 2 * gap_px) / span_h)
    slots = [
        DashboardSlot(
            b.display_id,
            gap_px + (b.x - x0) * scale,
            gap_px + (b.y - y0) * scale,
            b.width * scale,
            b.height * scale,
        )
        for b in boxes
    ]
    return span_w * scale + 2 * gap_px, span_h * scale + 2 * gap_px, slots


def opened_panel(layout: DisplayLayout, focused: str | None) -> PanelLayout | None:
    """The collapsed panel the focus opened, placed on the display's stage; else None.

    A dock tab, the status bar menu or the steering wheel's view key focuses a
    collapsed panel; it is then drawn in place of the stage (the largest content
    panel, ``cardeck.layout.stage_of``), with the stage's rect and region.
    """
    panel = next((p for p in layout.panels if p.panel_id == focused), None)
    if panel is None or panel.visible or panel.kind in ("dock", "status_bar"):
        return None
    stage = stage_of(layout)
    if stage is None:
        return None
    return replace(
        panel,
        visible=True,
        rect_px=stage.rect_px,
        rect_dp=stage.rect_dp,
        region_px=stage.region_px,
        collapsed_reason="",
    )


def browser_content_rect(panel: PanelLayout, layout: DisplayLayout) -> Rect:
    """Return the part of the browser panel below its toolbar, where the page goes.

    The toolbar (back, forward, reload, the address field) is one touch target
    tall, as Car UI's toolbar is, but never more than a quarter of the panel.
    """
    r = panel.rect_px
    bar = round(min(r.height / 4, max(layout.min_touch_px * 0.8, layout.min_text_px * 2.2)))
    return Rect(r.x, r.y + bar, r.width, r.height - bar)


#: The browser toolbar's buttons, left to right: the action a tap on each asks for.
BROWSER_ACTIONS = ("back", "forward", "reload")


def browser_toolbar(
    panel: PanelLayout, layout: DisplayLayout, *, rtl: bool = False
) -> tuple[tuple[str, Rect], ...]:
    """Return the browser toolbar's buttons as (action, rect), in reading order.

    Square, as tall as the toolbar; narrower only on a panel too narrow to leave
    the address field half of it. Left to right from the panel's left edge; right
    to left (``rtl``) from its right edge, back first (as a mirrored browser has it).
    """
    r = panel.rect_px
    bar = browser_content_rect(panel, layout).y - r.y
    side = min(bar, r.width / 6)
    return tuple(
        (action, _mirrored(Rect(r.x + i * side, r.y, side, bar), r, rtl))
        for i, action in enumerate(BROWSER_ACTIONS)
    )


def voice_answer_buttons(
    panel: PanelLayout, layout: DisplayLayout, *, rtl: bool = False
) -> tuple[tuple[bool, Rect], ...]:
    """Return the voice panel's Yes and No buttons as (confirmed, rect), Yes first.

    Along the panel's bottom edge, each one touch target tall and half the width
    (less the padding), so a glance and one tap answer the question; none on a
    panel too small to hold them (the question is then answered by voice). Yes is
    on the left, or on the right in a right-to-left locale (``rtl``).
    """
    r = panel.rect_px
    touch = float(layout.min_touch_px)
    pad = max(8.0, round(layout.min_text_px * 0.6))
    width = (r.width - 3 * pad) / 2
    if width < touch or r.height < 2.5 * touch:
        return ()
    y = r.y + r.height - pad - touch
    return (
        (True, _mirrored(Rect(r.x + pad, y, width, touch), r, rtl)),
        (False, _mirrored(Rect(r.x + 2 * pad + width, y, width, touch), r, rtl)),
    )


def frame_rect(content: Rect, frame_w: int, frame_h: int) -> Rect:
    """Return where a page frame is drawn in the content rect: fitted, aspect kept, top-left."""
    if frame_w <= 0 or frame_h <= 0:
        return content
    scale = min(content.width / frame_w, content.height / frame_h)
    return Rect(content.x, content.y, frame_w * scale, frame_h * scale)
