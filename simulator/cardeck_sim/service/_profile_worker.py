"""Profile parsing and solving in a separate process, with a time and a memory limit.

A profile from a request is untrusted input: a 465-byte YAML alias bomb, or pixels sized to
make kiwisolver loop, once froze the whole head unit, because parsing and solving ran on the
event loop. Neither can be stopped from a thread (a C loop holds the GIL), so the work runs
in one spawned worker process:

- a job that takes longer than ``time_limit_s`` is killed with its process, the caller gets
  RESOURCE_EXHAUSTED with a sentence, and a fresh worker starts;
- the worker's address space is capped (``RLIMIT_AS``), so a job that tries to allocate more
  fails with MemoryError inside the worker and is answered the same way.

Jobs are plain functions of this module (importable in the child, no grpc server state);
their results travel back pickled. One job runs at a time; callers queue on a lock, while
every other RPC keeps running on the loop.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import grpc

from ._status import RpcFailure

__all__ = ["JOBS", "ProfileWorker"]

DEFAULT_TIME_LIMIT_S = 5.0
DEFAULT_MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024
_START_TIMEOUT_S = 60.0


def _validate(yaml_text: str, filename: str) -> bytes:
    """ValidateProfile's answer, serialized (see service._layout)."""
    from ._validation import validate_profile_text

    return validate_profile_text(yaml_text, filename).SerializeToString()


def _solve(profile: Any, locale: str | None = None) -> Any:
    """Every display's layout of a parsed profile in a locale (cardeck.layout.solve_profile)."""
    from cardeck.layout import solve_profile

    return solve_profile(profile, locale=locale)


def _profile_problems(profiles: list[tuple[str, bytes]]) -> list[str]:
    """What is wrong with a bundle's profiles (cardeck.deploy.profile_problems)."""
    from cardeck.deploy import profile_problems

    return profile_problems(profiles)


def _load_profile_file(path: str) -> Any:
    """A profile file parsed (cardeck.layout.load_profile), e.g. from an installed bundle."""
    from cardeck.layout import load_profile

    return load_profile(path)


JOBS: dict[str, Callable[..., Any]] = {
    "validate": _validate,
    "solve": _solve,
    "load_profile_file": _load_profile_file,
    "profile_problems": _profile_problems,
}


def _serve(conn: Connection, memory_limit: int) -> None:
    """The worker's main loop: run jobs until the pipe closes."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, hard))
    # Untrusted work yields the CPU to the head unit's event loop on a busy machine.
    os.nice(10)
    # Import the heavy parts before the first job, so the time limit measures the job.
    import cardeck.layout  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            name, args = conn.recv()
        except EOFError:
            return
        except MemoryError:  # the request itself does not fit; the pipe is mid-message now
            conn.send(("memory", None))
            return
        try:
            conn.send(("ok", JOBS[name](*args)))
        except (MemoryError, RecursionError):
            conn.send(("memory", None))
        except Exception as exc:  # handed to the caller, who re-raises it there
            try:
                conn.send(("error", exc))
            except Exception:  # an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


class ProfileWorker:
    """The head unit's profile worker process.

    Usage::

        worker = ProfileWorker()
        layouts = await worker.run("solve", profile)
        await worker.aclose()

    :param time_limit_s: how long one job may run before its process is killed.
    :param memory_limit_bytes: the worker's address-space limit.
    """

    def __init__(
        self,
        *,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        memory_limit_bytes: int = DEFAULT_MEMORY_LIMIT_BYTES,
    ) -> None:
        self.time_limit_s = time_limit_s
        self.memory_limit_bytes = memory_limit_bytes
        self.restarts = 0
        self._lock = asyncio.Lock()
        self._stale = False  # a cancelled caller left an answer in the pipe
        self._process: Any = None
        self._conn: Connection | None = None

    def _start_blocking(self) -> None:
        # spawn, not fork: the head unit has gRPC's threads, which a fork would copy mid-call.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(child, self.memory_limit_bytes),
            name="cardeck-profile-worker",
            daemon=True,
        )
        process.start()
        child.close()
        if not parent.poll(_START_TIMEOUT_S):
            process.kill()
            raise RuntimeError("The profile worker did not start within 60 s.")
        parent.recv()
        self._process, self._conn = process, parent

    def _stop_blocking(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.kill()
            self._process.join(10)
            self._process = None

    def _restart_blocking(self) -> None:
        self._stop_blocking()
        self._start_blocking()
        self._stale = False

    async def _exchange(self, name: str, args: tuple[Any, ...]) -> tuple[str, Any]:
        """Send one job and wait for its answer on the event loop (the caller holds the lock).

        No thread waits on the pipe: a helper thread that unpickles holds the GIL, and the
        loop would wait up to a switch interval (5 ms) for it on every request.
        """
        if self._stale or self._process is None or not self._process.is_alive():
            if self._process is not None:
                self.restarts += 1
            await asyncio.to_thread(self._restart_blocking)
        conn = self._conn
        assert conn is not None
        try:
            conn.send((name, args))
        except OSError:  # the worker hung up mid-request (it could not hold it)
            status: tuple[str, Any] = ("memory", None)
        else:
            status = await self._answer(conn)
        if status[0] not in ("ok", "error"):
            # Over its time or memory limit, or dead: a fresh process (one that ran out of
            # memory may hold a half-built state).
            self.restarts += 1
            await asyncio.to_thread(self._restart_blocking)
        return status

    async def _answer(self, conn: Connection) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = conn.fileno()

        def wake() -> None:
            if not readable.done():
                readable.set_result(None)

        loop.add_reader(fd, wake)
        try:
            async with asyncio.timeout(self.time_limit_s):
                await readable
        except TimeoutError:
            return ("timeout", None)
        except BaseException:
            # The caller was cancelled: the job's answer would be read by the next caller.
            self._stale = True
            raise
        finally:
            loop.remove_reader(fd)
        try:
            answer: tuple[str, Any] = conn.recv()  # written in one piece by the worker
        except EOFError:
            return ("died", None)
        return answer

    @property
    def pid(self) -> int | None:
        """The worker's process id, or None before it starts."""
        return None if self._process is None else int(self._process.pid)

    async def start(self) -> None:
        """Start the process now, so the first request does not pay for it."""
        async with self._lock:
            if self._process is None:
                await asyncio.to_thread(self._restart_blocking)

    async def run(self, name: str, *args: Any) -> Any:
        """Run job ``name`` (a key of :data:`JOBS`) in the worker; its result.

        :raises RpcFailure: RESOURCE_EXHAUSTED when the job exceeds the time or memory limit.
        :raises Exception: whatever the job raised (e.g. ProfileError), re-raised here.
        """
        async with self._lock:
            status, value = await self._exchange(name, args)
        if status == "ok":
            return value
        if status == "error":
            raise value
        what = {
            "timeout": f"took longer than {self.time_limit_s:g} s",
            "memory": f"needed more than {self.memory_limit_bytes // 2**20} MiB (or nested too "
            "deep)",
            # A C extension that cannot allocate may end the process instead of raising.
            "died": f"ended the worker that checks profiles (out of its "
            f"{self.memory_limit_bytes // 2**20} MiB, or a crash)",
        }[status]
        raise RpcFailure(
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            f"Checking this profile {what}, so it was stopped; no real vehicle profile needs "
            "that. Simplify the YAML (no deep anchors or aliases) and keep sizes realistic "
            "(docs/layouts.md, Limits).",
            reason="PROFILE_TOO_EXPENSIVE",
        )

    async def aclose(self) -> None:
        """Stop the worker process."""
        async with self._lock:
            await asyncio.to_thread(self._stop_blocking)
