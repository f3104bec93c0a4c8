"""Hate-speech figures on real tweets the model never trained on.

The dev split is written to the label guide by the same hands as the train split, so it says little
about text of another style. The Ibrohim & Budi tweets (real Indonesian Twitter, 2019 election season)
are a second, independent check of the hate head: training uses a balanced handful of them
(``extra_hate`` tweets chosen with the training seed), and every other tweet is held out here.
"""

from __future__ import annotations

import random
from typing import Any

from models.evaluate import binary_figures
from models.train import HATE_SET, hate_tweet_text, read_hate_set, split_hate_set


def heldout_tweets(training: dict[str, Any], limit: int, path: Any = HATE_SET) -> list[dict[str, str]]:
    """Up to ``limit`` tweets outside the model's training choice (from its ``training`` metadata), fixed order."""
    count = int(training.get("extra_hate_tweets") or 0)
    seed = int(training.get("seed", 13))
    _, rest = split_hate_set(read_hate_set(path), count, seed)
    rest = sorted(rest, key=lambda r: r["Tweet"])  # independent of the training shuffle
    random.Random(20190417).shuffle(rest)
    return rest[:limit]


def hate_heldout_figures(classifier: Any, limit: int = 2000, path: Any = HATE_SET) -> dict[str, Any]:
    """Precision/recall/F1 of the hate flag on held-out tweets, read as untargeted posts."""
    from models.infer import HATE_THRESHOLD

    rows = heldout_tweets(classifier.meta.training, limit, path)
    _, hate_p = classifier.predict_pairs([(hate_tweet_text(row), None) for row in rows])
    gold = [row["HS"] == "1" for row in rows]
    figures = binary_figures(gold, [float(p) >= HATE_THRESHOLD for p in hate_p])
    return {"tweets": len(rows), "hate_share": round(sum(gold) / max(1, len(gold)), 3), **figures}
