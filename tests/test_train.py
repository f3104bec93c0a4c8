"""The fine-tuning path end to end on a tiny BERT the test builds itself (seconds, no download)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.dataset import split_digest
from models.infer import ClassifyInput, load_classifier
from models.network import META_FILE, ModelMeta
from models.profile import load_profile_text
from models.train import threshold_version
from monitor.cli import app
from tests.classifier_fixtures import DEV_PROFILE, build_tiny_bert, write_data

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tiny")
    data = write_data(root / "data")
    base = build_tiny_bert(root / "base", data)
    return data, base


def _train(args: list[str]) -> None:
    result = runner.invoke(app, ["train", *args])
    assert result.exit_code == 0, result.output


def test_train_lora_then_classify(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, base = tiny
    out = tmp_path / "model"
    _train(["--base", str(base), "--data", str(data), "--out", str(out), "--epochs", "6", "--lora-layers", "2",
            "--threads", "1", "--version", "tiny-lora"])
    meta = ModelMeta.read(out)
    assert meta.form == "adapter" and meta.version == "tiny-lora"
    assert (out / "adapter" / "adapter_config.json").is_file()
    assert (out / "heads.safetensors").is_file() and (out / "README.md").is_file()
    losses = meta.training["epoch_losses"]
    assert len(losses) == 6 and losses[-1] < losses[0]  # it learned something
    # Threshold chosen on the dev split; figures for model and keyword baseline are in the card.
    assert 0.0 < meta.threshold <= 1.0
    # One threshold per inference path, each chosen on dev on that path; fp32's is the model's threshold.
    assert set(meta.thresholds) == {"fp32", "int8", "int8-all"} and meta.threshold == meta.thresholds["fp32"]
    assert meta.metrics["model"]["flag"]["recall"] >= 0.0
    assert set(meta.metrics) >= {"model", "keyword_baseline", "dev_profiles", "target_recall"}
    assert meta.metrics["dev_profiles"] == ["tiny-dev"]
    # The card ties its figures to the data: a changed training file gives another digest.
    assert meta.training["train_data_sha256"] == split_digest("train", data)
    assert "source_commit" in meta.training
    assert "keyword_baseline" in (out / "README.md").read_text()

    classifier = load_classifier(out)
    profile = load_profile_text(DEV_PROFILE)
    results = classifier.classify(
        [ClassifyInput("a", "post", "Ayo coblos Bung Yo nomor 1, pasti menang!", None),
         ClassifyInput("b", "like", "", "Pilih Mama Eti ya, nomor urut 2"),
         ClassifyInput("c", "post", "", None)],
        profile,
    )
    assert [r.id for r in results] == ["a", "b", "c"]
    assert results[0].cues[:2] == ["coblos Bung Yo nomor 1"] or "Bung Yo" in results[0].cues
    assert all(0.0 <= r.score <= 1.0 for r in results)
    assert results[2].score == 0.0 and not results[2].flagged
    for r in results:
        assert r.model_version == "tiny-lora" and r.profile_id == "tiny-dev"
        if r.stance != "none":
            assert r.candidate in ("d1", "d2", None)

    # `netra model thresholds` chooses them again on dev, same rule, without touching weights or card.
    chosen, card = meta.thresholds, (out / "README.md").read_text()
    meta.thresholds = {}
    meta.write(out)
    result = runner.invoke(app, ["model", "thresholds", "--model", str(out), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert ModelMeta.read(out).thresholds == chosen and (out / "README.md").read_text() == card
    assert "int8-all" in result.output
    # Thresholds that change name themselves in the model version (once, however often chosen); the same ones
    # chosen again leave it.
    version = ModelMeta.read(out).version
    assert version.startswith("tiny-lora-thr") and len(version) == len("tiny-lora-thr") + 6
    again = runner.invoke(app, ["model", "thresholds", "--model", str(out), "--data", str(data)])
    assert again.exit_code == 0 and "(unchanged)" in again.output and ModelMeta.read(out).version == version
    assert threshold_version(version, {"fp32": 0.5}).count("-thr") == 1
    # A data directory without dev acts is refused, and the thresholds chosen on real data stay.
    (tmp_path / "nodev").mkdir()
    refused = runner.invoke(app, ["model", "thresholds", "--model", str(out), "--data", str(tmp_path / "nodev")])
    assert refused.exit_code == 1 and "no labelled acts" in refused.output and "Traceback" not in refused.output
    assert ModelMeta.read(out).thresholds == chosen


def test_train_full_and_merge_write_normal_transformers_dirs(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    from transformers import AutoModel, AutoTokenizer

    data, base = tiny
    for flag in ("--full", "--merge"):
        out = tmp_path / flag.strip("-")
        _train(["--base", str(base), "--data", str(data), "--out", str(out), "--epochs", "1", flag, "--threads", "1"])
        meta = json.loads((out / META_FILE).read_text())
        assert meta["form"] == "full"
        AutoModel.from_pretrained(out)  # a normal transformers directory
        AutoTokenizer.from_pretrained(out)
        result = load_classifier(out).classify([ClassifyInput("x", "post", "Bung Yo nomor 1", None)],
                                               load_profile_text(DEV_PROFILE))
        assert len(result) == 1


def test_train_rejects_missing_data(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--base", "x", "--data", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "train/" in result.output


def test_train_reports_unknown_base(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = tiny
    result = runner.invoke(app, ["train", "--base", str(tmp_path / "no-such-model"), "--data", str(data),
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "no-such-model" in result.output


def test_load_classifier_sets_the_thread_count_it_is_given(
    tiny: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two workers on a 2-core machine each need threads=1, whatever the settings say.
    import torch

    from models.train import TrainConfig, train

    data, base = tiny
    train(data, tmp_path / "m", TrainConfig(base=str(base), full=True, epochs=1, threads=1, version="tiny-threads"))
    before = torch.get_num_threads()
    try:
        load_classifier(tmp_path / "m", threads=1)
        assert torch.get_num_threads() == 1
        # The service passes its setting; models/ reads none itself.
        from monitor.classify import load_configured_classifier
        from monitor.config import reset_settings_cache

        monkeypatch.setenv("NETRA_CLASSIFY_THREADS", "2")
        reset_settings_cache()
        load_configured_classifier(tmp_path / "m")
        assert torch.get_num_threads() == 2
        load_configured_classifier(tmp_path / "m", threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_the_training_data_digest_follows_every_file(tmp_path: Path) -> None:
    data = write_data(tmp_path / "data")
    before = split_digest("train", data)
    assert len(before) == 64 and split_digest("train", data) == before
    first = sorted((data / "train").glob("*.jsonl"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert split_digest("train", data) != before
    changed = split_digest("train", data)
    profile = sorted((data / "profiles").glob("*.yaml"))[0]
    profile.write_text(profile.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert split_digest("train", data) != changed
