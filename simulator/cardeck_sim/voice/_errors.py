"""Exceptions raised by the voice engine.

The tree::

    VoiceError
    ├── IntentConflictError (also a ValueError: the input collides)
    └── SpeechUnavailableError (also a RuntimeError: a tool is missing)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["IntentConflictError", "SpeechUnavailableError", "VoiceError"]


class VoiceError(Exception):
    """Base class of every error that the voice engine raises on purpose."""


class IntentConflictError(VoiceError, ValueError):
    """One or more phrases are already held by another owner.

    Every conflicting phrase of the rejected registration is listed, so a
    client can fix them all at once. The service maps this to ``ALREADY_EXISTS``.

    :param conflicts: ``(phrase, holding owner)`` pairs.
    :param requester: the owner whose registration was rejected.
    """

    def __init__(self, conflicts: Sequence[tuple[str, str]], requester: str) -> None:
        self.conflicts = tuple(conflicts)
        self.requester = requester
        sentences = [
            f"The phrase {phrase!r} is already registered by owner {holder!r}."
            for phrase, holder in self.conflicts
        ]
        super().__init__(
            " ".join(sentences)
            + f" Nothing was registered for owner {requester!r}; choose different phrases"
            " or wait until the holder unregisters."
        )

    @property
    def phrase(self) -> str:
        """Return the first conflicting phrase."""
        return self.conflicts[0][0]

    @property
    def holder(self) -> str:
        """Return the owner that holds the first conflicting phrase."""
        return self.conflicts[0][1]


class SpeechUnavailableError(VoiceError, RuntimeError):
    """A speech back end (espeak-ng or pocketsphinx) is not installed."""
