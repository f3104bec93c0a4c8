"""Hate-speech figures on real tweets the model never trained on.

The dev split is written to the label guide by the same hands as the train split, so it says little
about text of another style. The Ibrohim & Budi tweets (real Indonesian Twitter, 2019 election season)
are a second, independent check of the hate head: training uses a balanced handful of them
(``extra_hate`` tweets chosen with the training seed), and every other tweet is held out here.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from models.evaluate import binary_figures
from models.text import tweet_words
from models.train import HATE_SET, hate_tweet_text, read_hate_set, split_hate_set

# Training items adapted from this corpus (models/data/DATA_CARD.md) carry this register.
ADAPTED_REGISTER = "ibrohim2019"
# An adapted item shorter than this (normalised) is too generic to tie to one tweet.
MIN_ADAPTED_CHARS = 30


# A tweet's words only (the corpus repeats tweets with and without ``RT``, mentions, links and punctuation).
normalised = tweet_words


def adapted_training_texts() -> list[str]:
    """The texts of the training items that were adapted from the corpus's tweets."""
    from models.dataset import load_split

    return [item.text for item in load_split("train", validate=False) if item.register == ADAPTED_REGISTER]


def heldout_tweets(training: dict[str, Any], limit: int, path: Any = HATE_SET,
                   adapted: Iterable[str] | None = None) -> list[dict[str, str]]:
    """Up to ``limit`` tweets outside the model's training choice (from its ``training`` metadata), fixed order.

    A tweet is not held out when training saw it under another form: the corpus holds the same tweet
    more than once (with and without ``RT @user``), and some training items (``adapted``; by default the
    train split's ``ibrohim2019`` items) were written from its tweets. Before this, one held-out tweet was
    a training item nearly word for word (trC-0175), twice.
    """
    count = int(training.get("extra_hate_tweets") or 0)
    seed = int(training.get("seed", 13))
    chosen, rest = split_hate_set(read_hate_set(path), count, seed)
    seen = {normalised(row["Tweet"]) for row in chosen}
    sources = [n for n in (normalised(t) for t in (adapted_training_texts() if adapted is None else adapted))
               if len(n) >= MIN_ADAPTED_CHARS]
    rest = [row for row in rest if (key := normalised(row["Tweet"])) not in seen
            and not any(source in key or (len(key) >= MIN_ADAPTED_CHARS and key in source) for source in sources)]
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
