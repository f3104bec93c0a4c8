"""``netra evaluate`` and the metric functions behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.dataset import LabelledItem
from models.evaluate import choose_threshold, score_results
from models.infer import ClassifyResult
from models.train import TrainConfig, train
from monitor.cli import app
from tests.classifier_fixtures import build_tiny_bert, write_data

runner = CliRunner()


def gold(i: int, stance: str, hate: bool = False, candidate: str | None = None, kind: str = "post",
         hard: bool = False) -> LabelledItem:
    return LabelledItem(f"g{i}", "p", kind, "t", None, None, stance, hate, candidate, None, hard_negative=hard)


def pred(i: int, stance: str, hate: bool = False, candidate: str | None = None, score: float = 0.0) -> ClassifyResult:
    flagged = stance != "none" or hate
    return ClassifyResult(f"g{i}", flagged, score, stance, hate, candidate, None, [], "v", "p")


def test_score_results_counts_exactly() -> None:
    golds = [
        gold(0, "support", candidate="a"),
        gold(1, "support", candidate="b", kind="like"),
        gold(2, "oppose", candidate="a"),
        gold(3, "none", hard=True),
        gold(4, "none", hate=True),
        gold(5, "none", hard=True),
    ]
    preds = [
        pred(0, "support", candidate="a"),
        pred(1, "support", candidate="a"),  # right flag, wrong candidate
        pred(2, "none"),  # missed
        pred(3, "support", candidate="a"),  # false positive on a hard negative
        pred(4, "none", hate=True),
        pred(5, "none"),
    ]
    m = score_results(golds, preds)
    # flag: gold positives 0,1,2,4; predicted 0,1,3,4 → tp 3, fp 1, fn 1
    assert m["flag"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75, "support": 4}
    assert m["hate"]["f1"] == 1.0
    assert m["candidate_accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["stance_confusion"]["oppose"]["none"] == 1
    assert m["stance_confusion"]["none"]["support"] == 1
    assert m["hard_negative_flag_rate"] == 0.5
    assert m["per_kind"]["like"]["recall"] == 1.0 and m["per_kind"]["post"]["items"] == 5


def test_choose_threshold_keeps_target_recall() -> None:
    golds = [gold(0, "support"), gold(1, "support"), gold(2, "none"), gold(3, "support"), gold(4, "none")]
    scores = [0.9, 0.6, 0.7, 0.3, 0.1]
    t = choose_threshold(golds, scores, target_recall=0.66)
    assert 0.3 < t <= 0.6  # flags 0.9 and 0.6: recall 2/3
    assert choose_threshold(golds, scores, target_recall=1.0) <= 0.3


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tinyeval")
    data = write_data(root / "data")
    base = build_tiny_bert(root / "base", data)
    out = root / "model"
    train(data, out, TrainConfig(base=str(base), epochs=2, lora_layers=2, threads=1, version="tiny-eval"))
    return data, out


def test_evaluate_file_with_profile(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, model = tiny
    report_path = tmp_path / "report.json"
    result = runner.invoke(app, ["evaluate", "--data", str(data / "dev" / "items.jsonl"), "--profile",
                                 str(data / "profiles" / "tiny-dev.yaml"), "--model", str(model),
                                 "--output", str(report_path)])
    assert result.exit_code == 0, result.output
    assert "keyword_baseline" in result.output and "stance confusion" in result.output
    report = json.loads(report_path.read_text())
    assert report["model_version"] == "tiny-eval"
    for system in ("model", "keyword_baseline"):
        assert {"flag", "stance_macro_f1", "hate", "candidate_accuracy", "per_kind", "stance_confusion"} <= set(
            report[system]
        )
    # The keyword baseline flags every act with a cue, so it flags the hard negatives with names in them.
    assert report["keyword_baseline"]["hard_negative_flag_rate"] > 0.0
    assert report["model"]["items"] == sum(1 for _ in (data / "dev" / "items.jsonl").open())


def test_evaluate_data_dir_with_many_profiles(tiny: tuple[Path, Path], tmp_path: Path, netra_home: Path) -> None:
    data, model = tiny
    result = runner.invoke(app, ["evaluate", "--data", str(data), "--model", str(model), "--split", "train"])
    assert result.exit_code == 0, result.output
    saved = list((netra_home / "evaluations").glob("*.json"))
    assert len(saved) == 1
    assert json.loads(saved[0].read_text())["profiles"] == ["tiny-train"]


def test_evaluate_errors_are_clear(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, model = tiny
    result = runner.invoke(app, ["evaluate", "--data", str(tmp_path / "missing.jsonl"), "--model", str(model)])
    assert result.exit_code != 0 and "missing.jsonl" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "profile": "tiny-dev", "kind": "post"}\n')
    result = runner.invoke(app, ["evaluate", "--data", str(bad), "--profile", str(data / "profiles" / "tiny-dev.yaml"),
                                 "--model", str(model)])
    assert result.exit_code != 0 and f"{bad}:1: missing key" in result.output
