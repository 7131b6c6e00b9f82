"""What readers of the state need from the profile catalog.

The catalog itself (``service``) loads, solves and swaps profiles, using a
worker process and answering gRPC failures; the UI and the console only read
a profile and its solved layouts. They type against this protocol so that
``ui`` depends on ``state``, never on ``service``.
"""

from __future__ import annotations

from typing import Protocol

from cardeck.layout import DisplayLayout, VehicleProfile


class ProfileSource(Protocol):
    """Read access to the head unit's vehicle profiles and their solved layouts."""

    def get(self, profile_id: str) -> VehicleProfile:
        """The validated profile; raises ``KeyError`` for an unknown id."""
        ...

    def layouts(self, profile_id: str) -> dict[str, DisplayLayout]:
        """Each display's solved layout, keyed by display id."""
        ...
