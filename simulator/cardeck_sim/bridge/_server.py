"""The WebSocket event bridge: the head unit's event stream as JSON, for web pages.

A page in the browser panel cannot speak gRPC, so the bridge serves the same
stream as ``HeadUnitService.WatchEvents`` at ``ws://HOST:PORT/v1/events`` with
the same semantics:

* Without ``?after=SEQ`` (or with a seq of another run, or one older than the
  ring) the first message carries a snapshot of the current state; then come
  batches of events. With ``?after=SEQ`` still in the ring, the missed events
  come first and there is no snapshot.
* A subscriber that falls more than ``max_lag`` events behind is closed with
  code 4000 and a reason naming the ``?after=`` to reconnect with (the seq
  of the last event sent before the close frame). Memory per subscriber stays
  at the socket's write buffer plus one frame; the events live in the ring.
* One deliberate difference: a resume that starts more than ``max_lag``
  behind (but still in the ring) is replayed instead of being ended at once,
  which would otherwise repeat forever (see ``EventBridge._catch_up``).
* ``?kinds=vehicle_state,drive_restrictions`` filters by EventKind name
  without the prefix, lower case; without it every kind but ``signals`` comes
  (vehicle signals are opt-in, as in WatchEvents); ``?run_id=`` goes with ``?after=``.
* Auth: the token comes from ``Authorization: Bearer`` or ``?token=``;
  refusals are HTTP 401, bad queries 400, other paths 404, all before the
  upgrade and with a sentence as the body.

Wire format: every text frame is one ``cardeck.v1.WatchEventsResponse`` in
protobuf's canonical JSON mapping (what ``json_format.Parse`` accepts and
grpc-gateway emits): lowerCamelCase field names, enums as their names
(``"GEAR_DRIVE"``), timestamps as RFC 3339 strings, and 64-bit integers such
as ``seq`` as decimal *strings*, because a JavaScript number loses precision
above 2**53. Fields at their default value are included (``"parked": false``,
``"speedKmh": 0``), like grpc-gateway's ``EmitUnpopulated``, so a page never
has to know proto3 defaults. Concretely::

    {"snapshot": {"seq": "41", "runId": "…", "vehicleState": {…}, …}, "eventsLost": false}
    {"events": [{"seq": "42", "time": "2026-…Z", "runId": "…", "vehicleStateChanged": {…}}]}
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import http
import logging
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from ssl import SSLContext
from typing import Any, Final

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from cardeck.v1 import types_pb2
from cardeck_sim.state import (
    Cursor,
    EventLog,
    StateStore,
    SubscriberLagError,
    subscribed_kinds,
)

from ._fanout import CLOSED, LAGGING, FanOut
from ._json import message_encoder

logger = logging.getLogger(__name__)

#: The WebSocket endpoint.
EVENTS_PATH: Final = "/v1/events"
#: The bundled sample web app, served over plain HTTP from the same origin.
SAMPLE_APP_PATH: Final = "/app/drive_state.html"
#: Close code for a subscriber that fell too far behind (the WebSocket
#: counterpart of WatchEvents' RESOURCE_EXHAUSTED); 4000-4999 is for
#: applications, so no proxy or browser gives it another meaning.
CLOSE_SUBSCRIBER_TOO_SLOW: Final = 4000
#: Close code when the bridge shuts down (RFC 6455 "going away").
CLOSE_GOING_AWAY: Final = 1001

#: ``?kinds=`` names: the EventKind names without the prefix, lower case.
KIND_NAMES: Final[dict[str, int]] = {
    name.removeprefix("EVENT_KIND_").lower(): number
    for name, number in types_pb2.EventKind.items()
    if number != types_pb2.EVENT_KIND_UNSPECIFIED
}

_QUERY_KEYS: Final = ("after", "run_id", "kinds", "token")
_MAX_SEQ: Final = 2**64 - 1
# A close reason must fit a control frame: at most 123 bytes of UTF-8.
_MAX_REASON: Final = 123


@dataclass(frozen=True)
class _Subscription:
    """What a client asked for in its query string."""

    after: int | None
    run_id: str
    kinds: frozenset[int]


class _QueryError(ValueError):
    """A query parameter is malformed; the message is the HTTP 400 body."""


def _parse_query(query: str) -> tuple[_Subscription, str | None]:
    """Parse ``after``, ``run_id``, ``kinds`` and ``token``; collect every problem first.

    :raises _QueryError: naming every bad parameter, one sentence each.
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if key not in _QUERY_KEYS:
            problems.append(
                f"The query parameter {key!r} is unknown; the bridge accepts "
                f"{', '.join(_QUERY_KEYS)}."
            )
        elif key in seen:
            problems.append(f"The query parameter {key!r} is given more than once.")
        else:
            seen[key] = value

    after: int | None = None
    if "after" in seen:
        raw = seen["after"]
        if raw.isascii() and raw.isdigit() and int(raw) <= _MAX_SEQ:
            after = int(raw)
        else:
            problems.append(
                f"after must be a sequence number (an integer from 0 to 2**64-1), not {raw!r}."
            )

    kinds: set[int] = set()
    if seen.get("kinds"):
        for name in seen["kinds"].split(","):
            if name in KIND_NAMES:
                kinds.add(KIND_NAMES[name])
            else:
                problems.append(
                    f"kinds holds {name!r}, which is not an event kind; use a comma-separated "
                    f"list of {', '.join(sorted(KIND_NAMES))}."
                )
    if problems:
        raise _QueryError(" ".join(problems))
    sub = _Subscription(after=after, run_id=seen.get("run_id", ""), kinds=subscribed_kinds(kinds))
    return sub, seen.get("token")


def _bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if there is one."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


#: The JSON text of an Event and of a StateSnapshot (see ``_json``: the
#: canonical mapping with fields at their default included, compiled once).
_encode_event: Callable[[Any], str] = message_encoder(types_pb2.Event.DESCRIPTOR)
_encode_snapshot: Callable[[Any], str] = message_encoder(types_pb2.StateSnapshot.DESCRIPTOR)


class _JsonCache:
    """Events as JSON by seq, so N subscribers cost one decode and one encoding, not N.

    Events are immutable once appended, so a cached encoding never goes stale.
    Subscribers read close to the head, so a small ring (a few batches) catches
    nearly every lookup; a subscriber far behind just pays for its own reads.
    Whole batch frames are cached too, keyed by the cursor range and filter:
    subscribers woken by the same append read the same range, and then even
    the join is shared.
    """

    def __init__(self, log: EventLog, capacity: int) -> None:
        self._log = log
        self._capacity = capacity
        # A ring by seq, like the log's own: a slot holds (seq, JSON) of the
        # newest event that mapped to it, so lookups and inserts never reorder.
        self._events: list[tuple[int, bytes]] = [(0, b"")] * capacity
        self._frames: collections.OrderedDict[tuple[int, int, frozenset[int]], bytes] = (
            collections.OrderedDict()
        )

    def event(self, seq: int) -> bytes:
        """The JSON of the event with ``seq``, which must still be in the ring."""
        slot = seq % self._capacity
        cached_seq, data = self._events[slot]
        if cached_seq != seq or not data:
            data = _encode_event(self._log.event(seq)).encode()
            self._events[slot] = (seq, data)
        return data

    def frame(self, after: int, upto: int, kinds: frozenset[int], seqs: Iterable[int]) -> bytes:
        """The ``{"events": [...]}`` frame of ``seqs``: the filtered events in (after, upto]."""
        key = (after, upto, kinds)
        cached = self._frames.get(key)
        if cached is not None:
            return cached
        data = b'{"events":[' + b",".join([self.event(s) for s in seqs]) + b"]}"
        self._frames[key] = data
        # A handful of frames: only subscribers woken together share one.
        if len(self._frames) > 16:
            self._frames.popitem(last=False)
        return data


class EventBridge:
    """Serve the head unit's events over WebSocket as protobuf-mapped JSON.

    :param store: the head unit's state store; its event log is the source.
    :param host: the address to bind; loopback by default.
    :param port: the port to bind; 0 picks a free one (see :meth:`start`).
    :param authorize: gets the client's bearer token (``Authorization: Bearer``
        header, or ``?token=`` because browsers cannot set headers on a
        WebSocket) or ``None``, and returns whether it grants the ``read``
        scope. It runs on the event loop, so it must be quick (a table
        lookup). ``None`` allows every client.
    :param batch: most events in one frame.
    :param ssl: serve ``wss://`` (and the sample app over ``https://``) with
        this context; the head unit passes its gRPC certificate here, so a
        TLS head unit never has a plaintext side door.
    :param advertise_host: the host :attr:`url` names; None uses ``host``. A
        wildcard bind (``0.0.0.0``) needs one, since clients cannot dial it.

    Usage::

        bridge = EventBridge(store, authorize=lambda token: token == "s3cret")
        await bridge.start()
        print(bridge.url)  # ws://127.0.0.1:PORT/v1/events
        ...
        await bridge.aclose()
    """

    #: Seconds a close handshake may take before the TCP connection is
    #: dropped; a stalled client never reads the close frame.
    close_timeout: float = 2.0

    def __init__(
        self,
        store: StateStore,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        authorize: Callable[[str | None], bool] | None = None,
        batch: int = 512,
        ssl: SSLContext | None = None,
        advertise_host: str | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError("EventBridge batch must be at least 1.")
        self._store = store
        self._host = host
        self._advertise_host = advertise_host or host
        self._port = port
        self._authorize = authorize
        self._batch = batch
        self._ssl = ssl
        self._cache = _JsonCache(store.events, capacity=max(1024, 2 * batch))
        self._fanout = FanOut(store.events, self._cache.frame, batch)
        self._server: Server | None = None
        self._app_html = b""
        self._cursors: dict[ServerConnection, Cursor] = {}
        self._closing = False

    @property
    def url(self) -> str:
        """The event stream's URL, ``ws://host:port/v1/events`` (``wss://`` with TLS)."""
        if self._server is None:
            raise RuntimeError("The bridge is not started; await start() before reading url.")
        host = self._advertise_host
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        scheme = "wss" if self._ssl is not None else "ws"
        return f"{scheme}://{host}:{self._port}{EVENTS_PATH}"

    @property
    def connection_count(self) -> int:
        """How many WebSocket subscribers are connected now."""
        return len(self._cursors)

    async def start(self) -> int:
        """Bind and start serving; return the bound port.

        :raises RuntimeError: when the bridge was already started.
        :raises OSError: when the address cannot be bound, e.g. the port is taken
            (``errno.EADDRINUSE``).
        """
        if self._server is not None or self._closing:
            raise RuntimeError("The bridge was already started; create a new EventBridge.")
        # Read the page once, off the loop: it is served on every request.
        page = resources.files("cardeck_sim.bridge").joinpath("web", "drive_state.html")
        self._app_html = await asyncio.to_thread(page.read_bytes)
        self._server = await serve(
            self._handle,
            self._host,
            self._port,
            process_request=self._process_request,
            # Off: measured cheaper than permessage-deflate for these small
            # frames (about 82 µs vs 120 µs a message on this class of machine).
            compression=None,
            # Clients only listen; anything they send is dropped, so keep it small.
            max_size=4096,
            close_timeout=self.close_timeout,
            server_header=None,
            ssl=self._ssl,
            # One bridge per port: a taken port must fail here (EADDRINUSE),
            # never be shared with another head unit.
            reuse_port=False,
        )
        self._port = self._server.sockets[0].getsockname()[1]
        return self._port

    async def aclose(self) -> None:
        """Close every connection with code 1001 and stop the server; idempotent."""
        self._closing = True
        server = self._server
        if server is None:
            return
        # Stop accepting first so no connection slips in after the sweep.
        server.close(close_connections=False)
        await asyncio.gather(
            *(
                self._close(ws, CLOSE_GOING_AWAY, self._resume_reason("Bridge closing", cursor))
                for ws, cursor in list(self._cursors.items())
            )
        )
        await self._fanout.aclose()
        await server.wait_closed()

    # -- HTTP side of the handshake --------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Route, authorize and validate before the upgrade; errors are HTTP answers."""
        parts = urllib.parse.urlsplit(request.path)
        if parts.path == SAMPLE_APP_PATH:
            return self._app_response(connection)
        if parts.path != EVENTS_PATH:
            return connection.respond(
                http.HTTPStatus.NOT_FOUND,
                f"There is nothing at {parts.path}. The bridge serves WebSocket events at "
                f"{EVENTS_PATH} and its sample app at {SAMPLE_APP_PATH}.\n",
            )
        sub: _Subscription | None = None
        problem = ""
        try:
            sub, query_token = _parse_query(parts.query)
        except _QueryError as exc:
            # Authorize before answering about the query, so a client without
            # a token learns nothing; the token may sit in the bad query too.
            problem = str(exc)
            query_token = dict(urllib.parse.parse_qsl(parts.query)).get("token")
        token = _bearer_token(request) or query_token
        if self._authorize is not None and not self._authorize(token):
            response = connection.respond(
                http.HTTPStatus.UNAUTHORIZED,
                "The bridge needs a token with the read scope. Send it as an "
                "'Authorization: Bearer' header, or as ?token= from a browser.\n"
                if token is None
                else "The token was not accepted for the read scope. Use a token that "
                "grants read.\n",
            )
            response.headers["WWW-Authenticate"] = 'Bearer scope="read"'
            return response
        if sub is None:
            return connection.respond(http.HTTPStatus.BAD_REQUEST, problem + "\n")
        log = self._store.events
        if sub.after is not None and sub.run_id in ("", log.run_id) and sub.after > log.head_seq:
            return connection.respond(
                http.HTTPStatus.BAD_REQUEST,
                f"after={sub.after} is ahead of the newest event ({log.head_seq}) of run "
                f"{log.run_id}. Resume with the last seq you received.\n",
            )
        if self._closing:
            return connection.respond(
                http.HTTPStatus.SERVICE_UNAVAILABLE,
                "The bridge is shutting down. Reconnect once the head unit is back.\n",
            )
        return None

    def _app_response(self, connection: ServerConnection) -> Response:
        """The sample web app as an HTML page that may talk only to this origin."""
        response = connection.respond(http.HTTPStatus.OK, "")
        response.body = self._app_html
        headers = response.headers
        del headers["Content-Type"]
        del headers["Content-Length"]
        headers["Content-Type"] = "text/html; charset=utf-8"
        headers["Content-Length"] = str(len(self._app_html))
        headers["Cache-Control"] = "no-store"
        # The page must run without external resources; the policy enforces it.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'; img-src data:"
        )
        return response

    # -- WebSocket side ----------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        """Serve one subscriber: snapshot or replay, then batches until it or we close."""
        # Parsed again rather than handed over from _process_request: a request
        # that passes it can still fail the upgrade, and nothing must be left behind.
        assert ws.request is not None  # the handler runs after the handshake
        sub, _ = _parse_query(urllib.parse.urlsplit(ws.request.path).query)
        log = self._store.events
        same_run = sub.run_id in ("", log.run_id)
        if sub.after is not None and same_run and log.contains(sub.after):
            cursor = Cursor(log, sub.after, sub.kinds, self._batch)
        else:
            # Fresh, from another run (the head unit restarted), or back too
            # late: the current state first, and whether events were missed,
            # exactly as WatchEvents answers.
            snapshot = self._store.snapshot()
            cursor = Cursor(log, snapshot.seq, sub.kinds, self._batch)
            lost = "true" if sub.after is not None else "false"
            frame = f'{{"snapshot":{_encode_snapshot(snapshot)},"eventsLost":{lost}}}'
            try:
                await ws.send(frame.encode(), text=True)
            except ConnectionClosed:
                return
        if self._closing:
            # aclose() swept the connections while this one was opening.
            reason = self._resume_reason("Bridge closing", cursor)
            await self._close(ws, CLOSE_GOING_AWAY, reason)
            return
        self._cursors[ws] = cursor
        # The pump sends; the listener notices the client leaving while the
        # pump waits for events that may never come.
        pump = asyncio.create_task(self._pump(ws, cursor, sub.kinds, log))
        listener = asyncio.create_task(self._discard_incoming(ws))
        try:
            await asyncio.wait({pump, listener}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, listener):
                task.cancel()
            await asyncio.gather(pump, listener, return_exceptions=True)
            self._cursors.pop(ws, None)
            if not pump.cancelled() and pump.exception() is not None:
                logger.error("The event bridge failed a subscriber.", exc_info=pump.exception())

    async def _pump(
        self, ws: ServerConnection, cursor: Cursor, kinds: frozenset[int], log: EventLog
    ) -> None:
        """Read batches from the cursor and send them until the log or connection closes."""
        low_water, high_water = ws.transport.get_write_buffer_limits()
        try:
            await self._catch_up(ws, cursor, kinds, log)
        except SubscriberLagError as exc:
            logger.info("Closing an event subscriber that could not catch up: %s", exc)
            await self._close_lagging(ws, cursor)
            return
        except ConnectionClosed:
            return
        transport = ws.transport
        while not log.closed:
            if cursor.seq == log.head_seq and transport.get_write_buffer_size() <= low_water:
                # Caught up and drained: the shared fan-out writes from here
                # until the socket cannot take a frame without waiting.
                handback = await self._fanout.serve(ws, cursor, kinds)
                if handback == CLOSED:
                    break
                if handback == LAGGING:
                    logger.info("Closing a lagging event subscriber at seq %d.", cursor.seq)
                    await self._close_lagging(ws, cursor)
                    return
                assert isinstance(handback, tuple)
                try:
                    if not await self._send_or_lag(ws, handback[1], handback[0], log):
                        await self._close_lagging(ws, cursor)
                        return
                except ConnectionClosed:
                    return
                continue
            try:
                before, upto, seqs = await cursor.next_seqs()
            except SubscriberLagError as exc:
                logger.info("Closing a lagging event subscriber: %s", exc)
                await self._close_lagging(ws, cursor)
                return
            if not seqs:
                continue  # filtered to nothing, or woken by close
            frame = self._cache.frame(before, upto, kinds, seqs)
            try:
                buffered = transport.get_write_buffer_size()
                if buffered <= low_water and buffered + len(frame) + 14 <= high_water:
                    # Writing is not paused (it resumes at the low-water mark)
                    # and this frame does not pause it (at the high-water
                    # mark), so a send could not wait for the client: write
                    # it now, as broadcast() does (frame, then transport
                    # write), without send()'s context and drain coroutines.
                    # A connection that closed meanwhile is skipped here and
                    # ends the listener, which ends this pump.
                    broadcast((ws,), frame, text=True)
                elif not await self._send_or_lag(ws, frame, before, log):
                    await self._close_lagging(ws, cursor)
                    return
            except ConnectionClosed:
                return
        await self._close(ws, CLOSE_GOING_AWAY, self._resume_reason("Head unit stopping", cursor))

    async def _catch_up(
        self, ws: ServerConnection, cursor: Cursor, kinds: frozenset[int], log: EventLog
    ) -> None:
        """Replay a resume that starts more than ``max_lag`` behind, then hand over to the cursor.

        The cursor's lag rule would end such a stream before its first batch,
        and the client, resuming from the same seq, would be ended again
        forever (with ``max_lag < capacity`` every subscriber cut off for
        lagging comes back that far behind). So the backlog is replayed
        straight from the ring: sends wait for the client to drain, which
        keeps memory at the write buffer plus one frame; if the backlog
        leaves the ring meanwhile, ``read`` raises and the client's next
        resume gets a snapshot with ``eventsLost``.

        :raises SubscriberLagError: when the backlog left the ring.
        """
        while log.head_seq - cursor.seq > log.max_lag and not log.closed:
            before = cursor.seq
            cursor.seq, seqs = log.read_seqs(before, self._batch, kinds)
            if seqs:
                await ws.send(self._cache.frame(before, cursor.seq, kinds, seqs), text=True)

    async def _send_or_lag(
        self, ws: ServerConnection, frame: bytes, acked: int, log: EventLog
    ) -> bool:
        """Send a frame that may wait for the client; False if it falls behind meanwhile.

        A stalled client stops reading; then send() waits for the socket to
        drain and the cursor stops moving, so the cursor's own lag check never
        runs. Racing the send against the head passing ``acked + max_lag``
        catches it, while memory stays at the write buffer plus this frame.
        """
        send = asyncio.create_task(ws.send(frame, text=True))
        lag = asyncio.create_task(log.wait_beyond(acked + log.max_lag))
        try:
            await asyncio.wait({send, lag}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lag.cancel()
            if not send.done():
                # The frame is already in the transport; only the drain wait
                # is abandoned, so the connection stays consistent to close.
                send.cancel()
            await asyncio.gather(send, lag, return_exceptions=True)
        if send.cancelled():
            return bool(log.closed)  # the log closing woke the watchdog, not lag
        send.result()  # re-raise ConnectionClosed
        return True

    async def _discard_incoming(self, ws: ServerConnection) -> None:
        """Drop what the client sends; return when the connection closes."""
        with contextlib.suppress(ConnectionClosed):
            async for _ in ws:
                pass

    async def _close_lagging(self, ws: ServerConnection, cursor: Cursor) -> None:
        """Close a subscriber that fell behind with 4000 and where to resume."""
        await self._close(ws, CLOSE_SUBSCRIBER_TOO_SLOW, self._resume_reason("Too slow", cursor))

    def _resume_reason(self, what: str, cursor: Cursor) -> str:
        """A close reason telling the client where to resume, within 123 bytes."""
        reason = (
            f"{what}; reconnect with ?after={cursor.seq}&run_id={self._store.events.run_id}"
            " to resume."
        )
        return reason[:_MAX_REASON]

    async def _close(self, ws: ServerConnection, code: int, reason: str) -> None:
        """Close with a bounded wait; drop the TCP connection if the client does not answer."""
        try:
            async with asyncio.timeout(self.close_timeout):
                await ws.close(code, reason)
        except TimeoutError:
            # The close frame is stuck behind data the client will not read.
            ws.transport.abort()
