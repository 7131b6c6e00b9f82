"""What every head unit a test runs has in common: a target, start and stop, and ``with``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self


class HeadUnitRunner(ABC):
    """A head unit a test starts and stops; ``with`` starts it and stops it on the way out."""

    @property
    @abstractmethod
    def target(self) -> str:
        """``host:port`` to connect to."""

    @abstractmethod
    def start(self) -> Self:
        """Start the head unit; returns once it serves."""

    @abstractmethod
    def stop(self) -> object:
        """Stop the head unit (nothing happens when it is not running)."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
