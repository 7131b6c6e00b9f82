"""The released kuksa-client, from the tests: a driver process in .venv-kuksa, awaited here.

`make setup` creates .venv-kuksa (scripts/setup-kuksa.sh); _kuksa_driver.py runs
in it and speaks JSON lines. Everything here is async and never blocks the
loop, because the head unit under test serves from the same loop.

    async with KuksaDriver.start() as kuksa:
        client = await kuksa.connect(port, token="...")
        values = await client.call("get_current_values", ["Vehicle.Speed"])
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
KUKSA_VENV = ROOT / ".venv-kuksa"
KUKSA_PYTHON = KUKSA_VENV / "bin" / "python"
DRIVER = Path(__file__).with_name("_kuksa_driver.py")
REPLY_TIMEOUT_S = 15.0


def kuksa_python() -> Path:
    """The .venv-kuksa interpreter; fails (not skips) naming `make setup` when missing."""
    if not KUKSA_PYTHON.exists():
        raise AssertionError(
            f"{KUKSA_VENV} is missing: run `make setup` (scripts/setup-kuksa.sh installs the "
            "released kuksa-client there for these tests)."
        )
    return KUKSA_PYTHON


def datapoint(value: Any) -> dict[str, Any]:
    """A ``kuksa_client.grpc.Datapoint(value)`` argument."""
    return {"__kuksa__": "Datapoint", "value": value}


def kuksa_obj(name: str, **fields: Any) -> dict[str, Any]:
    """Any ``kuksa_client.grpc`` class by name, e.g. ``kuksa_obj("Metadata", data_type=...)``."""
    return {"__kuksa__": name, **fields}


def kuksa_enum(name: str, member: str) -> dict[str, Any]:
    """A ``kuksa_client.grpc`` enum member, e.g. ``kuksa_enum("Field", "VALUE")``."""
    return {"__kuksa__": name, "name": member}


class KuksaError(Exception):
    """An exception kuksa-client raised in the driver.

    For a ``VSSClientError``, ``error`` and ``errors`` are its attributes: ``error["code"]``
    is the gRPC status code number for a refused call, or KUKSA's HTTP-like code (404, 400)
    for an error v1 reports inside its response.
    """

    def __init__(self, info: dict[str, Any]) -> None:
        self.type: str = info["type"]
        self.error: dict[str, Any] = info.get("error", {})
        self.errors: list[dict[str, Any]] = info.get("errors", [])
        self.message: str = info.get("message", "")
        super().__init__(
            f"{self.type}: {self.message or {'error': self.error, 'errors': self.errors}}"
        )

    @property
    def code(self) -> int | None:
        """``error["code"]`` of a VSSClientError."""
        return self.error.get("code")


class Stream:
    """The items of a kuksa-client generator (a subscription) as the driver sends them."""

    def __init__(self, describe: Callable[[], str]) -> None:
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._describe = describe
        self.seen: list[Any] = []
        # For subscriptions ({path: datapoint} items, each with what changed):
        # the latest value of each path so far.
        self.latest: dict[str, Any] = {}

    def _put(self, message: dict[str, Any]) -> None:
        if "item" in message:
            self._queue.put_nowait(("item", message["item"]))
        elif "error" in message:
            self._queue.put_nowait(("error", message["error"]))
        else:
            self._queue.put_nowait(("end", None))

    async def next(self, timeout: float = REPLY_TIMEOUT_S) -> Any:
        """The next item; raises KuksaError if the stream failed, StopAsyncIteration at its end."""
        try:
            kind, payload = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"no item from the stream in {timeout} s; seen {self.seen}; {self._describe()}"
            ) from None
        if kind == "error":
            raise KuksaError(payload)
        if kind == "end":
            raise StopAsyncIteration
        self.seen.append(payload)
        if isinstance(payload, dict):
            self.latest.update(
                {path: point["value"] for path, point in payload.items() if isinstance(point, dict)}
            )
        return payload

    async def until_values(
        self, want: dict[str, Any], timeout: float = REPLY_TIMEOUT_S
    ) -> dict[str, Any]:
        """Subscription items until every path in ``want`` holds its value; the latest values."""

        def done(_: object = None) -> bool:
            return all(self.latest.get(path) == value for path, value in want.items())

        if not done():
            await self.until(done, timeout)
        return dict(self.latest)

    async def until(self, done: Callable[[Any], bool], timeout: float = REPLY_TIMEOUT_S) -> Any:
        """Items until one satisfies ``done``; that one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            item = await self.next(max(0.01, deadline - loop.time()))
            if done(item):
                return item


class KuksaClient:
    """One ``VSSClient`` in the driver, named ``name`` there."""

    def __init__(self, driver: KuksaDriver, name: str) -> None:
        self._driver = driver
        self.name = name

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``client.<method>(*args, **kwargs)`` in the driver; its result as JSON."""
        return await self._driver.request(
            "call", client=self.name, method=method, args=list(args), kwargs=kwargs
        )

    async def stream(self, method: str, *args: Any, **kwargs: Any) -> Stream:
        """Start iterating ``client.<method>(...)`` (a subscribe call); its items arrive later."""
        return await self._driver.open_stream(
            client=self.name, method=method, args=list(args), kwargs=kwargs
        )

    async def v2(self, rpc: str, request: dict[str, Any]) -> dict[str, Any]:
        """A kuksa.val.v2 RPC through the client's own stub; request/response in JSON form."""
        result: dict[str, Any] = await self._driver.request(
            "v2", client=self.name, rpc=rpc, request=request
        )
        return result

    async def disconnect(self) -> None:
        """``client.disconnect()``: its streams end."""
        await self._driver.request("disconnect", client=self.name)


class KuksaDriver:
    """The driver process and the replies it owes."""

    def __init__(self, proc: asyncio.subprocess.Process, stderr: Any) -> None:
        self._proc = proc
        self._stderr = stderr
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._streams: dict[int, Stream] = {}
        self._names = itertools.count(1)
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def start(cls) -> AsyncIterator[KuksaDriver]:
        """Start a driver in .venv-kuksa; stop it when the block ends."""
        with tempfile.TemporaryFile("w+") as stderr:
            proc = await asyncio.create_subprocess_exec(
                # -I: no user site-packages, no PYTHON* variables, no script
                # directory on sys.path: only what .venv-kuksa installed.
                str(kuksa_python()),
                "-I",
                str(DRIVER),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
            )
            driver = cls(proc, stderr)
            try:
                yield driver
            finally:
                await driver._stop()

    def stderr_tail(self) -> str:
        """The driver's last stderr lines (kuksa-client's log), for failure messages."""
        self._stderr.flush()
        self._stderr.seek(0)
        return "driver stderr: " + "".join(self._stderr.readlines()[-20:])

    async def connect(
        self,
        port: int,
        *,
        token: str | None = None,
        root_certificates: Path | None = None,
        host: str = "127.0.0.1",
        tls_server_name: str | None = None,
        **options: Any,
    ) -> KuksaClient:
        """A connected ``VSSClient(host, port, token=..., root_certificates=..., **options)``."""
        name = f"c{next(self._names)}"
        kwargs: dict[str, Any] = {"host": host, "port": port, "token": token, **options}
        if root_certificates is not None:
            kwargs["root_certificates"] = str(root_certificates)
        if tls_server_name is not None:
            kwargs["tls_server_name"] = tls_server_name
        await self.request("connect", client=name, kwargs=kwargs)
        return KuksaClient(self, name)

    async def request(self, op: str, **fields: Any) -> Any:
        """Send one request; its result, or KuksaError."""
        ident = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        await self._send({"id": ident, "op": op, **fields})
        try:
            return await asyncio.wait_for(future, REPLY_TIMEOUT_S)
        except TimeoutError:
            raise AssertionError(
                f"no reply to {op} {fields} in {REPLY_TIMEOUT_S} s; {self.stderr_tail()}"
            ) from None
        finally:
            self._pending.pop(ident, None)

    async def open_stream(self, **fields: Any) -> Stream:
        ident = next(self._ids)
        stream = Stream(self.stderr_tail)
        # Registered before the request goes out: the first item may beat the reply.
        self._streams[ident] = stream
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        await self._send({"id": ident, "op": "stream", **fields})
        await asyncio.wait_for(future, REPLY_TIMEOUT_S)
        return stream

    async def _send(self, message: dict[str, Any]) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(message).encode() + b"\n")
        await self._proc.stdin.drain()

    async def _read(self) -> None:
        assert self._proc.stdout is not None
        async for line in self._proc.stdout:
            message = json.loads(line)
            if "stream" in message:
                self._streams[message["stream"]]._put(message)
                continue
            future = self._pending.get(message["id"])
            if future is None or future.done():
                continue
            if "error" in message:
                future.set_exception(KuksaError(message["error"]))
            else:
                future.set_result(message["result"])
        # The driver exited: whoever still waits learns why.
        for future in self._pending.values():
            if not future.done():
                future.set_exception(AssertionError(f"the driver exited; {self.stderr_tail()}"))

    async def _stop(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            await asyncio.wait_for(self._proc.wait(), 5)
        except TimeoutError:
            self._proc.kill()
            await self._proc.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
