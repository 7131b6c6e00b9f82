"""Run the engine over a seeded sweep of display shapes (``cardeck layout sweep``)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from cardeck._exceptions import ProfileError

from ._engine import DisplayLayout, solve_display
from ._limits import MAX_PX
from ._profile import CornerRadii, Display, Insets, Role, VehicleProfile
from ._template import Template, get_template

__all__ = ["SweepSummary", "run_sweep", "sweep_profiles"]

Outcome = Literal["pass", "degraded", "failed"]
_ROLES: tuple[Role, ...] = ("center", "cluster", "passenger", "hud", "rear", "console", "pilot")


@dataclass(frozen=True)
class SweepSummary:
    """How many shapes laid out fully, with collapsed panels, or not at all."""

    passed: int
    degraded: int
    failed: int

    @property
    def total(self) -> int:
        """All shapes tried."""
        return self.passed + self.degraded + self.failed


def sweep_profiles(count: int, seed: int = 0) -> Iterator[VehicleProfile]:
    """Yield ``count`` one-display profiles: 320-10,000 px wide, aspect 0.3-8, 80-480 dpi.

    Aspect is drawn log-uniformly so that tall and wide shapes are equally common;
    heights stop at the profile limit of 16,384 px; insets and corner radii are random too.
    """
    rng = random.Random(seed)
    for index in range(count):
        width = rng.randint(320, 10_000)
        aspect = math.exp(rng.uniform(math.log(0.3), math.log(8.0)))
        # Tall, wide shapes would pass the profile limit on a side (MAX_PX); capping
        # the height keeps every other draw, and so every other shape, the same.
        height = min(MAX_PX, max(1, round(width / aspect)))
        radius_cap = min(width, height) // 4
        display = Display(
            id="display",
            role=rng.choice(_ROLES),
            width_px=width,
            height_px=height,
            dpi=rng.uniform(80.0, 480.0),
            insets=Insets(
                top=rng.randint(0, height // 8),
                bottom=rng.randint(0, height // 8),
                left=rng.randint(0, width // 8),
                right=rng.randint(0, width // 8),
            ),
            corner_radii=CornerRadii(
                top_left=rng.randint(0, radius_cap),
                top_right=rng.randint(0, radius_cap),
                bottom_right=rng.randint(0, radius_cap),
                bottom_left=rng.randint(0, radius_cap),
            ),
        )
        yield VehicleProfile(
            id=f"sweep-{index}",
            name=f"Sweep shape {index}",
            sources=("cardeck layout sweep",),
            driver_side=rng.choice(("left", "right")),
            displays=(display,),
        )


def outcome(layout: DisplayLayout) -> Outcome:
    """``pass`` when every panel is visible, else ``degraded``."""
    return "pass" if all(p.visible for p in layout.panels) else "degraded"


def run_sweep(
    count: int,
    seed: int = 0,
    template: Template | None = None,
    on_result: Callable[[Outcome], None] | None = None,
) -> SweepSummary:
    """Solve ``count`` random shapes and count the outcomes.

    :param count: how many shapes.
    :param seed: the random seed, so a sweep can be repeated exactly.
    :param template: the template, or ``None`` for the bundled default.
    :param on_result: called after each shape (progress bars).
    :raises ProfileError: when the template cannot be found.
    """
    template = template if template is not None else get_template("default")
    tally = {"pass": 0, "degraded": 0, "failed": 0}
    for profile in sweep_profiles(count, seed):
        result: Outcome
        try:
            result = outcome(solve_display(profile, "display", template))
        except ProfileError:
            result = "failed"
        tally[result] += 1
        if on_result is not None:
            on_result(result)
    return SweepSummary(tally["pass"], tally["degraded"], tally["failed"])
