"""AIP-158 pages for the list calls: :class:`Page` and the loops that read every page.

The list calls (``client.maps.list_markers()``, ``client.layout.list_profiles()``,
``client.packages.list()``) return everything by default and follow
``next_page_token`` themselves; given ``page_size`` or ``page_token`` they
return one :class:`Page`, whose ``next_page_token`` continues the list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Page"]

T = TypeVar("T")

# A head unit that repeats a token would loop for ever; no list has this many pages.
_MAX_PAGES = 10_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list call.

    :param items: this page's items, in the list's order.
    :param next_page_token: pass as ``page_token`` for the next page; empty on the last.
    """

    items: list[T]
    next_page_token: str

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def every_page(fetch: Callable[[str], Page[T]]) -> list[T]:
    """Every item of a list, following tokens from the first page (token "")."""
    items: list[T] = []
    token = ""
    for _ in range(_MAX_PAGES):
        page = fetch(token)
        items += page.items
        if not page.next_page_token or page.next_page_token == token:
            break
        token = page.next_page_token
    return items


async def aevery_page(fetch: Callable[[str], Awaitable[Page[T]]]) -> list[T]:
    """Async twin of :func:`every_page`."""
    items: list[T] = []
    token = ""
    for _ in range(_MAX_PAGES):
        page = await fetch(token)
        items += page.items
        if not page.next_page_token or page.next_page_token == token:
            break
        token = page.next_page_token
    return items


def page_of(items: list[T], resp: Any) -> Page[T]:
    """A :class:`Page` of converted items and the response's token."""
    return Page(items, str(resp.next_page_token))
