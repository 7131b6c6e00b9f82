"""Error statuses with ``google.rpc`` details, never bare strings.

Servicers raise :class:`RpcFailure` (or call :func:`invalid_argument`); one
place, :func:`abort_with`, turns it into a status with ``BadRequest`` and
``ErrorInfo`` details that any gRPC client can decode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import (
    code_pb2,
    error_details_pb2,
    status_pb2,
)

from cardeck._names import NameKind, name_problem

DOMAIN = "cardeck.v1"


class RpcFailure(Exception):
    """A servicer's refusal: a status code, a sentence, and optional details.

    :param code: the gRPC status code.
    :param message: what happened, then what to do.
    :param reason: a stable UPPER_SNAKE_CASE code for ``ErrorInfo``.
    :param violations: (field path, sentence) pairs for ``BadRequest``.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        *,
        reason: str = "",
        violations: Sequence[tuple[str, str]] = (),
        metadata: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason
        self.violations = tuple(violations)
        self.metadata = dict(metadata or {})

    def to_status(self) -> status_pb2.Status:
        """The ``google.rpc.Status`` with its details."""
        details: list[any_pb2.Any] = []
        if self.violations:
            bad = error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                    for f, d in self.violations
                ]
            )
            packed = any_pb2.Any()
            packed.Pack(bad)
            details.append(packed)
        if self.reason:
            info = error_details_pb2.ErrorInfo(
                reason=self.reason, domain=DOMAIN, metadata=self.metadata
            )
            packed = any_pb2.Any()
            packed.Pack(info)
            details.append(packed)
        return status_pb2.Status(
            code=getattr(code_pb2, self.code.name), message=self.message, details=details
        )


def invalid_argument(violations: Sequence[tuple[str, str]]) -> RpcFailure:
    """An INVALID_ARGUMENT failure listing every bad field in one sentence and in details."""
    fields = ", ".join(f for f, _ in violations)
    text = " ".join(d for _, d in violations)
    return RpcFailure(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"The request has invalid fields ({fields}): {text}",
        reason="INVALID_ARGUMENT",
        violations=violations,
    )


async def abort_with(context: grpc.aio.ServicerContext[Any, Any], failure: RpcFailure) -> None:
    """End the call with the failure's status and details."""
    status = failure.to_status()
    await context.abort(
        failure.code,
        failure.message,
        trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),),
    )


def name_violations(kind: NameKind, value: str, field: str) -> list[tuple[str, str]]:
    """The (field, sentence) violation of a malformed name, or none (cardeck._names rules)."""
    problem = name_problem(kind, value, field)
    return [] if problem is None else [(field, problem)]


def require_name(kind: NameKind, value: str, field: str) -> str:
    """``value`` when it is a valid ``kind`` name; INVALID_ARGUMENT naming ``field`` otherwise."""
    violations = name_violations(kind, value, field)
    if violations:
        raise invalid_argument(violations)
    return value
