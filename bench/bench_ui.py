"""Benchmark the simulator UI: live-scene frame rate and store-to-pixels latency.

Run: ``.venv/bin/python bench/bench_ui.py [--frames 150] [--rounds 3]``

Offscreen (SDL ``offscreen`` + Mesa llvmpipe), every frame read back — an
offscreen frame nobody reads is never drawn, so fps without read-back means
nothing (headless-notes.md). Two scenes, interleaved round by round so that
machine noise hits both alike:

- **live**: the hyundai-kia-ccnc centre display (1920×720) with the demo
  scene and a GuidanceSimulator stepping every frame into the store; each
  frame does what the app's tick does (compare ``store.revision``, let the
  painter rebuild changed panels) then draws the display's Fbo and reads it.
- **bare**: a Kivy Fbo of the same size holding one moving rectangle, drawn
  and read back the same way.

Both run at 1920×720 and again on the largest bundled display (by pixels: the
concept ribbon's 6240×960 centre strip), where a frame costs most.

Goal: live ≥ 0.85 × bare at each size. Latency: frames from a store change
(night mode) until the read-back pixels show it; goal ≤ 2.

Locales (issue 20): the live 1920×720 scene runs again with the head unit in
``--locale`` (default ``en-XA``: every word through the catalog and every
number through Babel's formats, the longest texts), interleaved with ``en``
round by round. Goal: fps in that locale ≥ 0.85 × fps in ``en`` — the catalog
lookups and formats on the paint path cost next to nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from typing import Protocol

# Kivy reads its environment when first imported; this module does not import it.
from cardeck_sim.ui._render import prepare_kivy_env

prepare_kivy_env(headless=True)
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="cardeck-bench-kivy-"))

#: The 1920×720 strip the goal names.
STRIP = ("hyundai-kia-ccnc", "center")


class Scene(Protocol):
    """A picture drawn and read back once per frame."""

    def frame(self) -> bytes:
        """Draw the next frame and return its pixels (RGBA, bottom row first)."""
        ...


class LiveScene:
    """The real painter on the demo store, with guidance stepping every frame."""

    def __init__(self, profile_id: str, display_id: str, locale: str = "en") -> None:
        from cardeck.layout import bundled_profiles, solve_profile
        from cardeck_sim.maps import GuidanceSimulator, MapData
        from cardeck_sim.ui import DisplayPainter, demo_store

        self.map_data = MapData.load()
        self.store = demo_store(self.map_data, profile_id, locale=locale)
        profile = bundled_profiles()[profile_id]
        display = next(d for d in profile.displays if d.id == display_id)
        self.width, self.height = display.width_px, display.height_px
        self.layout = layout = solve_profile(profile)[display_id]
        # As the app's DisplayView: incremental, each frame draws only changed panels.
        self.painter = DisplayPainter(display, layout, map_data=self.map_data, incremental=True)
        self.fbo = self.painter.make_fbo()
        self.sim = GuidanceSimulator(self.store.map.route, time_scale=1.0, map_data=self.map_data)
        self.revision = -1
        self.rebuilt = 0

    def tick(self) -> None:
        """One app tick: the painter runs only when the store moved."""
        if self.store.revision != self.revision:
            self.revision = self.store.revision
            if self.painter.update(self.store):
                self.rebuilt += 1

    def frame(self) -> bytes:
        update = self.sim.step(1 / 30)
        self.store.set_map(guidance=update)
        self.tick()
        self.fbo.draw()
        pixels: bytes = self.fbo.pixels
        return pixels


class BareScene:
    """An Fbo of the same size with one rectangle moving each frame."""

    def __init__(self, width: int, height: int) -> None:
        from kivy.graphics import (
            ClearBuffers,
            ClearColor,
            Color,
            Fbo,
            Rectangle,
        )

        self.width = width
        self.fbo = Fbo(size=(width, height))
        with self.fbo:
            ClearColor(0, 0, 0, 1)
            ClearBuffers()
            Color(0.2, 0.5, 0.9, 1)
            self.rect = Rectangle(pos=(0, 0), size=(200, 200))
        self.n = 0

    def frame(self) -> bytes:
        self.n += 1
        self.rect.pos = (self.n % (self.width - 200), 100)
        self.fbo.draw()
        pixels: bytes = self.fbo.pixels
        return pixels


def fps(scene: Scene, frames: int) -> float:
    """Frames per second over ``frames`` frames (after two warm-up frames)."""
    scene.frame()
    scene.frame()
    start = time.perf_counter()
    for _ in range(frames):
        scene.frame()
    return frames / (time.perf_counter() - start)


def latency_frames(live: LiveScene, trials: int = 5) -> list[int]:
    """Frames from a store change (day ↔ night) until the status bar's pixels change."""
    from cardeck_sim.state import DayNight

    bar = next(p for p in live.layout.panels if p.kind == "status_bar").rect_px
    # One pixel of the status bar background, away from its text (GL rows start at the bottom).
    x, y = int(bar.x + bar.width / 2), live.height - int(bar.y + 2) - 1
    offset = (y * live.width + x) * 4

    results = []
    for i in range(trials):
        before = live.frame()[offset : offset + 3]
        live.store.update_vehicle(day_night=DayNight.NIGHT if i % 2 == 0 else DayNight.DAY)
        for n in range(1, 10):
            if live.frame()[offset : offset + 3] != before:
                results.append(n)
                break
        else:
            results.append(99)
    return results


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150, help="frames per round (default 150)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--locale",
        default="en-XA",
        help="the locale measured against en on the 1920×720 scene (default en-XA)",
    )
    args = parser.parse_args()
    from cardeck.i18n import normalize_locale

    other = normalize_locale(args.locale)

    from cardeck.layout import bundled_profiles
    from cardeck_sim.ui import ensure_window

    largest = max(
        (
            (p.id, d.id, d.width_px * d.height_px)
            for p in bundled_profiles().values()
            for d in p.displays
        ),
        key=lambda item: item[2],
    )
    ensure_window(1920, 720)
    rows: list[tuple[str, str, str]] = []
    for profile_id, display_id in (STRIP, largest[:2]):
        live = LiveScene(profile_id, display_id)
        bare = BareScene(live.width, live.height)
        # The same scene in another locale, on the strip only: its rounds interleave too.
        localized = LiveScene(profile_id, display_id, other) if display_id == STRIP[1] else None
        live_fps, bare_fps, local_fps = [], [], []
        for n in range(args.rounds):
            bare_fps.append(fps(bare, args.frames))
            # The two locales take turns going first, so neither always runs warmer.
            if localized is not None and n % 2:
                local_fps.append(fps(localized, args.frames))
            live_fps.append(fps(live, args.frames))
            if localized is not None and not n % 2:
                local_fps.append(fps(localized, args.frames))
        lat = latency_frames(live)
        lf, bf = statistics.median(live_fps), statistics.median(bare_fps)
        ratio = lf / bf
        size = f"{live.width}×{live.height}"
        rows += [
            (f"bare canvas {size}, fps", f"{bf:.1f}", ""),
            (f"live scene {size} ({profile_id}) + guidance, fps", f"{lf:.1f}", ""),
            (
                f"live / bare {size}",
                f"{ratio:.2f}",
                "PASS" if ratio >= 0.85 else "FAIL (goal ≥ 0.85)",
            ),
            (
                f"store change → pixels {size}, frames",
                f"max {max(lat)} ({lat})",
                "PASS" if max(lat) <= 2 else "FAIL (goal ≤ 2)",
            ),
            (f"live ms per frame {size}", f"{1000 / lf:.1f}", ""),
            (f"panel rebuilds {size}", str(live.rebuilt), ""),
        ]
        if local_fps:
            xf = statistics.median(local_fps)
            rows += [
                (f"live scene {size} in {other}, fps", f"{xf:.1f}", ""),
                (
                    f"live {other} / live en {size}",
                    f"{xf / lf:.2f}",
                    "PASS" if xf / lf >= 0.85 else "FAIL (goal ≥ 0.85)",
                ),
            ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>22}  verdict")
    for name, value, verdict in rows:
        print(f"{name:<{width}}  {value:>22}  {verdict}")


if __name__ == "__main__":
    main()
