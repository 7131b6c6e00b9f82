"""``client.packages``: installed bundles, installation and rollback (PackagesService)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import overload

from ._models import InstalledPackage
from ._paging import Page, aevery_page, every_page, page_of
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


def _packages(resp: pb.ListPackagesResponse) -> Page[InstalledPackage]:
    return page_of([InstalledPackage.from_proto(p) for p in resp.packages], resp)


class PackagesAPI:
    """Bundles on the head unit, as ``Client.packages``."""

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    @overload
    def list(self) -> list[InstalledPackage]: ...
    @overload
    def list(self, *, page_size: int, page_token: str = "") -> Page[InstalledPackage]: ...
    @overload
    def list(self, *, page_token: str, page_size: int = 0) -> Page[InstalledPackage]: ...
    def list(
        self, *, page_size: int | None = None, page_token: str | None = None
    ) -> list[InstalledPackage] | Page[InstalledPackage]:
        """Every installed bundle, sorted by name; given ``page_size`` (1 to 1,000)
        or ``page_token``, one :class:`Page` of them."""
        if page_size is None and page_token is None:
            return every_page(lambda token: self._page(0, token))
        return self._page(page_size or 0, page_token or "")

    def _page(self, page_size: int, page_token: str) -> Page[InstalledPackage]:
        request = pb.ListPackagesRequest(page_size=page_size, page_token=page_token)
        return _packages(self._c._unary(PackagesService.ListPackages, request))

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

    @overload
    async def list(self) -> list[InstalledPackage]: ...
    @overload
    async def list(self, *, page_size: int, page_token: str = "") -> Page[InstalledPackage]: ...
    @overload
    async def list(self, *, page_token: str, page_size: int = 0) -> Page[InstalledPackage]: ...
    async def list(
        self, *, page_size: int | None = None, page_token: str | None = None
    ) -> list[InstalledPackage] | Page[InstalledPackage]:
        """Every installed bundle, or one page of them (see :meth:`PackagesAPI.list`)."""
        if page_size is None and page_token is None:
            return await aevery_page(lambda token: self._page(0, token))
        return await self._page(page_size or 0, page_token or "")

    async def _page(self, page_size: int, page_token: str) -> Page[InstalledPackage]:
        request = pb.ListPackagesRequest(page_size=page_size, page_token=page_token)
        return _packages(await self._c._unary(PackagesService.ListPackages, request))

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
