"""The one place where a missing optional extra becomes a sentence that names it.

``pip install cardeck`` installs the SDK and the layout engine only. The
reference head unit (``cardeck_sim``: its gRPC service, Kivy window and
renderer) needs the ``sim`` extra, whose packages (grpcio-health-checking,
kivy, pillow, …) a bare install lacks. Every entry point that needs them — the
pytest fixtures, :class:`cardeck.testing.HeadUnitThread`, ``cardeck sim``,
``cardeck layout render`` and ``sheet`` — imports them inside
:func:`requires_extra`, so the user reads the pip command to run instead of
``ModuleNotFoundError: No module named 'grpc_health'``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ._exceptions import UsageError

__all__ = ["SIM", "WINDOW_MODULES", "install_command", "requires_extra"]

#: The extra holding the reference head unit, its window and its renderer.
SIM = "sim"

#: What the Kivy window and the renderer import only once they draw, after every
#: import line has run: :func:`requires_extra` checks them up front instead.
WINDOW_MODULES = ("kivy", "PIL")


def install_command(extra: str) -> str:
    """The pip command that installs ``extra``, quoted for a POSIX shell."""
    return f"pip install 'cardeck[{extra}]'"


def _missing(modules: Sequence[str]) -> list[str]:
    # find_spec returns None for a module that is absent (or blocked with a None
    # entry in sys.modules) without importing it: importing kivy has side effects.
    return [m for m in modules if importlib.util.find_spec(m) is None]


@contextmanager
def requires_extra(purpose: str, extra: str = SIM, *, later: Sequence[str] = ()) -> Iterator[None]:
    """Turn an ImportError raised inside the block into a :class:`UsageError` naming ``extra``.

    Usage::

        with requires_extra("`cardeck sim`", later=WINDOW_MODULES):
            from cardeck_sim.headunit import serve_forever

    :param purpose: what needs the extra, as the subject of a sentence
        (for example "The cardeck pytest fixtures" or "`cardeck sim`").
    :param extra: the optional extra that provides the imports.
    :param later: top-level modules the purpose imports only later (lazily);
        they are checked before the block runs, and every missing one is named.
    :raises UsageError: a module in ``later`` is missing, or an import inside the block failed.
    """
    missing = _missing(later)
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise _extra_missing(purpose, extra, f"{names} could not be imported")
    try:
        yield
    except ImportError as exc:
        # exc.name is the module that is missing (None for "cannot import name");
        # the original message stays in the text so a broken install is not
        # mistaken for a missing one.
        reason = f"'{exc.name}' could not be imported" if exc.name else str(exc)
        raise _extra_missing(purpose, extra, reason) from exc


def _extra_missing(purpose: str, extra: str, reason: str) -> UsageError:
    return UsageError(
        f"{purpose} cannot run: the '{extra}' extra is not installed ({reason}). "
        f"Install it with `{install_command(extra)}`."
    )
