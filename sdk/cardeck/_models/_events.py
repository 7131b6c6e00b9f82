"""Models of the event stream (``client.events()``): Event, its payloads, batches, snapshots.

``_PAYLOADS`` is the one table of Event payloads: each field of the
``cardeck.v1.Event`` ``payload`` oneof, the kind a filter sees it as, and how it
becomes ``Event.data``. The head unit's event log and WebSocket bridge read
the kinds from it too, through :meth:`EventKind.of_payload`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, final, overload

from .._compiled import compiled_event
from ..i18n import LocaleInfo
from ..v1 import types_pb2
from ._browser import BrowserState
from ._common import ProtoEnum, time_or_none
from ._headunit import DriveRestrictions, VehicleState, locale_from_proto
from ._layout import PanelKind
from ._maps import GuidanceState, Route
from ._packages import InstallProgress
from ._signals import SignalsChange, SignalValue
from ._voice import VoiceState


class EventKind(ProtoEnum):
    """The kind of an event, for filtering ``events()``."""

    UNSPECIFIED = "unspecified"
    VEHICLE_STATE = "vehicle_state"
    DRIVE_RESTRICTIONS = "drive_restrictions"
    LAYOUT = "layout"
    PANEL_FOCUS = "panel_focus"
    GUIDANCE = "guidance"
    MARKERS = "markers"
    VOICE = "voice"
    BROWSER = "browser"
    PACKAGES = "packages"
    SERVICE = "service"
    LOCALE = "locale"
    SIGNALS = "signals"

    @classmethod
    def of_payload(cls, field: str) -> EventKind:
        """The kind of an event whose ``payload`` oneof holds ``field`` (``"route_changed"``).

        :param field: the name of a field of the ``cardeck.v1.Event`` ``payload`` oneof.
        :raises ValueError: ``field`` is not a payload this SDK knows.
        """
        payload = _PAYLOADS.get(field)
        if payload is None:
            raise ValueError(f"{field!r} is not an Event payload this SDK knows; upgrade cardeck.")
        return payload.kind


@dataclass(frozen=True)
class LayoutChange:
    """The active profile or its layout changed."""

    profile_id: str
    reason: str

    @classmethod
    def from_proto(cls, msg: types_pb2.LayoutChanged) -> LayoutChange:
        return cls(msg.profile_id, msg.reason)


@dataclass(frozen=True)
class PanelFocus:
    """A panel was focused."""

    display_id: str
    panel: PanelKind

    @classmethod
    def from_proto(cls, msg: types_pb2.PanelFocusChanged) -> PanelFocus:
        return cls(msg.display_id, PanelKind.from_proto(msg.panel, types_pb2.PanelKind))


@dataclass(frozen=True)
class RouteChange:
    """The active route was set, replaced or cleared (``route`` is None)."""

    route: Route | None
    reason: str

    @classmethod
    def from_proto(cls, msg: types_pb2.RouteChanged) -> RouteChange:
        return cls(Route.from_proto(msg.route) if msg.HasField("route") else None, msg.reason)


@dataclass(frozen=True)
class MarkersChange:
    """Markers were added or removed."""

    added_marker_ids: tuple[str, ...]
    removed_marker_ids: tuple[str, ...]

    @classmethod
    def from_proto(cls, msg: types_pb2.MarkersChanged) -> MarkersChange:
        return cls(tuple(msg.added_marker_ids), tuple(msg.removed_marker_ids))


@dataclass(frozen=True)
class ServiceNotice:
    """A service-level happening, e.g. a restarted browser engine."""

    severity: str
    code: str
    message: str

    @classmethod
    def from_proto(cls, msg: types_pb2.ServiceNotice) -> ServiceNotice:
        severity = types_pb2.NoticeSeverity.Name(msg.severity).removeprefix("NOTICE_SEVERITY_")
        return cls(severity.lower(), msg.code, msg.message)


@dataclass(frozen=True)
class LocaleChange:
    """The head unit switched its locale (``client.set_locale()``).

    :param locale: the new locale's tag, e.g. ``"ko"``.
    :param rtl: whether its text runs right to left.
    """

    locale: str
    rtl: bool

    @classmethod
    def from_proto(cls, msg: types_pb2.LocaleChanged) -> LocaleChange:
        return cls(msg.locale, msg.rtl)

    def to_proto(self) -> types_pb2.LocaleChanged:
        return types_pb2.LocaleChanged(locale=self.locale, rtl=self.rtl)


EventData = (
    VehicleState
    | DriveRestrictions
    | LayoutChange
    | PanelFocus
    | GuidanceState
    | RouteChange
    | MarkersChange
    | VoiceState
    | BrowserState
    | InstallProgress
    | ServiceNotice
    | LocaleChange
    | SignalsChange
)


class _Payload(NamedTuple):
    """One field of the Event ``payload`` oneof: its kind, and its ``Event.data``."""

    kind: EventKind
    data: Callable[[types_pb2.Event], EventData]


_PAYLOADS: dict[str, _Payload] = {
    "vehicle_state_changed": _Payload(
        EventKind.VEHICLE_STATE, lambda e: VehicleState.from_proto(e.vehicle_state_changed.state)
    ),
    "drive_restrictions_changed": _Payload(
        EventKind.DRIVE_RESTRICTIONS,
        lambda e: DriveRestrictions.from_proto(e.drive_restrictions_changed.restrictions),
    ),
    "layout_changed": _Payload(
        EventKind.LAYOUT, lambda e: LayoutChange.from_proto(e.layout_changed)
    ),
    "panel_focus_changed": _Payload(
        EventKind.PANEL_FOCUS, lambda e: PanelFocus.from_proto(e.panel_focus_changed)
    ),
    "guidance_changed": _Payload(
        EventKind.GUIDANCE, lambda e: GuidanceState.from_proto(e.guidance_changed.state)
    ),
    "route_changed": _Payload(
        EventKind.GUIDANCE, lambda e: RouteChange.from_proto(e.route_changed)
    ),
    "markers_changed": _Payload(
        EventKind.MARKERS, lambda e: MarkersChange.from_proto(e.markers_changed)
    ),
    "voice_state_changed": _Payload(
        EventKind.VOICE, lambda e: VoiceState.from_proto(e.voice_state_changed.state)
    ),
    "browser_state_changed": _Payload(
        EventKind.BROWSER, lambda e: BrowserState.from_proto(e.browser_state_changed.state)
    ),
    "package_install_changed": _Payload(
        EventKind.PACKAGES, lambda e: InstallProgress.from_proto(e.package_install_changed.progress)
    ),
    "service_notice": _Payload(
        EventKind.SERVICE, lambda e: ServiceNotice.from_proto(e.service_notice)
    ),
    "locale_changed": _Payload(
        EventKind.LOCALE, lambda e: LocaleChange.from_proto(e.locale_changed)
    ),
    "signals_changed": _Payload(
        EventKind.SIGNALS, lambda e: SignalsChange.from_proto(e.signals_changed)
    ),
}


def _payload(msg: types_pb2.Event) -> _Payload:
    which = msg.WhichOneof("payload")
    payload = None if which is None else _PAYLOADS.get(which)
    if payload is None:
        raise ValueError(
            f"Event {msg.seq} has payload {which!r}, which this SDK does not know; upgrade cardeck."
        )
    return payload


@final
class Event:
    """One change of head-unit state.

    ``seq`` (an ``int`` attribute, read-only by convention) increases by one
    per event within a head-unit run (``run_id``);
    ``data`` is the typed payload, its type given by ``kind``. ``time`` and
    ``data`` are converted from the wire message when first read, so a
    subscriber that filters on ``kind`` or ``seq`` pays only for what it uses.
    """

    __slots__ = ("_data", "_msg", "_time", "seq")

    seq: int
    """Sequence number within the run (read it, do not set it)."""

    _data: EventData
    _time: datetime | None

    def __init__(self, msg: types_pb2.Event) -> None:
        # Streams build one Event per delivered event, so this stays at two
        # assignments: seq is read by nearly every subscriber and the stream
        # itself, a slot read costs a tenth of the wire message's getter, and
        # time and data are converted (and cached in their slots) on first read.
        self._msg = msg
        self.seq = msg.seq

    def __init_subclass__(cls) -> None:
        # Streams build cardeck.Event, never a subclass; and the compiled type
        # (see below) cannot be subclassed, so neither can this one.
        raise TypeError("cardeck.Event is final: wrap it or convert it instead of subclassing")

    @classmethod
    def from_proto(cls, msg: types_pb2.Event) -> Event:
        return cls(msg)

    def to_proto(self) -> types_pb2.Event:
        return self._msg

    @property
    def run_id(self) -> str:
        """The head-unit run the seq belongs to."""
        return self._msg.run_id

    @property
    def kind(self) -> EventKind:
        """What kind of change this is."""
        return _payload(self._msg).kind

    @property
    def time(self) -> datetime | None:
        """When the change happened."""
        try:
            return self._time
        except AttributeError:
            self._time = time_or_none(self._msg.time)
            return self._time

    @property
    def data(self) -> EventData:
        """The typed payload."""
        try:
            return self._data
        except AttributeError:
            self._data = _payload(self._msg).data(self._msg)
            return self._data

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._msg == self._msg

    def __hash__(self) -> int:
        return hash((self.run_id, self.seq))

    def __repr__(self) -> str:
        return (
            f"Event(seq={self.seq}, run_id={self.run_id!r}, kind={self.kind}, data={self.data!r})"
        )

    def __reduce__(self) -> tuple[type[Event], tuple[types_pb2.Event]]:
        # By name, so a pickle always loads as this process's Event, compiled or not.
        return Event, (self._msg,)


# The class above is the whole definition of Event; where the package was built
# with a C compiler, Event becomes the compiled type with the same methods and a
# cheaper construction (see _event_type.c). Tests check that both behave alike.
PurePythonEvent = Event
if not TYPE_CHECKING:
    Event = compiled_event(Event)


class EventBatch(Sequence[Event]):
    """The events that arrived in one message from the head unit, in seq order.

    Streams hand these out from ``batches()``, the path for high event rates:
    a whole batch costs one step of the stream instead of one per event. The
    Events are built as you iterate or index (iterating twice builds equal,
    not identical, Events); ``list(batch)`` keeps them.
    """

    __slots__ = ("_msgs",)

    def __init__(self, msgs: Sequence[types_pb2.Event]) -> None:
        self._msgs = msgs

    @property
    def first_seq(self) -> int:
        """The seq of the first event."""
        return self._msgs[0].seq

    @property
    def last_seq(self) -> int:
        """The seq of the last event."""
        return self._msgs[-1].seq

    def __iter__(self) -> Iterator[Event]:
        # map() builds each Event as it is consumed, so the wire message's
        # wrapper dies with it instead of all of them living for the batch.
        return map(Event, self._msgs)

    def __len__(self) -> int:
        return len(self._msgs)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [Event(m) for m in self._msgs[index]]
        return Event(self._msgs[index])

    def __repr__(self) -> str:
        if not self._msgs:
            return "EventBatch([])"
        return f"EventBatch({len(self)} events, seq {self.first_seq}..{self.last_seq})"


@dataclass(frozen=True)
class Snapshot:
    """The head unit's state at one seq, sent first on a new event subscription.

    Every panel's state is in it (voice, browser, guidance) and the locale; each is None
    only when the head unit is older than the field. ``signals`` holds every vehicle signal
    that has a value (empty from head units older than vehicle signals).
    """

    seq: int
    run_id: str
    vehicle_state: VehicleState
    drive_restrictions: DriveRestrictions
    active_profile_id: str
    events_lost: bool = False
    voice_state: VoiceState | None = None
    browser_state: BrowserState | None = None
    guidance_state: GuidanceState | None = None
    locale: LocaleInfo | None = None
    signals: tuple[SignalValue, ...] = ()

    @classmethod
    def from_proto(cls, msg: types_pb2.StateSnapshot, events_lost: bool = False) -> Snapshot:
        return cls(
            msg.seq,
            msg.run_id,
            VehicleState.from_proto(msg.vehicle_state),
            DriveRestrictions.from_proto(msg.drive_restrictions),
            msg.active_profile_id,
            events_lost,
            VoiceState.from_proto(msg.voice_state) if msg.HasField("voice_state") else None,
            BrowserState.from_proto(msg.browser_state) if msg.HasField("browser_state") else None,
            GuidanceState.from_proto(msg.guidance_state)
            if msg.HasField("guidance_state")
            else None,
            locale_from_proto(msg.locale) if msg.HasField("locale") else None,
            tuple(SignalValue.from_proto(s) for s in msg.signals),
        )
