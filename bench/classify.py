"""Classification on this CPU: speed and flag F1 of each inference path, against naive fp32.

For the bundled default model (e5-small + LoRA, merged) five paths:

- ``naive fp32``: every batch padded to ``max_length`` (128), input order, fp32;
- ``bucketed fp32``: the ``Classifier`` path — length-sorted batches padded to
  their longest member, ``inference_mode``;
- ``bucketed int8 all``: the same with dynamic int8 quantisation of every Linear
  layer (``netra classify --quantize``);
- ``bucketed int8 FFN``: dynamic int8 of the feed-forward Linear layers only
  (attention, embeddings and the head stay fp32; ``models.infer.quantize_feed_forward``);
- ``bucketed int8 no-down``: dynamic int8 of attention and the feed-forward
  up-projection; the down-projection (which reads the GELU's output), the
  embeddings and the head stay fp32 (``models.infer.quantize_except_ffn_down``).

Speed: model inputs (masked act + context, built from the labelled data) per
second, the best of ``--repeat`` rounds in which the paths take turns, and as a
ratio of naive fp32. Quality: flag
F1 (what reaches the review queue, ``netra evaluate``'s figure) on the held-out
test split and the challenge set, each path through ``Classifier.classify``,
and its difference to fp32 in points. An IndoBERT-base-sized encoder (12 × 768,
random weights) is timed as well; its F1 would mean nothing, so none is shown.

The acceptance rule of issue 21 is printed per path: ≥ 3× naive fp32 and
within 1 point of fp32's flag F1 on both sets.

    .venv/bin/python bench/classify.py [--n 512] [--threads 2] [--batch-size 32] [--repeat 3] [--no-f1]
                                       [--no-indobert] [--path NAME ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.dataset import DATA_DIR, load_profiles, load_split  # noqa: E402
from models.evaluate import evaluate, load_labelled  # noqa: E402
from models.features import STANCES, view_act  # noqa: E402
from models.infer import (  # noqa: E402
    Classifier,
    load_classifier,
    quantize_dynamic,
    quantize_except_ffn_down,
    quantize_feed_forward,
)
from models.matcher import matcher_for  # noqa: E402
from models.network import ModelMeta, StanceHateNet  # noqa: E402
from models.text import clean_text  # noqa: E402

SETS = ("test", "challenge")
PATHS = ("naive fp32", "bucketed fp32", "bucketed int8 all", "bucketed int8 FFN", "bucketed int8 no-down")
SPEEDUP_TARGET = 3.0  # × naive fp32
F1_LOSS_LIMIT = 1.0  # points of flag F1 against fp32, on each set


def sample_pairs(n: int) -> list[tuple[str, str | None]]:
    profiles = load_profiles()
    items = load_split("dev") or load_split("train")
    pairs: list[tuple[str, str | None]] = []
    while len(pairs) < n:
        for item in items:
            view = view_act(matcher_for(profiles[item.profile]), item.kind, item.text, item.context)
            pairs.extend((m.first, m.second) for m in view.inputs)
            if len(pairs) >= n:
                break
    return pairs[:n]


class NaiveClassifier(Classifier):
    """The classifier with naive batching: input order, every batch padded to ``max_length``.

    Only ``predict_pairs`` differs, so ``classify`` (and so flag F1) runs the rest of the real path.
    """

    def predict_pairs(self, pairs: Sequence[tuple[str, str | None]]) -> tuple[torch.Tensor, torch.Tensor]:
        stance, hate = torch.zeros(len(pairs), len(STANCES)), torch.zeros(len(pairs))
        pooled_all = torch.zeros(len(pairs), self.net.head.in_features)
        width, pad = self.meta.max_length, self.tokenizer.pad_token_id or 0
        self.net.eval()
        with torch.no_grad():
            for start in range(0, len(pairs), self.batch_size):
                chunk = pairs[start : start + self.batch_size]
                # Tokenised as the real path does (a missing second text is no pair, not an empty one), so
                # the model reads the same tokens: only the padding and the order differ.
                ids = torch.full((len(chunk), width), pad, dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for row, (first, second) in enumerate(chunk):
                    encoded = self.tokenizer(clean_text(first), clean_text(second) if second is not None else None,
                                             truncation=True, max_length=width)["input_ids"]
                    ids[row, : len(encoded)] = torch.tensor(encoded)
                    mask[row, : len(encoded)] = 1
                pooled = self.net.pooled(ids, mask)
                logits = self.net.head(pooled).float()
                stance[start : start + len(chunk)] = torch.softmax(logits[:, : len(STANCES)], dim=-1)
                hate[start : start + len(chunk)] = logits[:, len(STANCES)]
                pooled_all[start : start + len(chunk)] = pooled.float()
        if self.hate_tweets is not None:  # the real path's hate: the tweet component's fusion (models/hate_fusion.py)
            from models.hate_fusion import pair_text

            return stance, self.hate_tweets.fuse(hate, pooled_all, [pair_text(f, s) for f, s in pairs])
        return stance, torch.sigmoid(hate)


def rates(paths: list[tuple[str, Classifier]], pairs: list[tuple[str, str | None]], repeat: int) -> dict[str, float]:
    """Model inputs per second of each path, the best of ``repeat`` runs.

    The paths take turns, round after round, so that a neighbour's load on a shared machine falls on
    all of them alike; the best run counts, since load only ever slows a run down.
    """
    best = dict.fromkeys((name for name, _ in paths), 0.0)
    for _name, classifier in paths:
        classifier.predict_pairs(pairs[: classifier.batch_size])  # warm-up: first-call allocations, lazy init
    for _ in range(repeat):
        for name, classifier in paths:
            start = time.perf_counter()
            classifier.predict_pairs(pairs)
            best[name] = max(best[name], len(pairs) / (time.perf_counter() - start))
    return best


def flag_f1(classifier: Classifier, split: str) -> float:
    return float(evaluate(classifier, load_labelled(DATA_DIR, None, split))["model"]["flag"]["f1"])


class _ModuloTokenizer:
    """The e5 tokenizer with ids folded into a smaller vocabulary (speed is all that is measured)."""

    def __init__(self, tokenizer, vocab: int) -> None:  # type: ignore[no-untyped-def]
        self._tok, self._vocab = tokenizer, vocab
        self.pad_token_id = tokenizer.pad_token_id

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        out = self._tok(*args, **kwargs)
        ids = out["input_ids"]
        out["input_ids"] = ids % self._vocab if isinstance(ids, torch.Tensor) else [i % self._vocab for i in ids]
        return out


def indobert_sized(template: Classifier) -> Classifier:
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    # indobenchmark/indobert-base-p1: BERT-base, vocabulary 50,000.
    config = BertConfig(vocab_size=50000, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, max_position_embeddings=512)
    net = StanceHateNet(BertModel(config, add_pooling_layer=False), 768).eval()
    meta = ModelMeta(version="indobert-base-sized-random", base="random", form="full",
                     max_length=template.meta.max_length)
    return Classifier(net, _ModuloTokenizer(template.tokenizer, 50000), meta, template.batch_size)


# The bench's paths that are settings of the service (``models.infer.PRECISIONS``).
SERVICE_PRECISION = {"bucketed int8 all": "int8-all", "bucketed int8 no-down": "int8"}


def paths(base: Classifier) -> list[tuple[str, Classifier]]:
    """The paths over one network (quantisation copies the modules it replaces; ``base`` stays fp32)."""
    quantised: list[tuple[str, Callable[[StanceHateNet], StanceHateNet]]] = [
        ("bucketed int8 all", quantize_dynamic), ("bucketed int8 FFN", quantize_feed_forward),
        ("bucketed int8 no-down", quantize_except_ffn_down)]
    out = [("naive fp32", _like(base, NaiveClassifier(base.net, base.tokenizer, base.meta, base.batch_size))),
           ("bucketed fp32", base)]
    for name, quantise in quantised:
        # Each path flags at the threshold the service uses for it (chosen on dev on that path); one without a
        # service setting at fp32's.
        meta = replace(base.meta, threshold=base.meta.thresholds.get(SERVICE_PRECISION.get(name, ""),
                                                                     base.meta.threshold))
        out.append((name, _like(base, Classifier(quantise(base.net), base.tokenizer, meta, base.batch_size))))
    return out


def _like(base: Classifier, path: Classifier) -> Classifier:
    """``path`` with what ``base`` carries besides its network: the tweet hate component, the descriptor reader."""
    path.hate_tweets, path.descriptors = base.hate_tweets, base.descriptors
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=512, help="model inputs per speed measurement")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="speed runs per path; the best counts")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--no-f1", action="store_true", help="speed only (skips the test and challenge sets)")
    parser.add_argument("--no-indobert", action="store_true", help="skip the IndoBERT-base-sized speed run")
    parser.add_argument("--path", action="append", choices=PATHS, default=None,
                        help="only these paths (repeatable; naive fp32 is always run: the ratios are to it)")
    args = parser.parse_args()

    pairs = sample_pairs(args.n)
    default = load_classifier(args.model, threads=args.threads, batch_size=args.batch_size)
    print(f"{len(pairs)} inputs, {torch.get_num_threads()} threads, batch {args.batch_size}, "
          f"max_length {default.meta.max_length}, best of {args.repeat}")
    models: list[tuple[str, Classifier, bool]] = [(default.model_version, default, not args.no_f1)]
    if not args.no_indobert:
        models.append(("indobert-base-sized (random weights)", indobert_sized(default), False))
    for title, classifier, with_f1 in models:
        print(f"\n{title}")
        header = f"{'path':<22}{'inputs/s':>10}{'× naive':>9}"
        if with_f1:
            header += "".join(f"{'F1 ' + s:>14}{'Δ pts':>7}" for s in SETS) + "  ≥3× and ≤1 pt"
        print(header, flush=True)
        chosen = [(name, path) for name, path in paths(classifier)
                  if not args.path or name in args.path or name == "naive fp32"]
        speeds = rates(chosen, pairs, args.repeat)
        naive_speed = speeds["naive fp32"]
        # The reference every path's F1 is compared with: the model as trained (fp32, bucketed).
        fp32_f1 = {s: flag_f1(classifier, s) for s in SETS} if with_f1 else {}
        for name, path in chosen:
            speed = speeds[name]
            line = f"{name:<22}{speed:>10.1f}{speed / naive_speed:>8.2f}×"
            if with_f1:
                f1 = fp32_f1 if path is classifier else {s: flag_f1(path, s) for s in SETS}
                deltas = {s: 100 * (f1[s] - fp32_f1[s]) for s in SETS}
                line += "".join(f"{f1[s]:>14.4f}{deltas[s]:>+7.2f}" for s in SETS)
                meets = speed / naive_speed >= SPEEDUP_TARGET and all(-d <= F1_LOSS_LIMIT for d in deltas.values())
                line += f"  {'yes' if meets else 'no'}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
