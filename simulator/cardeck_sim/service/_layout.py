"""LayoutService: vehicle profiles, computed layouts and dry-run validation."""

from __future__ import annotations

import grpc

from cardeck.v1 import layout_service_pb2 as pb
from cardeck.v1 import layout_service_pb2_grpc as pb_grpc

from ..state import StateStore
from ._catalog import ProfileCatalog, UnknownProfileError
from ._paging import check_page_size, decode_token, encode_token, page_by_key
from ._profile_worker import ProfileWorker
from ._status import RpcFailure, invalid_argument, require_name

MAX_YAML_BYTES = 1 << 20
MAX_PROFILES_PAGE = 1000


def _not_found(exc: UnknownProfileError) -> RpcFailure:
    return RpcFailure(grpc.StatusCode.NOT_FOUND, str(exc), reason="PROFILE_NOT_FOUND")


class LayoutServicer(pb_grpc.LayoutServiceServicer):
    """Serves LayoutService from the profile catalog and the store's active profile."""

    def __init__(self, store: StateStore, catalog: ProfileCatalog, worker: ProfileWorker) -> None:
        self._store = store
        self._catalog = catalog
        self._worker = worker

    def _require_id(self, profile_id: str) -> str:
        if not profile_id:
            raise invalid_argument([("profile_id", "profile_id is required.")])
        return require_name("profile", profile_id, "profile_id")

    async def ListProfiles(
        self, request: pb.ListProfilesRequest, context: object
    ) -> pb.ListProfilesResponse:
        size = check_page_size(request.page_size, MAX_PROFILES_PAGE)
        after = (
            decode_token(request.page_token, "ListProfiles").after if request.page_token else None
        )
        ids, last = page_by_key(self._catalog.ids(), str, after, size)
        return pb.ListProfilesResponse(
            profiles=[self._catalog.summary(pid) for pid in ids],
            active_profile_id=self._store.active_profile_id,
            next_page_token=encode_token("ListProfiles", last) if last is not None else "",
        )

    async def GetProfile(
        self, request: pb.GetProfileRequest, context: object
    ) -> pb.GetProfileResponse:
        profile_id = self._require_id(request.profile_id)
        try:
            entry = self._catalog.entry(profile_id)
        except UnknownProfileError as exc:
            raise _not_found(exc) from exc
        return pb.GetProfileResponse(profile=self._catalog.summary(profile_id), yaml=entry.yaml)

    async def SetActiveProfile(
        self, request: pb.SetActiveProfileRequest, context: object
    ) -> pb.SetActiveProfileResponse:
        profile_id = self._require_id(request.profile_id)
        profile, layouts = await self._catalog.asolved(profile_id, self._worker)
        if profile_id != self._store.active_profile_id:
            self._store.set_active_profile(profile_id, f"Profile {profile_id} was activated.")
        return pb.SetActiveProfileResponse(
            profile=self._catalog.summary(profile_id),
            layouts=self._catalog.layouts_to_proto(profile, layouts),
        )

    async def GetLayout(
        self, request: pb.GetLayoutRequest, context: object
    ) -> pb.GetLayoutResponse:
        profile_id = request.profile_id or self._store.active_profile_id
        profile, layouts = await self._catalog.asolved(profile_id, self._worker)
        if request.display_id and request.display_id not in layouts:
            raise RpcFailure(
                grpc.StatusCode.NOT_FOUND,
                f"Profile {profile_id!r} has no display {request.display_id!r}; it has "
                f"{', '.join(layouts)}.",
                reason="DISPLAY_NOT_FOUND",
            )
        return pb.GetLayoutResponse(
            profile_id=profile_id,
            layouts=self._catalog.layouts_to_proto(profile, layouts, request.display_id),
        )

    async def ValidateProfile(
        self, request: pb.ValidateProfileRequest, context: object
    ) -> pb.ValidateProfileResponse:
        if not request.yaml.strip():
            raise invalid_argument([("yaml", "yaml is required: send the profile's YAML text.")])
        if len(request.yaml.encode()) > MAX_YAML_BYTES:
            raise invalid_argument([("yaml", "yaml is larger than 1 MiB; no profile is that big.")])
        filename = request.filename or "<request>"
        # Untrusted YAML: parsed and solved in the worker process, under its limits.
        # The worker's answer is already the encoded response: sent as it is (the
        # interceptor passes bytes through), so the loop never parses or re-encodes it.
        reply: bytes = await self._worker.run("validate", request.yaml, filename)
        return reply  # type: ignore[return-value]  # encoded already; the interceptor sends bytes as they are
