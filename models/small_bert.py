"""Option (b): a small BERT pretrained here on the Indonesian text the project has.

``netra model small-bert --out DIR`` runs the whole path:

1. a WordPiece tokenizer (``tokenizers``) trained on the local Indonesian text —
   the *train* split's acts as the model reads them (masked views, never dev),
   NusaX sentiment sentences (Indonesian and ten regional languages,
   CC BY-SA 4.0), the Ibrohim & Budi hate-speech tweets (CC BY-NC-SA 4.0) and the
   political stance blog articles (CC BY-NC-SA 4.0);
2. a small ``BertForMaskedLM`` pretrained with masked-LM for a fixed number of
   steps (seeded), saved as a normal transformers directory with its tokenizer,
   so ``netra train --base DIR --full`` fine-tunes it like any BERT checkpoint.

The comparison with the bundled e5-small default is in models/default/README.md.
"""

from __future__ import annotations

import csv
import logging
import math
import random
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from models.dataset import CORPORA, DATA_DIR, load_profiles, load_split
from models.matcher import matcher_for
from models.train import length_batches

if TYPE_CHECKING:
    from models.network import ModelMeta

log = logging.getLogger(__name__)

NUSAX_DIR = CORPORA / "nusax-sentiment"
HATE_CSV = CORPORA / "id-hate-speech-2019" / "re_dataset.csv"
BLOGS_DIR = CORPORA / "id-political-stance-blogs"

# The typed markers of models.matcher must stay single tokens: the classifier's decisions hang on them.
MARKERS = ("[CALON]", "[NOMOR]", "[TAGAR]", "[SLOGAN]", "[PARTAI]",
           "[CALON_LAIN]", "[NOMOR_LAIN]", "[TAGAR_LAIN]", "[SLOGAN_LAIN]", "[PARTAI_LAIN]")
BERT_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

LICENCES = {
    "netra labelled data (train split)": "written for Netra (models/data), same licence as the project",
    "nusax-sentiment": "CC BY-SA 4.0, Winata et al. (EACL 2023)",
    "id-hate-speech-2019": "CC BY-NC-SA 4.0, Ibrohim & Budi (ALW3 2019)",
    "id-political-stance-blogs": "CC BY-NC-SA 4.0; the pretrained model is derived from it and carries that licence",
}


@dataclass
class SmallBertConfig:
    vocab_size: int = 16000
    # Social-media text capitalises at random; one case halves the vocabulary a small corpus must fill.
    lowercase: bool = True
    layers: int = 4
    hidden: int = 256
    heads: int = 4
    intermediate: int = 1024
    max_length: int = 128
    steps: int = 500
    batch_size: int = 64
    lr: float = 1e-3
    warmup: float = 0.06
    mlm_probability: float = 0.15
    seed: int = 13
    threads: int = 2
    log_every: int = 100


@dataclass(frozen=True)
class CorpusPart:
    name: str
    texts: list[str]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _chunks(article: str, max_words: int = 80) -> Iterator[str]:
    # Blog articles run to thousands of words; pretraining sees 128 tokens, so cut at sentence ends.
    words: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", article):
        words.extend(sentence.split())
        if len(words) >= max_words // 2:
            yield " ".join(words[:max_words])
            words = []
    if words:
        yield " ".join(words)


def train_split_texts(data_dir: Path = DATA_DIR) -> list[str]:
    """The train split's acts masked as the classifier reads them (markers in place of names)."""
    from models.features import view_act

    profiles = load_profiles(data_dir / "profiles")
    items = load_split("train", data_dir)
    if not items:
        raise FileNotFoundError(f"{data_dir / 'train'}: no labelled acts (*.jsonl); the corpus needs the train split")
    texts: list[str] = []
    for item in items:
        view = view_act(matcher_for(profiles[item.profile]), item.kind, item.text, item.context)
        for model_input in view.inputs:
            texts.append(model_input.first)
            if model_input.second:
                texts.append(model_input.second)
    return texts


def _read_csv(path: Path, delimiter: str | None = None) -> list[dict[str, str]]:
    # Explicit policy: UTF-8 (BOM tolerated), undecodable bytes replaced rather than failing the whole corpus.
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        sample = fh.readline()
        fh.seek(0)
        if delimiter is None:
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return list(csv.DictReader(fh, delimiter=delimiter))


def nusax_texts(directory: Path = NUSAX_DIR) -> list[str]:
    texts = []
    for path in sorted(directory.glob("*/train.csv")):
        if path.parent.name == "english":
            continue
        texts.extend(_clean(row["text"]) for row in _read_csv(path, ","))
    return texts


def hate_texts(path: Path = HATE_CSV) -> list[str]:
    texts = []
    for row in _read_csv(path, ","):
        tweet = row["Tweet"].replace("USER", "@user").replace("URL", "").removeprefix("RT ")
        texts.append(_clean(tweet))
    return texts


def blog_texts(directory: Path = BLOGS_DIR) -> list[str]:
    """Article bodies of both stance-blog files (one ``;``- and one ``,``-separated), deduplicated, chunked."""
    seen: set[str] = set()
    texts: list[str] = []
    for path in sorted(directory.glob("*.csv")):
        rows = _read_csv(path)
        layout_2018 = bool(rows) and "Isi Artikel" in rows[0]
        body_key, title_key = ("Isi Artikel", "Judul Artikel") if layout_2018 else ("content", "title")
        if rows and body_key not in rows[0]:
            raise ValueError(f"{path}:1: no 'Isi Artikel' or 'content' column")
        for row in rows:
            body = row.get(body_key) or ""
            if not body.strip() and (row.get(title_key) or "").lstrip().startswith("["):
                body = row[title_key]  # a few rows carry the body one column early
            # Bodies are stored as a Python-list literal of paragraphs: ["...", "..."].
            body = _clean(body.strip().removeprefix("[").removesuffix("]").replace('\\"', '"').replace('", "', " "))
            body = body.strip('"')
            if not body or body in seen:
                continue
            seen.add(body)
            texts.extend(_chunks(body))
    return texts


def load_corpus(data_dir: Path = DATA_DIR) -> list[CorpusPart]:
    parts = [
        CorpusPart("netra train split (masked views)", train_split_texts(data_dir)),
        CorpusPart("nusax-sentiment train (11 languages)", nusax_texts()),
        CorpusPart("id-hate-speech-2019", hate_texts()),
        CorpusPart("id-political-stance-blogs (80-word chunks)", blog_texts()),
    ]
    return [CorpusPart(p.name, [t for t in p.texts if t]) for p in parts]


def train_tokenizer(texts: Iterable[str], vocab_size: int, lowercase: bool) -> Any:
    """A BERT WordPiece tokenizer (transformers fast tokenizer) trained on ``texts``."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, min_frequency=2, special_tokens=[*BERT_SPECIALS, *MARKERS],
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    tok.decoder = decoders.WordPiece(prefix="##")
    return BertTokenizerFast(
        tokenizer_object=tok, do_lower_case=lowercase, unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]",
        cls_token="[CLS]", mask_token="[MASK]", model_max_length=512,
    )


def pretrain(
    texts: list[str], out_dir: Path, config: SmallBertConfig, tokenizer: Any | None = None
) -> dict[str, object]:
    """Train the tokenizer (unless given) and MLM-pretrain a BertForMaskedLM on ``texts``; save both to ``out_dir``.

    Given the tokenizer, the weights are deterministic (seeded init, batch order and masking). The
    ``tokenizers`` WordPiece trainer itself breaks frequency ties in hash-map order, so two trainings
    of the vocabulary on the same text can differ in a few rare pieces and in their ids.
    """
    from transformers import (
        BertConfig,
        BertForMaskedLM,
        DataCollatorForLanguageModeling,
        get_linear_schedule_with_warmup,
    )

    started = time.monotonic()
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads > 0:
        torch.set_num_threads(config.threads)
    texts = sorted(set(texts))  # a fixed order: the result must not depend on how the corpus was gathered
    if tokenizer is None:
        tokenizer = train_tokenizer(texts, config.vocab_size, config.lowercase)
    encoded = tokenizer(texts, truncation=True, max_length=config.max_length, return_special_tokens_mask=True)
    rows = [
        {"input_ids": ids, "special_tokens_mask": special}
        for ids, special in zip(encoded["input_ids"], encoded["special_tokens_mask"], strict=True)
        if len(ids) > 3
    ]
    bert_config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=config.hidden, num_hidden_layers=config.layers,
        num_attention_heads=config.heads, intermediate_size=config.intermediate,
        max_position_embeddings=config.max_length, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(config.seed)
    model = BertForMaskedLM(bert_config)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=config.mlm_probability, seed=config.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, max(1, int(config.steps * config.warmup)), config.steps)
    rng = random.Random(config.seed)
    lengths = [len(r["input_ids"]) for r in rows]
    log.info("pretraining on %d segments (%d tokens), vocab %d, %d steps",
             len(rows), sum(lengths), len(tokenizer), config.steps)
    model.train()
    step, running, losses = 0, 0.0, []
    while step < config.steps:
        for idx in length_batches(lengths, config.batch_size, rng, window=50):
            batch = collator([rows[i] for i in idx])
            labels = batch["labels"]
            hidden = model.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
            # Predict only the masked positions: the vocabulary projection is most of the cost on a model this small.
            picked = labels != -100
            logits = model.cls(hidden[picked])
            loss = torch.nn.functional.cross_entropy(logits, labels[picked])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running += loss.item()
            step += 1
            if step % config.log_every == 0 or step == config.steps:
                span = config.log_every if step % config.log_every == 0 else step % config.log_every
                losses.append(round(running / span, 4))
                log.info("step %d/%d mlm loss %.4f (%.0fs)", step, config.steps, losses[-1], time.monotonic() - started)
                running = 0.0
            if step >= config.steps:
                break
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    summary: dict[str, object] = {
        "segments": len(rows),
        "tokens": sum(lengths),
        "vocab": len(tokenizer),
        "epochs_seen": round(config.steps * config.batch_size / max(1, len(rows)), 2),
        "mlm_losses": losses,
        "final_mlm_perplexity": round(math.exp(losses[-1]), 1) if losses else None,
        "seconds": round(time.monotonic() - started),
        "config": asdict(config),
    }
    return summary


def build_small_bert(
    out_dir: Path, config: SmallBertConfig | None = None, data_dir: Path = DATA_DIR
) -> dict[str, object]:
    """Gather the local corpus, train the tokenizer, pretrain; returns corpus sizes and training figures."""
    import json

    config = config or SmallBertConfig()
    parts = load_corpus(data_dir)
    for part in parts:
        log.info("corpus %s: %d texts, %d words", part.name, len(part.texts), sum(len(t.split()) for t in part.texts))
    summary = pretrain([t for p in parts for t in p.texts], out_dir, config)
    summary["corpus"] = {p.name: {"texts": len(p.texts), "words": sum(len(t.split()) for t in p.texts)} for p in parts}
    summary["licences"] = LICENCES
    (out_dir / "pretraining.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    return summary


# Full fine-tuning: with LoRA only a few adapter weights would move on top of a barely pretrained encoder.
FINETUNE = {"full": True, "full_lr": 2e-4, "epochs": 10, "batch_size": 16, "extra_hate": 400, "max_length": 128}


def finetune_small_bert(base_dir: Path, out_dir: Path, data_dir: Path = DATA_DIR, seed: int = 13) -> ModelMeta:
    """``netra train --base base_dir --full`` with the settings the model card reports; returns its ModelMeta."""
    from models.train import TrainConfig, train

    config = TrainConfig(base=str(base_dir), seed=seed, version=f"netra-small-bert-id-full-s{seed}", **FINETUNE)
    return train(data_dir, out_dir, config)
