"""Option (b)'s pretraining path on a tiny corpus: tokenizer, MLM steps, a directory the train path loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from models.small_bert import MARKERS, SmallBertConfig, blog_texts, pretrain, train_tokenizer

TINY = SmallBertConfig(vocab_size=300, layers=1, hidden=32, heads=2, intermediate=64, max_length=32,
                       steps=40, batch_size=8, lr=3e-3, log_every=10, threads=1)

WORDS = ["ayo", "coblos", "nomor", "menang", "pilih", "warga", "desa", "kantor", "rapat", "pegawai", "besok",
         "pasar", "jalan", "bagus", "program", "kerja"]


def _corpus() -> list[str]:
    texts = [f"komentar: ayo coblos [CALON] nomor [NOMOR] #[TAGAR] pasti menang {w}" for w in WORDS]
    texts += [f"unggahan: rapat pegawai di kantor {a} {b} besok pagi" for a in WORDS for b in WORDS[:6]]
    return texts


def test_pretrain_saves_a_loadable_bert_with_its_tokenizer(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    from models.network import load_encoder

    out = tmp_path / "small"
    summary = pretrain(_corpus(), out, TINY)
    losses = summary["mlm_losses"]
    assert isinstance(losses, list) and len(losses) == 4
    assert losses[-1] < losses[0] - 0.5  # it learns the tiny corpus' regularities

    tokenizer = AutoTokenizer.from_pretrained(out)
    tokens = tokenizer.tokenize("Komentar: AYO coblos [CALON_LAIN] dan [PARTAI]")
    assert tokens[:3] == ["komentar", ":", "ayo"]  # lowercased
    assert "[CALON_LAIN]" in tokens and "[PARTAI]" in tokens  # markers stay whole
    for marker in MARKERS:
        assert tokenizer.convert_tokens_to_ids(marker) != tokenizer.unk_token_id

    # The train path's loader reads the MLM checkpoint as a BertModel with the pretrained weights.
    encoder = load_encoder(str(out))
    from safetensors.torch import load_file

    saved = load_file(str(out / "model.safetensors"))
    assert torch.equal(encoder.embeddings.word_embeddings.weight, saved["bert.embeddings.word_embeddings.weight"])
    assert encoder.config.hidden_size == 32 and encoder.config.num_hidden_layers == 1
    ids = tokenizer("unggahan: rapat", "besok", return_tensors="pt")
    assert encoder(**ids).last_hidden_state.shape[-1] == 32


def test_pretraining_is_deterministic_given_the_tokenizer(tmp_path: Path) -> None:
    from safetensors.torch import load_file

    config = SmallBertConfig(**{**TINY.__dict__, "steps": 5})
    tokenizer = train_tokenizer(_corpus(), config.vocab_size, config.lowercase)
    pretrain(_corpus(), tmp_path / "a", config, tokenizer)
    pretrain(list(reversed(_corpus())), tmp_path / "b", config, tokenizer)  # corpus order must not matter
    a, b = load_file(str(tmp_path / "a" / "model.safetensors")), load_file(str(tmp_path / "b" / "model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    pretrain(_corpus(), tmp_path / "c", SmallBertConfig(**{**config.__dict__, "seed": 14}), tokenizer)
    c = load_file(str(tmp_path / "c" / "model.safetensors"))
    assert not torch.equal(a["bert.embeddings.word_embeddings.weight"], c["bert.embeddings.word_embeddings.weight"])


def test_blog_texts_read_both_layouts(tmp_path: Path) -> None:
    body = " ".join(["Kalimat pertama tentang pilkada."] * 30)
    (tmp_path / "a.csv").write_text(
        "\ufeffTokoh;Event;Judul Artikel;Isi Artikel;stance final;\n"
        f'x;y;Judul;"[""{body}""]";for;\n'
        f'x;y;"[""Isi di kolom judul saja.""]";;against;\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        "no,_id,topic,title,content,stance,source,nnps\n"
        f'1,id1,t,Judul,"[""{body}""]",for,s,n\n', encoding="utf-8")
    texts = blog_texts(tmp_path)
    assert "Isi di kolom judul saja." in texts
    assert all(not t.startswith("[") and len(t.split()) <= 80 for t in texts)
    assert sum(len(t.split()) for t in texts) == 4 * 30 + 5  # the duplicate article is read once
    (tmp_path / "c.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.csv:1"):
        blog_texts(tmp_path)


def test_fine_tuning_on_a_pretrained_small_bert_carries_its_licences(tmp_path: Path) -> None:
    import json

    from models.infer import ClassifyInput, load_classifier
    from models.profile import load_profile
    from models.train import TrainConfig, train
    from tests.classifier_fixtures import write_data

    data = write_data(tmp_path / "data")
    base = tmp_path / "small"
    pretrain(_corpus(), base, SmallBertConfig(**{**TINY.__dict__, "steps": 5}))
    (base / "pretraining.json").write_text(json.dumps({"licences": {"nusax-sentiment": "CC BY-SA 4.0"}}))
    meta = train(data, tmp_path / "model", TrainConfig(base=str(base), full=True, epochs=1, threads=1, max_length=32,
                                                       version="tiny-small-bert"))
    assert meta.form == "full" and meta.licences["nusax-sentiment"] == "CC BY-SA 4.0"
    assert "nusax-sentiment: CC BY-SA 4.0" in (tmp_path / "model" / "README.md").read_text()
    classifier = load_classifier(tmp_path / "model")
    profile = load_profile(data / "profiles" / "tiny-dev.yaml")
    [result] = classifier.classify([ClassifyInput("a", "post", "Ayo coblos Bung Yo nomor 1", None, "bluesky")], profile)
    assert result.model_version == "tiny-small-bert" and 0.0 <= result.score <= 1.0


def test_the_default_model_card_explains_its_base(tmp_path: Path) -> None:
    from models.build_default import BASE_COMPARISON, append_base_comparison
    from models.infer import DEFAULT_MODEL_DIR

    (tmp_path / "README.md").write_text("# Netra classifier x\n\n## Licences\n\n- a: b\n")
    append_base_comparison(tmp_path)
    card = (tmp_path / "README.md").read_text()
    assert card.startswith("# Netra classifier x") and card.endswith(BASE_COMPARISON.read_text())
    # The committed card was written the same way: its comparison is the one kept in the repository.
    assert (DEFAULT_MODEL_DIR / "README.md").read_text().endswith(BASE_COMPARISON.read_text())


def test_a_rebuilt_card_describes_the_hate_component_from_its_record(tmp_path: Path) -> None:
    from models.build_default import append_hate_component
    from models.hate_fusion import META_FILE
    from models.infer import DEFAULT_MODEL_DIR

    (tmp_path / "README.md").write_text("# Netra classifier x\n\n## Licences\n\n- a: b\n")
    # The shipped record's shape with validation figures of its own, so the card is checked against the record
    # it is written from, whatever network is bundled.
    record = json.loads((DEFAULT_MODEL_DIR / META_FILE).read_text())

    def part(p: float, r: float, f1: float, dev_f1: float) -> dict:  # type: ignore[type-arg]
        return {"tweets": {"precision": p, "recall": r, "f1": f1, "support": 9},
                "dev_acts": {"precision": 1.0, "recall": 1.0, "f1": dev_f1, "support": 9}}

    record["validation"] = {"head_only": part(0.5731, 0.7849, 0.6624, 0.9881),
                            "fused": part(0.7319, 0.8927, 0.8044, 0.9286)}
    (tmp_path / META_FILE).write_text(json.dumps(record))
    append_hate_component(tmp_path)
    card = (tmp_path / "README.md").read_text()
    assert card.startswith("# Netra classifier x") and "## Tweet hate component" in card
    assert "| head alone | 0.573 | 0.785 | 0.662 | 0.988 |" in card
    assert "| head + component | 0.732 | 0.893 | 0.804 | 0.929 |" in card
    assert f"{record['counts']['validation_tweets']:,} to choose on" in card
    assert record["choice"]["rule"] in card  # the rule that chose, as the record states it


def test_the_corpus_needs_the_train_split(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from models.small_bert import train_split_texts
    from monitor.cli import app

    with pytest.raises(FileNotFoundError, match=r"nodata/train: no labelled acts"):
        train_split_texts(tmp_path / "nodata")
    result = CliRunner().invoke(app, ["model", "small-bert", "--out", str(tmp_path / "out"),
                                      "--data", str(tmp_path / "nodata")])
    assert result.exit_code != 0 and "nodata/train: no labelled acts" in result.output
    assert not (tmp_path / "out").exists()  # nothing half-built
