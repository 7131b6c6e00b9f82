"""The voice panel: the assistant's activity, the transcript, the intent and the reply."""

from __future__ import annotations

from kivy.graphics import Color, Ellipse, InstructionGroup

from cardeck_sim.state import StateStore, VoiceView

from .._theme import Theme
from .base import PanelPainter
from .text import rgba

__all__ = ["VoicePainter"]


class VoicePainter(PanelPainter[VoiceView]):
    """The ``voice`` panel: reads ``store.voice``."""

    def read(self, store: StateStore) -> VoiceView:
        return store.voice

    def paint(self, g: InstructionGroup, view: VoiceView, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        size = ctx.body_px
        text_w = w - 2 * pad
        top = y + h - pad
        dot = size * 0.6
        color = theme.listening if view.activity == "listening" else theme.text_muted
        g.add(Color(*rgba(color)))
        g.add(Ellipse(pos=(x + pad, top - size * 0.6 - dot / 2), size=(dot, dot)))
        bottom = y + pad
        title = f"Voice · {view.activity}"
        tx = x + pad + dot * 1.6
        top -= ctx.label(
            g, title, (tx, bottom, x + w - pad - tx, top - bottom), size, theme.text, bold=True
        )
        top -= pad / 2
        if not (view.transcript or view.intent_id or view.spoken_text):
            hint = "Say “navigate to …”"
            box = (x + pad, bottom, text_w, top - bottom)
            ctx.label(g, hint, box, size, theme.text_muted, max_lines=2)
            return
        # What the driver said comes first, then the reply, then the intent: each
        # leaves a line for those after it, and the intent goes first when short of room.
        line = ctx.line_px(size)
        reply = line if view.spoken_text else 0.0
        intent_h = line if view.intent_id else 0.0
        if view.transcript:
            room = max(ctx.line_px(size * 1.1), top - bottom - reply - intent_h - pad / 2)
            top -= ctx.label(
                g,
                f"“{view.transcript}”",
                (x + pad, top - room, text_w, room),
                size * 1.1,
                theme.text,
                max_lines=4,
            )
            top -= pad / 2
        if view.intent_id:
            intent = f"Intent: {view.intent_id}"
            room = top - bottom - reply
            top -= ctx.label(g, intent, (x + pad, top - room, text_w, room), size, theme.text_muted)
        if view.spoken_text:
            box = (x + pad, bottom, text_w, top - bottom)
            ctx.label(g, view.spoken_text, box, size, theme.text_muted, max_lines=2)
