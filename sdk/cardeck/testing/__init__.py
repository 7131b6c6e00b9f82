"""Test helpers for integrators: a real head unit on loopback, and clients for it.

The pytest plugin (registered as ``cardeck`` by ``pip install 'cardeck[sim]'``)
provides the fixtures ``headunit``, ``client`` and ``async_client``. Override
the ``headunit_config`` fixture to choose a profile or other options::

    @pytest.fixture
    def headunit_config():
        from cardeck_sim.service import ServiceConfig
        return ServiceConfig(port=0, profile="polestar-2")

    def test_parked(client):
        assert client.drive_restrictions().parked
"""

from ._server import HeadUnitThread

__all__ = ["HeadUnitThread"]
