"""``netra evaluate-gestures``: per-gesture precision and recall of the photo hand-gesture detector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from monitor.cli.common import console, fail

if TYPE_CHECKING:
    from models.photos.evaluate import EvalReport

SPLIT_TITLES = {
    "tuning": "photos the finger rules were tuned on (a regression guard, optimistic)",
    "held-out": "held-out photos (not looked at while tuning)",
}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _figures(report: EvalReport) -> dict[str, Any]:
    """The JSON figures of one report (all photos, or one split)."""
    from models.photos.evaluate import MISSED, UNLABELLED
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
    }


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
    output: Path | None = typer.Option(None, "--output", help="Also write the figures as JSON here."),
) -> None:
    """Run MediaPipe hands + the finger-state rules on labelled photos; print precision/recall per gesture.

    Where labels.csv has a split column, the held-out photos (not looked at while
    tuning the rules) get a table of their own: those are the figures to quote.
    """
    from models.photos.evaluate import DEFAULT_DATA_DIR, SPLITS, LabelsError, evaluate

    data_dir = data or DEFAULT_DATA_DIR
    if not data_dir.is_dir():
        fail(f"{data_dir}: not a directory")
    try:
        report = evaluate(data_dir)
    except LabelsError as exc:
        fail(str(exc))
    payload: dict[str, Any] = {"data": str(data_dir), **_figures(report), "splits": {}}
    _print(report, payload, "Hand gestures, all photos")
    for split in SPLITS:
        if split in report.splits:
            part = report.splits[split]
            payload["splits"][split] = _figures(part)
            console.print()
            _print(part, payload["splits"][split], f"Hand gestures, {SPLIT_TITLES[split]}")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        console.print(f"report saved to {output}")
