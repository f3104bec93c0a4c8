"""Idealised hands as 21 MediaPipe landmarks, to check that each finger rule can fire.

A hand here is a kinematic sketch, not a photo: a flat palm, each finger a chain
of three bones bent at its three joints, the thumb a chain from its base. It lets
the tests put every gesture on BKN's list in front of ``classify_landmarks`` —
including those no bundled photo shows (three, finger heart, finger gun, OK) —
and turn, mirror or tilt it. Passing says the rules are coherent for a clean
hand; the accuracy on real photos is what ``netra evaluate-gestures`` measures.

World frame, in metres like MediaPipe's world landmarks: x across the palm
(index side +), y from the wrist to the fingers, z out of the palm (the palm
faces +z). Image coordinates are a front view: x to the right, y down.
"""

from __future__ import annotations

import math

import numpy as np

CM = 0.01
# Knuckle (MCP) positions and bone lengths (proximal, middle, distal) of an adult hand, in cm.
KNUCKLES = {"index": (2.5, 8.5), "middle": (0.5, 9.0), "ring": (-1.5, 8.5), "little": (-3.2, 7.5)}
BONES = {"index": (4.0, 2.5, 2.0), "middle": (4.5, 3.0, 2.2), "ring": (4.2, 2.8, 2.0), "little": (3.3, 2.0, 1.8)}
SPREAD = {"index": 0.12, "middle": 0.0, "ring": -0.1, "little": -0.22}  # sideways lean of a straight finger
FIRST = {"index": 5, "middle": 9, "ring": 13, "little": 17}

# Joint bends (MCP, PIP, DIP) in degrees.
STRAIGHT = (0.0, 5.0, 5.0)
FOLDED = (75.0, 100.0, 60.0)
HALF = (60.0, 45.0, 20.0)
CURLED_TO_THUMB = (45.0, 70.0, 40.0)

THUMB_BASE = np.array([2.0, 2.5, 0.5])
THUMB_BONES = (3.5, 3.0, 2.5)


def _finger(name: str, bends: tuple[float, float, float]) -> list[np.ndarray]:
    """MCP, PIP, DIP and tip of one finger; each joint turns the bone towards the palm side (+z), then down."""
    x, y = KNUCKLES[name]
    points = [np.array([x, y, 0.0])]
    angle = 0.0
    lean = SPREAD[name]
    for bend, length in zip(bends, BONES[name], strict=True):
        angle += math.radians(bend)
        direction = np.array([lean * math.cos(angle), math.cos(angle), math.sin(angle)])
        points.append(points[-1] + length * direction / np.linalg.norm(direction))
    return points


def _thumb_chain(tip: np.ndarray, bulge: float) -> list[np.ndarray]:
    """CMC, MCP, IP, tip: a gentle arc from the thumb's base to ``tip``, bowed out to the index side."""
    base = THUMB_BASE
    out = np.array([1.0, 0.0, 0.3])
    mcp = base + 0.42 * (tip - base) + bulge * out
    ip = base + 0.75 * (tip - base) + 0.6 * bulge * out
    return [base, mcp, ip, tip]


def hand(thumb: str, index: tuple[float, float, float] = FOLDED, middle: tuple[float, float, float] = FOLDED,
         ring: tuple[float, float, float] = FOLDED, little: tuple[float, float, float] = FOLDED) -> np.ndarray:
    """21×3 world landmarks (metres).

    ``thumb``: "out" (spread sideways in the palm plane, the extended thumb),
    "across" (folded over the middle of the palm), "to_index" (its tip on the
    index fingertip: the OK circle, the finger heart's crossing).
    """
    fingers = {name: _finger(name, bends) for name, bends in
               (("index", index), ("middle", middle), ("ring", ring), ("little", little))}
    if thumb == "out":
        direction = np.array([0.78, 0.6, 0.15])
        tip = THUMB_BASE + sum(THUMB_BONES) * direction / np.linalg.norm(direction)
        chain = _thumb_chain(tip, 0.3)
    elif thumb == "across":
        chain = _thumb_chain(np.array([-1.0, 6.0, 2.8]), 0.8)
    elif thumb == "to_index":
        chain = _thumb_chain(fingers["index"][3] + np.array([0.4, -0.3, 0.2]), 1.2)
    else:
        raise ValueError(f"thumb: {thumb!r}")
    points = [np.zeros(3), *chain]
    for name in ("index", "middle", "ring", "little"):
        points.extend(fingers[name])
    return np.array(points) * CM


def turned(world: np.ndarray, degrees: float) -> np.ndarray:
    """The hand turned in the image plane (about z); positive turns the fingers towards the index side."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0], [0.0, 0.0, 1.0]])
    return world @ rot.T


def mirrored(world: np.ndarray) -> np.ndarray:
    """The other hand (x flipped)."""
    return world * np.array([-1.0, 1.0, 1.0])


def back_to_camera(world: np.ndarray) -> np.ndarray:
    """The same hand with its back to the camera (turned half-way about y)."""
    return world * np.array([-1.0, 1.0, -1.0])


def image_points(world: np.ndarray, scale: float = 2000.0) -> np.ndarray:
    """A front view in pixels: x to the right, y down, the wrist at (500, 800)."""
    return np.column_stack([500.0 + world[:, 0] * scale, 800.0 - world[:, 1] * scale])
