"""One table maps each Event payload to its kind and its typed data (cardeck/_models/_events.py)."""

import pytest

import cardeck
from cardeck.v1 import types_pb2

PAYLOAD_FIELDS = [f.name for f in types_pb2.Event.DESCRIPTOR.oneofs_by_name["payload"].fields]


@pytest.mark.parametrize("field", PAYLOAD_FIELDS)
def test_every_payload_field_has_a_kind_and_typed_data(field):
    msg = types_pb2.Event(seq=1, run_id="r1")
    getattr(msg, field).SetInParent()  # the payload set, all of its fields default
    event = cardeck.Event(msg)
    assert event.kind is cardeck.EventKind.of_payload(field)
    assert isinstance(event.data, cardeck.EventData)


def test_every_kind_but_unspecified_has_a_payload():
    kinds = {cardeck.EventKind.of_payload(field) for field in PAYLOAD_FIELDS}
    assert kinds == set(cardeck.EventKind) - {cardeck.EventKind.UNSPECIFIED}


def test_each_kind_is_the_proto_kind_its_comment_names():
    # types.proto documents each EventKind by the payload messages it covers.
    assert cardeck.EventKind.of_payload("route_changed") is cardeck.EventKind.GUIDANCE
    assert cardeck.EventKind.of_payload("guidance_changed") is cardeck.EventKind.GUIDANCE
    assert cardeck.EventKind.of_payload("service_notice") is cardeck.EventKind.SERVICE


def test_an_unknown_payload_field_is_refused():
    with pytest.raises(ValueError, match=r"'speed_changed' is not an Event payload.*upgrade"):
        cardeck.EventKind.of_payload("speed_changed")
