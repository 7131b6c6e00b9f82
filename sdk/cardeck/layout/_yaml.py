"""Load YAML into pydantic models and point every error at its line.

PyYAML's ``safe_load`` throws away where each value came from, so we compose
the node tree too (``yaml.compose``) and walk it with pydantic's error
``loc`` tuples to find the line and column of each mistake. Every problem in
the file is collected before one :class:`~cardeck.ProfileError` is raised,
so an integrator fixes a file in one pass instead of one error per run.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cardeck._exceptions import ProfileError, ProfileProblem

from ._limits import MAX_PROBLEMS, MAX_YAML_DEPTH
from ._yaml_guard import check_text, compose_and_construct, scan_events

__all__ = ["Loc", "field_path", "parse_model", "problems_from_validation"]

ModelT = TypeVar("ModelT", bound=BaseModel)
Loc = tuple[str | int, ...]


def field_path(loc: Sequence[str | int]) -> str:
    """Join a pydantic ``loc`` into the dotted path that ProfileProblem uses."""
    return ".".join(str(part) for part in loc)


def _mark_of(node: yaml.Node | None, loc: Loc) -> tuple[int, int, Loc]:
    """Find the deepest node along ``loc``; return its 1-based line, column and the rest.

    A ``missing`` error names a key that is not in the file, so the walk stops at
    the mapping that should hold it, which is the right place to add it.
    """
    if node is None:
        return 0, 0, loc
    current: yaml.Node = node
    for depth, part in enumerate(loc):
        nxt: yaml.Node | None = None
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if key_node.value == str(part):
                    # An unknown key is best shown at the key itself.
                    nxt = key_node if depth == len(loc) - 1 else value_node
                    break
        elif (
            isinstance(current, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(current.value)
        ):
            nxt = current.value[part]
        if nxt is None:
            mark = current.start_mark
            return mark.line + 1, mark.column + 1, loc[depth:]
        current = nxt
    mark = current.start_mark
    return mark.line + 1, mark.column + 1, ()


def _known_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """Return the field names of the model that sits at ``loc`` (for spelling hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """Dig a BaseModel class out of ``list[X]``, ``X | None`` and similar annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# pydantic error types that mean a value passed one of the limits in _limits.py.
_LIMIT_ERRORS = frozenset(
    {
        "less_than",
        "less_than_equal",
        "greater_than",
        "greater_than_equal",
        "too_long",
        "string_too_long",
        "finite_number",
    }
)


def _short(value: Any) -> str:
    """``repr(value)`` cut to a readable length; an input can be a whole mapping."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sentence(model: type[BaseModel], error: Any) -> tuple[Loc, str]:
    """Turn one pydantic error dict into (loc, a full sentence with a fix)."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if ctx.get("field"):
        # Our own validators name the precise field in ctx, because a model
        # validator's loc only reaches the model.
        loc = loc + tuple(int(p) if p.isdigit() else p for p in str(ctx["field"]).split("."))
    name = str(loc[-1])[:60] if loc else "the document"
    if kind == "missing":
        return loc, f"The required field '{name}' is missing; add it."
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return loc, (f"'{name}' is not a known field{hint}; remove it or correct its spelling.")
    if kind == "model_type" or kind == "model_attributes_type":
        return loc, (
            f"'{name}' must be a mapping of fields, not {_short(error.get('input'))}; "
            "write it as 'key: value' lines."
        )
    message = str(error["msg"])
    if kind.startswith("value_error") or kind in {"profile", "template"}:
        text = message.removeprefix("Value error, ")
        return loc, text if text.endswith(".") else text + "."
    message = message.replace("Input should be", "it should be")
    message = message[0].lower() + message[1:] if message else message
    fix = "correct it"
    if kind in _LIMIT_ERRORS:
        fix = "keep it within the limit ('Limits' in docs/layouts.md says why)"
    return loc, f"The value {_short(error.get('input'))} is not allowed: {message}; {fix}."


def problems_from_validation(
    model: type[BaseModel], exc: ValidationError, filename: str, root: yaml.Node | None
) -> list[ProfileProblem]:
    """Map pydantic's errors to ProfileProblems with the node's line and column.

    Only the first :data:`MAX_PROBLEMS` become problems (a file with 10,000 unknown
    keys would otherwise take seconds of spelling hints); a last problem counts the rest.
    """
    problems: list[ProfileProblem] = []
    errors = exc.errors(include_url=False)
    too_short = [e for e in errors if e["type"] == "too_short"]
    deeper = [tuple(e["loc"]) for e in errors] if too_short else []
    skipped = 0
    for error in errors:
        loc0 = tuple(error["loc"])
        # pydantic also calls a list "too short" when its items failed; the item
        # errors are the real news.
        if error["type"] == "too_short" and any(
            len(other) > len(loc0) and other[: len(loc0)] == loc0 for other in deeper
        ):
            continue
        if len(problems) >= MAX_PROBLEMS:
            skipped += 1
            continue
        loc, text = _sentence(model, error)
        line, column, _rest = _mark_of(root, loc)
        problems.append(ProfileProblem(filename, line, column, field_path(loc), text))
    if skipped:
        problems.append(_more_problems(problems[-1], skipped))
    return problems


def _more_problems(last: ProfileProblem, count: int) -> ProfileProblem:
    """The closing problem of a capped list: how many more there are, placed at the last."""
    return ProfileProblem(
        last.file,
        last.line,
        last.column,
        "",
        f"{count} more problem{'s' if count != 1 else ''} are not listed; fix these first and "
        "load the file again.",
    )


def _duplicate_keys(node: yaml.Node | None, filename: str) -> list[ProfileProblem]:
    """Find keys written twice in one mapping; PyYAML silently keeps the last one.

    Aliases make the node tree a graph in which one node can be reached many
    times (9^9 times in the alias bomb of issue 14), so each node is visited once.
    """
    problems: list[ProfileProblem] = []
    stack: list[yaml.Node] = [node] if node is not None else []
    visited: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                stack.append(value_node)
                # A mapping or list as a key (``? [a, b]``) has no name to compare,
                # and a "<<" merge key may legitimately appear more than once.
                if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                    continue
                key = str(key_node.value)
                if key in seen:
                    mark = key_node.start_mark
                    problems.append(
                        ProfileProblem(
                            filename,
                            mark.line + 1,
                            mark.column + 1,
                            key[:40],
                            f"The key '{key[:40]}' appears twice in the same mapping; "
                            "keep only one of them.",
                        )
                    )
                seen.add(key)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return problems


def compose_yaml(
    text: str, filename: str, what: str = "YAML file"
) -> tuple[Any, yaml.Node | None, list[ProfileProblem]]:
    """Parse ``text`` into plain data, the node tree with marks, and duplicate keys.

    :raises ProfileError: on a YAML syntax error or a passed limit (size, depth,
        alias expansion, tags), with its line and column.
    """
    check_text(text, filename, what)
    duplicates: list[ProfileProblem] = []

    def find_duplicates(root: yaml.Node) -> None:
        duplicates.extend(_duplicate_keys(root, filename))

    try:
        scan_events(text, filename, what)
        data, root = compose_and_construct(text, find_duplicates)
        return data, root, duplicates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        reason = exc.problem or exc.context or "unknown error"
        message = f"The file is not valid YAML ({reason}); fix the syntax near this position."
        if "nesting depth" in reason:
            # libyaml reads flow collections ahead and stops at its own limit
            # (1,000 levels) before the scan reaches ours; say ours.
            message = (
                f"Mappings and lists are nested more than {MAX_YAML_DEPTH} levels deep here, "
                f"the limit for a {what} (a profile needs about 4); flatten it."
            )
        problem = ProfileProblem(filename, line, column, "", message)
        raise ProfileError(f"{filename} could not be parsed as YAML.", [problem]) from None
    except yaml.YAMLError as exc:
        # A ReaderError carries a character position instead of a mark;
        # check_text refuses what triggers it, so this is only a safety net.
        position = int(getattr(exc, "position", 0) or 0)
        line = text.count("\n", 0, position) + 1
        problem = ProfileProblem(
            filename, line, 1, "", f"The file is not valid YAML ({exc}); fix it near this line."
        )
        raise ProfileError(f"{filename} could not be parsed as YAML.", [problem]) from None


def parse_model(
    model: type[ModelT],
    text: str,
    filename: str,
    what: str,
    extra_checks: Any = None,
) -> ModelT:
    """Validate YAML ``text`` as ``model`` and report every problem at once.

    :param model: the pydantic model class.
    :param text: YAML source.
    :param filename: used in messages.
    :param what: a noun for messages, e.g. ``"vehicle profile"``.
    :param extra_checks: optional callable ``(data) -> list[(loc, message)]`` run on the
        raw data, for checks pydantic cannot reach when other fields are broken.
    :raises ProfileError: listing every problem with file:line:column.
    """
    data, root, problems = compose_yaml(text, filename, what)
    if data is None:
        problems.append(
            ProfileProblem(filename, 1, 1, "", f"The file is empty; write a {what} in it.")
        )
        raise ProfileError(f"{filename} is not a valid {what}.", problems)
    result: ModelT | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(model, exc, filename, root))
        if extra_checks is not None:
            seen = {(p.field, p.message) for p in problems}
            for loc, message in extra_checks(data):
                line, column, _ = _mark_of(root, loc)
                if (field_path(loc), message) not in seen:
                    problems.append(
                        ProfileProblem(filename, line, column, field_path(loc), message)
                    )
    if problems or result is None:
        problems.sort(key=lambda p: (p.line, p.column))
        count = len(problems)
        if count > MAX_PROBLEMS + 1:
            problems = problems[:MAX_PROBLEMS]
            problems.append(_more_problems(problems[-1], count - MAX_PROBLEMS))
        raise ProfileError(
            f"{filename} is not a valid {what}: {count} problem{'s' if count != 1 else ''} "
            "found; fix each one listed below and load it again.",
            problems,
        )
    return result
