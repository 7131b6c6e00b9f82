"""The simulator guide says what the vehicle feed does: its backoff and its notice codes."""

from __future__ import annotations

from pathlib import Path

from cardeck_sim.feed import DEFAULT_POLICY, LOST_CODE, RESTORED_CODE

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guides" / "simulator.md"


def test_the_guide_states_the_backoff_the_feed_uses() -> None:
    text = " ".join(GUIDE.read_text(encoding="utf-8").split())
    policy = DEFAULT_POLICY
    assert f"({policy.initial_s:g} s growing to {policy.maximum_s:g} s, jittered)" in text
    assert policy.jitter > 0 and policy.max_attempts is None  # jittered, and never gives up


def test_the_guide_names_the_notice_codes() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert f"`{LOST_CODE}`" in text and f"`{RESTORED_CODE}`" in text
