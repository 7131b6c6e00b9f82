"""The vehicle profiles a head unit knows, their source YAML, and their solved layouts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from cardeck import ProfileError
from cardeck._models import display_layout_to_proto
from cardeck.layout import (
    DisplayLayout,
    VehicleProfile,
    bundled_layouts_dir,
    load_profiles,
    solve_profile,
)
from cardeck.v1 import layout_service_pb2, types_pb2

from ._profile_worker import ProfileWorker
from ._status import RpcFailure

# The profile a head unit starts with when none is named: the common
# 1920×720 12.3-inch "panoramic" cluster + centre pair (Hyundai/Kia ccNC class).
DEFAULT_PROFILE_ID = "hyundai-kia-ccnc"

_ROLE = {
    "center": types_pb2.DISPLAY_ROLE_CENTER,
    "cluster": types_pb2.DISPLAY_ROLE_CLUSTER,
    "passenger": types_pb2.DISPLAY_ROLE_PASSENGER,
    "hud": types_pb2.DISPLAY_ROLE_HUD,
    "rear": types_pb2.DISPLAY_ROLE_REAR,
    "console": types_pb2.DISPLAY_ROLE_CONSOLE,
    "pilot": types_pb2.DISPLAY_ROLE_PILOT,
}


class UnknownProfileError(KeyError):
    """A profile id the catalog does not hold."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class CatalogEntry:
    """One profile with where it came from."""

    profile: VehicleProfile
    yaml: str
    source: layout_service_pb2.ProfileSource.ValueType = layout_service_pb2.PROFILE_SOURCE_BUNDLED
    package_name: str = ""


class ProfileCatalog:
    """Profiles by id, with their solved layouts cached (profiles are immutable).

    :param entries: catalog entries by profile id.
    """

    def __init__(self, entries: Mapping[str, CatalogEntry]) -> None:
        self._entries = dict(entries)
        # Keyed by (profile id, locale): a right-to-left locale mirrors reading order
        # and every locale fits its own strings, so each solves on its own.
        self._layouts: dict[tuple[str, str | None], dict[str, DisplayLayout]] = {}
        #: The head unit's locale, read at each solve (the root wires it to the store);
        #: None solves each profile in its own default locale.
        self.locale: Callable[[], str | None] = lambda: None

    @classmethod
    def load(cls, directory: Path | None = None) -> ProfileCatalog:
        """The profiles of a directory of YAML files (default: the bundled ones)."""
        directory = directory or bundled_layouts_dir() / "vehicles"
        profiles = load_profiles(directory)
        texts = {}
        for path in sorted(directory.glob("*.yaml")):
            texts[path.stem] = path.read_text()
        entries = {
            pid: CatalogEntry(profile, texts.get(pid, "")) for pid, profile in profiles.items()
        }
        return cls(entries)

    def replace_installed(self, package_name: str, profile_paths: list[Path]) -> list[str]:
        """Make the profiles of a package's active version the ones the catalog offers.

        Profiles of the package's previous version that the new one lacks are
        dropped; bundled profiles keep their ids unless a package overrides them.
        Returns the ids now provided by the package.
        """
        from cardeck.layout import load_profile

        for pid in [p for p, e in self._entries.items() if e.package_name == package_name]:
            del self._entries[pid]
            self._forget(pid)
        ids = []
        for path in profile_paths:
            profile = load_profile(path)
            self._entries[profile.id] = CatalogEntry(
                profile,
                path.read_text(),
                layout_service_pb2.PROFILE_SOURCE_INSTALLED,
                package_name,
            )
            self._forget(profile.id)
            ids.append(profile.id)
        return ids

    def _forget(self, profile_id: str) -> None:
        for key in [k for k in self._layouts if k[0] == profile_id]:
            del self._layouts[key]

    def ids(self) -> list[str]:
        """Every profile id, sorted."""
        return sorted(self._entries)

    def entry(self, profile_id: str) -> CatalogEntry:
        """The entry for a profile id.

        :raises UnknownProfileError: with a sentence naming the known ids.
        """
        try:
            return self._entries[profile_id]
        except KeyError:
            raise UnknownProfileError(
                f"There is no vehicle profile {profile_id!r}. Known profiles: "
                f"{', '.join(self.ids()) or 'none'}."
            ) from None

    def get(self, profile_id: str) -> VehicleProfile:
        """The profile with this id (see :meth:`entry`)."""
        return self.entry(profile_id).profile

    def driver_visibility(self, profile_id: str) -> tuple[tuple[str, bool], ...]:
        """Each display of a profile with whether the driver can see it; () for an unknown id."""
        entry = self._entries.get(profile_id)
        if entry is None:
            return ()
        return tuple((d.id, d.visible_to_driver) for d in entry.profile.displays)

    def resolve(self, profile_id: str) -> str:
        """The id to start with: the one given (it must exist) or the default."""
        if profile_id:
            self.get(profile_id)
            return profile_id
        if DEFAULT_PROFILE_ID in self._entries:
            return DEFAULT_PROFILE_ID
        return self.ids()[0] if self._entries else ""

    def layouts(self, profile_id: str) -> dict[str, DisplayLayout]:
        """The solved layout of each display of a profile in the locale, solved once.

        :raises ProfileError: when a display cannot be laid out.
        """
        key = (profile_id, self.locale())
        if key not in self._layouts:
            self._layouts[key] = solve_profile(self.get(profile_id), locale=key[1])
        return self._layouts[key]

    def solved(self, profile_id: str) -> tuple[VehicleProfile, dict[str, DisplayLayout]]:
        """A profile and its layouts, or the RPC failure to answer with.

        :raises RpcFailure: NOT_FOUND for an unknown id, FAILED_PRECONDITION when a
            display cannot be laid out.
        """
        try:
            return self.get(profile_id), self.layouts(profile_id)
        except (UnknownProfileError, ProfileError) as exc:
            raise _solve_failure(profile_id, exc) from exc

    async def asolved(
        self, profile_id: str, worker: ProfileWorker | None
    ) -> tuple[VehicleProfile, dict[str, DisplayLayout]]:
        """:meth:`solved`, with a profile that is not solved yet solved in ``worker``.

        Installed profiles come from bundles (signed, but written by others), so they are
        solved where a runaway solve cannot stall the event loop; the bundled ones ship with
        this code and solve in under 50 ms together, so they skip the worker's start-up.

        :raises RpcFailure: as :meth:`solved`, and RESOURCE_EXHAUSTED from the worker.
        """
        entry = self._entries.get(profile_id)
        installed = (
            entry is not None and entry.source == layout_service_pb2.PROFILE_SOURCE_INSTALLED
        )
        key = (profile_id, self.locale())
        if worker is not None and installed and key not in self._layouts:
            assert entry is not None
            try:
                layouts = await worker.run("solve", entry.profile, key[1])
            except ProfileError as exc:
                raise _solve_failure(profile_id, exc) from exc
            if self._entries.get(profile_id) is entry:  # not replaced meanwhile
                self._layouts[key] = layouts
        return self.solved(profile_id)

    def displays(self, profile_id: str) -> list[types_pb2.Display]:
        """The displays of a profile in their wire form."""
        if not profile_id:
            return []
        return [display_to_proto(d) for d in self.get(profile_id).displays]

    def summary(self, profile_id: str) -> layout_service_pb2.ProfileSummary:
        """The wire summary of a profile."""
        entry = self.entry(profile_id)
        return layout_service_pb2.ProfileSummary(
            profile_id=profile_id,
            name=entry.profile.name,
            displays=self.displays(profile_id),
            source=entry.source,
            package_name=entry.package_name,
        )

    def layouts_to_proto(
        self, profile: VehicleProfile, layouts: Mapping[str, DisplayLayout], display_id: str = ""
    ) -> list[layout_service_pb2.DisplayLayout]:
        """Wire layouts of a profile, optionally of one display."""
        return [
            display_layout_to_proto(layouts[d.id], display_to_proto(d))
            for d in profile.displays
            if d.id in layouts and (not display_id or d.id == display_id)
        ]


def _solve_failure(profile_id: str, exc: UnknownProfileError | ProfileError) -> RpcFailure:
    """NOT_FOUND for an unknown id, FAILED_PRECONDITION for a profile that cannot be laid out."""
    if isinstance(exc, UnknownProfileError):
        return RpcFailure(grpc.StatusCode.NOT_FOUND, str(exc), reason="PROFILE_NOT_FOUND")
    return RpcFailure(
        grpc.StatusCode.FAILED_PRECONDITION,
        f"Profile {profile_id!r} cannot be laid out: {exc}",
        reason="PROFILE_UNSOLVABLE",
    )


def display_to_proto(display: Any) -> types_pb2.Display:
    """Convert a profile's display to ``cardeck.v1.Display``."""
    return types_pb2.Display(
        display_id=display.id,
        role=_ROLE.get(display.role, types_pb2.DISPLAY_ROLE_UNSPECIFIED),
        width_px=display.width_px,
        height_px=display.height_px,
        density_dpi=int(display.logical_density),
        physical_ppi=float(display.physical_ppi),
        diagonal_in=float(display.diagonal),
    )
