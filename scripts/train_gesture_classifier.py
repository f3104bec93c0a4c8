"""Train the landmark classifier of models/photos/landmark_model.py on the ``tuning`` photos only.

    .venv/bin/python scripts/train_gesture_classifier.py [--cache var/gesture-landmarks] [--dry-run]

1. The detector's own search (``GestureDetector.candidates`` and ``_unique``) finds the hands of every
   ``tuning`` photo of ``models/photos/data/sign-language-digits`` and ``models/photos/data``; their
   landmarks are cached (keyed by the mediapipe version and the search version), so later runs take
   seconds. Held-out rows are never read past their ``split`` column.
2. The L2 penalty is chosen by 5-fold cross-validation that keeps each person's photos in one fold
   (sign-language-digits: ten consecutive image numbers per person; folds cut at blocks of 20, so a
   person cut by a block edge still stays in one or two folds, never split by chance).
3. The classifier is fitted on all tuning rows and written to models/photos/landmark_classifier.json
   (unless --dry-run); the detector's version then changes with it.

Labels: sign-language-digits' ``three`` is learned as two classes, told apart by the ASL digit in the file
name (``3-``: thumb–index–middle, ``6-``: index–middle–ring); its ``none`` rows are the closed O. In the older
set, call, metal, thumbs-up, thumbs-down, fists and relaxed hands are "other" (not a pose the classifier
names: the rules do); its one, two and four rows keep their labels.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from models.photos import GESTURE_DATA  # noqa: E402
from models.photos.evaluate import iou  # noqa: E402
from models.photos.gestures import (  # noqa: E402
    SEARCH_VERSION,
    GestureDetector,
    _box,
    _mediapipe_version,
    _unique,
    open_photo,
)
from models.photos.landmark_model import CLASSES, PARAMETERS, features, fit  # noqa: E402

DIGITS = GESTURE_DATA / "sign-language-digits"
OTHER = {"call", "metal", "thumb_up", "thumb_down", "fist", "none", "hand_on_chest"}
PENALTIES = (1e-3, 1e-2, 1e-1)


def tuning_rows() -> list[tuple[Path, str, str, tuple[float, ...] | None]]:
    """(image, class, person group, labelled box) for every labelled tuning hand of both sets."""
    rows = []
    with (DIGITS / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["split"] != "tuning":
                continue
            name = Path(row["image"]).name
            gesture = row["gesture"]
            if gesture == "three":
                gesture = "three_thumb" if name.startswith("3-") else "three_ring"
            elif gesture == "none":
                gesture = "o_hand"
            number = int(re.search(r"img_(\d+)", name).group(1))  # type: ignore[union-attr]
            rows.append((DIGITS / row["image"], gesture, f"digits-{number // 20}", None))
    with (GESTURE_DATA / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["split"] != "tuning" or not row["gesture"]:
                continue
            gesture = "other" if row["gesture"] in OTHER else row["gesture"]
            if gesture not in CLASSES:
                continue
            box = tuple(float(v) for v in row["box"].split()) if row["box"].strip() else None
            rows.append((GESTURE_DATA / row["image"], gesture, "older-set", box))
    return rows


def landmarks(rows: list[tuple[Path, str, str, tuple[float, ...] | None]], cache_dir: Path) -> dict[str, np.ndarray]:
    """World landmarks (21×3) of the hand each row labels, as the detector's search finds it; cached."""
    cache = cache_dir / f"landmarks-mediapipe-{_mediapipe_version()}-search-{SEARCH_VERSION}.npz"
    stored: dict[str, np.ndarray] = dict(np.load(cache)) if cache.is_file() else {}
    missing = [r for r in rows if _key(r) not in stored]
    if missing:
        with GestureDetector() as detector:
            for i, row in enumerate(missing, 1):
                path, _gesture, _group, box = row
                hands = _unique(detector.candidates(open_photo(path)))
                if box is not None:
                    hands = [h for h in hands if iou(box, _box(h.xy)) >= 0.3]
                # No hand found (or none where the label's box is): nothing to learn from; -1 marks it done.
                stored[_key(row)] = hands[0].world if len(hands) == 1 or (hands and box) else np.full((21, 3), -1.0)
                if i % 100 == 0:
                    print(f"  landmarks of {i}/{len(missing)} photos", file=sys.stderr)
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, **stored)
    return stored


def _key(row: tuple[Path, str, str, tuple[float, ...] | None]) -> str:
    return f"{row[0].relative_to(GESTURE_DATA)}|{row[3]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=REPO / "var" / "gesture-landmarks")
    parser.add_argument("--dry-run", action="store_true", help="Cross-validate only; do not write the parameters.")
    args = parser.parse_args()

    rows = tuning_rows()
    worlds = landmarks(rows, args.cache)
    usable = [r for r in rows if worlds[_key(r)][0, 0] != -1.0]
    x = np.array([features(worlds[_key(r)]) for r in usable])
    y = np.array([CLASSES.index(r[1]) for r in usable])
    groups = np.array([r[2] for r in usable])
    print(f"{len(usable)} tuning hands with landmarks (of {len(rows)} labelled): "
          + ", ".join(f"{CLASSES[c]} {n}" for c, n in sorted(Counter(y.tolist()).items())))

    people = sorted({g for g in groups if g != "older-set"})
    fold_of = {g: i % 5 for i, g in enumerate(people)}
    best = (-1.0, PENALTIES[0])
    for l2 in PENALTIES:
        predicted = np.full(len(y), -1)
        for fold in range(5):
            held = np.array([fold_of.get(g, -1) == fold for g in groups])
            model = fit(x[~held], y[~held], l2=l2)
            z = (x[held] - model.mean) / model.scale @ model.weight.T + model.bias
            predicted[held] = z.argmax(axis=1)
        scored = predicted >= 0
        accuracy = float((predicted[scored] == y[scored]).mean())
        errors = Counter((CLASSES[t], CLASSES[p]) for t, p in zip(y[scored], predicted[scored], strict=True) if t != p)
        print(f"l2 {l2:g}: cross-validated accuracy by person {accuracy:.3f}; errors {dict(errors.most_common(6))}")
        best = max(best, (accuracy, l2))
    accuracy, l2 = best
    model = fit(x, y, l2=l2)
    print(f"chosen l2 {l2:g} (cross-validated accuracy {accuracy:.3f}); "
          f"{model.weight.size + model.bias.size} parameters")
    if not args.dry_run:
        import json

        PARAMETERS.write_text(json.dumps({**model.to_json(), "l2": l2, "cross_validated_accuracy": round(accuracy, 4),
                                          "trained_on": "tuning split of models/photos/data/sign-language-digits "
                                                        "and models/photos/data"}) + "\n", encoding="utf-8")
        print(f"written {PARAMETERS} ({PARAMETERS.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
