"""A copy of a photo with its detected hands boxed and labelled, for the review page (PNG bytes)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PIL import ImageDraw

from models.photos.gestures import LISTED_GESTURES, Hand, open_photo
from models.photos.labels import GESTURE_LABELS_ID

MAX_SIDE = 1600
LISTED_COLOUR = (220, 30, 30)
ALLOWED_COLOUR = (30, 160, 60)


def _fields(hand: Hand | Mapping[str, Any]) -> tuple[str, float, tuple[float, float, float, float]]:
    if isinstance(hand, Hand):
        return hand.gesture, hand.confidence, hand.box
    box = hand.get("box")
    if not isinstance(box, Sequence) or len(box) != 4:
        raise ValueError(f"hand {hand!r}: 'box' must be four normalised numbers")
    return str(hand.get("gesture", "none")), float(hand.get("confidence", 0.0)), tuple(float(v) for v in box)  # type: ignore[return-value]


def draw_hand_boxes(image_path: str | Path, hands: Sequence[Hand | Mapping[str, Any]]) -> bytes:
    """The upright photo (EXIF applied, scaled to at most 1600 px) with one box and label per hand, as PNG.

    Boxes are normalised to the upright image, so they fit at any scale. Listed
    gestures are drawn red, allowed poses green. Raises ``GestureImageError``
    for a file that is no still photo.
    """
    image = open_photo(image_path)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    draw = ImageDraw.Draw(image)
    width, height = image.size
    line = max(2, round(min(width, height) / 200))
    for hand in hands:
        gesture, confidence, (x0, y0, x1, y1) = _fields(hand)
        colour = LISTED_COLOUR if gesture in LISTED_GESTURES else ALLOWED_COLOUR
        box = (x0 * width, y0 * height, x1 * width, y1 * height)
        draw.rectangle(box, outline=colour, width=line)
        label = f"{GESTURE_LABELS_ID.get(gesture, gesture)} {confidence:.2f}"
        left, top, right, bottom = draw.textbbox((0, 0), label)
        tx, ty = box[0], max(0.0, box[1] - (bottom - top) - 4)
        draw.rectangle((tx, ty, tx + (right - left) + 4, ty + (bottom - top) + 4), fill=colour)
        draw.text((tx + 2, ty + 1), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
