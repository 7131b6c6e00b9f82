"""AIP-158 pagination shared by the list calls: page sizes and opaque page tokens.

A token is ``urlsafe-base64(JSON ‖ HMAC)``. The JSON holds which call issued
it, where the next page starts, and a digest of the request fields that must
not change between pages. The HMAC key lives in this process only, so a token
stays valid while the head unit runs, and one that was edited, truncated, made
by another head unit or issued by another call is refused as INVALID_ARGUMENT
on ``page_token`` instead of being trusted.

Sorted lists page by key (the last id sent), not by offset: an id inserted or
removed between two pages then neither repeats nor skips any other item.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ._status import RpcFailure, invalid_argument

__all__ = [
    "PageCursor",
    "check_page_size",
    "decode_token",
    "encode_token",
    "fields_digest",
    "page_by_key",
]

T = TypeVar("T")

_KEY = secrets.token_bytes(32)
_MAC_BYTES = 16
# Far more than any token this module writes; decoding a huge string is wasted work.
MAX_TOKEN_CHARS = 1024


def check_page_size(page_size: int, maximum: int, *, unset: int | None = None) -> int:
    """The number of items a page holds.

    :param maximum: the call's largest page; larger sizes are coerced to it.
    :param unset: the size when ``page_size`` is 0 (default ``maximum``).
    :raises RpcFailure: INVALID_ARGUMENT on ``page_size`` when it is negative.
    """
    if page_size < 0:
        raise invalid_argument(
            [
                (
                    "page_size",
                    f"page_size is {page_size}; give 1 to {maximum}, or 0 for the default.",
                )
            ]
        )
    if page_size == 0:
        return maximum if unset is None else unset
    return min(page_size, maximum)


def fields_digest(*fields: object) -> str:
    """A short digest of request fields that must stay the same across pages."""
    text = json.dumps(fields, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PageCursor:
    """What a token says: where the next page starts and the pinned request state.

    :param after: the last key sent (sorted lists) or the offset (search).
    :param extra: values the first page pinned (e.g. the search's reference point).
    """

    after: Any
    extra: dict[str, Any]


def encode_token(call: str, after: object, digest: str = "", **extra: Any) -> str:
    """A page token for ``call`` continuing after ``after``."""
    body = json.dumps(
        {"c": call, "a": after, "d": digest, "x": extra}, separators=(",", ":")
    ).encode()
    mac = hmac.new(_KEY, body, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(body + mac).decode().rstrip("=")


def _bad_token(sentence: str) -> RpcFailure:
    return invalid_argument([("page_token", sentence)])


def decode_token(token: str, call: str, digest: str = "", *, changed: str = "") -> PageCursor:
    """The cursor of a token ``call`` issued for a request with ``digest``.

    :param changed: names the request fields the digest covers, for the message.
    :raises RpcFailure: INVALID_ARGUMENT on ``page_token`` for a malformed or
        foreign token, or one issued for different request fields.
    """
    restart = "pass the next_page_token of the previous response, or none to start again."
    if len(token) > MAX_TOKEN_CHARS:
        raise _bad_token(f"page_token is not a {call} page token; {restart}")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise _bad_token(f"page_token is not a {call} page token; {restart}") from None
    body, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    expected = hmac.new(_KEY, body, hashlib.sha256).digest()[:_MAC_BYTES]
    if len(raw) <= _MAC_BYTES or not hmac.compare_digest(mac, expected):
        raise _bad_token(
            f"page_token is not a {call} page token of this head unit (tokens end when it "
            f"restarts); {restart}"
        )
    # The MAC proves this module wrote the body, so its shape is known.
    fields = json.loads(body)
    if fields["c"] != call:
        raise _bad_token(f"page_token was issued by {fields['c']}, not {call}; {restart}")
    if fields["d"] != digest:
        raise _bad_token(
            f"page_token was issued for a request with other {changed or 'fields'}; send the "
            f"same {changed or 'fields'} as the first page, or start again without page_token."
        )
    return PageCursor(after=fields["a"], extra=fields["x"])


def page_by_key(
    items: Sequence[T], key: Callable[[T], str], after: str | None, size: int
) -> tuple[list[T], str | None]:
    """The page of ``items`` (sorted by ``key``) after the key ``after``.

    :returns: the page and the key to continue after, None on the last page.
    """
    keys = [key(item) for item in items]
    start = 0 if after is None else bisect.bisect_right(keys, after)
    page = list(items[start : start + size])
    more = start + size < len(items)
    return page, key(page[-1]) if more and page else None
