"""``netra gestures detect|evaluate`` (and ``netra evaluate-gestures``): the photo hand-gesture detector.

``detect`` is the machine interface (docs/interfaces.md §9): one JSON line per image. ``evaluate`` measures
per-gesture precision and recall, and the ballot-number figures, on a labelled photo set.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer
from rich.table import Table

from monitor.cli.common import console, err_console, fail

if TYPE_CHECKING:
    from models.photos.evaluate import EvalReport
    from models.photos.gestures import GestureDetector

app = typer.Typer(help="Hand gestures in photos: detect them, measure the detector.", no_args_is_help=True)

# What a directory is searched for (an image named on the command line is read whatever its suffix).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}

SPLIT_TITLES = {
    "tuning": "photos the finger rules were tuned on (a regression guard, optimistic)",
    "held-out": "held-out photos (not looked at while tuning)",
}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _figures(report: EvalReport) -> dict[str, Any]:
    """The JSON figures of one report (all photos, or one split)."""
    from models.photos.evaluate import MISSED, UNLABELLED, ballot_figures
    from models.photos.gestures import LISTED_GESTURES

    per_gesture = {}
    for label in report.classes():
        precision, recall, tp, predicted, labelled = report.precision_recall(label)
        per_gesture[label] = {"precision": precision, "recall": recall, "correct": tp, "predicted": predicted,
                              "labelled": labelled}
    return {
        "images": report.images,
        "hands": report.hands,
        "per_gesture": per_gesture,
        "missed": sum(n for (_t, p), n in report.confusion.items() if p == MISSED),
        "unlabelled_detections": sum(n for (t, _p), n in report.confusion.items() if t == UNLABELLED),
        "not_measured": [g for g in LISTED_GESTURES if per_gesture.get(g, {}).get("labelled", 0) == 0],
        "confusion": [{"true": t, "predicted": p, "count": n} for (t, p), n in sorted(report.confusion.items())],
        "unreadable": report.unreadable,
        "ballot": ballot_figures(report),
    }


def _print_ballot(figures: dict[str, Any], title: str) -> None:
    ballot = figures["ballot"]
    if not ballot["number_recall"] and ballot["no_number_as_listed"] is None:
        return
    table = Table(title=f"Ballot numbers, {title}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for gesture, recall in ballot["number_recall"].items():
        table.add_row(f"number read right: {gesture}", _pct(recall))
    table.add_row("number hands read as another number", _pct(ballot["wrong_number"]))
    table.add_row("'none' hands read as a listed gesture", _pct(ballot["no_number_as_listed"]))
    table.add_row("labelled hands missed", _pct(ballot["missed"]))
    console.print(table)


def _print(report: EvalReport, figures: dict[str, Any], title: str) -> None:
    table = Table(title=f"{title}: {report.images} images, {report.hands} labelled hands")
    for name in ("gesture", "precision", "recall", "correct", "predicted", "labelled"):
        table.add_column(name, justify="left" if name == "gesture" else "right")
    for label, row in figures["per_gesture"].items():
        table.add_row(label, _pct(row["precision"]), _pct(row["recall"]), str(row["correct"]),
                      str(row["predicted"]), str(row["labelled"]))
    console.print(table)
    console.print(f"labelled hands not found: {figures['missed']}; "
                  f"hands found where none was labelled: {figures['unlabelled_detections']}")
    errors = [f"{t} → {p}: {n}" for (t, p), n in sorted(report.confusion.items()) if t != p]
    if errors:
        console.print("confusions: " + "; ".join(errors), highlight=False)
    if figures["not_measured"]:
        console.print(f"[yellow]not measured (no labelled photo):[/] {', '.join(figures['not_measured'])}")
    for problem in report.unreadable:
        console.print(f"[red]unreadable:[/] {problem}", highlight=False)


def evaluate_gestures(
    data: Path | None = typer.Option(
        None, "--data", help="Directory with labels.csv and the photos (default: the bundled models/photos/data)."
    ),
    bundled: str | None = typer.Option(
        None, "--set", help="A labelled set shipped with Netra instead of --data: 'photos' (the default) or "
        "'sign-language-digits' (989 photos of numbers shown by hand)."
    ),
    output: Path | None = typer.Option(None, "--output", help="Also write the figures as JSON here."),
) -> None:
    """Run the hand-gesture detector on labelled photos; print precision/recall per gesture and ballot numbers.

    Where labels.csv has a split column, the held-out photos (not looked at while
    tuning the rules or training the classifier) get tables of their own: those
    are the figures to quote.
    """
    from models.photos.evaluate import BUNDLED_SETS, DEFAULT_DATA_DIR, SPLITS, LabelsError, evaluate

    if data is not None and bundled is not None:
        fail("give --data or --set, not both")
    if bundled is not None and bundled not in BUNDLED_SETS:
        fail(f"--set {bundled!r}: not one of {', '.join(BUNDLED_SETS)}")
    data_dir = data or (BUNDLED_SETS[bundled] if bundled else DEFAULT_DATA_DIR)
    if not data_dir.is_dir():
        fail(f"{data_dir}: not a directory")
    try:
        report = evaluate(data_dir)
    except LabelsError as exc:
        fail(str(exc))
    payload: dict[str, Any] = {"data": str(data_dir), **_figures(report), "splits": {}}
    _print(report, payload, "Hand gestures, all photos")
    _print_ballot(payload, "all photos")
    for split in SPLITS:
        if split in report.splits:
            part = report.splits[split]
            payload["splits"][split] = _figures(part)
            console.print()
            _print(part, payload["splits"][split], f"Hand gestures, {SPLIT_TITLES[split]}")
            _print_ballot(payload["splits"][split], SPLIT_TITLES[split])
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        console.print(f"report saved to {output}")


app.command("evaluate")(evaluate_gestures)


def _images(paths: list[Path]) -> Iterator[Path]:
    """The images to read, in order: each named file as given, each directory's images sorted (walked down)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            yield path  # a missing or unreadable file gets its line with the error


def detect_line(detector: GestureDetector, path: Path) -> dict[str, Any]:
    """The JSON line of one image (docs/interfaces.md §9); a file that is no readable photo sets ``error``."""
    from models.photos.gestures import GestureImageError

    try:
        found = detector.detect_file(path)
    except GestureImageError as exc:
        return {"image": str(path), "width": None, "height": None, "hands": [], "error": str(exc)}
    hands = [{"gesture": h.gesture, "number": h.number, "confidence": round(h.confidence, 4),
              "box": [round(v, 4) for v in h.box]} for h in found.hands]
    return {"image": str(path), "width": found.width, "height": found.height, "hands": hands, "error": None}


@app.command("detect")
def detect(
    paths: list[Path] = typer.Argument(..., metavar="IMAGE_OR_DIR...", help="Images, or directories to walk for "
                                       "images (" + ", ".join(sorted(IMAGE_SUFFIXES)) + ")."),
    output: Path | None = typer.Option(None, "--output", help="Write the JSON lines here (default: standard output)."),
) -> None:
    """Hands and their gestures in photos: one JSON line per image.

    Each line: {"image", "width", "height", "hands": [{"gesture", "number", "confidence",
    "box": [x0, y0, x1, y1]}], "error"}; the box is normalised to 0–1 of the upright photo.
    An unreadable image gets its line with "error" set and the others are still read; the exit code is
    then 1.
    """
    from models.photos.gestures import GestureDetector
    from monitor.config import get_settings

    failed = total = 0
    sink: TextIO = output.open("w", encoding="utf-8") if output is not None else sys.stdout
    try:
        with GestureDetector(tiles=get_settings().gesture_tiles) as detector:
            for path in _images(paths):
                line = detect_line(detector, path)
                total += 1
                failed += line["error"] is not None
                sink.write(json.dumps(line, ensure_ascii=False) + "\n")
                sink.flush()
    finally:
        if output is not None:
            sink.close()
    if failed:
        err_console.print(f"[red]{failed} of {total} images could not be read[/] (their lines carry the error)",
                          highlight=False)
        raise typer.Exit(1)
    if total == 0:
        fail("no image found in " + ", ".join(str(p) for p in paths))
