"""The head unit's side of bundle deployment (issue 8): install bundles, watch USB.

An engine: it knows nothing of gRPC. ``cardeck_sim.service.PackagesServicer``
serves it as PackagesService. Example::

    installer = Installer(root, [Path("oem.pub")], vehicle_id="polestar-2")
    watcher = UsbWatcher(Path("/media/usb"), installer, on_result=print)
    watcher.start()
"""

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
    "InstallPhase",
    "InstallProgress",
    "InstalledPackage",
    "Installer",
    "NoPreviousVersionError",
    "PackageNotFoundError",
    "ProgressSink",
    "UsbInstallResult",
    "UsbWatcher",
]
