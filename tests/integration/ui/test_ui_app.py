"""The live app, headless, in the service's loop — in a child process.

``App.stop()`` ends Kivy's event loop and closes the one window the process
may have, so the app runs in its own interpreter and the other UI tests keep
theirs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from PIL import Image

from cardeck_sim.ui import DAY, NIGHT

from ._pixels import color_mask, crop, mean_luminance

CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from cardeck_sim.headunit import HeadUnit, ServiceConfig
    from cardeck_sim.ui import run_ui

    async def main():
        unit = HeadUnit(ServiceConfig(port=0))
        await unit.start()
        try:
            await run_ui(unit, headless=True, display_id=sys.argv[2] or None, script=sys.argv[1])
        finally:
            await unit.stop(0)
        print("focus", unit.store.focus.get("center", ""))
        print("speed", unit.store.vehicle.speed_kmh)

    asyncio.run(main())
    """
)


def _run(tmp_path, script_text, display_id=""):
    script = tmp_path / "session.txt"
    script.write_text(script_text)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(script), display_id],
        capture_output=True,
        text=True,
        timeout=90,
    )
    return result


def test_the_window_runs_a_script_in_the_service_loop(tmp_path, catalog):
    result = _run(
        tmp_path,
        f"""speed 50
gear D
night
sleep 0.2
tap 50 400
screenshot {tmp_path}/center.png center
screenshot {tmp_path}/all.png
quit
""",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "focus voice" in result.stdout
    assert "speed 50.0" in result.stdout
    layout = catalog.layouts("hyundai-kia-ccnc")["center"]
    browser = next(p for p in layout.panels if p.kind == "browser").rect_px
    bar = next(p for p in layout.panels if p.kind == "status_bar").rect_px
    center = Image.open(tmp_path / "center.png").convert("RGB")
    assert center.size == (1920, 720)
    assert color_mask(crop(center, browser), NIGHT.lock_overlay).mean() > 0.8
    assert mean_luminance(crop(center, bar)) < 50
    with Image.open(tmp_path / "all.png") as whole:
        assert whole.width > 1920


def test_a_failing_script_line_stops_the_window_with_the_error(tmp_path):
    result = _run(tmp_path, "speed 10\nprofile no-such-car\nquit\n", display_id="center")
    assert result.returncode != 0
    assert "line 2: 'profile no-such-car'" in result.stderr


async def test_an_unknown_display_is_refused_before_the_window_opens(aio_unit):
    from cardeck_sim.ui import run_ui

    with pytest.raises(KeyError, match="no display 'dash'"):
        await run_ui(aio_unit, display_id="dash", headless=True)


def test_day_and_night_lock_overlays_differ():
    # The screenshots above are told apart by these colours.
    assert DAY.lock_overlay != NIGHT.lock_overlay


def test_a_locale_switch_rebuilds_the_window_in_the_mirrored_layout(tmp_path, catalog):
    result = _run(
        tmp_path,
        f"""speed 50
gear D
night
locale ar
sleep 0.2
screenshot {tmp_path}/center.png center
quit
""",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "locale ar" in result.stdout
    from cardeck.layout import solve_profile

    profile = catalog.get("hyundai-kia-ccnc")
    english = solve_profile(profile, locale="en")["center"]
    arabic = solve_profile(profile, locale="ar")["center"]
    browser = next(p for p in arabic.panels if p.kind == "browser").rect_px
    assert browser != next(p for p in english.panels if p.kind == "browser").rect_px
    center = Image.open(tmp_path / "center.png").convert("RGB")
    # The locked browser's overlay is where the right-to-left layout puts the browser.
    assert color_mask(crop(center, browser), NIGHT.lock_overlay).mean() > 0.8
