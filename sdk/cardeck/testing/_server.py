"""A real head unit served from a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any, Self

from .._extras import requires_extra
from ._runner import HeadUnitRunner


class HeadUnitThread(HeadUnitRunner):
    """Runs ``cardeck_sim``'s head unit on 127.0.0.1 in a thread, for blocking and async tests.

    Usage::

        with HeadUnitThread() as unit:
            with cardeck.connect(unit.target) as client:
                ...

    :param config: a ``cardeck_sim.headunit.ServiceConfig``; port 0 picks a free port.
    :raises UsageError: the ``sim`` extra is not installed.
    """

    def __init__(self, config: Any = None) -> None:
        with requires_extra("cardeck.testing.HeadUnitThread"):
            from cardeck_sim.headunit import HeadUnit, ServiceConfig
        self.config = config or ServiceConfig(port=0)
        self._unit_cls = HeadUnit
        self.unit: Any = None
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def target(self) -> str:
        """``host:port`` to connect to."""
        return f"{self.config.host}:{self.port}"

    def call(self, fn: Any, *args: Any) -> Any:
        """Run ``fn(*args)`` (a coroutine function or a plain function) on the server's loop."""
        assert self._loop is not None

        async def run() -> Any:
            result = fn(*args)
            if asyncio.iscoroutine(result):
                result = await result
            return result

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=30)

    def start(self) -> Self:
        """Start the loop thread and the server; returns once it serves."""
        started: Future[int] = Future()

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self.unit = self._unit_cls(self.config)
                started.set_result(loop.run_until_complete(self.unit.start()))
            except BaseException as exc:
                started.set_exception(exc)
                loop.close()
                return
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=main, name="cardeck-headunit", daemon=True)
        self._thread.start()
        self.port = started.result(timeout=60)
        return self

    def stop(self) -> None:
        """Stop the server and the loop thread."""
        if self._loop is None or self._thread is None:
            return
        self.call(self.unit.stop, 0.5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop = None
