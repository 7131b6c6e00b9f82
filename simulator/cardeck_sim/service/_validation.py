"""ValidateProfile's work as a plain function: parse, solve, collect every diagnostic.

It runs in the profile worker process (service._profile_worker), never on the event loop.
"""

from __future__ import annotations

from cardeck import ProfileError
from cardeck._models import display_layout_to_proto
from cardeck.layout import parse_profile, solve_display
from cardeck.v1 import layout_service_pb2 as pb

from ._catalog import display_to_proto

__all__ = ["validate_profile_text"]


def _error(
    rule: str,
    message: str,
    *,
    field: str = "",
    line: int = 0,
    column: int = 0,
    display_id: str = "",
) -> pb.Diagnostic:
    # Empty strings and zeros are proto3's defaults: the encoded message is the same
    # whether they are passed or left out.
    return pb.Diagnostic(
        severity=pb.DIAGNOSTIC_SEVERITY_ERROR,
        rule=rule,
        message=message,
        field=field,
        line=line,
        column=column,
        display_id=display_id,
    )


def validate_profile_text(yaml_text: str, filename: str) -> pb.ValidateProfileResponse:
    """Parse and solve a profile; every problem becomes a diagnostic, never an exception."""
    try:
        profile = parse_profile(yaml_text, filename)
    except ProfileError as exc:
        problems = exc.problems or ()
        return pb.ValidateProfileResponse(
            valid=False,
            diagnostics=[
                _error("schema", p.message, field=p.field, line=p.line, column=p.column)
                for p in problems
            ]
            or [_error("schema", str(exc))],
        )
    diagnostics: list[pb.Diagnostic] = []
    wire = []
    for display in profile.displays:
        try:
            layout = solve_display(profile, display.id)
        except ProfileError as exc:
            diagnostics.append(_error("layout", str(exc), display_id=display.id))
            continue
        wire.append(display_layout_to_proto(layout, display_to_proto(display)))
    for layout_msg in wire:
        diagnostics.extend(layout_msg.diagnostics)
    return pb.ValidateProfileResponse(
        valid=not any(d.severity == pb.DIAGNOSTIC_SEVERITY_ERROR for d in diagnostics),
        diagnostics=diagnostics,
        layouts=wire,
    )
