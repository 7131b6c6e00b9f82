"""PackagesService: list, install (streamed) and roll back bundles."""

from __future__ import annotations

import asyncio
import inspect
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc

from cardeck import DeployError
from cardeck.deploy import BundleRejectedError, RejectReason
from cardeck.v1 import packages_service_pb2 as pb
from cardeck.v1 import packages_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

from ..install import (
    Installer,
    InstallPhase,
    InstallProgress,
    NoPreviousVersionError,
    PackageNotFoundError,
    UsbInstallResult,
)
from ._paging import check_page_size, decode_token, encode_token, page_by_key
from ._status import RpcFailure, invalid_argument, require_name

__all__ = ["MAX_CHUNK_BYTES", "PackagesServicer", "rejection_to_failure"]

MAX_CHUNK_BYTES = 1 << 20
MAX_PACKAGES_PAGE = 1000

# The status code of each refusal, as packages_service.proto documents them.
_CODES: dict[RejectReason, grpc.StatusCode] = {
    RejectReason.OVERSIZED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    RejectReason.TRUNCATED: grpc.StatusCode.DATA_LOSS,
    RejectReason.MALFORMED: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.UNSIGNED: grpc.StatusCode.PERMISSION_DENIED,
    RejectReason.UNTRUSTED: grpc.StatusCode.PERMISSION_DENIED,
    RejectReason.BAD_MANIFEST: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.UNSAFE_PATH: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.TAMPERED: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.API_TOO_NEW: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.WRONG_VEHICLE: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.DOWNGRADE: grpc.StatusCode.FAILED_PRECONDITION,
    RejectReason.INVALID_PROFILE: grpc.StatusCode.FAILED_PRECONDITION,
}

OnInstalled = Callable[[list[Path]], Awaitable[None] | None]
Publish = Callable[[types_pb2.InstallProgress], None]


def rejection_to_failure(exc: BundleRejectedError) -> RpcFailure:
    """The status for a refused bundle; ``ErrorInfo.reason`` is ``BUNDLE_<REASON>``."""
    return RpcFailure(
        _CODES[exc.reason],
        str(exc),
        reason=f"BUNDLE_{exc.reason.value}",
        metadata={"check": exc.reason.value},
    )


class PackagesServicer(pb_grpc.PackagesServiceServicer):
    """Serves PackagesService from an :class:`Installer`.

    :param installer: does the work (one install at a time; it runs in a thread).
    :param on_installed: called with the active profile paths after an install
        or a rollback changed them (may be a coroutine function).
    :param publish: called in the event loop with every progress report.
    """

    def __init__(
        self,
        installer: Installer,
        *,
        on_installed: OnInstalled | None = None,
        publish: Publish | None = None,
    ) -> None:
        self._installer = installer
        self._on_installed = on_installed
        self._publish = publish

    async def _notify(self, paths: list[Path]) -> None:
        if self._on_installed is None:
            return
        result = self._on_installed(paths)
        if inspect.isawaitable(result):
            await result

    async def ListPackages(
        self, request: pb.ListPackagesRequest, context: Any
    ) -> pb.ListPackagesResponse:
        size = check_page_size(request.page_size, MAX_PACKAGES_PAGE)
        after = (
            decode_token(request.page_token, "ListPackages").after if request.page_token else None
        )
        packages = await asyncio.to_thread(self._installer.list)
        page, last = page_by_key(packages, lambda p: p.name, after, size)
        return pb.ListPackagesResponse(
            packages=[p.to_proto() for p in page],
            next_page_token=encode_token("ListPackages", last) if last is not None else "",
        )

    async def _receive(
        self, requests: AsyncIterator[pb.InstallPackageRequest], target: Path, iid: str
    ) -> bool:
        """Write the streamed archive to ``target``; returns allow_downgrade."""
        stream = aiter(requests)
        first = await anext(stream, None)
        if first is None or first.WhichOneof("request") != "header":
            raise invalid_argument(
                [("header", "The first message must be the header with size_bytes; send it first.")]
            )
        header = first.header
        limit = self._installer.max_bundle_bytes
        if header.size_bytes > limit:
            raise RpcFailure(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"The bundle is {header.size_bytes} bytes, over this head unit's limit of "
                f"{limit} bytes; split the payload into smaller bundles.",
                reason=f"BUNDLE_{RejectReason.OVERSIZED.value}",
            )
        if header.size_bytes == 0:
            raise invalid_argument(
                [("header.size_bytes", "size_bytes is required and must be the archive size.")]
            )
        received = 0
        with target.open("wb") as fh:
            async for message in stream:
                if message.WhichOneof("request") != "chunk":
                    raise invalid_argument(
                        [
                            (
                                "header",
                                "Only the first message may be a header; send chunks after it.",
                            )
                        ]
                    )
                if len(message.chunk) > MAX_CHUNK_BYTES:
                    raise invalid_argument(
                        [
                            (
                                "chunk",
                                f"A chunk is {len(message.chunk)} bytes, over the limit of "
                                f"{MAX_CHUNK_BYTES}; send smaller chunks.",
                            )
                        ]
                    )
                received += len(message.chunk)
                if received > header.size_bytes:
                    raise invalid_argument(
                        [
                            (
                                "chunk",
                                f"More bytes arrived than the header's size_bytes "
                                f"({header.size_bytes}); send the archive's exact size.",
                            )
                        ]
                    )
                fh.write(message.chunk)
                self.emit_progress(
                    InstallProgress(
                        iid,
                        InstallPhase.RECEIVING,
                        received / header.size_bytes,
                        "Receiving the bundle.",
                    )
                )
            fh.flush()
            os.fsync(fh.fileno())
        if received < header.size_bytes:
            raise RpcFailure(
                grpc.StatusCode.DATA_LOSS,
                f"The stream ended after {received} of {header.size_bytes} bytes, so the bundle "
                "is truncated and was not installed; send it again.",
                reason=f"BUNDLE_{RejectReason.TRUNCATED.value}",
            )
        return header.allow_downgrade

    def emit_progress(self, progress: InstallProgress) -> None:
        """Publish a progress report; pass it as the USB watcher's ``progress``."""
        if self._publish is not None:
            self._publish(progress.to_proto())

    async def on_usb_result(self, result: UsbInstallResult) -> None:
        """Activate what the USB watcher installed; pass it as the watcher's ``on_result``."""
        if result.package is not None:
            await self._notify(list(result.package.profile_paths))

    async def InstallPackage(
        self, request_iterator: AsyncIterator[pb.InstallPackageRequest], context: Any
    ) -> pb.InstallPackageResponse:
        loop = asyncio.get_running_loop()
        iid = secrets.token_hex(8)
        target = self._installer.incoming_dir / f"{iid}.cdbundle"
        final: list[InstallProgress] = []

        def forward(progress: InstallProgress) -> None:
            final[:] = [progress]
            loop.call_soon_threadsafe(self.emit_progress, progress)

        try:
            allow_downgrade = await self._receive(request_iterator, target, iid)
            package = await asyncio.to_thread(
                self._installer.install, target, allow_downgrade, forward, install_id=iid
            )
        except RpcFailure as failure:
            self.emit_progress(InstallProgress(iid, InstallPhase.FAILED, 1.0, failure.message))
            raise
        except BundleRejectedError as exc:
            raise rejection_to_failure(exc) from exc
        except DeployError as exc:
            raise RpcFailure(grpc.StatusCode.INTERNAL, str(exc), reason="INSTALL_FAILED") from exc
        finally:
            target.unlink(missing_ok=True)
        await self._notify(list(package.profile_paths))
        return pb.InstallPackageResponse(
            package=package.to_proto(), progress=final[-1].to_proto() if final else None
        )

    async def RollbackPackage(
        self, request: pb.RollbackPackageRequest, context: Any
    ) -> pb.RollbackPackageResponse:
        if not request.name:
            raise invalid_argument([("name", "name is required: the bundle to roll back.")])
        require_name("package", request.name, "name")
        try:
            package = await asyncio.to_thread(self._installer.rollback, request.name)
        except PackageNotFoundError as exc:
            raise RpcFailure(
                grpc.StatusCode.NOT_FOUND, str(exc), reason="PACKAGE_NOT_FOUND"
            ) from exc
        except NoPreviousVersionError as exc:
            raise RpcFailure(
                grpc.StatusCode.FAILED_PRECONDITION, str(exc), reason="NO_PREVIOUS_VERSION"
            ) from exc
        await self._notify(list(package.profile_paths))
        return pb.RollbackPackageResponse(package=package.to_proto())
