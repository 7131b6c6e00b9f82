"""Every SDK enum maps each member to its proto enum value and back, by name."""

import pytest

from cardeck import _models
from cardeck._models._common import ProtoEnum
from cardeck.v1 import headunit_service_pb2, simulator_service_pb2, types_pb2

PROTO_MODULES = (types_pb2, headunit_service_pb2, simulator_service_pb2)
SDK_ENUMS = sorted(
    (
        cls
        for cls in vars(_models).values()
        if isinstance(cls, type) and issubclass(cls, ProtoEnum)
        if cls is not ProtoEnum
    ),
    key=lambda cls: cls.__name__,
)


def proto_enum(name):
    for module in PROTO_MODULES:
        if name in module.DESCRIPTOR.enum_types_by_name:
            return getattr(module, name)
    raise AssertionError(f"No proto enum named {name}")


def test_every_sdk_enum_is_found():
    assert len(SDK_ENUMS) >= 12


@pytest.mark.parametrize("cls", SDK_ENUMS, ids=lambda c: c.__name__)
def test_members_round_trip_through_the_proto_enum_of_the_same_name(cls):
    names = proto_enum(cls.__name__)
    assert {f"{cls._prefix()}{m.name}" for m in cls} == set(names.keys())
    for member in cls:
        value = member.to_proto(names)
        assert cls.from_proto(value, names) is member
