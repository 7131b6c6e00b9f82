"""Models of the layout service (``client.layout``): panels, profiles and solved layouts.

The SDK returns the layout engine's own result types (cardeck.layout), so a
layout computed by a head unit and one solved locally compare equal. The
engine is imported where a conversion needs it, which keeps ``import cardeck``
from loading pydantic and the YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._exceptions import ProfileProblem
from ..v1 import layout_service_pb2 as layout_pb
from ..v1 import types_pb2
from ._common import ProtoEnum
from ._headunit import Display, DisplayRole

if TYPE_CHECKING:
    from ..layout import DisplayLayout as EngineDisplayLayout
    from ..layout import Rect as LayoutRect


class PanelKind(ProtoEnum):
    """A panel of the head-unit UI."""

    UNSPECIFIED = "unspecified"
    STATUS_BAR = "status_bar"
    MAP = "map"
    VOICE = "voice"
    BROWSER = "browser"
    DOCK = "dock"
    GUIDANCE_CARD = "guidance_card"
    SPEED = "speed"
    NEXT_MANEUVER = "next_maneuver"
    CLIMATE = "climate"


_SEVERITY_TO_PROTO: dict[str, layout_pb.DiagnosticSeverity.ValueType] = {
    "info": layout_pb.DIAGNOSTIC_SEVERITY_INFO,
    "warning": layout_pb.DIAGNOSTIC_SEVERITY_WARNING,
    "error": layout_pb.DIAGNOSTIC_SEVERITY_ERROR,
}
_SEVERITY_FROM_PROTO = {v: k for k, v in _SEVERITY_TO_PROTO.items()}


def _rect_to_proto(rect: LayoutRect) -> types_pb2.Rect:
    return types_pb2.Rect(x=rect.x, y=rect.y, width=rect.width, height=rect.height)


def _rect_from_proto(msg: types_pb2.Rect, whole: bool) -> LayoutRect:
    from ..layout import Rect

    if whole:  # px rects hold whole numbers
        return Rect(int(msg.x), int(msg.y), int(msg.width), int(msg.height))
    return Rect(msg.x, msg.y, msg.width, msg.height)


def display_layout_to_proto(
    layout: EngineDisplayLayout, display: types_pb2.Display
) -> layout_pb.DisplayLayout:
    """Convert an engine layout to ``cardeck.v1.DisplayLayout``."""
    return layout_pb.DisplayLayout(
        display=display,
        aspect_class=layout.aspect_class,
        width_class=layout.width_class,
        safe_area_px=_rect_to_proto(layout.safe_area),
        panels=[
            layout_pb.PanelLayout(
                panel_id=p.panel_id,
                kind=PanelKind[p.kind.upper()].to_proto(types_pb2.PanelKind),
                visible=p.visible,
                rect_px=_rect_to_proto(p.rect_px),
                rect_dp=_rect_to_proto(p.rect_dp),
                collapsed_reason=p.collapsed_reason,
                region_px=[_rect_to_proto(r) for r in p.region_px],
            )
            for p in layout.panels
        ],
        usable_px=[_rect_to_proto(r) for r in layout.usable_px],
        usable_area_px=layout.usable_area_px,
        coverage_fraction=layout.coverage,
        content_coverage_fraction=layout.content_coverage,
        min_text_px=layout.min_text_px,
        min_touch_px=layout.min_touch_px,
        diagnostics=[
            layout_pb.Diagnostic(
                severity=_SEVERITY_TO_PROTO[d.severity],
                rule=d.rule,
                message=d.message,
                display_id=layout.display_id,
                panel_id=d.panel_id,
            )
            for d in layout.diagnostics
        ],
    )


def display_layout_from_proto(msg: layout_pb.DisplayLayout) -> EngineDisplayLayout:
    """Convert ``cardeck.v1.DisplayLayout`` to the engine's ``DisplayLayout``."""
    from ..layout import Diagnostic as EngineDiagnostic
    from ..layout import DisplayLayout, PanelLayout

    return DisplayLayout(
        display_id=msg.display.display_id,
        width_px=msg.display.width_px,
        height_px=msg.display.height_px,
        density_dpi=msg.display.density_dpi,
        # The wire carries the engine's class names as plain strings.
        aspect_class=msg.aspect_class,  # type: ignore[arg-type]  # one of AspectClass's names
        width_class=msg.width_class,  # type: ignore[arg-type]  # one of WidthClass's names
        safe_area=_rect_from_proto(msg.safe_area_px, whole=True),
        panels=tuple(
            PanelLayout(
                panel_id=p.panel_id,
                kind=PanelKind.from_proto(p.kind, types_pb2.PanelKind).value,
                visible=p.visible,
                rect_px=_rect_from_proto(p.rect_px, whole=True),
                rect_dp=_rect_from_proto(p.rect_dp, whole=False),
                collapsed_reason=p.collapsed_reason,
                region_px=tuple(_rect_from_proto(r, whole=True) for r in p.region_px),
            )
            for p in msg.panels
        ),
        min_text_px=int(msg.min_text_px),
        min_touch_px=int(msg.min_touch_px),
        diagnostics=tuple(
            EngineDiagnostic(
                severity=_SEVERITY_FROM_PROTO.get(d.severity, "info"),  # type: ignore[arg-type]  # a key of _SEVERITY_TO_PROTO, which the engine's Severity names
                rule=d.rule,
                message=d.message,
                panel_id=d.panel_id,
            )
            for d in msg.diagnostics
        ),
        role=DisplayRole.from_proto(msg.display.role, types_pb2.DisplayRole).value,
        usable_px=tuple(_rect_from_proto(r, whole=True) for r in msg.usable_px),
        usable_area_px=msg.usable_area_px,
        coverage=msg.coverage_fraction,
        content_coverage=msg.content_coverage_fraction,
    )


@dataclass(frozen=True)
class ProfileSummary:
    """A vehicle profile a head unit knows (``Client.list_profiles()``).

    ``yaml`` holds the profile's source text from ``get_profile`` and is empty
    in lists.
    """

    profile_id: str
    name: str
    displays: tuple[Display, ...]
    source: str
    package_name: str = ""
    yaml: str = ""

    @classmethod
    def from_proto(cls, msg: layout_pb.ProfileSummary, yaml: str = "") -> ProfileSummary:
        source = layout_pb.ProfileSource.Name(msg.source).removeprefix("PROFILE_SOURCE_")
        return cls(
            msg.profile_id,
            msg.name,
            tuple(Display.from_proto(d) for d in msg.displays),
            source.lower(),
            msg.package_name,
            yaml,
        )


@dataclass(frozen=True)
class ProfileValidation:
    """The result of a dry run of a profile (``Client.validate_profile()``).

    :param valid: whether the profile parsed and every display can be laid out.
    :param problems: every mistake, with file, line, column and field.
    :param layouts: the solved layout of each display, when it parsed.
    """

    valid: bool
    problems: tuple[ProfileProblem, ...]
    layouts: dict[str, EngineDisplayLayout]

    @classmethod
    def from_proto(cls, msg: layout_pb.ValidateProfileResponse, filename: str) -> ProfileValidation:
        problems = tuple(
            ProfileProblem(filename, d.line, d.column, d.field, d.message)
            for d in msg.diagnostics
            if d.severity == layout_pb.DIAGNOSTIC_SEVERITY_ERROR
        )
        layouts = {
            layout.display.display_id: display_layout_from_proto(layout) for layout in msg.layouts
        }
        return cls(msg.valid, problems, layouts)
