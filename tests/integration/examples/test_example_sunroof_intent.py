"""examples/sunroof_intent.py registers OEM voice intents on a real head unit."""

from __future__ import annotations

import signal

import pytest
from example_helpers import RunningExample, run_example

import cardeck
from cardeck.testing import HeadUnitThread

pytestmark = pytest.mark.timeout(60)


def test_self_test_speaks_both_phrases_and_unregisters(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    result = run_example("sunroof_intent.py", "--target", headunit.target, "--self-test")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Registered open_sunroof, close_sunroof as sunroof-example."
    said = [line for line in lines if line.startswith("said ")]
    # Real espeak-ng audio through real pocketsphinx: every phrase is heard as said.
    assert [line.split(": heard ")[1].split(",")[0] for line in said] == [
        "'open the sunroof'",
        "'open the sunroof'",
        "'close the sunroof'",
    ]
    assert "answer 'Opening the sunroof.'" in said[0]
    assert "answer 'The sunroof is already open.'" in said[1]
    assert "answer 'Closing the sunroof.'" in said[2]
    assert lines.count("  invoked: open_sunroof (heard 'open the sunroof')") == 2
    assert lines[-1] == "Unregistered; the sunroof is closed."
    # The intents left with the script.
    assert not client.voice.understand("open the sunroof").matched


def test_waits_for_the_driver_until_ctrl_c(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    example = RunningExample("sunroof_intent.py", "--target", headunit.target)
    try:
        example.wait_for_line(r"^Listening: say")
        # Typed understanding with execute_intents dispatches like speech does.
        understood = client.voice.understand("open the sunroof", execute_intents=True)
        assert not understood.builtin
        assert understood.action_result == "Opening the sunroof."
        example.wait_for_line(r"invoked: open_sunroof")
        again = client.voice.understand("open sunroof", execute_intents=True)
        assert again.action_result == "The sunroof is already open."

        code, rest, stderr = example.stop(signal.SIGINT)
    finally:
        example.kill()
    assert code == 0, stderr
    assert "Unregistered; the sunroof is open." in rest
    assert not client.voice.understand("close the sunroof").matched


def test_a_phrase_held_by_another_client_is_reported(
    headunit: HeadUnitThread, client: cardeck.Client
) -> None:
    with client.voice.register_intents("other-app", {"vent": ["close the sunroof"]}, lambda i: ""):
        result = run_example("sunroof_intent.py", "--target", headunit.target)
    assert result.returncode == 1
    assert result.stderr.startswith("Another client already holds a sunroof phrase:")
    assert "close the sunroof" in result.stderr
