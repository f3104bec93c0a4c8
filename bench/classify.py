"""Classification throughput on this CPU: naive fp32 fixed padding vs Netra's optimised path.

For the bundled default model (e5-small + LoRA, merged) and for an
IndoBERT-base-sized encoder (12 layers × 768 hidden, random weights — only
speed is measured), texts per second of:

- naive: every batch padded to ``max_length`` (128), input order, fp32;
- optimised: the ``Classifier`` path — length-sorted batches padded to their
  longest member, ``inference_mode``; and the same with dynamic int8 quantisation.

Texts are the model inputs (masked act + context) built from the labelled data.

    .venv/bin/python bench/classify.py [--n 256] [--threads 2] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.dataset import load_profiles, load_split  # noqa: E402
from models.features import view_act  # noqa: E402
from models.infer import Classifier, load_classifier, quantize_dynamic  # noqa: E402
from models.matcher import matcher_for  # noqa: E402
from models.network import ModelMeta, StanceHateNet  # noqa: E402


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


def naive_rate(classifier: Classifier, pairs: list[tuple[str, str | None]], batch_size: int) -> float:
    tok, net = classifier.tokenizer, classifier.net
    vocab = net.encoder.config.vocab_size
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(pairs), batch_size):
            chunk = pairs[i : i + batch_size]
            enc = tok([a for a, _ in chunk], [b or "" for _, b in chunk], padding="max_length", truncation=True,
                      max_length=classifier.meta.max_length, return_tensors="pt")
            net(enc["input_ids"] % vocab, enc["attention_mask"])
    return len(pairs) / (time.perf_counter() - start)


def optimised_rate(classifier: Classifier, pairs: list[tuple[str, str | None]]) -> float:
    start = time.perf_counter()
    classifier.predict_pairs(pairs)
    return len(pairs) / (time.perf_counter() - start)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=256, help="model inputs per measurement")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    pairs = sample_pairs(args.n)
    default = load_classifier(args.model)
    default.batch_size = args.batch_size
    torch.set_num_threads(args.threads)
    print(f"{len(pairs)} inputs, {args.threads} threads, batch {args.batch_size}, max_length {default.meta.max_length}")
    print(f"{'model':<30}{'naive fp32':>12}{'optimised':>12}{'opt+int8':>12}{'ratio':>8}{'ratio int8':>12}")
    for name, classifier in (("default " + default.model_version, default), ("indobert-base-sized", None)):
        if classifier is None:
            classifier = indobert_sized(default)
        naive_rate(classifier, pairs[: args.batch_size], args.batch_size)  # warm-up
        naive = naive_rate(classifier, pairs, args.batch_size)
        fast = optimised_rate(classifier, pairs)
        quantised = Classifier(quantize_dynamic(classifier.net), classifier.tokenizer, classifier.meta,
                               classifier.batch_size)
        fast_q = optimised_rate(quantised, pairs)
        print(f"{name[:29]:<30}{naive:>10.1f}/s{fast:>10.1f}/s{fast_q:>10.1f}/s{fast / naive:>7.2f}x"
              f"{fast_q / naive:>11.2f}x", flush=True)


if __name__ == "__main__":
    main()
