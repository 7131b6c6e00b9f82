"""The DHU-style console: parsing with line numbers, and a scripted session with screenshots."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cardeck_sim.state import BrowserView, DayNight, Gear
from cardeck_sim.ui import (
    DAY,
    NIGHT,
    Command,
    Console,
    ConsoleError,
    demo_frame,
    parse_line,
    parse_script,
    run_script,
)

from ._pixels import color_mask, crop, mean_luminance


def test_parse_line_converts_arguments_and_skips_comments():
    assert parse_line("speed 50", 3) == Command("speed", (50.0,), 3, "speed 50")
    assert parse_line("  gear d  ").args == ("D",)
    assert parse_line("tap 10 20").args == (10.0, 20.0, "")
    assert parse_line("tap 10 20 cluster").args == (10.0, 20.0, "cluster")
    assert parse_line("navigate Café Aalto #2").args == ("Café Aalto #2",)
    assert parse_line("mic play hello.wav").args == ("hello.wav",)
    assert parse_line("screenshot out.png  # the centre").args == ("out.png", "")
    assert parse_line("# a comment") is None
    assert parse_line("   ") is None


def test_parse_script_names_every_bad_line():
    text = "speed 50\nspeed fast\ngear X\nfly away\nmic record x.wav\nsleep 1\n"
    with pytest.raises(ConsoleError) as info:
        parse_script(text)
    message = str(info.value)
    assert "line 2: 'speed fast': the speed must be a number; got 'fast'." in message
    assert "line 3: 'gear X': the gear must be P, R, N or D; got 'X'." in message
    assert "line 4: 'fly away': unknown command 'fly'" in message
    assert "line 5: 'mic record x.wav': usage: mic play FILE.wav." in message
    assert "line 1" not in message and "line 6" not in message


async def test_commands_change_the_store(store, catalog):
    out: list[str] = []
    console = Console(store, catalog, out=out.append)
    commands = parse_script("gear D\nspeed 50\nnight\nmic play x.wav\nprofile polestar-2\n")
    assert await console.run_commands(commands)
    assert store.vehicle.gear is Gear.DRIVE and store.vehicle.speed_kmh == 50
    assert store.vehicle.day_night is DayNight.NIGHT
    assert store.restrictions.browser_locked
    assert store.active_profile_id == "polestar-2"
    assert out == ["voice not available"]
    assert await console.execute(parse_line("park"))
    assert store.restrictions.parked and store.vehicle.speed_kmh == 0
    assert not await console.execute(parse_line("quit"))


async def test_a_failing_command_names_its_line(store, catalog, tmp_path):
    script = tmp_path / "bad.txt"
    script.write_text("speed 10\nprofile no-such-car\n")
    with pytest.raises(ConsoleError, match=r"line 2: 'profile no-such-car': There is no vehicle"):
        await run_script(script, store, catalog, out=lambda _: None)


async def test_hooks_receive_mic_and_navigate(store, catalog):
    calls = []

    async def mic(path):
        calls.append(("mic", path.name))

    console = Console(
        store,
        catalog,
        on_mic_play=mic,
        on_navigate=lambda q: calls.append(("nav", q)),
        out=lambda _: None,
    )
    await console.run_commands(parse_script("mic play hi.wav\nnavigate city hall\n"))
    assert calls == [("mic", "hi.wav"), ("nav", "city hall")]


async def test_navigate_without_a_hook_routes_on_the_map(store, catalog, map_data):
    out: list[str] = []
    console = Console(store, catalog, map_data=map_data, out=out.append)
    await console.execute(parse_line("navigate stockmann"))
    assert store.map.route is not None
    assert out[0].startswith("route to Stockmann")


async def test_a_script_drives_a_session_and_its_screenshots_show_it(
    window, store, catalog, map_data, tmp_path
):
    store.set_browser(BrowserView(available=True, frame=demo_frame()))
    script = tmp_path / "session.txt"
    script.write_text(
        f"""# a short drive
screenshot {tmp_path}/parked.png center
gear D
speed 50
sleep 0.01
screenshot {tmp_path}/driving.png center
night
screenshot {tmp_path}/night.png center
tap 50 400 center
screenshot {tmp_path}/dash.png
quit
speed 99
"""
    )
    out: list[str] = []
    assert not await run_script(script, store, catalog, map_data=map_data, out=out.append)
    assert store.vehicle.speed_kmh == 50  # nothing after quit ran
    assert out[-1] == f"wrote {tmp_path}/dash.png"
    assert "tapped voice" in out

    layout = catalog.layouts(store.active_profile_id)["center"]
    browser = next(p for p in layout.panels if p.kind == "browser").rect_px
    bar = next(p for p in layout.panels if p.kind == "status_bar").rect_px
    shots = {
        name: Image.open(tmp_path / f"{name}.png").convert("RGB")
        for name in ("parked", "driving", "night", "dash")
    }
    assert shots["parked"].size == (1920, 720)
    assert color_mask(crop(shots["parked"], browser), DAY.lock_overlay).mean() < 0.01
    assert color_mask(crop(shots["driving"], browser), DAY.lock_overlay).mean() > 0.8
    assert color_mask(crop(shots["night"], browser), NIGHT.lock_overlay).mean() > 0.8
    assert (
        mean_luminance(crop(shots["night"], bar)) < 50 < mean_luminance(crop(shots["driving"], bar))
    )
    # The whole dashboard: the cluster beside the centre display, on a dark dashboard.
    dash = np.asarray(shots["dash"])
    assert shots["dash"].width > 4 * shots["dash"].height
    assert mean_luminance(dash) < 60


async def test_stdin_commands_run_until_quit_and_errors_do_not_stop_it(store, catalog, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("speed 30\nfly\nnight\nquit\nspeed 99\n"))
    out: list[str] = []
    await Console(store, catalog, out=out.append).run_stdin(prompt="")
    assert store.vehicle.speed_kmh == 30
    assert store.vehicle.day_night is DayNight.NIGHT
    assert len(out) == 1 and out[0].startswith("error: input: 'fly': unknown command 'fly'")
