"""Server interceptors: auth checks, and the one place where servicer failures become statuses.

Every handler runs inside :func:`_guarded`: an :class:`RpcFailure` becomes its status with
details; a request that does not decode becomes INVALID_ARGUMENT; and any other exception
(a bug) becomes INTERNAL with an incident id that is also logged with the traceback, so no
call ever ends UNKNOWN. The safety net is not a substitute for a handler's own checks: the
fuzz in tests/fuzz fails on INTERNAL as on UNKNOWN.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

import grpc
from google.protobuf.message import DecodeError

from ._auth import Authorizer
from ._status import RpcFailure, abort_with

Behaviour = Callable[..., Any]
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"

if TYPE_CHECKING:
    # The stubs make these generic; at run time grpc's classes are not subscriptable.
    _ServerInterceptor = grpc.aio.ServerInterceptor[Any, Any]
else:
    _ServerInterceptor = grpc.aio.ServerInterceptor

log = logging.getLogger("cardeck_sim.service")


class _Undecodable:
    """What a request that failed to decode arrives as: the handler is never called with it."""

    def __init__(self, message_name: str, error: Exception) -> None:
        self.failure = RpcFailure(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"The request is not a valid {message_name} message ({error}); send the message "
            "the method's .proto file defines, encoded as protobuf.",
            reason="MALFORMED_REQUEST",
        )


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """A deserializer that hands an :class:`_Undecodable` on instead of raising (grpc: UNKNOWN)."""
    if deserializer is None:
        return None
    inner = deserializer
    name = getattr(getattr(inner, "__self__", None), "DESCRIPTOR", None)
    message_name = name.full_name if name is not None else "request"

    def deserialize(data: bytes) -> Any:
        try:
            return inner(data)
        except (DecodeError, ValueError, UnicodeDecodeError) as exc:
            return _Undecodable(message_name, exc)

    return deserialize


async def _decoded(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for request in requests:
        if isinstance(request, _Undecodable):
            raise request.failure
        yield request


def _internal(exc: Exception, method: str) -> RpcFailure:
    incident = uuid.uuid4().hex[:12]
    log.error("incident %s: %s failed unexpectedly", incident, method, exc_info=exc)
    return RpcFailure(
        grpc.StatusCode.INTERNAL,
        f"The head unit failed unexpectedly while serving {method} (incident {incident}). "
        "This is a bug in the head unit: report it with the incident id, which its log shows "
        "with the details.",
        reason="INTERNAL_ERROR",
        metadata={"incident": incident},
    )


@asynccontextmanager
async def _guarded(context: grpc.aio.ServicerContext[Any, Any], method: str) -> AsyncIterator[None]:
    try:
        yield
    except RpcFailure as failure:
        await abort_with(context, failure)
    except grpc.aio.AbortError:
        raise  # the handler ended the call itself
    except Exception as exc:
        await abort_with(context, _internal(exc, method))


def _wrap_unary_response(behaviour: Behaviour, method: str, streaming_in: bool) -> Behaviour:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        async with _guarded(context, method):
            if isinstance(request, _Undecodable):
                raise request.failure
            return await behaviour(_decoded(request) if streaming_in else request, context)

    return wrapped


def _wrap_stream_response(behaviour: Behaviour, method: str, streaming_in: bool) -> Behaviour:
    async def wrapped(
        request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        async with _guarded(context, method):
            if isinstance(request, _Undecodable):
                raise request.failure
            result = behaviour(_decoded(request) if streaming_in else request, context)
            if inspect.isasyncgen(result):
                async for item in result:
                    yield item
            else:
                await result

    return wrapped


def _pass_bytes(serializer: Callable[[Any], bytes] | None) -> Callable[[Any], bytes] | None:
    """A serializer that sends already-encoded bytes as they are (pre-encoded event batches)."""
    if serializer is None:
        return None
    inner = serializer

    def serialize(message: Any) -> bytes:
        return message if type(message) is bytes else inner(message)

    return serialize


def _refuse(failure: RpcFailure) -> Behaviour:
    async def refuse(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise failure

    return refuse


class ServiceInterceptor(_ServerInterceptor):
    """Checks each call's token against the scope table, and maps :class:`RpcFailure` to a status.

    :param authorizer: decides whether a call may proceed.
    """

    def __init__(self, authorizer: Authorizer) -> None:
        self._authorizer = authorizer

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        failure = self._authorizer.check(
            handler_call_details.method,
            handler_call_details.invocation_metadata or (),
        )
        return wrap_handler(
            handler,
            _refuse(failure) if failure else None,
            method=handler_call_details.method,
        )


def wrap_handler(
    handler: Handler,
    replacement: Behaviour | None = None,
    *,
    method: str = "the call",
) -> Handler:
    """A copy of ``handler`` whose behaviour maps every failure to a status (never UNKNOWN).

    :param replacement: a behaviour to run instead of the handler's own (a refusal).
    :param method: the full method path, for the log and the INTERNAL message.
    """
    kwargs = {
        "request_deserializer": _tolerant(handler.request_deserializer),
        "response_serializer": _pass_bytes(handler.response_serializer),
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            _wrap_unary_response(replacement or handler.unary_unary, method, False), **kwargs
        )
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            _wrap_unary_response(replacement or handler.stream_unary, method, True), **kwargs
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            _wrap_stream_response(replacement or handler.unary_stream, method, False), **kwargs
        )
    if handler.stream_stream:
        return grpc.stream_stream_rpc_method_handler(
            _wrap_stream_response(replacement or handler.stream_stream, method, True), **kwargs
        )
    raise ValueError(f"The handler of {method} has no behaviour to wrap.")
