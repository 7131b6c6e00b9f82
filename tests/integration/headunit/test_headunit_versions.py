"""API-version negotiation: another major version is refused on both sides, with a sentence."""

from concurrent import futures

import grpc
import pytest

import cardeck
from cardeck.v1 import headunit_service_pb2 as pb
from cardeck.v1 import headunit_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2


class FutureHeadUnit(pb_grpc.HeadUnitServiceServicer):
    """A spec'd servicer for a head unit from the future (API 2.3): the real one is API 1."""

    def GetInfo(self, request, context):
        return pb.GetInfoResponse(
            api_version=types_pb2.ApiVersion(major=2, minor=3), product_name="Future unit"
        )


@pytest.fixture
def future_target():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_HeadUnitServiceServicer_to_server(FutureHeadUnit(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(0).wait()


def test_sync_client_refuses_a_head_unit_with_another_major(future_target):
    with pytest.raises(cardeck.IncompatibleServerError) as caught:
        cardeck.connect(future_target)
    text = str(caught.value)
    assert "speaks cardeck API 2.3" in text
    assert "pip install -U cardeck" in text


async def test_async_client_refuses_a_head_unit_with_another_major(future_target):
    with pytest.raises(cardeck.IncompatibleServerError, match=r"API 2\.3"):
        await cardeck.connect_async(future_target)


async def test_head_unit_refuses_a_client_with_another_major(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = pb_grpc.HeadUnitServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            await stub.GetInfo(
                pb.GetInfoRequest(client_api_version=types_pb2.ApiVersion(major=3, minor=0))
            )
    err = cardeck._exceptions.error_from_rpc(caught.value)
    assert isinstance(err, cardeck.FailedPreconditionError)
    assert err.reason == "API_VERSION_MISMATCH"
    assert "client speaks 3.0" in str(err)


def test_sdk_maps_the_servers_refusal_to_incompatible_server_error(thread_unit, monkeypatch):
    # An SDK from the future talking to today's head unit: the server refuses it.
    monkeypatch.setattr(cardeck._client, "API_VERSION", cardeck.ApiVersion(3, 0))
    with pytest.raises(cardeck.IncompatibleServerError, match=r"speaks cardeck API 1\.x"):
        cardeck.connect(thread_unit.target)
