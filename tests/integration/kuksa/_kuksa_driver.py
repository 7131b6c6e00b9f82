"""Drives the released kuksa-client from .venv-kuksa for the tests, in JSON lines.

This file runs in .venv-kuksa's interpreter (`make setup` creates it), never in
CarDeck's .venv: it imports kuksa_client and nothing of CarDeck, so what the
tests exercise is the client a KUKSA user installs from PyPI. One process
serves one test: starting an interpreter and importing kuksa_client costs about
0.15 s, so each call is a line on stdin rather than a process.

Requests (one JSON object per line on stdin), each with an integer ``id``:

- ``{"op": "connect", "client": NAME, "kwargs": {...}}``: a ``VSSClient(**kwargs)``
  under NAME, connected (``root_certificates`` is a path string).
- ``{"op": "call", "client": NAME, "method": M, "args": [...], "kwargs": {...}}``:
  ``client.M(*args, **kwargs)``; the reply carries the result.
- ``{"op": "stream", ...same as call}``: iterate ``client.M(...)`` in a thread;
  each item comes as ``{"stream": id, "item": ...}``, the end as
  ``{"stream": id, "end": true}`` or ``{"stream": id, "error": {...}}``.
- ``{"op": "v2", "client": NAME, "rpc": R, "request": {...}}``: a kuksa.val.v2
  call the VSSClient has no method for (Actuate, GetValue, ...), through the
  client's own v2 stub, channel and authorization header, with the request
  and response in protobuf's JSON form.
- ``{"op": "disconnect", "client": NAME}``: ends the client and its streams.

Every request is answered with ``{"id": id, "result": ...}`` or
``{"id": id, "error": {"type": ..., ...}}``; a VSSClientError keeps its
``error`` and ``errors`` as the client built them. Arguments may hold kuksa
objects as ``{"__kuksa__": "Datapoint", "value": 1}`` (enums: ``"name"``).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import sys
import threading
from pathlib import Path
from typing import Any

import kuksa_client.grpc as kuksa
from google.protobuf import json_format
from kuksa.val.v2 import val_pb2 as val_v2
from kuksa_client.grpc import VSSClient, VSSClientError

_out_lock = threading.Lock()
_clients: dict[str, VSSClient] = {}


def emit(message: dict[str, Any]) -> None:
    # Many threads answer; a lock keeps each line whole.
    line = json.dumps(message, default=_encode_leaf)
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _encode_leaf(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode(value: Any) -> Any:
    """kuksa-client results as JSON: dataclasses as dicts of their fields, enums by name."""
    if isinstance(value, enum.Enum):
        # Before json.dumps sees it: an IntEnum (DataType) would go out as its number.
        return value.name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """JSON arguments as kuksa-client objects, where tagged with ``__kuksa__``."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    name = value.get("__kuksa__")
    if name is None:
        return {k: decode(v) for k, v in value.items()}
    cls = getattr(kuksa, name)
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return cls[value["name"]]
    kwargs = {k: decode(v) for k, v in value.items() if k != "__kuksa__"}
    return cls(**kwargs)


def describe(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, VSSClientError):
        return {"type": "VSSClientError", "error": exc.error, "errors": exc.errors}
    return {"type": type(exc).__name__, "message": str(exc)}


def connect(name: str, kwargs: dict[str, Any]) -> None:
    if kwargs.get("root_certificates") is not None:
        kwargs["root_certificates"] = Path(kwargs["root_certificates"])
    client = VSSClient(**kwargs)
    client.connect()
    _clients[name] = client


def call(request: dict[str, Any]) -> Any:
    client = _clients[request["client"]]
    method = getattr(client, request["method"])
    return method(*decode(request.get("args", [])), **decode(request.get("kwargs", {})))


def v2(request: dict[str, Any]) -> Any:
    client = _clients[request["client"]]
    rpc = request["rpc"]
    message = getattr(val_v2, f"{rpc}Request")()
    json_format.ParseDict(request.get("request", {}), message)
    metadata = client.generate_metadata_header(None)
    try:
        response = getattr(client.client_stub_v2, rpc)(message, metadata=metadata, timeout=10)
    except Exception as exc:
        if hasattr(exc, "code"):
            # As VSSClient reports gRPC failures, so the tests read one shape.
            raise VSSClientError.from_grpc_error(exc) from exc
        raise
    return json_format.MessageToDict(response)


def stream(ident: int, request: dict[str, Any]) -> None:
    try:
        for item in call(request):
            emit({"stream": ident, "item": encode(item)})
    except BaseException as exc:
        emit({"stream": ident, "error": describe(exc)})
    else:
        emit({"stream": ident, "end": True})


def handle(request: dict[str, Any]) -> None:
    ident = request["id"]
    op = request["op"]
    try:
        if op == "connect":
            connect(request["client"], dict(request.get("kwargs", {})))
            result = None
        elif op == "call":
            result = encode(call(request))
        elif op == "v2":
            result = v2(request)
        elif op == "stream":
            threading.Thread(target=stream, args=(ident, request), daemon=True).start()
            result = None
        elif op == "disconnect":
            _clients.pop(request["client"]).disconnect()
            result = None
        else:
            raise ValueError(f"unknown op {op!r}")
    except BaseException as exc:
        emit({"id": ident, "error": describe(exc)})
    else:
        emit({"id": ident, "result": result})


def main() -> None:
    # Calls run in threads so a blocking one (an actuation waiting on its
    # provider) never holds up the next line.
    for line in sys.stdin:
        if line.strip():
            threading.Thread(target=handle, args=(json.loads(line),), daemon=True).start()
    for client in list(_clients.values()):
        client.disconnect()


if __name__ == "__main__":
    main()
