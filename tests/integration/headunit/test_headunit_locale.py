"""The head unit's locale end to end: GetInfo, SetLocale, the LocaleChanged event, the
snapshot, the journal, the start-up locale, in both twins."""

from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

import cardeck
from cardeck import EventKind, LocaleChange
from cardeck.i18n import SUPPORTED_LOCALES, locale_info
from cardeck.testing import HeadUnitThread
from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import headunit_service_pb2_grpc as pb_grpc
from cardeck_sim.headunit import HeadUnit, ServiceConfig, start_locale
from tests.integration.conftest import serving

ROOT = Path(__file__).resolve().parents[3]


def test_sync_info_carries_the_locale_and_every_supported_one(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        info = client.info()
    assert (info.locale, info.rtl) == ("en", False)
    assert tuple(x.tag for x in info.supported_locales) == SUPPORTED_LOCALES
    # The wire carries exactly what cardeck.i18n knows of each locale.
    assert list(info.supported_locales) == [locale_info(tag) for tag in SUPPORTED_LOCALES]
    assert info.locale_info == locale_info("en")


def test_sync_set_locale_switches_emits_one_event_and_is_idempotent(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        stream = client.events(kinds=[EventKind.LOCALE])
        snapshot = stream.open()
        assert snapshot is not None and snapshot.locale == locale_info("en")
        assert client.set_locale("ar") == locale_info("ar")
        assert client.set_locale("AR") == locale_info("ar")  # the same again: no event
        assert client.set_locale("ko_KR").tag == "ko"  # a region falls back to its language
        first, second = next(stream), next(stream)
        stream.close()
        info = client.info()
    assert (first.kind, first.data) == (EventKind.LOCALE, LocaleChange("ar", True))
    assert second.data == LocaleChange("ko", False)
    # Each switch is a locale event, the HMI.CurrentLanguage signal and a layout event
    # (layouts are solved in the locale); the repeated "AR" emitted nothing between them.
    assert second.seq == first.seq + 3
    assert (info.locale, info.rtl, info.locale_info.name) == ("ko", False, "한국어")


def test_sync_unsupported_locale_is_invalid_argument_naming_the_field_and_the_tags(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            client.set_locale("fr")
        assert client.info().locale == "en"
    (violation,) = caught.value.field_violations
    assert violation.field == "locale"
    for tag in SUPPORTED_LOCALES:
        assert tag in violation.description
    assert "'fr'" in str(caught.value)


def test_sync_empty_locale_is_refused_before_sending(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        with pytest.raises(cardeck.UsageError, match="supported_locales"):
            client.set_locale(" ")


def test_raw_grpc_empty_locale_gets_a_bad_request_detail(thread_unit):
    # Any gRPC client, not only the SDK, sees the BadRequest detail listing the tags.
    with grpc.insecure_channel(thread_unit.target) as channel:
        stub = pb_grpc.HeadUnitServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.SetLocale(pb.SetLocaleRequest(locale=""))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    metadata = dict(caught.value.trailing_metadata())
    status = status_pb2.Status.FromString(metadata["grpc-status-details-bin"])
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad)
    assert bad.field_violations[0].field == "locale"
    assert "en, ko, de, ar, en-XA, ar-XB" in bad.field_violations[0].description


async def test_async_set_locale_and_the_resuming_client_gets_the_event(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        stream = client.events()
        snapshot = await stream.open()
        await stream.aclose()
        changed = await client.set_locale("en-XA")
        assert changed.pseudo and changed.base == "en"
        # A client that resumes after the snapshot's seq is sent the change it missed.
        resumed = client.events(after_seq=snapshot.seq, run_id=snapshot.run_id)
        event = await anext(aiter(resumed))
        await resumed.aclose()
        assert event.data == LocaleChange("en-XA", False)
        # A new subscriber finds the locale in its snapshot.
        fresh = client.events()
        again = await fresh.open()
        await fresh.aclose()
    assert again.locale == locale_info("en-XA")


async def test_async_unsupported_locale_is_invalid_argument(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            await client.set_locale("xx-YY")
        assert (await client.info()).locale == "en"
    assert caught.value.field_violations[0].field == "locale"


async def test_the_journal_keeps_the_locale_over_a_restart_and_locale_flag_wins(tmp_path):
    async with serving(HeadUnit(ServiceConfig(port=0, state_dir=tmp_path))) as unit:
        unit.store.set_locale("de")
    async with serving(HeadUnit(ServiceConfig(port=0, state_dir=tmp_path))) as unit:
        assert unit.store.locale == "de"
    unit = HeadUnit(ServiceConfig(port=0, state_dir=tmp_path, locale="ar"))
    async with serving(unit):
        assert unit.store.locale == "ar"
        # The flag's change is an event: a client resuming the journaled run sees it.
        assert unit.store.snapshot().locale.tag == "ar"


def test_start_locale_prefers_the_flag_then_the_profile_then_english():
    class Profile:
        locale = "ko"

    assert start_locale(ServiceConfig(locale="de"), Profile()) == "de"
    assert start_locale(ServiceConfig(), Profile()) == "ko"
    assert start_locale(ServiceConfig(), object()) == "en"  # a profile model without locale:
    assert start_locale(ServiceConfig(), None) == "en"


def test_service_config_refuses_an_unknown_locale_listing_the_supported():
    with pytest.raises(ValueError, match="en, ko, de, ar, en-XA, ar-XB"):
        ServiceConfig(locale="klingon")


@pytest.mark.parametrize("tag", ["ko", "ar-XB"])
def test_a_head_unit_started_in_a_locale_reports_it(tag):
    with HeadUnitThread(ServiceConfig(port=0, locale=tag, browser=False)) as unit:
        with cardeck.Client(unit.target) as client:
            info = client.info()
    assert (info.locale, info.rtl) == (tag, locale_info(tag).rtl)


def test_sync_place_names_follow_set_locale_and_keep_the_local_name(tmp_path):
    from tests.integration.headunit.test_headunit_maps_hangul import CITY_HALL, write_extract

    seoul = write_extract(tmp_path / "seoul.osm.pbf")
    config = ServiceConfig(port=0, map_data=seoul, browser=False, ws_port=None)
    with HeadUnitThread(config) as unit, cardeck.Client(unit.target) as client:
        english = client.maps.get_place("node/1001")
        client.set_locale("ko")
        korean = client.maps.search_places("ㅅㅇㅅㅊ", near=CITY_HALL, limit=1)[0]
    assert (english.name, english.local_name) == ("Seoul City Hall", "서울시청")
    assert (korean.place_id, korean.name, korean.local_name) == (
        "node/1001",
        "서울시청",
        "서울시청",
    )


def test_a_profile_with_a_locale_starts_the_head_unit_in_it():
    from cardeck.layout import parse_profile

    yaml_text = (ROOT / "layouts" / "vehicles" / "polestar-2.yaml").read_text(encoding="utf-8")
    profile = parse_profile(yaml_text + "\nlocale: ko\n", "polestar-2-ko.yaml")
    assert start_locale(ServiceConfig(), profile) == "ko"
    assert start_locale(ServiceConfig(locale="de"), profile) == "de"


def test_the_head_units_layouts_are_solved_in_its_locale():
    """Right to left mirrors reading order on the head unit too; the dock stays by the driver."""
    from cardeck.layout import solve_profile
    from cardeck_sim.service._catalog import DEFAULT_PROFILE_ID, ProfileCatalog

    profile = ProfileCatalog.load().get(DEFAULT_PROFILE_ID)
    with HeadUnitThread(ServiceConfig(port=0)) as unit, cardeck.Client(unit.target) as client:
        english = client.layout.get_layout(DEFAULT_PROFILE_ID, "center")["center"]
        client.set_locale("ar")
        arabic = client.layout.get_layout(DEFAULT_PROFILE_ID, "center")["center"]
    local = solve_profile(profile, locale="ar")["center"]
    rects = {p.panel_id: p.rect_px for p in arabic.panels}
    assert rects == {p.panel_id: p.rect_px for p in local.panels}
    assert rects["dock"] == english.panel("dock").rect_px  # the driver's side is physical
    assert rects["map"].x > english.panel("map").rect_px.x  # reading order mirrored
