"""Exceptions raised by the browser engine.

::

    BrowserError
     ├── BrowserUnavailableError   no Chromium binary, or it would not start
     ├── BrowserCrashedError       Chromium died mid-call; the engine restarts it
     ├── BrowserBlockedError       the URL policy denied a navigation
     └── BrowserLockedError        the panel is locked while driving
"""

from __future__ import annotations

__all__ = [
    "BrowserBlockedError",
    "BrowserCrashedError",
    "BrowserError",
    "BrowserLockedError",
    "BrowserUnavailableError",
]


class BrowserError(Exception):
    """Base class of every browser-engine error."""


class BrowserUnavailableError(BrowserError):
    """Chromium is not installed or could not be started."""


class BrowserCrashedError(BrowserError):
    """Chromium stopped while a call was in flight or is being restarted."""


class BrowserBlockedError(BrowserError):
    """The URL policy denied a navigation; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BrowserLockedError(BrowserError):
    """The browser panel is locked because the vehicle is moving."""
