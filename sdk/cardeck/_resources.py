"""Where the package's data folders are: bundled vehicle layouts and the API's ``.proto`` files.

The repository keeps ``layouts/`` and ``protos/`` at its top (they are part of the design,
not of one package); ``setup.py`` copies them into the wheel as ``cardeck/_layouts`` and
``cardeck/_protos``. An installed package reads its own copy; an editable install (a
checkout) reads the repository's folders in place. Nothing needs an environment variable;
``CARDECK_LAYOUTS_DIR`` only overrides the bundled layouts on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._exceptions import UsageError

__all__ = ["googleapis_protos_dir", "kuksa_protos_dir", "layouts_dir", "protos_dir"]

_PACKAGE = Path(__file__).resolve().parent
# sdk/cardeck/ -> the checkout's root, when this file runs from a checkout.
_CHECKOUT = _PACKAGE.parents[1]


def _data_dir(packaged: str, in_checkout: str, what: str) -> Path:
    inside = _PACKAGE / packaged
    if inside.is_dir():
        return inside
    checkout = _CHECKOUT / in_checkout
    if (_CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    raise UsageError(
        f"This cardeck installation has no {what} (looked in {inside} and {checkout}). "
        "Reinstall the package from a wheel or sdist (`pip install --force-reinstall cardeck`)."
    )


def layouts_dir() -> Path:
    """The folder holding ``vehicles/`` and ``templates/``; ``CARDECK_LAYOUTS_DIR`` overrides it.

    :raises UsageError: when the installation carries no layouts.
    """
    override = os.environ.get("CARDECK_LAYOUTS_DIR")
    if override:
        return Path(override)
    return _data_dir("_layouts", "layouts", "bundled vehicle layouts")


def protos_dir() -> Path:
    """The folder holding ``cardeck/v1/*.proto``: the API contract, for protoc in any language.

    :raises UsageError: when the installation carries no ``.proto`` files.
    """
    return _data_dir("_protos", "protos", ".proto files")


def kuksa_protos_dir() -> Path:
    """The folder holding ``kuksa/val/v1`` and ``kuksa/val/v2`` ``.proto`` files (Eclipse KUKSA's
    val API, Apache-2.0, vendored unchanged), with their LICENSE and NOTICE.

    :raises UsageError: when the installation carries no KUKSA ``.proto`` files.
    """
    return _data_dir("_protos_kuksa", "third_party/kuksa/proto", "KUKSA .proto files")


def googleapis_protos_dir() -> Path:
    """The folder holding ``google/rpc/status.proto`` and ``google/rpc/error_details.proto``
    (Google's error model, Apache-2.0, vendored unchanged), which clients in other languages need
    to decode the ``grpc-status-details-bin`` trailer the head unit sends.

    :raises UsageError: when the installation carries no google.rpc ``.proto`` files.
    """
    return _data_dir("_protos_googleapis", "third_party/googleapis", "google.rpc .proto files")
