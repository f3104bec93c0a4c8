"""``netra evaluate-gestures``: per-gesture precision and recall of the photo hand-gesture detector."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from monitor.cli.common import console, fail


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def evaluate_gestures(
    data: Path | None = typer.Option(
        None, "--data", help="Directory with labels.csv and the photos (default: the bundled models/gesture_data)."
    ),
    output: Path | None = typer.Option(None, "--output", help="Also write the figures as JSON here."),
) -> None:
    """Run MediaPipe hands + the finger-state rules on labelled photos; print precision/recall per gesture."""
    from models.gesture_eval import DEFAULT_DATA_DIR, MISSED, UNLABELLED, LabelsError, evaluate
    from models.gestures import LISTED_GESTURES

    data_dir = data or DEFAULT_DATA_DIR
    if not data_dir.is_dir():
        fail(f"{data_dir}: not a directory")
    try:
        report = evaluate(data_dir)
    except LabelsError as exc:
        fail(str(exc))
    table = Table(title=f"Hand gestures: {report.images} images, {report.hands} labelled hands")
    for name in ("gesture", "precision", "recall", "correct", "predicted", "labelled"):
        table.add_column(name, justify="left" if name == "gesture" else "right")
    figures = {}
    for label in report.classes():
        precision, recall, tp, predicted, labelled = report.precision_recall(label)
        figures[label] = {"precision": precision, "recall": recall, "correct": tp, "predicted": predicted,
                          "labelled": labelled}
        table.add_row(label, _pct(precision), _pct(recall), str(tp), str(predicted), str(labelled))
    console.print(table)
    missed = sum(n for (_t, p), n in report.confusion.items() if p == MISSED)
    phantom = sum(n for (t, _p), n in report.confusion.items() if t == UNLABELLED)
    console.print(f"labelled hands not found: {missed}; hands found where none was labelled: {phantom}")
    errors = [f"{t} → {p}: {n}" for (t, p), n in sorted(report.confusion.items()) if t != p]
    if errors:
        console.print("confusions: " + "; ".join(errors), highlight=False)
    unmeasured = [g for g in LISTED_GESTURES if figures.get(g, {}).get("labelled", 0) == 0]
    if unmeasured:
        console.print(f"[yellow]not measured (no labelled photo):[/] {', '.join(unmeasured)}")
    for problem in report.unreadable:
        console.print(f"[red]unreadable:[/] {problem}", highlight=False)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "data": str(data_dir), "images": report.images, "hands": report.hands, "per_gesture": figures,
            "missed": missed, "unlabelled_detections": phantom, "not_measured": unmeasured,
            "confusion": [{"true": t, "predicted": p, "count": n} for (t, p), n in sorted(report.confusion.items())],
            "unreadable": report.unreadable,
        }
        output.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        console.print(f"report saved to {output}")
