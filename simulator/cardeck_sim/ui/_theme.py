"""The themes' old home: :mod:`cardeck_sim.ui.theme` holds them now (issue 17).

Kept so the painters' ``from .._theme import …`` keeps working while they move
to ``from ..theme import …``; it adds nothing.
"""

from __future__ import annotations

from .theme import *  # noqa: F403 — the same names, from their new home
from .theme import __all__ as __all__
