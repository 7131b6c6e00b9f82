"""The one set of rules for names that cross the API edge: packages, profiles, displays, markers.

The head unit checks request fields with :func:`name_problem`; the bundle manifest and the
profile schema use the same patterns, so a name the SDK builds is a name the head unit takes.
The rules also keep names safe as path components: none may be empty, ``.``, ``..``, contain a
separator, or exceed 64 characters (the installer builds folders from package names).
"""

from __future__ import annotations

import re
from typing import Final, Literal

__all__ = ["MAX_NAME_CHARS", "NAME_PATTERNS", "NameKind", "name_problem"]

NameKind = Literal["package", "profile", "display", "marker"]

#: Longest name of any kind (the patterns say the characters; pydantic's regex engine has
#: no look-ahead, so the length is a separate rule: ``max_length`` in the schemas).
MAX_NAME_CHARS: Final = 64

# Lowercase slugs for what becomes a file or folder name on the head unit; markers are
# chosen by integrators' own data (POI ids), so they also allow upper case and ':'.
_SLUG: Final = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
NAME_PATTERNS: Final[dict[NameKind, str]] = {
    "package": r"^[a-z0-9][a-z0-9._-]{0,63}$",
    "profile": _SLUG,
    "display": _SLUG,
    "marker": r"^[A-Za-z0-9._:-]{1,64}$",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in NAME_PATTERNS.items()}
_WORDS: Final = "1 to 64 lowercase letters and digits, in words joined by single '-', '_' or '.'"
_SPELLED: Final[dict[NameKind, str]] = {
    "package": (
        "1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
    ),
    "profile": _WORDS,
    "display": _WORDS,
    "marker": "1 to 64 letters, digits, '.', '_', ':' or '-'",
}


def name_problem(kind: NameKind, value: str, field: str) -> str | None:
    """A sentence saying why ``value`` is not a valid ``kind`` name, or None when it is.

    :param kind: which rule applies.
    :param value: the name as received.
    :param field: the request field, named in the sentence.
    """
    if (
        len(value) <= MAX_NAME_CHARS
        and _COMPILED[kind].fullmatch(value)
        and value not in (".", "..")
    ):
        return None
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"{field} must be {_SPELLED[kind]}; got {shown!r} ({len(value)} characters)."
