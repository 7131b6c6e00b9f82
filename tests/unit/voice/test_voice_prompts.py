"""The head unit's own sentences and answer words (voice/_prompts.py), as the guide names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardeck_sim.headunit import ServiceConfig
from cardeck_sim.service._voice import CONFIRMATION_TIMEOUT_S
from cardeck_sim.voice import (
    ANSWER_INTENTS,
    BUILTIN_INTENTS,
    CANCELLED,
    MAX_PROMPT_CHARS,
    NO_MATCH,
    NO_PHRASES,
    OKAY,
    YES_PHRASES,
    Intent,
    IntentRegistry,
    answer_of,
    confirmation_prompt,
    did_you_mean,
)
from cardeck_sim.voice._intents_ko import has_hangul

# The guide's words with its line breaks undone, so a sentence wrapped in two lines is found.
GUIDE = " ".join((Path(__file__).parents[3] / "docs" / "guides" / "voice.md").read_text().split())


@pytest.mark.parametrize("text", [*YES_PHRASES, "Yes, please!", "hey car yes", "YES"])
def test_yes_words_answer_yes(text):
    assert answer_of(text) is True


@pytest.mark.parametrize("text", [*NO_PHRASES, "No!", "no thank you"])
def test_no_words_answer_no(text):
    assert answer_of(text) is False


@pytest.mark.parametrize("text", ["", "yes no", "open the sunroof", "yesterday", "do it later"])
def test_anything_else_is_no_answer(text):
    assert answer_of(text) is None


def test_prompts_come_from_the_first_phrase_with_slots_filled_unless_given():
    assert confirmation_prompt("open the sunroof", {}) == "Open the sunroof?"
    assert (
        confirmation_prompt("set temperature to {number} degrees", {"number": "21"})
        == "Set temperature to 21 degrees?"
    )
    assert confirmation_prompt("close the windows", {}, " Close all windows? ") == (
        "Close all windows?"
    )
    assert did_you_mean("City Hall") == "Did you mean City Hall?"


def test_a_prompt_longer_than_the_limit_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match=f"keep it to {MAX_PROMPT_CHARS}"):
        Intent("x", ("open the sunroof",), actuating=True, prompt="?" * (MAX_PROMPT_CHARS + 1))


def test_answer_words_join_the_registry_only_while_set_and_give_way_to_a_client():
    registry = IntentRegistry()
    assert not registry.understand("yes").matched
    assert registry.set_extra_builtins(ANSWER_INTENTS) == ("confirm_yes", "confirm_no")
    assert registry.understand("yes please").intent_id == "confirm_yes"
    assert registry.understand("no thanks").intent_id == "confirm_no"
    registry.set_extra_builtins(())
    assert not registry.understand("yes").matched
    # A client that holds "yes" keeps it; the no intent still joins.
    registry.register("oem#1", [Intent("agree", ("yes",))])
    assert registry.set_extra_builtins(ANSWER_INTENTS) == ("confirm_no",)
    assert registry.understand("yes").owner == "oem#1"
    assert registry.find("oem#1/agree") is None and registry.find("agree") is not None


def test_the_guide_names_the_sentences_words_and_defaults_the_code_uses():
    for sentence in (NO_MATCH, CANCELLED, OKAY, "Open the sunroof?"):
        assert f'"{sentence}"' in GUIDE, sentence
    assert did_you_mean("Hotel Arthur") in GUIDE
    for phrase in (*YES_PHRASES, *NO_PHRASES):
        assert f'"{phrase}"' in GUIDE, phrase
    default = ServiceConfig.model_fields["voice_confirmation_timeout_s"].default
    assert default == CONFIRMATION_TIMEOUT_S
    assert f"{default:g} s from the question by default" in GUIDE
    assert f"at most {MAX_PROMPT_CHARS} characters" in GUIDE
    assert "echo" in GUIDE and "speech_interrupted" in GUIDE


def test_the_guide_lists_every_built_in_phrase_in_its_intent_row():
    guide = Path(__file__).parents[3] / "docs" / "guides" / "voice.md"
    rows = {
        line.split("|")[1].strip(): line
        for line in guide.read_text().splitlines()
        if line.startswith("| `")
    }
    for intent in BUILTIN_INTENTS:
        for korean in (False, True):
            row = next(
                (
                    r
                    for key, r in rows.items()
                    if f"`{intent.intent_id}`" in key and ("(ko)" in key) == korean
                ),
                "",
            )
            phrases = [p for p in intent.phrases if has_hangul(p) == korean]
            missing = [p for p in phrases if f'"{p}"' not in row]
            assert not missing, (
                f"docs/guides/voice.md's {'Korean ' if korean else ''}row for "
                f"{intent.intent_id} lacks {missing}"
            )
