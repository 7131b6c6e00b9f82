"""Run the engine over a seeded sweep of real display shapes (``cardeck layout sweep``).

A shape is what a car could ship (issue 16, item 6): a physical size per role
and a pixel density, so its pixels follow from diagonal × dpi; rounded corners
(each corner on its own, pairs, round and pill-shaped screens), notches on any
edge, knob holes and insets. Each shape is a one-display
:class:`~cardeck.layout.VehicleProfile`, so tests can use the generator too.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from cardeck._exceptions import ProfileError
from cardeck.i18n import DEFAULT_LOCALE, normalize_locale

from ._engine import DisplayLayout, solve_display
from ._limits import MAX_PX
from ._profile import CornerRadii, Cutout, Display, Insets, Role, VehicleProfile
from ._template import Template, get_template

__all__ = [
    "CoverageSpread",
    "SweepException",
    "SweepSummary",
    "run_sweep",
    "sweep_profile",
    "sweep_profiles",
]

Outcome = Literal["pass", "degraded", "failed"]

#: Issue 16: panels cover at least this share of the usable region, unless a
#: required rule forces less and a diagnostic says so.
COVERAGE_GOAL = 0.95
#: The rule of the diagnostic that explains a layout below :data:`COVERAGE_GOAL`.
COVERAGE_RULE = "coverage"

# The short side in inches per role; the long side follows from the aspect, so an
# 8:1 centre screen is a 30-inch ribbon, not a 10-inch sliver. Sources,
# /work/shared/vehicle-displays.md (V, S): 1920x720 clusters and centre screens at
# 10.2-12.3" have a 4.0-4.3" short side (Honda Accord 2023, Hyundai/Kia ccNC,
# Renault Koleos, passenger 12.3" too); the 33" 6240x960 ribbon 5.0"; portrait
# centre screens up to 7.9" (15.5" 1200x1920); the 8.4" 1024x768 emulator unit 5.0";
# the Automotive CDD's 6" minimum main screen at 5:3 about 3.1". HUD, console,
# pilot and rear figures are estimates (E) around the issue's 8.4" climate console
# and a small portrait pilot panel under a main screen.
_SHORT_SIDE_IN: dict[Role, tuple[float, float]] = {
    "center": (3.2, 8.0),
    "cluster": (2.5, 6.0),
    "passenger": (3.5, 8.0),
    "hud": (1.2, 4.0),
    "rear": (3.5, 8.0),
    "console": (2.5, 6.0),
    "pilot": (1.8, 4.0),
}
_ROLES: tuple[Role, ...] = tuple(_SHORT_SIDE_IN)
#: Width / height, drawn log-uniformly so that tall and wide shapes are equally common.
_ASPECT = (0.3, 8.0)
#: Physical pixels per inch: from old 80 dpi panels to 480 dpi (the xxhdpi bucket).
_DPI = (80.0, 480.0)
#: Rounded corners: 0-25 % of the short side (issue 16, item 6).
_MAX_RADIUS_SHARE = 0.25


@dataclass(frozen=True)
class CoverageSpread:
    """The low end and middle of a coverage distribution, as shares 0-1."""

    min: float
    p5: float
    median: float

    @classmethod
    def of(cls, values: list[float]) -> CoverageSpread | None:
        """The spread of ``values``, or ``None`` when there are none.

        p5 is the nearest-rank 5th percentile: the value that 5 % of the shapes
        are at or below.
        """
        if not values:
            return None
        ordered = sorted(values)
        rank = max(1, math.ceil(0.05 * len(ordered)))
        return cls(ordered[0], ordered[rank - 1], statistics.median(ordered))


Measure = Literal["coverage", "content_coverage", "layout"]

# A display that cannot be laid out says which required rule it cannot meet
# ("… (rule: panel-minimum); use a larger display …"); the engine's own faults
# say "this is a CarDeck bug" instead.
_FAILED_RULE = re.compile(r"\(rule: ([a-z-]+)\)")
_ENGINE_FAULT = "CarDeck bug"


@dataclass(frozen=True)
class SweepException:
    """A shape whose panels, or their content, cover less than :data:`COVERAGE_GOAL`.

    ``measure`` says which share is short, or ``layout`` for a shape that could
    not be laid out. ``rule`` and ``message`` are those of the layout's
    ``coverage`` diagnostic (or the required rule the failed shape could not
    meet, and the error), ``rule`` empty when nothing names one: then nothing
    says where the area went, which is an engine bug.
    """

    profile_id: str
    name: str
    measure: Measure
    coverage: float
    content_coverage: float
    rule: str
    message: str

    @property
    def explained(self) -> bool:
        """Whether a diagnostic (or a failed shape's error) names the rule."""
        return bool(self.rule)


@dataclass(frozen=True)
class SweepSummary:
    """How the shapes laid out, and how much of their usable region the panels cover.

    ``coverage`` and ``content_coverage`` spread over the shapes that were solved
    (passed or degraded); they are ``None`` when no shape was. ``exceptions``
    are the shapes below :data:`COVERAGE_GOAL` coverage; ``content_exceptions``
    counts those below it in content coverage (controls and text keep clear of
    corners and cutouts, so that is common). ``failed_rules`` counts the failed
    shapes by the required rule they could not meet, most first. ``engine_bugs``
    are the shortfalls and failures that name no rule.
    """

    passed: int
    degraded: int
    failed: int
    coverage: CoverageSpread | None = None
    content_coverage: CoverageSpread | None = None
    exceptions: tuple[SweepException, ...] = ()
    content_exceptions: int = 0
    engine_bugs: tuple[SweepException, ...] = ()
    goal: float = COVERAGE_GOAL
    failed_rules: tuple[tuple[str, int], ...] = ()
    #: The locales each shape was solved in (each shape counts once per locale).
    locales: tuple[str, ...] = (DEFAULT_LOCALE,)
    #: Per locale, how many solved shapes cut a word with an ellipsis (``text-fit``).
    text_fit: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        """All shapes tried."""
        return self.passed + self.degraded + self.failed

    @property
    def solved(self) -> int:
        """The shapes that got a layout (passed or degraded)."""
        return self.passed + self.degraded


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _corners(rng: random.Random, short: int) -> tuple[CornerRadii, str]:
    """Rounded corners and a few words for the shape's name."""
    cap = int(short * _MAX_RADIUS_SHARE)
    kind = rng.random()
    if kind < 0.3:
        return CornerRadii(), "square corners"
    if kind < 0.6:
        radii = [rng.randint(0, cap) for _ in range(4)]
        return CornerRadii(
            top_left=radii[0], top_right=radii[1], bottom_right=radii[2], bottom_left=radii[3]
        ), "four rounded corners"
    if kind < 0.75:
        r = rng.randint(1, max(1, cap))
        return CornerRadii(top_left=r, top_right=r, bottom_right=r, bottom_left=r), (
            f"corners of radius {r}"
        )
    if kind < 0.9:
        # A curved band's outer end, or a screen rounded only along its top or bottom.
        r = rng.randint(1, max(1, cap))
        edge = rng.choice(("left", "right", "top", "bottom"))
        corners = {
            "left": ("top_left", "bottom_left"),
            "right": ("top_right", "bottom_right"),
            "top": ("top_left", "top_right"),
            "bottom": ("bottom_left", "bottom_right"),
        }[edge]
        return CornerRadii(**dict.fromkeys(corners, r)), f"{edge} corners rounded"
    r = short // 2
    return CornerRadii(top_left=r, top_right=r, bottom_right=r, bottom_left=r), "pill-shaped"


def _notch(rng: random.Random, width: int, height: int) -> tuple[Cutout, str]:
    """A notch touching one edge, centred or not (camera, sensor, speedometer hood)."""
    edge = rng.choice(("top", "top", "bottom", "left", "right"))
    along, across = (width, height) if edge in ("top", "bottom") else (height, width)
    length = max(1, round(along * rng.uniform(0.05, 0.35)))
    depth = max(1, round(across * rng.uniform(0.02, 0.10)))
    centred = rng.random() < 0.6
    start = (along - length) // 2 if centred else rng.randint(0, along - length)
    where = "centred" if centred else "off-centre"
    if edge == "top":
        return Cutout(x=start, y=0, width=length, height=depth), f"top notch ({where})"
    if edge == "bottom":
        cut = Cutout(x=start, y=height - depth, width=length, height=depth)
        return cut, f"bottom notch ({where})"
    x = 0 if edge == "left" else width - depth
    return Cutout(x=x, y=start, width=depth, height=length), f"{edge} notch ({where})"


def _knob(rng: random.Random, width: int, height: int) -> tuple[Cutout, str]:
    """A knob hole: touching the bottom or a side edge, or inside the screen."""
    side = max(1, round(min(width, height) * rng.uniform(0.08, 0.25)))
    cut_w, cut_h = min(side, width), min(side, height)
    where = rng.choice(("bottom", "left", "right", "inside"))
    x = rng.randint(0, width - cut_w)
    y = rng.randint(0, height - cut_h)
    if where == "bottom":
        y = height - cut_h
    elif where == "left":
        x = 0
    elif where == "right":
        x = width - cut_w
    return Cutout(x=x, y=y, width=cut_w, height=cut_h), f"knob hole ({where})"


def _insets(rng: random.Random, width: int, height: int) -> Insets:
    """Up to 6 % of the side at each edge, each edge on its own (bezels, system bars)."""

    def edge(size: int) -> int:
        return rng.randint(0, size * 6 // 100) if rng.random() < 0.5 else 0

    return Insets(top=edge(height), bottom=edge(height), left=edge(width), right=edge(width))


def _shape(rng: random.Random, index: int) -> VehicleProfile:
    role = rng.choice(_ROLES)
    short_in = rng.uniform(*_SHORT_SIDE_IN[role])
    dpi = round(rng.uniform(*_DPI), 1)
    aspect = _log_uniform(rng, *_ASPECT)
    features: list[str] = []
    # A few round screens (a round OLED cluster or knob display): square, radius = half.
    round_screen = rng.random() < 0.04
    if round_screen:
        aspect = 1.0
    long_over_short = max(aspect, 1.0 / aspect)
    # A 30-inch ribbon at 480 dpi would pass the 16,384 px limit on a side (no GPU
    # texture is larger); such a screen ships at a lower density.
    dpi = min(dpi, math.floor(0.99 * MAX_PX / (short_in * long_over_short) * 10) / 10)
    diagonal = round(short_in * math.hypot(long_over_short, 1.0), 1)
    diagonal_px = diagonal * dpi
    width = max(1, round(diagonal_px * aspect / math.hypot(aspect, 1.0)))
    height = max(1, round(diagonal_px / math.hypot(aspect, 1.0)))
    short = min(width, height)
    if round_screen:
        r = short // 2
        radii = CornerRadii(top_left=r, top_right=r, bottom_right=r, bottom_left=r)
        corner_words = "round"
    else:
        radii, corner_words = _corners(rng, short)
    features.append(corner_words)
    cutouts: list[Cutout] = []
    if rng.random() < 0.3:
        cut, words = _notch(rng, width, height)
        cutouts.append(cut)
        features.append(words)
    if rng.random() < 0.2:
        cut, words = _knob(rng, width, height)
        cutouts.append(cut)
        features.append(words)
    insets = _insets(rng, width, height) if rng.random() < 0.3 else Insets()
    if insets != Insets():
        features.append("insets")
    display = Display(
        id="display",
        role=role,
        width_px=width,
        height_px=height,
        diagonal_in=diagonal,
        dpi=dpi,
        insets=insets,
        corner_radii=radii,
        cutouts=tuple(cutouts),
    )
    return VehicleProfile(
        id=f"sweep-{index}",
        name=(
            f"Sweep shape {index}: {diagonal:g} in {role}, {width}x{height} px at {dpi:g} dpi, "
            + ", ".join(features)
        ),
        sources=("cardeck layout sweep",),
        driver_side=rng.choice(("left", "right")),
        displays=(display,),
    )


def sweep_profile(seed: int, index: int) -> VehicleProfile:
    """Shape ``index`` of the sweep with ``seed``: the same profile on every run and machine.

    Each shape has its own random stream, so shapes can be made in any order
    (the sweep solves them in parallel) and one shape can be made alone.
    """
    # A str seed is hashed with SHA-512, independent of PYTHONHASHSEED.
    return _shape(random.Random(f"cardeck-sweep:{seed}:{index}"), index)


def sweep_profiles(count: int, seed: int = 0) -> Iterator[VehicleProfile]:
    """Yield ``count`` one-display profiles of real display shapes, the same for a seed.

    Each display has a role and a short side in that role's range (2.5-6 in for a
    cluster, 3.2-8 in for a centre screen, …), an aspect of 0.3-8 drawn
    log-uniformly and 80-480 dpi (less where a side would pass 16,384 px), so its
    pixel size is diagonal × dpi. Corners
    are square, rounded each on its own (0-25 % of the short side), rounded in
    pairs (a curved band's outer end) or all the way (pill-shaped and round
    screens); some displays get a notch on an edge, a knob hole or insets. The
    profile's name says which.

    :param count: how many profiles.
    :param seed: the random seed; the same seed yields the same profiles.
    """
    for index in range(count):
        yield sweep_profile(seed, index)


def outcome(layout: DisplayLayout) -> Outcome:
    """``pass`` when every panel is visible, else ``degraded``."""
    return "pass" if all(p.visible for p in layout.panels) else "degraded"


def coverage_exceptions(
    profile: VehicleProfile, layout: DisplayLayout
) -> tuple[SweepException, ...]:
    """The layout's shortfalls: one per measure (coverage, content coverage) below the goal."""
    note = next((d for d in layout.diagnostics if d.rule == COVERAGE_RULE), None)
    shares: tuple[tuple[Measure, float], ...] = (
        ("coverage", layout.coverage),
        ("content_coverage", layout.content_coverage),
    )
    return tuple(
        SweepException(
            profile_id=profile.id,
            name=profile.name,
            measure=measure,
            coverage=layout.coverage,
            content_coverage=layout.content_coverage,
            rule=note.rule if note is not None else "",
            message=note.message if note is not None else "",
        )
        for measure, share in shares
        if share < COVERAGE_GOAL
    )


def failure(profile: VehicleProfile, error: ProfileError) -> SweepException:
    """A shape that could not be laid out, with the required rule its error names."""
    message = str(error)
    match = _FAILED_RULE.search(message)
    rule = match.group(1) if match and _ENGINE_FAULT not in message else ""
    return SweepException(profile.id, profile.name, "layout", 0.0, 0.0, rule, message)


@dataclass(frozen=True)
class _Result:
    """One shape's outcome; the shares only when it was solved."""

    outcome: Outcome
    coverage: float = 0.0
    content_coverage: float = 0.0
    exceptions: tuple[SweepException, ...] = ()
    locale: str = DEFAULT_LOCALE
    text_fit: bool = False


def _solve_range(
    seed: int,
    start: int,
    stop: int,
    template: Template,
    locales: tuple[str, ...] = (DEFAULT_LOCALE,),
) -> list[_Result]:
    """Solve shapes ``start`` to ``stop`` in each locale (a worker runs one range at a time)."""
    results: list[_Result] = []
    for index in range(start, stop):
        profile = sweep_profile(seed, index)
        for locale in locales:
            try:
                layout = solve_display(profile, "display", template, locale=locale)
            except ProfileError as error:
                results.append(
                    _Result("failed", exceptions=(failure(profile, error),), locale=locale)
                )
                continue
            results.append(
                _Result(
                    outcome(layout),
                    layout.coverage,
                    layout.content_coverage,
                    coverage_exceptions(profile, layout),
                    locale,
                    any(d.rule == "text-fit" for d in layout.diagnostics),
                )
            )
    return results


#: Shapes per task of a parallel sweep: big enough that a task outweighs the
#: pickling, small enough that the progress bar moves.
_CHUNK = 250


def _ranges(count: int, chunk: int) -> list[tuple[int, int]]:
    return [(start, min(count, start + chunk)) for start in range(0, count, chunk)]


def _results(
    count: int, seed: int, template: Template, jobs: int, locales: tuple[str, ...]
) -> Iterator[list[_Result]]:
    """The results in index order, a range at a time, from ``jobs`` processes."""
    ranges = _ranges(count, _CHUNK)
    if jobs <= 1 or len(ranges) <= 1:
        for start, stop in ranges:
            yield _solve_range(seed, start, stop, template, locales)
        return
    # spawn, not fork: the caller may run threads (a progress bar's refresh).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(ranges)), mp_context=context) as pool:
        futures = [pool.submit(_solve_range, seed, a, b, template, locales) for a, b in ranges]
        for future in futures:
            yield future.result()


def run_sweep(
    count: int,
    seed: int = 0,
    template: Template | None = None,
    on_result: Callable[[Outcome], None] | None = None,
    jobs: int = 1,
    locales: tuple[str, ...] = (DEFAULT_LOCALE,),
) -> SweepSummary:
    """Solve ``count`` shapes of :func:`sweep_profiles`; count the outcomes and measure coverage.

    The summary is the same for any ``jobs``: each shape has its own random stream.

    :param count: how many shapes.
    :param seed: the random seed, so a sweep can be repeated exactly.
    :param template: the template, or ``None`` for the bundled default.
    :param on_result: called after each shape (progress bars); with ``jobs`` > 1,
        in bursts as each range of shapes comes back.
    :param jobs: how many processes solve shapes (1: this one).
    :param locales: the locales each shape is solved in (its direction and text
        fit); each solve counts as one outcome, so the totals are ``count`` ×
        the number of locales.
    :raises ProfileError: when the template cannot be found.
    :raises cardeck.i18n.UnsupportedLocaleError: when a locale is not shipped.
    """
    template = template if template is not None else get_template("default")
    locales = tuple(dict.fromkeys(normalize_locale(tag) for tag in locales)) or (DEFAULT_LOCALE,)
    cut: Counter[str] = Counter()
    tally = {"pass": 0, "degraded": 0, "failed": 0}
    coverage: list[float] = []
    content: list[float] = []
    exceptions: list[SweepException] = []
    for batch in _results(count, seed, template, jobs, locales):
        for result in batch:
            tally[result.outcome] += 1
            cut[result.locale] += result.text_fit
            if result.outcome != "failed":
                coverage.append(result.coverage)
                content.append(result.content_coverage)
            exceptions.extend(result.exceptions)
            if on_result is not None:
                on_result(result.outcome)
    return SweepSummary(
        tally["pass"],
        tally["degraded"],
        tally["failed"],
        coverage=CoverageSpread.of(coverage),
        content_coverage=CoverageSpread.of(content),
        exceptions=tuple(e for e in exceptions if e.measure == "coverage"),
        content_exceptions=sum(1 for e in exceptions if e.measure == "content_coverage"),
        engine_bugs=tuple(e for e in exceptions if not e.explained),
        failed_rules=tuple(
            Counter(e.rule for e in exceptions if e.measure == "layout" and e.rule).most_common()
        ),
        locales=locales,
        text_fit=tuple((locale, cut[locale]) for locale in locales),
    )
