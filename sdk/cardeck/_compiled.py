"""The SDK's optional compiled parts, and the switch to run without them.

``cardeck._event_type`` (``_event_type.c``) holds the compiled Event type and
the iterator that hands events out of batches to asyncio streams. The
package builds it where a C compiler is present (setup.py marks it optional);
everything works without it, only slower. Set ``CARDECK_PURE_PYTHON=1`` to use the pure-Python
versions anyway, for example to rule the compiled ones out when chasing a bug.
"""

from __future__ import annotations

import functools
import inspect
import os
from types import ModuleType
from typing import TypeVar

T = TypeVar("T", bound=type)


@functools.cache
def compiled_module() -> ModuleType | None:
    """``cardeck._event_type``, or None when it is not built or switched off."""
    if os.environ.get("CARDECK_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from . import _event_type
    except ImportError:
        return None
    return _event_type


def compiled_event(cls: T) -> T:
    """The compiled type with ``cls``'s methods, or ``cls`` when it is not built or switched off."""
    module = compiled_module()
    if module is None:
        return cls
    compiled: T = module.compile_event(cls)
    # Its constructor is C; help() and the API docs read the Python __init__'s signature.
    compiled.__signature__ = inspect.signature(cls)  # type: ignore[attr-defined]  # a class object takes any attribute
    return compiled


def event_type_is_compiled() -> bool:
    """Whether :class:`cardeck.Event` is the compiled type in this process.

    ``cardeck._models`` builds Event through :func:`compiled_event`, which asks
    :func:`compiled_module` (cached: one answer per process).
    """
    return compiled_module() is not None
