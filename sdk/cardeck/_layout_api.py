"""``client.layout``: vehicle profiles and computed layouts (LayoutService)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, overload

from ._models import ProfileSummary, ProfileValidation, display_layout_from_proto
from ._paging import Page, aevery_page, every_page, page_of
from ._rpcs import LayoutService
from ._seam import AsyncCaller, SyncCaller
from .v1 import layout_service_pb2 as pb

if TYPE_CHECKING:
    from .layout import DisplayLayout


def _layouts(msgs: Iterable[pb.DisplayLayout]) -> dict[str, DisplayLayout]:
    return {msg.display.display_id: display_layout_from_proto(msg) for msg in msgs}


def _profiles(resp: pb.ListProfilesResponse) -> Page[ProfileSummary]:
    return page_of([ProfileSummary.from_proto(p) for p in resp.profiles], resp)


class LayoutAPI:
    """Vehicle profiles and their layouts, as ``Client.layout``.

    Layouts are the layout engine's own ``cardeck.layout.DisplayLayout``
    objects, so a head unit's answer and a local ``solve_profile()`` compare equal.
    """

    def __init__(self, client: SyncCaller) -> None:
        self._c = client

    @overload
    def list_profiles(self) -> list[ProfileSummary]: ...
    @overload
    def list_profiles(self, *, page_size: int, page_token: str = "") -> Page[ProfileSummary]: ...
    @overload
    def list_profiles(self, *, page_token: str, page_size: int = 0) -> Page[ProfileSummary]: ...
    def list_profiles(
        self, *, page_size: int | None = None, page_token: str | None = None
    ) -> list[ProfileSummary] | Page[ProfileSummary]:
        """Every vehicle profile the head unit knows, sorted by id; given
        ``page_size`` (1 to 1,000) or ``page_token``, one :class:`Page` of them."""
        if page_size is None and page_token is None:
            return every_page(lambda token: self._page(0, token))
        return self._page(page_size or 0, page_token or "")

    def _page(self, page_size: int, page_token: str) -> Page[ProfileSummary]:
        request = pb.ListProfilesRequest(page_size=page_size, page_token=page_token)
        return _profiles(self._c._unary(LayoutService.ListProfiles, request))

    def get_profile(self, profile_id: str) -> ProfileSummary:
        """One profile, with its source YAML in ``.yaml``.

        :raises NotFoundError: no profile has this id.
        """
        request = pb.GetProfileRequest(profile_id=profile_id)
        resp = self._c._unary(LayoutService.GetProfile, request)
        return ProfileSummary.from_proto(resp.profile, resp.yaml)

    def set_active_profile(self, profile_id: str) -> dict[str, DisplayLayout]:
        """Switch the head unit to another vehicle; returns the new layout per display.

        :raises NotFoundError: no profile has this id.
        :raises FailedPreconditionError: the profile cannot be laid out.
        """
        request = pb.SetActiveProfileRequest(profile_id=profile_id)
        resp = self._c._unary(LayoutService.SetActiveProfile, request)
        return _layouts(resp.layouts)

    def get_layout(self, profile_id: str = "", display_id: str = "") -> dict[str, DisplayLayout]:
        """The computed layout per display of the active (or a named) profile.

        :param profile_id: the profile; empty means the active one.
        :param display_id: only this display; empty means all.
        :raises NotFoundError: unknown profile or display.
        """
        request = pb.GetLayoutRequest(profile_id=profile_id, display_id=display_id)
        resp = self._c._unary(LayoutService.GetLayout, request)
        return _layouts(resp.layouts)

    def validate_profile(self, yaml_text: str, filename: str = "<request>") -> ProfileValidation:
        """Check a profile's YAML and solve its layouts on the head unit, activating nothing."""
        request = pb.ValidateProfileRequest(yaml=yaml_text, filename=filename)
        resp = self._c._unary(LayoutService.ValidateProfile, request)
        return ProfileValidation.from_proto(resp, filename)


class AsyncLayoutAPI:
    """The asyncio twin of :class:`LayoutAPI`, as ``AsyncClient.layout``."""

    def __init__(self, client: AsyncCaller) -> None:
        self._c = client

    @overload
    async def list_profiles(self) -> list[ProfileSummary]: ...
    @overload
    async def list_profiles(
        self, *, page_size: int, page_token: str = ""
    ) -> Page[ProfileSummary]: ...
    @overload
    async def list_profiles(
        self, *, page_token: str, page_size: int = 0
    ) -> Page[ProfileSummary]: ...
    async def list_profiles(
        self, *, page_size: int | None = None, page_token: str | None = None
    ) -> list[ProfileSummary] | Page[ProfileSummary]:
        """Every vehicle profile, or one page of them (see :meth:`LayoutAPI.list_profiles`)."""
        if page_size is None and page_token is None:
            return await aevery_page(lambda token: self._page(0, token))
        return await self._page(page_size or 0, page_token or "")

    async def _page(self, page_size: int, page_token: str) -> Page[ProfileSummary]:
        request = pb.ListProfilesRequest(page_size=page_size, page_token=page_token)
        return _profiles(await self._c._unary(LayoutService.ListProfiles, request))

    async def get_profile(self, profile_id: str) -> ProfileSummary:
        """One profile, with its source YAML in ``.yaml`` (see :meth:`LayoutAPI.get_profile`)."""
        request = pb.GetProfileRequest(profile_id=profile_id)
        resp = await self._c._unary(LayoutService.GetProfile, request)
        return ProfileSummary.from_proto(resp.profile, resp.yaml)

    async def set_active_profile(self, profile_id: str) -> dict[str, DisplayLayout]:
        """Switch the head unit to another vehicle (see :meth:`LayoutAPI.set_active_profile`)."""
        request = pb.SetActiveProfileRequest(profile_id=profile_id)
        resp = await self._c._unary(LayoutService.SetActiveProfile, request)
        return _layouts(resp.layouts)

    async def get_layout(
        self, profile_id: str = "", display_id: str = ""
    ) -> dict[str, DisplayLayout]:
        """The computed layout per display (see :meth:`LayoutAPI.get_layout`)."""
        request = pb.GetLayoutRequest(profile_id=profile_id, display_id=display_id)
        resp = await self._c._unary(LayoutService.GetLayout, request)
        return _layouts(resp.layouts)

    async def validate_profile(
        self, yaml_text: str, filename: str = "<request>"
    ) -> ProfileValidation:
        """Check a profile on the head unit (see :meth:`LayoutAPI.validate_profile`)."""
        request = pb.ValidateProfileRequest(yaml=yaml_text, filename=filename)
        resp = await self._c._unary(LayoutService.ValidateProfile, request)
        return ProfileValidation.from_proto(resp, filename)
