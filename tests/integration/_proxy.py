"""A TCP proxy on 127.0.0.1 whose live connections a test can cut, to force real disconnects."""

from __future__ import annotations

import asyncio
import contextlib


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to 127.0.0.1:<target_port>; :meth:`cut` drops every connection.

    :param latency_s: delay added to every chunk in both directions, as a slow
        link (a car's Wi-Fi, a congested USB tether) adds it.
    """

    def __init__(self, target_port: int, latency_s: float = 0.0) -> None:
        self.target_port = target_port
        self.latency_s = latency_s
        self.port = 0
        self.cuts = 0
        self.connections = 0  # accepted so far
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                while data := await src.read(65536):
                    if self.latency_s:
                        await asyncio.sleep(self.latency_s)
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self._writers -= {writer, up_writer}

    def cut(self) -> None:
        """Abort every live connection, both sides, as a network failure would."""
        self.cuts += 1
        for w in list(self._writers):
            w.transport.abort()
        self._writers.clear()

    async def aclose(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
