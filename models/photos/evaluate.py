"""Per-gesture precision and recall of the hand-gesture detector on a labelled photo set.

The labels file (``labels.csv`` in the data directory) has one row per hand:
``image,gesture,box,split,note`` — the image path relative to the directory, the
gesture (a label of ``models.photos.gestures.ALL_LABELS``, or ``thumb_down`` /
``hand_on_chest``, which read as ``none``), the hand's box as four normalised
numbers ``x0 y0 x1 y1`` (empty when not drawn), the split and a free note. An
image with no visible hand has one row with an empty gesture.

``split`` (optional column) says whether the finger rules were tuned while
looking at the photo (``tuning``) or not (``held-out``): only the held-out
figures estimate accuracy on photos the rules have not seen. All rows of one
image share its split; a file without the column is one unnamed split.

Detected hands are matched to labelled hands of the same image by box overlap
(IoU ≥ 0.3, best first); a labelled hand without a box takes a leftover
detection. A labelled hand no detection matched counts against its gesture's
recall ("missed"); a detection no label matched — including any hand "seen"
in a photo with no visible hand — counts against its gesture's precision.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.photos import GESTURE_DATA
from models.photos.gestures import (
    ALL_LABELS,
    GESTURE_NUMBERS,
    LISTED_GESTURES,
    GestureDetector,
    GestureImageError,
    Hand,
)

DEFAULT_DATA_DIR = GESTURE_DATA
# Labelled sets shipped with Netra, by the name ``netra evaluate-gestures --set`` takes.
BUNDLED_SETS = {"photos": GESTURE_DATA, "sign-language-digits": GESTURE_DATA / "sign-language-digits"}
LABEL_ALIASES = {"thumb_down": "none", "hand_on_chest": "none", "no_gesture": "none"}
MISSED = "(missed)"
UNLABELLED = "(no hand)"
MATCH_IOU = 0.3


class LabelsError(ValueError):
    """The labels file is malformed; the message names the file, line and field."""


SPLITS = ("tuning", "held-out")


@dataclass(frozen=True)
class LabelledHand:
    gesture: str
    box: tuple[float, float, float, float] | None
    line: int


@dataclass(frozen=True)
class LabelledImage:
    split: str  # one of SPLITS, or "" where the file has no split column
    hands: tuple[LabelledHand, ...]


@dataclass
class EvalReport:
    images: int = 0
    hands: int = 0
    unreadable: list[str] = field(default_factory=list)
    # (true label or UNLABELLED, predicted label or MISSED) → count
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    # The same figures for each split present in the labels ("" when the file names none).
    splits: dict[str, EvalReport] = field(default_factory=dict)

    def add(self, split: str, image_hands: int, pairs: Iterable[tuple[str, str]],
            unreadable: str | None = None) -> None:
        pairs = list(pairs)
        targets = [self]
        if split:
            targets.append(self.splits.setdefault(split, EvalReport()))
        for report in targets:
            report.images += 1
            report.hands += image_hands
            report.confusion.update(pairs)
            if unreadable:
                report.unreadable.append(unreadable)

    def classes(self) -> list[str]:
        seen = {t for t, _ in self.confusion} | {p for _, p in self.confusion}
        return [c for c in ALL_LABELS if c in seen]

    def precision_recall(self, label: str) -> tuple[float | None, float | None, int, int, int]:
        """(precision, recall, true positives, predicted, labelled); None where nothing to divide by."""
        tp = self.confusion[(label, label)]
        predicted = sum(n for (_t, p), n in self.confusion.items() if p == label)
        labelled = sum(n for (t, _p), n in self.confusion.items() if t == label)
        precision = tp / predicted if predicted else None
        recall = tp / labelled if labelled else None
        return precision, recall, tp, predicted, labelled


def ballot_figures(report: EvalReport) -> dict[str, Any]:
    """What a reviewer is shown, as ballot numbers rather than gesture names.

    - ``number_recall``: per labelled gesture that shows a number, the share of its hands read as a gesture
      showing that same number (an OK-three read as a plain three is right: both mean 3);
    - ``wrong_number``: the share of number hands read as a *different* number (a wrong candidate);
    - ``no_number_as_listed``: the share of hands labelled ``none`` (no gesture, e.g. a closed O) read as a
      gesture on BKN's list;
    - ``missed``: the share of labelled hands not found at all.
    None where the set has no such hand.
    """
    labelled: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wrong = missed = none_listed = 0
    for (true, predicted), n in report.confusion.items():
        if true == UNLABELLED:
            continue
        labelled[true] += n
        missed += n if predicted == MISSED else 0
        want, got = GESTURE_NUMBERS.get(true), GESTURE_NUMBERS.get(predicted)
        if want is not None and got == want:
            right[true] += n
        elif want is not None and got is not None:
            wrong += n
        if true == "none" and predicted in LISTED_GESTURES:
            none_listed += n
    numbered = sum(n for g, n in labelled.items() if GESTURE_NUMBERS.get(g) is not None)
    hands = sum(labelled.values())
    return {
        "number_recall": {g: right[g] / labelled[g] for g in LISTED_GESTURES
                          if GESTURE_NUMBERS[g] is not None and labelled[g]},
        "wrong_number": wrong / numbered if numbered else None,
        "no_number_as_listed": none_listed / labelled["none"] if labelled["none"] else None,
        "missed": missed / hands if hands else None,
    }


def read_labels(data_dir: Path) -> dict[str, LabelledImage]:
    """Image path → its split and labelled hands (no hands: no visible hand)."""
    path = data_dir / "labels.csv"
    if not path.is_file():
        raise LabelsError(f"{path}: labels file not found")
    images: dict[str, list[LabelledHand]] = {}
    splits: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"image", "gesture", "box"} - set(reader.fieldnames or ())
        if missing:
            raise LabelsError(f"{path}: header lacks {', '.join(sorted(missing))}")
        has_split = "split" in (reader.fieldnames or ())
        for row in reader:
            line = reader.line_num
            image = (row.get("image") or "").strip()
            if not image:
                raise LabelsError(f"{path}:{line}: field 'image' is empty")
            split = (row.get("split") or "").strip()
            if has_split and split not in SPLITS:
                raise LabelsError(f"{path}:{line}: field 'split': {split!r} is not one of {', '.join(SPLITS)}")
            if splits.setdefault(image, split) != split:
                raise LabelsError(f"{path}:{line}: field 'split': {image} is already {splits[image]!r}")
            hands = images.setdefault(image, [])
            gesture = (row.get("gesture") or "").strip()
            if not gesture:
                continue
            gesture = LABEL_ALIASES.get(gesture, gesture)
            if gesture not in ALL_LABELS:
                raise LabelsError(f"{path}:{line}: field 'gesture': {gesture!r} is not one of {', '.join(ALL_LABELS)}")
            hands.append(LabelledHand(gesture, _parse_box((row.get("box") or "").strip(), f"{path}:{line}"), line))
    return {image: LabelledImage(splits[image], tuple(hands)) for image, hands in images.items()}


def _parse_box(text: str, where: str) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    parts = text.split()
    try:
        values = tuple(float(v) for v in parts)
    except ValueError:
        raise LabelsError(f"{where}: field 'box': {text!r} is not four numbers") from None
    if len(values) != 4 or not (0 <= values[0] < values[2] <= 1 and 0 <= values[1] < values[3] <= 1):
        raise LabelsError(f"{where}: field 'box': {text!r} is not 'x0 y0 x1 y1' within 0..1")
    return values  # type: ignore[return-value]


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match(labelled: list[LabelledHand], detected: Iterable[Hand]) -> list[tuple[str, str]]:
    """(true, predicted) pairs for one image, with MISSED / UNLABELLED for the unmatched."""
    detected = list(detected)
    pairs: list[tuple[str, str]] = []
    candidates = sorted(
        ((iou(lab.box, det.box), li, di) for li, lab in enumerate(labelled) if lab.box is not None
         for di, det in enumerate(detected)),
        reverse=True,
    )
    used_l: set[int] = set()
    used_d: set[int] = set()
    for overlap, li, di in candidates:
        if overlap < MATCH_IOU:
            break
        if li in used_l or di in used_d:
            continue
        used_l.add(li)
        used_d.add(di)
        pairs.append((labelled[li].gesture, detected[di].gesture))
    leftovers = sorted((di for di in range(len(detected)) if di not in used_d),
                       key=lambda di: -detected[di].confidence)
    for li, lab in enumerate(labelled):
        if li in used_l:
            continue
        if lab.box is None and leftovers:
            di = leftovers.pop(0)
            used_d.add(di)
            pairs.append((lab.gesture, detected[di].gesture))
        else:
            pairs.append((lab.gesture, MISSED))
    pairs.extend((UNLABELLED, detected[di].gesture) for di in leftovers)
    return pairs


def evaluate(data_dir: Path = DEFAULT_DATA_DIR, detector: GestureDetector | None = None) -> EvalReport:
    labels = read_labels(data_dir)
    report = EvalReport()
    owned = detector is None
    detector = detector or GestureDetector()
    try:
        for image, labelled in sorted(labels.items()):
            hands = list(labelled.hands)
            try:
                found = detector.detect_file(data_dir / image)
            except GestureImageError as exc:
                report.add(labelled.split, len(hands), ((h.gesture, MISSED) for h in hands), unreadable=str(exc))
                continue
            report.add(labelled.split, len(hands), match(hands, found.hands))
    finally:
        if owned:
            detector.close()
    return report
