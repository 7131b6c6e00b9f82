"""Benchmark the browser panel's screencast against screenshot polling.

Run: ``python bench/bench_browser.py [--seconds 5]``. Opens a 1024x600
animated page served on 127.0.0.1 in headless Chromium and prints:

- screencast frames per second, frame intervals, and Chromium's frame
  timestamp to arrival in Python (indicative: a different clock);
- click-to-frame latency: a click turns the page a new colour, and the time
  until the first frame showing that colour arrives (frames are decoded off
  the event loop, as the UI does);
- the baseline measured in the same run: ``Page.captureScreenshot``
  round trips per second (JPEG q70, the same encoding, and PNG), with the
  screencast/baseline ratio;
- event-loop lag while frames stream (the engine must never block the loop).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the tests' page server

from cardeck_sim.browser import BrowserEngine, ScreencastFrame, UrlPolicy
from tests.integration._pages import QuietHandler, serve_http

WIDTH, HEIGHT = 1024, 600

_ANIMATED = b"""<!doctype html><html><head><title>anim</title><link rel=icon href='data:,'>
<style>body{margin:0;height:100vh;font:48px sans-serif}</style></head><body><div id=t></div>
<script>
let n = 0;
function tick() {
  n++;
  document.body.style.background = `hsl(${(n * 7) % 360}, 80%, 50%)`;
  document.getElementById('t').textContent = n;
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
</script></body></html>"""

# Each click flips the background between pure red and pure blue.
_CLICK = b"""<!doctype html><html><head><title>click</title><link rel=icon href='data:,'>
</head><body style="margin:0;height:100vh;background:#ff0000">
<script>
let red = true;
document.addEventListener('mousedown', () => {
  red = !red;
  document.body.style.background = red ? '#ff0000' : '#0000ff';
});
</script></body></html>"""


@contextmanager
def serve() -> Iterator[str]:
    """Serve the two pages on an unused 127.0.0.1 port from a thread."""
    pages = {"/anim": _ANIMATED, "/click": _CLICK}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.reply(200 if body else 404, "text/html", body)

    with serve_http(Handler) as port:
        yield f"http://127.0.0.1:{port}"


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def centre_colour(jpeg: bytes) -> tuple[int, int, int]:
    """Decode a frame and return its centre pixel (run in a worker thread)."""
    with Image.open(io.BytesIO(jpeg)) as image:
        r, g, b = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
    return int(r), int(g), int(b)


async def loop_lag(stop: asyncio.Event, lags: list[float]) -> None:
    """Record how late 5 ms sleeps wake up while the benchmark runs."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.005)
        lags.append(time.perf_counter() - start - 0.005)


async def run(seconds: float) -> None:
    frames: list[tuple[float, ScreencastFrame]] = []
    queue: asyncio.Queue[ScreencastFrame] = asyncio.Queue()

    def on_frame(frame: ScreencastFrame) -> None:
        frames.append((time.time(), frame))
        queue.put_nowait(frame)

    with serve() as base:
        policy = UrlPolicy(allowed_hosts=("127.0.0.1",))
        async with BrowserEngine(
            width=WIDTH, height=HEIGHT, policy=policy, on_frame=on_frame
        ) as engine:
            # 1. Screencast of an animated page.
            await engine.navigate(f"{base}/anim")
            await asyncio.sleep(0.5)  # let the first frames settle
            frames.clear()
            stop = asyncio.Event()
            lags: list[float] = []
            lagger = asyncio.create_task(loop_lag(stop, lags))
            start = time.monotonic()
            await asyncio.sleep(seconds)
            elapsed = time.monotonic() - start
            stop.set()
            await lagger
            cast = list(frames)
            fps = len(cast) / elapsed
            # Chromium's frame timestamp comes from another clock conversion
            # than time.time(), so this delta is indicative only (it can be
            # slightly negative); the click test below measures true latency.
            latencies = [(wall - f.timestamp) * 1000 for wall, f in cast if f.timestamp]
            gaps = [
                (b.received_monotonic - a.received_monotonic) * 1000
                for (_, a), (_, b) in itertools.pairwise(cast)
            ]
            sizes = [len(f.jpeg) / 1024 for _, f in cast]

            # 2. Click-to-frame latency on a page that flips colour on click.
            await engine.navigate(f"{base}/click")
            await asyncio.sleep(0.3)
            click_ms: list[float] = []
            red = True
            for _ in range(20):
                while not queue.empty():
                    queue.get_nowait()
                red = not red
                want = (255, 0, 0) if red else (0, 0, 255)
                t0 = time.monotonic()
                await engine.click(WIDTH // 2, HEIGHT // 2)
                while True:
                    async with asyncio.timeout(5):
                        frame = await queue.get()
                    colour = await asyncio.to_thread(centre_colour, frame.jpeg)
                    if all(abs(c - w) < 40 for c, w in zip(colour, want, strict=True)):
                        click_ms.append((frame.received_monotonic - t0) * 1000)
                        break

            # 3. Baseline, same run, same page: screenshot polling without
            # screencast traffic competing for the renderer.
            await engine.navigate(f"{base}/anim")
            await engine._call("Page.stopScreencast", {})  # bench-only private use
            shots = {}
            for label, params in (
                ("captureScreenshot jpeg q70", {"format": "jpeg", "quality": 70}),
                ("captureScreenshot png", {"format": "png"}),
            ):
                count = 0
                t_end = time.monotonic() + min(seconds, 3.0)
                t_start = time.monotonic()
                while time.monotonic() < t_end:
                    await engine._call("Page.captureScreenshot", params)
                    count += 1
                shots[label] = count / (time.monotonic() - t_start)

    rows = [
        ("screencast frames/s (animated page)", f"{fps:8.1f}"),
        ("screencast frame size KiB (median)", f"{statistics.median(sizes):8.1f}"),
        ("frame interval ms p50", f"{pct(gaps, 0.5):8.1f}"),
        ("frame interval ms p95", f"{pct(gaps, 0.95):8.1f}"),
        ("CDP timestamp->arrival ms p50 (indicative)", f"{pct(latencies, 0.5):8.1f}"),
        ("CDP timestamp->arrival ms p95 (indicative)", f"{pct(latencies, 0.95):8.1f}"),
        ("click->frame ms p50 (n=20)", f"{pct(click_ms, 0.5):8.1f}"),
        ("click->frame ms p95 (n=20)", f"{pct(click_ms, 0.95):8.1f}"),
        ("event-loop lag ms p99 while casting", f"{pct(lags, 0.99) * 1000:8.2f}"),
        ("event-loop lag ms max while casting", f"{max(lags) * 1000:8.2f}"),
    ]
    for label, rate in shots.items():
        rows.append((f"baseline {label}/s", f"{rate:8.1f}"))
        rows.append((f"ratio screencast fps / {label}", f"{fps / rate:8.2f}x"))
    width = max(len(label) for label, _ in rows)
    print(f"browser screencast benchmark, {WIDTH}x{HEIGHT}, {seconds:.0f} s, {len(cast)} frames")
    print("-" * (width + 12))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="screencast duration")
    args = parser.parse_args()
    asyncio.run(run(args.seconds))


if __name__ == "__main__":
    main()
