"""The layout engine: a template and a display in, integer panel rectangles out.

How one display is solved:

1. The **usable region** is the display minus insets, minus everything outside
   the rounded corners' arcs and minus cutouts: a shape (see ``_region``). The
   arrangement first tiles the whole rectangle inside the insets. A panel whose
   tile holds a corner or a cutout keeps its content (controls, text) in the
   largest usable rectangle of the tile; when that rectangle is below the panel's
   minimums, the arrangement area is cut clear of that obstacle (a corner by
   moving both adjacent edges to the 45° point of its arc, a cutout along the
   edge that keeps the aspect class and the most area) and solved again, once
   per obstacle at most. Panels on the arrangement's edges then stretch to the
   display's edges, so the strips beside cleared corners and cutouts are drawn
   by the panel next to them and every usable pixel belongs to one panel.
   ``coverage`` and ``content_coverage`` say how much of the region panels and
   their content use; the diagnostics name each obstacle cleared.
2. The arrangement for the safe area's aspect and width class is a tree of rows
   and columns. A tree tiles its rectangle, so "no overlap" and "inside" hold by
   construction; the solver only decides sizes along each row/column. Templates
   are written for left-hand drive; for right-hand drive every row is mirrored so
   the dock (the controls) stays next to the driver. In a right-to-left locale
   the nodes that follow reading order swap places in their row while the
   nodes placed for the driver keep theirs (``anchor`` in ``_template``). Which
   side is a discrete choice, so it is applied to the tree rather than as a
   weak constraint.
3. **Required** minimums (panel minimum, touch target ≥ 76 dp, text ≥ max(24 dp,
   16′ at the viewing distance), dock tabs × touch target) are summed up the tree
   first. If they do not fit, the lowest-priority panel collapses (into a dock tab
   or the status bar menu) and the check repeats; this is exact for a tree (Σ along
   an axis, max across), so kiwisolver never sees an unsatisfiable required set and
   every collapse gets a diagnostic with the numbers.
4. kiwisolver then solves sizes: required minimums and sums, **strong** template
   shares (weighted by priority, so the lowest-priority panel gives way first
   and the optimum is unique), strong maximums, and **weak** 8 dp grid targets
   held in edit variables. The safe area's width and height are edit variables
   too, so :meth:`LayoutSolver.resize` only suggests new values.
5. Float sizes become integer pixels by a largest-remainder split that never
   goes below a minimum, and the result is checked again.
6. **Text fit** (``_textfit``): the widest word each visible panel shows in the
   locale, at the minimum text size, must fit the panel's width inside its
   padding. For a panel that can collapse that width is a required minimum
   (step 3: it collapses rather than cut a word); an essential panel or the
   dock widens for it up to its maximum (a constraint between the shares and
   the maximum), and past that cuts it with an ellipsis: a ``text-fit``
   warning names the panel, locale, word and both widths.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

import kiwisolver as kiwi

from cardeck._exceptions import ProfileError
from cardeck.i18n import DEFAULT_LOCALE, locale_info

from ._limits import MAX_PX
from ._profile import Display, VehicleProfile
from ._rect import Rect
from ._region import Corner, Region, arc_clear, corner_cut, rounded_corners, usable_region
from ._template import (
    DRIVER_KINDS,
    AspectClass,
    LayoutNode,
    PanelSpec,
    RoleTemplate,
    Template,
    WidthClass,
    aspect_class,
    get_template,
    width_class,
)
from ._textfit import LongestWord, PanelTexts, panel_texts

__all__ = [
    "Diagnostic",
    "DisplayLayout",
    "LayoutSolver",
    "PanelLayout",
    "Rect",
    "SolverStats",
    "layout_metrics",
    "solve_display",
    "solve_profile",
]

Severity = Literal["info", "warning", "error"]
Axis = Literal["w", "h"]
Direction = Literal["ltr", "rtl"]

#: Android for Cars: touch targets are at least 76 × 76 dp.
TOUCH_TARGET_DP = 76.0
#: Consoles (climate and quick controls) are used by feel while driving, often
#: with gloves: their touch targets are one and a half times the car minimum.
CONSOLE_TOUCH_TARGET_DP = 114.0
#: Android for Cars: body text is at least 24 dp.
MIN_TEXT_DP = 24.0
#: ISO 9241-3 / NUREG-0700 legibility: characters subtend at least 16 arc-minutes.
MIN_TEXT_ARCMIN = 16.0
#: Android for Cars: the 8 dp layout grid.
GRID_DP = 8.0
#: A text line is this many times the character height (line spacing).
LINE_HEIGHT = 1.4
#: An average glyph is about this wide relative to the text height.
CHAR_WIDTH = 0.6
#: Automotive CDD minimum: 6-inch diagonal, 750 × 480 dp.
CDD_MIN_DIAGONAL_IN = 6.0
CDD_MIN_DP = (750.0, 480.0)
#: A panel's text keeps this share of the minimum text size from each side
#: (as the painters' cards do), but at least TEXT_PAD_MIN_PX.
TEXT_PAD = 0.6
TEXT_PAD_MIN_PX = 8
#: A dock tab's label keeps this many dp from the tab's sides.
DOCK_LABEL_EDGE_DP = 4.0
#: Whether the widest word is a required minimum width of the panels that can
#: collapse (not essential ones, not the dock): decided by measurement, see
#: docs/guides/layouts.md, "Text fit". Essential panels and the dock widen for
#: it only as far as their maximum allows, so a word never makes a display infeasible.
TEXT_FIT_REQUIRED = True

# Edit variables cannot be required in kiwisolver; this is just below required
# and far above strong, and the fit check guarantees it is always satisfiable.
_EDIT = kiwi.strength.create(999, 0, 0)
_MAX = kiwi.strength.create(500, 0, 0)
_GRID = kiwi.strength.weak
# A word that must not decide whether a display can be laid out (an essential
# panel's, a dock label's) is a wish above the template's shares and below the
# panel's maximum: the panel widens for it when its neighbours have room.
_WORD = kiwi.strength.create(400, 0, 0)


# What kiwisolver and float arithmetic can raise on numbers far outside the
# profile limits; resize() turns them into a ProfileError rather than leak them.
_SOLVER_FAULTS: tuple[type[Exception], ...] = (
    kiwi.UnsatisfiableConstraint,
    kiwi.DuplicateConstraint,
    kiwi.UnknownConstraint,
    kiwi.DuplicateEditVariable,
    kiwi.UnknownEditVariable,
    kiwi.BadRequiredStrength,
    ArithmeticError,
    ValueError,
)


@dataclass(frozen=True)
class Diagnostic:
    """Something the engine wants the integrator to know about a layout.

    :param severity: ``info``, ``warning`` or ``error``.
    :param rule: the rule involved, e.g. ``touch-target`` or ``cdd-minimum``.
    :param message: a sentence with the numbers.
    :param panel_id: the panel concerned, or ``""`` for the whole display.
    """

    severity: Severity
    rule: str
    message: str
    panel_id: str = ""


@dataclass(frozen=True)
class PanelLayout:
    """Where one panel goes; collapsed panels have empty rects and a reason."""

    panel_id: str
    kind: str
    visible: bool
    rect_px: Rect
    rect_dp: Rect
    collapsed_reason: str = ""
    #: The panel's whole area as disjoint px rectangles: its content ``rect_px`` plus
    #: the strips beside rounded corners and cutouts where it draws only its background.
    region_px: tuple[Rect, ...] = ()


@dataclass(frozen=True)
class DisplayLayout:
    """The solved layout of one display.

    ``min_text_px`` and ``min_touch_px`` are the smallest text height and touch
    target the UI may use on this display. ``safe_area`` is the px rectangle the
    panels are arranged in: every panel's content ``rect_px`` lies in it and in the
    usable region. ``role`` is the display's role (center, cluster, …).
    """

    display_id: str
    width_px: int
    height_px: int
    density_dpi: int
    aspect_class: AspectClass
    width_class: WidthClass
    safe_area: Rect
    panels: tuple[PanelLayout, ...]
    min_text_px: int
    min_touch_px: int
    diagnostics: tuple[Diagnostic, ...]
    role: str = ""
    #: The usable region (display minus insets, rounded corners and cutouts) as
    #: disjoint px rectangles; arcs become an inner staircase. The four fields
    #: below are empty/0 only in a layout from a head unit that predates them.
    usable_px: tuple[Rect, ...] = ()
    usable_area_px: int = 0
    #: Share of the usable region that belongs to a visible panel, 0 to 1.
    coverage: float = 0.0
    #: Share of the usable region inside the panels' content rectangles, 0 to 1.
    content_coverage: float = 0.0
    #: The locale the layout was solved for, and its reading direction.
    locale: str = DEFAULT_LOCALE
    direction: Direction = "ltr"

    def panel(self, panel_id: str) -> PanelLayout:
        """Return the panel with ``panel_id``.

        :raises KeyError: when there is no such panel.
        """
        for panel in self.panels:
            if panel.panel_id == panel_id:
                return panel
        raise KeyError(panel_id)

    def panel_at(self, x_px: float, y_px: float) -> PanelLayout | None:
        """The visible panel whose area holds a point (px, top-left origin), or ``None``.

        A panel's area is its ``region_px`` (the strips beside rounded corners and
        cutouts included), or its ``rect_px`` in a layout that has no regions.
        """
        for panel in self.panels:
            if not panel.visible:
                continue
            for r in panel.region_px or (panel.rect_px,):
                if r.x <= x_px < r.right and r.y <= y_px < r.bottom:
                    return panel
        return None

    @property
    def visible_panels(self) -> tuple[PanelLayout, ...]:
        """The panels that have a rectangle on screen."""
        return tuple(p for p in self.panels if p.visible)


@dataclass(frozen=True)
class SolverStats:
    """The size of a display's kiwisolver system (used by the benchmark)."""

    variables: int
    constraints: int
    edit_variables: int


@dataclass(frozen=True)
class _Metrics:
    scale: float
    min_touch_px: int
    min_text_px: int
    grid_px: float
    touch_dp: float = TOUCH_TARGET_DP


def layout_metrics(display: Display) -> tuple[int, int]:
    """Return ``(min_text_px, min_touch_px)`` for a display.

    Text is at least max(24 dp, 16 arc-minutes at the viewing distance); the
    angle becomes a height by h = 2·D·tan(θ/2) and then px by the physical ppi.
    """
    metrics = _metrics(display)
    return metrics.min_text_px, metrics.min_touch_px


def _metrics(display: Display) -> _Metrics:
    scale = display.logical_density / 160.0
    theta = math.radians(MIN_TEXT_ARCMIN / 60.0)
    text_mm = 2.0 * display.viewing_distance_mm * math.tan(theta / 2.0)
    text_px_angle = text_mm / 25.4 * display.physical_ppi
    # A hair of tolerance keeps 76 dp at exactly 160 dpi at 76 px, not 77.
    min_text = math.ceil(max(MIN_TEXT_DP * scale, text_px_angle) - 1e-9)
    touch_dp = touch_target_dp(display.role)
    min_touch = math.ceil(touch_dp * scale - 1e-9)
    return _Metrics(scale, min_touch, min_text, GRID_DP * scale, touch_dp)


def touch_target_dp(role: str) -> float:
    """The smallest touch target in dp on a display of this role (larger on a console)."""
    return CONSOLE_TOUCH_TARGET_DP if role == "console" else TOUCH_TARGET_DP


#: Something in the display that is not usable: a rounded corner or a cutout (by index).
Obstacle = Corner | int


def obstacles(display: Display) -> tuple[Obstacle, ...]:
    """The display's rounded corners and cutouts, in the order the engine considers them."""
    return (*rounded_corners(display), *range(len(display.cutouts)))


def describe_obstacle(display: Display, obstacle: Obstacle) -> str:
    """Name an obstacle for a diagnostic: "the rounded top-left corner (radius 40 px)"."""
    if isinstance(obstacle, Corner):
        where = obstacle.name.replace("_", "-")
        return f"the rounded {where} corner (radius {obstacle.radius} px)"
    c = display.cutouts[obstacle]
    return f"cutout {obstacle} ({c.width}x{c.height} px at {c.x},{c.y})"


def _hits(display: Display, obstacle: Obstacle, width: int, height: int, rect: Rect) -> bool:
    """Whether ``rect`` holds a pixel the obstacle makes unusable (exact per pixel)."""
    if isinstance(obstacle, Corner):
        return not arc_clear(obstacle, width, height, rect)
    c = display.cutouts[obstacle]
    return rect.overlaps(Rect(c.x, c.y, c.width, c.height))


def _arrangement_area(
    display: Display, width: int, height: int, excluded: tuple[Obstacle, ...]
) -> Rect:
    """The rectangle the arrangement tiles: inside the insets, clear of ``excluded``.

    Obstacles that are not excluded may lie inside it: the panels over them keep
    their content beside them (see the module docstring). A corner is cleared by
    moving both adjacent edges in by r·(1−1/√2), which puts the rectangle's corner
    on the arc; a cutout by the cut along the edge that keeps the most area (ties
    keep the display's aspect class).
    """
    left = float(display.insets.left)
    top = float(display.insets.top)
    right = float(width - display.insets.right)
    bottom = float(height - display.insets.bottom)
    for obstacle in excluded:
        if not isinstance(obstacle, Corner):
            continue
        r, cut = obstacle.radius, corner_cut(obstacle.radius)
        name = obstacle.name
        # Only a corner the insets do not already clear needs the diagonal cut.
        if name == "top_left" and left < r and top < r:
            left, top = max(left, cut), max(top, cut)
        elif name == "top_right" and width - right < r and top < r:
            right, top = min(right, width - cut), max(top, cut)
        elif name == "bottom_right" and width - right < r and height - bottom < r:
            right, bottom = min(right, width - cut), min(bottom, height - cut)
        elif name == "bottom_left" and left < r and height - bottom < r:
            left, bottom = max(left, cut), min(bottom, height - cut)
    x0, y0, x1, y1 = math.ceil(left), math.ceil(top), math.floor(right), math.floor(bottom)
    wanted = aspect_class(max(1, x1 - x0), max(1, y1 - y0))
    for obstacle in excluded:
        if isinstance(obstacle, Corner) or x1 <= x0 or y1 <= y0:
            continue
        c = display.cutouts[obstacle]
        if not (c.x < x1 and x0 < c.x + c.width and c.y < y1 and y0 < c.y + c.height):
            continue
        options = [
            (x0, c.y + c.height, x1, y1),
            (x0, y0, x1, c.y),
            (c.x + c.width, y0, x1, y1),
            (x0, y0, c.x, y1),
        ]

        def rank(o: tuple[int, int, int, int]) -> tuple[bool, int]:
            # A cut that changes the aspect class changes the whole arrangement
            # (a notch must not make a landscape screen "ultrawide").
            w, h = max(0, o[2] - o[0]), max(0, o[3] - o[1])
            return w > 0 and h > 0 and aspect_class(w, h) == wanted, w * h

        x0, y0, x1, y1 = max(options, key=rank)
    return Rect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def _extend(tree: Rect, safe: Rect, width: int, height: int) -> Rect:
    """Stretch a panel that touches an edge of the arrangement out to the display's edge.

    The arrangement tiles ``safe``; stretching every edge panel this way tiles the
    whole display, so the strips beside cleared corners and cutouts belong to the
    panel next to them (its background), and no two panels share a pixel.
    """
    x0 = 0 if tree.x <= safe.x else tree.x
    y0 = 0 if tree.y <= safe.y else tree.y
    x1 = width if tree.right >= safe.right else tree.right
    y1 = height if tree.bottom >= safe.bottom else tree.bottom
    return Rect(x0, y0, x1 - x0, y1 - y0)


@dataclass
class _Node:
    """A node of the pruned arrangement tree, with its required minimums in px."""

    kind: Literal["panel", "row", "column"]
    spec: PanelSpec | None
    children: list[_Node]
    share: float
    min_w: int = 0
    min_h: int = 0
    rule_w: str = ""
    rule_h: str = ""
    #: The width its widest word wants where that is not required (essential
    #: panels, a dock's labels): a constraint just below the panel's maximum.
    want_w: int = 0
    priority: int = 0
    #: Placed for the driver: keeps its slot when a right-to-left locale mirrors the row.
    driver: bool = False
    w: kiwi.Variable = field(default_factory=kiwi.Variable)
    h: kiwi.Variable = field(default_factory=kiwi.Variable)

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def _prune(
    node: LayoutNode, role: RoleTemplate, visible: set[str], mirror: bool, rtl: bool = False
) -> _Node | None:
    """Copy the arrangement with only visible panels; mirror rows for the driver and locale.

    ``mirror`` (right-hand drive) reverses every row; ``rtl`` (a right-to-left
    locale) first reverses the reading-order nodes of each row among themselves,
    leaving the driver-anchored ones in their slots.
    """
    if node.panel is not None:
        if node.panel not in visible:
            return None
        spec = role.panel(node.panel)
        driver = node.anchor == "driver" if node.anchor else spec.kind in DRIVER_KINDS
        return _Node(
            "panel", spec, [], node.share or spec.share, priority=spec.priority, driver=driver
        )
    kind: Literal["row", "column"] = "row" if node.row is not None else "column"
    kids = [_prune(child, role, visible, mirror, rtl) for child in (node.row or node.column or ())]
    children = [c for c in kids if c is not None]
    if not children:
        return None
    if kind == "row" and rtl:
        # Reading order runs from the right: the panels that follow it swap,
        # and what is placed for the driver stays (driver side is physical).
        slots = [i for i, c in enumerate(children) if not c.driver]
        moved = [children[i] for i in reversed(slots)]
        for slot, child in zip(slots, moved, strict=True):
            children[slot] = child
    if kind == "row" and mirror:
        # Arrangements are written for a left-hand-drive car with the controls
        # on the left; mirroring keeps the dock next to the driver.
        children.reverse()
    priority = max(c.priority for c in children)
    driver = node.anchor == "driver" if node.anchor else any(c.driver for c in children)
    return _Node(kind, None, children, node.share or 1.0, priority=priority, driver=driver)


def text_padding_px(min_text_px: int) -> int:
    """The px a panel's text keeps from each side of the panel."""
    return max(TEXT_PAD_MIN_PX, round(min_text_px * TEXT_PAD))


def _label_width(spec: PanelSpec, rect: Rect, metrics: _Metrics, tabs: int) -> int:
    """The px a line of the panel's text has: its width inside the padding.

    A dock's labels sit in its tabs: a tall dock's tabs are as wide as the dock,
    a wide dock's share its width.
    """
    width = int(rect.width)
    if spec.kind == "dock":
        items = max(1, spec.dock_items + tabs)
        tab = width if rect.height >= rect.width else width // items
        return tab - 2 * math.ceil(DOCK_LABEL_EDGE_DP * metrics.scale - 1e-9)
    return width - 2 * text_padding_px(metrics.min_text_px)


def _panel_minimums(
    node: _Node,
    parent: Literal["row", "column"],
    metrics: _Metrics,
    tabs: int,
    texts: PanelTexts | None = None,
) -> None:
    spec = node.spec
    assert spec is not None
    s = metrics.scale
    touch = metrics.min_touch_px
    text = metrics.min_text_px
    width = [
        (math.ceil(spec.min_width_dp * s - 1e-9), f"panel minimum {spec.min_width_dp:g} dp"),
        (touch, f"touch target {metrics.touch_dp:g} dp"),
        (math.ceil(spec.text_chars * CHAR_WIDTH * text), f"{spec.text_chars} characters"),
    ]
    height = [
        (math.ceil(spec.min_height_dp * s - 1e-9), f"panel minimum {spec.min_height_dp:g} dp"),
        (touch, f"touch target {metrics.touch_dp:g} dp"),
        (math.ceil(spec.text_lines * LINE_HEIGHT * text), f"{spec.text_lines} text lines"),
    ]
    longest = texts.longest(spec.kind) if texts is not None else None
    if longest is not None and spec.kind == "dock":
        # A rail's tab is as wide as the dock; a bar's tabs share its width.
        edge = math.ceil(DOCK_LABEL_EDGE_DP * s - 1e-9)
        share = 1 if parent == "row" else max(1, spec.dock_items + tabs)
        node.want_w = (longest.px(text) + 2 * edge) * share
    elif longest is not None:
        need = longest.px(text) + 2 * text_padding_px(text)
        if TEXT_FIT_REQUIRED and not spec.essential:
            width.append((need, f"longest word '{longest.word}' ({longest.locale})"))
        else:
            node.want_w = need
    if spec.kind == "dock":
        items = spec.dock_items + tabs
        # A dock in a row is a vertical strip; its tabs stack along its height.
        along = height if parent == "row" else width
        along.append((items * touch, f"{items} dock tabs of {metrics.touch_dp:g} dp"))
    node.min_w, node.rule_w = max(width, key=lambda item: item[0])
    node.min_h, node.rule_h = max(height, key=lambda item: item[0])


def _minimums(
    node: _Node,
    parent: Literal["row", "column"],
    metrics: _Metrics,
    tabs: int,
    texts: PanelTexts | None = None,
) -> None:
    """Fill min_w/min_h bottom-up: Σ along a row/column, max across it."""
    if node.kind == "panel":
        _panel_minimums(node, parent, metrics, tabs, texts)
        return
    for child in node.children:
        _minimums(child, node.kind, metrics, tabs, texts)
    along = [c.min_w if node.kind == "row" else c.min_h for c in node.children]
    across = [c.min_h if node.kind == "row" else c.min_w for c in node.children]
    if node.kind == "row":
        node.min_w, node.min_h = sum(along), max(across)
    else:
        node.min_h, node.min_w = sum(along), max(across)


def _critical(node: _Node, axis: Axis) -> list[tuple[str, int, str]]:
    """The panels whose minimums add up to the node's minimum along ``axis``."""
    if node.kind == "panel":
        assert node.spec is not None
        return [
            (
                node.spec.id,
                node.min_w if axis == "w" else node.min_h,
                node.rule_w if axis == "w" else node.rule_h,
            )
        ]
    sums = (node.kind == "row") == (axis == "w")
    if sums:
        return [item for child in node.children for item in _critical(child, axis)]
    widest = max(node.children, key=lambda c: c.min_w if axis == "w" else c.min_h)
    return _critical(widest, axis)


def _rule_name(description: str) -> str:
    for key, rule in (
        ("longest word", "text-fit"),
        ("touch target", "touch-target"),
        ("text", "text-size"),
        ("characters", "text-size"),
        ("dock tabs", "touch-target"),
    ):
        if key in description:
            return rule
    return "panel-minimum"


# The kinds that can hold collapsed panels, in the order a collapsed panel looks for one.
_HOST_KINDS = ("dock", "status_bar")


def _host_kind(kinds: set[str]) -> str:
    """The kind of the visible panel that holds collapsed panels, or "" when none does."""
    return next((kind for kind in _HOST_KINDS if kind in kinds), "")


#: Marks a collapse reason whose stage is named once the rects are known.
_STAGE = "{stage}"
#: Panels that are chrome around the content, never a stage for another panel.
_CHROME_KINDS = ("dock", "status_bar")


def _where_collapsed(role: RoleTemplate, visible: set[str]) -> str:
    """Say where a collapsed panel goes: a dock tab, the status bar menu, or a view.

    ``visible`` is the final set of visible panels, so a chain (a panel into the
    dock, the dock into the status bar menu) names the control that is drawn. A
    display with neither (a cluster, a HUD) shows collapsed panels as views of its
    stage panel, cycled by the steering wheel's view key.
    """
    host = _host_kind({spec.kind for spec in role.panels if spec.id in visible})
    if host == "dock":
        return "Collapsed into a tab in the dock"
    if host == "status_bar":
        return "Collapsed into the status bar menu"
    return f"Collapsed into a view of {_STAGE} (the steering wheel's view key shows it there)"


def stage_of(layout: DisplayLayout) -> PanelLayout | None:
    """The visible panel in whose place an opened collapsed panel is drawn.

    It is the largest visible content panel (not the dock or the status bar):
    a dock tab, the status bar menu or the view key opens a collapsed panel there,
    as Android Automotive opens an app from its dock in the app area.
    """
    return _largest_content(layout.panels)


def _largest_content(panels: Iterable[PanelLayout]) -> PanelLayout | None:
    """The largest visible panel that is not chrome; the first of equal ones."""
    best: PanelLayout | None = None
    for p in panels:
        if not p.visible or p.kind in _CHROME_KINDS:
            continue
        if best is None or p.rect_px.width * p.rect_px.height > (
            best.rect_px.width * best.rect_px.height
        ):
            best = p
    return best


def stage_views(layout: DisplayLayout) -> tuple[PanelLayout, ...]:
    """The views the steering wheel's view key steps through on this display.

    On a display with neither dock nor status bar (a cluster, a HUD) that has
    collapsed panels: its stage, then each collapsed panel in template order.
    Empty on any other display (a dock tab or the status bar menu opens them).
    """
    stage = stage_of(layout)
    if stage is None or _host_kind({p.kind for p in layout.panels if p.visible}):
        return ()
    views = tuple(p for p in layout.panels if not p.visible and p.kind not in _CHROME_KINDS)
    return (stage, *views) if views else ()


def reachable_from(layout: DisplayLayout, panel_id: str) -> PanelLayout | None:
    """The drawn panel from which ``panel_id`` is reached, or ``None`` when none is.

    A visible panel is reached from itself; a collapsed one from the visible dock
    (a tab) or, when the dock collapsed too, the visible status bar (its menu),
    and on a display with neither from its stage (:func:`stage_of`), whose page
    dots the view key steps through.
    :raises KeyError: when the layout has no panel ``panel_id``.
    """
    panel = next((p for p in layout.panels if p.panel_id == panel_id), None)
    if panel is None:
        raise KeyError(f"The layout of {layout.display_id} has no panel '{panel_id}'.")
    if panel.visible:
        return panel
    host = _host_kind({p.kind for p in layout.panels if p.visible})
    if not host:
        return stage_of(layout)
    return next((p for p in layout.panels if p.visible and p.kind == host), None)


@dataclass
class _Plan:
    safe: Rect
    aspect: AspectClass
    width: WidthClass
    root: _Node
    collapsed: dict[str, tuple[str, Diagnostic]]
    key: tuple[object, ...]
    # True when a panel collapsed because of the size (not the arrangement): a
    # later, larger size may fit it again, so such a plan cannot be reused.
    size_collapses: bool = False


def _plan(
    safe: Rect,
    role: RoleTemplate,
    mirror: bool,
    metrics: _Metrics,
    width_px: int,
    height_px: int,
    owner: str,
    rtl: bool = False,
    texts: PanelTexts | None = None,
) -> _Plan:
    """Pick the arrangement for ``safe`` and collapse panels until the minimums fit."""
    if safe.width < 1 or safe.height < 1:
        raise ProfileError(
            f"{owner} has no safe area left: insets, rounded corners and cutouts cover the "
            f"whole {width_px}x{height_px} px display (rule: safe-area); reduce the insets, "
            "corner radii or cutouts."
        )
    aspect = aspect_class(safe.width, safe.height)
    wclass = width_class(safe.width / metrics.scale)
    arrangement = next(a for a in role.arrangements if a.matches(aspect, wclass))
    placed = set(arrangement.layout.panel_ids())
    # Panel id -> (severity, rule, why); the "where" is added once the visible set is final.
    why: dict[str, tuple[Severity, str, str]] = {}
    for spec in role.panels:
        if spec.id not in placed:
            why[spec.id] = (
                "info",
                "arrangement",
                f"the {aspect}/{wclass} arrangement has no place for {spec.id}.",
            )
    visible = {p.id for p in role.panels} & placed
    for spec in role.panels:
        if spec.essential and spec.id not in placed:
            raise ProfileError(
                f"{owner}: the {aspect}/{wclass} arrangement leaves out the essential panel "
                f"'{spec.id}' (rule: arrangement); add it to that arrangement in the template."
            )
    while True:
        root = _prune(arrangement.layout, role, visible, mirror, rtl)
        assert root is not None  # an essential panel is always placed
        _minimums(root, "row", metrics, len(why), texts)
        checks: tuple[tuple[Axis, int, float], ...] = (
            ("w", root.min_w, safe.width),
            ("h", root.min_h, safe.height),
        )
        over = [(axis, need, have) for axis, need, have in checks if need > have]
        if not over:
            break
        axis, need, have = over[0]
        items = _critical(root, axis)
        word = "width" if axis == "w" else "height"
        detail = ", ".join(f"{pid} {px} px ({why})" for pid, px, why in items)
        main = max(items, key=lambda item: item[1])
        rule = _rule_name(main[2])
        candidates = [spec for spec in role.panels if spec.id in visible and not spec.essential]
        if not candidates:
            raise ProfileError(
                f"{owner} cannot be laid out: its essential panels need {need} px of {word} "
                f"({detail}) but the safe area is {int(have)} px (rule: {rule}); use a larger "
                "display, a lower density_dpi or smaller insets, or lower the panel minimums."
            )
        # Lowest priority first; among equals the one declared last goes first.
        victim = min(reversed(candidates), key=lambda spec: spec.priority)
        why[victim.id] = (
            "warning",
            rule,
            f"the panels need {need} px of {word} ({detail}) "
            f"but the safe area is {int(have)} px (rule: {rule}); {victim.id} has the lowest "
            f"priority ({victim.priority}).",
        )
        visible.discard(victim.id)
    where = _where_collapsed(role, visible)
    collapsed: dict[str, tuple[str, Diagnostic]] = {}
    for pid, (severity, rule, text) in why.items():
        reason = f"{where}: {text}"
        collapsed[pid] = (reason, Diagnostic(severity, rule, reason, pid))
    key = (
        aspect,
        wclass,
        tuple(sorted(visible)),
        len(collapsed),
        mirror,
        rtl,
        id(arrangement),
    )
    size_collapses = any(d.rule != "arrangement" for _reason, d in collapsed.values())
    return _Plan(safe, aspect, wclass, root, collapsed, key, size_collapses)


def _split(sizes: list[float], mins: list[int], total: int) -> list[int]:
    """Split ``total`` px among children in proportion to ``sizes``, never below ``mins``.

    Largest remainder: start from floor (≥ min because mins are whole and the
    solver respected them), then hand out the leftover pixels.
    """
    current = sum(sizes)
    scale = total / current if current > 0 else 0.0
    targets = [round(s * scale, 6) for s in sizes]
    out = [max(m, math.floor(t)) for m, t in zip(mins, targets, strict=True)]
    leftover = total - sum(out)
    order = sorted(range(len(out)), key=lambda i: (-(targets[i] - math.floor(targets[i])), i))
    while leftover > 0:
        for i in order:
            if leftover == 0:
                break
            out[i] += 1
            leftover -= 1
    while leftover < 0:
        slack = max(range(len(out)), key=lambda i: (out[i] - mins[i], -i))
        if out[slack] <= mins[slack]:
            break  # impossible: the fit check guarantees Σ mins ≤ total
        out[slack] -= 1
        leftover += 1
    return out


class LayoutSolver:
    """Solve one display, keeping its kiwisolver system for cheap resizes.

    Example::

        solver = LayoutSolver(profile, "center")
        layout = solver.solve()
        smaller = solver.resize(1600, 600)  # same kiwisolver.Solver, new edit values

    :param profile: the validated vehicle profile.
    :param display_id: which display of the vehicle to solve.
    :param template: a template; the profile's named bundled template when ``None``.
    :param locale: the locale to lay out for: its reading direction mirrors start
        and end, its strings are checked by the text-fit rule; the profile's
        ``locale`` when ``None``, else English.
    :param texts: the strings each panel kind shows; the shipped ``ui`` catalog's
        in ``locale`` when ``None`` (see :func:`cardeck.layout.panel_texts`).
    :raises ProfileError: when the display or template role does not exist.
    :raises cardeck.i18n.UnsupportedLocaleError: when ``locale`` is not shipped.
    """

    def __init__(
        self,
        profile: VehicleProfile,
        display_id: str,
        template: Template | None = None,
        *,
        locale: str | None = None,
        texts: PanelTexts | None = None,
    ) -> None:
        self._profile = profile
        info = locale_info(locale or profile.locale or DEFAULT_LOCALE)
        self._locale = info.tag
        self._rtl = info.rtl
        self._texts = texts if texts is not None else panel_texts(info.tag)
        self._display = profile.display(display_id)
        template = template if template is not None else get_template(profile.template)
        role = template.for_role(self._display.role)
        self._role = role.with_overrides(
            tuple(o for o in profile.template_overrides if o.role == self._display.role)
        )
        self._mirror = profile.driver_side_of(self._display) == "right"
        self._metrics = _metrics(self._display)
        self._owner = f"Display '{self._display.id}' of vehicle '{profile.id}'"
        self._solver = kiwi.Solver()
        self._key: tuple[object, ...] | None = None
        self._root: _Node | None = None
        self._edits: list[tuple[kiwi.Variable, _Node, Axis]] = []
        self._constraints = 0
        self._last_plan: _Plan | None = None
        self._grid: list[tuple[kiwi.Variable, float, bool]] = []
        self._mins: dict[str, tuple[int, int]] = {}
        self._cdd: tuple[tuple[int, int], list[Diagnostic]] | None = None
        self._width = self._display.width_px
        self._height = self._display.height_px
        self._region: tuple[tuple[int, int], Region] | None = None
        self._obstacles = obstacles(self._display)

    @property
    def locale(self) -> str:
        """The locale this solver lays out for."""
        return self._locale

    @property
    def solver(self) -> kiwi.Solver:
        """The kiwisolver system; the same object for the solver's whole life."""
        return self._solver

    @property
    def stats(self) -> SolverStats:
        """How many variables, constraints and edit variables the system has now."""
        variables = sum(2 for _ in self._root.walk()) if self._root else 0
        return SolverStats(variables, self._constraints, len(self._edits) + 2)

    def solve(self) -> DisplayLayout:
        """Solve the display at its current size.

        :raises ProfileError: when even the essential panels cannot fit.
        """
        return self.resize(self._width, self._height)

    def resize(self, width_px: int, height_px: int) -> DisplayLayout:
        """Solve again for a new pixel size, reusing the kiwisolver system.

        When the arrangement and the set of visible panels stay the same, only
        the edit variables get new values; otherwise the same Solver is reset
        and refilled.

        :param width_px: new width, > 0.
        :param height_px: new height, > 0.
        :raises ProfileError: when the size is not positive or nothing essential fits.
        """
        if width_px <= 0 or height_px <= 0:
            raise ProfileError(
                f"{self._owner} cannot be resized to {width_px}x{height_px} px; give a "
                "positive width and height."
            )
        if width_px > MAX_PX or height_px > MAX_PX:
            raise ProfileError(
                f"{self._owner} cannot be resized to {width_px}x{height_px} px, past the "
                f"limit of {MAX_PX:,} px a side; give a width and height up to {MAX_PX:,} px."
            )
        self._width, self._height = width_px, height_px
        try:
            return self._solve_at(width_px, height_px)
        except _SOLVER_FAULTS as exc:
            # The limits in _limits.py keep every number small enough that this
            # cannot happen (the fuzz tests check it); if it does, the caller still
            # gets a ProfileError, and the next call rebuilds the system from scratch.
            self._key, self._root, self._last_plan = None, None, None
            raise ProfileError(
                f"{self._owner} could not be solved at {width_px}x{height_px} px "
                f"({type(exc).__name__}: {exc}); this is a CarDeck bug, please report it "
                "with the profile."
            ) from exc

    def _solve_at(self, width_px: int, height_px: int) -> DisplayLayout:
        region = self._usable(width_px, height_px)
        if region.area == 0:
            raise ProfileError(
                f"{self._owner} has no safe area left: insets, rounded corners and cutouts "
                f"cover the whole {width_px}x{height_px} px display (rule: safe-area); reduce "
                "the insets, corner radii or cutouts."
            )
        excluded: tuple[tuple[Obstacle, str], ...] = ()
        remaining = list(self._obstacles)
        # Each round clears at least one more obstacle, so this ends.
        for _ in range(len(remaining) + 1):
            safe = _arrangement_area(
                self._display, width_px, height_px, tuple(o for o, _why in excluded)
            )
            plan = self._reuse_plan(safe) or _plan(
                safe,
                self._role,
                self._mirror,
                self._metrics,
                width_px,
                height_px,
                self._owner,
                self._rtl,
                self._texts,
            )
            self._last_plan = plan
            if plan.key != self._key or self._root is None:
                self._build(plan.root)
                self._key = plan.key
            else:
                # Same structure: the mins of the new plan equal the old ones, so the
                # existing constraints stay valid and only the targets move.
                plan.root = self._root
            self._suggest(plan)
            self._solver.updateVariables()
            tree = self._tree_rects(plan)
            content, blocked = self._content(tree, region, width_px, height_px, remaining)
            if not blocked:
                return self._extract(plan, tree, content, region, excluded)
            # Every blocked panel's obstacle is cleared in the same round.
            for panel_id, obstacle in blocked:
                if obstacle in remaining:
                    remaining.remove(obstacle)
                    excluded += ((obstacle, panel_id),)
        # Unreachable: with every obstacle cleared, each content rect is its tile.
        raise ProfileError(
            f"{self._owner}: internal check failed (a panel stays blocked with every corner "
            "and cutout cleared); this is a CarDeck bug, please report it with the profile."
        )

    def _usable(self, width_px: int, height_px: int) -> Region:
        """The usable region at this size, cached: a window drag repeats sizes."""
        if self._region is None or self._region[0] != (width_px, height_px):
            self._region = (
                (width_px, height_px),
                usable_region(self._display, width_px, height_px),
            )
        return self._region[1]

    def _content(
        self,
        tree: dict[str, Rect],
        region: Region,
        width_px: int,
        height_px: int,
        remaining: list[Obstacle],
    ) -> tuple[dict[str, Rect], list[tuple[str, Obstacle]]]:
        """Each panel's content rectangle: the largest usable one in its tile.

        A panel whose tile holds a rounded corner or a cutout keeps its content
        beside it when the rest still meets the panel's minimums; otherwise the
        obstacle that blocks it is returned, to be cleared from the arrangement.
        """
        content: dict[str, Rect] = {}
        blocked: list[tuple[str, Obstacle]] = []
        for pid, rect in tree.items():
            hits = [o for o in remaining if _hits(self._display, o, width_px, height_px, rect)]
            if not hits:
                content[pid] = rect
                continue
            min_w, min_h = self._mins[pid]
            best = region.clip(rect).largest_rect(min_w, min_h)
            if best is None:
                blocked.append((pid, max(hits, key=lambda o: self._taken(o, rect))))
            else:
                content[pid] = best
        return content, blocked

    def _taken(self, obstacle: Obstacle, rect: Rect) -> float:
        """Roughly how many px of ``rect`` an obstacle takes (which to clear first)."""
        if isinstance(obstacle, Corner):
            # The area between a corner's square and its arc.
            return obstacle.radius**2 * (1.0 - math.pi / 4.0)
        c = self._display.cutouts[obstacle]
        w = min(rect.right, c.x + c.width) - max(rect.x, c.x)
        h = min(rect.bottom, c.y + c.height) - max(rect.y, c.y)
        return max(0, w) * max(0, h)

    def _reuse_plan(self, safe: Rect) -> _Plan | None:
        """The previous plan with a new safe area, when planning again would not change it.

        That holds when the aspect and width classes stay, nothing was collapsed for
        lack of room, and the required minimums still fit; this skips rebuilding
        the tree on every step of a window drag.
        """
        last = self._last_plan
        if last is None or last.size_collapses:
            return None
        if safe.width < last.root.min_w or safe.height < last.root.min_h:
            return None
        if aspect_class(safe.width, safe.height) != last.aspect:
            return None
        if width_class(safe.width / self._metrics.scale) != last.width:
            return None
        return replace(last, safe=safe)

    # -- kiwisolver system -------------------------------------------------

    def _build(self, root: _Node) -> None:
        solver = self._solver
        solver.reset()
        self._root = root
        self._edits = []
        self._grid = []
        count = 0
        solver.addEditVariable(root.w, _EDIT)
        solver.addEditVariable(root.h, _EDIT)
        # Each node's share of the root is fixed for a structure, so grid targets
        # on resize are one multiplication per edit variable.
        fractions: dict[int, tuple[float, float]] = {id(root): (1.0, 1.0)}
        for tie, node in enumerate(root.walk()):
            for constraint in (node.w >= node.min_w, node.h >= node.min_h):
                solver.addConstraint(constraint)
                count += 1
            if node.want_w > node.min_w:
                solver.addConstraint((node.w >= node.want_w) | _WORD)
                count += 1
            if not node.children:
                continue
            along: Axis = "w" if node.kind == "row" else "h"
            total_share = sum(c.share for c in node.children)
            total = node.w if along == "w" else node.h
            parts = kiwi.Expression(
                [kiwi.Term(c.w if along == "w" else c.h) for c in node.children]
            )
            solver.addConstraint(parts == total)
            count += 1
            fw, fh = fractions[id(node)]
            for index, child in enumerate(node.children):
                part = child.share / total_share
                fractions[id(child)] = (fw * part, fh) if along == "w" else (fw, fh * part)
                main = child.w if along == "w" else child.h
                cross = child.h if along == "w" else child.w
                solver.addConstraint(cross == (node.h if along == "w" else node.w))
                # Strong share, weighted by priority: the lowest-priority panel
                # gives up space first, and distinct weights make the optimum
                # unique, so a warm re-solve equals a cold one.
                weight = kiwi.strength.create(
                    1, max(0, min(999, child.priority)), min(999, (tie * 7 + index) % 997 + 1)
                )
                solver.addConstraint((main == total * (child.share / total_share)) | weight)
                if child.spec is not None:
                    # Only along the split: across it the panel must fill its parent,
                    # so a cross-axis maximum could only distort its neighbours.
                    spec = child.spec
                    limit = spec.max_width_dp if along == "w" else spec.max_height_dp
                    if limit is not None:
                        solver.addConstraint((main <= limit * self._metrics.scale) | _MAX)
                        count += 1
                solver.addEditVariable(main, _GRID)
                self._edits.append((main, child, along))
                self._grid.append(
                    (main, fractions[id(child)][0 if along == "w" else 1], along == "w")
                )
                count += 2
        self._constraints = count
        self._mins = {n.spec.id: (n.min_w, n.min_h) for n in root.walk() if n.spec is not None}

    def _suggest(self, plan: _Plan) -> None:
        root = plan.root
        solver = self._solver
        solver.suggestValue(root.w, plan.safe.width)
        solver.suggestValue(root.h, plan.safe.height)
        grid = self._metrics.grid_px
        width, height = plan.safe.width, plan.safe.height
        for var, fraction, horizontal in self._grid:
            value = fraction * (width if horizontal else height)
            solver.suggestValue(var, max(grid, round(value / grid) * grid))

    # -- results -------------------------------------------------------------

    def _tree_rects(self, plan: _Plan) -> dict[str, Rect]:
        """Integer tiles of the arrangement area, one per visible panel."""
        rects: dict[str, Rect] = {}
        safe = plan.safe
        stack: list[tuple[_Node, int, int, int, int]] = [
            (plan.root, int(safe.x), int(safe.y), int(safe.width), int(safe.height))
        ]
        while stack:
            node, x, y, w, h = stack.pop()
            if node.spec is not None:
                rects[node.spec.id] = Rect(x, y, w, h)
                continue
            if node.kind == "row":
                sizes = _split(
                    [c.w.value() for c in node.children], [c.min_w for c in node.children], w
                )
                for child, size in zip(node.children, sizes, strict=True):
                    stack.append((child, x, y, size, h))
                    x += size
            else:
                sizes = _split(
                    [c.h.value() for c in node.children], [c.min_h for c in node.children], h
                )
                for child, size in zip(node.children, sizes, strict=True):
                    stack.append((child, x, y, w, size))
                    y += size
        return rects

    def _extract(
        self,
        plan: _Plan,
        tree: dict[str, Rect],
        rects: dict[str, Rect],
        region: Region,
        excluded: tuple[tuple[Obstacle, str], ...],
    ) -> DisplayLayout:
        safe = plan.safe
        width, height = self._width, self._height
        regions = {pid: region.clip(_extend(t, safe, width, height)) for pid, t in tree.items()}
        self._verify(rects, self._mins, safe)
        s = self._metrics.scale
        shown: dict[str, PanelLayout] = {}
        for spec in self._role.panels:
            if spec.id in rects:
                r = rects[spec.id]
                dp = Rect(
                    round(r.x / s, 2),
                    round(r.y / s, 2),
                    round(r.width / s, 2),
                    round(r.height / s, 2),
                )
                shown[spec.id] = PanelLayout(
                    spec.id, spec.kind, True, r, dp, region_px=regions[spec.id].rects
                )
        stage = _largest_content(shown.values())
        stage_name = stage.panel_id if stage is not None else "nothing"
        panels: list[PanelLayout] = []
        diagnostics: list[Diagnostic] = []
        empty = Rect(0, 0, 0, 0)
        for spec in self._role.panels:
            if spec.id in shown:
                panels.append(shown[spec.id])
            else:
                reason, diagnostic = plan.collapsed[spec.id]
                if _STAGE in reason:
                    reason = reason.replace(_STAGE, stage_name)
                    diagnostic = replace(diagnostic, message=reason)
                panels.append(PanelLayout(spec.id, spec.kind, False, empty, empty, reason))
                diagnostics.append(diagnostic)
        usable = region.area
        covered = sum(r.area for r in regions.values())
        content = sum(int(r.width) * int(r.height) for r in rects.values())
        coverage = covered / usable
        content_coverage = content / usable
        diagnostics.extend(
            _shape_diagnostics(
                self._display, excluded, rects, regions, usable, coverage, content_coverage
            )
        )
        # Cached per size: a window drag repeats the same few sizes.
        if self._cdd is None or self._cdd[0] != (width, height):
            cdd = _cdd_diagnostics(self._display, width, height, s)
            self._cdd = ((width, height), cdd)
        diagnostics.extend(self._cdd[1])
        diagnostics.extend(self._text_fit(rects, len(plan.collapsed)))
        display = self._display
        return DisplayLayout(
            display_id=display.id,
            width_px=width,
            height_px=height,
            density_dpi=display.logical_density,
            aspect_class=plan.aspect,
            width_class=plan.width,
            safe_area=safe,
            panels=tuple(panels),
            min_text_px=self._metrics.min_text_px,
            min_touch_px=self._metrics.min_touch_px,
            diagnostics=tuple(diagnostics),
            role=display.role,
            usable_px=region.rects,
            usable_area_px=usable,
            coverage=round(coverage, 6),
            content_coverage=round(content_coverage, 6),
            locale=self._locale,
            direction="rtl" if self._rtl else "ltr",
        )

    def _text_fit(self, rects: dict[str, Rect], tabs: int) -> list[Diagnostic]:
        """A ``text-fit`` warning for each visible panel whose widest word does not fit."""
        out: list[Diagnostic] = []
        text = self._metrics.min_text_px
        for spec in self._role.panels:
            rect = rects.get(spec.id)
            if rect is None:
                continue
            longest = self._texts.longest(spec.kind)
            if longest is None:
                continue
            need = longest.px(text)
            have = _label_width(spec, rect, self._metrics, tabs)
            if need > have:
                out.append(_text_fit_diagnostic(spec.id, longest, need, have, text))
        return out

    def _verify(self, rects: dict[str, Rect], mins: dict[str, tuple[int, int]], safe: Rect) -> None:
        """Re-check the required rules on the integer result; a failure is an engine bug."""
        problems: list[str] = []
        # Exact per pixel and independent of the region's slabs: the insets, then
        # every corner's staircase and every cutout.
        d = self._display
        inner = Rect(
            d.insets.left,
            d.insets.top,
            self._width - d.insets.left - d.insets.right,
            self._height - d.insets.top - d.insets.bottom,
        )
        for pid, rect in rects.items():
            if not inner.contains(rect) or any(
                _hits(d, o, self._width, self._height, rect) for o in self._obstacles
            ):
                problems.append(f"{pid} {rect} covers pixels outside the usable region")
        sx0, sy0, sx1, sy1 = safe.x, safe.y, safe.x + safe.width, safe.y + safe.height
        boxes = [(pid, r.x, r.y, r.x + r.width, r.y + r.height) for pid, r in rects.items()]
        for index, (pid, x0, y0, x1, y1) in enumerate(boxes):
            if x0 < sx0 or y0 < sy0 or x1 > sx1 or y1 > sy1:
                problems.append(f"{pid} {rects[pid]} leaves the safe area {safe}")
            if x1 - x0 < mins[pid][0] or y1 - y0 < mins[pid][1]:
                problems.append(f"{pid} {rects[pid]} is below its minimum {mins[pid]}")
            for other_id, ox0, oy0, ox1, oy1 in boxes[index + 1 :]:
                if x0 < ox1 and ox0 < x1 and y0 < oy1 and oy0 < y1:
                    problems.append(f"{pid} overlaps {other_id}")
        if problems:
            raise ProfileError(
                f"{self._owner}: internal check failed after rounding ({'; '.join(problems)}); "
                "this is a CarDeck bug, please report it with the profile."
            )


def _text_fit_diagnostic(
    panel_id: str, longest: LongestWord, need: int, have: int, text_px: int
) -> Diagnostic:
    return Diagnostic(
        "warning",
        "text-fit",
        f"In {longest.locale}, {panel_id} shows the word {longest.word!r} (in "
        f"{longest.message!r}), which needs {need} px at the {text_px} px minimum text size "
        f"but has {max(0, have)} px, so it is cut with an ellipsis; give the panel more "
        "width in the template (min_width_dp, max_width_dp) or shorten the translation.",
        panel_id,
    )


def _shape_diagnostics(
    display: Display,
    excluded: tuple[tuple[Obstacle, str], ...],
    rects: dict[str, Rect],
    regions: dict[str, Region],
    usable: int,
    coverage: float,
    content_coverage: float,
) -> list[Diagnostic]:
    """Say which corners and cutouts shaped the layout, and what the shape cost."""
    out = [
        Diagnostic(
            "info",
            "safe-area",
            f"{describe_obstacle(display, obstacle).capitalize()} leaves too little of "
            f"{pid}'s tile for its minimums, so the arrangement keeps clear of it; the panels "
            "beside it draw their background out to the edge of the glass.",
            pid,
        )
        for obstacle, pid in excluded
    ]
    if content_coverage < 0.95:
        # Panels whose content is smaller than their area: background-only strips.
        strips = sorted(
            (
                (regions[pid].area - int(r.width) * int(r.height), pid)
                for pid, r in rects.items()
                if regions[pid].area > int(r.width) * int(r.height)
            ),
            reverse=True,
        )
        where = ", ".join(f"{pid} {px:,} px" for px, pid in strips[:4] if px > 0)
        out.append(
            Diagnostic(
                "info",
                "coverage",
                f"Panels cover {coverage:.1%} of the {usable:,} px usable region and their "
                f"controls and text {content_coverage:.1%}: beside rounded corners and cutouts "
                f"only a panel's background is drawn ({where}).",
            )
        )
    if coverage < 0.95:
        out.append(
            Diagnostic(
                "warning",
                "coverage",
                f"Panels cover only {coverage:.1%} of the {usable:,} px usable region; "
                "this is a CarDeck bug, please report it with the profile.",
            )
        )
    return out


def _cdd_diagnostics(display: Display, width: int, height: int, scale: float) -> list[Diagnostic]:
    """Android Automotive CDD minimums; errors for main screens, warnings for the others."""
    out: list[Diagnostic] = []
    # Only main screens must meet the CDD; cluster, HUD, console and pilot panel are auxiliary.
    auxiliary = ("cluster", "hud", "console", "pilot")
    severity: Severity = "warning" if display.role in auxiliary else "error"
    long_dp = max(width, height) / scale
    short_dp = min(width, height) / scale
    diagonal = math.hypot(width, height) / display.physical_ppi
    if long_dp < CDD_MIN_DP[0] or short_dp < CDD_MIN_DP[1]:
        out.append(
            Diagnostic(
                severity,
                "cdd-minimum",
                f"The display is {long_dp:.0f}x{short_dp:.0f} dp, below the Automotive CDD "
                f"minimum of {CDD_MIN_DP[0]:g}x{CDD_MIN_DP[1]:g} dp; use a lower density_dpi "
                "or a larger display if it must pass Android certification.",
            )
        )
    if diagonal < CDD_MIN_DIAGONAL_IN:
        out.append(
            Diagnostic(
                severity,
                "cdd-minimum",
                f"The diagonal is {diagonal:.1f} in, below the Automotive CDD minimum "
                f"of {CDD_MIN_DIAGONAL_IN:g} in; this matters only for Android certification.",
            )
        )
    return out


def solve_display(
    profile: VehicleProfile,
    display_id: str,
    template: Template | None = None,
    *,
    locale: str | None = None,
    texts: PanelTexts | None = None,
) -> DisplayLayout:
    """Lay out one display of a vehicle.

    :param profile: the validated profile.
    :param display_id: the display to solve.
    :param template: a template, or ``None`` for the profile's bundled one.
    :param locale: the locale (direction and text fit); the profile's, else English.
    :param texts: the strings each panel kind shows; the shipped catalog's when ``None``.
    :raises ProfileError: when the display does not exist or cannot be laid out.
    :raises cardeck.i18n.UnsupportedLocaleError: when ``locale`` is not shipped.
    """
    return LayoutSolver(profile, display_id, template, locale=locale, texts=texts).solve()


def solve_profile(
    profile: VehicleProfile,
    template: Template | None = None,
    *,
    locale: str | None = None,
    texts: PanelTexts | None = None,
) -> dict[str, DisplayLayout]:
    """Lay out every display of a vehicle, keyed by display id.

    :param profile: the validated profile.
    :param template: a template, or ``None`` for the profile's bundled one.
    :param locale: the locale (direction and text fit); the profile's, else English.
    :param texts: the strings each panel kind shows; the shipped catalog's when ``None``.
    :raises ProfileError: when a display cannot be laid out.
    :raises cardeck.i18n.UnsupportedLocaleError: when ``locale`` is not shipped.
    """
    template = template if template is not None else get_template(profile.template)
    return {
        d.id: solve_display(profile, d.id, template, locale=locale, texts=texts)
        for d in profile.displays
    }
