"""A console like the Desktop Head Unit's: one command per line, on stdin or from a script.

Commands::

    speed 50            gear D          park            night           day
    tap X Y [DISPLAY]   screenshot FILE [DISPLAY]       profile ID
    mic play FILE.wav   navigate QUERY  sleep S         help            quit

Parsing is pure (:func:`parse_script` reports every bad line at once, naming
it); :class:`Console` runs commands as store commands, and hands what the UI
package cannot do itself (the microphone, a picture) to hooks. Free of kivy:
the default screenshot hook imports the renderer only when called.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from cardeck.i18n import normalize_locale

from ._input import BrowserClickHook, VoiceAnswerHook, tap

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from cardeck_sim.maps import MapData
    from cardeck_sim.state import ProfileSource, StateStore

__all__ = [
    "Command",
    "Console",
    "ConsoleError",
    "ConsoleHooks",
    "ConsoleOptions",
    "parse_line",
    "parse_script",
    "run_script",
]

Hook = Callable[..., Awaitable[Any] | Any]


class ConsoleHooks(TypedDict, total=False):
    """What a console hands to its host's services (see :class:`Console`): all optional."""

    screenshot: Hook
    on_mic_play: Hook
    on_navigate: Hook
    out: Callable[[str], None]


class ConsoleOptions(ConsoleHooks, total=False):
    """Every keyword argument of :class:`Console`: the hooks and the window's own."""

    display_id: str
    map_data: MapData | None
    on_browser_click: BrowserClickHook | None
    on_voice_answer: VoiceAnswerHook | None
    on_quit: Hook | None


_COMMENT = re.compile(r"^\s*#|\s#(?:\s|$)")
_GEARS = {"P": "PARK", "R": "REVERSE", "N": "NEUTRAL", "D": "DRIVE"}
_USAGE = {
    "speed": "speed KMH (0 to 400)",
    "gear": "gear P|R|N|D",
    "park": "park",
    "night": "night",
    "day": "day",
    "tap": "tap X Y [DISPLAY]",
    "screenshot": "screenshot FILE [DISPLAY]",
    "profile": "profile ID",
    "locale": "locale TAG (en, ko, de, ar, en-XA, ar-XB)",
    "mic": "mic play FILE.wav",
    "navigate": "navigate QUERY",
    "sleep": "sleep SECONDS (0 to 3600)",
    "help": "help",
    "quit": "quit",
}


class ConsoleError(ValueError):
    """A console line that cannot be parsed or run; the message names the line."""


@dataclass(frozen=True)
class Command:
    """One parsed console command.

    :param name: The command word (``speed``, ``tap``, …).
    :param args: Its converted arguments.
    :param line: 1-based line number in the script (0 for stdin).
    :param text: The line as typed.
    """

    name: str
    args: tuple[Any, ...]
    line: int = 0
    text: str = ""


def _number(word: str, what: str, low: float, high: float) -> float:
    try:
        value = float(word)
    except ValueError:
        raise ValueError(f"{what} must be a number; got {word!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{what} must be from {low:g} to {high:g}; got {word}")
    return value


def _parse(words: list[str]) -> Command:
    name, rest = words[0].lower(), words[1:]
    usage = _USAGE.get(name)
    if usage is None:
        raise ValueError(f"unknown command {words[0]!r}; known: {', '.join(sorted(_USAGE))}")

    def arity(low: int, high: int) -> None:
        if not low <= len(rest) <= high:
            raise ValueError(f"usage: {usage}")

    if name == "speed":
        arity(1, 1)
        return Command(name, (_number(rest[0], "the speed", 0, 400),))
    if name == "gear":
        arity(1, 1)
        gear = rest[0].upper()
        if gear not in _GEARS:
            raise ValueError(f"the gear must be P, R, N or D; got {rest[0]!r}")
        return Command(name, (gear,))
    if name in ("park", "night", "day", "help", "quit"):
        arity(0, 0)
        return Command(name, ())
    if name == "tap":
        arity(2, 3)
        x = _number(rest[0], "X", 0, 100_000)
        y = _number(rest[1], "Y", 0, 100_000)
        return Command(name, (x, y, rest[2] if len(rest) == 3 else ""))
    if name == "screenshot":
        arity(1, 2)
        return Command(name, (rest[0], rest[1] if len(rest) == 2 else ""))
    if name == "profile":
        arity(1, 1)
        return Command(name, (rest[0],))
    if name == "locale":
        arity(1, 1)
        return Command(name, (normalize_locale(rest[0]),))
    if name == "mic":
        if len(rest) != 2 or rest[0].lower() != "play":
            raise ValueError(f"usage: {usage}")
        return Command(name, (rest[1],))
    if name == "navigate":
        if not rest:
            raise ValueError(f"usage: {usage}")
        return Command(name, (" ".join(rest),))
    arity(1, 1)  # sleep
    return Command(name, (_number(rest[0], "the time", 0, 3600),))


def parse_line(text: str, line: int = 0) -> Command | None:
    """Parse one line; None for a blank line or a ``#`` comment.

    :raises ConsoleError: Naming the line and what is wrong with it.
    """
    # A comment starts at a '#' that begins a word, so "navigate Cafe #2" keeps its '#'.
    stripped = _COMMENT.split(text, maxsplit=1)[0].strip()
    if not stripped:
        return None
    try:
        cmd = _parse(stripped.split())
    except ValueError as exc:
        where = f"line {line}" if line else "input"
        raise ConsoleError(f"{where}: {text.strip()!r}: {exc}.") from None
    return Command(cmd.name, cmd.args, line, text.strip())


def parse_script(text: str) -> list[Command]:
    """Parse a whole script, reporting every bad line at once.

    :raises ConsoleError: One sentence per bad line.
    """
    commands: list[Command] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            cmd = parse_line(raw, number)
        except ConsoleError as exc:
            problems.append(str(exc))
            continue
        if cmd is not None:
            commands.append(cmd)
    if problems:
        raise ConsoleError(" ".join(problems))
    return commands


async def _call(hook: Hook, *args: Any) -> Any:
    result = hook(*args)
    if inspect.isawaitable(result):
        return await result
    return result


class Console:
    """Runs console commands against the store.

    Usage::

        console = Console(unit.store, unit.catalog, map_data=data)
        await console.run_script("session.txt")

    :param store: The head unit's state store.
    :param catalog: Its profiles (for ``profile`` and ``tap``).
    :param display_id: The display ``tap`` and ``screenshot`` use by default
        ("" = the centre display for taps, the whole dashboard for pictures).
    :param map_data: The map, for pictures and for ``navigate`` without a hook.
    :param screenshot: ``(display_id) -> PNG bytes``; default renders headless.
    :param on_mic_play: ``(path)``: inject a WAV into the microphone.
    :param on_navigate: ``(query)``: set a destination (default: search and route locally).
    :param on_browser_click: Passed to :func:`tap`.
    :param on_voice_answer: Passed to :func:`tap` (the voice panel's Yes and No).
    :param on_quit: Called by ``quit``.
    :param out: Where messages go (default: print to stdout).
    """

    def __init__(
        self,
        store: StateStore,
        catalog: ProfileSource,
        *,
        display_id: str = "",
        map_data: MapData | None = None,
        screenshot: Hook | None = None,
        on_mic_play: Hook | None = None,
        on_navigate: Hook | None = None,
        on_browser_click: BrowserClickHook | None = None,
        on_voice_answer: VoiceAnswerHook | None = None,
        on_quit: Hook | None = None,
        out: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.display_id = display_id
        self.map_data = map_data
        self.screenshot = screenshot
        self.on_mic_play = on_mic_play
        self.on_navigate = on_navigate
        self.on_browser_click = on_browser_click
        self.on_voice_answer = on_voice_answer
        self.on_quit = on_quit
        self.out = out or (lambda text: print(text, flush=True))

    def _display(self, given: str) -> str:
        if given:
            return given
        if self.display_id:
            return self.display_id
        # Taps go to the touch screen: the centre display, else the first one.
        displays = self.catalog.get(self.store.active_profile_id).displays
        chosen: str = next((d.id for d in displays if d.role == "center"), displays[0].id)
        return chosen

    async def execute(self, cmd: Command) -> bool:
        """Run one command; return False after ``quit``.

        :raises ConsoleError: When the command cannot be carried out (naming its line).
        """
        try:
            return await self._execute(cmd)
        except ConsoleError:
            raise
        except (KeyError, ValueError, OSError) as exc:
            where = f"line {cmd.line}" if cmd.line else "input"
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            raise ConsoleError(f"{where}: {cmd.text!r}: {message}") from exc

    async def _execute(self, cmd: Command) -> bool:
        from cardeck_sim.state import DayNight, Gear

        store, name, args = self.store, cmd.name, cmd.args
        if name == "speed":
            store.update_vehicle(speed_kmh=args[0])
        elif name == "gear":
            store.update_vehicle(gear=Gear[_GEARS[args[0]]])
        elif name == "park":
            store.update_vehicle(speed_kmh=0.0, gear=Gear.PARK, parking_brake_on=True)
        elif name in ("night", "day"):
            store.update_vehicle(day_night=DayNight.NIGHT if name == "night" else DayNight.DAY)
        elif name == "tap":
            x, y, display = args
            panel_id, _ = tap(
                store,
                self.catalog,
                self._display(display),
                x,
                y,
                on_browser_click=self.on_browser_click,
                on_voice_answer=self.on_voice_answer,
            )
            self.out(f"tapped {panel_id or 'nothing'}")
        elif name == "screenshot":
            await self._screenshot(Path(args[0]), args[1])
        elif name == "profile":
            self.catalog.get(args[0])
            store.set_active_profile(args[0], "Switched from the simulator console.")
        elif name == "locale":
            store.set_locale(args[0])
            self.out(f"locale {store.locale}")
        elif name == "mic":
            if self.on_mic_play is None:
                self.out("voice not available")
            else:
                await _call(self.on_mic_play, Path(args[0]))
        elif name == "navigate":
            await self._navigate(args[0])
        elif name == "sleep":
            await asyncio.sleep(args[0])
        elif name == "help":
            self.out("commands: " + "; ".join(_USAGE.values()))
        elif name == "quit":
            if self.on_quit is not None:
                await _call(self.on_quit)
            return False
        return True

    async def _screenshot(self, path: Path, display: str) -> None:
        if self.screenshot is not None:
            png = await _call(self.screenshot, display or self.display_id)
        else:
            from ._render import screenshot

            png = screenshot(
                self.store, self.catalog, display or self.display_id, map_data=self.map_data
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        self.out(f"wrote {path}")

    async def _navigate(self, query: str) -> None:
        if self.on_navigate is not None:
            await _call(self.on_navigate, query)
            return
        if self.map_data is None:
            self.out("navigation not available")
            return
        from cardeck_sim.maps import LatLon, find_route, place_index

        m = self.store.map
        here = m.vehicle.position if m.vehicle is not None else LatLon(60.1699, 24.9384)
        places = place_index(self.map_data).search(query, near=here)
        if not places:
            raise ValueError(f"no place matches {query!r}")
        route = await asyncio.to_thread(find_route, self.map_data, here, places[0].position)
        self.store.set_map(route=route, guidance=None)
        self.out(f"route to {places[0].name}: {route.distance_m / 1000:.1f} km")

    async def run_commands(self, commands: list[Command]) -> bool:
        """Run parsed commands in order; return False if one was ``quit``."""
        for cmd in commands:
            if not await self.execute(cmd):
                return False
        return True

    async def run_script(self, path: str | Path) -> bool:
        """Parse a script file (all of it, first) and run it; return False after ``quit``.

        :raises ConsoleError: For bad lines (all of them) or a command that fails.
        """
        return await self.run_commands(parse_script(Path(path).read_text()))

    async def run_stdin(self, prompt: str = "cardeck> ") -> None:
        """Read commands from stdin until ``quit`` or end of input; report errors and go on."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()

        stream = sys.stdin  # bound once: the thread must not follow a later swap of sys.stdin

        def reader() -> None:
            # A daemon thread, not asyncio.to_thread: a read blocked on a quiet
            # terminal must not keep the process alive after the window closes.
            while True:
                try:
                    text = stream.readline()
                except (OSError, ValueError):  # no stdin (CI, a daemon) or closed: end of input
                    text = ""
                if loop.is_closed():
                    return
                loop.call_soon_threadsafe(lines.put_nowait, text)
                if not text:
                    return

        threading.Thread(target=reader, name="cardeck-console", daemon=True).start()
        while True:
            sys.stdout.write(prompt)
            sys.stdout.flush()
            text = await lines.get()
            if not text:
                return
            try:
                cmd = parse_line(text)
                if cmd is not None and not await self.execute(cmd):
                    return
            except ConsoleError as exc:
                self.out(f"error: {exc}")


async def run_script(
    path: str | Path, store: StateStore, catalog: ProfileSource, **options: Unpack[ConsoleOptions]
) -> bool:
    """Run a console script against a store; see :class:`Console` for the options."""
    return await Console(store, catalog, **options).run_script(path)
