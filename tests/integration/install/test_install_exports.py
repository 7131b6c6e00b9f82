"""cardeck_sim.install exports a sorted ``__all__`` of names that exist."""

from __future__ import annotations

import cardeck_sim.install


def test_all_is_sorted_and_complete() -> None:
    names = cardeck_sim.install.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in names:
        assert getattr(cardeck_sim.install, name) is not None
