"""The WebSocket event bridge: the head unit's events as JSON for web pages.

``EventBridge`` serves ``ws://HOST:PORT/v1/events`` with the semantics of
``HeadUnitService.WatchEvents`` and the bundled sample app at
``/app/drive_state.html``. Runs without kivy.
"""

from ._server import (
    CLOSE_GOING_AWAY,
    CLOSE_SUBSCRIBER_TOO_SLOW,
    EVENTS_PATH,
    KIND_NAMES,
    SAMPLE_APP_PATH,
    EventBridge,
)

__all__ = [
    "CLOSE_GOING_AWAY",
    "CLOSE_SUBSCRIBER_TOO_SLOW",
    "EVENTS_PATH",
    "KIND_NAMES",
    "SAMPLE_APP_PATH",
    "EventBridge",
]
