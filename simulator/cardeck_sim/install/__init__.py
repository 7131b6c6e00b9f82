"""The head unit's side of bundle deployment (issue 8): install, watch USB, serve gRPC.

Example::

    installer = Installer(root, [Path("oem.pub")], vehicle_id="polestar-2")
    servicer = PackagesServicer(installer, on_installed=catalog_add, publish=event_log_add)
    watcher = UsbWatcher(Path("/media/usb"), installer, on_result=print)
    watcher.start()
"""

from typing import Any

from ._installer import (
    CRASH_ENV,
    DEFAULT_MAX_BUNDLE_BYTES,
    InstalledPackage,
    Installer,
    InstallPhase,
    InstallProgress,
    NoPreviousVersionError,
    PackageNotFoundError,
    ProgressSink,
)
from ._watcher import UsbInstallResult, UsbWatcher

__all__ = [
    "CRASH_ENV",
    "DEFAULT_MAX_BUNDLE_BYTES",
    "MAX_CHUNK_BYTES",
    "InstallPhase",
    "InstallProgress",
    "InstalledPackage",
    "Installer",
    "NoPreviousVersionError",
    "PackageNotFoundError",
    "PackagesServicer",
    "ProgressSink",
    "UsbInstallResult",
    "UsbWatcher",
    "rejection_to_failure",
]

# The servicer pulls in the whole gRPC service stack (cardeck_sim.service);
# load it on first use so that the installer alone (the crash-test child, a
# USB-only head unit) starts fast.
_SERVICER_NAMES = frozenset({"MAX_CHUNK_BYTES", "PackagesServicer", "rejection_to_failure"})


def __getattr__(name: str) -> Any:
    if name in _SERVICER_NAMES:
        from . import _servicer

        return getattr(_servicer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
