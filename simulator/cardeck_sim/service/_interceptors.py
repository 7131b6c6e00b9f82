"""Server interceptors: one place where servicer failures become statuses."""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from ._status import RpcFailure, abort_with

log = logging.getLogger(__name__)

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


class FailureInterceptor(grpc.aio.ServerInterceptor):
    """Turns :class:`RpcFailure` raised by any servicer into its status with details."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        return wrap_handler(handler)


def wrap_handler(handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
    """A copy of ``handler`` whose behaviour maps RpcFailure to a status."""
    kwargs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            _wrap_unary_response(handler.unary_unary), **kwargs
        )
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            _wrap_unary_response(handler.stream_unary), **kwargs
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            _wrap_stream_response(handler.unary_stream), **kwargs
        )
    return grpc.stream_stream_rpc_method_handler(
        _wrap_stream_response(handler.stream_stream), **kwargs
    )
