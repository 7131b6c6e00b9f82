"""The pytest plugin under pytest-xdist, across vehicle profiles, and without the sim extra.

Each test builds a fresh integrator project with pytester and runs pytest on
it in a subprocess, the way an OEM's CI would.
"""

import json

import pytest

from cardeck.layout import bundled_profiles

pytest_plugins = ["pytester"]

INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def run(pytester, *args):
    pytester.makeini(INI)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def reports(pytester):
    """What the project's tests wrote to reports/: one JSON object per test."""
    return [json.loads(p.read_text()) for p in sorted((pytester.path / "reports").iterdir())]


# Each test writes where it ran and what it connected to; files, because
# xdist workers' output is captured away from the test report.
REPORTER = """
import json
import os
import pathlib

import pytest


@pytest.fixture
def report(request):
    out = pathlib.Path(request.config.rootpath, "reports")
    out.mkdir(exist_ok=True)

    def write(unit, client):
        name = request.node.nodeid.replace("/", "_").replace(":", "_")
        (out / f"{name}.json").write_text(json.dumps({
            "test": request.node.name,
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
            "port": unit.port,
            "profile": client.info().active_profile_id,
        }))

    return write
"""


def test_each_xdist_worker_gets_a_head_unit_on_its_own_port(pytester):
    pytester.makeconftest(REPORTER)
    pytester.makepyfile(
        test_many="""
        import pytest


        @pytest.mark.parametrize("n", range(6))
        def test_fresh(headunit, client, report, n):
            report(headunit, client)


        @pytest.mark.parametrize("n", range(4))
        def test_shared(shared_headunit, shared_client, report, n):
            report(shared_headunit, shared_client)
        """
    )
    result = run(pytester, "-n", "2")
    result.assert_outcomes(passed=10)
    rows = reports(pytester)
    workers = {r["worker"] for r in rows}
    assert workers == {"gw0", "gw1"}
    fresh = [r for r in rows if r["test"].startswith("test_fresh")]
    assert len({r["port"] for r in fresh}) == len(fresh), "a fresh head unit per test"
    shared = [r for r in rows if r["test"].startswith("test_shared")]
    port_of_worker = {}
    for r in shared:
        assert port_of_worker.setdefault(r["worker"], r["port"]) == r["port"], "one per worker"
    assert len(set(port_of_worker.values())) == len(port_of_worker), "workers never share"


def test_the_marker_runs_a_test_once_per_profile_on_that_profile(pytester):
    pytester.makeconftest(REPORTER)
    pytester.makepyfile(
        test_profiles="""
        import pytest


        @pytest.mark.cardeck_profiles("polestar-2", "tesla-model-3")
        def test_fresh(client, headunit, report, cardeck_profile):
            report(headunit, client)
            assert client.info().active_profile_id == cardeck_profile


        @pytest.mark.cardeck_profiles("tesla-model-3", "volvo-ex30-2024")
        async def test_shared_async(shared_async_client, cardeck_profile):
            assert (await shared_async_client.info()).active_profile_id == cardeck_profile


        def test_unmarked(client, headunit, report):
            report(headunit, client)
        """
    )
    result = run(pytester, "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines_random(
        [
            "test_profiles.py::test_fresh[[]polestar-2[]] PASSED*",
            "test_profiles.py::test_fresh[[]tesla-model-3[]] PASSED*",
            "test_profiles.py::test_shared_async[[]tesla-model-3[]] PASSED*",
            "test_profiles.py::test_shared_async[[]volvo-ex30-2024[]] PASSED*",
        ]
    )
    profiles = {r["test"]: r["profile"] for r in reports(pytester)}
    default = profiles.pop("test_unmarked")
    assert profiles == {
        "test_fresh[polestar-2]": "polestar-2",
        "test_fresh[tesla-model-3]": "tesla-model-3",
    }
    assert default  # the head unit's own default profile


def test_the_option_parametrizes_every_unmarked_test(pytester):
    pytester.makepyfile(
        test_option="""
        import pytest


        def test_fresh(client, cardeck_profile):
            assert client.info().active_profile_id == cardeck_profile


        def test_shared(shared_client, cardeck_profile):
            assert shared_client.info().active_profile_id == cardeck_profile


        @pytest.mark.cardeck_profiles("honda-accord-touring-2023")
        def test_marked(client):
            assert client.info().active_profile_id == "honda-accord-touring-2023"


        def test_no_head_unit():
            pass
        """
    )
    result = run(pytester, "-q", "--cardeck-profiles", "polestar-2,tesla-model-3")
    result.assert_outcomes(passed=6)


def test_all_means_every_bundled_profile(pytester):
    pytester.makepyfile(
        test_all="""
        def test_fresh(client):
            pass
        """
    )
    result = run(pytester, "-q", "--collect-only", "--cardeck-profiles", "all")
    ids = sorted(bundled_profiles())
    assert len(ids) > 5
    result.stdout.fnmatch_lines([f"test_all.py::test_fresh[[]{i}[]]" for i in ids])


@pytest.mark.parametrize(
    ("source", "args", "error"),
    [
        (
            '@pytest.mark.cardeck_profiles("polestar-2", "no-such-car")\n'
            "def test_x(client):\n    pass\n",
            [],
            "test_bad.py::test_x: @pytest.mark.cardeck_profiles names unknown profiles: "
            "no-such-car. Choose from: *",
        ),
        (
            "def test_x(client):\n    pass\n",
            ["--cardeck-profiles", "nope,polestar-2"],
            "--cardeck-profiles names unknown profiles: nope. Choose from: *",
        ),
        (
            '@pytest.mark.cardeck_profiles("polestar-2")\ndef test_x():\n    pass\n',
            [],
            "test_bad.py::test_x is marked cardeck_profiles but uses no head unit *",
        ),
        (
            "@pytest.fixture\n"
            "def headunit_config():\n"
            "    from cardeck_sim.headunit import ServiceConfig\n\n"
            "    return ServiceConfig(port=0)\n\n\n"
            "def test_x(client):\n    pass\n",
            ["--cardeck-profiles", "polestar-2"],
            "--cardeck-profiles cannot reach test_bad.py::test_x: its head unit's config "
            "fixture does not take `cardeck_profile`. *",
        ),
    ],
    ids=["marker", "option", "no-head-unit", "config-without-profile"],
)
def test_a_profile_mistake_fails_collection_with_a_sentence(pytester, source, args, error):
    pytester.makepyfile(test_bad="import pytest\n\n\n" + source)
    result = run(pytester, "-q", *args)
    assert result.ret != 0
    result.stdout.fnmatch_lines([error])


def test_a_fixed_port_under_xdist_is_refused_with_the_fix(pytester):
    pytester.makepyfile(
        test_port="""
        import pytest


        @pytest.fixture
        def headunit_config():
            from cardeck_sim.headunit import ServiceConfig

            return ServiceConfig(port=50051)


        def test_x(client):
            pass
        """
    )
    result = run(pytester, "-q", "-n", "1")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*UsageError: headunit_config asks for port 50051, but pytest-xdist runs several "
            "workers at once and each needs its own port. Use ServiceConfig(port=0)*"
        ]
    )


def test_without_the_sim_extra_every_fixture_names_it(pytester):
    # The conftest makes grpc_health unimportable, as a bare `pip install cardeck` leaves it.
    pytester.makeconftest("import sys\n\nsys.modules['grpc_health'] = None\n")
    pytester.makepyfile(
        test_nosim="""
        def test_fresh(client):
            pass


        def test_shared(shared_client):
            pass


        async def test_async(async_client):
            pass
        """
    )
    result = run(pytester, "-q")
    result.assert_outcomes(errors=3)
    sentence = (
        "UsageError: The cardeck pytest fixtures cannot run: the 'sim' extra is not installed "
        "('grpc_health.v1' could not be imported). Install it with `pip install 'cardeck[sim]'`."
    )
    # The sentence alone, as a test failure (pytest.fail without a traceback); the
    # ImportError behind it would only bury the fix.
    output = "\n".join(result.outlines)
    # One error section per test, each the sentence alone on its line (the short
    # summary may repeat it, depending on the terminal's width).
    assert [line for line in result.outlines if line == sentence] == [sentence] * 3, output
    assert "ModuleNotFoundError" not in output and "Traceback" not in output, output
