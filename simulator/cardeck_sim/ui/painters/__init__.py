"""The panel painters: one module per panel kind, composed per display by DisplayPainter.

Each painter (a :class:`PanelPainter`) states the slice of the store it shows
(``read``, a typed view) and how it paints it (``paint``); the base class
repaints a panel only when that slice, the theme, the locale or the focus
changed. All painters of a display share one :class:`PaintContext`, and with it
one text cache that measures every text against the box it is painted in and
fits it there (:meth:`TextCache.fit`; nothing is clipped), and the locale's
:class:`cardeck.i18n.Translator` (``ctx.tr``): every word a painter paints is a
message of the ``ui`` catalog, every number goes through its formats, and a row
in reading order is mirrored right to left (``ctx.mirror``; see
docs/guides/ui-locales.md).

To add a painter: write ``painters/<name>.py`` with a ``PanelPainter``
subclass, and add its row (panel kind → class) to :data:`PAINTERS` in
``registry.py``.

Importing this package imports kivy; ``cardeck_sim.ui`` loads it lazily.
"""

from .base import Clock, PaintContext, PaintedText, Painter, PainterFactory, PanelPainter
from .display import DisplayPainter
from .frames import DecodedFrame, FrameTextures, decode_frame
from .registry import PAINTERS, painter_for
from .text import TextCache

__all__ = [
    "PAINTERS",
    "Clock",
    "DecodedFrame",
    "DisplayPainter",
    "FrameTextures",
    "PaintContext",
    "PaintedText",
    "Painter",
    "PainterFactory",
    "PanelPainter",
    "TextCache",
    "decode_frame",
    "painter_for",
]
