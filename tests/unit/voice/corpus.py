"""The voice corpus: what the accuracy tests and bench/bench_voice.py speak and measure.

One list, so the bench's accuracy figure and the tests' are about the same
commands. Imported as ``tests.unit.voice.corpus`` (the bench puts the
repository root on ``sys.path``).
"""

from __future__ import annotations

from cardeck_sim.voice import Intent

PLACES = (
    "City Hall",
    "Central Station",
    "Airport",
    "Market Square",
    "Museum",
    "Main Street",
    "Library",
    "Hospital",
    "Railway Station",
    "Harbor",
    # Not in the pronunciation dictionary (Finnish, digits): dropped from the grammar.
    "Kauppatori",
    "Pier 4",
)

# 22 different commands: every built-in, places with and without "the",
# numbers in a registered intent, and the OEM's "open the sunroof".
COMMANDS = (
    "navigate to city hall",
    "navigate to central station",
    "navigate to the airport",
    "navigate to the hospital",
    "take me to market square",
    "take me to the museum",
    "take me to railway station",
    "search for main street",
    "search for the library",
    "search for harbor",
    "zoom in",
    "zoom out",
    "open browser",
    "go back",
    "cancel",
    "set temperature to twenty one degrees",
    "set temperature to eighteen degrees",
    "set temperature to twenty five degrees",
    "set temperature to seventy two degrees",
    "set temperature to one hundred degrees",
    "open the sunroof",
    "take me to central station",
)
VOICES = ("en-us", "en-gb")
SPEEDS_WPM = (140, 175)

OUT_OF_GRAMMAR = (
    "the quick brown fox jumps over the lazy dog near the river bank",
    "yesterday my neighbour painted the garden fence bright green again",
    "please remember to buy some apples and bread on the way home",
)

OEM_INTENTS = (
    Intent("climate.set_temperature", ("set temperature to {number} degrees",)),
    Intent("sunroof.open", ("open the sunroof",)),
)
