"""Server interceptors: auth checks, and the one place where servicer failures become statuses."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from ._auth import Authorizer
from ._status import RpcFailure, abort_with

Behaviour = Callable[..., Any]


def _wrap_unary_response(behaviour: Behaviour) -> Behaviour:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:  # type: ignore[type-arg]
        try:
            return await behaviour(request, context)
        except RpcFailure as failure:
            await abort_with(context, failure)

    return wrapped


def _wrap_stream_response(behaviour: Behaviour) -> Behaviour:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:  # type: ignore[type-arg]
        try:
            result = behaviour(request, context)
            if inspect.isasyncgen(result):
                async for item in result:
                    yield item
            else:
                await result
        except RpcFailure as failure:
            await abort_with(context, failure)

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
    async def refuse(request: Any, context: grpc.aio.ServicerContext) -> Any:  # type: ignore[type-arg]
        raise failure

    return refuse


class ServiceInterceptor(grpc.aio.ServerInterceptor):
    """Checks each call's token against the scope table, and maps :class:`RpcFailure` to a status.

    :param authorizer: decides whether a call may proceed.
    """

    def __init__(self, authorizer: Authorizer) -> None:
        self._authorizer = authorizer

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        failure = self._authorizer.check(
            handler_call_details.method,  # type: ignore[attr-defined]
            handler_call_details.invocation_metadata or (),  # type: ignore[attr-defined]
        )
        return wrap_handler(handler, _refuse(failure) if failure else None)


def wrap_handler(
    handler: grpc.RpcMethodHandler, replacement: Behaviour | None = None
) -> grpc.RpcMethodHandler:
    """A copy of ``handler`` whose behaviour maps RpcFailure to a status.

    :param replacement: a behaviour to run instead of the handler's own (a refusal).
    """
    kwargs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": _pass_bytes(handler.response_serializer),
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            _wrap_unary_response(replacement or handler.unary_unary), **kwargs
        )
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            _wrap_unary_response(replacement or handler.stream_unary), **kwargs
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            _wrap_stream_response(replacement or handler.unary_stream), **kwargs
        )
    return grpc.stream_stream_rpc_method_handler(
        _wrap_stream_response(replacement or handler.stream_stream), **kwargs
    )
