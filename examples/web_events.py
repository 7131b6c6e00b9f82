"""Web app over the WebSocket bridge: serve a page that lists the head unit's events live.

Web pages (for example one shown in the head unit's browser panel) cannot
speak gRPC, so the head unit also serves its event stream as JSON over a
WebSocket. This script asks the head unit where that bridge is
(``client.info().websocket_url``), serves ``examples/web/`` on 127.0.0.1 and
prints the page's URL with the bridge in its query string. Open it in any
browser and change something on the head unit (``python
examples/drive_log_bridge.py``, say): each event appears as a row.

Run a head unit first (``cardeck sim --headless``), then::

    python examples/web_events.py --target 127.0.0.1:50051
    python examples/web_events.py --no-serve     # only print a file:// URL to open

The page gets the token in its URL (``&token=``) because browsers cannot send
an ``Authorization`` header on a WebSocket; it needs only the ``read`` scope.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import signal
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import cardeck

WEB_DIR = Path(__file__).resolve().parent / "web"
PAGE = "events.html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without a log line per request, which would bury the URL to open."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        # The page is edited while developing; never let a browser keep a stale copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def page_query(websocket_url: str, token: str | None, kinds: str | None) -> str:
    params = {"bridge": websocket_url}
    if token:
        params["token"] = token
    if kinds:
        params["kinds"] = kinds
    return urllib.parse.urlencode(params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="head unit host:port")
    parser.add_argument("--token", default=None, help="bearer token (read)")
    parser.add_argument(
        "--port", type=int, default=8765, help="HTTP port for the page (0 picks a free one)"
    )
    parser.add_argument(
        "--kinds", default=None, help="only these event kinds, e.g. vehicle_state,markers"
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="print a file:// URL instead of serving"
    )
    args = parser.parse_args(argv)

    try:
        with cardeck.connect(args.target, token=args.token) as client:
            info = client.info()
    except cardeck.CarDeckError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if not info.websocket_url:
        print(
            f"The head unit at {args.target} runs no WebSocket bridge. Start the simulator "
            "with a --ws-port other than -1.",
            file=sys.stderr,
        )
        return 1
    print(f"WebSocket bridge: {info.websocket_url}", flush=True)
    query = page_query(info.websocket_url, args.token, args.kinds)

    if args.no_serve:
        print(f"Open {(WEB_DIR / PAGE).as_uri()}?{query}")
        return 0

    # Loopback only: the page URL may carry a token, and nothing else needs it.
    handler = functools.partial(QuietHandler, directory=str(WEB_DIR))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as exc:
        print(
            f"Cannot serve the page on 127.0.0.1:{args.port}: {exc.strerror}. "
            "Pick another --port (0 picks a free one).",
            file=sys.stderr,
        )
        return 1
    port = server.server_address[1]
    # Stop on SIGTERM as on Ctrl-C. shutdown() waits for serve_forever() to
    # return, so it must run on another thread than the one serving.
    signal.signal(
        signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    )
    print(f"Open http://127.0.0.1:{port}/{PAGE}?{query}", flush=True)
    print("Serving the page; Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
