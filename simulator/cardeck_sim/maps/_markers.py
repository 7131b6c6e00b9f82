"""Custom POI markers, the map camera and the vehicle pose, with validation."""

from __future__ import annotations

import enum
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ._types import LatLon, MarkerNotFoundError

__all__ = [
    "MAX_ZOOM",
    "Camera",
    "Marker",
    "MarkerShape",
    "MarkerStore",
    "MarkerStyle",
    "VehiclePose",
]

#: Highest zoom level (Web-Mercator, as in common tile servers).
MAX_ZOOM = 22.0
#: Steepest camera tilt in degrees; more would show mostly sky.
MAX_TILT_DEG = 60.0
_MAX_LABEL_CHARS = 64
_MAX_GLYPH_CHARS = 4
_MARKER_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

RGBA = tuple[int, int, int, int]


class MarkerShape(enum.StrEnum):
    """The outline a marker is drawn with."""

    #: A filled circle centred on the position.
    CIRCLE = "circle"
    #: A filled square centred on the position.
    SQUARE = "square"
    #: A map pin whose tip touches the position.
    PIN = "pin"
    #: A square turned by 45°, centred on the position.
    DIAMOND = "diamond"


def _check_rgba(field: str, value: object, problems: list[str]) -> None:
    """Append a sentence to ``problems`` unless ``value`` is four 0–255 integers."""
    if (
        not isinstance(value, tuple)
        or len(value) != 4
        or not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value)
    ):
        problems.append(
            f"Field {field!r} must be four integers 0–255 (red, green, blue, alpha); got {value!r}."
        )


def _check_position(field: str, value: object, problems: list[str]) -> None:
    """Append a sentence to ``problems`` unless ``value`` is a LatLon."""
    if not isinstance(value, LatLon):
        problems.append(f"Field {field!r} must be a LatLon; got {type(value).__name__}.")


@dataclass(frozen=True, slots=True)
class MarkerStyle:
    """How a marker looks.

    :param shape: The outline.
    :param fill_rgba: Fill colour, four integers 0–255.
    :param stroke_rgba: Outline colour, four integers 0–255.
    :param glyph: Up to 4 characters drawn inside (an emoji or letter), or "".
    :param label: Text shown next to the marker, up to 64 characters, or "".
    :param min_zoom: The marker is hidden below this zoom level, 0–22.
    :raises ValueError: Naming every field that is out of range.
    """

    shape: MarkerShape = MarkerShape.PIN
    fill_rgba: RGBA = (229, 57, 53, 255)
    stroke_rgba: RGBA = (255, 255, 255, 255)
    glyph: str = ""
    label: str = ""
    min_zoom: float = 0.0

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.shape, MarkerShape):
            try:
                object.__setattr__(self, "shape", MarkerShape(self.shape))
            except ValueError:
                choices = ", ".join(s.value for s in MarkerShape)
                problems.append(f"Field 'shape' must be one of {choices}; got {self.shape!r}.")
        _check_rgba("fill_rgba", self.fill_rgba, problems)
        _check_rgba("stroke_rgba", self.stroke_rgba, problems)
        if len(self.glyph) > _MAX_GLYPH_CHARS:
            problems.append(
                f"Field 'glyph' must be at most {_MAX_GLYPH_CHARS} characters; "
                f"got {len(self.glyph)}."
            )
        if len(self.label) > _MAX_LABEL_CHARS:
            problems.append(
                f"Field 'label' must be at most {_MAX_LABEL_CHARS} characters; "
                f"got {len(self.label)}."
            )
        if not (math.isfinite(self.min_zoom) and 0 <= self.min_zoom <= MAX_ZOOM):
            problems.append(
                f"Field 'min_zoom' must be between 0 and {MAX_ZOOM:g}; got {self.min_zoom!r}."
            )
        if problems:
            raise ValueError(" ".join(problems))


@dataclass(frozen=True, slots=True)
class Marker:
    """A custom point of interest placed by a client.

    Usage::

        Marker("fuel-1", LatLon(60.17, 24.94), MarkerStyle(MarkerShape.CIRCLE, label="Fuel"))

    :param marker_id: 1–64 characters of letters, digits and ``._:-``.
    :param position: Where the marker stands.
    :param style: How it looks.
    :raises ValueError: If the id is malformed or the position is not a LatLon.
    """

    marker_id: str
    position: LatLon
    style: MarkerStyle = MarkerStyle()

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.marker_id, str) or not _MARKER_ID.match(self.marker_id):
            problems.append(
                "Field 'marker_id' must be 1 to 64 letters, digits, '.', '_', ':' or '-'; "
                f"got {self.marker_id!r}."
            )
        _check_position("position", self.position, problems)
        if not isinstance(self.style, MarkerStyle):
            problems.append(
                f"Field 'style' must be a MarkerStyle; got {type(self.style).__name__}."
            )
        if problems:
            raise ValueError(" ".join(problems))

    @classmethod
    def create(
        cls, marker_id: str, lat: float, lon: float, style: MarkerStyle | None = None
    ) -> Marker:
        """Build a marker from raw coordinates, naming the field that is out of range.

        :raises ValueError: With "position.lat" or "position.lon" for a bad coordinate.
        """
        try:
            position = LatLon(lat, lon)
        except ValueError as exc:
            raise ValueError(str(exc).replace("Field '", "Field 'position.")) from None
        return cls(marker_id, position, style if style is not None else MarkerStyle())


class MarkerStore:
    """The markers on the map, keyed by id; safe to share between threads.

    ``version`` grows with every change, so a view can tell when to redraw.
    The store replaces its mapping on change rather than mutating it, so a
    ``list()`` result never changes under a reader.

    Usage::

        store = MarkerStore()
        store.add([Marker("a", LatLon(60.17, 24.94))])
        store.remove(["a"])
    """

    def __init__(self) -> None:
        self._markers: dict[str, Marker] = {}
        self._lock = threading.Lock()
        self.version = 0

    def add(self, markers: Iterable[Marker], *, replace: bool = False) -> None:
        """Add markers, all or none.

        :param markers: The markers to add.
        :param replace: Replace markers whose id already exists instead of failing.
        :raises ValueError: If an id repeats within ``markers`` or, without
            ``replace``, already exists (every such id is named).
        """
        batch = list(markers)
        for marker in batch:
            if not isinstance(marker, Marker):
                raise ValueError(f"Field 'markers' must hold Marker objects; got {marker!r}.")
        counts = Counter(m.marker_id for m in batch)
        repeated = sorted(k for k, n in counts.items() if n > 1)
        seen = counts.keys()
        with self._lock:
            existing = [] if replace else sorted(seen & self._markers.keys())
            problems = []
            if repeated:
                problems.append(f"Field 'marker_id' repeats within the request: {repeated}.")
            if existing:
                problems.append(
                    f"Field 'marker_id' already exists: {existing}; remove those markers "
                    "first or add with replace=True."
                )
            if problems:
                raise ValueError(" ".join(problems))
            self._markers = {**self._markers, **{m.marker_id: m for m in batch}}
            self.version += 1

    def remove(self, marker_ids: Iterable[str]) -> None:
        """Remove markers by id, all or none.

        :raises MarkerNotFoundError: (a ``KeyError``) Naming every unknown id.
        """
        ids = list(marker_ids)
        with self._lock:
            unknown = sorted(set(ids) - self._markers.keys())
            if unknown:
                raise MarkerNotFoundError(
                    f"Field 'marker_ids' names markers that do not exist: {unknown}; "
                    "list the markers to see the current ids."
                )
            drop = set(ids)
            self._markers = {k: v for k, v in self._markers.items() if k not in drop}
            self.version += 1

    def clear(self) -> None:
        """Remove every marker."""
        with self._lock:
            self._markers = {}
            self.version += 1

    def get(self, marker_id: str) -> Marker:
        """Return one marker.

        :raises MarkerNotFoundError: (a ``KeyError``) If the id is unknown.
        """
        try:
            return self._markers[marker_id]
        except KeyError:
            raise MarkerNotFoundError(
                f"Field 'marker_id' names no marker: {marker_id!r}."
            ) from None

    def list(self, zoom: float | None = None) -> tuple[Marker, ...]:
        """Return the markers in insertion order, only those visible at ``zoom`` if given."""
        markers = self._markers.values()
        if zoom is None:
            return tuple(markers)
        return tuple(m for m in markers if m.style.min_zoom <= zoom)

    def __len__(self) -> int:
        """Return the number of markers."""
        return len(self._markers)


@dataclass(frozen=True, slots=True)
class Camera:
    """What part of the map the view shows.

    Usage::

        Camera(LatLon(60.1699, 24.9384), zoom=16, tilt_deg=30, follow_vehicle=True)

    :param center: The map point in the middle of the viewport.
    :param zoom: Web-Mercator zoom level 0–22 (fractional allowed).
    :param tilt_deg: Perspective tilt 0–60°; the 2-D draw list ignores it,
        the view may apply it as a transform.
    :param follow_vehicle: Centre on the vehicle whenever its pose is known.
    :raises ValueError: Naming every field out of range.
    """

    center: LatLon
    zoom: float = 16.0
    tilt_deg: float = 0.0
    follow_vehicle: bool = False

    def __post_init__(self) -> None:
        problems: list[str] = []
        _check_position("center", self.center, problems)
        if not (math.isfinite(self.zoom) and 0 <= self.zoom <= MAX_ZOOM):
            problems.append(f"Field 'zoom' must be between 0 and {MAX_ZOOM:g}; got {self.zoom!r}.")
        if not (math.isfinite(self.tilt_deg) and 0 <= self.tilt_deg <= MAX_TILT_DEG):
            problems.append(
                f"Field 'tilt_deg' must be between 0 and {MAX_TILT_DEG:g} degrees; "
                f"got {self.tilt_deg!r}."
            )
        if problems:
            raise ValueError(" ".join(problems))


@dataclass(frozen=True, slots=True)
class VehiclePose:
    """Where the vehicle is and which way it points.

    :raises ValueError: If ``heading_deg`` is outside 0–360.
    """

    position: LatLon
    heading_deg: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.heading_deg) and 0 <= self.heading_deg <= 360):
            raise ValueError(
                f"Field 'heading_deg' must be between 0 and 360; got {self.heading_deg!r}."
            )
