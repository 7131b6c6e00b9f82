"""A sunroof actuation provider on kuksa.val.v2's OpenProviderStream, for the tests.

It claims ``Vehicle.Cabin.Sunroof.Switch``; each actuation it is sent, it
accepts (BatchActuateStreamResponse) and answers as a body controller would:
the switch value it moved to and the glass position (OPEN 100 %, CLOSE 0 %),
published on the same stream. Written with the generated stubs,
cardeck.kuksa.val.v2, over grpc.aio.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import grpc

from cardeck.kuksa.val.v2 import types_pb2 as types_v2
from cardeck.kuksa.val.v2 import val_pb2 as val_v2
from cardeck.kuksa.val.v2 import val_pb2_grpc as val_v2_grpc
from cardeck.vss import signal

SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"
POSITION_FOR = {"OPEN": 100, "CLOSE": 0}


class SunroofProvider:
    """Provides the sunroof switch until the block ends.

    :param target: ``host:port`` of the head unit.
    :param credentials: TLS channel credentials, or None for plaintext.
    :param token: a bearer token with ``vehicle:write``.
    """

    def __init__(
        self,
        target: str,
        credentials: grpc.ChannelCredentials | None = None,
        token: str | None = None,
    ) -> None:
        self._target = target
        self._credentials = credentials
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.requests: asyncio.Queue[str] = asyncio.Queue()
        self._request_ids = iter(range(1, 1 << 31))

    async def __aenter__(self) -> SunroofProvider:
        if self._credentials is None:
            self._channel = grpc.aio.insecure_channel(self._target)
        else:
            self._channel = grpc.aio.secure_channel(self._target, self._credentials)
        stub = val_v2_grpc.VALStub(self._channel)
        self._call: Any = stub.OpenProviderStream(metadata=self._metadata)
        await self._call.write(
            val_v2.OpenProviderStreamRequest(
                provide_actuation_request=val_v2.ProvideActuationRequest(
                    actuator_identifiers=[types_v2.SignalID(path=SWITCH)]
                )
            )
        )
        first = await asyncio.wait_for(self._call.read(), 10)
        assert first.HasField("provide_actuation_response"), first
        self._task = asyncio.get_running_loop().create_task(self._serve())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._call.cancel()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError):
            await self._task
        await self._channel.close()

    async def _serve(self) -> None:
        # read()/write(), not iteration: grpc.aio does not mix the two on one call.
        while (response := await self._call.read()) is not grpc.aio.EOF:
            if not response.HasField("batch_actuate_stream_request"):
                continue
            for request in response.batch_actuate_stream_request.actuate_requests:
                await self._actuate(request)

    async def _actuate(self, request: val_v2.ActuateRequest) -> None:
        value = request.value.string
        await self._call.write(
            val_v2.OpenProviderStreamRequest(
                batch_actuate_stream_response=val_v2.BatchActuateStreamResponse(
                    signal_id=request.signal_id,
                    error=types_v2.Error(code=types_v2.ERROR_CODE_OK),
                )
            )
        )
        points = {signal(SWITCH).signal_id: types_v2.Datapoint(value=types_v2.Value(string=value))}
        if value in POSITION_FOR:
            points[signal(POSITION).signal_id] = types_v2.Datapoint(
                value=types_v2.Value(int32=POSITION_FOR[value])
            )
        await self._call.write(
            val_v2.OpenProviderStreamRequest(
                publish_values_request=val_v2.PublishValuesRequest(
                    request_id=next(self._request_ids), data_points=points
                )
            )
        )
        self.requests.put_nowait(value)
