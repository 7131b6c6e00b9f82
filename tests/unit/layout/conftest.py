"""Hypothesis profiles for the layout property tests.

``HYPOTHESIS_PROFILE=ci`` (CI) and the default ``dev`` both run 2,000 examples
per property, as the acceptance criteria ask; ``quick`` is for a fast local loop.
The profiles are registered here but applied only to the layout properties
(``PROPERTY`` in test_layout_engine.py), so loading this conftest does not
change the settings of other packages' tests in the same session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No example database: it would write .hypothesis/ into the shared repository root.
for _name in ("ci", "dev"):
    settings.register_profile(
        _name,
        max_examples=2000,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
settings.register_profile("quick", max_examples=100, deadline=None, database=None)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The directory of hand-written importer fixtures."""
    return FIXTURES
