"""The map panel: roads, the route, markers and the credit as one cached layer, the vehicle
arrow over it, and on displays without a guidance card panel a floating guidance card.

Drawing a texture is one draw call, and llvmpipe spends ~0.2 ms per call, so
the static part (hundreds of road meshes) is rendered into a layer once per
camera and panel size; a guidance step then repaints only the vehicle's and
the card's boxes from that layer (in incremental mode).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

import numpy as np
from kivy.graphics import (
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
    Translate,
    Triangle,
)
from kivy.graphics.texture import Texture

from cardeck.layout import PanelLayout
from cardeck_sim.maps import (
    ATTRIBUTION,
    DrawList,
    DrawMarker,
    DrawVehicle,
    VehiclePose,
    build_draw_list,
)
from cardeck_sim.state import MapView, StateStore

from .._scene import camera_for
from .._theme import RGB, Theme
from .base import PaintContext, PaintedText, PanelPainter
from .guidance import GuidanceTexts, guidance_content, guidance_texts
from .text import rgba

__all__ = ["MapPainter", "thick_lines"]

_ROAD_CACHE_SIZE = 16
# Kivy meshes index with unsigned shorts: at most 65 536 vertices, i.e. 16 384 quads.
_MAX_QUADS = 16_384

#: A box in the panel, in px from its bottom-left corner: x, y, width, height.
Box = tuple[int, int, int, int]
#: The map's credit, long then short (OSM's attribution guidelines allow the short form).
ATTRIBUTION_WORDINGS = (ATTRIBUTION, "© OpenStreetMap")


def thick_lines(
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


def _overlap(a: Box, b: Box) -> bool:
    """Whether two (x, y, w, h) boxes intersect."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _text_box(placed: PaintedText) -> Box:
    """The box a placed text covers, with the 3 px backdrop around it."""
    (x, y), (w, h) = placed.pos, placed.size
    return (int(x) - 3, int(y) - 2, w + 6, h + 4)


def _vehicle_box(v: DrawVehicle, scale: float, w: int, h: int) -> Box | None:
    """Return the vehicle arrow's pixel box in the panel (clipped), or None if outside."""
    r = 20.0 * scale * 1.15 + 3
    x0, y0 = max(0, math.floor(v.x - r)), max(0, math.floor(v.y - r))
    x1, y1 = min(w, math.ceil(v.x + r)), min(h, math.ceil(v.y + r))
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


class _Layer:
    """An offscreen texture re-rendered only when its key changes."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.fbo = Fbo(size=size)
        self.key: Hashable = None
        self.group = InstructionGroup()


class MapPainter(PanelPainter[MapView]):
    """The ``map`` panel: reads ``store.map`` (route, markers, camera, vehicle, guidance).

    Keeps, per panel, the road meshes per camera and size, the static layer
    and the floating card's layer, and what it drew last frame.
    """

    def __init__(self, ctx: PaintContext, panel: PanelLayout) -> None:
        super().__init__(ctx, panel)
        self._roads: OrderedDict[Hashable, InstructionGroup] = OrderedDict()
        self._layers: dict[str, _Layer] = {}
        # (full-redraw key, vehicle box, card key, card box) last drawn.
        self._last: tuple[Hashable, Box | None, Hashable, Box | None] | None = None

    def backdrop(self, theme: Theme) -> RGB:
        """Land: beside a cutout or a rounded corner the map reads as more land."""
        return theme.map_land

    def read(self, store: StateStore) -> MapView:
        return store.map

    # -- layers -------------------------------------------------------------------

    def _road_group(self, draw: DrawList, theme: Theme, key: Hashable) -> InstructionGroup:
        group = self._roads.get(key)
        if group is not None:
            self._roads.move_to_end(key)
            return group
        group = InstructionGroup()
        scale = self.ctx.layout.min_touch_px / 76.0
        for layer in draw.roads:
            color, width = theme.roads.get(layer.road_class, ((200, 200, 200), 3.0))
            group.add(Color(*rgba(color)))
            for verts, idx in thick_lines(layer.lines, width * scale):
                group.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
        self._roads[key] = group
        while len(self._roads) > _ROAD_CACHE_SIZE:
            self._roads.popitem(last=False)
        return group

    def _layer(
        self,
        name: str,
        size: tuple[int, int],
        key: Hashable,
        build: Callable[[InstructionGroup], None],
    ) -> Texture:
        """Return the texture of a cached layer, re-rendering it only when ``key`` changes.

        Drawing a texture is one draw call; llvmpipe spends ~0.2 ms per call,
        so the map's roads, route and markers (hundreds of calls) are drawn
        once per camera and the per-frame work is the vehicle and the card.
        """
        layer = self._layers.get(name)
        if layer is None or tuple(layer.fbo.size) != size:
            if layer is not None:
                layer.group.clear()
            layer = _Layer(size)
            self._layers[name] = layer
        if layer.key != key:
            layer.group.clear()  # detach cached children (road meshes) before reuse
            layer.fbo.clear()
            group = InstructionGroup()
            build(group)
            layer.fbo.add(ClearColor(0, 0, 0, 0))
            layer.fbo.add(ClearBuffers())
            layer.fbo.add(group)
            layer.fbo.draw()
            layer.key, layer.group = key, group
        return layer.fbo.texture

    # -- the panel ------------------------------------------------------------------

    def paint(self, g: InstructionGroup, view: MapView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        iw, ih = max(1, int(w)), max(1, int(h))
        vehicle = view.vehicle
        if view.guidance is not None:
            # Guidance is the newest fix (simulated or matched to the car's GNSS).
            vehicle = VehiclePose(view.guidance.position, view.guidance.heading_deg % 360.0)
        scale = ctx.layout.min_touch_px / 76.0
        draw = None
        static_key: tuple[Hashable, ...] = (theme.name, iw, ih)
        if ctx.map_data is not None:
            camera = camera_for(view, ctx.map_data, iw, ih)
            draw = build_draw_list(
                ctx.map_data,
                camera,
                iw,
                ih,
                route=view.route,
                markers=view.markers,
                vehicle=vehicle,
            )
            static_key += (draw.center, draw.zoom, view.route, view.markers)
        texts = guidance_texts(view)
        card_rect: Box | None = None
        if ctx.layout.role != "cluster" and texts is not None:
            # No guidance card panel on centre displays: the card floats over the map.
            # On a narrow map 45 % of it is too little for the distance beside the arrow:
            # the card then takes up to the map's width less its margins.
            margin = round(12 * scale)
            cw = int(min(w - 2 * margin, max(w * 0.45, ctx.body_px * 10), ctx.body_px * 14))
            ch = int(min(h * 0.4, ctx.body_px * 6.5))
            card_rect = (margin, round(ih - ch - margin), cw, ch)
        # Marker labels keep out from under the card: the layer depends on where it is.
        static_key += (card_rect,)
        with ctx.layer_at(x, y):
            tex = self._layer(
                "map",
                (iw, ih),
                static_key,
                lambda lg: self._static(lg, draw, theme, (iw, ih), scale, card_rect),
            )
        card_key = (theme.name, texts, card_rect)
        vbox = None
        if draw is not None and draw.vehicle is not None:
            vbox = _vehicle_box(draw.vehicle, scale, iw, ih)
        # A focus change must repaint the whole panel (the outline comes or goes).
        full_key = (static_key, focused)
        last = self._last
        self._last = (full_key, vbox, card_key, card_rect)
        if ctx.incremental and last is not None and last[0] == full_key:
            # Only the vehicle or the card moved: repaint the map under their old and
            # new boxes from the cached layer, then draw them — a few small quads.
            boxes = [b for b in (last[1], vbox) if b is not None]
            if last[3] is not None and (card_rect is None or last[2] != card_key):
                boxes.append(last[3])
            for box in boxes:
                _blit_part(g, tex, (x, y), (iw, ih), box)
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
            _vehicle(g, draw.vehicle, theme, scale)
            g.add(PopMatrix())
        if card_rect is not None and redraw_card:
            self._card(g, (x, y), card_rect, card_key, texts, theme)

    def _card(
        self,
        g: InstructionGroup,
        origin: tuple[float, float],
        card_rect: Box,
        card_key: Hashable,
        texts: GuidanceTexts | None,
        theme: Theme,
    ) -> None:
        """Draw the floating guidance card from its cached layer."""
        cx0, cy0, cw, ch = card_rect
        with self.ctx.layer_at(origin[0] + cx0, origin[1] + cy0):
            card = self._layer(
                "card",
                (cw, ch),
                card_key,
                lambda lg: guidance_content(self.ctx, lg, texts, theme, (0, 0, cw, ch), card=True),
            )
        g.add(Color(1, 1, 1, 1))
        g.add(Rectangle(texture=card, pos=(origin[0] + cx0, origin[1] + cy0), size=(cw, ch)))

    def _static(
        self,
        g: InstructionGroup,
        draw: DrawList | None,
        theme: Theme,
        size: tuple[int, int],
        scale: float,
        card: Box | None,
    ) -> None:
        """Draw land, roads, the route, markers and the credit at the origin of a layer.

        :param card: Where the guidance card floats over the layer, if it does.
        """
        ctx = self.ctx
        w, h = size
        g.add(Color(*rgba(theme.map_land)))
        g.add(Rectangle(pos=(0, 0), size=(w, h)))
        if draw is not None:
            road_key = (theme.name, draw.center, draw.zoom, w, h)
            g.add(self._road_group(draw, theme, road_key))
            if len(draw.route) >= 4:
                for color, width in ((theme.route_casing, 12.0), (theme.route, 8.0)):
                    g.add(Color(*rgba(color)))
                    for verts, idx in thick_lines([draw.route], width * scale):
                        g.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
            for marker in draw.markers:
                self._marker(g, marker, theme, scale, size, card)
        # The ODbL requires the credit wherever the map is shown; OSM's guidelines allow
        # the short form where the long one does not fit.
        pad = 4.0
        box = (pad * 1.5, pad, w - 3 * pad, h - 2 * pad)
        credit = None
        for lines in (1, 2):  # one line, long or short, before two
            credit = credit or ctx.place(
                ATTRIBUTION_WORDINGS,
                box,
                ctx.body_px * 0.55,
                max_lines=lines,
                halign="right",
                valign="bottom",
                truncate=False,
            )
        if credit is not None:
            (tx, ty), th = credit.pos, credit.size[1]
            g.add(Color(*rgba(theme.map_land)))
            g.add(Rectangle(pos=(tx - 1.5 * pad, 0), size=(w - tx + 1.5 * pad, ty + th + pad)))
            ctx.draw(g, credit, theme.map_text)

    def _marker(
        self,
        g: InstructionGroup,
        marker: DrawMarker,
        theme: Theme,
        scale: float,
        layer: tuple[int, int],
        card: Box | None,
    ) -> None:
        ctx = self.ctx
        s = marker.style
        size = 30.0 * scale
        mx, my = marker.x, marker.y
        shape = str(s.shape)
        fill = rgba(s.fill_rgba[:3], s.fill_rgba[3] / 255.0)
        stroke = rgba(s.stroke_rgba[:3], s.stroke_rgba[3] / 255.0)
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
            box = (cx - half, cy - half, size, size)
            ctx.label(
                g,
                s.glyph,
                box,
                size * 0.55,
                s.stroke_rgba[:3],
                bold=True,
                halign="center",
                valign="middle",
                glyph=True,
            )
        if s.label:
            # Right of the marker, else left of it, clear of the card; whole or not at all.
            line = ctx.line_px(ctx.body_px)
            gap = 6 * scale
            right = cx + half + gap
            ly = min(max(cy - line / 2, 2.0), layer[1] - line - 2)  # inside the layer
            boxes = (
                ((right, ly, layer[0] - right - 3, line), "left"),
                ((3, ly, cx - half - gap - 3, line), "right"),
            )
            placed = None
            for box, halign in boxes:
                placed = ctx.place(
                    s.label, box, ctx.body_px, halign=halign, valign="middle", truncate=False
                )
                if placed is not None and not (card and _overlap(_text_box(placed), card)):
                    break
                placed = None
            if placed is not None:
                (px, py), (tw, th) = placed.pos, placed.size
                g.add(Color(*rgba(theme.map_land, 0.85)))
                g.add(Rectangle(pos=(px - 3, py - 2), size=(tw + 6, th + 4)))
                ctx.draw(g, placed, theme.map_text)


def _blit_part(
    g: InstructionGroup,
    tex: Texture,
    origin: tuple[float, float],
    size: tuple[int, int],
    box: Box,
) -> None:
    """Draw one box of a layer's texture at its place in the panel."""
    x, y = origin
    iw, ih = size
    bx, by, bw, bh = box
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


def _vehicle(g: InstructionGroup, v: DrawVehicle, theme: Theme, scale: float) -> None:
    """Draw the vehicle arrow: a white disc under a notched arrowhead pointing its heading."""
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
    g.add(Color(*rgba(theme.vehicle)))
    g.add(Triangle(points=[*tip, *left, *notch]))
    g.add(Triangle(points=[*tip, *notch, *right]))
