"""The finger rules of models/photos/gestures.py on idealised hands (tests/hand_model.py).

Every gesture on BKN's list, shown by a clean hand from the front, from the back,
as the other hand and tilted, must read as itself — including those no bundled
photo shows. These check that the rules are coherent, not how well they do on
photos (that is `netra evaluate-gestures`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from models.photos.gestures import GESTURE_NUMBERS, LISTED_GESTURES, classify_landmarks
from tests.hand_model import (
    CURLED_TO_THUMB,
    FOLDED,
    HALF,
    STRAIGHT,
    back_to_camera,
    hand,
    image_points,
    mirrored,
    turned,
)

S, F = STRAIGHT, FOLDED

HANDS: dict[str, Callable[[], np.ndarray]] = {
    "thumb_up": lambda: turned(hand("out"), 40),  # the fist on its side, the thumb up
    "one": lambda: hand("across", S),
    "two": lambda: hand("across", S, S),
    "three": lambda: hand("across", S, S, S),
    "three (thumb, index, middle)": lambda: hand("out", S, S),
    "four": lambda: hand("across", S, S, S, S),
    "five": lambda: hand("out", S, S, S, S),
    "finger_heart": lambda: hand("to_index", HALF),
    "finger_gun": lambda: hand("out", S),
    "call": lambda: hand("out", F, F, F, S),
    "metal": lambda: hand("across", S, F, F, S),
    "metal (thumb out)": lambda: hand("out", S, F, F, S),
    "ok_three": lambda: hand("to_index", CURLED_TO_THUMB, S, S, S),
    "fist": lambda: hand("across"),
    "fist (thumb on the index)": lambda: hand("to_index"),
}

VIEWS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "front": lambda w: w,
    "other hand": mirrored,
    "back to camera": back_to_camera,
    "tilted 30°": lambda w: turned(w, -30),
}


def _label(name: str) -> str:
    return name.split(" (")[0]


def test_every_listed_gesture_has_a_hand() -> None:
    assert {_label(name) for name in HANDS} >= set(LISTED_GESTURES)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", list(HANDS))
def test_idealised_hand_reads_as_its_gesture(name: str, view: str) -> None:
    world = VIEWS[view](HANDS[name]())
    label, confidence, scores = classify_landmarks(world, image_points(world))
    assert label == _label(name), sorted(scores.items(), key=lambda kv: -kv[1])[:3]
    assert confidence >= 0.75


def test_both_ways_of_showing_three_carry_the_number_three() -> None:
    for world in (HANDS["three"](), HANDS["three (thumb, index, middle)"]()):
        label, _confidence, _scores = classify_landmarks(world, image_points(world))
        assert GESTURE_NUMBERS[label] == 3


def test_a_heart_and_a_fist_differ_by_where_the_index_tip_is() -> None:
    # Same folded middle, ring and little fingers and the thumb on the index tip; only the index differs.
    heart = hand("to_index", HALF)
    fist = hand("to_index", FOLDED)
    assert classify_landmarks(heart, image_points(heart))[0] == "finger_heart"
    assert classify_landmarks(fist, image_points(fist))[0] == "fist"


@pytest.mark.parametrize("name", ["four", "five", "two"])
def test_a_hand_hanging_down_shows_no_number(name: str) -> None:
    world = turned(HANDS[name](), 180)
    label, _confidence, _scores = classify_landmarks(world, image_points(world))
    assert GESTURE_NUMBERS.get(label) is None


def test_thumb_down_is_not_thumb_up() -> None:
    world = turned(hand("out"), 220)
    assert classify_landmarks(world, image_points(world))[0] != "thumb_up"
