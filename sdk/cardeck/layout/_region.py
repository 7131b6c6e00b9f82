"""The usable region of a display: a shape, kept as horizontal slabs of x-intervals.

A display's usable pixels are those inside the insets, outside every cutout, and
whose whole pixel square lies inside every rounded corner's arc (so nothing is
drawn where the glass ends). Rounded corners are curves; the region keeps them as
an inner staircase of ARC_STEPS equal-angle steps, which loses about
r²·π/(8·ARC_STEPS) px per corner (2.3 % of a round screen's area) and never a pixel
outside the arc.

A slab is a run of rows with the same x-intervals. A rounded rectangle has about
``2 · ARC_STEPS`` slabs, each cutout adds two, so every operation here is over a
few dozen slabs whatever the pixel size.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from ._profile import Display
from ._rect import Rect

__all__ = [
    "ARC_STEPS",
    "Corner",
    "Region",
    "arc_clear",
    "corner_cut",
    "rounded_corners",
    "usable_region",
]

#: Steps of the staircase that stands in for one rounded corner's arc.
ARC_STEPS = 24

Interval = tuple[int, int]


@dataclass(frozen=True)
class Corner:
    """One rounded corner of a display: which one, and its radius in px."""

    name: str  # "top_left", "top_right", "bottom_right" or "bottom_left"
    radius: int


@dataclass(frozen=True)
class _Slab:
    y0: int
    y1: int
    spans: tuple[Interval, ...]


@lru_cache(maxsize=256)
def _steps(radius: int) -> tuple[int, ...]:
    """Where the staircase of a corner of this radius steps, in rows from its edge.

    Steps are equal angles of the arc, so they are short where the arc is flat
    (near the edge) and tall where it is steep: n of them lose about r²·π/(8·n)
    px per corner; n is one per 8 px of radius, 4 to ARC_STEPS.
    """
    # A small corner needs fewer steps for the same loss: one per 8 px of radius.
    n = max(4, min(ARC_STEPS, math.ceil(radius / 8)))
    rows = {round(radius * (1.0 - math.cos(math.pi / 2 * i / n))) for i in range(n)}
    return tuple(sorted(d for d in rows if d < radius))


def _need(radius: int, distance: int) -> int:
    """How far in from the side edge a pixel ``distance`` rows from the corner's edge starts.

    Every row of a step takes the arc's position at the step's outer row, where
    the arc is farthest in, so the whole pixel square of every usable pixel lies
    inside the arc.
    """
    steps = _steps(radius)
    outer = steps[bisect_right(steps, distance) - 1]
    d = radius - outer
    return math.ceil(radius - math.sqrt(max(0.0, radius * radius - d * d)) - 1e-9)


def corner_cut(radius: int) -> int:
    """How far both edges move in to clear a rounded corner: the 45° point of its staircase.

    r·(1−1/√2) puts a rectangle's corner on the arc itself; the staircase lies
    inside the arc, so the cut is the smallest d ≥ that with the staircase clear.
    """
    d = math.ceil(radius * (1.0 - 1.0 / math.sqrt(2.0)) - 1e-9)
    while d < radius and _need(radius, d) > d:
        d += 1
    return d


def arc_clear(corner: Corner, width: int, height: int, rect: Rect) -> bool:
    """Whether every pixel of ``rect`` lies inside ``corner``'s staircase (so its arc).

    Exact: only the rect's pixel nearest that corner can be outside.
    """
    r = corner.radius
    if r <= 0 or rect.width <= 0 or rect.height <= 0:
        return True
    dx = int(rect.x) if corner.name.endswith("left") else int(width - rect.right)
    dy = int(rect.y) if corner.name.startswith("top") else int(height - rect.bottom)
    if dy >= r:
        return True
    return dx >= _need(r, dy)


def rounded_corners(display: Display) -> tuple[Corner, ...]:
    """The display's rounded corners (radius > 0), clockwise from the top left."""
    radii = display.corner_radii
    return tuple(
        Corner(name, int(getattr(radii, name)))
        for name in ("top_left", "top_right", "bottom_right", "bottom_left")
        if getattr(radii, name) > 0
    )


def _x_limits(corners: tuple[Corner, ...], width: int, height: int, y0: int, y1: int) -> Interval:
    """The x-range usable in every row of [y0, y1) as far as the corner staircases go.

    Slabs never straddle a step (step rows are breakpoints), so one row decides.
    """
    lo, hi = 0, width
    for corner in corners:
        r = corner.radius
        distance = y0 if corner.name.startswith("top") else height - y1
        if distance >= r:
            continue
        need = _need(r, distance)
        if corner.name.endswith("left"):
            lo = max(lo, need)
        else:
            hi = min(hi, width - need)
    return lo, hi


def _subtract(spans: list[Interval], cut: Interval) -> list[Interval]:
    out: list[Interval] = []
    for a, b in spans:
        if cut[1] <= a or b <= cut[0]:
            out.append((a, b))
            continue
        if a < cut[0]:
            out.append((a, cut[0]))
        if cut[1] < b:
            out.append((cut[1], b))
    return out


def _intersect(left: tuple[Interval, ...], right: tuple[Interval, ...]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a = max(left[i][0], right[j][0])
        b = min(left[i][1], right[j][1])
        if a < b:
            out.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _widest(spans: tuple[Interval, ...]) -> int:
    return max(b - a for a, b in spans)


class Region:
    """A set of pixels as slabs: rows [y0, y1) that share sorted, disjoint x-intervals."""

    __slots__ = ("_area", "_slabs", "_tops")

    def __init__(self, slabs: list[_Slab]) -> None:
        self._slabs = tuple(s for s in slabs if s.spans and s.y1 > s.y0)
        self._tops = [s.y1 for s in self._slabs]
        self._area = -1

    @property
    def area(self) -> int:
        """How many pixels the region holds."""
        if self._area < 0:
            self._area = sum((s.y1 - s.y0) * sum(b - a for a, b in s.spans) for s in self._slabs)
        return self._area

    @property
    def rects(self) -> tuple[Rect, ...]:
        """The region as disjoint rectangles (one per slab and interval)."""
        return tuple(Rect(a, s.y0, b - a, s.y1 - s.y0) for s in self._slabs for a, b in s.spans)

    def clip(self, rect: Rect) -> Region:
        """The part of the region inside ``rect``."""
        x0, y0, x1, y1 = int(rect.x), int(rect.y), int(rect.right), int(rect.bottom)
        out: list[_Slab] = []
        # Slabs are sorted by row: start at the first that ends below y0.
        for s in self._slabs[bisect_right(self._tops, y0) :]:
            if s.y0 >= y1:
                break
            spans = tuple((max(a, x0), min(b, x1)) for a, b in s.spans if a < x1 and x0 < b)
            top, bottom = max(s.y0, y0), min(s.y1, y1)
            if out and out[-1].y1 == top and out[-1].spans == spans:
                # Slabs that differ only outside the rect become one.
                out[-1] = _Slab(out[-1].y0, bottom, spans)
            else:
                out.append(_Slab(top, bottom, spans))
        return Region(out)

    def largest_rect(self, min_w: int = 0, min_h: int = 0) -> Rect | None:
        """The largest-area rectangle inside the region at least ``min_w`` × ``min_h``.

        Every run of consecutive slabs is tried with the intersection of their
        intervals; ties go to the top-left one so the answer is deterministic.
        Returns ``None`` when no rectangle meets the minimums.
        """
        slabs = self._slabs
        best: tuple[int, Rect] | None = None
        bottom = slabs[-1].y1 if slabs else 0
        for i, first in enumerate(slabs):
            spans = first.spans
            # Intervals only narrow further down: the widest one bounds every
            # rectangle that starts here, so a run that cannot win stops early.
            if best is not None and _widest(spans) * (bottom - first.y0) <= best[0]:
                continue
            for j in range(i, len(slabs)):
                if j > i:
                    if slabs[j].y0 != slabs[j - 1].y1:
                        break
                    spans = _intersect(spans, slabs[j].spans)
                    if not spans:
                        break
                    if best is not None and _widest(spans) * (bottom - first.y0) <= best[0]:
                        break
                h = slabs[j].y1 - first.y0
                if h < min_h:
                    continue
                for a, b in spans:
                    if b - a < min_w:
                        continue
                    area = (b - a) * h
                    if best is None or area > best[0]:
                        best = (area, Rect(a, first.y0, b - a, h))
        return best[1] if best else None


def usable_region(display: Display, width: int, height: int) -> Region:
    """The display's usable pixels at ``width`` × ``height`` px: see the module docstring.

    Cutouts and insets are in the profile's px; corner radii too. At a resized
    size (a window drag) they keep their px values, as a physical bezel would.
    """
    insets = display.insets
    corners = rounded_corners(display)
    top, bottom = insets.top, height - insets.bottom
    left, right = insets.left, width - insets.right
    if bottom <= top or right <= left:
        return Region([])
    cuts = [c for c in display.cutouts if c.width > 0 and c.height > 0]
    breaks = {top, bottom}
    for corner in corners:
        rows = _steps(corner.radius)
        if corner.name.startswith("top"):
            breaks.update(rows)
            breaks.add(corner.radius)
        else:
            breaks.update(height - y for y in rows)
            breaks.add(height - corner.radius)
    for cut in cuts:
        breaks.update((cut.y, cut.y + cut.height))
    ys = sorted(y for y in breaks if top <= y <= bottom)
    slabs: list[_Slab] = []
    for y0, y1 in pairwise(ys):
        lo, hi = _x_limits(corners, width, height, y0, y1)
        spans = [(max(lo, left), min(hi, right))] if max(lo, left) < min(hi, right) else []
        for cut in cuts:
            if cut.y < y1 and y0 < cut.y + cut.height:
                spans = _subtract(spans, (cut.x, cut.x + cut.width))
        if slabs and slabs[-1].y1 == y0 and slabs[-1].spans == tuple(spans):
            slabs[-1] = _Slab(slabs[-1].y0, y1, slabs[-1].spans)
        else:
            slabs.append(_Slab(y0, y1, tuple(spans)))
    return Region(slabs)
