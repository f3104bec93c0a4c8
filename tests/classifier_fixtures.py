"""Builders for classifier tests: a tiny labelled data set and a tiny BERT with its own tokenizer.

Everything is generated here so the fine-tuning path can be tested end to end
in seconds, without the bundled model or any download.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

TRAIN_PROFILE = """
id: tiny-train
name: Pilkada Latihan
level: bupati
candidates:
  - {id: t1, number: 1, names: [Bambang Sutejo], aliases: [Pak Bambang], hashtags: ["#BambangJaya"],
     parties: [Partai Padi]}
  - {id: t2, number: 2, names: [Siti Rahayu], aliases: [Bu Siti], hashtags: ["#SitiHebat"], parties: [Partai Kapas]}
parties:
  - {number: 5, name: Partai Padi}
  - {number: 6, name: Partai Kapas}
"""

DEV_PROFILE = """
id: tiny-dev
name: Pilkada Uji
level: walikota
candidates:
  - {id: d1, number: 1, names: [Yohanes Seran], aliases: [Bung Yo], hashtags: ["#YoMenang"], parties: [Partai Ombak]}
  - {id: d2, number: 2, names: [Maria Nahak], aliases: [Mama Eti], hashtags: ["#EtiPasti"], parties: [Partai Karang]}
parties:
  - {number: 3, name: Partai Ombak}
  - {number: 4, name: Partai Karang}
"""

SUPPORT = [
    "Ayo coblos {name} nomor {n}, pasti menang!",
    "Dukung {name} jadi bupati, {tag}",
    "Salam {n} jari bersama {name} 👍",
    "Pilih {name} ya teman-teman, nomor urut {n}",
]
OPPOSE = [
    "Jangan pilih {name}, cuma janji palsu",
    "{name} itu calon gagal, tolak nomor {n}",
]
NEUTRAL = [
    "Rapat koordinasi jam 2 di lantai 3 kantor dinas",
    "Selamat ulang tahun keponakanku sayang, semoga sehat aamiin",
    "Jangan golput, gunakan hak pilih di TPS tanggal 27",
    "Debat calon malam ini, pasangan nomor 1 dan 2 tampil di televisi",
    "Liburan ke pantai bareng keluarga ✌️",
    "ASN harus netral dalam pilkada #ASNNetral",
]
HATE = [
    "Dasar kafir semua, usir mereka dari kampung ini",
    "Suku itu memang biadab, bunuh saja",
]


def _names(profile_id: str) -> list[tuple[str, int, str, str]]:
    if profile_id == "tiny-train":
        return [("t1", 1, "Pak Bambang", "#BambangJaya"), ("t2", 2, "Bu Siti", "#SitiHebat")]
    return [("d1", 1, "Bung Yo", "#YoMenang"), ("d2", 2, "Mama Eti", "#EtiPasti")]


def labelled_items(profile_id: str, prefix: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    items: list[dict] = []

    def add(kind: str, text: str, context: str | None, stance: str, hate: bool, cand: str | None,
            hard: bool = False) -> None:
        items.append({
            "id": f"{prefix}-{len(items):03d}", "profile": profile_id, "kind": kind, "text": text,
            "context": context, "platform": "x", "stance": stance, "hate": hate, "candidate": cand,
            "party": None, "hard_negative": hard,
        })

    for cid, n, name, tag in _names(profile_id):
        for template in SUPPORT:
            add("post", template.format(name=name, n=n, tag=tag), None, "support", False, cid)
        for template in OPPOSE:
            add("post", template.format(name=name, n=n, tag=tag), None, "oppose", False, cid)
        add("like", "", SUPPORT[0].format(name=name, n=n, tag=tag), "support", False, cid)
        add("comment", "Semoga acaranya lancar", f"Kampanye {name} di alun-alun", "none", False, None, True)
    for text in NEUTRAL:
        add("post", text, None, "none", False, None, True)
    for text in HATE:
        add("post", text, None, "none", True, None)
    rng.shuffle(items)
    return items


def write_data(root: Path) -> Path:
    """A data directory with profiles/, train/ and dev/ (the dev profile is never seen in training)."""
    (root / "profiles").mkdir(parents=True)
    (root / "train").mkdir()
    (root / "dev").mkdir()
    (root / "profiles" / "tiny-train.yaml").write_text(TRAIN_PROFILE)
    (root / "profiles" / "tiny-dev.yaml").write_text(DEV_PROFILE)
    for split, profile_id, seed in (("train", "tiny-train", 1), ("dev", "tiny-dev", 2)):
        rows = labelled_items(profile_id, split, seed)
        if split == "train":
            rows += labelled_items(profile_id, "train2", 3)
            for i, row in enumerate(rows):
                row["id"] = f"train-{i:03d}"
        with (root / split / "items.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return root


def build_tiny_bert(out_dir: Path, data_root: Path) -> Path:
    """A 2-layer BERT (hidden 32) with a WordPiece tokenizer trained on the tiny data set."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    texts = []
    for path in sorted(data_root.glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts += [row["text"], row["context"] or ""]
    texts += ["unggahan komentar membagikan menyukai foto [CALON] [NOMOR] [TAGAR] [PARTAI] _LAIN"]
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=400, special_tokens=special))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=128,
    )
    config = BertConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=130,
    )
    import torch

    torch.manual_seed(0)
    BertModel(config, add_pooling_layer=False).save_pretrained(out_dir)
    fast.save_pretrained(out_dir)
    return out_dir


def train_tiny_model(root: Path, version: str, epochs: int = 2) -> tuple[Path, Path]:
    """The tiny data set under ``root/data`` and a model trained on it from the tiny BERT, in ``root/model``."""
    from models.train import TrainConfig, train

    data = write_data(root / "data")
    base = build_tiny_bert(root / "base", data)
    out = root / "model"
    train(data, out, TrainConfig(base=str(base), epochs=epochs, lora_layers=2, threads=1, version=version))
    return data, out
