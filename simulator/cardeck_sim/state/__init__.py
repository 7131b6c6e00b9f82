"""The head unit's state: the one store, its event log and its journal.

Every other room reads from here: ``service`` (the servicers) changes state
through the store's commands, ``ui`` and ``bridge`` read it and follow its
events. Nothing here imports ``service``, ``ui``, ``bridge`` or the
composition root ``headunit``; ``tools/check_layers.py`` checks the layers.
"""

from ._events import (
    DEFAULT_KINDS,
    KIND_OF_PAYLOAD,
    OPT_IN_KINDS,
    Cursor,
    EventLog,
    SubscriberLagError,
    subscribed_kinds,
)
from ._journal import Journal, JournalError
from ._profiles import HeadUnitView, ProfileSource
from ._signals import SignalDatum, SignalTable, SimulatedPowertrain
from ._store import (
    RESTRICTED_MAX_LIST_ITEMS,
    BrowserView,
    DayNight,
    DriveRestrictions,
    Gear,
    MapView,
    StateStore,
    VehicleState,
    VoiceConfirmation,
    VoiceView,
    locale_to_proto,
    panel_kind_value,
    restrictions_to_proto,
    signal_from_proto,
    signal_to_proto,
    supported_locales_to_proto,
    takes_focus,
    vehicle_state_from_proto,
    vehicle_state_to_proto,
    voice_confirmation_to_proto,
    voice_view_to_proto,
)

__all__ = [
    "DEFAULT_KINDS",
    "KIND_OF_PAYLOAD",
    "OPT_IN_KINDS",
    "RESTRICTED_MAX_LIST_ITEMS",
    "BrowserView",
    "Cursor",
    "DayNight",
    "DriveRestrictions",
    "EventLog",
    "Gear",
    "HeadUnitView",
    "Journal",
    "JournalError",
    "MapView",
    "ProfileSource",
    "SignalDatum",
    "SignalTable",
    "SimulatedPowertrain",
    "StateStore",
    "SubscriberLagError",
    "VehicleState",
    "VoiceConfirmation",
    "VoiceView",
    "locale_to_proto",
    "panel_kind_value",
    "restrictions_to_proto",
    "signal_from_proto",
    "signal_to_proto",
    "subscribed_kinds",
    "supported_locales_to_proto",
    "takes_focus",
    "vehicle_state_from_proto",
    "vehicle_state_to_proto",
    "voice_confirmation_to_proto",
    "voice_view_to_proto",
]
