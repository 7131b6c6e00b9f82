"""Layout templates: which panels each display role shows and how they are arranged.

A template lists, per display role, the panels with their priority and size
limits in dp, and a list of arrangements. Each arrangement is a tree of rows
and columns chosen by the safe area's aspect class and Android width class;
the first arrangement whose conditions match wins.

Arrangements are written for a left-hand-drive car read left to right. Two
things can mirror a row: the driver sitting on the right (everything mirrors,
so the controls stay next to the driver) and a right-to-left locale (only the
nodes that follow reading order mirror). A node's ``anchor`` says which it is:
``driver`` nodes are placed for the driver (the dock, controls toward the
driver: driver side is physical, not textual) and keep their slot when the
reading direction changes; ``reading`` nodes (lists, status items, secondary
panels) swap with each other. Unset, a dock panel is ``driver`` and everything
else ``reading``; a row or column is ``driver`` when a node in it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from cardeck._exceptions import ProfileError

from ._limits import MAX_DP, MAX_PRIORITY, MAX_SHARE, MIN_SHARE
from ._profile import PanelOverride, Role, bundled_layouts_dir
from ._yaml import parse_model
from ._yaml_guard import read_text

__all__ = [
    "ASPECT_CLASSES",
    "FORBIDDEN_KINDS",
    "WIDTH_CLASSES",
    "Anchor",
    "Arrangement",
    "LayoutNode",
    "PanelSpec",
    "RoleTemplate",
    "Template",
    "aspect_class",
    "bundled_templates",
    "load_template",
    "parse_template",
    "width_class",
]

AspectClass = Literal["portrait", "square", "landscape", "wide", "ultrawide"]
WidthClass = Literal["narrow", "standard", "wide", "extra-wide"]
#: Where a node sits in its row: placed for the driver, or in reading order.
Anchor = Literal["driver", "reading"]
#: Panel kinds placed for the driver unless a node says otherwise.
DRIVER_KINDS: frozenset[str] = frozenset({"dock"})
PanelKind = Literal[
    "status_bar",
    "map",
    "voice",
    "browser",
    "dock",
    "guidance_card",
    "speed",
    "next_maneuver",
    "climate",
]
#: Panel kinds a role may never show: a console is used by feel while driving,
#: so it gets no map and no browser, whatever the template says.
FORBIDDEN_KINDS: dict[str, frozenset[str]] = {"console": frozenset({"map", "browser"})}
ASPECT_CLASSES: tuple[AspectClass, ...] = ("portrait", "square", "landscape", "wide", "ultrawide")
WIDTH_CLASSES: tuple[WidthClass, ...] = ("narrow", "standard", "wide", "extra-wide")
_SLUG = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"


def aspect_class(width: float, height: float) -> AspectClass:
    """Classify width/height: portrait < 0.9 ≤ square < 1.4 ≤ landscape < 2.2 ≤ wide < 3.2."""
    ratio = width / height
    if ratio < 0.9:
        return "portrait"
    if ratio < 1.4:
        return "square"
    if ratio < 2.2:
        return "landscape"
    if ratio < 3.2:
        return "wide"
    return "ultrawide"


def width_class(width_dp: float) -> WidthClass:
    """Android's width breakpoints: narrow < 600 dp ≤ standard < 930 ≤ wide < 1280."""
    if width_dp < 600:
        return "narrow"
    if width_dp < 930:
        return "standard"
    if width_dp < 1280:
        return "wide"
    return "extra-wide"


class _Frozen(BaseModel):
    # Finite floats only, as in _profile.py: NaN and infinity break the solver.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PanelSpec(_Frozen):
    """One panel a role can show.

    ``essential`` panels never collapse: if they do not fit, the display is
    impossible. ``dock_items`` is the number of fixed tabs a dock carries
    before collapsed panels add theirs.
    """

    id: str = Field(pattern=_SLUG)
    kind: PanelKind
    priority: int = Field(default=50, ge=0, le=MAX_PRIORITY)
    essential: bool = False
    min_width_dp: float = Field(default=0, ge=0, le=MAX_DP)
    min_height_dp: float = Field(default=0, ge=0, le=MAX_DP)
    max_width_dp: float | None = Field(default=None, gt=0, le=MAX_DP)
    max_height_dp: float | None = Field(default=None, gt=0, le=MAX_DP)
    share: float = Field(default=1.0, ge=MIN_SHARE, le=MAX_SHARE)
    # Lines, characters and dock tabs multiply touch and text sizes in px, so
    # they stay within what a screen of MAX_PX could ever show.
    text_lines: int = Field(default=1, ge=0, le=100)
    text_chars: int = Field(default=0, ge=0, le=1_000)
    dock_items: int = Field(default=0, ge=0, le=100)


class LayoutNode(_Frozen):
    """A node of an arrangement: a panel, or a row/column of child nodes.

    ``share`` is the node's preferred part of its parent along the parent's axis
    (a strong constraint); for panels the panel's own share is used if unset.
    ``anchor`` says whether a right-to-left locale moves the node (``reading``)
    or not (``driver``); unset, see the module docstring.
    """

    panel: str | None = None
    row: tuple[LayoutNode, ...] | None = None
    column: tuple[LayoutNode, ...] | None = None
    share: float | None = Field(default=None, ge=MIN_SHARE, le=MAX_SHARE)
    anchor: Anchor | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> LayoutNode:
        given = [name for name in ("panel", "row", "column") if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "template",
                "A layout node needs exactly one of 'panel', 'row' or 'column' "
                f"(found {', '.join(given) or 'none'}); split it into separate nodes.",
            )
        children = self.row if self.row is not None else self.column
        if children is not None and not children:
            raise PydanticCustomError(
                "template", "A row or column needs at least one child node; add one."
            )
        return self

    def panel_ids(self) -> list[str]:
        """Every panel id in this subtree, in order."""
        if self.panel is not None:
            return [self.panel]
        out: list[str] = []
        for child in self.row or self.column or ():
            out.extend(child.panel_ids())
        return out


class Arrangement(_Frozen):
    """A layout tree and the aspect/width classes it is meant for (empty = any)."""

    aspect: tuple[AspectClass, ...] = ()
    width: tuple[WidthClass, ...] = ()
    layout: LayoutNode

    def matches(self, aspect: AspectClass, width: WidthClass) -> bool:
        """Whether this arrangement applies to a safe area of these classes."""
        return (not self.aspect or aspect in self.aspect) and (
            not self.width or width in self.width
        )


class RoleTemplate(_Frozen):
    """Panels and arrangements for one display role."""

    panels: tuple[PanelSpec, ...] = Field(min_length=1)
    arrangements: tuple[Arrangement, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_refs(self) -> RoleTemplate:
        ids = [p.id for p in self.panels]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise PydanticCustomError(
                "template", f"Panel id '{dup}' is declared twice; keep one.", {"field": "panels"}
            )
        if not any(p.essential for p in self.panels):
            raise PydanticCustomError(
                "template",
                "No panel is marked essential, so any display could collapse to nothing; "
                "mark the primary panel 'essential: true'.",
                {"field": "panels"},
            )
        for index, arrangement in enumerate(self.arrangements):
            used = arrangement.layout.panel_ids()
            for panel_id in used:
                if panel_id not in ids:
                    raise PydanticCustomError(
                        "template",
                        f"Arrangement {index} places panel '{panel_id}', which is not declared "
                        f"in panels ({', '.join(ids)}); declare it or fix the name.",
                        {"field": f"arrangements.{index}.layout"},
                    )
            if len(set(used)) != len(used):
                raise PydanticCustomError(
                    "template",
                    f"Arrangement {index} places a panel twice; place each panel once.",
                    {"field": f"arrangements.{index}.layout"},
                )
        if self.arrangements[-1].aspect or self.arrangements[-1].width:
            raise PydanticCustomError(
                "template",
                "The last arrangement must match every shape (no 'aspect' or 'width'), so "
                "that every display gets one; add a catch-all arrangement at the end.",
                {"field": f"arrangements.{len(self.arrangements) - 1}"},
            )
        return self

    def panel(self, panel_id: str) -> PanelSpec:
        """Return the panel spec with this id (it must exist)."""
        return next(p for p in self.panels if p.id == panel_id)

    def with_overrides(self, overrides: tuple[PanelOverride, ...]) -> RoleTemplate:
        """Apply per-vehicle overrides; disabled panels drop out of every arrangement."""
        if not overrides:
            return self
        panels: list[PanelSpec] = []
        for spec in self.panels:
            updates: dict[str, object] = {}
            enabled = True
            for override in overrides:
                if override.panel != spec.id:
                    continue
                if override.enabled is not None:
                    enabled = override.enabled
                for name in (
                    "priority",
                    "min_width_dp",
                    "min_height_dp",
                    "max_width_dp",
                    "max_height_dp",
                    "share",
                ):
                    value = getattr(override, name)
                    if value is not None:
                        updates[name] = value
            if enabled or spec.essential:
                panels.append(spec.model_copy(update=updates))
        return self.model_copy(update={"panels": tuple(panels)})


class Template(_Frozen):
    """A named set of role templates, loaded from ``layouts/templates/*.yaml``."""

    name: str = Field(pattern=_SLUG)
    description: str = ""
    roles: dict[Role, RoleTemplate]

    @model_validator(mode="after")
    def _check_allowed_kinds(self) -> Template:
        for role, role_template in self.roles.items():
            forbidden = FORBIDDEN_KINDS.get(role, frozenset())
            for index, spec in enumerate(role_template.panels):
                if spec.kind in forbidden:
                    raise PydanticCustomError(
                        "template",
                        f"The {role} role declares panel '{spec.id}' of kind {spec.kind}, "
                        f"which a {role} display never shows (not allowed: "
                        f"{', '.join(sorted(forbidden))}); remove the panel from the {role} role.",
                        {"field": f"roles.{role}.panels.{index}"},
                    )
        return self

    def for_role(self, role: Role) -> RoleTemplate:
        """Return the role's template.

        :raises ProfileError: when this template has nothing for ``role``.
        """
        try:
            return self.roles[role]
        except KeyError:
            raise ProfileError(
                f"Template '{self.name}' has no layout for the '{role}' role; add a "
                f"'{role}' entry under roles or pick another template."
            ) from None


def parse_template(text: str, filename: str = "<string>") -> Template:
    """Validate YAML text as a layout template.

    :raises ProfileError: listing every problem with file:line:column.
    """
    return parse_model(Template, text, filename, "layout template")


def load_template(path: str | os.PathLike[str]) -> Template:
    """Read and validate one template file.

    :raises ProfileError: when it cannot be read or is invalid.
    """
    path = Path(path)
    return parse_template(read_text(path, "layout template", "template"), str(path))


_TEMPLATE_CACHE: dict[tuple[Path, str, float], Template] = {}


def bundled_templates() -> dict[str, Template]:
    """Load every template in ``layouts/templates``, keyed by name.

    Parsed templates are cached by path and modification time, since every
    solve needs one and parsing is slower than solving.

    :raises ProfileError: when a bundled template is invalid.
    """
    out: dict[str, Template] = {}
    for path in sorted((bundled_layouts_dir() / "templates").glob("*.yaml")):
        key = (path, path.name, path.stat().st_mtime)
        template = _TEMPLATE_CACHE.get(key)
        if template is None:
            template = load_template(path)
            _TEMPLATE_CACHE[key] = template
        out[template.name] = template
    return out


def get_template(name: str) -> Template:
    """Return the bundled template called ``name``.

    :raises ProfileError: when there is no such template.
    """
    templates = bundled_templates()
    if name not in templates:
        known = ", ".join(sorted(templates)) or "none"
        raise ProfileError(
            f"There is no layout template '{name}' (bundled: {known}); add "
            f"layouts/templates/{name}.yaml or set 'template' to a bundled one."
        )
    return templates[name]
