"""examples/sunroof_intent.py: one sunroof, moved by OEM voice intents and by val-API actuation."""

from __future__ import annotations

import signal

import pytest
from example_helpers import RunningExample, run_example

import cardeck
from cardeck.testing import HeadUnitThread

pytestmark = pytest.mark.timeout(60)

SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"


def position_reaches(client: cardeck.Client, want: int) -> None:
    """Wait on a subscription until the sunroof's published position is ``want``."""
    changes = client.signals.subscribe([POSITION])
    try:
        next(c for c in changes if c.values.get(POSITION) == want)
    finally:
        changes.close()


def test_self_test_asks_before_moving_the_glass_and_unregisters(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    result = run_example("sunroof_intent.py", "--target", headunit.target, "--self-test")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Registered open_sunroof, close_sunroof as sunroof-example."
    assert lines[1] == f"Providing {SWITCH}."
    said = [line for line in lines if line.startswith("said ")]
    # Real espeak-ng audio through real pocketsphinx: each command is heard and
    # asked about; the spoken answer decides.
    answers = [line.split(", answer ")[1].split(" (")[0] for line in said]
    assert answers == [
        "'Open the sunroof?'",
        "'Opening the sunroof.'",
        "'Close the sunroof?'",
        "'Cancelled.'",
        "'Close the sunroof?'",
        "'Closing the sunroof.'",
    ]
    # The glass moved only on a yes: one open, one close, never on the "no".
    invoked = [line.strip() for line in lines if line.startswith("  invoked: ")]
    assert [line.split(" (")[0] for line in invoked] == [
        "invoked: open_sunroof",
        "invoked: close_sunroof",
    ]
    # Then through the val API: the same sunroof moves and publishes its position.
    assert [line.strip() for line in lines if line.startswith("  actuated: ")] == [
        f"actuated: {SWITCH}=OPEN, position 100",
        f"actuated: {SWITCH}=CLOSE, position 0",
    ]
    assert [line for line in lines if line.startswith("actuate ")] == [
        f"actuate {SWITCH}=OPEN: position 100",
        f"actuate {SWITCH}=CLOSE: position 0",
    ]
    assert lines[-1] == "Unregistered; the sunroof is closed."
    # The intents and the switch left with the script.
    assert not client.voice.understand("open the sunroof").matched
    with pytest.raises(cardeck.UnavailableError):
        client.signals.actuate(SWITCH, "OPEN")


def test_waits_for_the_driver_until_ctrl_c(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    example = RunningExample("sunroof_intent.py", "--target", headunit.target)
    try:
        example.wait_for_line(r"^Listening: say")
        # Typed understanding asks first, as speech does; a yes through the API runs it.
        asked = client.voice.understand("open the sunroof", execute_intents=True)
        assert not asked.builtin
        assert asked.pending_confirmation is not None
        assert asked.action_result == "Open the sunroof?"
        done = client.voice.answer_confirmation(asked.pending_confirmation.confirmation_id, True)
        assert done.action_result == "Opening the sunroof."
        example.wait_for_line(r"invoked: open_sunroof")
        # The voice path publishes the position too (on the provider's stream).
        position_reaches(client, 100)
        again = client.voice.understand("open sunroof", execute_intents=True)
        assert again.pending_confirmation is not None
        done = client.voice.answer_confirmation(again.pending_confirmation.confirmation_id, True)
        assert done.action_result == "The sunroof is already open."
        # The other way in: a val-API client actuates the switch the script provides.
        client.signals.actuate(SWITCH, "TILT_UP")
        example.wait_for_line(rf"^  actuated: {SWITCH}=TILT_UP, position -100$")
        position_reaches(client, -100)
        assert client.signals.get(SWITCH).value == "TILT_UP"

        code, rest, stderr = example.stop(signal.SIGINT)
    finally:
        example.kill()
    assert code == 0, stderr
    assert "Unregistered; the sunroof is tilted." in rest
    assert not client.voice.understand("close the sunroof").matched


def test_a_phrase_held_by_another_client_is_reported(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    with client.voice.register_intents("other-app", {"vent": ["close the sunroof"]}, lambda i: ""):
        result = run_example("sunroof_intent.py", "--target", headunit.target)
    assert result.returncode == 1
    assert result.stderr.startswith("Another client already holds a sunroof phrase or the switch:")
    assert "close the sunroof" in result.stderr


def test_a_switch_provided_by_another_client_is_reported(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    with client.signals.provide([SWITCH], lambda path, value: None):
        result = run_example("sunroof_intent.py", "--target", headunit.target)
    assert result.returncode == 1
    assert result.stderr.startswith("Another client already holds a sunroof phrase or the switch:")
    assert SWITCH in result.stderr
