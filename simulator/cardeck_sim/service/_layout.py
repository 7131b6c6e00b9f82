"""LayoutService: vehicle profiles, computed layouts and dry-run validation."""

from __future__ import annotations

import grpc

from cardeck._exceptions import ProfileError
from cardeck.layout import parse_profile, solve_display
from cardeck.v1 import layout_service_pb2 as pb
from cardeck.v1 import layout_service_pb2_grpc as pb_grpc

from ._catalog import ProfileCatalog, UnknownProfileError
from ._status import RpcFailure, invalid_argument, require_name
from ._store import StateStore

MAX_YAML_BYTES = 1 << 20


def _not_found(exc: UnknownProfileError) -> RpcFailure:
    return RpcFailure(grpc.StatusCode.NOT_FOUND, str(exc), reason="PROFILE_NOT_FOUND")


class LayoutServicer(pb_grpc.LayoutServiceServicer):
    """Serves LayoutService from the profile catalog and the store's active profile."""

    def __init__(self, store: StateStore, catalog: ProfileCatalog) -> None:
        self._store = store
        self._catalog = catalog

    def _require_id(self, profile_id: str) -> str:
        if not profile_id:
            raise invalid_argument([("profile_id", "profile_id is required.")])
        return require_name("profile", profile_id, "profile_id")

    async def ListProfiles(
        self, request: pb.ListProfilesRequest, context: object
    ) -> pb.ListProfilesResponse:
        return pb.ListProfilesResponse(
            profiles=[self._catalog.summary(pid) for pid in self._catalog.ids()],
            active_profile_id=self._store.active_profile_id,
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
        profile, layouts = self._catalog.solved(profile_id)
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
        profile, layouts = self._catalog.solved(profile_id)
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
        try:
            profile = parse_profile(request.yaml, filename)
        except ProfileError as exc:
            problems = exc.problems or ()
            return pb.ValidateProfileResponse(
                valid=False,
                diagnostics=[
                    pb.Diagnostic(
                        severity=pb.DIAGNOSTIC_SEVERITY_ERROR,
                        rule="schema",
                        message=p.message,
                        field=p.field,
                        line=p.line,
                        column=p.column,
                    )
                    for p in problems
                ]
                or [
                    pb.Diagnostic(
                        severity=pb.DIAGNOSTIC_SEVERITY_ERROR, rule="schema", message=str(exc)
                    )
                ],
            )
        diagnostics: list[pb.Diagnostic] = []
        layouts = {}
        for display in profile.displays:
            try:
                layouts[display.id] = solve_display(profile, display.id)
            except ProfileError as exc:
                diagnostics.append(
                    pb.Diagnostic(
                        severity=pb.DIAGNOSTIC_SEVERITY_ERROR,
                        rule="layout",
                        message=str(exc),
                        display_id=display.id,
                    )
                )
        wire = self._catalog.layouts_to_proto(profile, layouts)
        for layout in wire:
            diagnostics.extend(layout.diagnostics)
        return pb.ValidateProfileResponse(
            valid=not any(d.severity == pb.DIAGNOSTIC_SEVERITY_ERROR for d in diagnostics),
            diagnostics=diagnostics,
            layouts=wire,
        )
