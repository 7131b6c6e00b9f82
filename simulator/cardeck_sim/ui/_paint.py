"""Paint one display of a vehicle profile from the state store into Kivy instructions.

:class:`DisplayPainter` owns one ``InstructionGroup`` per panel and rebuilds
a panel only when the store values it shows have changed (each panel has a
key function over the store), so a guidance step redraws the map overlay and
the guidance card, not the browser or the roads. The road meshes are cached
per camera and panel size. Coordinates: the layout's rects are top-left
origin, Kivy's are bottom-left; :func:`_flip` converts.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

import numpy as np
from kivy.core.text import Label as CoreLabel  # type: ignore[import-untyped]
from kivy.graphics import (  # type: ignore[import-untyped]
    ClearBuffers,
    ClearColor,
    Color,
    Ellipse,
    Fbo,
    InstructionGroup,
    Line,
    Mesh,
    PopMatrix,
    PushMatrix,
    Rectangle,
    RoundedRectangle,
    Translate,
    Triangle,
)
from kivy.graphics.scissor_instructions import (  # type: ignore[import-untyped]
    ScissorPop,
    ScissorPush,
)
from kivy.graphics.texture import Texture  # type: ignore[import-untyped]

from cardeck.layout import Display, DisplayLayout, PanelLayout, Rect

from ._scene import browser_content_rect, camera_for, dock_tabs, frame_rect
from ._theme import NIGHT, RGB, Theme, theme_for

__all__ = ["DisplayPainter", "decode_frame"]

Clock = Callable[[], datetime]
_TEXT_CACHE_SIZE = 1024
_ROAD_CACHE_SIZE = 16
# Kivy meshes index with unsigned shorts: at most 65 536 vertices, i.e. 16 384 quads.
_MAX_QUADS = 16_384


def _rgba(c: RGB, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """Convert 0–255 RGB to Kivy's 0–1 RGBA."""
    return (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, alpha)


class _TextCache:
    """Label textures by (text, size, colour, …): building one costs ~0.3 ms, reuse costs 0."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def texture(
        self,
        text: str,
        size_px: float,
        color: RGB,
        *,
        bold: bool = False,
        width: float | None = None,
        max_lines: int = 1,
        halign: str = "left",
    ) -> Any:
        """Return a texture of the text; with ``width`` it wraps (or shortens, one line)."""
        key = (
            text,
            round(size_px, 1),
            color,
            bold,
            None if width is None else int(width),
            max_lines,
            halign,
        )
        tex = self._cache.get(key)
        if tex is not None:
            self._cache.move_to_end(key)
            return tex
        options: dict[str, Any] = {
            "text": text,
            "font_size": size_px,
            "color": _rgba(color),
            "bold": bold,
            "halign": halign,
        }
        if width is not None:
            options["text_size"] = (max(1, int(width)), None)
            if max_lines == 1:
                options["shorten"] = True
                options["shorten_from"] = "right"
            else:
                options["max_lines"] = max_lines
        label = CoreLabel(**options)
        label.refresh()
        tex = label.texture
        self._cache[key] = tex
        while len(self._cache) > _TEXT_CACHE_SIZE:
            self._cache.popitem(last=False)
        return tex


def _thick_lines(
    lines: Sequence[Sequence[float]], width: float
) -> list[tuple[list[float], list[int]]]:
    """Return (vertices, indices) meshes drawing polylines as quads of a width.

    One mesh per road class instead of a ``Line`` per road: thousands of
    Line instructions cost ~100 ms to build and more to draw. Each segment is
    a quad extended by half the width at both ends, which covers the joints.
    """
    parts = []
    for line in lines:
        a = np.asarray(line, dtype=np.float32).reshape(-1, 2)
        if len(a) >= 2:
            parts.append(np.hstack([a[:-1], a[1:]]))
    if not parts:
        return []
    seg = np.vstack(parts)
    d = seg[:, 2:] - seg[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    keep = length > 1e-6
    seg, d, length = seg[keep], d[keep], length[keep]
    u = d / length[:, None] * (width / 2.0)
    n = np.stack([-u[:, 1], u[:, 0]], axis=1)
    p0 = seg[:, :2] - u
    p1 = seg[:, 2:] + u
    quads = np.stack([p0 + n, p0 - n, p1 - n, p1 + n], axis=1)  # (N, 4, 2)
    meshes = []
    for start in range(0, len(quads), _MAX_QUADS):
        chunk = quads[start : start + _MAX_QUADS]
        verts = np.zeros((len(chunk) * 4, 4), dtype=np.float32)
        verts[:, :2] = chunk.reshape(-1, 2)
        base = np.arange(len(chunk), dtype=np.int64)[:, None] * 4
        idx = (base + np.array([0, 1, 2, 0, 2, 3])).ravel()
        meshes.append((verts.ravel().tolist(), idx.tolist()))
    return meshes


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two (x, y, w, h) boxes intersect."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def decode_frame(jpeg: bytes) -> tuple[int, int, bytes]:
    """Decode a JPEG screencast frame to (width, height, RGB bytes, bottom row first).

    Runs anywhere (Pillow only); the live app calls it on a worker thread.
    """
    from PIL import Image

    with Image.open(BytesIO(jpeg)) as im:
        rgb = im.convert("RGB").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        return rgb.width, rgb.height, rgb.tobytes()


# -- maneuver arrows -----------------------------------------------------------

_TURN_DEG = {
    "depart": 0.0,
    "continue": 0.0,
    "straight": 0.0,
    "slight_left": -40.0,
    "slight_right": 40.0,
    "left": -90.0,
    "right": 90.0,
    "sharp_left": -135.0,
    "sharp_right": 135.0,
    "roundabout_enter": 60.0,
    "roundabout_exit": 60.0,
}


def _format_distance(m: float) -> str:
    """Distance as a driver reads it: 50 m steps under 1 km, then 0.1 km."""
    if m < 1000:
        return f"{int(round(m / 10.0) * 10)} m"
    return f"{m / 1000:.1f} km"


class DisplayPainter:
    """Draws one display from the store; call :meth:`update` each frame, it is cheap when idle.

    Usage::

        painter = DisplayPainter(display, layout, map_data=data)
        fbo.add(painter.canvas)
        painter.update(store)  # True when something was redrawn

    :param display: The profile's display (size, role, corner radii, cutouts).
    :param layout: Its solved layout.
    :param map_data: The map; None draws the map panel without roads.
    :param clock: Returns the time shown in the status bar (tests pass a fixed one).
    :param incremental: Draw only changed panels each frame into an Fbo that is
        never cleared (the live window); see :meth:`make_fbo`.
    """

    def __init__(
        self,
        display: Display,
        layout: DisplayLayout,
        *,
        map_data: Any = None,
        clock: Clock | None = None,
        text_cache: _TextCache | None = None,
        incremental: bool = False,
    ) -> None:
        self.display = display
        self.incremental = incremental
        self.layout = layout
        self.map_data = map_data
        self.clock = clock or datetime.now
        self.width = display.width_px
        self.height = display.height_px
        self.canvas = InstructionGroup()
        self._text = text_cache or _TextCache()
        self._background = InstructionGroup()
        self._mask = InstructionGroup()
        self._groups: dict[str, InstructionGroup] = {}
        self._keys: dict[str, Any] = {}
        self._bg_key: Any = None
        self._roads: OrderedDict[tuple[Any, ...], InstructionGroup] = OrderedDict()
        self._layers: dict[str, list[Any]] = {}
        # Per map panel: (full-redraw key, vehicle box, card key, card rect) last drawn.
        self._map_state: dict[str, tuple[Any, ...]] = {}
        self._frame_tex: tuple[Any, Any] | None = None  # (frame, texture)
        self._decoded: dict[int, tuple[int, int, bytes]] = {}
        # The live app decodes frames on a worker and keeps the last texture
        # meanwhile; headless renders decode in place.
        self.async_frames = False
        self.canvas.add(self._background)
        for panel in layout.panels:
            if panel.visible:
                group = InstructionGroup()
                self._groups[panel.panel_id] = group
                self.canvas.add(group)
        self.canvas.add(self._mask)
        self._paint_mask()
        self.body_px = float(layout.min_text_px)

    # -- public -----------------------------------------------------------------

    def update(self, store: Any) -> bool:
        """Redraw the panels whose inputs changed since the last call; return whether any did.

        In incremental mode the groups of panels that did not change are
        emptied: their pixels stay in the (never cleared) Fbo, so a frame
        draws only what changed.
        """
        theme = self._theme(store)
        changed = False
        full = self._bg_key != theme.name
        if full:
            self._bg_key = theme.name
            self._background.clear()
            bg = (0, 0, 0) if self.display.role == "hud" else theme.background
            self._background.add(Color(*_rgba(bg)))
            self._background.add(Rectangle(pos=(0, 0), size=(self.width, self.height)))
            changed = True
        elif self.incremental and self._background.children:
            self._background.clear()
        for panel in self.layout.panels:
            if not panel.visible:
                continue
            key = self._key(panel, store, theme)
            group = self._groups[panel.panel_id]
            if self._keys.get(panel.panel_id) == key and panel.panel_id in self._keys:
                if self.incremental and group.children:
                    group.clear()
                    changed = True
                continue
            self._keys[panel.panel_id] = key
            group.clear()
            self._paint_panel(group, panel, store, theme)
            changed = True
        return changed

    def make_fbo(self) -> Any:
        """Return an Fbo of the display's size drawing this painter.

        A full painter's Fbo clears each draw; an incremental one never
        clears, so unchanged panels keep their pixels.
        """
        fbo = Fbo(size=(self.width, self.height))
        if not self.incremental:
            fbo.add(ClearColor(0, 0, 0, 1))
            fbo.add(ClearBuffers())
        fbo.add(self.canvas)
        return fbo

    def set_decoded_frame(self, frame: Any, decoded: tuple[int, int, bytes]) -> None:
        """Hand over a frame decoded off the loop thread (see :func:`decode_frame`)."""
        self._decoded = {id(frame): decoded}

    # -- keys: what each panel shows -------------------------------------------

    def _theme(self, store: Any) -> Theme:
        # A HUD projects onto the windshield: black is transparent, so it is always "night".
        if self.display.role == "hud":
            return NIGHT
        return theme_for(store.vehicle.dark_theme)

    def _key(self, panel: PanelLayout, store: Any, theme: Theme) -> tuple[Any, ...]:
        focused = store.focus.get(self.layout.display_id) == panel.panel_id
        base = (theme.name, focused)
        kind = panel.kind
        v = store.vehicle
        if kind == "status_bar":
            return (
                *base,
                self.clock().strftime("%H:%M"),
                store.restrictions.parked,
                v.gear,
                round(v.speed_kmh),
                v.dark_theme,
            )
        if kind == "map":
            m = store.map
            return (*base, m.route, m.markers, m.camera, m.vehicle, m.guidance)
        if kind in ("guidance_card", "next_maneuver"):
            return (*base, self._guidance_texts(store.map))
        if kind == "speed":
            return (*base, round(v.speed_kmh), v.gear)
        if kind == "voice":
            return (*base, store.voice)
        if kind == "browser":
            return (
                *base,
                store.browser,
                store.restrictions.browser_locked,
                id(store.browser.frame) in self._decoded,
            )
        if kind == "dock":
            return (*base, store.focus.get(self.layout.display_id))
        return base

    # -- helpers ----------------------------------------------------------------

    def _flip(self, r: Rect) -> tuple[float, float, float, float]:
        """Return a layout rect as Kivy (x, y, w, h) with y up."""
        return (float(r.x), float(self.height - r.y - r.height), float(r.width), float(r.height))

    def _label(
        self,
        g: InstructionGroup,
        text: str,
        x: float,
        top: float,
        size: float,
        color: RGB,
        *,
        bold: bool = False,
        width: float | None = None,
        max_lines: int = 1,
        halign: str = "left",
    ) -> float:
        """Draw text with its top-left at (x, top) in Kivy coords; return its height."""
        if not text:
            return 0.0
        tex = self._text.texture(
            text, size, color, bold=bold, width=width, max_lines=max_lines, halign=halign
        )
        w, h = tex.size
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=tex, pos=(round(x), round(top - h)), size=(w, h)))
        return float(h)

    def _label_centered(
        self,
        g: InstructionGroup,
        text: str,
        cx: float,
        cy: float,
        size: float,
        color: RGB,
        *,
        bold: bool = False,
        width: float | None = None,
    ) -> None:
        """Draw one line of text centred on (cx, cy)."""
        if not text:
            return
        tex = self._text.texture(text, size, color, bold=bold, width=width, halign="center")
        w, h = tex.size
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=tex, pos=(round(cx - w / 2), round(cy - h / 2)), size=(w, h)))

    def _paint_mask(self) -> None:
        """Black out rounded corners and cutouts, as the glass does."""
        g = self._mask
        d = self.display
        g.add(Color(0, 0, 0, 1))
        W, H = self.width, self.height
        radii = d.corner_radii
        corners = (
            (radii.top_left, 0.0, float(H), 1.0, -1.0),
            (radii.top_right, float(W), float(H), -1.0, -1.0),
            (radii.bottom_right, float(W), 0.0, -1.0, 1.0),
            (radii.bottom_left, 0.0, 0.0, 1.0, 1.0),
        )
        for r, cx, cy, sx, sy in corners:
            if r <= 0:
                continue
            # A fan from the corner over the quarter arc: the area outside the rounding.
            ox, oy = cx + sx * r, cy + sy * r
            verts = [cx, cy, 0.0, 0.0]
            steps = 12
            for i in range(steps + 1):
                a = math.pi / 2 * i / steps
                verts += [ox - sx * r * math.cos(a), oy - sy * r * math.sin(a), 0.0, 0.0]
            g.add(Mesh(vertices=verts, indices=list(range(steps + 2)), mode="triangle_fan"))
        for c in d.cutouts:
            g.add(Rectangle(pos=(c.x, H - c.y - c.height), size=(c.width, c.height)))

    def _focus_outline(self, g: InstructionGroup, panel: PanelLayout, theme: Theme) -> None:
        x, y, w, h = self._flip(panel.rect_px)
        t = max(2.0, self.layout.min_touch_px / 25.0)
        g.add(Color(*_rgba(theme.accent)))
        g.add(Line(rectangle=(x + t, y + t, w - 2 * t, h - 2 * t), width=t, joint="miter"))

    # -- panels -----------------------------------------------------------------

    def _paint_panel(
        self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme
    ) -> None:
        painter = {
            "status_bar": self._status_bar,
            "map": self._map,
            "guidance_card": self._guidance_card,
            "next_maneuver": self._next_maneuver,
            "speed": self._speed,
            "voice": self._voice,
            "browser": self._browser,
            "dock": self._dock,
        }.get(panel.kind, self._unknown)
        # Clip to the panel: nothing may spill into a neighbour, which in
        # incremental mode would not be repainted.
        x, y, w, h = self._flip(panel.rect_px)
        g.add(ScissorPush(x=int(x), y=int(y), width=max(1, int(w)), height=max(1, int(h))))
        painter(g, panel, store, theme)
        if store.focus.get(self.layout.display_id) == panel.panel_id:
            self._focus_outline(g, panel, theme)
        g.add(ScissorPop())

    def _card(self, g: InstructionGroup, panel: PanelLayout, theme: Theme) -> tuple[float, ...]:
        """Fill a panel with the surface colour; return its Kivy rect and padding."""
        x, y, w, h = self._flip(panel.rect_px)
        # Opaque in every case (a HUD's black is its "transparent"): incremental
        # frames paint a panel over its old pixels.
        g.add(Color(*_rgba((0, 0, 0) if self.display.role == "hud" else theme.surface)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        pad = max(8.0, round(self.body_px * 0.6))
        return x, y, w, h, pad

    def _unknown(self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme) -> None:
        x, y, w, h, pad = self._card(g, panel, theme)
        self._label(
            g,
            panel.panel_id,
            x + pad,
            y + h - pad,
            self.body_px,
            theme.text_muted,
            width=w - 2 * pad,
        )

    def _status_bar(
        self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme
    ) -> None:
        x, y, w, h = self._flip(panel.rect_px)
        g.add(Color(*_rgba(theme.status_bar)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        size = self.body_px
        pad = max(8.0, round(size * 0.8))
        cy = y + h / 2
        tex_time = self._text.texture(self.clock().strftime("%H:%M"), size, theme.text, bold=True)
        g.add(Color(1, 1, 1, 1))
        g.add(
            Rectangle(
                texture=tex_time,
                pos=(round(x + pad), round(cy - tex_time.height / 2)),
                size=tex_time.size,
            )
        )
        v = store.vehicle
        if store.restrictions.parked:
            drive = f"Parked · {v.gear.name[0]}"
        else:
            drive = f"Driving · {v.gear.name[0]} · {round(v.speed_kmh)} km/h"
        mode = "Night" if v.dark_theme else "Day"
        tex = self._text.texture(f"{drive}   {mode}", size, theme.text_muted)
        g.add(
            Rectangle(
                texture=tex,
                pos=(round(x + w - pad - tex.width), round(cy - tex.height / 2)),
                size=tex.size,
            )
        )

    def _dock(self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme) -> None:
        x, y, w, h = self._flip(panel.rect_px)
        g.add(Color(*_rgba(theme.surface)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        focused = store.focus.get(self.layout.display_id)
        inset = max(4.0, round(self.layout.min_touch_px * 0.08))
        for tab in dock_tabs(self.layout):
            tx, ty, tw, th = self._flip(tab.rect)
            active = tab.panel_id == focused
            g.add(Color(*_rgba(theme.accent if active else theme.control)))
            g.add(
                RoundedRectangle(
                    pos=(tx + inset, ty + inset),
                    size=(tw - 2 * inset, th - 2 * inset),
                    radius=[inset * 1.5],
                )
            )
            fg = theme.on_accent if active else theme.text
            self._label_centered(
                g,
                tab.label,
                tx + tw / 2,
                ty + th / 2,
                min(self.body_px, (tw - 2 * inset) / 3.2),
                fg,
                bold=active,
                width=tw - 2 * inset,
            )
            if tab.collapsed:
                # A dot marks a panel that lives only in the dock on this display.
                g.add(Color(*_rgba(theme.accent if not active else theme.on_accent)))
                r = inset
                g.add(Ellipse(pos=(tx + tw - 3 * inset, ty + th - 3 * inset), size=(r, r)))

    # -- map ---------------------------------------------------------------------

    def _road_group(self, draw: Any, theme: Theme, key: tuple[Any, ...]) -> InstructionGroup:
        group = self._roads.get(key)
        if group is not None:
            self._roads.move_to_end(key)
            return group
        group = InstructionGroup()
        scale = self.layout.min_touch_px / 76.0
        for layer in draw.roads:
            color, width = theme.roads.get(layer.road_class, ((200, 200, 200), 3.0))
            group.add(Color(*_rgba(color)))
            for verts, idx in _thick_lines(layer.lines, width * scale):
                group.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
        self._roads[key] = group
        while len(self._roads) > _ROAD_CACHE_SIZE:
            self._roads.popitem(last=False)
        return group

    def _layer(
        self, name: str, size: tuple[int, int], key: Any, build: Callable[[InstructionGroup], None]
    ) -> Any:
        """Return the texture of a cached layer, re-rendering it only when ``key`` changes.

        Drawing a texture is one draw call; llvmpipe spends ~0.2 ms per call,
        so the map's roads, route and markers (hundreds of calls) are drawn
        once per camera and the per-frame work is the vehicle and the card.
        """
        entry = self._layers.get(name)
        if entry is None or tuple(entry[0].size) != size:
            if entry is not None:
                entry[2].clear()
            entry = [Fbo(size=size), None, InstructionGroup()]
            self._layers[name] = entry
        fbo, old_key, old_group = entry
        if old_key != key:
            old_group.clear()  # detach cached children (road meshes) before reuse
            fbo.clear()
            group = InstructionGroup()
            build(group)
            fbo.add(ClearColor(0, 0, 0, 0))
            fbo.add(ClearBuffers())
            fbo.add(group)
            fbo.draw()
            entry[1], entry[2] = key, group
        return fbo.texture

    def _map(self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme) -> None:
        x, y, w, h = self._flip(panel.rect_px)
        iw, ih = max(1, int(w)), max(1, int(h))
        m = store.map
        vehicle = m.vehicle
        if m.guidance is not None:
            # Guidance is the newest fix (simulated or matched to the car's GNSS).
            from cardeck_sim.maps import VehiclePose

            vehicle = VehiclePose(m.guidance.position, m.guidance.heading_deg % 360.0)
        scale = self.layout.min_touch_px / 76.0
        draw = None
        static_key: tuple[Any, ...] = (theme.name, iw, ih)
        if self.map_data is not None:
            from cardeck_sim.maps import build_draw_list

            camera = camera_for(m, self.map_data, iw, ih)
            draw = build_draw_list(
                self.map_data, camera, iw, ih, route=m.route, markers=m.markers, vehicle=vehicle
            )
            static_key += (draw.center, draw.zoom, m.route, m.markers)
        tex = self._layer(
            f"map:{panel.panel_id}",
            (iw, ih),
            static_key,
            lambda lg: self._map_static(lg, draw, theme, iw, ih, scale),
        )
        texts = self._guidance_texts(m)
        card_rect: tuple[int, int, int, int] | None = None
        if self.layout.role != "cluster" and texts is not None:
            # No guidance card panel on centre displays: the card floats over the map.
            cw = int(min(w * 0.45, self.body_px * 14))
            ch = int(min(h * 0.4, self.body_px * 6.5))
            card_rect = (round(12 * scale), round(ih - ch - 12 * scale), cw, ch)
        card_key = (theme.name, texts, card_rect)
        vbox = None
        if draw is not None and draw.vehicle is not None:
            vbox = self._vehicle_box(draw.vehicle, scale, iw, ih)
        # A focus change must repaint the whole panel (the outline comes or goes).
        full_key = (static_key, store.focus.get(self.layout.display_id) == panel.panel_id)
        last = self._map_state.get(panel.panel_id)
        self._map_state[panel.panel_id] = (full_key, vbox, card_key, card_rect)
        if self.incremental and last is not None and last[0] == full_key:
            # Only the vehicle or the card moved: repaint the map under their old and
            # new boxes from the cached layer, then draw them — a few small quads.
            boxes = [b for b in (last[1], vbox) if b is not None]
            if last[3] is not None and (card_rect is None or last[2] != card_key):
                boxes.append(last[3])
            for bx, by, bw, bh in boxes:
                g.add(Color(1, 1, 1, 1))
                g.add(
                    Rectangle(
                        texture=tex,
                        pos=(x + bx, y + by),
                        size=(bw, bh),
                        tex_coords=(
                            bx / iw,
                            by / ih,
                            (bx + bw) / iw,
                            by / ih,
                            (bx + bw) / iw,
                            (by + bh) / ih,
                            bx / iw,
                            (by + bh) / ih,
                        ),
                    )
                )
            redraw_card = last[2] != card_key or any(
                card_rect is not None and _overlap(b, card_rect) for b in boxes
            )
        else:
            g.add(Color(1, 1, 1, 1))
            g.add(Rectangle(texture=tex, pos=(x, y), size=(iw, ih)))
            redraw_card = True
        if draw is not None and draw.vehicle is not None:
            g.add(PushMatrix())
            g.add(Translate(x, y))
            self._vehicle(g, draw.vehicle, theme, scale)
            g.add(PopMatrix())
        if card_rect is not None and redraw_card:
            cx0, cy0, cw, ch = card_rect
            card = self._layer(
                f"card:{panel.panel_id}",
                (cw, ch),
                card_key,
                lambda lg: self._guidance_content(lg, texts, theme, 0, 0, cw, ch, card=True),
            )
            g.add(Color(1, 1, 1, 1))
            g.add(Rectangle(texture=card, pos=(x + cx0, y + cy0), size=(cw, ch)))

    @staticmethod
    def _vehicle_box(v: Any, scale: float, w: int, h: int) -> tuple[int, int, int, int] | None:
        """Return the vehicle arrow's pixel box in the panel (clipped), or None if outside."""
        r = 20.0 * scale * 1.15 + 3
        x0, y0 = max(0, math.floor(v.x - r)), max(0, math.floor(v.y - r))
        x1, y1 = min(w, math.ceil(v.x + r)), min(h, math.ceil(v.y + r))
        if x1 <= x0 or y1 <= y0:
            return None
        return (x0, y0, x1 - x0, y1 - y0)

    def _map_static(
        self, g: InstructionGroup, draw: Any, theme: Theme, w: int, h: int, scale: float
    ) -> None:
        """Draw land, roads, the route, markers and the credit at the origin of a layer."""
        g.add(Color(*_rgba(theme.map_land)))
        g.add(Rectangle(pos=(0, 0), size=(w, h)))
        if draw is not None:
            road_key = (theme.name, draw.center, draw.zoom, w, h)
            g.add(self._road_group(draw, theme, road_key))
            if len(draw.route) >= 4:
                for color, width in ((theme.route_casing, 12.0), (theme.route, 8.0)):
                    g.add(Color(*_rgba(color)))
                    for verts, idx in _thick_lines([draw.route], width * scale):
                        g.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
            for marker in draw.markers:
                self._marker(g, marker, theme, scale)
        # The ODbL requires the credit wherever the map is shown.
        from cardeck_sim.maps import ATTRIBUTION

        size = max(10.0, self.body_px * 0.55)
        tex = self._text.texture(ATTRIBUTION, size, theme.map_text)
        pad = 4.0
        g.add(Color(*_rgba(theme.map_land)))
        g.add(
            Rectangle(
                pos=(w - tex.width - 3 * pad, 0), size=(tex.width + 3 * pad, tex.height + 2 * pad)
            )
        )
        g.add(Color(1, 1, 1, 1))
        g.add(
            Rectangle(
                texture=tex, pos=(round(w - tex.width - pad * 1.5), round(pad)), size=tex.size
            )
        )

    def _marker(self, g: InstructionGroup, marker: Any, theme: Theme, scale: float) -> None:
        s = marker.style
        size = 30.0 * scale
        mx, my = marker.x, marker.y
        shape = str(s.shape)
        fill = _rgba(s.fill_rgba[:3], s.fill_rgba[3] / 255.0)
        stroke = _rgba(s.stroke_rgba[:3], s.stroke_rgba[3] / 255.0)
        lw = max(1.5, 2.0 * scale)
        cx, cy = mx, my
        if shape == "pin":
            cy = my + size * 0.95
            g.add(Color(*fill))
            g.add(
                Triangle(
                    points=[
                        mx,
                        my,
                        mx - size * 0.38,
                        cy - size * 0.2,
                        mx + size * 0.38,
                        cy - size * 0.2,
                    ]
                )
            )
        g.add(Color(*fill))
        half = size / 2
        if shape in ("circle", "pin"):
            g.add(Ellipse(pos=(cx - half, cy - half), size=(size, size)))
            g.add(Color(*stroke))
            g.add(Line(circle=(cx, cy, half), width=lw))
        elif shape == "square":
            g.add(Rectangle(pos=(cx - half, cy - half), size=(size, size)))
            g.add(Color(*stroke))
            g.add(Line(rectangle=(cx - half, cy - half, size, size), width=lw))
        else:  # diamond
            pts = [
                cx,
                cy + half * 1.2,
                cx + half * 1.2,
                cy,
                cx,
                cy - half * 1.2,
                cx - half * 1.2,
                cy,
            ]
            verts = [v for i in range(4) for v in (pts[2 * i], pts[2 * i + 1], 0.0, 0.0)]
            g.add(Mesh(vertices=verts, indices=[0, 1, 2, 3], mode="triangle_fan"))
            g.add(Color(*stroke))
            g.add(Line(points=pts, width=lw, close=True))
        if s.glyph:
            self._label_centered(g, s.glyph, cx, cy, size * 0.55, s.stroke_rgba[:3], bold=True)
        if s.label:
            tex = self._text.texture(s.label, max(10.0, self.body_px * 0.6), theme.map_text)
            lx, ly = cx + half + 6 * scale, cy - tex.height / 2
            g.add(Color(*_rgba(theme.map_land, 0.85)))
            g.add(Rectangle(pos=(lx - 3, ly - 2), size=(tex.width + 6, tex.height + 4)))
            g.add(Color(1, 1, 1, 1))
            g.add(Rectangle(texture=tex, pos=(round(lx), round(ly)), size=tex.size))

    def _vehicle(self, g: InstructionGroup, v: Any, theme: Theme, scale: float) -> None:
        r = 20.0 * scale
        a = math.radians(v.heading_deg)

        def at(angle: float, radius: float) -> tuple[float, float]:
            # Heading 0 is north (up) and grows clockwise.
            return v.x + radius * math.sin(angle), v.y + radius * math.cos(angle)

        tip = at(a, r)
        left = at(a - math.radians(140), r)
        right = at(a + math.radians(140), r)
        notch = at(a + math.pi, r * 0.35)
        g.add(Color(1, 1, 1, 1))
        g.add(Ellipse(pos=(v.x - r * 1.15, v.y - r * 1.15), size=(r * 2.3, r * 2.3)))
        g.add(Color(*_rgba(theme.vehicle)))
        g.add(Triangle(points=[*tip, *left, *notch]))
        g.add(Triangle(points=[*tip, *notch, *right]))

    # -- guidance ------------------------------------------------------------------

    @staticmethod
    def _guidance_texts(m: Any) -> tuple[str, str, str, str] | None:
        """Return (maneuver type, distance, street, trip summary) as shown, or None.

        Panels key on these strings rather than on the GuidanceUpdate, so a
        guidance step that changes no visible text redraws nothing.
        """
        if m.guidance is not None:
            gu = m.guidance
            if gu.arrived:
                return ("arrive", "", "You have arrived", "")
            eta = gu.eta.astimezone().strftime("%H:%M") if gu.eta else ""
            summary = (
                f"{_format_distance(gu.remaining_distance_m)} · "
                f"{max(1, round(gu.remaining_time_s / 60))} min · ETA {eta}"
            )
            maneuver, dist = gu.next_maneuver, gu.distance_to_next_m
        elif m.route is not None:
            r = m.route
            maneuver = r.maneuvers[1] if len(r.maneuvers) > 1 else None
            dist = maneuver.distance_from_start_m if maneuver is not None else None
            summary = f"{_format_distance(r.distance_m)} · {max(1, round(r.duration_s / 60))} min"
        else:
            return None
        kind = str(maneuver.type) if maneuver is not None else "arrive"
        street = (maneuver.street_name or maneuver.instruction) if maneuver is not None else ""
        return (kind, _format_distance(dist) if dist is not None else "", street, summary)

    def _arrow(
        self, g: InstructionGroup, kind: str, cx: float, cy: float, size: float, color: RGB
    ) -> None:
        """Draw a maneuver arrow in a box of ``size`` centred on (cx, cy)."""
        g.add(Color(*_rgba(color)))
        lw = max(2.0, size * 0.08)
        if kind == "arrive":
            g.add(Line(circle=(cx, cy, size * 0.3), width=lw))
            g.add(
                Ellipse(pos=(cx - size * 0.12, cy - size * 0.12), size=(size * 0.24, size * 0.24))
            )
            return
        if kind == "u_turn":
            g.add(
                Line(
                    points=[cx + size * 0.2, cy - size * 0.4, cx + size * 0.2, cy + size * 0.1],
                    width=lw,
                )
            )
            g.add(
                Line(
                    ellipse=(cx - size * 0.2, cy - size * 0.1, size * 0.4, size * 0.4, -90, 90),
                    width=lw,
                )
            )
            g.add(
                Line(
                    points=[cx - size * 0.2, cy + size * 0.1, cx - size * 0.2, cy - size * 0.2],
                    width=lw,
                )
            )
            g.add(
                Triangle(
                    points=[
                        cx - size * 0.38,
                        cy - size * 0.15,
                        cx - size * 0.02,
                        cy - size * 0.15,
                        cx - size * 0.2,
                        cy - size * 0.42,
                    ]
                )
            )
            return
        turn = math.radians(_TURN_DEG.get(kind, 0.0))
        mid = (cx, cy - size * 0.05)
        start = (cx, cy - size * 0.45)
        end = (mid[0] + math.sin(turn) * size * 0.32, mid[1] + math.cos(turn) * size * 0.32)
        if kind.startswith("roundabout"):
            g.add(Line(circle=(cx, cy - size * 0.05, size * 0.16), width=lw))
        g.add(Line(points=[*start, *mid, *end], width=lw, joint="round"))
        head = size * 0.18
        tip = (end[0] + math.sin(turn) * head, end[1] + math.cos(turn) * head)
        left = (
            end[0] + math.sin(turn - math.pi / 2) * head * 0.8,
            end[1] + math.cos(turn - math.pi / 2) * head * 0.8,
        )
        right = (
            end[0] + math.sin(turn + math.pi / 2) * head * 0.8,
            end[1] + math.cos(turn + math.pi / 2) * head * 0.8,
        )
        g.add(Triangle(points=[*tip, *left, *right]))

    def _guidance_content(
        self,
        g: InstructionGroup,
        texts: tuple[str, str, str, str] | None,
        theme: Theme,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        card: bool,
    ) -> None:
        """Draw the next maneuver, its distance, the street and the trip summary in a box."""
        if card:
            g.add(Color(*_rgba(theme.surface)))
            g.add(RoundedRectangle(pos=(x, y), size=(w, h), radius=[self.body_px * 0.4]))
        pad = max(8.0, self.body_px * 0.5)
        if texts is None:
            self._label(
                g,
                "No active route",
                x + pad,
                y + h - pad,
                self.body_px,
                theme.text_muted,
                width=w - 2 * pad,
            )
            return
        kind, dist, street, summary = texts
        icon = min(h - 2 * pad, w * 0.3, self.body_px * 4)
        self._arrow(g, kind, x + pad + icon / 2, y + h - pad - icon / 2, icon, theme.accent)
        tx = x + 2 * pad + icon
        tw = w - 3 * pad - icon
        top = y + h - pad
        top -= self._label(g, dist, tx, top, self.body_px * 1.6, theme.text, bold=True, width=tw)
        top -= self._label(g, street, tx, top, self.body_px, theme.text, width=tw, max_lines=2)
        self._label(
            g,
            summary,
            x + pad,
            y + pad + self.body_px * 1.2,
            self.body_px,
            theme.text_muted,
            width=w - 2 * pad,
        )

    def _guidance_card(
        self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme
    ) -> None:
        x, y, w, h, pad = self._card(g, panel, theme)
        self._guidance_content(
            g,
            self._guidance_texts(store.map),
            theme,
            x + pad,
            y + pad,
            w - 2 * pad,
            h - 2 * pad,
            card=False,
        )

    def _next_maneuver(
        self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme
    ) -> None:
        x, y, w, h, pad = self._card(g, panel, theme)
        texts = self._guidance_texts(store.map)
        if texts is None:
            self._label_centered(g, "—", x + w / 2, y + h / 2, self.body_px, theme.text_muted)
            return
        kind, dist, _, _ = texts
        icon = min(h * 0.55, w * 0.5)
        self._arrow(g, kind, x + w / 2, y + h - pad - icon / 2, icon, theme.accent)
        self._label_centered(
            g,
            dist,
            x + w / 2,
            y + pad + self.body_px,
            self.body_px * 1.2,
            theme.text,
            bold=True,
            width=w - 2 * pad,
        )

    def _speed(self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme) -> None:
        x, y, w, h, pad = self._card(g, panel, theme)
        v = store.vehicle
        big = min(h * 0.35, w * 0.3)
        self._label_centered(
            g, f"{round(v.speed_kmh)}", x + w / 2, y + h * 0.62, big, theme.text, bold=True
        )
        self._label_centered(
            g, "km/h", x + w / 2, y + h * 0.62 - big * 0.75, self.body_px, theme.text_muted
        )
        gears = "PRND"
        step = min(w / 6, self.body_px * 2)
        gy = y + pad + step * 0.42
        for i, letter in enumerate(gears):
            gx = x + w / 2 + (i - 1.5) * step
            active = v.gear.name.startswith(letter)
            if active:
                g.add(Color(*_rgba(theme.accent)))
                g.add(
                    RoundedRectangle(
                        pos=(gx - step * 0.42, gy - step * 0.42),
                        size=(step * 0.84, step * 0.84),
                        radius=[step * 0.2],
                    )
                )
            self._label_centered(
                g,
                letter,
                gx,
                gy,
                self.body_px,
                theme.on_accent if active else theme.text_muted,
                bold=active,
            )

    # -- voice and browser ---------------------------------------------------------

    def _voice(self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme) -> None:
        x, y, w, h, pad = self._card(g, panel, theme)
        voice = store.voice
        size = self.body_px
        top = y + h - pad
        dot = size * 0.6
        color = theme.listening if voice.activity == "listening" else theme.text_muted
        g.add(Color(*_rgba(color)))
        g.add(Ellipse(pos=(x + pad, top - size * 0.6 - dot / 2), size=(dot, dot)))
        top -= self._label(
            g,
            f"Voice · {voice.activity}",
            x + pad + dot * 1.6,
            top,
            size,
            theme.text,
            bold=True,
            width=w - 2 * pad - dot * 1.6,
        )
        top -= pad / 2
        if not (voice.transcript or voice.intent_id or voice.spoken_text):
            self._label(
                g,
                "Say “navigate to …”",
                x + pad,
                top,
                size,
                theme.text_muted,
                width=w - 2 * pad,
                max_lines=2,
            )
            return
        lines_left = max(1, int((top - y - pad) / (size * 1.25)) - 2)
        if voice.transcript:
            top -= self._label(
                g,
                f"“{voice.transcript}”",
                x + pad,
                top,
                size * 1.1,
                theme.text,
                width=w - 2 * pad,
                max_lines=max(1, min(4, lines_left)),
            )
            top -= pad / 2
        if voice.intent_id and top - size > y + pad:
            top -= self._label(
                g,
                f"Intent: {voice.intent_id}",
                x + pad,
                top,
                size,
                theme.text_muted,
                width=w - 2 * pad,
            )
        if voice.spoken_text and top - size > y + pad:
            self._label(
                g,
                voice.spoken_text,
                x + pad,
                top,
                size,
                theme.text_muted,
                width=w - 2 * pad,
                max_lines=2,
            )

    def _frame_texture(self, frame: Any) -> Any:
        """Return the texture of the newest frame, decoding it here if no worker did."""
        if self._frame_tex is not None and self._frame_tex[0] is frame:
            return self._frame_tex[1]
        decoded = self._decoded.get(id(frame))
        if decoded is None:
            if self.async_frames:
                return self._frame_tex[1] if self._frame_tex is not None else None
            decoded = decode_frame(frame.jpeg)
        fw, fh, data = decoded
        tex = Texture.create(size=(fw, fh), colorfmt="rgb")
        tex.blit_buffer(data, colorfmt="rgb", bufferfmt="ubyte")
        self._frame_tex = (frame, tex)
        return tex

    def _browser(self, g: InstructionGroup, panel: PanelLayout, store: Any, theme: Theme) -> None:
        x, y, w, h, pad = self._card(g, panel, theme)
        b = store.browser
        size = self.body_px
        content = browser_content_rect(panel, self.layout)
        _, cy, _, ch = self._flip(content)
        # Title bar: the page's title (or URL) on the background colour.
        g.add(Color(*_rgba(theme.background)))
        g.add(Rectangle(pos=(x, cy + ch), size=(w, y + h - cy - ch)))
        title = ""
        if b.state is not None:
            title = b.state.title or b.state.url
        title = title or "Browser"
        bar_h = y + h - cy - ch
        tex = self._text.texture(title, size * 0.9, theme.text, width=w - 2 * pad)
        g.add(Color(1, 1, 1, 1))
        g.add(
            Rectangle(
                texture=tex,
                pos=(round(x + pad), round(cy + ch + (bar_h - tex.height) / 2)),
                size=tex.size,
            )
        )
        if not b.available:
            top = cy + ch - pad
            top -= self._label(
                g,
                "Browser unavailable",
                x + pad,
                top,
                size * 1.2,
                theme.text,
                bold=True,
                width=w - 2 * pad,
            )
            self._label(
                g,
                b.unavailable_reason,
                x + pad,
                top - pad / 2,
                size,
                theme.text_muted,
                width=w - 2 * pad,
                max_lines=6,
            )
        elif b.frame is not None:
            tex = self._frame_texture(b.frame)
            if tex is not None:
                fx, fy, fw, fh = self._flip(frame_rect(content, b.frame.width, b.frame.height))
                g.add(Color(1, 1, 1, 1))
                g.add(Rectangle(texture=tex, pos=(fx, fy), size=(fw, fh)))
        if store.restrictions.browser_locked:
            self._lock_overlay(g, (x, y, w, h), theme)

    def _lock_overlay(
        self, g: InstructionGroup, rect: tuple[float, float, float, float], theme: Theme
    ) -> None:
        """Cover the panel: nothing of the page shows while driving (CarUxRestrictions)."""
        x, y, w, h = rect
        g.add(Color(*_rgba(theme.lock_overlay)))
        g.add(Rectangle(pos=(x, y), size=(w, h)))
        s = min(w, h) * 0.18
        cx, cy = x + w / 2, y + h / 2 + s * 0.4
        g.add(Color(*_rgba(theme.on_lock)))
        g.add(
            RoundedRectangle(
                pos=(cx - s * 0.5, cy - s * 0.45), size=(s, s * 0.75), radius=[s * 0.1]
            )
        )
        g.add(
            Line(
                ellipse=(cx - s * 0.32, cy + s * 0.05, s * 0.64, s * 0.7, -90, 90),
                width=max(2.0, s * 0.08),
            )
        )
        self._label_centered(
            g,
            "Locked while driving",
            cx,
            cy - s * 0.45 - self.body_px * 1.2,
            self.body_px,
            theme.on_lock,
            bold=True,
            width=w - 16,
        )
