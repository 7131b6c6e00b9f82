"""Reconnect backoff, written once as a sans-I/O generator of delays, and which calls may retry.

The sync and async drivers ask the policy for the next delay and do the
sleeping themselves (``time.sleep`` or ``asyncio.sleep``). Whether a unary
call may be retried at all is read from its method descriptor
(``option idempotency_level`` in the protos), never from a list kept here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions

from ._exceptions import error_from_rpc

# Codes after which resubscribing can succeed. RESOURCE_EXHAUSTED is the
# head unit ending a stream whose subscriber fell behind.
RESUBSCRIBE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})


@dataclass(frozen=True)
class ReconnectPolicy:
    """Exponential backoff with jitter.

    Defaults follow Google's Pub/Sub client config: 0.1 s growing ×1.3 up to
    60 s, retrying on UNAVAILABLE.

    :param initial_s: the first delay.
    :param maximum_s: the cap on one delay.
    :param multiplier: growth per attempt.
    :param jitter: each delay is scaled by a random factor in [1 - jitter, 1].
    :param max_attempts: give up after this many retries; None retries forever.
    """

    initial_s: float = 0.1
    maximum_s: float = 60.0
    multiplier: float = 1.3
    jitter: float = 0.2
    max_attempts: int | None = None

    def delays(self) -> Iterator[float]:
        """Yield the delay before each retry; stops when attempts run out."""
        delay = self.initial_s
        attempt = 0
        while self.max_attempts is None or attempt < self.max_attempts:
            attempt += 1
            yield delay * (1.0 - self.jitter * random.random())
            delay = min(self.maximum_s, delay * self.multiplier)


# The idempotency levels after which a call may be sent again: it only reads,
# or repeating it leaves the head unit as one call would (setting absolute
# values, replacing by id). Each rpc declares its level in protos/cardeck/v1;
# an rpc without one (starting guidance, speaking, navigating, a tap) could
# happen twice, so it is never retried.
RETRY_SAFE_LEVELS = frozenset({MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT})


def retry_safe(method: MethodDescriptor) -> bool:
    """Whether the proto declares ``method`` safe to send again after UNAVAILABLE."""
    return method.GetOptions().idempotency_level in RETRY_SAFE_LEVELS


# Deadlines for calls that do real work on the head unit; others get the
# client's ``timeout_s``. Override per method with ``Client(deadlines=...)``.
DEFAULT_DEADLINES_S: dict[str, float] = {
    "ValidateProfile": 30.0,
    "ComputeRoute": 20.0,
    "SetDestination": 20.0,
    "StartGuidance": 20.0,
    "Navigate": 20.0,
    "GoBack": 20.0,
    "GoForward": 20.0,
    "Reload": 20.0,
    "Capture": 20.0,
    "Speak": 30.0,
    "Screenshot": 30.0,
    "InjectAudio": 60.0,
}


class UnaryRetry:
    """Sans-I/O retry state of one unary call: the next delay, or the error to raise.

    :param policy: the backoff.
    :param budget_s: give up once this much time has passed since the first attempt.
    """

    def __init__(self, policy: ReconnectPolicy, budget_s: float) -> None:
        self._delays = policy.delays()
        self._give_up_at = time.monotonic() + budget_s

    def delay_after(self, exc: grpc.RpcError) -> float:
        """The delay before the next attempt.

        :raises CarDeckError: when the failure is not UNAVAILABLE or the budget is spent.
        """
        delay = next(self._delays, None)
        if (
            exc.code() is not grpc.StatusCode.UNAVAILABLE
            or delay is None
            or time.monotonic() + delay > self._give_up_at
        ):
            raise error_from_rpc(exc) from exc
        return delay
