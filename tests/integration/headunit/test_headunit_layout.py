"""LayoutService through both twins: profiles, layouts, activation events, dry-run validation."""

import asyncio
from pathlib import Path

import pytest

import cardeck
from cardeck import EventKind
from cardeck.layout import bundled_profiles, solve_profile

BAD_PROFILE = """\
id: test-car
name: Test car
sources: [made up for a test]
displays:
  - id: center
    role: center
    width_px: -1920
    height_px: 720
    dpi: 160
    colour: blue
"""


def target_of(unit):
    return f"127.0.0.1:{unit.port}"


async def test_async_lists_every_bundled_profile(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        profiles = await client.layout.list_profiles()
    ids = [p.profile_id for p in profiles]
    assert ids == sorted(bundled_profiles())
    assert len(ids) >= 16
    koleos = next(p for p in profiles if p.profile_id == "renault-grand-koleos-2025")
    assert {d.role.value for d in koleos.displays} >= {"cluster", "center", "passenger"}
    assert all(p.source == "bundled" for p in profiles)


def test_sync_get_profile_returns_its_source_yaml(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        profile = client.layout.get_profile("polestar-2")
        assert profile.name
        assert "polestar-2" in profile.yaml
        with pytest.raises(cardeck.NotFoundError, match="Known profiles"):
            client.layout.get_profile("no-such-car")
        with pytest.raises(cardeck.InvalidArgumentError) as caught:
            client.layout.get_profile("")
        assert caught.value.field_violations[0].field == "profile_id"


async def test_async_layout_matches_a_local_solve(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        remote = await client.layout.get_layout("renault-megane-e-tech-2022")
    local = solve_profile(bundled_profiles()["renault-megane-e-tech-2022"])
    assert remote == local


def test_sync_layout_of_one_display_and_unknown_display(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        layouts = client.layout.get_layout("renault-grand-koleos-2025", "passenger")
        assert list(layouts) == ["passenger"]
        assert any(p.visible for p in layouts["passenger"].panels)
        with pytest.raises(cardeck.NotFoundError, match="no display 'dash'"):
            client.layout.get_layout("renault-grand-koleos-2025", "dash")


async def test_async_set_active_profile_emits_a_layout_event(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        stream = client.events(kinds=[EventKind.LAYOUT])
        await stream.open()
        layouts = await client.layout.set_active_profile("polestar-2")
        event = await asyncio.wait_for(stream.__anext__(), 5)
        await stream.aclose()
        info = await client.info()
    assert event.data.profile_id == "polestar-2"
    assert info.active_profile_id == "polestar-2"
    assert [d.display_id for d in info.displays] == list(layouts)
    center = layouts["center"]
    assert center.width_px == 1152 and center.height_px == 1536
    assert center.aspect_class == "portrait"


def test_sync_set_active_profile_unknown_is_not_found(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        with pytest.raises(cardeck.NotFoundError):
            client.layout.set_active_profile("no-such-car")
        assert client.info().active_profile_id == thread_unit.unit.store.active_profile_id


async def test_async_validate_reports_every_problem_with_lines(aio_unit):
    async with cardeck.AsyncClient(target_of(aio_unit)) as client:
        result = await client.layout.validate_profile(BAD_PROFILE, "test-car.yaml")
    assert not result.valid
    assert result.layouts == {}
    fields = {p.field: p for p in result.problems}
    assert "displays.0.width_px" in fields
    assert fields["displays.0.width_px"].line == 7
    assert any(p.line == 10 for p in result.problems), "the unknown key is reported too"
    assert all(p.file == "test-car.yaml" for p in result.problems)


def test_sync_validate_a_good_profile_returns_layouts(thread_unit):
    text = (bundled_profiles_dir() / "tesla-model-3.yaml").read_text()
    with cardeck.Client(thread_unit.target) as client:
        result = client.layout.validate_profile(text, "tesla-model-3.yaml")
        with pytest.raises(cardeck.InvalidArgumentError):
            client.layout.validate_profile("   ")
    assert result.valid, result.problems
    assert result.problems == ()
    assert set(result.layouts) == {d.id for d in bundled_profiles()["tesla-model-3"].displays}


def bundled_profiles_dir():
    from cardeck.layout import bundled_layouts_dir

    return bundled_layouts_dir() / "vehicles"


GRADED = Path(__file__).parents[2] / "unit" / "cli" / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "valid"), [("five-inch-center.yaml", False), ("five-inch-cluster.yaml", True)]
)
def test_sync_validate_grades_diagnostics_as_profiles_validate(thread_unit, fixture, valid):
    # The RPC's `valid` and severities match cardeck.layout.check_profile, which
    # `cardeck profiles validate` prints: an error fails, a warning passes.
    from cardeck.layout import check_profile, load_profile

    path = GRADED / fixture
    local = check_profile(load_profile(path))
    with cardeck.Client(thread_unit.target) as client:
        result = client.layout.validate_profile(path.read_text(), fixture)
    assert result.valid is valid is local.ok
    remote = [
        (display_id, d.severity, d.rule, d.message)
        for display_id, layout in result.layouts.items()
        for d in layout.diagnostics
    ]
    expected = [
        (f.display_id, f.diagnostic.severity, f.diagnostic.rule, f.diagnostic.message)
        for f in local.diagnostics
    ]
    assert remote == expected
    assert [p.message for p in result.problems] == [f.diagnostic.message for f in local.failures]
