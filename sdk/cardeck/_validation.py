"""Pydantic validation errors as one sentence part, for files the SDK and head unit read.

The bundle manifest (SDK) and the tokens file (head unit) report every schema problem
the same way: ``path.to.field: message`` for each, joined by ``"; "``.
"""

from __future__ import annotations

from pydantic import ValidationError

__all__ = ["validation_problems"]


def validation_problems(exc: ValidationError, *, top: str) -> str:
    """Every problem in ``exc`` as ``dotted.path: message``, joined by ``"; "``.

    :param exc: The error pydantic raised.
    :param top: What to call the document itself when a problem has no field path
        (``"(root)"``, ``"(top level)"``).
    """
    return "; ".join(
        f"{'.'.join(str(part) for part in err['loc']) or top}: {err['msg']}" for err in exc.errors()
    )
