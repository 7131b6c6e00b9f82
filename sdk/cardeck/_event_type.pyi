# The optional compiled module built from _event_type.c (see _compiled.py).
from collections.abc import AsyncIterator
from typing import Any

def compile_event(cls: type, /) -> type: ...

class AsyncHandOut(AsyncIterator[Any]):
    handed: int | None
    def __init__(self, batches: AsyncIterator[Any], /) -> None: ...
    async def __anext__(self) -> Any: ...
