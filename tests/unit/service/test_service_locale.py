"""The store's locale: one event per change, in snapshots, kept by the journal."""

import pytest

from cardeck.i18n import UnsupportedLocaleError
from cardeck.v1 import types_pb2
from cardeck_sim.state import StateStore


def locale_events(store):
    log = store.events
    events = log.read(log.oldest_seq - 1, log.capacity, frozenset({types_pb2.EVENT_KIND_LOCALE}))
    return [(e.locale_changed.locale, e.locale_changed.rtl) for e in events]


def test_set_locale_emits_one_event_per_change_with_the_direction():
    store = StateStore()
    assert store.set_locale("ar") is True
    assert store.set_locale("ar") is False
    assert store.set_locale("de_AT") is True
    assert locale_events(store) == [("ar", True), ("de", False)]
    assert store.snapshot().locale == types_pb2.Locale(
        tag="de", name="Deutsch", rtl=False, pseudo=False, base="de"
    )


def test_an_unsupported_locale_changes_nothing():
    store = StateStore(locale="ko")
    with pytest.raises(UnsupportedLocaleError, match="en, ko, de, ar, en-XA, ar-XB"):
        store.set_locale("fr")
    assert store.locale == "ko" and locale_events(store) == []


def test_the_start_locale_is_no_event():
    store = StateStore(locale="en-xa")
    assert store.locale == "en-XA"
    assert locale_events(store) == []
    assert store.snapshot().locale.pseudo


def test_the_journal_restores_the_locale_from_events_and_from_a_compacted_snapshot(tmp_path):
    path = tmp_path / "events.journal"
    store = StateStore(journal_path=path, event_capacity=16)
    store.set_locale("ko")
    store.events.close()
    assert StateStore(journal_path=path, event_capacity=16).locale == "ko"

    path2 = tmp_path / "compacted.journal"
    store = StateStore(journal_path=path2, event_capacity=16)
    store.set_locale("ar")
    # Enough events that compaction drops the locale event and keeps only the snapshot.
    for i in range(1, 200):
        store.update_vehicle(speed_kmh=float(i))
    store.events.close()
    again = StateStore(journal_path=path2, event_capacity=16, locale="de")
    assert locale_events(again) == []  # the change left the ring...
    assert again.locale == "ar"  # ...and the snapshot kept it
    again.events.close()
