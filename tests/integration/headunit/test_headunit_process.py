"""cardeck.testing.HeadUnitProcess: a real `cardeck sim` in its own process."""

from __future__ import annotations

import pytest

import cardeck
from cardeck.testing import HeadUnitProcess


def test_it_serves_reports_memory_and_stops_cleanly():
    with HeadUnitProcess("--ws-port", "-1", "--no-browser", "--profile", "polestar-2") as unit:
        with cardeck.Client(unit.target) as client:
            assert client.info().active_profile_id == "polestar-2"
        assert unit.rss_bytes() > 10 * 2**20
        pid = unit.pid
    assert unit.proc is not None and unit.proc.returncode == 0, "SIGTERM is a clean stop"
    assert pid > 0


def test_a_head_unit_that_cannot_start_says_so():
    with pytest.raises(cardeck.UsageError, match="did not start"):
        HeadUnitProcess("--profile", "no-such-vehicle").start()
