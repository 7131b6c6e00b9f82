"""Pydantic validation for files the SDK and the head unit read, with every problem in one sentence.

The bundle manifest (SDK) and the tokens file (head unit) report schema problems the
same way: ``path.to.field: message`` for each, joined by ``"; "``, inside a sentence of
the file's own error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["validate_or_raise"]

M = TypeVar("M", bound=BaseModel)


def validate_or_raise(
    model: type[M], data: object, error: Callable[[str], Exception], *, top: str
) -> M:
    """Validate ``data`` as ``model``, or raise ``error(problems)`` from pydantic's error.

    :param model: The pydantic model of the file.
    :param data: What the file's YAML parsed into.
    :param error: Builds the file's own error from every problem as
        ``dotted.path: message``, joined by ``"; "``.
    :param top: What to call the document itself when a problem has no field path
        (``"(root)"``, ``"(top level)"``).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or top}: {err['msg']}"
            for err in exc.errors()
        )
        raise error(problems) from exc
