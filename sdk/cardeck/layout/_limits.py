"""The limits a profile or template file must stay within, and why each one is what it is.

Profiles come from integrators, importers and the head unit's ``SolveLayout``
RPC, so the loader treats them as untrusted (issue 14, "Hardening"): every
limit here is checked before the value can reach anything slow or recursive
(the YAML composer, pydantic, kiwisolver), and each one is generous next to
real cars, so no honest profile comes near it. ``docs/layouts.md`` lists them
in its "Limits" section, which :func:`limits_markdown` writes.
"""

from __future__ import annotations

__all__ = [
    "MAX_CUTOUTS",
    "MAX_DENSITY_DPI",
    "MAX_DIAGONAL_IN",
    "MAX_DISPLAYS",
    "MAX_DP",
    "MAX_ID_CHARS",
    "MAX_INPUT_MODES",
    "MAX_NAME_CHARS",
    "MAX_NOTES_CHARS",
    "MAX_OVERRIDES",
    "MAX_POSITION_MM",
    "MAX_PPI",
    "MAX_PRIORITY",
    "MAX_PROBLEMS",
    "MAX_PROFILE_BYTES",
    "MAX_PX",
    "MAX_SHARE",
    "MAX_SOURCES",
    "MAX_SOURCE_CHARS",
    "MAX_VIEWING_MM",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "MIN_DENSITY_DPI",
    "MIN_DIAGONAL_IN",
    "MIN_PPI",
    "MIN_SHARE",
    "MIN_VIEWING_MM",
    "limits_markdown",
]

# -- the file ----------------------------------------------------------------

#: The largest bundled profile is about 1.2 KiB; 64 KiB leaves room for a car
#: with many displays and long notes, and keeps a parse well under 0.5 s on a
#: head unit even with the pure-Python YAML parser.
MAX_PROFILE_BYTES = 64 * 1024
#: YAML values after aliases are expanded (every key, value and list item counts
#: once per use). A bundled profile has about 100, and one that used every other
#: limit to the full (16 displays of 16 cutouts, 64 overrides) about 4,600. The
#: limit stops alias bombs ("billion laughs"), whose expansion multiplies with
#: every level of anchors, and keeps a parse under 0.5 s: each value costs about
#: 40 µs between the scan, the composer's resolver and the constructor.
MAX_YAML_NODES = 5_000
#: Nested mappings and lists. A profile needs 4 levels (profile, displays, a
#: display, its insets); PyYAML's composer and pydantic both recurse per level,
#: so 10,000 nested lists would exhaust Python's stack.
MAX_YAML_DEPTH = 32
#: Problems listed in one ProfileError; the rest are counted. A longer list
#: does not help anyone fix a file and costs time to build.
MAX_PROBLEMS = 50

# -- collections and text ------------------------------------------------------

#: Cars ship up to about 7 screens (cluster, center, passenger, HUD, two rear,
#: a climate panel); 16 leaves room, and each display costs one solve.
MAX_DISPLAYS = 16
#: Notches, knobs and camera holes per display.
MAX_CUTOUTS = 16
#: One override per panel and role is the most that makes sense.
MAX_OVERRIDES = 64
#: Input modes are touch, rotary and hybrid; each at most once.
MAX_INPUT_MODES = 3
MAX_SOURCES = 32
MAX_SOURCE_CHARS = 500
MAX_ID_CHARS = 64
MAX_NAME_CHARS = 200
MAX_NOTES_CHARS = 10_000

# -- numbers ---------------------------------------------------------------------

#: Pixels per side, and for insets, corner radii and cutouts. 16384 is the
#: largest texture of automotive GPUs (and beyond 16K video); the widest real
#: panel, a 57-inch pillar-to-pillar screen, is about 7680 px.
MAX_PX = 16_384
#: Physical diagonal in inches: from a 1-inch HVAC/knob display to a 150-inch
#: AR head-up display's virtual image.
MIN_DIAGONAL_IN = 1.0
MAX_DIAGONAL_IN = 150.0
#: Physical pixels per inch (given or implied by the diagonal): a HUD virtual
#: image is about 20 ppi, the densest automotive OLEDs about 500 ppi.
MIN_PPI = 10.0
MAX_PPI = 1_200.0
#: Android logical density: ldpi is 120 and xxxhdpi 640; a little either side.
MIN_DENSITY_DPI = 72
MAX_DENSITY_DPI = 960
#: Eye-to-screen distance in mm: a passenger screen at arm's length (~300 mm)
#: to an AR-HUD virtual image about 15 m ahead.
MIN_VIEWING_MM = 100.0
MAX_VIEWING_MM = 20_000.0
#: Display position in the cabin, in mm from the reference point, either way:
#: a long-wheelbase cabin is under 4 m long.
MAX_POSITION_MM = 10_000.0
#: Panel sizes in dp: MAX_PX at the lowest density (72 dpi) is about 36,400 dp.
MAX_DP = 40_000.0
#: Shares are relative weights; beyond 1:10^6 a panel gets nothing visible, and
#: kiwisolver's strengths lose precision.
MIN_SHARE = 0.001
MAX_SHARE = 1_000.0
#: The engine clamps priorities to 0…999 when it weights shares.
MAX_PRIORITY = 999


def limits_markdown() -> list[str]:
    """The "Limits" section of ``docs/layouts.md``, as markdown lines.

    Written as a bullet list rather than a table so that the panel-row count of
    ``cardeck layout docs`` (rows start with ``|``) does not change.
    """
    kib = MAX_PROFILE_BYTES // 1024
    return [
        "## Limits",
        "",
        "Every profile is checked against these limits before it is solved; a value",
        "outside them is a `ProfileError` that names the file, line and field.",
        "",
        f"- File: at most {kib} KiB of UTF-8 text (the largest bundled profile is 1.2 KiB),"
        " one YAML document, no control characters, and no tags beyond YAML's core ones"
        " (`!!str`, `!!int`, ...; `!!python/object` and the like are refused).",
        f"- YAML: at most {MAX_YAML_DEPTH} levels of nested mappings and lists (a profile"
        f" needs 4), and at most {MAX_YAML_NODES:,} values once aliases are expanded, counted"
        " without expanding them (a profile at every other limit has about 4,600; this stops"
        " alias bombs); an alias may not refer to a mapping or list that contains it.",
        f"- Displays: 1 to {MAX_DISPLAYS} per vehicle (cars ship up to about 7);"
        f" {MAX_CUTOUTS} cutouts per display;"
        f" {MAX_OVERRIDES} template overrides; {MAX_SOURCES} sources of at most"
        f" {MAX_SOURCE_CHARS} characters.",
        f"- Text: ids at most {MAX_ID_CHARS} characters, name {MAX_NAME_CHARS},"
        f" notes {MAX_NOTES_CHARS:,}.",
        f"- Pixels: width_px and height_px 1 to {MAX_PX:,}; insets, corner radii and"
        f" cutouts 0 to {MAX_PX:,} (the largest automotive GPU texture).",
        f"- Physical size: diagonal_in {MIN_DIAGONAL_IN:g} to {MAX_DIAGONAL_IN:g} in;"
        f" dpi, given or implied by the diagonal, {MIN_PPI:g} to {MAX_PPI:g} ppi;"
        f" density_dpi {MIN_DENSITY_DPI} to {MAX_DENSITY_DPI}.",
        f"- Cabin: viewing_distance_mm {MIN_VIEWING_MM:g} to {MAX_VIEWING_MM:g} mm"
        f" (an AR head-up display's image is up to 15 m away); x_mm and y_mm within"
        f" ±{MAX_POSITION_MM:g} mm.",
        f"- Template overrides: sizes 0 to {MAX_DP:g} dp, share {MIN_SHARE:g} to"
        f" {MAX_SHARE:g}, priority 0 to {MAX_PRIORITY}.",
        "- Numbers must be finite: `.nan` and `.inf` are refused everywhere.",
        f"- Errors: one ProfileError lists up to {MAX_PROBLEMS} problems and counts the rest.",
    ]
