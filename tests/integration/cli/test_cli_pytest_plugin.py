"""The pytest plugin as an integrator uses it: a fresh project with only the installed package."""

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
            from cardeck_sim.service import ServiceConfig

            return ServiceConfig(port=0, profile="polestar-2")


        def test_profile_override(client):
            assert client.info().active_profile_id == "polestar-2"
        """
    )
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
