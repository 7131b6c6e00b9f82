"""The solved layout as a versioned document for the car's own UI (issue 16, item 7).

:class:`LayoutExport` is the one model every export format comes from: the JSON
file is this model dumped, the Android overlay (``_export_android``) and the
stylesheet (``_export_css``) read it. ``docs/guides/export.md`` documents every
field; a reader checks ``schema_version`` first.

The safe area is a *shape*: a list of rectangles whose union is the usable
region, its outline as a polygon, and the radii of the outline's rounded
corners. Today the engine gives one rectangle, so ``rects_px`` has one entry,
the outline is its four corners and the radii are 0; a shaped safe area fills
the same fields without a new schema version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from cardeck._exceptions import ProfileError

from ._engine import DisplayLayout, Rect, solve_profile
from ._profile import VehicleProfile

__all__ = [
    "LAYOUT_SCHEMA_VERSION",
    "ExportCornerRadii",
    "ExportDiagnostic",
    "ExportDisplay",
    "ExportInsets",
    "ExportPanel",
    "ExportPoint",
    "ExportRect",
    "ExportSafeArea",
    "ExportScreenShape",
    "ExportSize",
    "ExportVehicle",
    "LayoutExport",
    "build_layout_export",
    "export_to_json",
    "parse_layout_export",
]

# Bumped when a field changes meaning or goes away; new optional fields keep it.
LAYOUT_SCHEMA_VERSION: Literal[1] = 1


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def _by_id(items: Iterable[_Item], wanted: str) -> _Item:
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(wanted)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExportRect(_Frozen):
    """An axis-aligned rectangle from the display's top-left corner."""

    x: float = Field(description="left edge")
    y: float = Field(description="top edge")
    width: float = Field(ge=0, description="width, ≥ 0")
    height: float = Field(ge=0, description="height, ≥ 0")

    @classmethod
    def of(cls, rect: Rect, scale: float = 1.0) -> ExportRect:
        """The engine's rect divided by ``scale`` (1 keeps px)."""
        return cls(
            x=round(rect.x / scale, 2),
            y=round(rect.y / scale, 2),
            width=round(rect.width / scale, 2),
            height=round(rect.height / scale, 2),
        )


class ExportSize(_Frozen):
    """A width and a height."""

    width: float = Field(ge=0)
    height: float = Field(ge=0)


class ExportPoint(_Frozen):
    """A point of an outline."""

    x: float
    y: float


class ExportCornerRadii(_Frozen):
    """The radius of each corner, 0 for a square corner."""

    top_left: float = Field(default=0, ge=0)
    top_right: float = Field(default=0, ge=0)
    bottom_right: float = Field(default=0, ge=0)
    bottom_left: float = Field(default=0, ge=0)

    @property
    def rounded(self) -> bool:
        """Whether any corner is rounded."""
        return any((self.top_left, self.top_right, self.bottom_right, self.bottom_left))


class ExportSafeArea(_Frozen):
    """Where panels may go: the display minus insets, rounded corners and cutouts, in px."""

    bounds_px: ExportRect = Field(description="the bounding box of the usable region")
    rects_px: tuple[ExportRect, ...] = Field(
        min_length=1,
        description="disjoint rectangles whose union is the usable region (arcs as an inner "
        "staircase)",
    )
    outline_px: tuple[ExportPoint, ...] = Field(
        min_length=3,
        description="the outer outline inside the insets, clockwise from the top-left; rounded "
        "by corner_radii_px and minus screen.cutouts_px it is the usable region",
    )
    corner_radii_px: ExportCornerRadii = Field(
        default=ExportCornerRadii(),
        description="radii of the outline's rounded corners",
    )


class ExportInsets(_Frozen):
    """How far each edge is covered (bezel, system bar), 0 when not."""

    top: float = Field(default=0, ge=0)
    right: float = Field(default=0, ge=0)
    bottom: float = Field(default=0, ge=0)
    left: float = Field(default=0, ge=0)


class ExportScreenShape(_Frozen):
    """The physical screen's shape as the profile gives it, in px."""

    insets_px: ExportInsets = ExportInsets()
    corner_radii_px: ExportCornerRadii = ExportCornerRadii()
    cutouts_px: tuple[ExportRect, ...] = ()


class ExportPanel(_Frozen):
    """One panel: where it goes, or why it is collapsed."""

    id: str = Field(description="the template's panel id, e.g. 'map'")
    kind: str = Field(description="what the panel shows, e.g. 'map', 'dock'")
    visible: bool = Field(description="false when the panel collapsed (it then has no rect)")
    rect_px: ExportRect | None = Field(description="physical pixels; null when collapsed")
    rect_dp: ExportRect | None = Field(description="density-independent px; null when collapsed")
    collapsed_reason: str = Field(default="", description="where the panel went and why")
    region_px: tuple[ExportRect, ...] = Field(
        default=(),
        description="the panel's whole area as disjoint rectangles: rect_px plus the strips "
        "beside rounded corners and cutouts where it draws only its background; empty when "
        "collapsed",
    )


class ExportDiagnostic(_Frozen):
    """Something the engine wants the integrator to know about the display."""

    severity: Literal["info", "warning", "error"]
    rule: str
    panel_id: str = ""
    message: str


class ExportDisplay(_Frozen):
    """One display's solved layout."""

    id: str
    role: str = Field(description="center, cluster, passenger, hud, rear, …")
    size_px: ExportSize
    size_dp: ExportSize
    density_dpi: int = Field(gt=0, description="Android logical density; 160 means 1 dp = 1 px")
    device_pixel_ratio: float = Field(
        gt=0, description="density_dpi / 160: physical px per dp and per CSS px"
    )
    aspect_class: str
    width_class: str
    min_text_px: int
    min_touch_px: int
    screen: ExportScreenShape
    safe_area: ExportSafeArea
    panels: tuple[ExportPanel, ...]
    diagnostics: tuple[ExportDiagnostic, ...] = ()

    def panel(self, panel_id: str) -> ExportPanel:
        """The panel with ``panel_id``.

        :raises KeyError: when there is no such panel.
        """
        return _by_id(self.panels, panel_id)


class ExportVehicle(_Frozen):
    """The vehicle the layout is for."""

    id: str
    name: str
    driver_side: Literal["left", "right"]


class LayoutExport(_Frozen):
    """The solved layout of a vehicle, as ``cardeck layout export --format json`` writes it.

    Example::

        from cardeck.layout import build_layout_export, bundled_profiles

        export = build_layout_export(bundled_profiles()["polestar-2"])
        print(export.display("center").panel("map").rect_dp)
    """

    schema_version: Literal[1] = Field(
        default=LAYOUT_SCHEMA_VERSION, description="the schema's version; check it first"
    )
    vehicle: ExportVehicle
    displays: tuple[ExportDisplay, ...] = Field(min_length=1)

    def display(self, display_id: str) -> ExportDisplay:
        """The display with ``display_id``.

        :raises KeyError: when there is no such display.
        """
        return _by_id(self.displays, display_id)


def _rectangle_outline(rect: Rect) -> tuple[ExportPoint, ...]:
    corners = ((rect.x, rect.y), (rect.right, rect.y), (rect.right, rect.bottom))
    return tuple(ExportPoint(x=x, y=y) for x, y in (*corners, (rect.x, rect.bottom)))


def _bounds(rects: tuple[Rect, ...]) -> Rect:
    x0, y0 = min(r.x for r in rects), min(r.y for r in rects)
    x1, y1 = max(r.right for r in rects), max(r.bottom for r in rects)
    return Rect(x0, y0, x1 - x0, y1 - y0)


def _display_export(profile: VehicleProfile, layout: DisplayLayout) -> ExportDisplay:
    scale = layout.density_dpi / 160.0
    source = profile.display(layout.display_id)
    radii = source.corner_radii
    insets = source.insets
    inner = Rect(
        insets.left,
        insets.top,
        layout.width_px - insets.left - insets.right,
        layout.height_px - insets.top - insets.bottom,
    )
    return ExportDisplay(
        id=layout.display_id,
        role=layout.role,
        size_px=ExportSize(width=layout.width_px, height=layout.height_px),
        size_dp=ExportSize(
            width=round(layout.width_px / scale, 2), height=round(layout.height_px / scale, 2)
        ),
        density_dpi=layout.density_dpi,
        device_pixel_ratio=scale,
        aspect_class=layout.aspect_class,
        width_class=layout.width_class,
        min_text_px=layout.min_text_px,
        min_touch_px=layout.min_touch_px,
        screen=ExportScreenShape(
            insets_px=ExportInsets.model_validate(insets.model_dump()),
            corner_radii_px=ExportCornerRadii.model_validate(radii.model_dump()),
            cutouts_px=tuple(
                ExportRect(x=c.x, y=c.y, width=c.width, height=c.height) for c in source.cutouts
            ),
        ),
        safe_area=ExportSafeArea(
            bounds_px=ExportRect.of(_bounds(layout.usable_px)),
            rects_px=tuple(ExportRect.of(r) for r in layout.usable_px),
            outline_px=_rectangle_outline(inner),
            corner_radii_px=ExportCornerRadii.model_validate(radii.model_dump()),
        ),
        panels=tuple(
            ExportPanel(
                id=p.panel_id,
                kind=p.kind,
                visible=p.visible,
                rect_px=ExportRect.of(p.rect_px) if p.visible else None,
                rect_dp=ExportRect.of(p.rect_dp) if p.visible else None,
                collapsed_reason=p.collapsed_reason,
                region_px=tuple(ExportRect.of(r) for r in p.region_px),
            )
            for p in layout.panels
        ),
        diagnostics=tuple(
            ExportDiagnostic(
                severity=d.severity, rule=d.rule, panel_id=d.panel_id, message=d.message
            )
            for d in layout.diagnostics
        ),
    )


def build_layout_export(
    profile: VehicleProfile,
    layouts: Mapping[str, DisplayLayout] | None = None,
    display_id: str | None = None,
) -> LayoutExport:
    """Turn a profile's solved layouts into the export document.

    :param profile: the validated profile.
    :param layouts: its solved layouts keyed by display id; solved here when ``None``.
    :param display_id: export only this display.
    :raises ProfileError: when ``display_id`` is not a display of the profile, or a
        display cannot be laid out.
    """
    ids = [d.id for d in profile.displays]
    if display_id is not None and display_id not in ids:
        raise ProfileError(
            f"Vehicle '{profile.id}' has no display '{display_id}'; its displays are "
            f"{', '.join(ids)}. Give one of them to --display, or leave it out to export all."
        )
    if layouts is None:
        layouts = solve_profile(profile)
    wanted = ids if display_id is None else [display_id]
    return LayoutExport(
        vehicle=ExportVehicle(id=profile.id, name=profile.name, driver_side=profile.driver_side),
        displays=tuple(_display_export(profile, layouts[i]) for i in wanted),
    )


def export_to_json(export: LayoutExport) -> str:
    """The export as the JSON text ``--format json`` writes (2-space indent, UTF-8)."""
    return export.model_dump_json(indent=2) + "\n"


def parse_layout_export(text: str | bytes) -> LayoutExport:
    """Read an exported JSON document back.

    :raises pydantic.ValidationError: when it does not match the schema.
    """
    return LayoutExport.model_validate_json(text)
