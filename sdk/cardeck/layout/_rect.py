"""An axis-aligned rectangle, shared by the engine, the usable region and the exports."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rect"]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle; px rectangles hold whole numbers.

    :param x: left edge.
    :param y: top edge.
    :param width: width, ≥ 0.
    :param height: height, ≥ 0.
    """

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """The right edge (exclusive)."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """The bottom edge (exclusive)."""
        return self.y + self.height

    def contains(self, other: Rect) -> bool:
        """Whether ``other`` lies entirely inside this rectangle."""
        return (
            other.x >= self.x
            and other.y >= self.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def overlaps(self, other: Rect) -> bool:
        """Whether the interiors of the two rectangles intersect."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )
