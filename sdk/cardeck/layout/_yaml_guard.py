"""Read untrusted YAML without letting it stall or crash the loader.

Issue 14 ("Hardening") measured what a hostile profile does to a plain
``yaml.safe_load`` + pydantic loader: a 465-byte alias bomb froze the head
unit, 10,000 nested lists raised ``RecursionError``, binary junk raised
``UnicodeDecodeError``. Each guard here runs before the step it protects:

1. :func:`read_text` reads at most :data:`MAX_PROFILE_BYTES` and decodes UTF-8;
2. :func:`check_text` refuses oversized text and characters YAML cannot hold;
3. :func:`scan_events` walks PyYAML's event stream, which is produced by a
   state machine and never recurses, counting nesting depth and the size of
   every anchor, so aliases are measured, never expanded;
4. :func:`compose_and_construct` then composes (recursive, but depth is known
   to be small) and builds plain data, turning any stray constructor error
   (``2023-13-45`` as a date, a 5,000-digit integer) into a marked YAML error.

Every refusal is a :class:`~cardeck.ProfileError` whose problem carries the
file, line, column and (where it has one) the field path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cardeck._exceptions import ProfileError, ProfileProblem

from ._limits import MAX_PROFILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = ["check_text", "compose_and_construct", "read_text", "scan_events"]

# libyaml parses about four times faster than PyYAML's pure-Python parser,
# which is what keeps a file at the size limit under 0.5 s; wheels ship it,
# but a source build may not have it, so fall back.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The characters YAML 1.1 refuses (PyYAML's Reader.NON_PRINTABLE), checked
# here so the problem gets a line and column instead of a byte offset.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

# Tags a profile may spell out; anything else (``!!python/object``, ``!!binary``,
# local ``!tags``) has no place in a profile and is refused before construction.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_KIB = MAX_PROFILE_BYTES // 1024


def _refuse(filename: str, what: str, problems: list[ProfileProblem]) -> ProfileError:
    return ProfileError(f"{filename} is not a valid {what}; fix the problem below.", problems)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _too_big(filename: str, what: str, size: int, line: int) -> ProfileError:
    return _refuse(
        filename,
        what,
        [
            ProfileProblem(
                filename,
                line,
                1,
                "",
                f"The file is {size:,} bytes, more than the {_KIB} KiB limit for a {what} "
                f"(it passes the limit on this line); remove what the {what} does not need.",
            )
        ],
    )


def read_text(path: str | os.PathLike[str], what: str, noun: str) -> str:
    """Read a profile or template file as UTF-8, refusing files over the size limit.

    Reads at most one byte past the limit, so ``/dev/zero`` or a huge file costs nothing.

    :param what: the kind of file in problem messages, e.g. ``"vehicle profile"``.
    :param noun: the short name in the "could not read" message, e.g. ``"profile"``.

    :raises ProfileError: when the file cannot be read, is too big or is not UTF-8.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(
            f"Could not read the {noun} {path}: {exc.strerror}; check the path."
        ) from exc
    filename = str(path)
    if len(data) > MAX_PROFILE_BYTES:
        try:
            size = max(path.stat().st_size, len(data))
        except OSError:  # pragma: no cover - it was readable a moment ago
            size = len(data)
        raise _too_big(filename, what, size, data.count(b"\n", 0, MAX_PROFILE_BYTES) + 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problem = ProfileProblem(
            filename,
            line,
            column,
            "",
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            f"save the {what} as UTF-8 YAML.",
        )
        raise _refuse(filename, what, [problem]) from None


def check_text(text: str, filename: str, what: str) -> None:
    """Refuse text over the size limit or holding characters YAML does not allow.

    :raises ProfileError: with the line where the problem is.
    """
    if len(text) > MAX_PROFILE_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
        raise _too_big(filename, what, size, text.count("\n", 0, MAX_PROFILE_BYTES) + 1)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        line, column = _line_col(text, exc.start)
        problem = ProfileProblem(
            filename,
            line,
            column,
            "",
            "The text holds a lone surrogate, which is not a character (it usually comes "
            f"from binary data decoded as text); save the {what} as UTF-8 YAML.",
        )
        raise _refuse(filename, what, [problem]) from None
    if size > MAX_PROFILE_BYTES:
        kept = text.encode("utf-8")[:MAX_PROFILE_BYTES].decode("utf-8", "ignore")
        cut = len(kept)
        raise _too_big(filename, what, size, text.count("\n", 0, cut) + 1)
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_col(text, bad.start())
        problem = ProfileProblem(
            filename,
            line,
            column,
            "",
            f"The file holds the control character U+{ord(bad.group()):04X}, which YAML does "
            f"not allow (is it a binary file?); save the {what} as plain UTF-8 YAML.",
        )
        raise _refuse(filename, what, [problem])


@dataclass
class _Frame:
    """An open mapping or list while scanning events."""

    path: str
    is_map: bool
    anchor: str | None
    size: int = 1
    height: int = 1
    index: int = 0
    expecting_key: bool = True
    key: str = "?"

    def child_path(self) -> str:
        """The field path of the node that starts next inside this frame."""
        if not self.is_map:
            part = str(self.index)
        elif self.expecting_key:
            return self.path
        else:
            part = self.key
        return f"{self.path}.{part}" if self.path else part

    def add(self, size: int, height: int, key: str) -> None:
        """Account for a finished child of ``size`` values and ``height`` levels."""
        self.size += size
        self.height = max(self.height, height + 1)
        if not self.is_map:
            self.index += 1
        elif self.expecting_key:
            self.key = key
            self.expecting_key = False
        else:
            self.expecting_key = True


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def scan_events(text: str, filename: str, what: str) -> None:
    """Check nesting depth, alias expansion and tags on the event stream.

    The expanded size of an alias is the size of its anchor's node, which is
    known once that node's events end (memoised per anchor), so an alias bomb is
    measured in one pass over its few hundred bytes and never expanded.

    :raises ProfileError: on the first limit passed, with line, column and field;
        YAML syntax errors pass through as :class:`yaml.YAMLError`.
    """
    stack: list[_Frame] = []
    sizes: dict[str, tuple[int, int]] = {}
    total = 0

    def fail(event: Any, path: str, message: str) -> ProfileError:
        line, column = _mark(event)
        return _refuse(filename, what, [ProfileProblem(filename, line, column, path, message)])

    def finish(size: int, height: int, key: str) -> None:
        if stack:
            stack[-1].add(size, height, key)

    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            frame = stack.pop()
            if frame.anchor is not None:
                sizes[frame.anchor] = (frame.size, frame.height)
            finish(frame.size, frame.height, "?")
            continue
        if isinstance(event, yaml.DocumentStartEvent) and total:
            raise fail(
                event,
                "",
                f"The file holds more than one YAML document; a {what} is a single "
                "document, so remove the extra '---' sections.",
            )
        if not isinstance(event, yaml.NodeEvent):
            continue
        path = stack[-1].child_path() if stack else ""
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS and tag != "!":
            raise fail(
                event,
                path,
                f"The tag '{tag}' is not allowed in a {what}; remove it and write a plain "
                "value, list or mapping.",
            )
        if isinstance(event, yaml.AliasEvent):
            anchor = event.anchor
            if any(frame.anchor == anchor for frame in stack):
                raise fail(
                    event,
                    path,
                    f"The alias '*{anchor}' refers to a mapping or list that contains it, "
                    "which makes an endless structure; copy the values instead.",
                )
            if anchor not in sizes:
                raise fail(
                    event,
                    path,
                    f"The alias '*{anchor}' has no anchor '&{anchor}' before it; define the "
                    "anchor first or write the value out.",
                )
            size, height = sizes[anchor]
            total += size
            if total > MAX_YAML_NODES:
                raise fail(
                    event,
                    path,
                    f"The aliases expand the file to more than {MAX_YAML_NODES:,} values, "
                    f"the limit for a {what} (is it an alias bomb?); use fewer aliases.",
                )
            if len(stack) + height > MAX_YAML_DEPTH:
                raise fail(
                    event,
                    path,
                    f"The alias '*{anchor}' nests mappings and lists more than "
                    f"{MAX_YAML_DEPTH} levels deep, the limit for a {what}; flatten it.",
                )
            finish(size, height, "?")
            continue
        total += 1
        if total > MAX_YAML_NODES:
            raise fail(
                event,
                path,
                f"The file holds more than {MAX_YAML_NODES:,} values, the limit for a {what}; "
                "split it or remove what it does not need.",
            )
        if isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = (1, 0)
            finish(1, 0, str(event.value)[:40])
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                raise fail(
                    event,
                    path,
                    f"Mappings and lists are nested more than {MAX_YAML_DEPTH} levels deep "
                    f"here, the limit for a {what} (a profile needs about 4); flatten it.",
                )
            is_map = isinstance(event, yaml.MappingStartEvent)
            stack.append(_Frame(path, is_map, event.anchor))


def compose_and_construct(
    text: str, inspect: Callable[[yaml.Node], None]
) -> tuple[Any, yaml.Node | None]:
    """Compose the node tree (with marks) and build plain data from it, parsing once.

    Call only after :func:`scan_events` has passed, so the composer's recursion is shallow.

    :param inspect: runs on the composed tree before construction, which rewrites
        ``<<`` merge keys in place (so a check for duplicate keys must run first).
    :raises yaml.YAMLError: on a syntax or construction error, always with a mark.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        inspect(root)
        return loader.construct_document(root), root
    finally:
        loader.dispose()


class _Loader(_BaseLoader):  # type: ignore[misc]  # the C or Python SafeLoader, chosen at import, is typed Any
    """The safe loader, with every value's construction error tied to its node's mark."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError, KeyError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"the value cannot be read ({exc})", node.start_mark
            ) from exc
