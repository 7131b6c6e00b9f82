"""Headless pictures: one display, a whole dashboard, a contact sheet of every profile.

Each display is painted into an ``Fbo`` of its native size and read back
with ``fbo.pixels`` — not ``Window.screenshot``, which is relative to the
cwd, never overwrites and is only as large as the window. Kivy has one
window (GL context) per process; :func:`ensure_window` makes it on first
use, sized before it exists (a later resize is not drawn offscreen).
Everything here runs on the thread that made the window (the loop thread).
"""

from __future__ import annotations

import functools
import gc
import io
import logging
import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cardeck.layout import Display, DisplayLayout, VehicleProfile

from ._scene import arrange_dashboard
from ._sheet import (
    GALLERY_DIR,
    SheetPlan,
    gallery_image_name,
    gallery_markdown,
    plan_sheet,
)

if TYPE_CHECKING:
    from kivy.core.window import WindowBase
    from kivy.graphics import Fbo
    from PIL import Image as PILImage
    from PIL import ImageFont

    from cardeck_sim.maps import MapData
    from cardeck_sim.state import ProfileSource, StateStore

    from .painters import Clock, DisplayPainter

__all__ = [
    "GALLERY_COMMAND",
    "ContactSheet",
    "RenderFn",
    "compose_dashboard",
    "contact_sheet",
    "dashboard_thumbnails",
    "demo_renderer",
    "ensure_window",
    "gallery_image",
    "gallery_thumbnails",
    "render_display",
    "render_image",
    "render_profile",
    "screenshot",
    "write_gallery",
]

_PAINTER_CACHE_SIZE = 4
# (display, layout, id of the map) → its painter and the Fbo it draws into.
_painters: OrderedDict[tuple[Display, DisplayLayout, int], tuple[DisplayPainter, Fbo]] = (
    OrderedDict()
)
_DASHBOARD_BG = (8, 9, 11)


def prepare_kivy_env(headless: bool = True) -> None:
    """Set Kivy's environment before it is imported: no argv parsing, no user config.

    Without ``KIVY_NO_ARGS`` Kivy would parse our command line as its own;
    without ``KIVY_LOG_MODE=PYTHON`` it would replace ``sys.stderr``.
    """
    for key, value in (
        ("KIVY_NO_ARGS", "1"),
        ("KIVY_NO_CONFIG", "1"),
        ("KIVY_NO_FILELOG", "1"),
        ("KIVY_LOG_MODE", "PYTHON"),
    ):
        os.environ.setdefault(key, value)
    if headless:
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    kivy_logger = logging.getLogger("kivy")
    if _drop_optional_provider_noise not in kivy_logger.filters:
        kivy_logger.addFilter(_drop_optional_provider_noise)


def _drop_optional_provider_noise(record: logging.LogRecord) -> bool:
    """Drop Kivy's traceback for a missing libmtdev: an optional evdev multitouch
    provider the SDL window never uses; in Python log mode it would reach stderr."""
    return not str(record.msg).startswith("Input: MTDev is not supported")


def ensure_window(width: int = 320, height: int = 240, *, headless: bool = True) -> WindowBase:
    """Return Kivy's window, creating it at this size if it does not exist yet."""
    prepare_kivy_env(headless)
    if "kivy.core.window" not in sys.modules:
        from kivy.config import Config

        Config.set("graphics", "width", str(int(width)))
        Config.set("graphics", "height", str(int(height)))
        Config.set("kivy", "exit_on_escape", "0")
    from kivy.core.window import Window

    return Window


def _painter(
    display: Display, layout: DisplayLayout, map_data: MapData | None
) -> tuple[DisplayPainter, Fbo]:
    """Return a cached (painter, fbo) for a display, so road meshes and textures are reused."""
    ensure_window()
    from .painters import DisplayPainter

    key = (display, layout, id(map_data))
    hit = _painters.get(key)
    if hit is not None:
        _painters.move_to_end(key)
        return hit
    painter = DisplayPainter(display, layout, map_data=map_data)
    fbo = painter.make_fbo()
    _painters[key] = (painter, fbo)
    evicted = False
    while len(_painters) > _PAINTER_CACHE_SIZE:
        _painters.popitem(last=False)
        evicted = True
    if evicted:
        _release_gl()
    return painter, fbo


def _release_gl() -> None:
    """Free the GL memory of dropped painters now.

    Kivy queues the textures, FBOs and buffers of collected graphics objects and deletes
    them on its Clock's next tick; a headless head unit runs no Kivy Clock, so every
    evicted display surface (several MB in llvmpipe's memory) stayed allocated forever:
    Screenshot over changing profiles grew the head unit by about 6 MB a call.
    """
    from kivy.graphics.context import get_context

    gc.collect()  # painters hold reference cycles (canvas callbacks)
    get_context().gl_dealloc()


def read_fbo(fbo: Fbo) -> PILImage.Image:
    """Draw an Fbo and return its pixels as an RGB image, top row first."""
    from PIL import Image

    fbo.draw()
    w, h = (int(v) for v in fbo.size)
    image = Image.frombytes("RGBA", (w, h), fbo.pixels)
    # GL rows start at the bottom.
    return image.transpose(Image.Transpose.FLIP_TOP_BOTTOM).convert("RGB")


def render_image(
    store: StateStore,
    display: Display,
    layout: DisplayLayout,
    *,
    map_data: MapData | None = None,
    clock: Clock | None = None,
) -> PILImage.Image:
    """Render one display as the store shows it now; return an RGB image of its native size.

    :param store: The state to draw.
    :param display: The profile's display.
    :param layout: Its layout (a modified copy is fine: tests move panels).
    :param map_data: The map for the map panel, or None for no roads.
    :param clock: Returns the status bar's time (default: now).
    """
    painter, fbo = _painter(display, layout, map_data)
    painter.clock = clock or datetime.now
    painter.update(store)
    return read_fbo(fbo)


def _png(image: PILImage.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _display(catalog: ProfileSource, profile_id: str, display_id: str) -> Display:
    profile = catalog.get(profile_id)
    for d in profile.displays:
        if d.id == display_id:
            found: Display = d
            return found
    ids = ", ".join(d.id for d in profile.displays)
    raise KeyError(f"The profile {profile_id!r} has no display {display_id!r}; it has {ids}.")


def render_display(
    store: StateStore,
    catalog: ProfileSource,
    display_id: str,
    *,
    profile_id: str = "",
    map_data: MapData | None = None,
    clock: Clock | None = None,
) -> bytes:
    """Render one display of the active (or given) profile; return PNG bytes.

    :raises KeyError: If the profile has no such display.
    """
    pid = profile_id or store.active_profile_id
    display = _display(catalog, pid, display_id)
    layout = catalog.layouts(pid)[display_id]
    return _png(render_image(store, display, layout, map_data=map_data, clock=clock))


def compose_dashboard(
    profile: VehicleProfile,
    images: dict[str, PILImage.Image],
    max_width: int,
    max_height: int,
    *,
    px_per_mm: float | None = None,
) -> PILImage.Image:
    """Paste display images where they sit on the dashboard, all at one physical scale.

    See :func:`arrange_dashboard`: the scale fits the box, or is ``px_per_mm``.
    """
    from PIL import Image

    width, height, slots = arrange_dashboard(profile, max_width, max_height, px_per_mm=px_per_mm)
    sheet = Image.new("RGB", (max(1, round(width)), max(1, round(height))), _DASHBOARD_BG)
    small = dashboard_thumbnails(profile, images, max_width, max_height, px_per_mm=px_per_mm)
    for slot in slots:
        sheet.paste(small[slot.display_id], (round(slot.x), round(slot.y)))
    return sheet


def dashboard_thumbnails(
    profile: VehicleProfile,
    images: dict[str, PILImage.Image],
    max_width: int,
    max_height: int,
    *,
    px_per_mm: float | None = None,
) -> dict[str, PILImage.Image]:
    """Each given display image resized to its slot in :func:`compose_dashboard`'s picture.

    Passing these (instead of native renders) to :func:`compose_dashboard` gives the same
    picture, so a caller can keep small images instead of every native render.
    """
    from PIL import Image

    _, _, slots = arrange_dashboard(profile, max_width, max_height, px_per_mm=px_per_mm)
    return {
        slot.display_id: images[slot.display_id].resize(
            (max(1, round(slot.width)), max(1, round(slot.height))), Image.Resampling.LANCZOS
        )
        for slot in slots
        if slot.display_id in images
    }


def render_profile_image(
    store: StateStore,
    profile: VehicleProfile,
    layouts: dict[str, DisplayLayout],
    *,
    map_data: MapData | None = None,
    clock: Clock | None = None,
    max_width: int = 2400,
    max_height: int = 1600,
    px_per_mm: float | None = None,
) -> PILImage.Image:
    """Render every display of a profile and place each at its dashboard position.

    All displays share one scale in px per mm (see :func:`arrange_dashboard`).
    """
    images = {
        d.id: render_image(store, d, layouts[d.id], map_data=map_data, clock=clock)
        for d in profile.displays
    }
    return compose_dashboard(profile, images, max_width, max_height, px_per_mm=px_per_mm)


def render_profile(
    store: StateStore,
    catalog: ProfileSource,
    profile_id: str = "",
    *,
    map_data: MapData | None = None,
    clock: Clock | None = None,
    max_width: int = 2400,
    max_height: int = 1600,
) -> bytes:
    """Render all displays of the active (or given) profile as on the dashboard; return PNG."""
    pid = profile_id or store.active_profile_id
    image = render_profile_image(
        store,
        catalog.get(pid),
        catalog.layouts(pid),
        map_data=map_data,
        clock=clock,
        max_width=max_width,
        max_height=max_height,
    )
    return _png(image)


def screenshot(
    store: StateStore,
    catalog: ProfileSource,
    display_id: str = "",
    *,
    map_data: MapData | None = None,
) -> bytes:
    """Return a PNG of one display at native size, or of the whole dashboard with ``""``.

    This is what SimulatorService.Screenshot and the console's ``screenshot``
    return; call it on the loop thread (the GL context's thread). Pass the
    service's map (``unit.maps.data``); None draws the map panel without roads.

    :raises KeyError: If the active profile has no such display.
    """
    if display_id:
        return render_display(store, catalog, display_id, map_data=map_data)
    return render_profile(store, catalog, map_data=map_data)


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Kivy's bundled Roboto for the sheet's labels, so they look the same everywhere."""
    import kivy
    from PIL import ImageFont

    path = Path(kivy.__file__).parent / "data" / "fonts" / "Roboto-Regular.ttf"
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default()


def _measure(text: str, size: int) -> tuple[float, float, float, float]:
    left, top, right, bottom = _font(size).getbbox(text)
    return float(left), float(top), float(right), float(bottom)


#: A render of one display: (profile, display, night) → its native-size image.
RenderFn = Callable[[VehicleProfile, Display, bool], "PILImage.Image"]


def demo_renderer(map_data: MapData | None = None, clock: Clock | None = None) -> RenderFn:
    """Return a function that renders a display in the demo scene (a store per vehicle and theme).

    :param map_data: The map (default: the bundled extract, loaded here).
    :param clock: The status bar's time (default: the demo's fixed 12:34).
    """
    from cardeck.layout import solve_profile

    from ._demo import DEMO_CLOCK, demo_store

    ensure_window()
    if map_data is None:
        from cardeck_sim.maps import MapData

        map_data = MapData.load()
    data: MapData = map_data
    scenes: dict[tuple[str, bool], StateStore] = {}
    layouts: dict[str, dict[str, DisplayLayout]] = {}

    def render(profile: VehicleProfile, display: Display, night: bool) -> PILImage.Image:
        key = (profile.id, night)
        if key not in scenes:
            scenes[key] = demo_store(data, profile_id=profile.id, night=night)
        if profile.id not in layouts:
            layouts[profile.id] = solve_profile(profile)
        return render_image(
            scenes[key],
            display,
            layouts[profile.id][display.id],
            map_data=data,
            clock=clock or DEMO_CLOCK,
        )

    return render


@dataclass(frozen=True)
class ContactSheet:
    """A contact sheet written: where, and what is where on it."""

    path: Path
    plan: SheetPlan


_PAGE_BG = (246, 247, 249)
_TITLE_INK = (20, 22, 26)
_LABEL_INK = (72, 78, 88)


def contact_sheet(
    profiles: Iterable[VehicleProfile] | None,
    out_path: str | Path,
    *,
    width: int = 2400,
    aspect: float = 1.6,
    night: bool = False,
    render: RenderFn | None = None,
    progress: Callable[[], None] | None = None,
) -> ContactSheet:
    """Write a labelled PNG grid of vehicles, each with its displays as on the dashboard.

    Vehicles wrap into rows that fill the page (see :func:`plan_sheet`); each
    vehicle's displays share one scale in px per mm; every label is measured
    and overlaps no picture and no other label.

    :param profiles: The profiles (default: every bundled profile, by id).
    :param out_path: Where to write the PNG.
    :param width: The page width in px.
    :param aspect: The page's wished width / height.
    :param night: Draw the night theme.
    :param render: Renders one display (default: :func:`demo_renderer`, the demo scene).
    :param progress: Called after each display is rendered.
    :returns: The path written and the plan of the sheet.
    """
    from PIL import Image, ImageDraw

    from cardeck.layout import bundled_profiles

    ensure_window()  # before _font() imports kivy, so the environment is ours
    if profiles is None:
        profiles = [p for _, p in sorted(bundled_profiles().items())]
    profiles = list(profiles)
    render = render or demo_renderer()
    plan = plan_sheet(profiles, _measure, width=width, aspect=aspect)
    sheet = Image.new("RGB", (plan.width, plan.height), _PAGE_BG)
    boxes = {(i.profile_id, i.display_id): i.box for i in plan.images}
    for profile in profiles:
        for d in profile.displays:
            box = boxes[profile.id, d.id]
            image = render(profile, d, night)
            size = (round(box.width), round(box.height))
            sheet.paste(image.resize(size, Image.Resampling.LANCZOS), (round(box.x), round(box.y)))
            if progress is not None:
                progress()
    draw = ImageDraw.Draw(sheet)
    for label in plan.labels:
        ink = _TITLE_INK if label.title else _LABEL_INK
        draw.text(label.origin, label.text, fill=ink, font=_font(label.size_px))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG", optimize=True)
    return ContactSheet(out, plan)


#: The gallery's pictures fit this box (px): wide enough for a docs page, small in git.
GALLERY_MAX_WIDTH = 1200
GALLERY_MAX_HEIGHT = 720
#: The command the gallery page names as its generator.
GALLERY_COMMAND = "cardeck layout gallery -o docs"


def gallery_image(profile: VehicleProfile, images: dict[str, PILImage.Image]) -> PILImage.Image:
    """A vehicle's gallery picture: its display images (native, or from
    :func:`gallery_thumbnails`) as on the dashboard, at most 1200 × 720 px."""
    return compose_dashboard(profile, images, GALLERY_MAX_WIDTH, GALLERY_MAX_HEIGHT)


def gallery_thumbnails(
    profile: VehicleProfile, images: dict[str, PILImage.Image]
) -> dict[str, PILImage.Image]:
    """Native display renders resized to their place in :func:`gallery_image`."""
    return dashboard_thumbnails(profile, images, GALLERY_MAX_WIDTH, GALLERY_MAX_HEIGHT)


def write_gallery(
    out_dir: str | Path,
    profiles: Iterable[VehicleProfile] | None = None,
    *,
    render: RenderFn | None = None,
    progress: Callable[[], None] | None = None,
    optimize: bool = True,
) -> list[Path]:
    """Write ``OUT_DIR/gallery.md`` and a day and a night picture of every vehicle.

    The pictures go to ``OUT_DIR/gallery/`` (see :func:`gallery_image`); stale
    pictures of vehicles no longer listed are removed.

    :param out_dir: The folder for gallery.md (the repository's ``docs``).
    :param profiles: The vehicles (default: every bundled profile, by id).
    :param render: Renders one display (default: :func:`demo_renderer`).
    :param progress: Called after each display is rendered.
    :param optimize: Compress the PNGs as much as PNG can (slow; False for a quick check).
    :returns: The files written, the page first.
    """
    from cardeck.layout import bundled_profiles

    if profiles is None:
        profiles = [p for _, p in sorted(bundled_profiles().items())]
    profiles = list(profiles)
    render = render or demo_renderer()
    root = Path(out_dir)
    folder = root / GALLERY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    page = root / "gallery.md"
    page.write_text(gallery_markdown(profiles, GALLERY_COMMAND), encoding="utf-8")
    written = [page]
    for profile in profiles:
        for night in (False, True):
            images = {}
            for d in profile.displays:
                images[d.id] = render(profile, d, night)
                if progress is not None:
                    progress()
            path = folder / gallery_image_name(profile.id, night)
            picture = gallery_image(profile, images)
            picture.save(path, format="PNG", optimize=optimize, compress_level=9 if optimize else 1)
            written.append(path)
    keep = {p.name for p in written}
    for old in folder.glob("*.png"):
        if old.name not in keep:
            old.unlink()
    return written
