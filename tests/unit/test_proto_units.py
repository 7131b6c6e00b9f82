"""Every numeric field of protos/cardeck/v1 names its unit in its comment.

Names were not changed to carry units (a rename changes v1's JSON), so the comment is the
contract: a client in any language reads it in its generated code. The comments come from
protoc's source info (``--include_source_info``), and each must match one entry of
:data:`UNITS`, the documented vocabulary; a field whose name has a unit suffix (``_s``,
``_m``, ``_px``…) must name that unit. A new numeric field without a unit fails here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

ROOT = Path(__file__).resolve().parents[2]
PROTOS = ROOT / "protos"
CACHE = ROOT / "build" / "proto-units"

FDP = descriptor_pb2.FieldDescriptorProto
NUMERIC = {
    FDP.TYPE_INT32,
    FDP.TYPE_INT64,
    FDP.TYPE_UINT32,
    FDP.TYPE_UINT64,
    FDP.TYPE_SINT32,
    FDP.TYPE_SINT64,
    FDP.TYPE_FIXED32,
    FDP.TYPE_FIXED64,
    FDP.TYPE_SFIXED32,
    FDP.TYPE_SFIXED64,
    FDP.TYPE_FLOAT,
    FDP.TYPE_DOUBLE,
}

#: The vocabulary: what a numeric field's comment may say to name its unit.
UNITS = {
    "seconds": r"\bseconds?\b",
    "metres": r"\bmetres\b",
    "km/h": r"\bkm/h\b",
    "degrees": r"\bdegrees\b",
    "pixels (physical, square, per inch)": r"\bpixels\b",
    "dots per inch": r"\bdots per inch\b",
    "inches": r"\binches\b",
    "Hz": r"\bHz\b",
    "bytes": r"\bbytes\b",
    "words per minute": r"\bwords per minute\b",
    "a fraction 0 to 1": r"\b0 to 1\b|\[0, 1\]",
    "zoom level": r"\bzoom level\b",
    "colour 0xRRGGBBAA": r"\b0xRRGGBBAA\b",
    "1-based index": r"\b1-based\b|\bstarting at 1\b",
    "sequence number": r"\bsequence number\b",
    "count": r"\bnumber of\b|\bhow many\b",
    "factor": r"\bfactor\b",
    "version number": r"\bversion number\b",
    "the signal's VSS unit": r"\bVSS (unit|datatype)\b",
    "the unit of the field holding a Rect": r"\bunit of the field that holds\b",
}

#: Name suffixes that promise a unit, and the vocabulary entry the comment must then use.
SUFFIXES = {
    "_s": "seconds",
    "_seconds": "seconds",
    "_m": "metres",
    "_kmh": "km/h",
    "_deg": "degrees",
    "_px": "pixels (physical, square, per inch)",
    "_dpi": "dots per inch",
    "_ppi": "pixels (physical, square, per inch)",
    "_in": "inches",
    "_hz": "Hz",
    "_bytes": "bytes",
    "_wpm": "words per minute",
    "_rgba": "colour 0xRRGGBBAA",
    "_fraction": "a fraction 0 to 1",
    "_count": "count",
    "seq": "sequence number",
    "progress": "a fraction 0 to 1",
    "fraction": "a fraction 0 to 1",
    "confidence": "a fraction 0 to 1",
    "zoom": "zoom level",
}


def descriptor_set() -> descriptor_pb2.FileDescriptorSet:
    """protos/cardeck/v1 with comments, built once per change of the protos (under build/)."""
    import grpc_tools  # type: ignore[import-untyped]  # grpcio-tools ships no type information
    from grpc_tools import protoc

    files = sorted((PROTOS / "cardeck" / "v1").glob("*.proto"))
    digest = hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files))
    out = CACHE / f"{digest.hexdigest()[:16]}.binpb"
    if not out.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        include = Path(grpc_tools.__file__).parent / "_proto"
        args = [
            "protoc",
            f"-I{PROTOS}",
            f"-I{include}",
            "--include_source_info",
            f"--descriptor_set_out={out}.tmp",
            *(str(f.relative_to(PROTOS)) for f in files),
        ]
        assert protoc.main(args) == 0
        Path(f"{out}.tmp").replace(out)
    return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def numeric_fields() -> Iterator[tuple[str, str, str]]:
    """(file, Message.field, leading comment) of every numeric field, nested messages too."""
    for file in descriptor_set().file:
        comments = {tuple(loc.path): loc.leading_comments for loc in file.source_code_info.location}
        for name, comment in _walk(file.message_type, (4,), "", comments):
            yield file.name, name, comment


def _walk(
    messages: Iterable[descriptor_pb2.DescriptorProto],
    path: tuple[int, ...],
    prefix: str,
    comments: dict[tuple[int, ...], str],
) -> Iterator[tuple[str, str]]:
    # Source-info paths: 4 = FileDescriptorProto.message_type, 2 = field, 3 = nested_type.
    for i, message in enumerate(messages):
        here = (*path, i)
        for j, field in enumerate(message.field):
            if field.type in NUMERIC:
                comment = " ".join(comments.get((*here, 2, j), "").split())
                yield f"{prefix}{message.name}.{field.name}", comment
        yield from _walk(message.nested_type, (*here, 3), f"{prefix}{message.name}.", comments)


FIELDS = list(numeric_fields())


def units_in(comment: str) -> set[str]:
    return {unit for unit, pattern in UNITS.items() if re.search(pattern, comment, re.IGNORECASE)}


def test_the_walk_finds_the_numeric_fields() -> None:
    names = {name for _, name, _ in FIELDS}
    assert {"Rect.x", "MarkerStyle.fill_rgba", "Event.seq", "Camera.zoom"} <= names
    assert len(FIELDS) > 70


@pytest.mark.parametrize(("file", "name", "comment"), FIELDS, ids=[n for _, n, _ in FIELDS])
def test_numeric_field_comment_names_its_unit(file: str, name: str, comment: str) -> None:
    assert units_in(comment), (
        f"{file}: {name} is numeric, but its comment names no unit from the vocabulary "
        f"(tests/unit/test_proto_units.py UNITS): {comment!r}"
    )
    field = name.rsplit(".", 1)[1]
    for suffix, unit in SUFFIXES.items():
        named = field.endswith(suffix) if suffix.startswith("_") else field == suffix
        if named or field.endswith(f"_{suffix}"):
            assert unit in units_in(comment), f"{file}: {name} must say {unit!r}: {comment!r}"


def test_colours_say_they_are_unsigned() -> None:
    colours = [(name, c) for _, name, c in FIELDS if name.endswith("_rgba")]
    assert colours
    for name, comment in colours:
        assert "unsigned" in comment, f"{name}: {comment!r}"


def test_a_field_without_a_unit_fails() -> None:
    assert not units_in("The speed of the car.")
    assert not units_in("Width, never negative.")
    assert units_in("Width in pixels.") == {"pixels (physical, square, per inch)"}


def test_the_compatibility_doc_points_at_this_vocabulary() -> None:
    text = (ROOT / "docs" / "compatibility.md").read_text()
    assert "tests/unit/test_proto_units.py" in text
    for unit in ("seconds", "metres", "km/h", "Hz", "bytes", "0xRRGGBBAA"):
        assert unit in text and any(re.search(p, unit, re.I) for p in UNITS.values()), unit
