"""Vehicle profiles: every display of a car, validated once at the edge.

The solver only ever sees a :class:`VehicleProfile`; anything that reaches it
has passed these checks (CONTRIBUTING.md, "Code style": pydantic at the edges).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cardeck._exceptions import ProfileError, ProfileProblem
from cardeck._names import NAME_PATTERNS
from cardeck._resources import layouts_dir
from cardeck.i18n import SUPPORTED_LOCALES, UnsupportedLocaleError, normalize_locale

from ._limits import (
    MAX_CUTOUTS,
    MAX_DENSITY_DPI,
    MAX_DIAGONAL_IN,
    MAX_DISPLAYS,
    MAX_DP,
    MAX_ID_CHARS,
    MAX_INPUT_MODES,
    MAX_NAME_CHARS,
    MAX_NOTES_CHARS,
    MAX_OVERRIDES,
    MAX_POSITION_MM,
    MAX_PPI,
    MAX_PRIORITY,
    MAX_PX,
    MAX_SHARE,
    MAX_SOURCE_CHARS,
    MAX_SOURCES,
    MAX_VIEWING_MM,
    MIN_DENSITY_DPI,
    MIN_DIAGONAL_IN,
    MIN_PPI,
    MIN_SHARE,
    MIN_VIEWING_MM,
)
from ._yaml import Loc, parse_model
from ._yaml_guard import read_text

__all__ = [
    "DENSITY_BUCKETS",
    "CornerRadii",
    "Cutout",
    "Display",
    "Insets",
    "PanelOverride",
    "VehicleProfile",
    "bundled_layouts_dir",
    "bundled_profiles",
    "load_profile",
    "load_profiles",
    "parse_profile",
]

#: Android's logical density buckets (ldpi … xxhdpi); px = dp × density / 160.
DENSITY_BUCKETS: tuple[int, ...] = (120, 160, 213, 240, 280, 320, 400, 480)

#: How far ``dpi`` may stray from the value implied by diagonal and resolution.
DPI_TOLERANCE = 0.05

Role = Literal["center", "cluster", "passenger", "hud", "rear", "console", "pilot"]
DriverSide = Literal["left", "right"]
InputMode = Literal["touch", "rotary", "hybrid"]
# Profile, display and panel ids follow the API's one rule for names (cardeck._names).
_SLUG = NAME_PATTERNS["profile"]


# Every bound below comes from _limits.py, which gives the reason for each.
Px = Annotated[int, Field(ge=0, le=MAX_PX)]
Slug = Annotated[str, StringConstraints(pattern=_SLUG, max_length=MAX_ID_CHARS)]
Source = Annotated[str, StringConstraints(max_length=MAX_SOURCE_CHARS)]
Dp = Annotated[float, Field(ge=0, le=MAX_DP)]


class _Frozen(BaseModel):
    # NaN and infinity pass ``ge``/``le`` checks in odd ways and turn into
    # OverflowError in the solver's math.ceil, so no float may be one.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Insets(_Frozen):
    """Pixels at each edge that panels must keep clear of (bezel, system bars)."""

    top: Px = 0
    bottom: Px = 0
    left: Px = 0
    right: Px = 0


class CornerRadii(_Frozen):
    """Radius in px of each rounded display corner; 0 is a square corner."""

    top_left: Px = 0
    top_right: Px = 0
    bottom_right: Px = 0
    bottom_left: Px = 0


class Cutout(_Frozen):
    """A rectangle of the panel in px that shows nothing (camera, knob, notch)."""

    x: Px
    y: Px
    width: int = Field(gt=0, le=MAX_PX)
    height: int = Field(gt=0, le=MAX_PX)


class Display(_Frozen):
    """One screen of the vehicle.

    Give ``diagonal_in`` or ``dpi`` (physical pixels per inch) or both; when both
    are given they must agree within 5 %. ``density_dpi`` is Android's logical
    density; it defaults to the bucket nearest the physical ppi.

    Example::

        Display(id="center", role="center", width_px=1920, height_px=720, diagonal_in=12.3)
    """

    id: Slug
    role: Role
    width_px: int = Field(gt=0, le=MAX_PX)
    height_px: int = Field(gt=0, le=MAX_PX)
    diagonal_in: float | None = Field(default=None, ge=MIN_DIAGONAL_IN, le=MAX_DIAGONAL_IN)
    dpi: float | None = Field(default=None, ge=MIN_PPI, le=MAX_PPI)
    density_dpi: int | None = Field(default=None, ge=MIN_DENSITY_DPI, le=MAX_DENSITY_DPI)
    x_mm: float = Field(default=0.0, ge=-MAX_POSITION_MM, le=MAX_POSITION_MM)
    y_mm: float = Field(default=0.0, ge=-MAX_POSITION_MM, le=MAX_POSITION_MM)
    insets: Insets = Insets()
    corner_radii: CornerRadii = CornerRadii()
    cutouts: tuple[Cutout, ...] = Field(default=(), max_length=MAX_CUTOUTS)
    driver_side: DriverSide | None = None
    viewing_distance_mm: float = Field(default=750.0, ge=MIN_VIEWING_MM, le=MAX_VIEWING_MM)
    input_modes: tuple[InputMode, ...] = Field(default=("touch",), max_length=MAX_INPUT_MODES)
    curved: bool = False
    # None: the role decides (see visible_to_driver); false e.g. for a privacy filter.
    driver_visible: bool | None = None

    @model_validator(mode="after")
    def _check_physical(self) -> Display:
        if self.diagonal_in is None and self.dpi is None:
            raise PydanticCustomError(
                "profile",
                f"Display '{self.id}' gives neither diagonal_in nor dpi, so its physical "
                "size is unknown; add one of them.",
                {"field": "diagonal_in"},
            )
        if self.diagonal_in is not None and self.dpi is None:
            implied = math.hypot(self.width_px, self.height_px) / self.diagonal_in
            if not MIN_PPI <= implied <= MAX_PPI:
                raise PydanticCustomError(
                    "profile",
                    f"A {self.diagonal_in:g}-inch diagonal at {self.width_px}x{self.height_px} "
                    f"px gives {implied:.3g} ppi, outside the {MIN_PPI:g} to {MAX_PPI:g} ppi "
                    "that automotive displays have; correct diagonal_in or the resolution.",
                    {"field": "diagonal_in"},
                )
        if self.diagonal_in is not None and self.dpi is not None:
            implied = math.hypot(self.width_px, self.height_px) / self.diagonal_in
            off = abs(self.dpi - implied) / implied
            if off > DPI_TOLERANCE:
                raise PydanticCustomError(
                    "profile",
                    f"dpi is {self.dpi:g}, but a {self.diagonal_in:g}-inch diagonal at "
                    f"{self.width_px}x{self.height_px} px gives {implied:.1f} ppi "
                    f"({off * 100:.0f}% off, at most 5% is allowed); correct dpi or "
                    "diagonal_in, or remove one of them.",
                    {"field": "dpi"},
                )
        for index, cut in enumerate(self.cutouts):
            if cut.x + cut.width > self.width_px or cut.y + cut.height > self.height_px:
                raise PydanticCustomError(
                    "profile",
                    f"Cutout {index} reaches past the {self.width_px}x{self.height_px} px "
                    "display; keep every cutout inside the display.",
                    {"field": f"cutouts.{index}"},
                )
        return self

    @property
    def visible_to_driver(self) -> bool:
        """Whether the driver can see this display, so that it locks while driving.

        ``driver_visible`` when the profile gives it; otherwise true for every role
        but ``rear`` (a passenger screen is visible unless it says
        ``driver_visible: false``, e.g. behind a privacy filter).
        """
        if self.driver_visible is not None:
            return self.driver_visible
        return self.role != "rear"

    @property
    def physical_ppi(self) -> float:
        """Physical pixels per inch: ``dpi`` if given, else from diagonal and resolution."""
        if self.dpi is not None:
            return self.dpi
        assert self.diagonal_in is not None  # guaranteed by _check_physical
        return math.hypot(self.width_px, self.height_px) / self.diagonal_in

    @property
    def logical_density(self) -> int:
        """Android logical density: ``density_dpi`` or the bucket nearest the physical ppi."""
        if self.density_dpi is not None:
            return self.density_dpi
        ppi = self.physical_ppi
        return min(DENSITY_BUCKETS, key=lambda bucket: (abs(bucket - ppi), bucket))

    @property
    def diagonal(self) -> float:
        """Diagonal in inches: given, or derived from the physical ppi."""
        if self.diagonal_in is not None:
            return self.diagonal_in
        return math.hypot(self.width_px, self.height_px) / self.physical_ppi


class PanelOverride(_Frozen):
    """A per-vehicle change to one panel of the template.

    Fields left out keep the template's value.
    """

    role: Role
    panel: Slug
    enabled: bool | None = None
    priority: int | None = Field(default=None, ge=0, le=MAX_PRIORITY)
    min_width_dp: Dp | None = None
    min_height_dp: Dp | None = None
    max_width_dp: float | None = Field(default=None, gt=0, le=MAX_DP)
    max_height_dp: float | None = Field(default=None, gt=0, le=MAX_DP)
    share: float | None = Field(default=None, ge=MIN_SHARE, le=MAX_SHARE)


class VehicleProfile(_Frozen):
    """A vehicle and all of its displays, as loaded from ``layouts/vehicles/*.yaml``.

    Example::

        profile = load_profile("layouts/vehicles/polestar-2.yaml")
        layouts = solve_profile(profile)
    """

    id: Slug
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    sources: tuple[Source, ...] = Field(min_length=1, max_length=MAX_SOURCES)
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    driver_side: DriverSide = "left"
    #: The head unit's default locale ("ko", "ar", …); ``None`` is English. It sets
    #: the reading direction (``ar`` mirrors start and end) and the text-fit rule's strings.
    locale: str | None = None
    template: Slug = "default"
    template_overrides: tuple[PanelOverride, ...] = Field(default=(), max_length=MAX_OVERRIDES)
    displays: tuple[Display, ...] = Field(min_length=1, max_length=MAX_DISPLAYS)

    @field_validator("locale")
    @classmethod
    def _shipped_locale(cls, locale: str | None) -> str | None:
        if locale is None:
            return None
        try:
            return normalize_locale(locale)
        except UnsupportedLocaleError:
            raise PydanticCustomError(
                "profile",
                f"The locale {_short_repr(locale)} is not one CarDeck ships; use one of "
                f"{', '.join(SUPPORTED_LOCALES)}, or leave 'locale' out for English.",
            ) from None

    @field_validator("displays")
    @classmethod
    def _unique_ids(cls, displays: tuple[Display, ...]) -> tuple[Display, ...]:
        problems = _duplicate_ids([d.id for d in displays])
        if problems:
            loc, message = problems[0]
            raise PydanticCustomError(
                "profile", message, {"field": ".".join(str(p) for p in loc[1:])}
            )
        return displays

    def display(self, display_id: str) -> Display:
        """Return the display with ``display_id``.

        :raises ProfileError: when the vehicle has no such display.
        """
        for display in self.displays:
            if display.id == display_id:
                return display
        known = ", ".join(d.id for d in self.displays)
        raise ProfileError(
            f"Vehicle '{self.id}' has no display '{display_id}'; use one of: {known}."
        )

    def driver_side_of(self, display: Display) -> DriverSide:
        """The display's driver side, falling back to the vehicle's."""
        return display.driver_side or self.driver_side


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _duplicate_ids(ids: Iterable[Any]) -> list[tuple[Loc, str]]:
    seen: dict[Any, int] = {}
    out: list[tuple[Loc, str]] = []
    for index, display_id in enumerate(ids):
        if display_id in seen:
            out.append(
                (
                    ("displays", index, "id"),
                    f"Display id '{display_id}' is used twice (displays {seen[display_id]} "
                    f"and {index}); give every display its own id.",
                )
            )
        else:
            seen[display_id] = index
    return out


def _raw_checks(data: Any) -> list[tuple[Loc, str]]:
    """Checks that must run even when pydantic stops early on other errors."""
    if not isinstance(data, dict) or not isinstance(data.get("displays"), list):
        return []
    # Only strings: an id written as a mapping is unhashable, and pydantic
    # already reports it as the wrong type.
    ids = [d.get("id") if isinstance(d, dict) else None for d in data["displays"]]
    return _duplicate_ids(i for i in ids if isinstance(i, str))


def parse_profile(text: str, filename: str = "<string>") -> VehicleProfile:
    """Validate YAML text as a vehicle profile.

    :param text: the YAML document.
    :param filename: the name used in problem messages.
    :raises ProfileError: listing every problem, each with file:line:column.
    """
    return parse_model(VehicleProfile, text, filename, "vehicle profile", _raw_checks)


def load_profile(path: str | os.PathLike[str]) -> VehicleProfile:
    """Read and validate one vehicle profile file.

    :param path: a ``.yaml`` file.
    :raises ProfileError: when the file cannot be read or is invalid.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ProfileError(
            f"Could not read the profile {path}: {exc.strerror}; check the path."
        ) from exc
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _PROFILE_CACHE.get(key)
    if cached is not None:
        return cached
    text = read_text(path, "vehicle profile", "profile")
    profile = parse_profile(text, str(path))
    _PROFILE_CACHE[key] = profile
    return profile


# Profiles are frozen, so a parsed file can be shared until it changes on disk;
# composing YAML twice with marks costs more than solving every display.
_PROFILE_CACHE: dict[tuple[str, int, int], VehicleProfile] = {}


def load_profiles(directory: str | os.PathLike[str]) -> dict[str, VehicleProfile]:
    """Load every ``*.yaml`` profile in a directory, keyed by vehicle id.

    :raises ProfileError: listing the problems of every bad file, or a vehicle id
        used by two files.
    """
    directory = Path(directory)
    profiles: dict[str, VehicleProfile] = {}
    origins: dict[str, Path] = {}
    problems: list[ProfileProblem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            problems.extend(exc.problems or [ProfileProblem(str(path), 0, 0, "", str(exc))])
            continue
        if profile.id in profiles:
            problems.append(
                ProfileProblem(
                    str(path),
                    0,
                    0,
                    "id",
                    f"Vehicle id '{profile.id}' is already used by {origins[profile.id]}; "
                    "give each profile its own id.",
                )
            )
            continue
        profiles[profile.id] = profile
        origins[profile.id] = path
    if problems:
        raise ProfileError(
            f"Some profiles in {directory} are invalid; fix the problems below.", problems
        )
    return profiles


def bundled_layouts_dir() -> Path:
    """Return the directory that holds ``vehicles/`` and ``templates/``.

    The package's own copy (``cardeck/_layouts`` in a wheel, ``layouts/`` in a checkout);
    ``CARDECK_LAYOUTS_DIR`` overrides it.
    """
    return layouts_dir()


def bundled_profiles() -> dict[str, VehicleProfile]:
    """Load every profile shipped in ``layouts/vehicles``, keyed by vehicle id.

    :raises ProfileError: when a bundled profile is invalid.
    """
    return load_profiles(bundled_layouts_dir() / "vehicles")
