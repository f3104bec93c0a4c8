"""What naming the candidate of a partisan act without cues costs (``models/resolve.py``), end to end.

``Classifier.classify`` on the held-out acts (test, challenge and challenge2: unseen elections, so every path of
the resolution is taken) on the service's inference path, in one process, the variants taking turns:

- ``no descriptor reader``: the weak forms and party targets still resolve (cheap: a matcher pass for each
  partisan act without a target), but no e5 similarity;
- ``with descriptor reader``: as the service runs (the e5 encoder loaded before timing; its one-off load is
  printed on its own).

Printed: acts per second, the best of ``--repeat`` rounds, and the ratio of the reader's run to the other, with
how many acts each resolution named.

    .venv/bin/python bench/resolve.py [--repeat 3] [--threads 2] [--precision int8]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.dataset import DATA_DIR  # noqa: E402
from models.evaluate import load_labelled  # noqa: E402
from models.infer import ClassifyInput, load_classifier  # noqa: E402
from models.resolve import DescriptorReader  # noqa: E402

SPLITS = ("test", "challenge", "challenge2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--precision", default="int8")
    args = parser.parse_args()

    classifier = load_classifier(precision=args.precision, threads=args.threads)
    groups = []
    for split in SPLITS:
        if (DATA_DIR / split).is_dir():
            for profile, items in load_labelled(DATA_DIR, split=split).groups:
                groups.append((profile, [ClassifyInput(i.id, i.kind, i.text, i.context, i.platform) for i in items]))
    acts = sum(len(inputs) for _, inputs in groups)
    reader = DescriptorReader()
    started = time.perf_counter()
    _ = reader.encoder
    print(f"{acts} acts of {len(groups)} elections; e5 encoder load (once per process): "
          f"{time.perf_counter() - started:.1f} s")

    best: dict[str, float] = {}
    named: dict[str, int] = {}
    for _round in range(args.repeat):
        for name, descriptors in (("no descriptor reader", None), ("with descriptor reader", reader)):
            classifier.descriptors = descriptors
            started = time.perf_counter()
            results = [r for profile, inputs in groups for r in classifier.classify(inputs, profile)]
            seconds = time.perf_counter() - started
            best[name] = min(best.get(name, seconds), seconds)
            named[name] = sum(any(c.startswith("aturan:mirip") for c in r.cues) for r in results)
    base = best["no descriptor reader"]
    for name, seconds in best.items():
        print(f"{name:<24} {acts / seconds:7.1f} acts/s  ratio {base / seconds:.3f}  "
              f"named by descriptor similarity: {named[name]}")


if __name__ == "__main__":
    main()
