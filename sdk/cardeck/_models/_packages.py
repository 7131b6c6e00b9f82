"""Models of the packages service (``client.packages``): installed bundles and install progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..v1 import types_pb2
from ._common import ProtoEnum, time_or_none


class InstallPhase(ProtoEnum):
    """A step of a bundle installation."""

    UNSPECIFIED = "unspecified"
    RECEIVING = "receiving"
    VERIFYING = "verifying"
    STAGING = "staging"
    ACTIVATING = "activating"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class InstallProgress:
    """Progress of one bundle installation."""

    install_id: str
    package_name: str
    version: str
    phase: InstallPhase
    fraction: float
    message: str

    @classmethod
    def from_proto(cls, msg: types_pb2.InstallProgress) -> InstallProgress:
        return cls(
            msg.install_id,
            msg.package_name,
            msg.version,
            InstallPhase.from_proto(msg.phase, types_pb2.InstallPhase),
            msg.fraction,
            msg.message,
        )


@dataclass(frozen=True)
class InstalledPackage:
    """A bundle installed on the head unit.

    :param previous_version: the version kept for rollback; "" when none.
    :param profile_ids: vehicle profiles the bundle provides.
    """

    name: str
    version: str
    install_time: datetime | None
    signer_key_id: str
    previous_version: str
    profile_ids: tuple[str, ...]

    @classmethod
    def from_proto(cls, msg: types_pb2.InstalledPackage) -> InstalledPackage:
        return cls(
            msg.name,
            msg.version,
            time_or_none(msg.install_time),
            msg.signer_key_id,
            msg.previous_version,
            tuple(msg.profile_ids),
        )
