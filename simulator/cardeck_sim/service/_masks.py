"""AIP-134 update masks: which fields of a partial update a request names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._status import invalid_argument

__all__ = ["mask_paths"]


def mask_paths(request: Any, allowed: Sequence[str]) -> tuple[str, ...] | None:
    """The paths ``request.update_mask`` names, or None for a full update.

    Unset, empty or ``"*"`` alone mean the update as it was before masks existed.

    :raises RpcFailure: INVALID_ARGUMENT on ``update_mask.paths[i]`` for a path
        that is not one of ``allowed`` (or a ``"*"`` beside other paths).
    """
    if not request.HasField("update_mask"):
        return None
    paths = tuple(request.update_mask.paths)
    if not paths or paths == ("*",):
        return None
    known = ", ".join(f'"{p}"' for p in allowed)
    problems = []
    for i, path in enumerate(paths):
        if path == "*":
            problems.append(
                (f"update_mask.paths[{i}]", '"*" must be the only path; it updates every field.')
            )
        elif path not in allowed:
            shown = path if len(path) <= 40 else path[:37] + "..."
            problems.append(
                (f"update_mask.paths[{i}]", f"{shown!r} is not a field to update; use {known}.")
            )
    if problems:
        raise invalid_argument(problems)
    return paths
