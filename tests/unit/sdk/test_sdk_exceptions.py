"""Every gRPC status maps to its own CarDeck error, with details decoded."""

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

import cardeck
from cardeck._exceptions import error_from_rpc, map_rpc_error


class FakeRpcError(grpc.RpcError, grpc.Call):
    """A stand-in for a failed call: the one thing grpc cannot build without a server."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing=()):
        self._code, self._details, self._trailing = code, details, trailing

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailing

    def initial_metadata(self):
        return ()

    def is_active(self):
        return False

    def time_remaining(self):
        return None

    def cancel(self):
        return False

    def add_callback(self, callback):
        return False


NON_OK = [c for c in grpc.StatusCode if c is not grpc.StatusCode.OK]


def rich_error(code: grpc.StatusCode, message: str, *details) -> FakeRpcError:
    """A failed call whose trailers carry a google.rpc.Status with ``details`` packed in."""
    packed = []
    for msg in details:
        any_msg = any_pb2.Any()
        any_msg.Pack(msg)
        packed.append(any_msg)
    status = status_pb2.Status(code=code.value[0], message=message, details=packed)
    return FakeRpcError(code, message, (("grpc-status-details-bin", status.SerializeToString()),))


@pytest.mark.parametrize("code", NON_OK, ids=lambda c: c.name)
def test_every_status_code_maps_to_a_specific_class(code):
    err = error_from_rpc(FakeRpcError(code, "it failed"))
    assert err.code is code
    assert type(err).code is code, f"{code.name} fell back to {type(err).__name__}"
    assert isinstance(err, cardeck.CarDeckError)


def test_classes_are_distinct_per_code():
    classes = {type(error_from_rpc(FakeRpcError(c, "x"))) for c in NON_OK}
    assert len(classes) == len(NON_OK)


def test_transport_errors_are_not_status_errors():
    err = error_from_rpc(FakeRpcError(grpc.StatusCode.UNAVAILABLE, "connection refused"))
    assert isinstance(err, cardeck.UnavailableError)
    assert isinstance(err, cardeck.TransportError)
    assert not isinstance(err, cardeck.StatusError)
    assert "check that it runs" in str(err)


def test_bad_request_details_become_field_violations():
    bad = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field="a.b", description="a.b is bad."),
            error_details_pb2.BadRequest.FieldViolation(field="c", description="c is bad."),
        ]
    )
    info = error_details_pb2.ErrorInfo(reason="INVALID_ARGUMENT", domain="cardeck.v1")
    exc = rich_error(grpc.StatusCode.INVALID_ARGUMENT, "The request has invalid fields.", bad, info)
    with pytest.raises(cardeck.InvalidArgumentError) as caught, map_rpc_error():
        raise exc
    err = caught.value
    assert err.__cause__ is exc
    assert err.reason == "INVALID_ARGUMENT"
    assert [(v.field, v.description) for v in err.field_violations] == [
        ("a.b", "a.b is bad."),
        ("c", "c is bad."),
    ]
    assert str(err) == "The request has invalid fields. [a.b: a.b is bad.] [c: c is bad.]"


def test_usage_error_is_a_runtime_error():
    assert issubclass(cardeck.UsageError, RuntimeError)
    assert issubclass(cardeck.UsageError, cardeck.CarDeckError)


def test_profile_error_lists_every_problem():
    err = cardeck.ProfileError(
        "The profile has 2 problems.",
        [
            cardeck.ProfileProblem("car.yaml", 3, 5, "displays.0.dpi", "dpi must be positive."),
            cardeck.ProfileProblem("car.yaml", 9, 0, "id", "id is missing."),
        ],
    )
    assert str(err).splitlines() == [
        "The profile has 2 problems.",
        "  car.yaml:3:5: displays.0.dpi: dpi must be positive.",
        "  car.yaml:9: id: id is missing.",
    ]


def test_violations_already_in_the_message_are_not_repeated():
    bad = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field="a", description="a is bad."),
            error_details_pb2.BadRequest.FieldViolation(field="b", description="b is bad."),
        ]
    )
    exc = rich_error(grpc.StatusCode.INVALID_ARGUMENT, "Invalid (a): a is bad.", bad)
    assert str(error_from_rpc(exc)) == "Invalid (a): a is bad. [b: b is bad.]"


def test_a_head_unit_reason_on_unavailable_is_kept():
    info = error_details_pb2.ErrorInfo(reason="BROWSER_RESTARTING", domain="cardeck.v1")
    exc = rich_error(grpc.StatusCode.UNAVAILABLE, "The browser restarts.", info)
    err = error_from_rpc(exc)
    assert isinstance(err, cardeck.UnavailableError)
    assert err.reason == "BROWSER_RESTARTING"
    assert str(err) == "The browser restarts."
