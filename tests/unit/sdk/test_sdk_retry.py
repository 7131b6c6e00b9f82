"""The reconnect policy yields growing, capped, jittered delays."""

import itertools

import pytest

from cardeck import ReconnectPolicy


def test_default_delays_grow_by_1_3_and_cap_at_60_s():
    delays = list(itertools.islice(ReconnectPolicy(jitter=0).delays(), 40))
    assert delays[0] == pytest.approx(0.1)
    assert delays[1] == pytest.approx(0.13)
    assert delays[2] == pytest.approx(0.169)
    assert max(delays) == pytest.approx(60.0)
    assert all(b >= a for a, b in itertools.pairwise(delays))


def test_jitter_stays_within_its_fraction():
    policy = ReconnectPolicy(initial_s=1.0, multiplier=1.0, jitter=0.25)
    delays = list(itertools.islice(policy.delays(), 200))
    assert all(0.75 <= d <= 1.0 for d in delays)
    assert len(set(delays)) > 1


def test_max_attempts_ends_the_delays():
    assert len(list(ReconnectPolicy(max_attempts=3).delays())) == 3
