"""Screencast frames: JPEG decoding (off the loop thread) and the newest frame's texture."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from kivy.graphics.texture import Texture

if TYPE_CHECKING:
    from cardeck_sim.browser import ScreencastFrame

__all__ = ["DecodedFrame", "FrameTextures", "decode_frame"]

#: A decoded frame: width, height and RGB bytes, bottom row first (as GL reads them).
DecodedFrame = tuple[int, int, bytes]


def decode_frame(jpeg: bytes) -> DecodedFrame:
    """Decode a JPEG screencast frame to (width, height, RGB bytes, bottom row first).

    Runs anywhere (Pillow only); the live app calls it on a worker thread.
    """
    from PIL import Image

    with Image.open(BytesIO(jpeg)) as im:
        rgb = im.convert("RGB").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        return rgb.width, rgb.height, rgb.tobytes()


class FrameTextures:
    """The texture of the newest browser frame, made once per frame.

    :param async_decode: The live app decodes frames on a worker (and hands
        them over with :meth:`set_decoded`), keeping the last texture
        meanwhile; headless renders (False) decode in place.
    """

    def __init__(self, *, async_decode: bool = False) -> None:
        self.async_decode = async_decode
        self._shown: tuple[ScreencastFrame, Texture] | None = None
        # The one frame a worker decoded, held by the frame itself: an id() could be
        # a newer frame's once the old one is collected, and show the old pixels.
        self._decoded: tuple[ScreencastFrame, DecodedFrame] | None = None

    def set_decoded(self, frame: ScreencastFrame, decoded: DecodedFrame) -> None:
        """Hand over a frame decoded off the loop thread (see :func:`decode_frame`)."""
        self._decoded = (frame, decoded)

    def is_decoded(self, frame: ScreencastFrame | None) -> bool:
        """Whether a worker has handed this frame over (panels repaint when it has)."""
        return self._decoded is not None and self._decoded[0] is frame

    def texture(self, frame: ScreencastFrame) -> Texture | None:
        """Return the texture of the newest frame, decoding it here if no worker did.

        None while the first frame of an asynchronous painter is still decoding.
        """
        if self._shown is not None and self._shown[0] is frame:
            return self._shown[1]
        decoded = self._decoded[1] if self.is_decoded(frame) and self._decoded else None
        if decoded is None:
            if self.async_decode:
                return self._shown[1] if self._shown is not None else None
            decoded = decode_frame(frame.jpeg)
        fw, fh, data = decoded
        tex = Texture.create(size=(fw, fh), colorfmt="rgb")
        tex.blit_buffer(data, colorfmt="rgb", bufferfmt="ubyte")
        self._shown = (frame, tex)
        return tex
