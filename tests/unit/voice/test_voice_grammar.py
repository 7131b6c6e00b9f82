"""JSGF grammar generation."""

from __future__ import annotations

import pytest

from cardeck_sim.voice import (
    Intent,
    IntentRegistry,
    VoiceEngine,
    asr_available,
    build_grammar,
    dictionary_words,
)

pytestmark = pytest.mark.skipif(not asr_available(), reason="pocketsphinx is not installed")


def test_places_outside_the_dictionary_are_dropped_and_counted() -> None:
    registry = IntentRegistry()
    grammar = build_grammar(
        registry.grammar_phrases(),
        ["City Hall", "Kauppatori", "Pier 4", "city hall", "Main Street"],
        dictionary_words(),
    )
    assert grammar.places == ("City Hall", "Main Street")
    assert grammar.dropped_places == ("Kauppatori", "Pier 4")
    assert grammar.dropped_place_count == 2
    assert "<place> = city hall | main street;" in grammar.jsgf
    assert (
        "( ( directions to | drive to | find | go to | look for | navigate to | search for "
        "| take me to ) [the] <place> )"
    ) in grammar.jsgf


def test_phrases_that_cannot_be_spoken_are_skipped() -> None:
    registry = IntentRegistry()
    registry.register(
        "oem",
        [
            Intent("note", ("take a note {any}",)),
            Intent("odd", ("engage zorblaxian drive",)),
            Intent("temp", ("set temperature to {number} degrees",)),
        ],
    )
    grammar = build_grammar(registry.grammar_phrases(), [], dictionary_words())
    reasons = dict(grammar.skipped_phrases)
    assert "typed" in reasons["take a note {any}"]
    assert "'zorblaxian'" in reasons["engage zorblaxian drive"]
    assert "no place name" in reasons["navigate to {place}"]
    assert "set temperature to <number> degrees" in grammar.jsgf
    assert "<number> = zero |" in grammar.jsgf


def test_grammar_is_cached_by_content_and_changes_with_intents() -> None:
    registry = IntentRegistry()
    words = dictionary_words()
    first = build_grammar(registry.grammar_phrases(), ["City Hall"], words)
    assert build_grammar(registry.grammar_phrases(), ["City Hall"], words) is first
    registry.register("oem", [Intent("roof", ("open the sunroof",))])
    second = build_grammar(registry.grammar_phrases(), ["City Hall"], words)
    assert second.digest != first.digest
    assert "open the sunroof" in second.jsgf
    registry.unregister_owner("oem")
    third = build_grammar(registry.grammar_phrases(), ["City Hall"], words)
    assert third.digest == first.digest


def test_pocketsphinx_accepts_the_grammar() -> None:
    import pocketsphinx  # type: ignore[import-untyped]

    registry = IntentRegistry()
    registry.register("oem", [Intent("temp", ("set temperature to {number} degrees",))])
    grammar = build_grammar(registry.grammar_phrases(), ["City Hall"], dictionary_words())
    decoder = pocketsphinx.Decoder(lm=None, loglevel="FATAL")
    decoder.add_jsgf_string("command", grammar.jsgf)
    decoder.add_jsgf_string("wake", grammar.wake_jsgf)
    empty = build_grammar([], [], dictionary_words())
    decoder.add_jsgf_string("empty", empty.jsgf)


def test_engine_rebuilds_grammar_when_places_or_intents_change() -> None:
    engine = VoiceEngine(["City Hall"])
    first = engine.grammar
    assert engine.grammar is first  # unchanged inputs: no rebuild
    report = engine.set_place_names(["Harbor", "Kauppatori", "Töölönlahti"])
    assert report.dropped_place_count == 2
    assert "<place> = harbor;" in report.jsgf
    assert engine.place_names == ("Harbor", "Kauppatori", "Töölönlahti")
    # Dropped places still work in typed text.
    assert engine.understand("navigate to Kauppatori").slots == {"place": "Kauppatori"}
    engine.register("oem", [Intent("roof", ("open the sunroof",))])
    assert "open the sunroof" in engine.grammar.jsgf
    engine.unregister_owner("oem")
    assert "sunroof" not in engine.grammar.jsgf
