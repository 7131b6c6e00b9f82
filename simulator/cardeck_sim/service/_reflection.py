"""gRPC server reflection in both versions, ``grpc.reflection.v1`` and ``v1alpha``.

grpcio-reflection implements only v1alpha, but new tools (buf curl, grpcurl, Postman) ask
v1 first. v1 is v1alpha moved to another package: the same messages with the same field
numbers, so one servicer answers both, and v1's bytes are v1alpha's. Its descriptor is
derived from v1alpha's here, so it cannot drift from what is sent, and registered in the
default pool, so reflection describes its own v1 service too.

Errors carry ``google.rpc.Status`` details (``BadRequest``, ``ErrorInfo``, …): importing
their modules puts ``google/rpc/status.proto`` and ``error_details.proto`` in the pool, so a
tool can resolve ``type.googleapis.com/google.rpc.BadRequest`` by symbol.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from google.rpc import error_details_pb2, status_pb2
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc

__all__ = ["REFLECTION_SERVICE_NAMES", "add_reflection"]

_V1ALPHA_PACKAGE = "grpc.reflection.v1alpha"
_V1_PACKAGE = "grpc.reflection.v1"
_V1_FILE = "grpc/reflection/v1/reflection.proto"
_METHOD = "ServerReflectionInfo"

#: Both reflection services, as reflection lists them.
REFLECTION_SERVICE_NAMES = (f"{_V1_PACKAGE}.ServerReflection", reflection.SERVICE_NAME)

#: The detail types the head unit's errors carry; their files must be in the pool.
DETAIL_FILES = (status_pb2.DESCRIPTOR.name, error_details_pb2.DESCRIPTOR.name)


def v1_file_descriptor() -> descriptor_pb2.FileDescriptorProto:
    """``grpc/reflection/v1/reflection.proto``: v1alpha's file with v1's names and options."""
    proto = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(proto)
    old, new = f".{_V1ALPHA_PACKAGE}.", f".{_V1_PACKAGE}."
    for message in proto.message_type:
        for field in message.field:
            if field.HasField("type_name"):
                field.type_name = field.type_name.replace(old, new)
    for service in proto.service:
        for method in service.method:
            method.input_type = method.input_type.replace(old, new)
            method.output_type = method.output_type.replace(old, new)
    proto.name = _V1_FILE
    proto.package = _V1_PACKAGE
    # The options upstream's v1 file declares (grpc/grpc-proto); v1alpha's say deprecated.
    proto.options.Clear()
    proto.options.go_package = "google.golang.org/grpc/reflection/grpc_reflection_v1"
    proto.options.java_multiple_files = True
    proto.options.java_package = "io.grpc.reflection.v1"
    proto.options.java_outer_classname = "ServerReflectionProto"
    return proto


def _register_v1(pool: descriptor_pool.DescriptorPool) -> None:
    try:
        pool.FindFileByName(_V1_FILE)
    except KeyError:
        pool.AddSerializedFile(v1_file_descriptor().SerializeToString())


# Like a generated ``_pb2`` module, importing this one registers its file.
_register_v1(descriptor_pool.Default())


def add_reflection(server: grpc.aio.Server, service_names: Iterable[str]) -> None:
    """Serve reflection v1 and v1alpha on ``server``, listing ``service_names`` and both."""
    pool = descriptor_pool.Default()
    for name in DETAIL_FILES:
        pool.FindFileByName(name)  # fails loudly here rather than NOT_FOUND to a client
    # The stubs lack the aio servicer grpcio-reflection exports for grpc.aio servers.
    servicer: Any = reflection.aio.ReflectionServicer(  # type: ignore[attr-defined]
        [*service_names, *REFLECTION_SERVICE_NAMES], pool=pool
    )
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(servicer, server)
    v1 = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(REFLECTION_SERVICE_NAMES[0], {_METHOD: v1}),)
    )
