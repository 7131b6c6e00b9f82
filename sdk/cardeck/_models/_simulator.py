"""Models of the simulator service (``client.simulator``): rotary, hard keys, taps."""

from __future__ import annotations

from dataclasses import dataclass

from ._common import ProtoEnum
from ._layout import PanelKind


class RotaryAction(ProtoEnum):
    """What the rotary controller did."""

    UNSPECIFIED = "unspecified"
    ROTATE_CLOCKWISE = "rotate_clockwise"
    ROTATE_COUNTERCLOCKWISE = "rotate_counterclockwise"
    PUSH = "push"
    NUDGE_UP = "nudge_up"
    NUDGE_DOWN = "nudge_down"
    NUDGE_LEFT = "nudge_left"
    NUDGE_RIGHT = "nudge_right"
    BACK = "back"


class HardKey(ProtoEnum):
    """A hardware key of the head unit or the steering wheel."""

    UNSPECIFIED = "unspecified"
    HOME = "home"
    BACK = "back"
    PUSH_TO_TALK = "push_to_talk"
    MEDIA_NEXT = "media_next"
    MEDIA_PREVIOUS = "media_previous"
    VIEW = "view"


@dataclass(frozen=True)
class PanelHit:
    """Which panel a tap or the rotary focus landed on; ``panel_id`` is "" for none."""

    display_id: str
    panel_id: str
    panel: PanelKind = PanelKind.UNSPECIFIED
