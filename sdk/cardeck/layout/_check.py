"""A profile's layouts graded for validation: which diagnostics fail it.

``cardeck profiles validate`` reports this; the head unit's ValidateProfile RPC
grades the same way (``valid`` is false on any error-severity diagnostic).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._engine import Diagnostic, DisplayLayout, Severity, solve_profile
from ._profile import VehicleProfile
from ._template import Template

__all__ = ["DisplayDiagnostic", "ProfileCheck", "check_profile"]

# Worst last: a profile's severity is the highest rank among its diagnostics.
_RANK: dict[Severity, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class DisplayDiagnostic:
    """One diagnostic of a solved profile, with the display it belongs to."""

    display_id: str
    diagnostic: Diagnostic


@dataclass(frozen=True)
class ProfileCheck:
    """A profile's solved layouts and whether they pass validation.

    Error-severity diagnostics fail a profile; with ``strict``, warnings do too.
    Info diagnostics never do.

    Example::

        check = check_profile(load_profile("my-car.yaml"), strict=True)
        for item in check.failures:
            print(item.display_id, item.diagnostic.rule, item.diagnostic.message)

    :param profile: the profile checked.
    :param layouts: its solved layouts, keyed by display id.
    :param strict: whether warnings fail too.
    """

    profile: VehicleProfile
    layouts: dict[str, DisplayLayout]
    strict: bool = False

    @property
    def diagnostics(self) -> tuple[DisplayDiagnostic, ...]:
        """Every diagnostic of every display, in display order."""
        return tuple(
            DisplayDiagnostic(display_id, d)
            for display_id, layout in self.layouts.items()
            for d in layout.diagnostics
        )

    @property
    def failures(self) -> tuple[DisplayDiagnostic, ...]:
        """The diagnostics that fail validation: errors, and warnings when strict."""
        worst_allowed = _RANK["info"] if self.strict else _RANK["warning"]
        return tuple(d for d in self.diagnostics if _RANK[d.diagnostic.severity] > worst_allowed)

    @property
    def ok(self) -> bool:
        """Whether the profile passes: no failing diagnostic."""
        return not self.failures

    @property
    def severity(self) -> Severity | None:
        """The highest severity among the diagnostics, or None when there are none."""
        worst: Severity | None = None
        for item in self.diagnostics:
            if worst is None or _RANK[item.diagnostic.severity] > _RANK[worst]:
                worst = item.diagnostic.severity
        return worst


def check_profile(
    profile: VehicleProfile, *, strict: bool = False, template: Template | None = None
) -> ProfileCheck:
    """Solve every display of a profile and grade its diagnostics for validation.

    :param profile: the validated profile.
    :param strict: fail on warnings too, not only on errors.
    :param template: a template, or ``None`` for the profile's bundled one.
    :raises ProfileError: when a display cannot be laid out at all.
    """
    return ProfileCheck(profile, solve_profile(profile, template), strict)
