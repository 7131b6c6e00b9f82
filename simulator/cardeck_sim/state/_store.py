"""The one state store of the head unit.

Servicers, the UI and the console change state only through the store's
commands; each command that changes something appends an event to the log.
State is plain, immutable data (frozen dataclasses): a command replaces a
value rather than mutating it, so readers (the UI, snapshots) never see a
half-made change. Everything runs on the one asyncio loop, so no locks.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

from cardeck.i18n import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    UnsupportedLocaleError,
    locale_info,
    normalize_locale,
)
from cardeck.v1 import types_pb2
from cardeck.vss import SIGNALS, SignalScalar, SignalValueError

from . import _signals as sig
from ._events import EventLog
from ._journal import Journal
from ._signals import SignalDatum, SignalTable

#: Layout panel kinds → ``cardeck.v1.PanelKind`` values (what ``set_focus`` takes).
PANEL_KINDS: dict[str, int] = {
    "status_bar": types_pb2.PANEL_KIND_STATUS_BAR,
    "map": types_pb2.PANEL_KIND_MAP,
    "voice": types_pb2.PANEL_KIND_VOICE,
    "browser": types_pb2.PANEL_KIND_BROWSER,
    "dock": types_pb2.PANEL_KIND_DOCK,
    "guidance_card": types_pb2.PANEL_KIND_GUIDANCE_CARD,
    "speed": types_pb2.PANEL_KIND_SPEED,
    "next_maneuver": types_pb2.PANEL_KIND_NEXT_MANEUVER,
    "climate": types_pb2.PANEL_KIND_CLIMATE,
}


def panel_kind_value(kind: str) -> int:
    """Return the ``cardeck.v1.PanelKind`` value of a layout panel kind (0 if unknown)."""
    return PANEL_KINDS.get(kind, types_pb2.PANEL_KIND_UNSPECIFIED)


def takes_focus(kind: str) -> bool:
    """Whether a panel of this kind takes the focus (a tap, the rotary controller).

    Every content panel does; the status bar and the dock are chrome whose
    controls (tabs, the menu) move the focus to other panels.
    """
    return kind not in ("status_bar", "dock")


class Gear(enum.IntEnum):
    """Transmission position; values match ``cardeck.v1.Gear``."""

    UNSPECIFIED = types_pb2.GEAR_UNSPECIFIED
    PARK = types_pb2.GEAR_PARK
    REVERSE = types_pb2.GEAR_REVERSE
    NEUTRAL = types_pb2.GEAR_NEUTRAL
    DRIVE = types_pb2.GEAR_DRIVE


class DayNight(enum.IntEnum):
    """Theme selection; values match ``cardeck.v1.DayNightMode``."""

    UNSPECIFIED = types_pb2.DAY_NIGHT_MODE_UNSPECIFIED
    AUTO = types_pb2.DAY_NIGHT_MODE_AUTO
    DAY = types_pb2.DAY_NIGHT_MODE_DAY
    NIGHT = types_pb2.DAY_NIGHT_MODE_NIGHT


# Android leaves list limits while driving to the OEM's
# car_ux_restrictions_map.xml; this is the simulator's setting.
RESTRICTED_MAX_LIST_ITEMS = 6


@dataclass(frozen=True)
class VehicleState:
    """What the car reports about itself: a typed view of the store's VSS signals
    (``StateStore.signals``), derived from them on every change."""

    speed_kmh: float = 0.0
    gear: Gear = Gear.PARK
    parking_brake_on: bool = True
    night: bool = False
    day_night: DayNight = DayNight.AUTO
    updated_monotonic: float = 0.0

    @property
    def dark_theme(self) -> bool:
        """Whether the UI should use the night theme now."""
        if self.day_night is DayNight.AUTO:
            return self.night
        return self.day_night is DayNight.NIGHT


#: A display of the active profile: its id and whether the driver can see it.
DisplayVisibility = tuple[str, bool]


@dataclass(frozen=True)
class DisplayRestrictions:
    """What is locked on one display: only displays the driver can see lock while driving."""

    display_id: str
    driver_visible: bool
    browser_locked: bool = False
    keyboard_locked: bool = False
    video_locked: bool = False
    max_list_items: int = 0


@dataclass(frozen=True)
class DriveRestrictions:
    """What is locked, derived from the vehicle state (after CarUxRestrictions).

    The top-level locks are those of the displays the driver can see (what
    clients saw before per-display restrictions); ``displays`` says it per display.
    """

    parked: bool = True
    browser_locked: bool = False
    keyboard_locked: bool = False
    video_locked: bool = False
    max_list_items: int = 0
    reason: str = "Parked: gear P."
    displays: tuple[DisplayRestrictions, ...] = ()

    @classmethod
    def for_state(
        cls, state: VehicleState, displays: tuple[DisplayVisibility, ...] = ()
    ) -> DriveRestrictions:
        """Derive the restrictions: parked is gear P, or the parking brake on at speed 0."""
        if state.gear is Gear.PARK:
            return cls(parked=True, reason="Parked: gear P.", displays=_unlocked(displays))
        if state.parking_brake_on and state.speed_kmh == 0:
            return cls(
                parked=True,
                reason="Parked: parking brake on at 0 km/h.",
                displays=_unlocked(displays),
            )
        hidden = [display_id for display_id, visible in displays if not visible]
        # No speed or gear in the text: restrictions change only when what is locked does.
        reason = (
            "Driving: not in P and not held by the parking brake at 0 km/h; the browser, "
            "keyboard entry and video are locked until the car is parked."
        )
        if hidden:
            reason += f" Displays the driver cannot see stay unlocked: {', '.join(hidden)}."
        return cls(
            parked=False,
            browser_locked=True,
            keyboard_locked=True,
            video_locked=True,
            max_list_items=RESTRICTED_MAX_LIST_ITEMS,
            reason=reason,
            displays=tuple(
                DisplayRestrictions(display_id, True, True, True, True, RESTRICTED_MAX_LIST_ITEMS)
                if visible
                else DisplayRestrictions(display_id, False)
                for display_id, visible in displays
            ),
        )

    def browser_locked_on(self, display_id: str) -> bool:
        """Whether the browser is locked on this display (a display not listed: the default)."""
        for display in self.displays:
            if display.display_id == display_id:
                return display.browser_locked
        return self.browser_locked

    @property
    def browser_locked_everywhere(self) -> bool:
        """Whether no display may use the browser now (its one engine locks then)."""
        if not self.displays:
            return self.browser_locked
        return all(display.browser_locked for display in self.displays)


def _unlocked(displays: tuple[DisplayVisibility, ...]) -> tuple[DisplayRestrictions, ...]:
    return tuple(DisplayRestrictions(display_id, visible) for display_id, visible in displays)


@dataclass(frozen=True)
class VoiceConfirmation:
    """A question the voice panel waits on (types.proto PendingConfirmation)."""

    confirmation_id: str
    prompt: str
    intent_id: str
    slots: tuple[tuple[str, str], ...] = ()
    timeout_seconds: float = 0.0


@dataclass(frozen=True)
class VoiceView:
    """What the voice panel shows."""

    activity: str = "idle"  # idle, listening, processing, speaking, confirming
    transcript: str = ""
    intent_id: str = ""
    spoken_text: str = ""
    #: The understood intent's slots as (name, value) pairs, in the phrase's order.
    slots: tuple[tuple[str, str], ...] = ()
    #: The question waiting for a yes or no, if any.
    confirmation: VoiceConfirmation | None = None
    #: Whether the driver's speech stopped ``spoken_text`` (barge-in).
    speech_interrupted: bool = False


class VoiceChanges(TypedDict, total=False):
    """The fields of :class:`VoiceView` a :meth:`StateStore.set_voice` call changes."""

    activity: str
    transcript: str
    intent_id: str
    spoken_text: str
    slots: tuple[tuple[str, str], ...]
    confirmation: VoiceConfirmation | None
    speech_interrupted: bool


@dataclass(frozen=True)
class MapView:
    """What the map panel and the guidance card show.

    The values are the maps engine's own types (``cardeck_sim.maps``): ``route``
    a Route, ``guidance`` a GuidanceUpdate, ``markers`` Markers, ``camera`` a
    Camera, ``vehicle`` a VehiclePose. Kept as ``Any`` so the store imports no
    engine.
    """

    route: Any = None
    guidance: Any = None
    markers: tuple[Any, ...] = ()
    camera: Any = None
    vehicle: Any = None


@dataclass(frozen=True)
class BrowserView:
    """What the browser panel shows: the engine's BrowserState and the newest frame.

    Frames are high-rate data: they replace ``frame`` and bump the store's
    revision but are no events.
    """

    available: bool = False
    state: Any = None
    frame: Any = None
    unavailable_reason: str = ""


class StateStore:
    """The head unit's state and the commands that change it.

    :param active_profile_id: the vehicle profile to start with.
    :param event_capacity: how many events the ring keeps for resuming clients.
    :param locale: the locale to start in (a journal's, when it has one, wins).
    """

    def __init__(
        self,
        active_profile_id: str = "",
        event_capacity: int = 65_536,
        max_lag: int | None = None,
        journal_path: Path | None = None,
        displays_of: Callable[[str], tuple[DisplayVisibility, ...]] | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> None:
        journal = Journal(journal_path) if journal_path is not None else None
        self.events = EventLog(event_capacity, max_lag, journal)
        self.events.snapshot_provider = self.snapshot
        # The head unit's locale tag (cardeck.i18n.SUPPORTED_LOCALES): every panel,
        # guidance and voice read it; set_locale changes it. The one to start in,
        # unless a journal restores the one the head unit had.
        self.locale = normalize_locale(locale)
        # The vehicle's data as VSS signals: the one source of truth that VehicleState,
        # the KUKSA val API and the panels read. set_signals changes it.
        self.signals = SignalTable()
        stamp = sig.now_ns()
        for path, value in sig.follow(
            self.signals, {**sig.INITIAL_VALUES, sig.LANGUAGE: self.locale}
        ).items():
            self.signals._put(path, SignalDatum(value, stamp))
        #: Where the vehicle's data comes from: "simulated" (the head unit drives its own
        #: car along routes) or the URL of an outside feed (--vehicle-source).
        self.vehicle_source = "simulated"
        self.vehicle = self._vehicle_view(time.monotonic())
        self.active_profile_id = active_profile_id
        self._displays_of = displays_of
        self.restrictions = self._derive_restrictions()
        if journal is not None and journal.recovered is not None:
            self._restore(journal.recovered.snapshot, journal.recovered.events)
        # Focused panel id per display id; replaced, never mutated.
        self.focus: dict[str, str] = {}
        self.voice = VoiceView()
        self.map = MapView()
        self.browser = BrowserView()
        # The wire form of the last browser and guidance state published, for snapshots: the
        # panels build them (the store imports no servicer), the store keeps the latest.
        self._browser_wire: types_pb2.BrowserState | None = None
        self._guidance_wire = types_pb2.GuidanceState(status=types_pb2.GUIDANCE_STATUS_IDLE)
        # Bumped on every change, events or not: views redraw when it moves.
        self.revision = 0

    # -- commands -------------------------------------------------------

    def update_vehicle(
        self,
        *,
        speed_kmh: float | None = None,
        gear: Gear = Gear.UNSPECIFIED,
        parking_brake_on: bool | None = None,
        night: bool | None = None,
        day_night: DayNight = DayNight.UNSPECIFIED,
    ) -> VehicleState:
        """Change the given fields through their VSS signals; emit signal, vehicle and
        restriction events for what changed.

        Callers validate ranges first; the store trusts its inputs.
        """
        self._apply_signals(
            self._vehicle_updates(speed_kmh, gear, parking_brake_on, night, day_night)
        )
        return self.vehicle

    def _vehicle_updates(
        self,
        speed_kmh: float | None,
        gear: Gear,
        parking_brake_on: bool | None,
        night: bool | None,
        day_night: DayNight,
    ) -> dict[str, SignalScalar]:
        """The signal writes of VehicleState fields (None and UNSPECIFIED leave a field)."""
        updates: dict[str, SignalScalar] = {}
        if speed_kmh is not None:
            updates[sig.SPEED] = float(speed_kmh)
        if gear is not Gear.UNSPECIFIED:
            updates[sig.SELECTED_GEAR] = _SELECTED_GEAR[gear]
        if parking_brake_on is not None:
            updates[sig.PARKING_BRAKE] = parking_brake_on
        light = self.signals.value(sig.LIGHT, sig.DAYLIGHT_PERCENT)
        if night is not None and night != (float(light) < sig.NIGHT_LIGHT_PERCENT):  # type: ignore[arg-type]
            # The light sensor's reading moves only when day and night flip.
            updates[sig.LIGHT] = sig.DARK_PERCENT if night else sig.DAYLIGHT_PERCENT
        if day_night is not DayNight.UNSPECIFIED:
            updates[sig.DAY_NIGHT_SELECTION] = day_night.name
        return updates

    def set_signals(self, updates: Mapping[str, object]) -> dict[str, SignalDatum]:
        """Set vehicle signals by VSS path, all or none; return those whose value changed.

        One ``SignalsChanged`` event carries the changed signals (and the ones that follow
        them, e.g. ``Vehicle.IsMoving``); a ``VehicleStateChanged`` and the drive
        restrictions follow when the typed view changed. Writing
        ``Vehicle.Cabin.Infotainment.HMI.CurrentLanguage`` switches the locale.

        :raises cardeck.vss.UnknownSignalError: a path is not a signal of the subset.
        :raises cardeck.vss.SignalValueError: a value does not fit its signal.
        """
        checked = sig.checked_updates(updates)
        language = checked.pop(sig.LANGUAGE, None)
        tag = None
        if language is not None:
            try:
                tag = normalize_locale(str(language))
            except UnsupportedLocaleError as exc:
                raise SignalValueError(sig.LANGUAGE, "allowed", str(exc)) from exc
        changed = self._apply_signals(checked)
        if tag is not None and self.set_locale(tag):
            datum = self.signals.get(sig.LANGUAGE)
            if datum is not None:
                changed[sig.LANGUAGE] = datum
        return changed

    def _apply_signals(self, checked: Mapping[str, SignalScalar]) -> dict[str, SignalDatum]:
        full = sig.follow(self.signals, dict(checked))
        stamp = sig.now_ns()
        changed: dict[str, SignalDatum] = {}
        for path, value in full.items():
            old = self.signals.get(path)
            if old is not None and old.value == value and type(old.value) is type(value):
                continue
            datum = SignalDatum(value, stamp)
            self.signals._put(path, datum)
            changed[path] = datum
        if not changed:
            return changed
        self.revision += 1
        self.events.append(
            signals_changed=types_pb2.SignalsChanged(
                signals=[signal_to_proto(path, datum) for path, datum in changed.items()]
            )
        )
        view = self._vehicle_view(self.vehicle.updated_monotonic)
        if view != self.vehicle:
            self.vehicle = dataclasses.replace(view, updated_monotonic=time.monotonic())
            self.events.append(
                vehicle_state_changed=types_pb2.VehicleStateChanged(
                    state=vehicle_state_to_proto(self.vehicle)
                )
            )
            self.refresh_restrictions()
        return changed

    def _vehicle_view(self, updated_monotonic: float) -> VehicleState:
        """The typed VehicleState the signals say."""
        value = self.signals.value
        light = value(sig.LIGHT, sig.DAYLIGHT_PERCENT)
        return VehicleState(
            speed_kmh=float(value(sig.SPEED, 0.0)),  # type: ignore[arg-type]
            gear=_gear_of(value(sig.SELECTED_GEAR, sig.GEAR_PARK)),
            parking_brake_on=bool(value(sig.PARKING_BRAKE, False)),
            night=float(light) < sig.NIGHT_LIGHT_PERCENT,  # type: ignore[arg-type]
            day_night=DayNight[str(value(sig.DAY_NIGHT_SELECTION, "AUTO"))],
            updated_monotonic=updated_monotonic,
        )

    def refresh_restrictions(self, *, emit: bool = True) -> None:
        """Derive the restrictions again (vehicle or profile changed); emit an event if changed."""
        restrictions = self._derive_restrictions()
        if restrictions == self.restrictions:
            return
        self.restrictions = restrictions
        if emit:
            self.events.append(
                drive_restrictions_changed=types_pb2.DriveRestrictionsChanged(
                    restrictions=restrictions_to_proto(restrictions)
                )
            )

    def _derive_restrictions(self) -> DriveRestrictions:
        displays = self._displays_of(self.active_profile_id) if self._displays_of else ()
        return DriveRestrictions.for_state(self.vehicle, displays)

    def set_active_profile(self, profile_id: str, reason: str) -> None:
        """Switch the active vehicle profile and emit a layout event."""
        self.active_profile_id = profile_id
        self.focus = {}
        self.revision += 1
        self.events.append(
            layout_changed=types_pb2.LayoutChanged(profile_id=profile_id, reason=reason)
        )
        self.refresh_restrictions()

    def set_locale(self, tag: str) -> bool:
        """Switch the head unit's locale; return whether it changed.

        :raises cardeck.i18n.UnsupportedLocaleError: the tag is not a shipped locale.
        """
        tag = normalize_locale(tag)
        if tag == self.locale:
            return False
        self.locale = tag
        self.revision += 1
        self.events.append(
            locale_changed=types_pb2.LocaleChanged(locale=tag, rtl=locale_info(tag).rtl)
        )
        self._apply_signals({sig.LANGUAGE: tag})
        # Layouts are solved in the locale (direction, text fit): clients fetch them again.
        self.layouts_changed(f"The locale changed to {tag}.")
        return True

    def layouts_changed(self, reason: str) -> None:
        """Say that the layouts changed without a profile switch (e.g. profiles installed)."""
        self.revision += 1
        self.events.append(
            layout_changed=types_pb2.LayoutChanged(profile_id=self.active_profile_id, reason=reason)
        )
        self.refresh_restrictions()

    def install_progress(self, progress: types_pb2.InstallProgress) -> None:
        """Publish the progress of a bundle installation."""
        self.events.append(
            package_install_changed=types_pb2.PackageInstallChanged(progress=progress)
        )

    def set_focus(self, display_id: str, panel_id: str, panel_kind: int) -> None:
        """Focus a panel on a display (a dock tab, a rotary push, a client)."""
        if self.focus.get(display_id) == panel_id:
            return
        self.focus = {**self.focus, display_id: panel_id}
        self.revision += 1
        self.events.append(
            panel_focus_changed=types_pb2.PanelFocusChanged(
                display_id=display_id,
                panel=types_pb2.PanelKind.ValueType(panel_kind),
            )
        )

    def set_voice(self, **changes: Unpack[VoiceChanges]) -> None:
        """Change the voice panel (activity, transcript, intent_id, slots, spoken_text,
        confirmation, speech_interrupted)."""
        new = dataclasses.replace(self.voice, **changes)
        if new == self.voice:
            return
        self.voice = new
        self.revision += 1
        self.events.append(
            voice_state_changed=types_pb2.VoiceStateChanged(state=voice_view_to_proto(new))
        )

    def set_map(self, *, event: dict[str, Any] | None = None, **changes: Any) -> None:
        """Change the map view; ``event`` is the one Event payload to emit, if any.

        Route, guidance and marker changes carry their wire message in
        ``event`` (the service builds it); camera and vehicle moves emit none.
        """
        self.map = dataclasses.replace(self.map, **changes)
        self.revision += 1
        if event:
            if "guidance_changed" in event:
                self._guidance_wire = event["guidance_changed"].state
            self.events.append(**event)

    def set_browser(self, view: BrowserView, state_message: Any = None) -> None:
        """Replace the browser view; with ``state_message`` (a BrowserState proto) emit an event."""
        self.browser = view
        self.revision += 1
        if state_message is not None:
            self._browser_wire = state_message
            self.events.append(
                browser_state_changed=types_pb2.BrowserStateChanged(state=state_message)
            )

    def set_browser_frame(self, frame: Any) -> None:
        """Show a new screencast frame (no event: frames are high-rate data)."""
        self.browser = dataclasses.replace(self.browser, frame=frame)
        self.revision += 1

    def notice(self, severity: types_pb2.NoticeSeverity.ValueType, code: str, message: str) -> None:
        """Publish a service notice (e.g. a restarted engine)."""
        self.events.append(
            service_notice=types_pb2.ServiceNotice(severity=severity, code=code, message=message)
        )

    def _restore(
        self, snapshot: types_pb2.StateSnapshot | None, events: list[types_pb2.Event]
    ) -> None:
        """Rebuild the lasting state (vehicle, restrictions, profile) from a journal."""
        after = 0
        if snapshot is not None:
            after = snapshot.seq
            if snapshot.signals:
                self._restore_signals(snapshot.signals)
            else:  # a journal from before vehicle signals
                self._restore_vehicle(vehicle_state_from_proto(snapshot.vehicle_state))
            self.active_profile_id = snapshot.active_profile_id or self.active_profile_id
            self.locale = _known_locale(snapshot.locale.tag, self.locale)
        for event in events:
            if event.seq <= after:
                continue
            which = event.WhichOneof("payload")
            if which == "signals_changed":
                self._restore_signals(event.signals_changed.signals)
            elif which == "vehicle_state_changed":
                self._restore_vehicle(vehicle_state_from_proto(event.vehicle_state_changed.state))
            elif which == "layout_changed":
                self.active_profile_id = event.layout_changed.profile_id
            elif which == "locale_changed":
                self.locale = _known_locale(event.locale_changed.locale, self.locale)
        self.signals._put(sig.LANGUAGE, SignalDatum(self.locale, sig.now_ns()))
        self.vehicle = self._vehicle_view(time.monotonic())
        self.restrictions = self._derive_restrictions()

    def _restore_signals(self, values: Any) -> None:
        for msg in values:
            restored = signal_from_proto(msg)
            if restored is not None:
                self.signals._put(*restored)

    def _restore_vehicle(self, state: VehicleState) -> None:
        """Replay a journaled VehicleState into the signals (journals from before signals)."""
        stamp = sig.now_ns()
        updates = self._vehicle_updates(
            state.speed_kmh, state.gear, state.parking_brake_on, state.night, state.day_night
        )
        for path, value in sig.follow(self.signals, updates).items():
            self.signals._put(path, SignalDatum(value, stamp))

    # -- readers ----------------------------------------------------------

    def snapshot(self) -> types_pb2.StateSnapshot:
        """The current state as one message, consistent with ``events.head_seq``."""
        return types_pb2.StateSnapshot(
            seq=self.events.head_seq,
            run_id=self.events.run_id,
            vehicle_state=vehicle_state_to_proto(self.vehicle),
            drive_restrictions=restrictions_to_proto(self.restrictions),
            active_profile_id=self.active_profile_id,
            voice_state=voice_view_to_proto(self.voice),
            browser_state=self._browser_wire
            or types_pb2.BrowserState(
                available=self.browser.available, locked=self.restrictions.browser_locked_everywhere
            ),
            guidance_state=self._guidance_wire,
            locale=locale_to_proto(self.locale),
            signals=[signal_to_proto(path, datum) for path, datum in self.signals.items()],
        )


_SELECTED_GEAR: dict[Gear, int] = {
    Gear.PARK: sig.GEAR_PARK,
    Gear.REVERSE: sig.GEAR_REVERSE,
    Gear.NEUTRAL: sig.GEAR_NEUTRAL,
    Gear.DRIVE: sig.GEAR_DRIVE,
}


def _gear_of(selected: object) -> Gear:
    """The typed view's gear for a VSS SelectedGear: 1, 2, … and 127 drive; -1, -2, … reverse."""
    if not isinstance(selected, int) or selected == sig.GEAR_PARK:
        return Gear.PARK
    if selected == sig.GEAR_NEUTRAL:
        return Gear.NEUTRAL
    return Gear.REVERSE if selected < 0 else Gear.DRIVE


def signal_to_proto(path: str, datum: SignalDatum) -> types_pb2.SignalValue:
    """A signal's value in its wire form, typed by its VSS datatype."""
    msg = types_pb2.SignalValue(path=path)
    datatype = SIGNALS[path].datatype
    value = datum.value
    if datatype == "boolean":
        msg.bool_value = bool(value)
    elif datatype == "string":
        msg.string_value = str(value)
    elif datatype in ("float", "double"):
        msg.double_value = float(value)
    elif datatype.startswith("uint"):
        msg.uint_value = int(value)
    else:
        msg.int_value = int(value)
    msg.time.FromNanoseconds(datum.time_ns)
    return msg


def signal_from_proto(msg: types_pb2.SignalValue) -> tuple[str, SignalDatum] | None:
    """A journaled signal value; None for a path no longer in the subset or no value."""
    spec = SIGNALS.get(msg.path)
    which = msg.WhichOneof("value")
    if spec is None or which is None:
        return None
    value: SignalScalar = getattr(msg, which)
    if spec.python_type is float:
        value = float(value)
    return msg.path, SignalDatum(value, msg.time.ToNanoseconds())


def _known_locale(tag: str, fallback: str) -> str:
    """A journaled locale tag, or ``fallback`` when empty or no longer shipped."""
    return tag if tag in SUPPORTED_LOCALES else fallback


def locale_to_proto(tag: str) -> types_pb2.Locale:
    """Describe a shipped locale in its wire form."""
    info = locale_info(tag)
    return types_pb2.Locale(
        tag=info.tag, name=info.name, rtl=info.rtl, pseudo=info.pseudo, base=info.base
    )


def supported_locales_to_proto() -> list[types_pb2.Locale]:
    """Every shipped locale in its wire form, the source locale first."""
    return [locale_to_proto(tag) for tag in SUPPORTED_LOCALES]


def vehicle_state_to_proto(state: VehicleState) -> types_pb2.VehicleState:
    """Convert the store's vehicle state to its wire form."""
    msg = types_pb2.VehicleState(
        speed_kmh=state.speed_kmh,
        gear=types_pb2.Gear.ValueType(state.gear),
        parking_brake_on=state.parking_brake_on,
        night=state.night,
        day_night_mode=types_pb2.DayNightMode.ValueType(state.day_night),
    )
    # The monotonic clock says when; the wall clock is what clients can read.
    msg.update_time.FromNanoseconds(
        time.time_ns() - int((time.monotonic() - state.updated_monotonic) * 1e9)
    )
    return msg


_VOICE_ACTIVITY = {
    "idle": types_pb2.VOICE_ACTIVITY_IDLE,
    "listening": types_pb2.VOICE_ACTIVITY_LISTENING,
    "processing": types_pb2.VOICE_ACTIVITY_PROCESSING,
    "speaking": types_pb2.VOICE_ACTIVITY_SPEAKING,
    "confirming": types_pb2.VOICE_ACTIVITY_CONFIRMING,
}


def voice_view_to_proto(view: VoiceView) -> types_pb2.VoiceState:
    """Convert the voice panel state to its wire form."""
    state = types_pb2.VoiceState(
        activity=_VOICE_ACTIVITY[view.activity],
        transcript=view.transcript,
        intent_id=view.intent_id,
        spoken_text=view.spoken_text,
        speech_interrupted=view.speech_interrupted,
    )
    if view.confirmation is not None:
        state.pending_confirmation.CopyFrom(voice_confirmation_to_proto(view.confirmation))
    return state


def voice_confirmation_to_proto(c: VoiceConfirmation) -> types_pb2.PendingConfirmation:
    """Convert a waiting voice question to its wire form."""
    return types_pb2.PendingConfirmation(
        confirmation_id=c.confirmation_id,
        prompt=c.prompt,
        intent_id=c.intent_id,
        slots=[types_pb2.SlotValue(name=k, value=v) for k, v in c.slots],
        timeout_seconds=c.timeout_seconds,
    )


def vehicle_state_from_proto(msg: types_pb2.VehicleState) -> VehicleState:
    """Read a vehicle state back from its wire form (journal recovery)."""
    return VehicleState(
        speed_kmh=msg.speed_kmh,
        gear=Gear(msg.gear) if msg.gear else Gear.PARK,
        parking_brake_on=msg.parking_brake_on,
        night=msg.night,
        day_night=DayNight(msg.day_night_mode) if msg.day_night_mode else DayNight.AUTO,
        updated_monotonic=time.monotonic(),
    )


def restrictions_to_proto(r: DriveRestrictions) -> types_pb2.DriveRestrictions:
    """Convert drive restrictions to their wire form."""
    return types_pb2.DriveRestrictions(
        parked=r.parked,
        browser_locked=r.browser_locked,
        keyboard_locked=r.keyboard_locked,
        video_locked=r.video_locked,
        max_list_items=r.max_list_items,
        reason=r.reason,
        displays=[
            types_pb2.DisplayRestrictions(
                display_id=d.display_id,
                driver_visible=d.driver_visible,
                browser_locked=d.browser_locked,
                keyboard_locked=d.keyboard_locked,
                video_locked=d.video_locked,
                max_list_items=d.max_list_items,
            )
            for d in r.displays
        ],
    )
