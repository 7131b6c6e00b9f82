"""Every bundled display's stylesheet in real headless Chromium at the display's size and DPR.

One browser; for each display the page is emulated at the display's size in
CSS px and its device-pixel ratio, loads a page that uses the exported
stylesheet, and every panel's ``getBoundingClientRect()`` must equal the
solver's rect (physical px / DPR) within 1 CSS px.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import pytest

from cardeck.layout import (
    ExportDisplay,
    build_layout_export,
    bundled_profiles,
    write_layout_export,
)
from cardeck_sim.browser import find_chromium
from tests.integration._chromium import DevTools, open_page

pytestmark = pytest.mark.timeout(120)

# Whether the display element is hit at a point: clip-path clips hit testing too.
HITS = "(([x, y]) => document.elementFromPoint(x, y)?.closest('[data-display]') !== null)"

RECTS = """JSON.stringify({
  display: document.querySelector('[data-display]').getBoundingClientRect(),
  clip: getComputedStyle(document.querySelector('[data-display]')).clipPath,
  panels: Object.fromEntries([...document.querySelectorAll('[data-panel]')].map(
    e => [e.dataset.panel, [e.getBoundingClientRect(), getComputedStyle(e).display]])),
})"""


def _page(display: ExportDisplay, css: Path) -> str:
    panels = "".join(
        f'<div class="cardeck-panel-{html.escape(p.id)}" data-panel="{html.escape(p.id)}">'
        f"{html.escape(p.id)}</div>"
        for p in display.panels
    )
    return (
        "<!doctype html><html><head>"
        f'<link rel="stylesheet" href="{css.name}">'
        "<style>html, body { margin: 0; padding: 0; }</style></head><body>"
        f'<div class="cardeck-display-{html.escape(display.id)}" data-display>{panels}</div>'
        "</body></html>"
    )


async def _measure(page: DevTools, display: ExportDisplay, url: str) -> dict[str, Any]:
    dpr = display.device_pixel_ratio
    await page.call(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": math.ceil(display.size_px.width / dpr),
            "height": math.ceil(display.size_px.height / dpr),
            "deviceScaleFactor": dpr,
            "mobile": False,
        },
    )
    await page.call("Page.navigate", {"url": url})
    await page.wait_for("document.readyState === 'complete' && document.styleSheets.length", 2)
    assert await page.evaluate("window.devicePixelRatio") == pytest.approx(dpr)
    result: dict[str, Any] = json.loads(await page.evaluate(RECTS))
    return result


def _probes(display: ExportDisplay) -> list[tuple[tuple[float, float], bool]]:
    """Points in CSS px and whether each lies in the safe area: its centre, and the
    middle of each margin the safe area leaves."""
    dpr = display.device_pixel_ratio
    b = display.safe_area.bounds_px
    w, h = display.size_px.width, display.size_px.height
    mid_x, mid_y = b.x + b.width / 2, b.y + b.height / 2
    probes = [((mid_x, mid_y), True)]
    if b.x >= 2:
        probes.append(((b.x / 2, mid_y), False))
    if b.y >= 2:
        probes.append(((mid_x, b.y / 2), False))
    if w - b.x - b.width >= 2:
        probes.append((((b.x + b.width + w) / 2, mid_y), False))
    if h - b.y - b.height >= 2:
        probes.append(((mid_x, (b.y + b.height + h) / 2), False))
    # The shape: each cutout's centre and the glass outside each rounded corner are
    # out; the middle of every usable rectangle (the strips beside a cutout) is in.
    for c in display.screen.cutouts_px:
        probes.append(((c.x + c.width / 2, c.y + c.height / 2), False))
    radii = display.screen.corner_radii_px
    corners = (
        (radii.top_left, 0, 0),
        (radii.top_right, w, 0),
        (radii.bottom_right, w, h),
        (radii.bottom_left, 0, h),
    )
    for r, cx, cy in corners:
        if r >= 20:
            probes.append(((abs(cx - r * 0.1), abs(cy - r * 0.1)), False))
    for rect in display.safe_area.rects_px:
        if rect.width >= 4 and rect.height >= 4:
            probes.append(((rect.x + rect.width / 2, rect.y + rect.height / 2), True))
    return [((x / dpr, y / dpr), inside) for (x, y), inside in probes]


def _close(got: dict[str, float], x: float, y: float, w: float, h: float) -> bool:
    return all(
        abs(a - b) <= 1.0
        for a, b in zip(
            (got["x"], got["y"], got["width"], got["height"]), (x, y, w, h), strict=True
        )
    )


async def test_every_bundled_display_matches_the_solver_in_chromium(tmp_path: Path) -> None:
    cases: list[tuple[str, ExportDisplay, str]] = []
    for profile_id, profile in sorted(bundled_profiles().items()):
        export = build_layout_export(profile)
        folder = tmp_path / profile_id
        write_layout_export(export, "css", folder)
        for display in export.displays:
            page_file = folder / f"{display.id}.html"
            page_file.write_text(_page(display, folder / f"{display.id}.css"), encoding="utf-8")
            cases.append((profile_id, display, page_file.as_uri()))
    if find_chromium() is None:
        # Not a skip: CI installs Chromium, and a silent skip would hide a broken export.
        pytest.fail("Chromium is not installed; run scripts/setup.sh (as root it installs it).")
    problems: list[str] = []
    async with open_page("about:blank") as page:
        for profile_id, display, url in cases:
            dpr = display.device_pixel_ratio
            seen = await _measure(page, display, url)
            where = f"{profile_id}/{display.id} at DPR {dpr:g}"
            size = (display.size_px.width / dpr, display.size_px.height / dpr)
            if not _close(seen["display"], 0, 0, *size):
                problems.append(f"{where}: display is {seen['display']}, not {size}")
            # A rounded rectangle is exact as inset(); cutouts need the region's path().
            shape = "path(" if display.screen.cutouts_px else "inset("
            if not seen["clip"].startswith(shape):
                problems.append(f"{where}: clip-path is {seen['clip'][:80]!r}, not {shape}…)")
            for point, inside in _probes(display):
                if await page.evaluate(f"{HITS}({list(point)})") != inside:
                    problems.append(f"{where}: hit at {point} should be {inside} (clip-path)")
            for panel in display.panels:
                rect, shown = seen["panels"][panel.id]
                if panel.rect_px is None:
                    if shown != "none":
                        problems.append(f"{where}: collapsed {panel.id} is shown ({shown})")
                    continue
                r = panel.rect_px
                want = (r.x / dpr, r.y / dpr, r.width / dpr, r.height / dpr)
                if not _close(rect, *want):
                    problems.append(f"{where}: {panel.id} is {rect}, the solver says {want}")
    assert len(cases) >= 27
    assert not problems, "\n".join(problems)
