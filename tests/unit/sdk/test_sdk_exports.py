"""The public surface: a sorted __all__ that names real objects, and no kivy on import."""

import subprocess
import sys

import cardeck


def test_all_is_sorted_and_unique():
    assert list(cardeck.__all__) == sorted(set(cardeck.__all__))


def test_all_names_exist_and_public_names_are_exported():
    for name in cardeck.__all__:
        assert hasattr(cardeck, name), name
    public = {
        n
        for n, v in vars(cardeck).items()
        if not n.startswith("_") and getattr(v, "__module__", "").startswith("cardeck.")
    }
    assert public <= set(cardeck.__all__), public - set(cardeck.__all__)


def test_private_modules_define_what_is_exported():
    for name in cardeck.__all__:
        obj = getattr(cardeck, name)
        if not isinstance(obj, type) and not callable(obj):
            continue  # constants and type aliases
        module = obj.__module__
        assert module.startswith("cardeck._"), (name, module)


def test_import_cardeck_does_not_import_kivy_or_the_simulator():
    code = (
        "import sys, cardeck, cardeck.layout; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('kivy', 'cardeck_sim')); "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
