"""A missing optional extra becomes a UsageError that names the pip command.

A None entry in sys.modules makes Python refuse that import, exactly as when
the package is not installed; monkeypatch puts the real entry back afterwards.
"""

import sys

import pytest

import cardeck
from cardeck._extras import WINDOW_MODULES, requires_extra
from cardeck.testing import HeadUnitThread

HINT = "Install it with `pip install 'cardeck[sim]'`."


def test_an_import_that_fails_inside_the_block_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "grpc_health", None)
    with pytest.raises(cardeck.UsageError) as info, requires_extra("The thing"):
        import grpc_health  # noqa: F401
    assert str(info.value) == (
        "The thing cannot run: the 'sim' extra is not installed "
        f"('grpc_health' could not be imported). {HINT}"
    )
    assert isinstance(info.value.__cause__, ModuleNotFoundError)


def test_modules_imported_later_are_all_checked_before_the_block_runs(monkeypatch):
    for name in WINDOW_MODULES:
        monkeypatch.setitem(sys.modules, name, None)
    ran = []
    with pytest.raises(cardeck.UsageError) as info, requires_extra("Drawing", later=WINDOW_MODULES):
        ran.append(True)
    assert not ran
    assert str(info.value) == (
        "Drawing cannot run: the 'sim' extra is not installed "
        f"('kivy', 'PIL' could not be imported). {HINT}"
    )


def test_another_extra_is_named_as_given(monkeypatch):
    monkeypatch.setitem(sys.modules, "adbutils", None)
    with pytest.raises(cardeck.UsageError, match=r"pip install 'cardeck\[deploy\]'"):
        with requires_extra("Pushing over adb", "deploy"):
            import adbutils  # noqa: F401


def test_other_errors_and_successful_imports_pass_through():
    with requires_extra("Nothing", later=("json",)):
        import json  # noqa: F401
    with pytest.raises(KeyError), requires_extra("Nothing"):
        raise KeyError("not an import problem")


def test_head_unit_thread_without_the_simulator_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "cardeck_sim.headunit", None)
    with pytest.raises(cardeck.UsageError) as info:
        HeadUnitThread()
    assert str(info.value) == (
        "cardeck.testing.HeadUnitThread cannot run: the 'sim' extra is not installed "
        f"('cardeck_sim.headunit' could not be imported). {HINT}"
    )
