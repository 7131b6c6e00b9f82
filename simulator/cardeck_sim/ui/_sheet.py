"""Where a contact sheet puts every vehicle, display and label; and the gallery page's text.

Pure geometry, free of kivy and PIL: the caller passes a ``measure`` function
that returns a text's ink box, so the plan knows the real size of every label.

The sheet is a grid that uses its page: vehicles wrap into rows (justified to
the page width, like a photo gallery), the row height chosen so that the page
comes out near the asked aspect (16:10 by default). Inside a vehicle's tile its
displays keep their physical sizes relative to each other and sit as on the
dashboard (:func:`arrange_dashboard`). Labels — the vehicle's name above, each
display's id and size next to it — are placed where they overlap neither an
image nor another label; when a display has no free side, its label goes to a
legend line under the tile.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from cardeck.layout import Display, Rect, VehicleProfile

from ._scene import DashboardSlot, arrange_dashboard

__all__ = [
    "GALLERY_DIR",
    "Measure",
    "SheetImage",
    "SheetLabel",
    "SheetPlan",
    "display_caption",
    "gallery_image_name",
    "gallery_markdown",
    "plan_sheet",
]

#: Returns the ink box ``(left, top, right, bottom)`` of ``text`` drawn at ``size_px``
#: with its origin at 0, 0 (PIL's ``FreeTypeFont.getbbox``).
Measure = Callable[[str, int], tuple[float, float, float, float]]

#: Text sizes on a page 2400 px wide; a wider page scales them with its width.
TITLE_PX = 22
LABEL_PX = 16
#: Space between a label and what it labels, and around everything in a tile (px).
LABEL_GAP = 6
#: Space between tiles and rows, and the page margin (px).
TILE_GAP = 40
PAGE_PAD = 24
#: A tile is at least this wide, so a narrow portrait screen still has room for its name.
MIN_TILE_WIDTH = 300
#: Rows are at least this high (px), unless the page is narrower than five times it.
MIN_IMAGE_HEIGHT = 160
#: The folder (next to gallery.md) that holds the gallery's pictures.
GALLERY_DIR = "gallery"


@dataclass(frozen=True)
class SheetImage:
    """Where one display's picture goes on the sheet (whole px, top-left origin)."""

    profile_id: str
    display_id: str
    box: Rect


@dataclass(frozen=True)
class SheetLabel:
    """One text on the sheet: draw it at ``origin``; its ink fills ``box``.

    ``title`` is True for a vehicle's name, False for a display's caption.
    """

    text: str
    size_px: int
    origin: tuple[float, float]
    box: Rect
    title: bool = False


@dataclass(frozen=True)
class SheetPlan:
    """Everything on a contact sheet: its size, the pictures and the labels."""

    width: int
    height: int
    images: tuple[SheetImage, ...]
    labels: tuple[SheetLabel, ...]


def display_caption(display: Display) -> str:
    """A display's label: its id, diagonal and resolution (``center · 12.3 in · 1920×720``)."""
    return f"{display.id} · {display.diagonal:.1f} in · {display.width_px}×{display.height_px}"


@dataclass(frozen=True)
class _Tile:
    """One vehicle laid out at an image height, in tile coordinates (0, 0 top-left)."""

    width: float
    height: float
    images: tuple[SheetImage, ...]
    labels: tuple[SheetLabel, ...]


class _Text:
    """Measured labels: the ink box of each (text, size), measured once."""

    def __init__(self, measure: Measure, scale: float = 1.0) -> None:
        self._measure = measure
        self.title_px = round(TITLE_PX * scale)
        self.label_px = round(LABEL_PX * scale)
        self._cache: dict[tuple[str, int], tuple[float, float, float, float]] = {}

    def ink(self, text: str, size: int) -> tuple[float, float, float, float]:
        key = (text, size)
        if key not in self._cache:
            self._cache[key] = self._measure(text, size)
        return self._cache[key]

    def width(self, text: str, size: int) -> float:
        left, _, right, _ = self.ink(text, size)
        return right - left

    def label(self, text: str, size: int, x: float, y: float) -> SheetLabel:
        """The label whose ink box has its top-left corner at x, y."""
        left, top, right, bottom = self.ink(text, size)
        box = Rect(x, y, right - left, bottom - top)
        return SheetLabel(text, size, (x - left, y - top), box, size == self.title_px)

    def wrap(self, text: str, size: int, width: float, lines: int) -> list[str]:
        """The text in at most ``lines`` lines of ``width``, the last one cut by :meth:`fit`."""
        words, out = text.split(), list[str]()
        while words and len(out) < lines - 1:
            n = len(words)
            while n > 1 and self.width(" ".join(words[:n]), size) > width:
                n -= 1
            if n == len(words):
                break
            out.append(" ".join(words[:n]))
            words = words[n:]
        if words:
            out.append(self.fit(" ".join(words), size, width))
        return out

    def fit(self, text: str, size: int, width: float) -> str:
        """The text, or its longest whole-word prefix with an ellipsis, that fits ``width``."""
        if self.width(text, size) <= width:
            return text
        words = text.split()
        for n in range(len(words) - 1, 0, -1):
            short = " ".join(words[:n]).rstrip(" ·,:(—-") + "…"
            if self.width(short, size) <= width:
                return short
        return words[0] if words else text


def _free(box: Rect, bounds_width: float, taken: Sequence[Rect]) -> bool:
    """Whether the box lies inside the tile's width (and below its top) and overlaps nothing."""
    grown = Rect(box.x - 2, box.y - 2, box.width + 4, box.height + 4)
    return (
        box.x >= 0
        and box.y >= 0
        and box.right <= bounds_width
        and not any(grown.overlaps(t) for t in taken)
    )


@functools.lru_cache(maxsize=256)
def _dashboard_mm(profile: VehicleProfile) -> tuple[float, float, tuple[DashboardSlot, ...]]:
    """The vehicle's dashboard in mm: (width, height, the displays' slots)."""
    width, height, slots = arrange_dashboard(profile, 0, 0, gap_px=0, px_per_mm=1.0)
    return width, height, tuple(slots)


def _tile_width(profile: VehicleProfile, image_height: float) -> float:
    """How wide a vehicle's tile is when its dashboard is ``image_height`` px high."""
    dash_w, dash_h, _ = _dashboard_mm(profile)
    return max(dash_w * image_height / dash_h, MIN_TILE_WIDTH, 1.0)


def _tile(profile: VehicleProfile, image_height: float, text: _Text) -> _Tile:
    """Lay out one vehicle: its name, its displays as on the dashboard, their labels."""
    dash_w, dash_h, slots = _dashboard_mm(profile)
    scale = image_height / dash_h
    width = _tile_width(profile, image_height)
    titles: list[SheetLabel] = []
    for line in text.wrap(profile.name, text.title_px, width, lines=2):
        y = titles[-1].box.bottom + LABEL_GAP if titles else 0.0
        titles.append(text.label(line, text.title_px, 0, y))
    top = titles[-1].box.bottom + 2 * LABEL_GAP
    left = (width - dash_w * scale) / 2
    images = []
    for slot in slots:
        x, y = round(left + slot.x * scale), round(top + slot.y * scale)
        box = Rect(
            x,
            y,
            max(1, round(left + (slot.x + slot.width) * scale) - x),
            max(1, round(top + (slot.y + slot.height) * scale) - y),
        )
        images.append(SheetImage(profile.id, slot.display_id, box))
    taken: list[Rect] = [*(t.box for t in titles), *(i.box for i in images)]
    labels = list(titles)
    legend: list[str] = []
    for display, image in zip(profile.displays, images, strict=True):
        caption = display_caption(display)
        w = text.width(caption, text.label_px)
        b = image.box
        for lx, ly in (
            (b.x, b.bottom + LABEL_GAP),  # below, left-aligned
            (b.right - w, b.bottom + LABEL_GAP),  # below, right-aligned
            (b.right + LABEL_GAP, b.y),  # to the right, at the top
            (b.x - LABEL_GAP - w, b.y),  # to the left, at the top
        ):
            label = text.label(caption, text.label_px, lx, ly)
            if _free(label.box, width, taken):
                labels.append(label)
                taken.append(label.box)
                break
        else:
            legend.append(caption)
    # Displays with no free side: their captions in a line (or lines) under everything.
    lx, ly = 0.0, max(t.bottom for t in taken) + LABEL_GAP
    line_h = 0.0
    for caption in legend:
        fitted = text.fit(caption, text.label_px, width)
        w = text.width(fitted, text.label_px)
        if lx > 0 and lx + w > width:
            lx, ly = 0.0, ly + line_h + LABEL_GAP
            line_h = 0.0
        label = text.label(fitted, text.label_px, lx, ly)
        labels.append(label)
        taken.append(label.box)
        line_h = max(line_h, label.box.height)
        lx += w + 3 * LABEL_GAP
    height = max(t.bottom for t in taken)
    return _Tile(width, height, tuple(images), tuple(labels))


#: At most this many vehicles share a row.
MAX_PER_ROW = 8


def _rows(
    profiles: Sequence[VehicleProfile], target: float, avail: float
) -> list[tuple[float, list[VehicleProfile]]]:
    """Rows of (image height, vehicles): every row but the last justified to ``avail``.

    The breaks are chosen together (as a paragraph's line breaks are): the rows'
    heights stay near ``target`` and the last row is not left nearly empty.
    """
    aspects = [_dashboard_mm(p)[0] / _dashboard_mm(p)[1] for p in profiles]

    def width(i: int, j: int, h: float) -> float:
        tiles = sum(max(a * h, MIN_TILE_WIDTH, 1.0) for a in aspects[i:j])
        return tiles + TILE_GAP * (j - i - 1)

    def row(i: int, j: int) -> tuple[float, float]:
        """(badness, image height) of a row of vehicles i to j."""
        if j == len(profiles) and width(i, j, target) <= avail:
            # The last row keeps the target height; its empty part is the badness.
            return ((1 - width(i, j, target) / avail) * target) ** 2 / 2, target
        h = min(_fill_height(aspects[i:j], avail), target * 1.6)
        if width(i, j, h) > avail + 0.5 and j - i > 1:
            return math.inf, h  # too many tiles at their least width
        short = (1 - width(i, j, h) / avail) * target
        return (h - target) ** 2 + short**2, h

    n = len(profiles)
    best: list[tuple[float, int, float]] = [(0.0, 0, 0.0)] + [(math.inf, 0, 0.0)] * n
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_PER_ROW), j):
            badness, h = row(i, j)
            if best[i][0] + badness < best[j][0]:
                best[j] = (best[i][0] + badness, i, h)
    rows: list[tuple[float, list[VehicleProfile]]] = []
    j = n
    while j > 0:
        _, i, h = best[j]
        rows.append((h, list(profiles[i:j])))
        j = i
    return rows[::-1]


def _fill_height(aspects: Sequence[float], avail: float) -> float:
    """The image height at which tiles of these aspects (and gaps) are ``avail`` wide.

    A tile is ``max(aspect × h, MIN_TILE_WIDTH)`` wide: with the k widest-aspect tiles
    above their least width, h solves a linear equation; the k that is consistent wins.
    """
    ordered = sorted(aspects, reverse=True)
    n = len(ordered)
    room = avail - TILE_GAP * (n - 1)
    for k in range(n, 0, -1):
        h = (room - MIN_TILE_WIDTH * (n - k)) / sum(ordered[:k])
        if ordered[k - 1] * h >= MIN_TILE_WIDTH and (k == n or ordered[k] * h < MIN_TILE_WIDTH):
            return max(h, 1.0)
    return math.inf  # every tile at its least width: no height fills the row


def _place(
    profiles: Sequence[VehicleProfile], target: float, width: int, text: _Text
) -> tuple[int, list[SheetImage], list[SheetLabel]]:
    avail = width - 2 * PAGE_PAD
    images: list[SheetImage] = []
    labels: list[SheetLabel] = []
    y = float(PAGE_PAD)
    for h, row in _rows(profiles, target, avail):
        tiles = [_tile(p, h, text) for p in row]
        x = float(PAGE_PAD)
        for tile in tiles:
            dx, dy = round(x), round(y)
            images += [
                SheetImage(i.profile_id, i.display_id, _shift(i.box, dx, dy)) for i in tile.images
            ]
            labels += [
                replace(
                    lb, origin=(lb.origin[0] + dx, lb.origin[1] + dy), box=_shift(lb.box, dx, dy)
                )
                for lb in tile.labels
            ]
            x += tile.width + TILE_GAP
        y += max(t.height for t in tiles) + TILE_GAP
    return round(y - TILE_GAP + PAGE_PAD), images, labels


def _shift(box: Rect, dx: float, dy: float) -> Rect:
    return Rect(box.x + dx, box.y + dy, box.width, box.height)


def plan_sheet(
    profiles: Iterable[VehicleProfile],
    measure: Measure,
    *,
    width: int = 2400,
    aspect: float = 1.6,
) -> SheetPlan:
    """Lay out a contact sheet of vehicles on a page ``width`` px wide, near ``aspect`` : 1.

    :param profiles: The vehicles, in order (left to right, then down).
    :param measure: Returns a text's ink box at a size (see :data:`Measure`).
    :param width: The page width in px.
    :param aspect: The page's wished width / height; the row height is chosen for it.
    """
    profiles = list(profiles)
    text = _Text(measure, max(1.0, width / 2400))
    if not profiles:
        return SheetPlan(width, 2 * PAGE_PAD, (), ())
    wanted = width / aspect
    best: tuple[float, float] | None = None
    # The page height grows with the row height, in steps (a vehicle moves to the next
    # row): try heights from the smallest readable picture to half the page's width, keep
    # the nearest to the aspect (a narrow page of many vehicles cannot reach it: it gets
    # the smallest pictures that are still worth looking at, not thumbnails).
    low = min(MIN_IMAGE_HEIGHT, width / 5)
    for step in range(41):
        target = low + (width / 2 - low) * step / 40
        height, _, _ = _place(profiles, target, width, text)
        miss = abs(height - wanted)
        if best is None or miss < best[0]:
            best = (miss, target)
    assert best is not None
    height, images, labels = _place(profiles, best[1], width, text)
    return SheetPlan(width, height, tuple(images), tuple(labels))


def gallery_image_name(profile_id: str, night: bool) -> str:
    """The gallery picture's file name for a vehicle and theme (``polestar-2-night.png``)."""
    return f"{profile_id}-{'night' if night else 'day'}.png"


def gallery_markdown(profiles: Iterable[VehicleProfile], command: str) -> str:
    """The text of docs/gallery.md: one section per vehicle, day then night.

    :param command: The command that regenerates the page, quoted in its header.
    """
    lines = [
        "# Gallery",
        "",
        "Every bundled vehicle with all its displays where they sit on the dashboard, at",
        "their physical sizes relative to each other, drawn by the simulator in the demo",
        "scene (a route across Helsinki, markers, a voice answer and a web page; parked,",
        "12:34), in the day and the night theme.",
        "",
        f"Generated by `{command}`; a test fails when these pictures are stale.",
        "",
    ]
    for profile in profiles:
        displays = ", ".join(display_caption(d) for d in profile.displays)
        lines += [f"## {profile.name}", "", f"`{profile.id}`: {displays}.", ""]
        for night in (False, True):
            theme = "night" if night else "day"
            name = gallery_image_name(profile.id, night)
            lines += [f"![{profile.name}, {theme}]({GALLERY_DIR}/{name})", ""]
    return "\n".join(lines)
