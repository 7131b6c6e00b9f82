"""docs/guides/other-languages.md against the protos: the keyword fields, the 64-bit and
fixed32 fields and the file options it documents are the ones the protos have."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from google.protobuf.descriptor import FieldDescriptor

import cardeck.v1.types_pb2

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "guides" / "other-languages.md"
TEXT = GUIDE.read_text()


def _load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "keyword_fields", ROOT / "tools/keyword_fields.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()
keyword_fields = SCRIPT.keyword_fields


def section(heading: str) -> str:
    start = TEXT.index(f"\n## {heading}\n")
    end = TEXT.find("\n## ", start + 1)
    return TEXT[start : end if end >= 0 else len(TEXT)]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, split into stripped cells."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows[1:] if rows else rows


def test_the_keyword_table_lists_exactly_the_keyword_fields() -> None:
    rows = table_rows(section("Fields whose names are keywords"))
    listed = [re.fullmatch(r"`([\w.]+)`", row[0]) for row in rows]
    assert all(listed), rows
    found = keyword_fields()
    assert sorted(m.group(1) for m in listed if m) == sorted(found), (
        "python tools/keyword_fields.py finds other fields than the guide's table lists; "
        "document each new one (what every generator names it)"
    )
    header = TEXT.splitlines()[
        TEXT.splitlines().index(next(ln for ln in TEXT.splitlines() if ln.startswith("| Field |")))
    ]
    assert all(len(row) == header.count(" | ") + 1 for row in rows), "a row lacks a column"


def test_the_script_finds_the_known_keyword_fields() -> None:
    found = keyword_fields()
    assert "Java" in found["RecognizeResponse.final"]
    assert {"Java", "Kotlin", "Go"} <= set(found["InstallPackageResponse.package"])
    assert found["Locale.base"] == ["C#"]


def test_the_unsigned_table_lists_every_64_bit_and_fixed32_field() -> None:
    wanted = {
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED64,
        FieldDescriptor.TYPE_FIXED32,
    }
    fields = {
        f"{message.name}.{field.name}"
        for message in SCRIPT.messages()
        for field in message.fields
        if field.type in wanted
    }
    text = section("Unsigned and 64-bit numbers")
    assert fields == set(re.findall(r"`(\w+\.\w+)`", text)) & fields
    missing = sorted(f for f in fields if f"`{f}`" not in text)
    assert not missing, f"64-bit or fixed32 fields the guide does not list: {missing}"


def test_the_file_options_table_matches_the_protos() -> None:
    options = cardeck.v1.types_pb2.DESCRIPTOR.GetOptions()
    rows = {
        row[0].strip("`"): row[1] for row in table_rows(section("Generating code, per language"))
    }
    for name in (
        "java_package",
        "go_package",
        "csharp_namespace",
        "objc_class_prefix",
        "swift_prefix",
        "php_namespace",
        "ruby_package",
    ):
        assert rows[name] == f"`{getattr(options, name)}`", name
    assert rows["java_multiple_files"] == "`true`" and options.java_multiple_files


def test_the_guide_is_linked_from_the_index_the_readme_and_compatibility() -> None:
    assert "(guides/other-languages.md)" in (ROOT / "docs" / "index.md").read_text()
    assert "(docs/guides/other-languages.md)" in (ROOT / "README.md").read_text()
    assert "(guides/other-languages.md)" in (ROOT / "docs" / "compatibility.md").read_text()
