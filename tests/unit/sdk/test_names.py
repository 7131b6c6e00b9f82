"""One rule set for names at the API edge (cardeck._names), shared by manifests and profiles."""

from __future__ import annotations

import pytest

from cardeck._names import NAME_PATTERNS, name_problem
from cardeck.deploy._manifest import Manifest

PATH_LIKE = ["", ".", "..", "../x", "a/b", "a\\b", "/abs", "a\x00b", "x" * 65, " a"]


@pytest.mark.parametrize("kind", sorted(NAME_PATTERNS))
@pytest.mark.parametrize("value", PATH_LIKE)
def test_no_kind_accepts_a_path_or_an_empty_or_overlong_name(kind, value):
    problem = name_problem(kind, value, "field")
    assert problem is not None and problem.startswith("field must be ")


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("package", "acme-profiles"),
        ("package", "acme.profiles_2"),
        ("profile", "polestar-2"),
        ("display", "center"),
        ("marker", "EV:charger-17"),
    ],
)
def test_ordinary_names_pass(kind, value):
    assert name_problem(kind, value, "field") is None


def test_a_long_name_is_shortened_in_the_sentence():
    problem = name_problem("package", "a" * 300, "name")
    assert problem is not None and "(300 characters)" in problem and len(problem) < 250


def test_the_manifest_uses_the_package_rule():
    field = Manifest.model_fields["name"]
    assert any(getattr(m, "pattern", None) == NAME_PATTERNS["package"] for m in field.metadata)
