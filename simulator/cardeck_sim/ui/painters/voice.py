"""The voice panel: the assistant's state, what the driver said, the intent and the reply.

Each state looks different at a glance, as the Assistant's does: idle shows
the microphone and how to start; listening lights the orb, draws a live
level meter (its bars follow :attr:`VoicePainter.phase`, which the live
window advances; renders keep it fixed) and the partial transcript; after,
the transcript, an intent card (its name and slots) and the spoken answer.
While a question waits ("Open the sunroof?", before an actuating intent),
the panel shows it over a Yes and a No button, each a touch target tall; a
tap on them answers (the buttons' rects come from ``voice_answer_buttons``,
which the tap path reads too).

The panel's own words come from the locale (``ctx.tr``); what was said, the
answer and the question are the voice engine's. Right to left the orb sits on
the right of the status, the texts are right-aligned, the intent card's accent
bar is on its right and Yes is the right-hand button.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from kivy.graphics import Color, Ellipse, InstructionGroup, RoundedRectangle

from cardeck.i18n import N_, Translator
from cardeck.layout import PanelLayout
from cardeck_sim.state import StateStore, VoiceConfirmation, VoiceView

from .._scene import voice_answer_buttons
from ..theme import RGB, Theme
from .base import Box, PaintContext, PanelPainter
from .text import rgba

__all__ = ["STATE_ICONS", "VoicePainter", "VoiceSlice", "intent_title", "level_bars"]

#: The orb's icon per activity (Material Symbols names).
STATE_ICONS = {
    "idle": "mic",
    "listening": "graphic_eq",
    "processing": "graphic_eq",
    "speaking": "volume_up",
    "confirming": "mic",
}
# i18n: voice panel, the assistant's state beside its orb; long then short wordings
_STATUS = {
    "idle": (N_("Assistant"), N_("Voice")),
    "listening": (N_("Listening…"),),
    "processing": (N_("Working on it…"), N_("Working…")),
    "speaking": (N_("Speaking"),),
    "confirming": (N_("Yes or no?"),),
}
#: The answer buttons' words, Yes first.
# i18n: voice panel, the buttons answering the assistant's yes-or-no question
_ANSWERS = {True: (N_("Yes"),), False: (N_("No"),)}
# i18n: voice panel, how to start talking to the assistant; "Hey car" is the wake phrase
_HINT = (N_("Say “Hey car…”"), N_("“Hey car…”"))
# i18n: voice panel, while listening and nothing has been heard yet
_GO_AHEAD = N_("Go ahead, I'm listening")
# i18n: voice panel, what the driver said, in the language's quotation marks
_QUOTED = N_("“{transcript}”")
# i18n: voice panel, one slot of the recognised intent: its name and its value
_SLOT = N_("{name}: {value}")
#: The built-in intents' titles on the intent card (an OEM's intent shows its id).
# i18n: voice panel, the title of the recognised command on its card
_INTENT_TITLES = {
    "navigate": N_("Navigate"),
    "search": N_("Search"),
    "zoom_in": N_("Zoom in"),
    "zoom_out": N_("Zoom out"),
    "open_browser": N_("Open browser"),
    "go_back": N_("Go back"),
    "cancel": N_("Cancel"),
    "confirm_yes": N_("Yes"),
    "confirm_no": N_("No"),
}
#: The built-in intents' slot names.
# i18n: voice panel, a slot's name on the intent card ("Place: Market Square")
_SLOT_NAMES = {"place": N_("Place")}
#: How many bars the listening meter has.
BARS = 5
#: The phase renders draw the meter at (the live window animates it).
FIXED_PHASE = 0.3


class VoiceSlice(NamedTuple):
    """What the voice panel shows: the store's voice view and the meter's phase."""

    voice: VoiceView
    phase: float


def intent_title(intent_id: str, tr: Translator | None = None) -> str:
    """An intent as a driver reads it: a built-in's title in the locale ("navigate" →
    "Navigate"), else its id made readable ("sunroof.open" → "Sunroof open").

    :param tr: The locale; None keeps the English title.
    """
    title = _INTENT_TITLES.get(intent_id)
    if title is not None:
        return tr.gettext(title) if tr is not None else title
    words = intent_id.replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def _wordings(tr: Translator, messages: tuple[str, ...]) -> tuple[str, ...]:
    """Each wording of a message, translated."""
    return tuple(tr.gettext(m) for m in messages)


def level_bars(phase: float, count: int = BARS) -> tuple[float, ...]:
    """The meter's bar heights, 0.2 to 1 of the strip, for a phase (one cycle per 1.0)."""
    return tuple(
        0.2 + 0.8 * abs(math.sin(2 * math.pi * phase + i * 1.3)) ** 0.8 for i in range(count)
    )


class VoicePainter(PanelPainter[VoiceSlice]):
    """The ``voice`` panel: reads ``store.voice``.

    :attr:`phase` animates the listening meter. It is one value for every voice
    panel (a class attribute): the live window advances it each frame while the
    assistant listens (:meth:`animate`); only then is it part of the view, so an
    idle panel never repaints for it. Renders keep :data:`FIXED_PHASE`.
    """

    phase: float = FIXED_PHASE

    @classmethod
    def animate(cls, seconds: float) -> None:
        """Advance every voice panel's meter to a time (one cycle in 1.2 s)."""
        cls.phase = (seconds / 1.2) % 1.0

    def read(self, store: StateStore) -> VoiceSlice:
        v = store.voice
        return VoiceSlice(v, self.phase if v.activity == "listening" else 0.0)

    def paint(self, g: InstructionGroup, view: VoiceSlice, theme: Theme, focused: bool) -> None:
        ctx = self.ctx
        x, y, w, h, pad = ctx.card(g, self.panel, theme)
        v = view.voice
        body = ctx.body_px
        line = ctx.line_px(body)
        ix, iw, bottom = x + pad, w - 2 * pad, y + pad
        top = y + h - pad
        idle = v.activity == "idle" and not (v.transcript or v.intent_id or v.spoken_text)
        live = v.activity == "listening"
        if idle and top - bottom >= 6 * line:
            _idle(ctx, g, theme, (ix, bottom, iw, top - bottom))
            return
        # The orb: the state's icon in a disc, lit while the assistant listens.
        tr = ctx.tr
        inner: Box = (ix, bottom, iw, top - bottom)
        orb = min(line * 1.9, iw * 0.3, top - bottom)
        if orb < line:
            status_word = tr.gettext(_STATUS.get(v.activity, (v.activity,))[0])
            ctx.label(g, status_word, inner, body, theme.text)
            return
        # The orb before the status in reading order: on the right, right to left.
        ox = ctx.mirror((ix, top - orb, orb, orb), inner)[0]
        # The accent stays the focus outline's: an idle orb is a plain control.
        g.add(Color(*rgba(theme.listening if live else theme.control)))
        g.add(Ellipse(pos=(ox, top - orb), size=(orb, orb)))
        on_disc = theme.on_accent if live else theme.text
        icon = orb * 0.6
        ctx.icon(g, STATE_ICONS.get(v.activity, "mic"), _centred(ox, top - orb, orb, icon), on_disc)
        tx = ix + orb + pad
        status = _wordings(tr, _HINT if idle else _STATUS.get(v.activity, (v.activity,)))
        ctx.label(
            g,
            status,
            ctx.mirror((tx, top - orb, ix + iw - tx, orb), inner),
            body * (1.15 if idle else 1.0),
            theme.text,
            bold=not idle,
            valign="middle",
        )
        top -= orb + pad * 0.75
        room = top - bottom
        if idle or room < line:
            return
        if v.confirmation is not None and not live:
            _question(ctx, g, v.confirmation, theme, (ix, bottom, iw, top - bottom), self.panel)
            return
        if live:
            meter = min(line * 1.6, room * 0.35)
            _meter(g, (ix, top - meter, iw, meter), view.phase, theme.listening)
            top -= meter + pad / 2
            if v.transcript:
                said = tr.gettext(_QUOTED, transcript=v.transcript)
            else:
                said = tr.gettext(_GO_AHEAD)
            color = theme.text if v.transcript else theme.text_muted
            ctx.label(g, said, (ix, bottom, iw, top - bottom), body * 1.1, color, max_lines=4)
            return
        _results(ctx, g, v, theme, (ix, bottom, iw, top - bottom))


def _idle(ctx: PaintContext, g: InstructionGroup, theme: Theme, box: Box) -> None:
    """Nothing said yet: a large microphone, centred, over how to start."""
    x, y, w, h = box
    body = ctx.body_px
    line = ctx.line_px(body * 1.15)
    orb = min(w * 0.4, h * 0.3, line * 4)
    oy = y + h * 0.5
    g.add(Color(*rgba(theme.control)))
    g.add(Ellipse(pos=(x + (w - orb) / 2, oy), size=(orb, orb)))
    ctx.icon(g, "mic", _centred(x + (w - orb) / 2, oy, orb, orb * 0.55), theme.text)
    hint = (x, y, w, oy - body * 0.6 - y)
    hints = _wordings(ctx.tr, _HINT)
    ctx.label(g, hints, hint, body * 1.15, theme.text, max_lines=2, halign="center")


def _results(ctx: PaintContext, g: InstructionGroup, v: VoiceView, theme: Theme, box: Box) -> None:
    """What was said, the intent card and the answer, stacked top down in a box.

    The answer is what the driver waits for: it keeps its line first, then the
    intent card its title; what was said takes what is left.
    """
    x, bottom, w, h = box
    top = bottom + h
    body = ctx.body_px
    line = ctx.line_px(body)
    pad = max(6.0, body * 0.4)
    answer_h = line if v.spoken_text else 0.0
    card_lines = (1 + (1 if v.slots else 0)) if v.intent_id else 0
    card_h = card_lines * line + pad * 1.2 if card_lines else 0.0
    if card_h and top - bottom - answer_h < card_h:
        card_lines, card_h = 1, line + pad * 1.2
        if top - bottom - answer_h < card_h:
            card_lines, card_h = 0, 0.0
    if v.transcript:
        room = max(line, top - bottom - answer_h - card_h - pad)
        muted = bool(v.spoken_text or v.intent_id)
        top -= ctx.label(
            g,
            ctx.tr.gettext(_QUOTED, transcript=v.transcript),
            (x, top - room, w, room),
            body,
            theme.text_muted if muted else theme.text,
            max_lines=2,
        )
        top -= pad / 2
    if card_lines and top - bottom - answer_h >= card_h:
        _intent_card(ctx, g, v, theme, (x, top - card_h, w, card_h), card_lines, pad)
        top -= card_h + pad / 2
    if v.spoken_text and top - bottom >= line:
        box = (x, bottom, w, top - bottom)
        ctx.label(g, v.spoken_text, box, body * 1.1, theme.text, max_lines=3)


def _question(
    ctx: PaintContext,
    g: InstructionGroup,
    question: VoiceConfirmation,
    theme: Theme,
    box: Box,
    panel: PanelLayout,
) -> None:
    """The question waiting for an answer, over its Yes and No buttons."""
    x, bottom, w, h = box
    top = bottom + h
    body = ctx.body_px
    buttons = voice_answer_buttons(panel, ctx.layout, rtl=ctx.rtl)
    if buttons:
        _, by, _, bh = ctx.flip(buttons[0][1])
        bottom = max(bottom, by + bh + body * 0.4)
    if top - bottom >= ctx.line_px(body):
        ctx.label(
            g, question.prompt, (x, bottom, w, top - bottom), body * 1.2, theme.text, max_lines=3
        )
    for confirmed, rect in buttons:
        box = ctx.flip(rect)
        inset, on = ctx.control_button(g, box, confirmed, theme)
        bx, by, bw, bh = box
        inner = (bx + inset, by + inset, bw - 2 * inset, bh - 2 * inset)
        answer = _wordings(ctx.tr, _ANSWERS[confirmed])
        ctx.label(g, answer, inner, body, on, bold=True, halign="center", valign="middle")


def _intent_card(
    ctx: PaintContext,
    g: InstructionGroup,
    v: VoiceView,
    theme: Theme,
    box: Box,
    lines: int,
    pad: float,
) -> None:
    """A rounded card: the intent's name, bold, over its slots."""
    x, y, w, h = box
    g.add(Color(*rgba(theme.control)))
    g.add(RoundedRectangle(pos=(x, y), size=(w, h), radius=[pad]))
    # The accent bar on the card's starting edge: its right, right to left.
    bar = ctx.mirror((x, y, max(3.0, pad * 0.4), h), box)
    g.add(Color(*rgba(theme.accent)))
    g.add(RoundedRectangle(pos=bar[:2], size=bar[2:], radius=[pad * 0.2]))
    body = ctx.body_px
    line = ctx.line_px(body)
    tr = ctx.tr
    ix, iw = x + pad, w - 1.6 * pad
    top = y + h - pad * 0.6
    title = intent_title(v.intent_id, tr)
    title_box = ctx.mirror((ix, top - line, iw, line), box)
    ctx.label(g, title, title_box, body, theme.text, bold=True)
    if lines > 1:
        slots = " · ".join(
            tr.gettext(_SLOT, name=_slot_name(tr, name), value=value) for name, value in v.slots
        )
        values = " · ".join(value for _, value in v.slots)
        slots_box = ctx.mirror((ix, top - 2 * line, iw, line), box)
        ctx.label(g, (slots, values), slots_box, body, theme.text_muted)


def _slot_name(tr: Translator, name: str) -> str:
    """A slot's name as shown: a built-in's in the locale, an OEM's as registered."""
    known = _SLOT_NAMES.get(name)
    return tr.gettext(known) if known is not None else name


def _meter(g: InstructionGroup, box: Box, phase: float, color: RGB) -> None:
    """The listening level meter: rounded bars, centred, their heights from the phase."""
    x, y, w, h = box
    width = min(w, h * 3.2)
    step = width / (2 * BARS - 1)
    left = x + (w - width) / 2
    g.add(Color(*rgba(color)))
    for i, level in enumerate(level_bars(phase)):
        bh = max(step, h * level)
        g.add(
            RoundedRectangle(
                pos=(left + 2 * i * step, y + (h - bh) / 2), size=(step, bh), radius=[step / 2]
            )
        )


def _centred(x: float, y: float, side: float, size: float) -> Box:
    """A square of ``size`` centred in the square at (x, y) of ``side``."""
    return (x + (side - size) / 2, y + (side - size) / 2, size, size)
