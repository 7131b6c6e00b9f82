"""The vehicle profiles a head unit knows, and their wire descriptions."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from cardeck.v1 import types_pb2

log = logging.getLogger(__name__)

# The profile a head unit starts with when none is named: the common
# 1920×720 12.3-inch "panoramic" centre display (Hyundai/Kia ccNC class).
DEFAULT_PROFILE_ID = "hyundai-kia-ccnc"

_ROLE = {
    "center": types_pb2.DISPLAY_ROLE_CENTER,
    "cluster": types_pb2.DISPLAY_ROLE_CLUSTER,
    "passenger": types_pb2.DISPLAY_ROLE_PASSENGER,
    "hud": types_pb2.DISPLAY_ROLE_HUD,
    "rear": types_pb2.DISPLAY_ROLE_REAR,
}


class UnknownProfileError(KeyError):
    """A profile id the catalog does not hold."""


class ProfileCatalog:
    """Profiles by id.

    :param profiles: validated ``cardeck.layout.VehicleProfile`` objects by id.
    """

    def __init__(self, profiles: Mapping[str, Any]) -> None:
        self._profiles = dict(profiles)

    @classmethod
    def load(cls) -> ProfileCatalog:
        """The bundled profiles."""
        from cardeck.layout import bundled_profiles

        return cls(bundled_profiles())

    def ids(self) -> list[str]:
        """Every profile id, sorted."""
        return sorted(self._profiles)

    def get(self, profile_id: str) -> Any:
        """The profile with this id.

        :raises UnknownProfileError: with a sentence naming the known ids.
        """
        try:
            return self._profiles[profile_id]
        except KeyError:
            raise UnknownProfileError(
                f"There is no vehicle profile {profile_id!r}. Known profiles: "
                f"{', '.join(self.ids()) or 'none'}."
            ) from None

    def resolve(self, profile_id: str) -> str:
        """The id to start with: the one given (it must exist) or the default."""
        if profile_id:
            self.get(profile_id)
            return profile_id
        if DEFAULT_PROFILE_ID in self._profiles:
            return DEFAULT_PROFILE_ID
        return self.ids()[0] if self._profiles else ""

    def displays(self, profile_id: str) -> list[types_pb2.Display]:
        """The displays of a profile in their wire form."""
        if not profile_id:
            return []
        return [display_to_proto(d) for d in self.get(profile_id).displays]


def display_to_proto(display: Any) -> types_pb2.Display:
    """Convert a profile's display to ``cardeck.v1.Display``."""
    return types_pb2.Display(
        display_id=display.id,
        role=_ROLE.get(display.role, types_pb2.DISPLAY_ROLE_UNSPECIFIED),
        width_px=display.width_px,
        height_px=display.height_px,
        density_dpi=int(display.logical_density),
        physical_ppi=float(display.physical_ppi or 0.0),
        diagonal_in=float(display.diagonal),
    )
