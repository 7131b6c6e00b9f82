"""``client.packages``: installed bundles, installation and rollback (PackagesService)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from ._models import InstalledPackage
from ._rpcs import PackagesService
from ._seam import AsyncCaller, SyncCaller
from .v1 import packages_service_pb2 as pb

# The head unit takes at most 1 MiB per chunk.
CHUNK_BYTES = 1 << 20


def _install_requests(bundle: Path, allow_downgrade: bool) -> Iterator[pb.InstallPackageRequest]:
    size = bundle.stat().st_size
    yield pb.InstallPackageRequest(
        header=pb.InstallPackageHeader(size_bytes=size, allow_downgrade=allow_downgrade)
    )
    with bundle.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield pb.InstallPackageRequest(chunk=chunk)


class PackagesAPI:
    """Bundles on the head unit, as ``Client.packages``."""

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    def list(self) -> list[InstalledPackage]:
        """Every installed bundle, sorted by name."""
        resp = self._c._unary(PackagesService.ListPackages, pb.ListPackagesRequest())
        return [InstalledPackage.from_proto(p) for p in resp.packages]

    def install(self, bundle: str | Path, *, allow_downgrade: bool = False) -> InstalledPackage:
        """Stream a signed bundle (``cardeck deploy build``) to the head unit and install it.

        :raises PermissionDeniedError: the signer is not trusted, or there is no signature.
        :raises FailedPreconditionError: tampered, unsafe, a downgrade, the wrong vehicle, …
        :raises DataLossError: the archive is truncated.
        """
        requests = _install_requests(Path(bundle), allow_downgrade)
        resp = self._c._stream_in(PackagesService.InstallPackage, requests)
        return InstalledPackage.from_proto(resp.package)

    def rollback(self, name: str) -> InstalledPackage:
        """Reinstate the previous version of a bundle."""
        resp = self._c._unary(PackagesService.RollbackPackage, pb.RollbackPackageRequest(name=name))
        return InstalledPackage.from_proto(resp.package)


class AsyncPackagesAPI:
    """The asyncio twin of :class:`PackagesAPI`, as ``AsyncClient.packages``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    async def list(self) -> list[InstalledPackage]:
        """Every installed bundle, sorted by name."""
        resp = await self._c._unary(PackagesService.ListPackages, pb.ListPackagesRequest())
        return [InstalledPackage.from_proto(p) for p in resp.packages]

    async def install(
        self, bundle: str | Path, *, allow_downgrade: bool = False
    ) -> InstalledPackage:
        """Stream a signed bundle and install it (see :meth:`PackagesAPI.install`)."""

        async def requests() -> AsyncIterator[pb.InstallPackageRequest]:
            for request in _install_requests(Path(bundle), allow_downgrade):
                yield request

        resp = await self._c._stream_in(PackagesService.InstallPackage, requests())
        return InstalledPackage.from_proto(resp.package)

    async def rollback(self, name: str) -> InstalledPackage:
        """Reinstate the previous version of a bundle."""
        request = pb.RollbackPackageRequest(name=name)
        resp = await self._c._unary(PackagesService.RollbackPackage, request)
        return InstalledPackage.from_proto(resp.package)
