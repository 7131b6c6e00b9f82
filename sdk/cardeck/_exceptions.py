"""Every error the SDK raises.

The tree::

    CarDeckError
    ├── TransportError                 the head unit could not be reached
    │   ├── UnavailableError           UNAVAILABLE: not listening, restarting, network down
    │   └── DeadlineExceededError      DEADLINE_EXCEEDED: the call's deadline passed
    ├── StatusError                    the head unit answered with a non-OK status
    │   ├── CallCancelledError         CANCELLED
    │   ├── UnknownError               UNKNOWN
    │   ├── InvalidArgumentError       INVALID_ARGUMENT (``.field_violations``)
    │   ├── NotFoundError              NOT_FOUND
    │   ├── AlreadyExistsError         ALREADY_EXISTS
    │   ├── PermissionDeniedError      PERMISSION_DENIED
    │   ├── ResourceExhaustedError     RESOURCE_EXHAUSTED
    │   ├── FailedPreconditionError    FAILED_PRECONDITION
    │   ├── AbortedError               ABORTED
    │   ├── OutOfRangeError            OUT_OF_RANGE
    │   ├── UnimplementedError         UNIMPLEMENTED
    │   ├── InternalError              INTERNAL
    │   ├── DataLossError              DATA_LOSS
    │   └── UnauthenticatedError       UNAUTHENTICATED
    ├── IncompatibleServerError        the head unit speaks another major API version
    ├── ProfileError                   a vehicle profile or template is invalid or unsolvable
    ├── DeployError                    building, signing or pushing a bundle failed
    │   ├── SigningError
    │   └── DeviceNotFoundError
    └── UsageError (also RuntimeError) the SDK was used the wrong way (closed client, …)

Every ``grpc.RpcError`` becomes one of these in :func:`map_rpc_error`, so
callers catch CarDeck classes and never need to import grpc.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import grpc

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "CallCancelledError",
    "CarDeckError",
    "DataLossError",
    "DeadlineExceededError",
    "DeployError",
    "DeviceNotFoundError",
    "FailedPreconditionError",
    "FieldViolation",
    "IncompatibleServerError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "ProfileError",
    "ProfileProblem",
    "ResourceExhaustedError",
    "SigningError",
    "StatusError",
    "TransportError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "UnknownError",
    "UsageError",
    "map_rpc_error",
]


class CarDeckError(Exception):
    """Base class of every error CarDeck raises on purpose."""


@dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request, from a ``google.rpc.BadRequest`` detail.

    :param field: the field path, e.g. ``"position.latitude_deg"``.
    :param description: a sentence saying what is wrong and what is allowed.
    """

    field: str
    description: str


class StatusError(CarDeckError):
    """The head unit answered a call with a non-OK gRPC status.

    :param message: the server's sentence.
    :param code: the gRPC status code.
    :param details: decoded ``google.rpc`` detail messages (BadRequest, ErrorInfo, …).
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(
        self,
        message: str,
        *,
        code: grpc.StatusCode | None = None,
        details: Sequence[Any] = (),
        reason: str = "",
        metadata: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details = tuple(details)
        # ErrorInfo.reason, a stable UPPER_SNAKE_CASE identifier servers attach.
        self.reason = reason
        self.metadata = dict(metadata or {})

    @property
    def field_violations(self) -> tuple[FieldViolation, ...]:
        """Every field the server named as invalid, in the order it gave them."""
        out: list[FieldViolation] = []
        for detail in self.details:
            for violation in getattr(detail, "field_violations", ()):
                out.append(FieldViolation(violation.field, violation.description))
        return tuple(out)

    def __str__(self) -> str:
        text = self.message
        # Name each bad field the server's sentence does not already spell out.
        extra = [v for v in self.field_violations if v.description not in text]
        if extra:
            text += " " + " ".join(f"[{v.field}: {v.description}]" for v in extra)
        return text


class TransportError(CarDeckError):
    """The call never got an answer from the head unit.

    ``reason`` is set when the head unit itself said why (e.g. ``BROWSER_RESTARTING``).
    """

    code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class UnavailableError(TransportError):
    """The head unit is not reachable; the SDK retries idempotent calls itself."""

    code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceededError(TransportError):
    """The call's deadline passed before the head unit answered."""

    code = grpc.StatusCode.DEADLINE_EXCEEDED


class CallCancelledError(StatusError):
    """The call was cancelled (CANCELLED).

    Not named ``CancelledError``, which would shadow ``asyncio.CancelledError``
    in code that imports both; ``cardeck.CancelledError`` still works but warns.
    """

    code = grpc.StatusCode.CANCELLED


class UnknownError(StatusError):
    code = grpc.StatusCode.UNKNOWN


class InvalidArgumentError(StatusError):
    """The request was malformed; ``field_violations`` names each bad field."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFoundError(StatusError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(StatusError):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDeniedError(StatusError):
    """The token lacks the scope the call needs, or a policy refused it."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhaustedError(StatusError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPreconditionError(StatusError):
    """The head unit is not in a state that allows the call (e.g. driving)."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class AbortedError(StatusError):
    code = grpc.StatusCode.ABORTED


class OutOfRangeError(StatusError):
    code = grpc.StatusCode.OUT_OF_RANGE


class UnimplementedError(StatusError):
    """The head unit does not provide this capability (yet)."""

    code = grpc.StatusCode.UNIMPLEMENTED


class InternalError(StatusError):
    code = grpc.StatusCode.INTERNAL


class DataLossError(StatusError):
    code = grpc.StatusCode.DATA_LOSS


class UnauthenticatedError(StatusError):
    """No token, or a token the head unit does not know."""

    code = grpc.StatusCode.UNAUTHENTICATED


class IncompatibleServerError(CarDeckError):
    """The head unit speaks a major API version this SDK cannot talk to."""


@dataclass(frozen=True)
class ProfileProblem:
    """One mistake in a profile or template file.

    :param file: the file's path as given (``"<string>"`` when parsed from text).
    :param line: 1-based line, 0 when unknown.
    :param column: 1-based column, 0 when unknown.
    :param field: dotted field path, e.g. ``"displays.0.dpi"``.
    :param message: a sentence: what is wrong, and what is allowed.
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ProfileError(CarDeckError):
    """A vehicle profile or template is invalid, or a display cannot be laid out.

    ``problems`` holds every mistake found, not only the first one.
    """

    def __init__(self, message: str, problems: Sequence[ProfileProblem] = ()) -> None:
        self.problems = tuple(problems)
        if self.problems:
            message = message + "\n" + "\n".join(f"  {p}" for p in self.problems)
        super().__init__(message)


class DeployError(CarDeckError):
    """Building, signing, verifying or pushing a bundle failed."""


class SigningError(DeployError):
    """A bundle could not be signed or its signature does not verify."""


class DeviceNotFoundError(DeployError):
    """No USB directory or adb device to push to."""


class UsageError(CarDeckError, RuntimeError):
    """The SDK was used the wrong way, e.g. a call on a closed client."""


_STATUS_CLASSES: dict[grpc.StatusCode, type[StatusError]] = {
    cls.code: cls
    for cls in (
        CallCancelledError,
        UnknownError,
        InvalidArgumentError,
        NotFoundError,
        AlreadyExistsError,
        PermissionDeniedError,
        ResourceExhaustedError,
        FailedPreconditionError,
        AbortedError,
        OutOfRangeError,
        UnimplementedError,
        InternalError,
        DataLossError,
        UnauthenticatedError,
    )
}
_TRANSPORT_CLASSES: dict[grpc.StatusCode, type[TransportError]] = {
    UnavailableError.code: UnavailableError,
    DeadlineExceededError.code: DeadlineExceededError,
}


def error_from_rpc(exc: grpc.RpcError) -> CarDeckError:
    """Build the most specific CarDeck error for a failed call."""
    code: grpc.StatusCode = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    message: str = (exc.details() if hasattr(exc, "details") else None) or code.name
    details, reason, metadata = _decode_details(exc)
    if code in _TRANSPORT_CLASSES:
        if reason:  # the head unit answered and said why: its sentence is the message
            return _TRANSPORT_CLASSES[code](message, reason=reason)
        return _TRANSPORT_CLASSES[code](
            f"{message} (the head unit did not answer: {code.name}; check that it runs "
            "and that the target address is right)"
        )
    cls = _STATUS_CLASSES.get(code, UnknownError)
    return cls(message, code=code, details=details, reason=reason, metadata=metadata)


def _decode_details(exc: grpc.RpcError) -> tuple[list[Any], str, dict[str, str]]:
    """Decode ``grpc-status-details-bin`` into google.rpc messages."""
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    try:
        status = rpc_status.from_call(exc)  # type: ignore[arg-type]  # a raised RpcError is also a grpc.Call; the stubs do not say so
    except (ValueError, AttributeError, TypeError):
        return [], "", {}
    if status is None:
        return [], "", {}
    decoded: list[Any] = []
    reason = ""
    metadata: dict[str, str] = {}
    for any_msg in status.details:
        for msg_type in (
            error_details_pb2.BadRequest,
            error_details_pb2.ErrorInfo,
            error_details_pb2.PreconditionFailure,
            error_details_pb2.ResourceInfo,
            error_details_pb2.RetryInfo,
        ):
            if any_msg.Is(msg_type.DESCRIPTOR):
                msg = msg_type()
                any_msg.Unpack(msg)
                decoded.append(msg)
                if isinstance(msg, error_details_pb2.ErrorInfo):
                    reason = msg.reason
                    metadata = dict(msg.metadata)
    return decoded, reason, metadata


@contextlib.contextmanager
def map_rpc_error() -> Iterator[None]:
    """Turn any ``grpc.RpcError`` raised inside the block into a CarDeck error."""
    try:
        yield
    except grpc.RpcError as exc:
        raise error_from_rpc(exc) from exc
