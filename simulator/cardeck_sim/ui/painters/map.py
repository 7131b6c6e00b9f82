"""The map panel: roads, the route, street names, markers, the scale bar and the credit as one
cached layer, the traffic ahead and the vehicle puck over it, and on displays without a
guidance card panel a floating guidance card.

Beyond the extract the layer shows a neutral hatch ("no map data here"), and the
camera stops at the extract's edge (``clamp_camera``). Street names are laid out
once per camera with the layer: most important road first, each written along a
straight run of its road at the display's text floor, never over another name, a
marker, the card, the scale bar or the credit.

Drawing a texture is one draw call, and llvmpipe spends ~0.2 ms per call, so
the static part (hundreds of road meshes) is rendered into a layer once per
camera and panel size; a guidance step then repaints only the vehicle's and
the card's boxes from that layer (in incremental mode).

The map is geography: it is never mirrored, right to left included (the scale
bar stays bottom left, the credit bottom right); only the floating card's
content follows the locale's reading order, and the credit and the scale bar's
distance its words and numbers.
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
    Rotate,
    Translate,
    Triangle,
)
from kivy.graphics.texture import Texture

from cardeck.i18n import N_
from cardeck.layout import PanelLayout
from cardeck_sim.maps import (
    DrawList,
    DrawMarker,
    DrawVehicle,
    RoadLabel,
    Traffic,
    TrafficAhead,
    VehiclePose,
    build_draw_list,
    scale_bar,
    traffic_ahead,
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
#: The map's credit, long then short (OSM's attribution guidelines allow the short form,
#: and a translation of "contributors"); ``cardeck_sim.maps.ATTRIBUTION`` in English.
# i18n: the map's legally required credit; keep "OpenStreetMap" as is
ATTRIBUTION_WORDINGS = (N_("© OpenStreetMap contributors"), "© OpenStreetMap")
#: What the map panel shows: the store's map and the car's speed (whole km/h, for traffic).
MapRead = tuple[MapView, int]
# Beyond the extract: hatch lines this far apart and this wide (dp).
_HATCH_GAP_DP = 14.0
_HATCH_DP = 2.0
# The scale bar is at most this long (dp) and this share of the panel's width.
_SCALE_MAX_DP = 140.0
_SCALE_MAX_SHARE = 0.3


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


def _bounding(a: Box, b: Box) -> Box:
    """The smallest box holding two boxes."""
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0)


def _inside(box: Box, size: tuple[int, int]) -> bool:
    return box[0] >= 0 and box[1] >= 0 and box[0] + box[2] <= size[0] and box[1] + box[3] <= size[1]


def _route_part(route: Sequence[float], start: float, end: float) -> list[float]:
    """The stretch of a flat route polyline between two fractional point indices."""
    n = len(route) // 2

    def at(f: float) -> list[float]:
        i = min(int(f), n - 2)
        t = f - i
        return [
            route[2 * i] + (route[2 * i + 2] - route[2 * i]) * t,
            route[2 * i + 1] + (route[2 * i + 3] - route[2 * i + 1]) * t,
        ]

    inner = [v for i in range(int(start) + 1, math.ceil(end)) for v in route[2 * i : 2 * i + 2]]
    return at(start) + inner + at(end)


def _line_box(points: Sequence[float], pad: float, size: tuple[int, int]) -> Box | None:
    """The pixel box a thick polyline covers in the panel (clipped), or None if outside."""
    xs, ys = points[0::2], points[1::2]
    x0, y0 = max(0, math.floor(min(xs) - pad)), max(0, math.floor(min(ys) - pad))
    x1, y1 = min(size[0], math.ceil(max(xs) + pad)), min(size[1], math.ceil(max(ys) + pad))
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0)


def _traffic_gone(
    old: TrafficAhead | None,
    new: TrafficAhead | None,
    route: Sequence[float],
    width: float,
    size: tuple[int, int],
) -> Box | None:
    """The box of the traffic colour drawn last frame that this frame does not cover again.

    The colour is opaque and drawn whole every frame, so as the car moves on only the
    stretch it left behind needs the map under it back: a small box at the vehicle,
    not the whole stretch ahead.
    """
    if old is None or len(route) < 4:
        return None
    if new is not None and new.level == old.level and new.start >= old.start:
        if new.start == old.start:
            return None
        return _line_box(_route_part(route, old.start, new.start), width, size)
    return _line_box(_route_part(route, old.start, old.end), width, size)


class MapPainter(PanelPainter[MapRead]):
    """The ``map`` panel: reads ``store.map`` (route, markers, camera, vehicle, guidance).

    Keeps, per panel, the road meshes per camera and size, the static layer
    and the floating card's layer, and what it drew last frame.
    """

    def __init__(self, ctx: PaintContext, panel: PanelLayout) -> None:
        super().__init__(ctx, panel)
        self._roads: OrderedDict[Hashable, InstructionGroup] = OrderedDict()
        self._layers: dict[str, _Layer] = {}
        # (full-redraw key, vehicle box, card key, card box, traffic ahead) last drawn.
        self._last: (
            tuple[Hashable, Box | None, Hashable, Box | None, TrafficAhead | None] | None
        ) = None

    def backdrop(self, theme: Theme) -> RGB:
        """Land: beside a cutout or a rounded corner the map reads as more land."""
        return theme.map_land

    def read(self, store: StateStore) -> MapRead:
        # The speed colours the route ahead only while guiding: otherwise it changes nothing.
        guiding = store.map.guidance is not None
        return store.map, round(store.vehicle.speed_kmh) if guiding else 0

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

    def paint(self, g: InstructionGroup, read: MapRead, theme: Theme, focused: bool) -> None:
        view, speed_kmh = read
        ctx = self.ctx
        x, y, w, h = ctx.flip(self.panel.rect_px)
        iw, ih = max(1, int(w)), max(1, int(h))
        vehicle = view.vehicle
        if view.guidance is not None:
            # Guidance is the newest fix (simulated or matched to the car's GNSS).
            vehicle = VehiclePose(view.guidance.position, view.guidance.heading_deg % 360.0)
        scale = ctx.layout.min_touch_px / 76.0
        draw = None
        # The locale changes the credit's and the scale bar's words.
        static_key: tuple[Hashable, ...] = (theme.name, ctx.locale, iw, ih)
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
        texts = guidance_texts(view, ctx.tr)
        card_rect: Box | None = None
        if ctx.layout.role != "cluster" and texts is not None:
            # No guidance card panel on centre displays: the card floats over the map.
            # On a narrow map 45 % of it is too little for the distance beside the arrow:
            # the card then takes up to the map's width less its margins.
            margin = round(12 * scale)
            cw = int(min(w - 2 * margin, max(w * 0.45, ctx.body_px * 10), ctx.body_px * 14))
            # Tall enough for the distance, the street and the trip line in the locale's
            # line height (Arabic's is taller than Latin's).
            ch = int(min(h * 0.4, max(ctx.body_px * 6.5, ctx.line_px(ctx.body_px) * 4.6)))
            # In the corner where reading starts: top left, top right right to left
            # (the card is chrome over the map; the map itself is never mirrored).
            card_x = iw - cw - margin if ctx.rtl else margin
            card_rect = (card_x, round(ih - ch - margin), cw, ch)
        # Marker labels keep out from under the card: the layer depends on where it is.
        static_key += (card_rect,)
        with ctx.layer_at(x, y):
            tex = self._layer(
                "map",
                (iw, ih),
                static_key,
                lambda lg: self._static(lg, draw, theme, (iw, ih), scale, card_rect),
            )
        card_key = (theme.name, ctx.locale, texts, card_rect)
        vbox = None
        if draw is not None and draw.vehicle is not None:
            vbox = _vehicle_box(draw.vehicle, scale, iw, ih)
        traffic = self._traffic(view, draw, speed_kmh)
        # A focus change must repaint the whole panel (the outline comes or goes).
        full_key = (static_key, focused)
        last = self._last
        self._last = (full_key, vbox, card_key, card_rect, traffic)
        if ctx.incremental and last is not None and last[0] == full_key:
            # Only the vehicle, the traffic ahead or the card moved: repaint the map under
            # their old and new boxes from the cached layer, then draw them — a few quads.
            route_xy = draw.route if draw is not None else ()
            gone = _traffic_gone(last[4], traffic, route_xy, 8.0 * scale, (iw, ih))
            boxes = [b for b in (last[1], vbox, gone) if b is not None]
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
        g.add(PushMatrix())
        g.add(Translate(x, y))
        if traffic is not None and draw is not None:
            color = theme.traffic_jam if traffic.level is Traffic.JAM else theme.traffic_slow
            g.add(Color(*rgba(color)))
            points = _route_part(draw.route, traffic.start, traffic.end)
            for verts, idx in thick_lines([points], 8.0 * scale):
                g.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
        if draw is not None and draw.vehicle is not None:
            _vehicle(g, draw.vehicle, theme, scale)
        g.add(PopMatrix())
        if card_rect is not None and redraw_card:
            self._card(g, (x, y), card_rect, card_key, texts, theme)

    def _traffic(self, view: MapView, draw: DrawList | None, speed_kmh: int) -> TrafficAhead | None:
        """The route just ahead of the car and how it flows, when the car is slower than its road.

        See :mod:`cardeck_sim.maps` ``traffic_ahead``: the car's speed against its road's.
        """
        guidance, route = view.guidance, view.route
        if draw is None or guidance is None or route is None or guidance.arrived:
            return None
        if len(draw.route) != 2 * len(route.polyline) or len(draw.route) < 4:
            return None
        return traffic_ahead(route, route.distance_m - guidance.remaining_distance_m, speed_kmh)

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
        taken: list[Box] = [card] if card else []
        credit = self._credit(size)
        if credit is not None:
            taken.append(_text_box(credit))
        if draw is None:
            g.add(Color(*rgba(theme.map_land)))
            g.add(Rectangle(pos=(0, 0), size=(w, h)))
        else:
            self._ground(g, draw, theme, size, scale)
            road_key = (theme.name, draw.center, draw.zoom, w, h)
            g.add(self._road_group(draw, theme, road_key))
            if len(draw.route) >= 4:
                for color, width in ((theme.route_casing, 12.0), (theme.route, 8.0)):
                    g.add(Color(*rgba(color)))
                    for verts, idx in thick_lines([draw.route], width * scale):
                        g.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
            # Markers and the scale bar claim their room first; street names go around them.
            markers = InstructionGroup()
            for marker in draw.markers:
                taken += self._marker(markers, marker, theme, scale, size, card)
            bar = InstructionGroup()
            taken += self._scale_bar(bar, draw, theme, size, scale, taken)
            self._street_names(g, draw.labels, theme, size, taken)
            g.add(markers)
            g.add(bar)
        if credit is not None:
            # The ODbL requires the credit wherever the map is shown.
            pad = 4.0
            (tx, ty), th = credit.pos, credit.size[1]
            g.add(Color(*rgba(theme.map_land)))
            g.add(Rectangle(pos=(tx - 1.5 * pad, 0), size=(w - tx + 1.5 * pad, ty + th + pad)))
            ctx.draw(g, credit, theme.map_text)

    def _credit(self, size: tuple[int, int]) -> PaintedText | None:
        """Place the credit bottom right; OSM's guidelines allow the short form where the
        long one does not fit."""
        w, h = size
        pad = 4.0
        box = (pad * 1.5, pad, w - 3 * pad, h - 2 * pad)
        credit = None
        for lines in (1, 2):  # one line, long or short, before two
            credit = credit or self.ctx.place(
                tuple(self.ctx.tr.gettext(m) for m in ATTRIBUTION_WORDINGS),
                box,
                self.ctx.body_px * 0.55,
                max_lines=lines,
                halign="right",
                valign="bottom",
                truncate=False,
            )
        return credit

    def _ground(
        self, g: InstructionGroup, draw: DrawList, theme: Theme, size: tuple[int, int], scale: float
    ) -> None:
        """Land where the extract has data; a neutral diagonal hatch ("no map data") beyond."""
        w, h = size
        left, bottom, right, top = draw.data_bounds
        x0, y0 = max(0.0, left), max(0.0, bottom)
        x1, y1 = min(float(w), right), min(float(h), top)
        if x0 > 0 or y0 > 0 or x1 < w or y1 < h:
            g.add(Color(*rgba(theme.map_void)))
            g.add(Rectangle(pos=(0, 0), size=(w, h)))
            gap = _HATCH_GAP_DP * scale
            # Lines at 45° through the whole panel, anchored to the map so they pan with it.
            phase = (left - bottom) % gap
            lines = [
                (x, 0.0, x + h, float(h))
                for x in (phase - h + k * gap for k in range(int((w + h) / gap) + 2))
            ]
            g.add(Color(*rgba(theme.map_void_line)))
            for verts, idx in thick_lines(lines, _HATCH_DP * scale):
                g.add(Mesh(vertices=verts, indices=idx, mode="triangles"))
        if x1 > x0 and y1 > y0:
            g.add(Color(*rgba(theme.map_land)))
            g.add(Rectangle(pos=(x0, y0), size=(x1 - x0, y1 - y0)))

    def _scale_bar(
        self,
        g: InstructionGroup,
        draw: DrawList,
        theme: Theme,
        size: tuple[int, int],
        scale: float,
        taken: list[Box],
    ) -> list[Box]:
        """Draw the scale bar bottom left: a round distance and its length; return its box."""
        ctx = self.ctx
        w = size[0]
        bar = scale_bar(draw.metres_per_px, min(_SCALE_MAX_DP * scale, w * _SCALE_MAX_SHARE))
        if bar is None:
            return []
        margin, thick = 8.0 * scale, max(2.0, 3.0 * scale)
        tick = 8.0 * scale
        line = ctx.line_px(ctx.body_px)
        box = (margin, margin + tick + 2, max(bar.length_px, w * _SCALE_MAX_SHARE), line)
        # The locale's distance; under 10 m (only at the closest zooms) guidance's
        # rounding would say "0 m", so the bar keeps its own label there.
        label = ctx.tr.distance(bar.metres) if bar.metres >= 10 else bar.label
        placed = ctx.place(label, box, ctx.body_px, halign="left", valign="bottom", truncate=False)
        if placed is None:
            return []
        tb = _text_box(placed)
        whole = _bounding(
            tb, (int(margin) - 4, int(margin) - 4, int(bar.length_px) + 8, int(tick) + 8)
        )
        if not _inside(whole, size) or any(_overlap(whole, t) for t in taken):
            return []
        g.add(Color(*rgba(theme.map_land, 0.8)))
        g.add(Rectangle(pos=whole[:2], size=whole[2:]))
        g.add(Color(*rgba(theme.map_text)))
        x0, x1 = margin, margin + bar.length_px
        g.add(Rectangle(pos=(x0, margin), size=(bar.length_px, thick)))
        for x in (x0, x1 - thick):
            g.add(Rectangle(pos=(x, margin), size=(thick, tick)))
        ctx.draw(g, placed, theme.map_text)
        return [whole]

    def _street_names(
        self,
        g: InstructionGroup,
        labels: Sequence[RoadLabel],
        theme: Theme,
        size: tuple[int, int],
        taken: list[Box],
    ) -> None:
        """Write street names along their roads, most important first, none over another.

        Each is drawn at the display's text floor along the middle of a straight
        run that holds it whole, over a halo of land colour; a name that fits
        nowhere is left out, and each name is written once.
        """
        ctx = self.ctx
        w, h = size
        line = ctx.line_px(ctx.body_px)
        halo = 1.5
        done: set[str] = set()
        for label in labels:
            if label.name in done:
                continue
            cx, cy = label.x, label.y
            room = min(label.length_px, 2 * cx, 2 * (w - cx))
            box = (cx - room / 2, cy - line / 2, room, line)
            if room <= 0 or box[1] < 0 or box[1] + line > h:
                continue
            placed = ctx.place(
                label.name, box, ctx.body_px, halign="center", valign="middle", truncate=False
            )
            if placed is None:
                continue
            (px, py), (tw, th) = placed.pos, placed.size
            a = math.radians(label.angle_deg)
            ex = abs(math.cos(a)) * tw / 2 + abs(math.sin(a)) * th / 2 + halo + 2
            ey = abs(math.sin(a)) * tw / 2 + abs(math.cos(a)) * th / 2 + halo + 2
            turned = (
                math.floor(cx - ex),
                math.floor(cy - ey),
                math.ceil(2 * ex),
                math.ceil(2 * ey),
            )
            claim = _bounding(turned, _text_box(placed))
            if not _inside(claim, size) or any(_overlap(claim, t) for t in taken):
                continue
            taken.append(claim)
            done.add(label.name)
            g.add(PushMatrix())
            g.add(Rotate(angle=label.angle_deg, origin=(cx, cy)))
            glow = ctx.text.texture(
                placed.text, placed.font_px, theme.map_label_halo, halign=placed.halign
            )
            g.add(Color(1, 1, 1, 1))
            for dx, dy in ((-halo, 0), (halo, 0), (0, -halo), (0, halo)):
                g.add(Rectangle(texture=glow, pos=(px + dx, py + dy), size=glow.size))
            ctx.draw(g, placed, theme.map_label)
            g.add(PopMatrix())

    def _marker(
        self,
        g: InstructionGroup,
        marker: DrawMarker,
        theme: Theme,
        scale: float,
        layer: tuple[int, int],
        card: Box | None,
    ) -> list[Box]:
        """Draw a marker (and its label, when it fits clear of the card); return their boxes."""
        ctx = self.ctx
        s = marker.style
        size = 30.0 * scale
        mx, my = marker.x, marker.y
        shape = str(s.shape)
        fill_rgb, stroke_rgb = _dimmed(s.fill_rgba[:3], theme), _dimmed(s.stroke_rgba[:3], theme)
        fill = rgba(fill_rgb, s.fill_rgba[3] / 255.0)
        stroke = rgba(stroke_rgb, s.stroke_rgba[3] / 255.0)
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
        # The icon's box: a diamond reaches 1.2 half-sizes out, a pin's head sits above its tip.
        bx0, by0 = math.floor(cx - half * 1.2), math.floor(min(my, cy - half * 1.2))
        claimed: list[Box] = [
            (bx0, by0, math.ceil(size * 1.2) + 1, math.ceil(cy + half * 1.2) - by0)
        ]
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
        glyph_box = (math.floor(cx - half), math.floor(cy - half), math.ceil(size), math.ceil(size))
        # Under the floating card the glyph would not show: it is left out, not drawn
        # under a text it would be counted as crossing.
        if s.glyph and not (card and _overlap(glyph_box, card)):
            box = (cx - half, cy - half, size, size)
            ctx.label(
                g,
                s.glyph,
                box,
                size * 0.55,
                stroke_rgb,
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
                claimed.append(_text_box(placed))
        return claimed


def _dimmed(rgb: Sequence[int], theme: Theme) -> RGB:
    """A marker colour as the theme shows it: the night map has no pure white (it glares)."""
    colour = (int(rgb[0]), int(rgb[1]), int(rgb[2]))
    return theme.text if theme.name == "night" and colour == (255, 255, 255) else colour


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
    """Draw the vehicle puck: a disc under a notched arrowhead pointing its heading."""
    r = 20.0 * scale
    a = math.radians(v.heading_deg)

    def at(angle: float, radius: float) -> tuple[float, float]:
        # Heading 0 is north (up) and grows clockwise.
        return v.x + radius * math.sin(angle), v.y + radius * math.cos(angle)

    tip = at(a, r)
    left = at(a - math.radians(140), r)
    right = at(a + math.radians(140), r)
    notch = at(a + math.pi, r * 0.35)
    g.add(Color(*rgba(theme.puck)))
    g.add(Ellipse(pos=(v.x - r * 1.15, v.y - r * 1.15), size=(r * 2.3, r * 2.3)))
    g.add(Color(*rgba(theme.vehicle)))
    g.add(Triangle(points=[*tip, *left, *notch]))
    g.add(Triangle(points=[*tip, *notch, *right]))
