"""Test helpers for integrators: real head units on loopback, and clients for them.

``pip install 'cardeck[sim]'`` registers a pytest plugin named ``cardeck``
(module :mod:`cardeck.testing._plugin`). Its fixtures:

- ``headunit``, ``client``, ``async_client``: a fresh head unit for each test;
- ``shared_headunit``, ``shared_client``, ``shared_async_client``: one head unit
  per session (per pytest-xdist worker) and per profile, shared by the tests;
- ``cardeck_profile``: the profile id those head units start with;
- ``cardeck_locale``: the locale they start in (None: the profile's, else "en").

Each head unit binds a port of its own, so ``pytest -n auto`` works. Run a test
against several vehicles with a marker, or every test with an option::

    @pytest.mark.cardeck_profiles("polestar-2", "tesla-model-3")   # or "all"
    def test_parked(client, cardeck_profile):
        assert client.info().active_profile_id == cardeck_profile
        assert client.drive_restrictions().parked

    $ pytest -n auto --cardeck-profiles all

Locales alike: ``@pytest.mark.cardeck_locales("ko", "en-XA")`` (or ``"all"``) runs a
test once per locale, and ``--cardeck-locales ko,ar`` does it for every unmarked test::

    @pytest.mark.cardeck_locales("ko")
    def test_korean(client, cardeck_locale):
        assert client.info().locale == "ko"

Override ``headunit_config`` to configure the head unit (keep ``port=0`` and
pass ``cardeck_profile`` on)::

    @pytest.fixture
    def headunit_config(cardeck_profile):
        from cardeck_sim.headunit import ServiceConfig
        return ServiceConfig(port=0, profile=cardeck_profile, browser=False)

Without the ``sim`` extra every fixture raises :class:`cardeck.UsageError`
naming the pip command.

:class:`HeadUnitProcess` runs ``cardeck sim --headless`` in a process of its own, for
tests that need the head unit apart from the test's: its memory, a SIGKILL, a soak.
"""

from ._process import HeadUnitProcess
from ._server import HeadUnitThread

__all__ = ["HeadUnitProcess", "HeadUnitThread"]
