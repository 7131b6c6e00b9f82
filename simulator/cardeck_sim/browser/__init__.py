"""Browser panel engine: headless Chromium driven over the DevTools protocol.

Free of gRPC and of the state store: the service wires ``BrowserEngine``'s
callbacks into both.
"""

from ._chromium import find_chromium
from ._engine import BrowserEngine, BrowserState, ScreencastFrame
from ._errors import (
    BrowserBlockedError,
    BrowserCrashedError,
    BrowserError,
    BrowserLockedError,
    BrowserUnavailableError,
)
from ._policy import UrlPolicy

__all__ = [
    "BrowserBlockedError",
    "BrowserCrashedError",
    "BrowserEngine",
    "BrowserError",
    "BrowserLockedError",
    "BrowserState",
    "BrowserUnavailableError",
    "ScreencastFrame",
    "UrlPolicy",
    "find_chromium",
]
