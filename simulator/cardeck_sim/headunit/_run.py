"""``cardeck sim``: run a head unit, and its window, until a signal or the window closes."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable

from ._config import ServiceConfig, UiOptions
from ._unit import HeadUnit

__all__ = ["serve_forever"]


async def serve_forever(
    config: ServiceConfig,
    announce: Callable[[str], None] | None = None,
    ui: UiOptions | None = None,
) -> None:
    """Run a head unit until SIGINT or SIGTERM (or its window closes), then shut down cleanly."""
    unit = HeadUnit(config)
    # Handlers first: whoever reads the announcement may signal right away.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        port = await unit.start()
    except BaseException:
        # A taken port and the like: leave no temporary install root, no
        # half-started server and no signal handlers behind.
        await unit.stop(0)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        raise
    say = announce or (lambda text: print(text, flush=True))
    scheme = "TLS" if config.tls_cert else "plaintext"
    say(
        f"CarDeck head unit listening on {config.host}:{port} ({scheme}, "
        f"profile {unit.store.active_profile_id or 'none'}, locale {unit.store.locale}, "
        f"run {unit.store.events.run_id})"
    )
    if unit.websocket_url:
        say(f"WebSocket event bridge on {unit.websocket_url}")
    if unit.authorizer.open:
        print(
            "WARNING: no tokens file: every caller gets every scope, including vehicle:write "
            "and packages:install. Serving on loopback only. Pass --tokens FILE for real use.",
            file=sys.stderr,
            flush=True,
        )
    try:
        if ui is None:
            await stop.wait()
        else:
            # Not a cycle: cardeck_sim.ui sits below this root. The window needs kivy
            # (heavy, and optional for --headless), so it loads only here.
            from ..ui import run_ui

            window = asyncio.ensure_future(
                run_ui(
                    unit,
                    display_id=ui.display_id,
                    script=ui.script,
                    console=ui.console,
                    on_browser_click=unit.browser_click,
                    on_browser_action=unit.browser_action,
                    on_voice_answer=unit.voice.answer_tap,
                )
            )
            signalled = asyncio.ensure_future(stop.wait())
            await asyncio.wait({window, signalled}, return_when=asyncio.FIRST_COMPLETED)
            signalled.cancel()
            if window.done():
                window.result()  # a failing script line surfaces here
            else:
                window.cancel()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        print("CarDeck head unit stopping.", file=sys.stderr, flush=True)
        await unit.stop()
