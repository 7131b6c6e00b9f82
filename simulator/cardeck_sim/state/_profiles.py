"""What readers of the state need from the profile catalog and the head unit.

The catalog itself (``service``) loads, solves and swaps profiles, using a
worker process and answering gRPC failures; the UI and the console only read
a profile and its solved layouts. The head unit (``headunit``, the composition
root) holds the store and the catalog. Readers type against these protocols so
that ``ui`` depends on ``state``, never on ``service`` or the root above it.
"""

from __future__ import annotations

from typing import Protocol

from cardeck.layout import DisplayLayout, VehicleProfile

from ._store import StateStore


class ProfileSource(Protocol):
    """Read access to the head unit's vehicle profiles and their solved layouts."""

    def get(self, profile_id: str) -> VehicleProfile:
        """The validated profile; raises ``KeyError`` for an unknown id."""
        ...

    def layouts(self, profile_id: str) -> dict[str, DisplayLayout]:
        """Each display's solved layout, keyed by display id."""
        ...


class HeadUnitView(Protocol):
    """What the window needs of a running head unit: its store and its profiles."""

    @property
    def store(self) -> StateStore:
        """The state store the window shows and changes."""
        ...

    @property
    def catalog(self) -> ProfileSource:
        """The vehicle profiles and their solved layouts."""
        ...
