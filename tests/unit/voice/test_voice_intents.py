"""Intent registry, phrase parsing, number words and text understanding."""

from __future__ import annotations

import pytest

import cardeck_sim.voice as voice
from cardeck_sim.voice import (
    BUILTIN_OWNER,
    Intent,
    IntentConflictError,
    IntentRegistry,
    PlaceIndex,
    Understanding,
    normalize_text,
    number_to_words,
    parse_number,
    parse_phrase,
)

PLACES = PlaceIndex(["City Hall", "Central Station", "Pier 4"])


def test_exports_are_sorted_and_complete() -> None:
    assert voice.__all__ == sorted(voice.__all__, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(voice, name) for name in voice.__all__)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("zero", 0),
        ("seven", 7),
        ("eleven", 11),
        ("twenty", 20),
        ("twenty one", 21),
        ("twenty-one", 21),
        ("ninety nine", 99),
        ("one hundred", 100),
        ("one hundred and five", 105),
        ("two hundred forty two", 242),
        ("nine hundred ninety nine", 999),
        ("42", 42),
        ("1000", None),
        ("twenty zero", None),
        ("hundred", None),
        ("banana", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("value", [0, 5, 13, 20, 21, 99, 100, 105, 110, 999])
def test_number_words_round_trip(value: int) -> None:
    assert parse_number(number_to_words(value)) == value


def test_number_to_words_range() -> None:
    with pytest.raises(ValueError, match="field value is 1000"):
        number_to_words(1000)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Navigate to: City-Hall, PLEASE!", ["navigate", "to", "city", "hall", "please"]),
        # Non-ASCII words stay whole.
        ("Take me to Töölönlahti's shore", ["take", "me", "to", "töölönlahti's", "shore"]),
    ],
)
def test_normalize_text(text: str, words: list[str]) -> None:
    assert normalize_text(text) == words


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("", "empty phrase"),
        ("go to {planet}", "slot type 'planet'"),
        ("from {place} to {place}", "slot name 'place' twice"),
        ("set fan to 3", "'3'"),
        ("{number}", "no words"),
    ],
)
def test_bad_phrases(phrase: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_phrase(phrase)


def test_named_slots() -> None:
    registry = IntentRegistry()
    registry.register("oem", [Intent("route", ("route from {a:place} to {b:place}",))])
    got = registry.understand("route from city hall to central station", PLACES)
    assert got.slots == {"a": "City Hall", "b": "Central Station"}


def test_builtins_understood() -> None:
    registry = IntentRegistry()
    got = registry.understand("Hey car, take me to the City Hall please.", PLACES)
    assert (got.intent_id, got.owner, got.slots) == (
        "navigate",
        BUILTIN_OWNER,
        {"place": "City Hall"},
    )
    assert got.confidence == 1.0
    assert registry.understand("zoom out").intent_id == "zoom_out"
    assert registry.understand("search for pier 4", PLACES).slots == {"place": "Pier 4"}


def test_unknown_place_in_typed_text_has_lower_confidence() -> None:
    got = IntentRegistry().understand("navigate to the moon", PLACES)
    assert got.intent_id == "navigate"
    assert got.slots == {"place": "the moon"}
    assert got.confidence < 1.0
    closed = IntentRegistry().understand("navigate to the moon", PLACES, open_places=False)
    assert closed.intent_id is None


def test_no_match_is_explicit() -> None:
    got = IntentRegistry().understand("what is the meaning of life")
    assert got == Understanding("what is the meaning of life", None, {}, 0.0, None)
    assert not got.matched
    assert IntentRegistry().understand("  ...  ").intent_id is None


def test_number_slot_and_any_slot() -> None:
    registry = IntentRegistry()
    registry.register(
        "oem",
        [
            Intent("temp", ("set temperature to {number} degrees",)),
            Intent("note", ("take a note {any}",)),
            Intent("roof", ("open the sunroof",)),
            Intent("open_any", ("open {any}",)),
        ],
    )
    assert registry.understand("Set temperature to twenty one degrees").slots == {"number": "21"}
    assert registry.understand("set temperature to 19 degrees").slots == {"number": "19"}
    assert registry.understand("set temperature to lots degrees").intent_id is None
    assert registry.understand("take a note buy milk").slots == {"any": "buy milk"}
    # The more specific phrase wins over the {any} one.
    assert registry.understand("open the sunroof").intent_id == "roof"
    assert registry.understand("open the trunk").intent_id == "open_any"


def test_conflict_names_phrase_and_holder_and_is_atomic() -> None:
    registry = IntentRegistry()
    registry.register("oem-a", [Intent("roof", ("open the sunroof",))])
    with pytest.raises(IntentConflictError) as info:
        registry.register(
            "oem-b",
            [Intent("fine", ("close the sunroof",)), Intent("dup", ("Open  the Sunroof",))],
        )
    error = info.value
    assert (error.phrase, error.holder, error.requester) == ("Open  the Sunroof", "oem-a", "oem-b")
    assert "'Open  the Sunroof' is already registered by owner 'oem-a'" in str(error)
    assert isinstance(error, ValueError)
    # All or nothing: the non-conflicting intent was not registered either.
    assert registry.understand("close the sunroof").intent_id is None


def test_conflict_with_builtin_and_slot_names_do_not_matter() -> None:
    registry = IntentRegistry()
    with pytest.raises(IntentConflictError, match="owner 'builtin'"):
        registry.register("oem", [Intent("nav", ("navigate to {where:place}",))])


def test_register_validation() -> None:
    registry = IntentRegistry()
    with pytest.raises(ValueError, match="field owner is empty"):
        registry.register(" ", [Intent("x", ("do it",))])
    with pytest.raises(ValueError, match="reserved"):
        registry.register(BUILTIN_OWNER, [Intent("x", ("do it",))])
    with pytest.raises(ValueError, match="used by both intents"):
        registry.register("oem", [Intent("a", ("do it",)), Intent("b", ("do it",))])
    with pytest.raises(ValueError, match="no phrases"):
        Intent("x", ())
    with pytest.raises(TypeError, match="tuple of phrases"):
        Intent("x", "do it")


def test_reregister_replaces_and_unregister_removes() -> None:
    registry = IntentRegistry()
    version = registry.version
    registry.register("oem", [Intent("roof", ("open the sunroof",))])
    registry.register("oem", [Intent("roof", ("open the roof",))])
    assert registry.version > version
    assert registry.understand("open the sunroof").intent_id is None
    assert registry.understand("open the roof").owner == "oem"
    assert registry.unregister_owner("oem") == 1
    assert registry.unregister_owner("oem") == 0
    assert registry.understand("open the roof").intent_id is None
    assert registry.owners() == (BUILTIN_OWNER,)
