"""The twins match: Client/AsyncClient and every sub-API pair have the same public methods.

Same names (``close``/``aclose`` aside), the same parameters in the same order
and kind, the same defaults, and the same annotations once the async side's
``Async`` prefixes are read as the sync names (``AsyncIterator`` as
``Iterator``, ``AsyncStateStream`` as ``StateStream``, ``grpc.aio.Channel`` as
``grpc.Channel``) and its extra ``AsyncIterable`` inputs are set aside. Each
async method is awaitable where the sync one returns a value.
"""

import inspect
import re

import pytest

import cardeck

# Pairs whose async member carries another name.
RENAMED = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}
# Dunders that are part of the API (construction and the context manager).
DUNDERS = {"__init__", "__enter__", "__exit__"}
# Sync return types that are iterated; their async twins are iterated too, not awaited.
STREAMS = re.compile(r"(Iterator|StateStream|EventStream)\b")


def pairs():
    yield cardeck.Client, cardeck.AsyncClient
    for name in cardeck.__all__:
        if name.endswith("API") and not name.startswith("Async"):
            yield getattr(cardeck, name), getattr(cardeck, "Async" + name)


def public_methods(cls):
    methods = {}
    for name, member in inspect.getmembers(cls):
        name = RENAMED.get(name, name)
        if (name.startswith("_") and name not in DUNDERS) or not callable(member):
            continue
        if isinstance(member, type):
            continue
        methods[name] = member
    return methods


def split_union(annotation: str) -> list[str]:
    """Top-level members of ``A | B[C | D]``."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(annotation[start:i].strip())
            start = i + 1
    parts.append(annotation[start:].strip())
    return parts


def as_sync(annotation: str) -> str:
    """Read an async annotation with the sync names."""
    annotation = annotation.replace("grpc.aio.", "grpc.")
    annotation = re.sub(r"\b(?:Async|Sync)(?=[A-Z])", "", annotation)
    return " | ".join(dict.fromkeys(split_union(annotation)))


def shape(signature: inspect.Signature, *, is_async: bool):
    normal = as_sync if is_async else (lambda a: as_sync(a) if isinstance(a, str) else a)
    params = [
        (p.name, p.kind, p.default, normal(p.annotation) if p.annotation is not p.empty else None)
        for p in signature.parameters.values()
    ]
    ret = signature.return_annotation
    return params, normal(ret) if ret is not signature.empty else None


@pytest.mark.parametrize("sync_cls, async_cls", list(pairs()), ids=lambda c: c.__name__)
def test_the_twins_expose_the_same_methods_with_matching_signatures(sync_cls, async_cls):
    sync_methods, async_methods = public_methods(sync_cls), public_methods(async_cls)
    assert set(sync_methods) == set(async_methods)
    for name, sync_method in sync_methods.items():
        async_method = async_methods[name]
        sync_shape = shape(inspect.signature(sync_method), is_async=False)
        async_shape = shape(inspect.signature(async_method), is_async=True)
        assert async_shape == sync_shape, f"{async_cls.__name__}.{name} differs"


@pytest.mark.parametrize("sync_cls, async_cls", list(pairs()), ids=lambda c: c.__name__)
def test_async_methods_are_awaitable_where_the_sync_ones_return_a_value(sync_cls, async_cls):
    for name, sync_method in public_methods(sync_cls).items():
        if name in DUNDERS:
            continue
        async_method = public_methods(async_cls)[name]
        returns = str(inspect.signature(sync_method).return_annotation)
        if STREAMS.match(returns):  # read with `async for`, not awaited
            assert not inspect.iscoroutinefunction(async_method), name
        else:
            assert inspect.iscoroutinefunction(async_method), name
            assert not inspect.iscoroutinefunction(sync_method), name


def test_the_normalisation_reads_async_names_as_sync():
    assert as_sync("AsyncIterator[Event]") == "Iterator[Event]"
    assert as_sync("Iterable[GnssFix] | AsyncIterable[GnssFix]") == "Iterable[GnssFix]"
    assert as_sync("grpc.aio.Channel | None") == "grpc.Channel | None"
    assert as_sync("AsyncCaller") == as_sync("SyncCaller")
