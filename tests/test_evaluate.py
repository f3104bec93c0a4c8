"""``netra evaluate`` and the metric functions behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.dataset import LabelledItem
from models.evaluate import choose_threshold, score_results
from models.infer import ClassifyResult
from monitor.cli import app
from tests.classifier_fixtures import train_tiny_model

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
    return train_tiny_model(tmp_path_factory.mktemp("tinyeval"), "tiny-eval")


def test_evaluate_file_with_profile(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, model = tiny
    report_path = tmp_path / "report.json"
    result = runner.invoke(app, ["evaluate", "--data", str(data / "dev" / "items.jsonl"), "--profile",
                                 str(data / "profiles" / "tiny-dev.yaml"), "--model", str(model),
                                 "--output", str(report_path)])
    assert result.exit_code == 0, result.output
    assert "keyword_baseline" in result.output and "stance confusion" in result.output
    report = json.loads(report_path.read_text())
    assert report["model_version"] == "tiny-eval+int8-no-ffn-down"  # the default path (docs/scale.md)
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


def test_evaluate_reads_the_bundled_sets_without_data(tiny: tuple[Path, Path], netra_home: Path) -> None:
    # The model card's command from any directory, as a wheel installs it: the labelled sets travel in the package.
    from models.dataset import DATA_DIR

    _, model = tiny
    result = runner.invoke(app, ["evaluate", "--model", str(model), "--split", "challenge3"])
    assert result.exit_code == 0, result.output
    [saved] = (netra_home / "evaluations").glob("*.json")
    items = sum(1 for f in (DATA_DIR / "challenge3").rglob("*.jsonl") for _ in f.open(encoding="utf-8"))
    assert json.loads(saved.read_text())["model"]["items"] == items > 0


def test_evaluate_errors_are_clear(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, model = tiny
    result = runner.invoke(app, ["evaluate", "--data", str(tmp_path / "missing.jsonl"), "--model", str(model)])
    assert result.exit_code != 0 and "missing.jsonl" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "profile": "tiny-dev", "kind": "post"}\n')
    result = runner.invoke(app, ["evaluate", "--data", str(bad), "--profile", str(data / "profiles" / "tiny-dev.yaml"),
                                 "--model", str(model)])
    assert result.exit_code != 0 and f"{bad}:1: missing key" in result.output


def _hate_csv(path: Path, n: int) -> Path:
    rows = ["Tweet,HS"] + [f"tweet nomor {i} {'dasar bodoh kafir' if i % 3 == 0 else 'selamat pagi'},{int(i % 3 == 0)}"
                           for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_hate_heldout_never_scores_a_training_tweet(tmp_path: Path) -> None:
    from models.hate_heldout import heldout_tweets
    from models.train import read_hate_set, split_hate_set

    path = _hate_csv(tmp_path / "hate.csv", 60)
    rows = read_hate_set(path)
    chosen, rest = split_hate_set(rows, 10, seed=13)
    assert sum(r["HS"] == "1" for r in chosen) == 5 and len(chosen) == 10
    assert sorted(r["Tweet"] for r in chosen + rest) == sorted(r["Tweet"] for r in rows)
    held = heldout_tweets({"extra_hate_tweets": 10, "seed": 13}, 100, path)
    assert len(held) == 50 and not {r["Tweet"] for r in held} & {r["Tweet"] for r in chosen}
    assert held == heldout_tweets({"extra_hate_tweets": 10, "seed": 13}, 100, path)  # a fixed order
    assert len(heldout_tweets({"extra_hate_tweets": 10, "seed": 13}, 7, path)) == 7
    # Another training seed chooses other tweets, and the held-out set follows it.
    other = {r["Tweet"] for r in split_hate_set(rows, 10, seed=14)[0]}
    assert not other & {r["Tweet"] for r in heldout_tweets({"extra_hate_tweets": 10, "seed": 14}, 100, path)}
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        heldout_tweets({}, 10, tmp_path / "missing.csv")


def test_hate_heldout_leaves_out_what_training_saw_in_another_form(tmp_path: Path) -> None:
    # The corpus repeats tweets (with "RT USER" and without), and trC-0175 was written from a tweet that was
    # then held out twice: neither a repeat of a chosen tweet nor an adapted item's source may be scored.
    from models.hate_heldout import adapted_training_texts, heldout_tweets, normalised
    from models.train import read_hate_set, split_hate_set

    path = _hate_csv(tmp_path / "hate.csv", 60)
    source = "Pasti ada hubungannya sama partai komunis dari Cina ini, rezim antek antek aseng"
    with path.open("a", encoding="utf-8") as fh:
        for row in read_hate_set(path):  # every tweet again, retweeted
            fh.write(f'"RT USER USER {row["Tweet"]} URL",{row["HS"]}\n')
        fh.write(f'"USER {source} URL",1\n')
        fh.write('"USER aseng",1\n')  # short: not tied to the adapted item
    chosen, rest = split_hate_set(read_hate_set(path), 10, seed=13)
    trained = {normalised(r["Tweet"]) for r in chosen}
    held = [normalised(r["Tweet"]) for r in heldout_tweets({"extra_hate_tweets": 10, "seed": 13}, 1000, path,
                                                           adapted=[source])]
    assert not trained & set(held)
    assert normalised(source) not in held and "aseng" in held
    assert len(held) == len([r for r in rest if normalised(r["Tweet"]) not in trained | {normalised(source)}])
    assert any("komunis dari cina" in normalised(t) for t in adapted_training_texts())  # trC-0175 is one


def test_hate_heldout_figures_count_against_the_labels(tmp_path: Path) -> None:
    import torch

    from models.features import KIND_WORDS
    from models.hate_heldout import hate_heldout_figures

    class Scripted:
        """Says hate for the hateful tweets and, wrongly, for tweet 1."""

        meta = type("Meta", (), {"training": {"extra_hate_tweets": 0, "seed": 13}})()
        seen: list[tuple[str, str | None]] = []

        def predict_pairs(self, pairs: list[tuple[str, str | None]]) -> tuple[torch.Tensor, torch.Tensor]:
            self.seen.extend(pairs)
            hate = [0.9 if "bodoh" in first or "nomor 1 " in first else 0.1 for first, _ in pairs]
            return torch.zeros(len(pairs), 3), torch.tensor(hate)

    scripted = Scripted()
    figures = hate_heldout_figures(scripted, 30, _hate_csv(tmp_path / "hate.csv", 30))
    assert figures["tweets"] == 30 and figures["support"] == 10 and figures["hate_share"] == round(10 / 30, 3)
    assert figures["recall"] == 1.0 and figures["precision"] == round(10 / 11, 4)
    # Read as untargeted posts, the way training saw the tweets.
    assert all(first.startswith(f"{KIND_WORDS['post']}: tweet nomor") and second is None
               for first, second in scripted.seen)


def test_evaluate_cli_scores_held_out_tweets(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, model = tiny  # the tweets ship with the package (models/data/corpora)
    report_path = tmp_path / "report.json"
    result = runner.invoke(app, ["evaluate", "--data", str(data), "--model", str(model), "--hate-tweets", "25",
                                 "--output", str(report_path)])
    assert result.exit_code == 0, result.output
    assert "hate on 25 held-out tweets" in result.output
    assert json.loads(report_path.read_text())["hate_heldout_tweets"]["tweets"] == 25
