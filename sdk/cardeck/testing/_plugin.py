"""The ``cardeck`` pytest plugin: real head units on loopback for integrators' tests.

Fixtures (see :mod:`cardeck.testing` and docs/guides/simulator.md):

- ``headunit`` / ``client`` / ``async_client``: a fresh head unit for each test;
- ``shared_headunit`` / ``shared_client`` / ``shared_async_client``: one head unit
  per test session (per worker under pytest-xdist) and per profile, faster for
  tests that only read or that set what they check;
- ``cardeck_profile``: the vehicle profile id those head units start with;
- ``cardeck_locale``: the locale they start in (None: the profile's, else "en");
- ``headunit_config``, ``shared_headunit_config``, ``headunit_client_options``:
  override them to configure the head units and clients.

Profiles: ``@pytest.mark.cardeck_profiles("polestar-2", "tesla-model-3")`` (or
``"all"``) runs a test once per profile, and ``--cardeck-profiles ID,ID|all``
does it for every unmarked test that uses a head unit. Locales alike:
``@pytest.mark.cardeck_locales("ko", "en-XA")`` (or ``"all"``) and
``--cardeck-locales TAG,TAG|all``.

Every head unit binds a port the OS picks, so pytest-xdist workers never share
one. Nothing here imports the simulator until a fixture runs, so the plugin
loads (and ``pytest --help`` works) without the ``sim`` extra.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import pytest

from .._client import AsyncClient, Client
from .._exceptions import UsageError
from .._extras import requires_extra
from ..i18n import SUPPORTED_LOCALES, UnsupportedLocaleError, normalize_locale
from ._server import HeadUnitThread

_MARKER = "cardeck_profiles"
_OPTION = "--cardeck-profiles"
_ALL = "all"
_LOCALE_MARKER = "cardeck_locales"
_LOCALE_OPTION = "--cardeck-locales"
_FIXTURES = "The cardeck pytest fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--cardeck-profiles``."""
    group = parser.getgroup("cardeck", "CarDeck head units")
    group.addoption(
        _OPTION,
        dest="cardeck_profiles",
        default=None,
        metavar="ID,ID|all",
        help="run every test that uses a cardeck head unit once per vehicle profile: "
        "comma-separated bundled profile ids, or 'all'. A test's own "
        "@pytest.mark.cardeck_profiles(...) wins over this option.",
    )
    group.addoption(
        _LOCALE_OPTION,
        dest="cardeck_locales",
        default=None,
        metavar="TAG,TAG|all",
        help="run every test whose head unit takes `cardeck_locale` once per locale: "
        f"comma-separated tags of {', '.join(SUPPORTED_LOCALES)}, or 'all'. A test's own "
        "@pytest.mark.cardeck_locales(...) wins over this option.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, so ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(*ids): run the test once per vehicle profile id ('all': every bundled "
        "profile); its head units start with that profile.",
    )
    config.addinivalue_line(
        "markers",
        f"{_LOCALE_MARKER}(*tags): run the test once per locale tag ('all': every shipped "
        "locale); its head units start in that locale.",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``cardeck_profile`` from the test's marker, else from ``--cardeck-profiles``.

    ``cardeck_locale`` likewise, from ``cardeck_locales`` and ``--cardeck-locales``.
    """
    _parametrize_locale(metafunc)
    marker = metafunc.definition.get_closest_marker(_MARKER)
    uses_profile = "cardeck_profile" in metafunc.fixturenames
    if marker is not None and not uses_profile:
        pytest.fail(
            f"{metafunc.definition.nodeid} is marked {_MARKER} but uses no head unit that "
            "starts with `cardeck_profile`. Use the headunit, client or shared_* fixtures, "
            "or let your headunit_config fixture take `cardeck_profile`.",
            pytrace=False,
        )
    option = metafunc.config.getoption("cardeck_profiles")
    uses_headunit = not {"headunit", "shared_headunit"}.isdisjoint(metafunc.fixturenames)
    if option and uses_headunit and not uses_profile:
        pytest.fail(
            f"{_OPTION} cannot reach {metafunc.definition.nodeid}: its head unit's config "
            "fixture does not take `cardeck_profile`. Add the `cardeck_profile` argument to "
            "your headunit_config (or shared_headunit_config) and pass profile=cardeck_profile.",
            pytrace=False,
        )
    if not uses_profile:
        return
    if marker is not None:
        ids = _profile_ids(marker.args, f"{metafunc.definition.nodeid}: @pytest.mark.{_MARKER}")
    else:
        if not option:
            return
        ids = _profile_ids(option.split(","), _OPTION)
    # Session scope lets ``shared_headunit`` start once per profile; pytest
    # groups the tests by profile so only one shared head unit runs at a time.
    metafunc.parametrize("cardeck_profile", ids, ids=ids, scope="session")


def _parametrize_locale(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``cardeck_locale`` from the test's marker, else from ``--cardeck-locales``."""
    marker = metafunc.definition.get_closest_marker(_LOCALE_MARKER)
    if "cardeck_locale" not in metafunc.fixturenames:
        if marker is not None:
            pytest.fail(
                f"{metafunc.definition.nodeid} is marked {_LOCALE_MARKER} but uses no head "
                "unit that starts in `cardeck_locale`. Use the headunit, client or shared_* "
                "fixtures, or let your headunit_config fixture take `cardeck_locale`.",
                pytrace=False,
            )
        return
    option = metafunc.config.getoption("cardeck_locales")
    if marker is not None:
        source = f"{metafunc.definition.nodeid}: @pytest.mark.{_LOCALE_MARKER}"
        tags = _locale_tags(marker.args, source)
    elif option:
        tags = _locale_tags(option.split(","), _LOCALE_OPTION)
    else:
        return
    metafunc.parametrize("cardeck_locale", tags, ids=tags, scope="session")


def _locale_tags(given: Sequence[Any], source: str) -> list[str]:
    """Shipped locale tags from a marker's or the option's list; 'all' means every one."""
    wanted = [str(x).strip() for x in given if str(x).strip()]
    if not wanted:
        pytest.fail(f"{source} names no locale; give tags or 'all'.", pytrace=False)
    if _ALL in wanted:
        return list(SUPPORTED_LOCALES)
    tags = []
    for tag in wanted:
        try:
            tags.append(normalize_locale(tag))
        except UnsupportedLocaleError as exc:
            pytest.fail(f"{source}: {exc}", pytrace=False)
    return list(dict.fromkeys(tags))


def _profile_ids(given: Sequence[Any], source: str) -> list[str]:
    """Bundled profile ids from a marker's or the option's list; 'all' means every one."""
    from ..layout import bundled_profiles

    bundled = sorted(bundled_profiles())
    wanted = [str(x).strip() for x in given if str(x).strip()]
    if not wanted:
        pytest.fail(f"{source} names no profile; give bundled ids or 'all'.", pytrace=False)
    if _ALL in wanted:
        return bundled
    unknown = [x for x in wanted if x not in bundled]
    if unknown:
        pytest.fail(
            f"{source} names unknown profiles: {', '.join(unknown)}. "
            f"Choose from: {', '.join(bundled)} (or 'all').",
            pytrace=False,
        )
    return list(dict.fromkeys(wanted))


def _start(config: Any) -> HeadUnitThread:
    """A started head unit; refuses a fixed port under pytest-xdist, where workers would clash."""
    if os.environ.get("PYTEST_XDIST_WORKER") and config.port != 0:
        raise UsageError(
            f"headunit_config asks for port {config.port}, but pytest-xdist runs several "
            "workers at once and each needs its own port. Use ServiceConfig(port=0): the "
            "fixtures then connect to whichever port the head unit got."
        )
    return HeadUnitThread(config).start()


@pytest.fixture(scope="session")
def cardeck_profile() -> str:
    """The vehicle profile id the head units start with; "" is the head unit's default.

    ``@pytest.mark.cardeck_profiles(...)`` and ``--cardeck-profiles`` parametrize it.
    """
    return ""


@pytest.fixture(scope="session")
def cardeck_locale() -> str | None:
    """The locale tag the head units start in; None is the profile's locale, else "en".

    ``@pytest.mark.cardeck_locales(...)`` and ``--cardeck-locales`` parametrize it.
    """
    return None


def _service_config() -> Any:
    """``cardeck_sim.headunit.ServiceConfig``, or a test failure that names the extra.

    ``pytest.fail(pytrace=False)`` reports the sentence alone: the ImportError chain
    behind it would only bury the fix (``pip install 'cardeck[sim]'``).
    """
    try:
        with requires_extra(_FIXTURES):
            from cardeck_sim.headunit import ServiceConfig
    except UsageError as exc:
        missing = str(exc)
    else:
        return ServiceConfig
    # Outside the except block, so pytest prints no chained ImportError either.
    pytest.fail(f"UsageError: {missing}", pytrace=False)


@pytest.fixture
def headunit_config(cardeck_profile: str, cardeck_locale: str | None) -> Any:
    """The ``headunit`` fixture's ``ServiceConfig``; override this fixture to change it.

    Keep ``port=0`` (a free port, one per xdist worker) and pass
    ``profile=cardeck_profile`` and ``locale=cardeck_locale`` so profile and locale
    parametrization still apply.
    """
    return _service_config()(port=0, profile=cardeck_profile, locale=cardeck_locale)


@pytest.fixture
def headunit(headunit_config: Any) -> Iterator[HeadUnitThread]:
    """A real head unit serving on 127.0.0.1 on a free port, stopped after the test."""
    unit = _start(headunit_config)
    try:
        yield unit
    finally:
        unit.stop()


@pytest.fixture(scope="session")
def shared_headunit_config(cardeck_profile: str, cardeck_locale: str | None) -> Any:
    """The ``shared_headunit`` fixture's ``ServiceConfig``; override it (session scope)."""
    return _service_config()(port=0, profile=cardeck_profile, locale=cardeck_locale)


@pytest.fixture(scope="session")
def shared_headunit(shared_headunit_config: Any) -> Iterator[HeadUnitThread]:
    """One head unit per session (per xdist worker) and profile, shared by the tests using it.

    Starting a head unit takes a moment; sharing one saves it for each test.
    State carries over between tests, so set what a test checks.
    """
    unit = _start(shared_headunit_config)
    try:
        yield unit
    finally:
        unit.stop()


@pytest.fixture
def headunit_client_options() -> dict[str, Any]:
    """Keyword arguments for the client fixtures (``token``, ``tls``, ``timeout_s``, ...).

    Empty by default: no token, no TLS. Override it together with
    ``headunit_config`` when that configures a tokens file or TLS.
    """
    return {}


@pytest.fixture
def client(headunit: HeadUnitThread, headunit_client_options: dict[str, Any]) -> Iterator[Client]:
    """A blocking client connected to ``headunit`` with ``headunit_client_options``."""
    with Client(headunit.target, **headunit_client_options) as c:
        yield c


@pytest.fixture
async def async_client(
    headunit: HeadUnitThread, headunit_client_options: dict[str, Any]
) -> AsyncIterator[AsyncClient]:
    """An asyncio client connected to ``headunit`` with ``headunit_client_options``."""
    async with AsyncClient(headunit.target, **headunit_client_options) as c:
        yield c


@pytest.fixture
def shared_client(
    shared_headunit: HeadUnitThread, headunit_client_options: dict[str, Any]
) -> Iterator[Client]:
    """A blocking client connected to ``shared_headunit``, closed after the test."""
    with Client(shared_headunit.target, **headunit_client_options) as c:
        yield c


@pytest.fixture
async def shared_async_client(
    shared_headunit: HeadUnitThread, headunit_client_options: dict[str, Any]
) -> AsyncIterator[AsyncClient]:
    """An asyncio client connected to ``shared_headunit``, closed after the test."""
    async with AsyncClient(shared_headunit.target, **headunit_client_options) as c:
        yield c
