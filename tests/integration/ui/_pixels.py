"""Pixel helpers for the UI tests: golden comparison, colour masks, rect crops."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from cardeck.layout import Rect

GOLDEN_DIR = Path(__file__).parent / "golden"
#: Goldens are stored at most this wide, to keep the repository small.
GOLDEN_MAX_WIDTH = 640
#: A pixel differs when any channel differs by more than this (llvmpipe noise).
CHANNEL_TOLERANCE = 8
#: At most this fraction of pixels may differ (headless-notes.md: Mesa versions shift AA).
MAX_BAD_FRACTION = 0.005


def downscale(image: Image.Image) -> Image.Image:
    """Return the image at most GOLDEN_MAX_WIDTH wide (the size goldens are kept at)."""
    if image.width <= GOLDEN_MAX_WIDTH:
        return image.convert("RGB")
    height = max(1, round(image.height * GOLDEN_MAX_WIDTH / image.width))
    return image.convert("RGB").resize((GOLDEN_MAX_WIDTH, height), Image.Resampling.BOX)


def bad_fraction(a: Image.Image, b: Image.Image) -> float:
    """Return the fraction of pixels where some channel differs by more than the tolerance."""
    if a.size != b.size:
        return 1.0
    diff = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))
    return float((diff.max(axis=2) > CHANNEL_TOLERANCE).mean())


def check_golden(image: Image.Image, name: str, *, may_update: bool = True) -> float:
    """Compare a native-size render with ``golden/NAME.png``; regenerate with UPDATE_GOLDEN=1.

    :param may_update: False for renders that must differ (they never become goldens).
    :returns: The fraction of differing pixels (0.0 right after an update).
    """
    small = downscale(image)
    path = GOLDEN_DIR / f"{name}.png"
    updating = may_update and os.environ.get("UPDATE_GOLDEN") == "1"
    if updating or not path.exists():
        if not updating:
            raise AssertionError(f"No golden {path.name}; run with UPDATE_GOLDEN=1 to create it.")
        GOLDEN_DIR.mkdir(exist_ok=True)
        small.save(path, format="PNG", optimize=True)
        return 0.0
    with Image.open(path) as golden:
        return bad_fraction(small, golden.convert("RGB"))


def crop(image: Image.Image, rect: Rect) -> np.ndarray:
    """Return the pixels of a layout rect (top-left origin) as an (h, w, 3) array."""
    x, y = round(rect.x), round(rect.y)
    return np.asarray(image.convert("RGB"))[y : y + round(rect.height), x : x + round(rect.width)]


def color_mask(pixels: np.ndarray, rgb: tuple[int, int, int], tol: int = 6) -> np.ndarray:
    """Return where pixels match a colour within a per-channel tolerance."""
    return (np.abs(pixels.astype(np.int16) - np.asarray(rgb, dtype=np.int16)) <= tol).all(axis=-1)


def mean_luminance(pixels: np.ndarray) -> float:
    """Return the mean Rec. 709 luma of pixels, 0–255."""
    p = pixels.astype(np.float64)
    return float((0.2126 * p[..., 0] + 0.7152 * p[..., 1] + 0.0722 * p[..., 2]).mean())
