"""Page tokens and page sizes (service/_paging.py), without a server."""

import pytest

from cardeck_sim.service._paging import (
    check_page_size,
    decode_token,
    encode_token,
    fields_digest,
    page_by_key,
)
from cardeck_sim.service._status import RpcFailure


def test_page_size_zero_is_the_default_and_large_is_coerced():
    assert check_page_size(0, 1000) == 1000
    assert check_page_size(0, 100, unset=10) == 10
    assert check_page_size(5000, 1000) == 1000
    with pytest.raises(RpcFailure) as caught:
        check_page_size(-1, 1000)
    assert [f for f, _ in caught.value.violations] == ["page_size"]


def test_a_token_round_trips_only_for_its_call_and_fields():
    digest = fields_digest("cafe", None)
    token = encode_token("SearchPlaces", 20, digest, ref=[60.1, 24.9])
    cursor = decode_token(token, "SearchPlaces", digest)
    assert (cursor.after, cursor.extra) == (20, {"ref": [60.1, 24.9]})
    for call, other in (("ListMarkers", digest), ("SearchPlaces", fields_digest("bar", None))):
        with pytest.raises(RpcFailure) as caught:
            decode_token(token, call, other)
        assert [f for f, _ in caught.value.violations] == ["page_token"]
    assert "/" not in token and "+" not in token and "=" not in token


def test_keys_page_without_repeats_or_gaps():
    items = ["a", "c", "e", "g"]
    assert page_by_key(items, str, None, 2) == (["a", "c"], "c")
    # "c" was removed and "d" inserted since: the next page starts after "c" anyway.
    assert page_by_key(["a", "b", "d", "e", "g"], str, "c", 2) == (["d", "e"], "e")
    assert page_by_key(items, str, "e", 2) == (["g"], None)
    assert page_by_key(items, str, "g", 2) == ([], None)
