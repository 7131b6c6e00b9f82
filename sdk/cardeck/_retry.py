"""Reconnect backoff, written once as a sans-I/O generator of delays.

The sync and async drivers ask the policy for the next delay and do the
sleeping themselves (``time.sleep`` or ``asyncio.sleep``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import grpc

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
