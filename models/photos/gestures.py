"""Hand gestures in photos: MediaPipe hand landmarks, then finger states, then BKN's named poses.

Only hands are looked at — no face, no person, no identity (domain.md §9: no
biometrics). MediaPipe Hands (the legacy ``solutions`` API of mediapipe
0.10.14, whose wheel bundles the palm-detection and hand-landmark models, so
it runs offline) gives 21 landmarks per hand in image coordinates and in
metric "world" coordinates. Finger states are read from the world landmarks,
so angles do not depend on the photo's aspect ratio or on which way the palm
faces:

- index…little finger: the bend at the PIP and DIP joints (and at the MCP,
  for a finger folded flat against the palm) — a straight finger bends little;
- thumb: the thumb is the hard one, because it folds sideways across the palm
  rather than down. Its tip is placed in a frame on the palm (across the
  knuckles, along the palm, out of the palm plane): an extended thumb reaches
  well beyond the index knuckle's side and stays near the palm plane; a folded
  one lies over the palm or stands in front of it. A thumb bent hard at its
  joints counts as folded too.

Each state is a soft membership in [0, 1]; a gesture's confidence is the
product of the memberships its pattern requires, times MediaPipe's own
handedness score. The best gesture below ``MIN_CONFIDENCE`` reads as ``none``.
That is ``classify_landmarks``, the rules. ``read_hand`` — what the detector
uses — asks the learned landmark classifier (``landmark_model.py``) first for
the numbers one to five, OK-three and the closed O, and keeps the rules for the
other poses and wherever the classifier is unsure (see docs/photos.md).
Every gesture is checked on idealised hands (``tests/hand_model.py``) seen
from the front, the back, as the other hand and tilted; on photos as far as
labelled photos exist (``models/photos/data``).

Gestures named (domain.md §3, BKN's list): thumb_up, one, two (V), three
(index–middle–ring or thumb–index–middle), four, five, finger_heart,
finger_gun, call ("telephone"), metal ("rock"), ok_three; plus the allowed
poses fist and none (an open relaxed hand, a thumb
down, a hand on the chest seen from the back — which needs the body to tell,
so it cannot be told from landmarks alone and is read as whatever the fingers show).
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFile, ImageOps

from models.photos.landmark_model import CLASS_GESTURES, LandmarkClassifier, bundled_classifier

log = logging.getLogger(__name__)

# Listed on BKN's prohibited poses (domain.md §3); the number a gesture shows, where it shows one.
GESTURE_NUMBERS: dict[str, int | None] = {
    "thumb_up": None,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "finger_heart": None,
    "finger_gun": None,
    "call": None,
    "metal": None,
    "ok_three": 3,
}
LISTED_GESTURES = tuple(GESTURE_NUMBERS)
ALLOWED_POSES = ("fist", "none")
ALL_LABELS = LISTED_GESTURES + ALLOWED_POSES

MIN_CONFIDENCE = 0.30
MAX_HANDS = 6  # per detection pass; a tiled photo may yield more
# Big photos are scaled down before detection: the palm detector works on 192 px anyway.
DETECT_MAX_SIDE = 1280
# Small ones are scaled up (bicubic), so that the landmark model's 224 px crop is cut from a smooth image
# rather than from a handful of blocky pixels.
DETECT_MIN_SIDE = 256
# A hand that fills the photo and runs off its edge (a selfie, a crop of a group photo) is often missed by
# the palm detector: the cut-off wrist or palm does not look like a hand. One more pass sees the photo with
# its edge pixels repeated outwards by this fraction of its longer side on every side, which continues the
# arm past the frame: on the sign-language-digits tuning photos (100 px, a hand cut by the bottom edge)
# 15 % of hands were missed without it and 0.1 % with it; a plain grey border recovered only half of them.
EDGE_BORDER = 0.5
# The palm detector sees the whole photo at 192 px, so in a group or rally photo a hand under ~10% of the
# photo's width is missed. Photos this big are also searched in overlapping tiles (halves, and thirds from
# THIRDS_MIN_SIDE), each tile a pass of its own; a hand is kept from the pass that saw it with most pixels.
# Tiles started at 960 px until issue 20; bench/gestures.py found them just as useful in a 640×427 photo (a V
# sign a quarter of the photo wide: 0 of 9 found whole, 8 of 9 with tiles), where 5 more passes cost little.
TILE_MIN_SIDE = 600
THIRDS_MIN_SIDE = 1920
TILE_OVERLAP = 0.25
# Bumped whenever the rules or the search change what a photo reads as: stored readings of older versions
# are redone (monitor/classify/photos.py).
RULES_VERSION = 3
# Likewise for how photos are searched (views, scaling, the edge-padded pass).
SEARCH_VERSION = 3

FINGERS = {"index": (5, 6, 7, 8), "middle": (9, 10, 11, 12), "ring": (13, 14, 15, 16), "little": (17, 18, 19, 20)}
WRIST, THUMB_CMC, THUMB_MCP, THUMB_IP, THUMB_TIP = 0, 1, 2, 3, 4


class GestureImageError(ValueError):
    """The image cannot be read as a still photo; the message names the file and why."""


@dataclass(frozen=True)
class FingerStates:
    """Membership in "extended" per finger, 0 (folded) … 1 (straight), and the raw measures behind them."""

    thumb: float
    index: float
    middle: float
    ring: float
    little: float
    measures: dict[str, float]

    def as_tuple(self) -> tuple[float, float, float, float, float]:
        return (self.thumb, self.index, self.middle, self.ring, self.little)


@dataclass(frozen=True)
class Hand:
    """One detected hand: its gesture, confidence and box (normalised 0–1 and in pixels of the upright image)."""

    gesture: str
    confidence: float
    handedness: str  # "Left"/"Right" as MediaPipe reports it (mirror-image convention of a selfie camera)
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 normalised
    box_px: tuple[int, int, int, int]
    number: int | None
    fingers: tuple[float, float, float, float, float]
    scores: dict[str, float]  # confidence of every label, for review and evaluation

    @property
    def listed(self) -> bool:
        return self.gesture in LISTED_GESTURES

    def cue(self) -> str:
        return f"gesture:{self.gesture}@{self.confidence:.2f}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 4)
        data["box"] = [round(v, 4) for v in self.box]
        data["box_px"] = list(self.box_px)
        data["fingers"] = [round(v, 3) for v in self.fingers]
        data["scores"] = {k: round(v, 4) for k, v in self.scores.items() if v >= 0.01}
        return data


@dataclass(frozen=True)
class PhotoHands:
    """What the detector found in one photo (possibly nothing); width/height are of the upright image."""

    width: int
    height: int
    hands: tuple[Hand, ...]

    def cues(self) -> list[str]:
        return [h.cue() for h in self.hands if h.listed]

    def to_json(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "hands": [h.to_json() for h in self.hands]}


# ---------------------------------------------------------------- geometry


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    """Angle in degrees between two vectors (0 = same direction)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    cos = float(np.dot(a, b)) / (na * nb)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _soft(value: float, low: float, high: float) -> float:
    """1 at or below ``low``, 0 at or above ``high``, a smooth step between (for "small is extended")."""
    if high == low:
        return 1.0 if value <= low else 0.0
    t = min(1.0, max(0.0, (value - low) / (high - low)))
    return 1.0 - t * t * (3.0 - 2.0 * t)


def finger_states(world: np.ndarray) -> FingerStates:
    """Extension memberships from 21×3 world landmarks (metres, any orientation, either hand)."""
    p = np.asarray(world, dtype=float)
    palm = float(np.linalg.norm(p[9] - p[WRIST])) or 1e-6
    measures: dict[str, float] = {}
    states: dict[str, float] = {}
    for name, (mcp, pip, dip, tip) in FINGERS.items():
        bend_mcp = _angle(p[mcp] - p[WRIST], p[pip] - p[mcp])
        bend_pip = _angle(p[pip] - p[mcp], p[dip] - p[pip])
        bend_dip = _angle(p[dip] - p[pip], p[tip] - p[dip])
        # A finger folded at the knuckle alone (flat against the palm) is not raised either.
        bend = bend_pip + bend_dip + 0.5 * max(0.0, bend_mcp - 30.0)
        measures[f"{name}_bend"] = bend
        # The tip reaching farther from the wrist than the PIP joint is the second, orientation-free witness.
        reach = float(np.linalg.norm(p[tip] - p[WRIST]) / (np.linalg.norm(p[pip] - p[WRIST]) or 1e-6))
        measures[f"{name}_reach"] = reach
        states[name] = _soft(bend, 45.0, 110.0) * _soft(-reach, -1.25, -1.0)
    # Thumb: in a frame on the palm (u across from the little-finger knuckle, 0, to the index knuckle, 1;
    # z out of the palm plane, in palm lengths) an extended thumb's tip lies well beyond the index side
    # (u ≳ 1.7), whichever way the palm faces; a thumb folded across or in front of the palm stays near
    # u ≤ 1.5 or stands out of the plane (|z| ≳ 0.4). Measured on the photos of models/photos/data, then on
    # the sign-language-digits tuning photos: extended thumbs (five, thumb–index–middle three) reach a
    # lateral 1.3–1.8, thumbs folded over the palm (four, index–middle–ring three, one, two) −0.1–0.65, so
    # the step lies between those, not at 1.35–1.6, where a third of the extended thumbs read as folded.
    across = p[5] - p[17]
    width = float(np.linalg.norm(across)) or 1e-6
    ex = across / width
    ey = p[9] - p[WRIST]
    ey = ey - ex * float(np.dot(ey, ex))
    ey = ey / (float(np.linalg.norm(ey)) or 1e-6)
    normal = np.cross(ex, ey)
    u = float(np.dot(p[THUMB_TIP] - p[17], ex)) / width
    z = float(np.dot(p[THUMB_TIP] - p[WRIST], normal)) / palm
    bend_thumb = _angle(p[THUMB_MCP] - p[THUMB_CMC], p[THUMB_IP] - p[THUMB_MCP]) + _angle(
        p[THUMB_IP] - p[THUMB_MCP], p[THUMB_TIP] - p[THUMB_IP]
    )
    lateral = u - 0.5 * abs(z)
    measures.update(thumb_u=u, thumb_z=z, thumb_lateral=lateral, thumb_bend=bend_thumb)
    # A thumb bent hard at its joints is folded whatever its reach (tuning photos: thumbs held out bend
    # 11–41°, thumbs folded over the palm or the fingers 51–101°).
    states["thumb"] = _soft(-lateral, -1.2, -0.9) * _soft(bend_thumb, 45.0, 65.0)
    return FingerStates(states["thumb"], states["index"], states["middle"], states["ring"], states["little"], measures)


# Required extension per finger (thumb, index, middle, ring, little): 1 extended, 0 folded, None either.
# A gesture shown in more than one way lists each; the best-fitting way counts.
PATTERNS: dict[str, tuple[tuple[int | None, ...], ...]] = {
    "thumb_up": ((1, 0, 0, 0, 0),),
    "one": ((0, 1, 0, 0, 0),),
    "two": ((0, 1, 1, 0, 0),),
    # Three is counted both ways: index–middle–ring (the thumb holds the little finger) and thumb–index–middle.
    "three": ((0, 1, 1, 1, 0), (1, 1, 1, 0, 0)),
    "four": ((0, 1, 1, 1, 1),),
    "five": ((1, 1, 1, 1, 1),),
    "finger_gun": ((1, 1, 0, 0, 0),),
    "call": ((1, 0, 0, 0, 1),),
    "metal": ((None, 1, 0, 0, 1),),
    # The index of the OK sign is bent only half-way onto the thumb: the touching tips tell it, not its bend.
    "ok_three": ((None, None, 1, 1, 1),),
    "finger_heart": ((None, None, 0, 0, 0),),
    "fist": ((0, 0, 0, 0, 0),),
}


RAISED_FINGER_GESTURES = ("one", "two", "three", "four", "five", "metal", "ok_three", "call")


def classify_landmarks(world: np.ndarray, image_xy: np.ndarray | None = None) -> tuple[str, float, dict[str, float]]:
    """The gesture of one hand from its 21 world landmarks (and image landmarks, for "up" and touching tips).

    Returns (label, confidence, confidence per label).
    """
    states = finger_states(world)
    ext = states.as_tuple()
    p = np.asarray(world, dtype=float)
    palm = float(np.linalg.norm(p[9] - p[WRIST])) or 1e-6
    tips_touch = _soft(float(np.linalg.norm(p[THUMB_TIP] - p[8])) / palm, 0.25, 0.55)
    scores = {label: max(_fit(pattern, ext) for pattern in variants) for label, variants in PATTERNS.items()}
    # The OK sign: thumb and index tips touch, the other three raised (the index is curled into the ring).
    scores["ok_three"] *= tips_touch
    # Finger heart: thumb and index tips crossed/touching in front of the fist, index bent, the rest folded.
    # In a plain fist the thumb may also lie on the index, but the index tip is then tucked against the palm;
    # in the heart it stands away from the palm's centre. That tip is what tells the two apart, so a fist
    # whose index tip stands out and meets the thumb's is not a fist. Ties go to the fist (factor 0.8).
    # Checked on idealised hands (tests/hand_model.py); no photo of a finger heart is at hand.
    palm_centre = p[[WRIST, 5, 9, 13, 17]].mean(axis=0)
    index_out = _soft(-float(np.linalg.norm(p[8] - palm_centre)) / palm, -0.8, -0.6)
    index_half = 1.0 - abs(ext[1] - 0.5) * 2.0 if ext[1] < 1.0 else 0.0
    scores["finger_heart"] *= tips_touch * index_out * max(index_half, 1.0 - ext[1]) * 0.8
    scores["fist"] *= 1.0 - tips_touch * index_out
    # A closed O (the fingers curved onto the thumb) has the thumb out of the fist too, as has a thumbs-up. In
    # the thumbs-up (and the finger heart) the middle finger is tucked into the palm; in the O it curves out to
    # meet the thumb. Middle tip to the palm's centre, in palm lengths, on the tuning photos: thumbs-up
    # 0.39–0.43, fist 0.29, O 0.48–1.05 (median 0.73); the thumb tip stands clear of the index and middle
    # tips in a thumbs-up (≥ 0.79) and near them in most O's (median 0.6).
    tucked = _soft(float(np.linalg.norm(p[12] - palm_centre)) / palm, 0.5, 0.7)
    tips = min(float(np.linalg.norm(p[THUMB_TIP] - p[tip])) for tip in (8, 12)) / palm
    thumb_clear = 1.0 - _soft(tips, 0.4, 0.65)
    # And a thumbs-up's thumb stays near the palm's plane (|z| ≤ 0.18 on the tuning photos; calls and
    # thumbs-down ≤ 0.36), while a thumb wrapped in front of a fist (fullcurl.jpg: 0.47) or meeting the
    # fingertips in an O (0.59–0.88) stands out of it.
    in_plane = _soft(abs(states.measures["thumb_z"]), 0.35, 0.5)
    scores["thumb_up"] *= tucked * thumb_clear * in_plane
    # For the same reason a thumb out of that plane, however far it reaches, is wrapped round the fist, not
    # held out of it.
    scores["fist"] = _fit(PATTERNS["fist"][0], (ext[0] * in_plane, *ext[1:])) * (1.0 - tips_touch * index_out)
    scores["call"] *= thumb_clear  # call's thumb tip: 0.72–1.45 from those tips
    scores["finger_heart"] *= tucked
    if image_xy is not None:
        xy = np.asarray(image_xy, dtype=float)
        # A thumb that is out but not up (thumb down, sideways) is not the thumbs-up pose.
        scores["thumb_up"] *= _thumb_points_up(xy)
        # Fingers shown to a camera point up or sideways; a hand hanging at the side with straight fingers
        # (pointing down) shows no number.
        hanging = _hanging(xy)
        for label in RAISED_FINGER_GESTURES:
            scores[label] *= 1.0 - hanging
    # Among two readings of the same fingers, the tighter pattern wins (a fist is not a one with a lazy index).
    label = max(scores, key=lambda k: scores[k])
    confidence = scores[label]
    if confidence < MIN_CONFIDENCE:
        return "none", 1.0 - confidence, scores
    return label, confidence, scores


# Gestures the landmark classifier has not learned and the rules name from a clear finger pattern: where the
# rules read one of these, the classifier is not asked (it would force the hand into a pose it knows).
RULES_ONLY = ("call", "metal", "finger_gun")
# Below this probability the classifier is unsure (a pose unlike its training photos): the rules decide.
CLASSIFIER_MIN = 0.6
CLASSIFIER_SURE = 0.9
NUMBER_GESTURES = tuple(g for g, n in GESTURE_NUMBERS.items() if n is not None)


def read_hand(world: np.ndarray, image_xy: np.ndarray | None = None,
              classifier: LandmarkClassifier | None = None) -> tuple[str, float, dict[str, float], str]:
    """The gesture of one hand: the landmark classifier where it knows the pose, else the finger rules.

    Returns (label, confidence, confidence per label, "classifier" or "rules"). The rules alone are
    ``classify_landmarks``; they stay the fallback for poses the classifier has not learned.
    """
    label, confidence, scores = classify_landmarks(world, image_xy)
    if classifier is None:
        classifier = bundled_classifier()
    probabilities = classifier.probabilities(world)
    best = max(probabilities, key=lambda c: probabilities[c])
    if best == "o_hand" and label not in NUMBER_GESTURES:
        # The classifier saw few photos of the other poses (call, metal, thumbs-up and fists were only its
        # "other") and none of a finger heart: only a sure verdict of the one look-alike it learned well, the
        # closed O (whose curled little finger or free thumb the rules may take for a call's or a
        # thumbs-up's), overrules them. On idealised hands (tests/hand_model.py) it reads a thumbs-up, a
        # finger heart and a fist as an O at 0.6–0.85.
        if probabilities[best] >= CLASSIFIER_SURE:
            return "none", probabilities[best], scores, "classifier"
        return label, confidence, scores, "rules"
    if label in RULES_ONLY:
        return label, confidence, scores, "rules"
    if probabilities[best] < CLASSIFIER_MIN:
        return label, confidence, scores, "rules"
    merged = dict(scores)
    for gesture in NUMBER_GESTURES:
        merged[gesture] = sum(p for c, p in probabilities.items() if CLASS_GESTURES[c] == gesture)
    gesture = CLASS_GESTURES[best]
    if gesture is None:
        # "Not one of my poses": the rules' best reading that is no number (thumbs-up, heart, fist…).
        others = {k: v for k, v in scores.items() if k not in NUMBER_GESTURES}
        gesture = max(others, key=lambda k: others[k])
        if others[gesture] < MIN_CONFIDENCE:
            return "none", probabilities[best], merged, "classifier"
        return gesture, others[gesture], merged, "rules"
    if gesture in NUMBER_GESTURES and image_xy is not None and _hanging(np.asarray(image_xy, dtype=float)) > 0.5:
        return label, confidence, scores, "rules"  # a hand hanging down shows no number, whatever its fingers
    # Two readers agreeing: the surer of them speaks for both.
    agreed = confidence if label == gesture else 0.0
    return gesture, max(probabilities[best], agreed), merged, "classifier"


def _hanging(xy: np.ndarray) -> float:
    """Fingers pointing down in the upright image. Measured: raised hands ≤ 105° from "up", hanging ones ≥ 175°."""
    return _soft(-_angle(xy[9] - xy[WRIST], np.array([0.0, -1.0])), -160.0, -130.0)


def _fit(pattern: tuple[int | None, ...], ext: tuple[float, ...]) -> float:
    """How well extension memberships fit a pattern: the product of the memberships it requires."""
    score = 1.0
    for want, have in zip(pattern, ext, strict=True):
        if want is not None:
            score *= have if want else 1.0 - have
    return score


def _thumb_points_up(xy: np.ndarray) -> float:
    """How much the thumb points up in the upright image: 1 within 40° of up, 0 beyond 80°."""
    direction = xy[THUMB_TIP] - xy[THUMB_MCP]
    up = np.array([0.0, -1.0])  # image y grows downwards
    return _soft(_angle(direction, up), 40.0, 80.0)


# ---------------------------------------------------------------- images


_STRICT_DECODING = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES = True when imported, so in a process that
    # also renders reports a truncated photo would decode "successfully" into grey and be scored as a photo.
    with _STRICT_DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def open_photo(path: str | Path, *, max_pixels: int = 50_000_000) -> Image.Image:
    """The photo upright (EXIF orientation applied) as RGB, transparency over white; a clear error for anything
    that is not a still photo."""
    path = Path(path)
    try:
        with _strict_decoding(), Image.open(path) as im:
            if im.width * im.height > max_pixels:
                raise GestureImageError(f"{path}: {im.width}x{im.height} pixels is more than the {max_pixels} allowed")
            if getattr(im, "n_frames", 1) > 1:
                raise GestureImageError(f"{path}: an animation ({im.format}, {im.n_frames} frames), not a photo")
            im.load()
            upright = ImageOps.exif_transpose(im)
            return _flatten(upright)
    except GestureImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise GestureImageError(f"{path}: refused as a decompression bomb ({exc})") from None
    except FileNotFoundError:
        raise GestureImageError(f"{path}: file not found") from None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow raises these for unreadable or truncated data
        raise GestureImageError(f"{path}: not a readable image ({exc})") from None


def _flatten(image: Image.Image) -> Image.Image:
    """RGB with any transparency laid over white.

    A plain ``convert("RGB")`` keeps whatever colour the transparent pixels hold
    (black, in most cut-outs and stickers), which hides a dark hand and is not
    what a viewer sees on a light page.
    """
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        return background.convert("RGB")
    return image.convert("RGB")


class GestureDetector:
    """MediaPipe Hands in still-image mode; one instance per thread (MediaPipe graphs are not thread-safe)."""

    def __init__(self, *, max_hands: int = MAX_HANDS, min_detection_confidence: float = 0.5,
                 model_complexity: int = 1, tiles: bool = True) -> None:
        import mediapipe as mp  # imported here: it is heavy, and only photo work needs it

        self.tiles = tiles
        self._classifier: LandmarkClassifier | None = None

        self._hands = mp.solutions.hands.Hands(
            static_image_mode=True,
            max_num_hands=max_hands,
            model_complexity=model_complexity,
            min_detection_confidence=min_detection_confidence,
        )
        self._lock = threading.Lock()

    @property
    def classifier(self) -> LandmarkClassifier:
        """The landmark classifier (loaded on first use: training a new one needs the search without it)."""
        if self._classifier is None:
            self._classifier = bundled_classifier()
        return self._classifier

    @property
    def version(self) -> str:
        """What produced a reading, stored beside it so that a changed detector redoes old readings.

        Kept within the 64 characters of ``media.hands_model``; a longer version would not store on PostgreSQL.
        """
        return (f"mediapipe-{_mediapipe_version()}+search{SEARCH_VERSION}+rules{RULES_VERSION}"
                f"+landmarks-{self.classifier.digest}" + ("+tiles" if self.tiles else ""))

    def close(self) -> None:
        self._hands.close()

    def __enter__(self) -> GestureDetector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def detect_file(self, path: str | Path) -> PhotoHands:
        return self.detect(open_photo(path))

    def detect(self, image: Image.Image) -> PhotoHands:
        """Hands in an upright RGB image (use ``open_photo`` to get one from a file)."""
        width, height = image.size
        hands: list[Hand] = []
        for candidate in _unique(self.candidates(image)):
            xy, world = candidate.xy, candidate.world
            label, confidence, scores, _source = read_hand(world, xy * [width, height], self.classifier)
            box = _box(xy)
            hand_score = candidate.hand_score
            hands.append(
                Hand(
                    gesture=label,
                    confidence=confidence * hand_score,
                    handedness=candidate.handedness,
                    box=box,
                    box_px=(round(box[0] * width), round(box[1] * height),
                            round(box[2] * width), round(box[3] * height)),
                    number=GESTURE_NUMBERS.get(label),
                    fingers=finger_states(world).as_tuple(),
                    scores=scores,
                )
            )
        return PhotoHands(width=width, height=height, hands=tuple(hands))

    def candidates(self, image: Image.Image) -> list[_Found]:
        """Every hand each detection pass saw, duplicates across passes included (``_unique`` drops them)."""
        width, height = image.size
        views = tile_views(width, height) if self.tiles else [(0, 0, width, height)]
        found: list[_Found] = []
        for view in views:
            found.extend(self._detect_view(image, view))
        found.extend(self._detect_view(image, (0, 0, width, height), border=EDGE_BORDER))
        return found

    def _detect_view(self, image: Image.Image, view: tuple[int, int, int, int], *,
                     border: float = 0.0) -> list[_Found]:
        """Hands MediaPipe finds in one view (the whole photo or a tile), in whole-photo coordinates.

        ``border``: the view's edge pixels are repeated outwards by this fraction of its longer side first.
        """
        width, height = image.size
        x0, y0, x1, y1 = view
        work = image if view == (0, 0, width, height) else image.crop(view)
        side = max(work.size) * (1 + 2 * border)
        scale = min(1.0, DETECT_MAX_SIDE / side) if side > DETECT_MIN_SIDE else DETECT_MIN_SIDE / side
        if scale != 1.0:
            size = (max(1, round(work.width * scale)), max(1, round(work.height * scale)))
            work = work.resize(size, Image.Resampling.BICUBIC if scale > 1 else Image.Resampling.LANCZOS)
        pixels = np.asarray(work.convert("RGB"))
        pad = round(max(work.size) * border)
        if pad:
            pixels = np.pad(pixels, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
        pixels = np.ascontiguousarray(pixels)
        with self._lock, warnings.catch_warnings():
            # protobuf's deprecation notice from inside mediapipe 0.10.14; nothing Netra can act on.
            warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype", category=UserWarning)
            result = self._hands.process(pixels)
        found = result.multi_hand_landmarks or []
        worlds = result.multi_hand_world_landmarks or []
        sides = result.multi_handedness or []
        inner = (x0 > 0, y0 > 0, x1 < width, y1 < height)  # tile edges that cut through the photo
        seen = np.array([pixels.shape[1], pixels.shape[0]], dtype=float)
        out: list[_Found] = []
        for i, lms in enumerate(found):
            if i >= len(worlds):
                continue
            # Normalised to the view itself (the border, if any, taken off): may lie outside 0–1 there.
            local = (np.array([[lm.x, lm.y] for lm in lms.landmark]) * seen - pad) / [work.width, work.height]
            if _touches_cut(local, inner):
                continue  # a hand cut by the tile's edge: the overlapping tile or the whole photo has it whole
            xy = (local * [x1 - x0, y1 - y0] + [x0, y0]) / [width, height]
            world = np.array([[lm.x, lm.y, lm.z] for lm in worlds[i].landmark])
            side_class = sides[i].classification[0] if i < len(sides) else None
            span = np.clip(local, 0.0, 1.0).max(axis=0) - np.clip(local, 0.0, 1.0).min(axis=0)
            # Pixels of the photo itself: scaling a view up adds none.
            sharp = min(1.0, scale) ** 2 * (x1 - x0) * (y1 - y0)
            out.append(_Found(
                xy=xy, world=world,
                handedness=side_class.label if side_class is not None else "unknown",
                hand_score=float(side_class.score) if side_class is not None else 1.0,
                pixels=float(span[0] * span[1] * sharp),
            ))
        return out


@dataclass(frozen=True)
class _Found:
    """One hand as a detection pass saw it, before duplicates across passes are dropped."""

    xy: np.ndarray  # 21×2 landmarks normalised to the whole photo
    world: np.ndarray  # 21×3 world landmarks (metres)
    handedness: str
    hand_score: float
    pixels: float  # landmark-box area in the pixels the pass looked at: more is a sharper view


@functools.cache
def _mediapipe_version() -> str:
    """The installed mediapipe, not the pin: a stored reading says what really produced it (asked once)."""
    from importlib.metadata import version

    return version("mediapipe")


def tile_views(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The whole photo, then overlapping tiles (halves; thirds too for very big photos) as (x0, y0, x1, y1)."""
    views = [(0, 0, width, height)]
    side = max(width, height)
    if side < TILE_MIN_SIDE:
        return views
    for parts in (2, 3) if side >= THIRDS_MIN_SIDE else (2,):
        tile = min(round(side / parts * (1 + TILE_OVERLAP)), side)
        for y in _starts(height, tile):
            for x in _starts(width, tile):
                views.append((x, y, min(x + tile, width), min(y + tile, height)))
    return list(dict.fromkeys(views))


def _starts(length: int, tile: int) -> list[int]:
    """Evenly spaced tile starts covering ``length`` with tiles of ``tile``, overlapping by at least a quarter."""
    if tile >= length:
        return [0]
    count = math.ceil((length - tile) / (tile * (1 - TILE_OVERLAP))) + 1
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def _touches_cut(local: np.ndarray, inner: tuple[bool, bool, bool, bool], margin: float = 0.01) -> bool:
    """Whether landmarks (normalised to a tile) reach a tile edge that lies inside the photo."""
    (lx, ly), (hx, hy) = local.min(axis=0), local.max(axis=0)
    left, top, right, bottom = inner
    return (left and lx <= margin) or (top and ly <= margin) or (right and hx >= 1 - margin) or (
        bottom and hy >= 1 - margin)


def _unique(found: list[_Found]) -> list[_Found]:
    """One detection per hand: where passes overlap, the view with most pixels on the hand wins."""
    kept: list[_Found] = []
    boxes: list[tuple[float, float, float, float]] = []
    for candidate in sorted(found, key=lambda f: -f.pixels):
        box = _box(candidate.xy, margin=0.0)
        if any(_overlap(box, other) >= 0.5 for other in boxes):
            continue
        kept.append(candidate)
        boxes.append(box)
    # Reading order (top to bottom, left to right) keeps the output stable whatever pass found a hand.
    return sorted(kept, key=lambda f: (round(float(f.xy[:, 1].min()), 2), float(f.xy[:, 0].min())))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over the smaller box: 1 when one hand's box lies inside the other's."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / smaller if smaller > 0 else 0.0


def _box(xy: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    """The landmarks' bounding box grown by ``margin`` of its size (landmarks sit inside the skin), clipped to 0–1."""
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (
        float(max(0.0, x0 - dx)), float(max(0.0, y0 - dy)),
        float(min(1.0, x1 + dx)), float(min(1.0, y1 + dy)),
    )


_shared: GestureDetector | None = None
_shared_lock = threading.Lock()


def shared_detector(*, tiles: bool = True) -> GestureDetector:
    """One detector per process, created on first use (loading the graph takes a moment)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = GestureDetector(tiles=tiles)
        _shared.tiles = tiles
        return _shared


def detect_gestures(path: str | Path, detector: GestureDetector | None = None) -> PhotoHands:
    """Hands and gestures in the photo at ``path``; raises ``GestureImageError`` for a file that is no still photo."""
    return (detector or shared_detector()).detect_file(path)


def gesture_cues(hands: Sequence[Hand]) -> list[str]:
    return [h.cue() for h in hands if h.listed]
