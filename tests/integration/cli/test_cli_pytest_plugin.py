"""The pytest plugin as an integrator uses it: a fresh project with only the installed package."""

import yaml

from cardeck_sim.service._auth import ALL_SCOPES, hash_token
from tests.integration._pki import make_pki

pytest_plugins = ["pytester"]


def test_the_plugin_serves_a_real_head_unit_to_a_fresh_project(pytester):
    pytester.makepyfile(
        test_integrator="""
        import pytest

        import cardeck


        def test_info(client, headunit):
            info = client.info()
            assert info.run_id == headunit.unit.store.events.run_id
            assert info.displays


        def test_drive(client):
            client.update_vehicle_state(
                gear=cardeck.Gear.DRIVE, parking_brake_on=False, speed_kmh=30
            )
            assert client.drive_restrictions().browser_locked


        async def test_async(async_client):
            assert (await async_client.info()).api_version.major == 1


        @pytest.fixture
        def headunit_config():
            from cardeck_sim.headunit import ServiceConfig

            return ServiceConfig(port=0, profile="polestar-2")


        def test_profile_override(client):
            assert client.info().active_profile_id == "polestar-2"
        """
    )
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_client_fixtures_take_a_token_and_tls_for_a_secured_head_unit(pytester):
    pki = make_pki(pytester.mkdir("pki"))
    entries = [
        {"name": "dashboard", "sha256": hash_token("dash-secret"), "scopes": list(ALL_SCOPES)},
        {"name": "reader", "sha256": hash_token("read-secret"), "scopes": ["read"]},
    ]
    (pytester.path / "tokens.yaml").write_text(yaml.safe_dump({"tokens": entries}))
    pytester.makeconftest(
        f"""
        import pytest

        import cardeck


        @pytest.fixture
        def headunit_config():
            from cardeck_sim.headunit import ServiceConfig

            return ServiceConfig(
                port=0,
                browser=False,
                tokens_file="tokens.yaml",
                tls_cert={str(pki["server_cert"])!r},
                tls_key={str(pki["server_key"])!r},
            )


        @pytest.fixture
        def headunit_client_options():
            return {{
                "token": "dash-secret",
                "tls": cardeck.TLSConfig.from_files(ca={str(pki["ca"])!r}),
            }}
        """
    )
    pytester.makepyfile(
        test_secured="""
        import pytest

        import cardeck


        def test_the_fixture_client_may_drive(client):
            client.update_vehicle_state(speed_kmh=12)
            assert client.vehicle_state().speed_kmh == 12


        async def test_the_async_fixture_client_too(async_client):
            assert (await async_client.vehicle_state()).speed_kmh == 0


        def test_a_reader_may_not(headunit, headunit_client_options):
            tls = headunit_client_options["tls"]
            with cardeck.Client(headunit.target, token="read-secret", tls=tls) as reader:
                reader.info()
                with pytest.raises(cardeck.PermissionDeniedError):
                    reader.update_vehicle_state(speed_kmh=10)


        def test_no_token_is_refused(headunit, headunit_client_options):
            tls = headunit_client_options["tls"]
            with cardeck.Client(headunit.target, tls=tls) as anonymous:
                with pytest.raises(cardeck.UnauthenticatedError):
                    anonymous.info()
        """
    )
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_plugin_starts_head_units_in_the_marked_or_given_locales(pytester):
    pytester.makepyfile(
        test_locales="""
        import pytest


        def test_default(client, cardeck_locale):
            assert cardeck_locale is None
            assert client.info().locale == "en"


        @pytest.mark.cardeck_locales("ko", "ar_XB")
        def test_marked(client, cardeck_locale):
            info = client.info()
            assert info.locale == cardeck_locale
            assert info.rtl == (cardeck_locale == "ar-XB")


        @pytest.mark.cardeck_locales("de")
        def test_shared(shared_client):
            assert shared_client.info().locale == "de"
        """
    )
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", "test_locales.py")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_marked?ko?*PASSED*", "*test_marked?ar-XB?*PASSED*"])
    # An unknown tag fails with the supported list before any head unit starts.
    pytester.makepyfile(
        test_bad="""
        import pytest


        @pytest.mark.cardeck_locales("fr")
        def test_fr(client):
            pass
        """
    )
    bad = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "test_bad.py")
    bad.stdout.fnmatch_lines(["*The locale 'fr' is not supported; use one of en, ko, de*"])
