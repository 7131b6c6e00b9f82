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
        top -= ctx.label(
            g,
            f"Voice · {view.activity}",
            x + pad + dot * 1.6,
            top,
            size,
            theme.text,
            bold=True,
            width=text_w - dot * 1.6,
        )
        top -= pad / 2
        if not (view.transcript or view.intent_id or view.spoken_text):
            hint = "Say “navigate to …”"
            ctx.label(g, hint, x + pad, top, size, theme.text_muted, width=text_w, max_lines=2)
            return
        lines_left = max(1, int((top - y - pad) / (size * 1.25)) - 2)
        if view.transcript:
            top -= ctx.label(
                g,
                f"“{view.transcript}”",
                x + pad,
                top,
                size * 1.1,
                theme.text,
                width=text_w,
                max_lines=max(1, min(4, lines_left)),
            )
            top -= pad / 2
        if view.intent_id and top - size > y + pad:
            intent = f"Intent: {view.intent_id}"
            top -= ctx.label(g, intent, x + pad, top, size, theme.text_muted, width=text_w)
        if view.spoken_text and top - size > y + pad:
            spoken = view.spoken_text
            ctx.label(g, spoken, x + pad, top, size, theme.text_muted, width=text_w, max_lines=2)
