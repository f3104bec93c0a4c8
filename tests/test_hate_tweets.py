"""The tweet-register hate component (models/hate_tweets.py): its data, fitting, files and its place in classify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from models.hate_heldout import heldout_tweets, normalised
from models.hate_tweets import (
    META_FILE,
    NGRAM_BUCKETS,
    WEIGHTS_FILE,
    HateTweets,
    act_means,
    choose,
    confident,
    fit_component,
    fit_ngram,
    load_hate_tweets,
    ngram_counts,
    out_of_fold_logits,
    pair_text,
    save_hate_tweets,
    split_pool,
    tweet_pool,
)
from models.logistic import fit_logistic
from models.train import read_hate_set, split_hate_set


def _component(hidden: int, direction: int = 0, head: float = 1.0, comp: float = 2.0, offset: float = -0.5
               ) -> HateTweets:
    weight = torch.zeros(hidden)
    weight[direction] = 1.0
    return HateTweets(mean=torch.zeros(hidden), scale=torch.ones(hidden), weight=weight, bias=0.0,
                      head_coef=head, component_coef=comp, offset=offset)


def _hate_csv(path: Path, n: int) -> Path:
    rows = ["Tweet,HS"] + [f"cuitan nomor {i} {'dasar bodoh kafir semua' if i % 3 == 0 else 'selamat pagi kawan'},"
                           f"{int(i % 3 == 0)}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_fusion_is_the_logistic_of_the_weighted_logits() -> None:
    component = _component(4, direction=2, head=1.5, comp=2.0, offset=-0.5)
    head = torch.tensor([0.0, 0.0, 3.0])
    pooled = torch.tensor([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [5.0, 5.0, -2.0, 5.0]])
    p = component.fuse(head, pooled)
    expected = torch.sigmoid(torch.tensor([-0.5, 2.0 - 0.5, 1.5 * 3.0 - 4.0 - 0.5]))
    assert torch.allclose(p, expected)
    # Only the component's direction moves it: the other features leave the score where the head put it.
    assert component.fuse(torch.tensor([0.0]), torch.tensor([[9.0, 9.0, 0.0, 9.0]])).item() == pytest.approx(
        float(torch.sigmoid(torch.tensor(-0.5))))


def test_a_component_can_overrule_the_head() -> None:
    """The head says hate (0.95); the component reads the tweet as not hate and the fused score falls below 0.5."""
    component = _component(3, head=1.0, comp=2.0, offset=0.0)
    head = torch.logit(torch.tensor([0.95, 0.95]))
    p = component.fuse(head, torch.tensor([[-3.0, 0.0, 0.0], [3.0, 0.0, 0.0]]))
    assert p[0] < 0.5 < 0.95 < p[1]


def test_files_round_trip_and_a_directory_without_them_has_none(tmp_path: Path) -> None:
    assert load_hate_tweets(tmp_path) is None
    component = _component(5, direction=1)
    save_hate_tweets(component, tmp_path, {"seed": 7})
    loaded = load_hate_tweets(tmp_path)
    assert loaded is not None
    pooled = torch.randn(6, 5, generator=torch.Generator().manual_seed(0))
    head = torch.randn(6, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(loaded.fuse(head, pooled), component.fuse(head, pooled))
    assert json.loads((tmp_path / META_FILE).read_text()) == {"seed": 7}


def test_an_unreadable_component_file_is_a_model_dir_error(tmp_path: Path) -> None:
    from models.network import ModelDirError

    (tmp_path / WEIGHTS_FILE).write_bytes(b"not safetensors")
    with pytest.raises(ModelDirError, match="hate-tweet component"):
        load_hate_tweets(tmp_path)


def test_logistic_regression_separates_and_out_of_fold_logits_are_not_memorised() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 3, generator=g)
    y = (x[:, 0] > 0).float()
    w, b = fit_logistic(x, y, l2=1e-3)
    assert ((x @ w + b > 0).float() == y).float().mean() > 0.97
    # Labels that are pure noise: a fit sees its own points and reads them better than chance,
    # out-of-fold logits of the same points do not.
    noise = (torch.rand(200, generator=g) > 0.5).float()
    wide = torch.randn(200, 60, generator=g)
    w, b = fit_logistic(wide, noise, l2=1e-4)
    in_sample = ((wide @ w + b > 0).float() == noise).float().mean()
    oof = ((out_of_fold_logits(wide, noise, l2=1e-4) > 0).float() == noise).float().mean()
    assert in_sample > 0.75 and oof < 0.65


def test_combiner_regression_recovers_weights_of_a_known_fusion() -> None:
    g = torch.Generator().manual_seed(3)
    x = torch.randn(4000, 2, generator=g) * 2
    y = (torch.rand(4000, generator=g) < torch.sigmoid(0.5 * x[:, 0] + 1.5 * x[:, 1] - 1.0)).float()
    w, c = fit_logistic(x, y, l2=1e-4)
    a, b = w.tolist()
    assert a == pytest.approx(0.5, abs=0.15) and b == pytest.approx(1.5, abs=0.2) and c == pytest.approx(-1.0, abs=0.2)


def test_ngram_buckets_are_stable_and_ignore_mentions_and_retweet_marks() -> None:
    counts = ngram_counts("RT @user: Dasar BODOH kalian")
    assert counts == ngram_counts("dasar bodoh kalian !!! URL")  # the same words: the same features
    assert all(0 <= k < NGRAM_BUCKETS for k in counts)
    # crc32 buckets, not Python's salted hash(): a fixed value for a fixed word in every process.
    import zlib

    assert zlib.crc32(b"w:bodoh") % NGRAM_BUCKETS in counts


def test_ngram_reader_learns_words_and_the_fused_score_follows_it() -> None:
    texts = [f"unggahan: dasar {w} kalian semua" for w in ("bodoh", "kafir", "anjing")] * 10 + \
            [f"unggahan: selamat {w} semua" for w in ("pagi", "siang", "malam")] * 10
    y = torch.tensor([1.0] * 30 + [0.0] * 30)
    weight, bias, idf = fit_ngram(texts, y, l2=1e-4)
    component = HateTweets(torch.zeros(2), torch.ones(2), torch.zeros(2), 0.0, head_coef=1.0, component_coef=0.0,
                           offset=0.0, ngram_weight=weight, ngram_bias=bias, idf=idf, ngram_coef=1.0)
    head = torch.zeros(2)
    p = component.fuse(head, torch.zeros(2, 2), ["unggahan: dasar bodoh", "unggahan: selamat pagi"])
    assert p[0] > 0.5 > p[1]
    with pytest.raises(ValueError, match="texts"):
        component.fuse(head, torch.zeros(2, 2))
    # A confident head outweighs the readers by the part of its logit beyond ±at.
    assert torch.equal(confident(torch.tensor([-5.0, -1.0, 1.0, 6.0]), 2.0), torch.tensor([-3.0, 0.0, 0.0, 4.0]))
    component.confident_coef, component.confident_at = 2.0, 2.0
    assert component.fuse(torch.tensor([8.0]), torch.zeros(1, 2), ["unggahan: selamat pagi"]) > 0.5


def test_fit_component_chooses_on_training_tweets_and_dev_acts() -> None:
    """Tiny synthetic registers: tweets whose hate shows in their words, acts whose hate the head knows."""
    g = torch.Generator().manual_seed(5)
    hate_words, clean_words = ["bodoh", "kafir", "anjing", "bangsat"], ["pagi", "kopi", "hujan", "rapat"]
    texts, y = [], []
    for i in range(120):
        hateful = i % 2 == 0
        words = hate_words if hateful else clean_words
        texts.append(f"unggahan: kamu {words[i % 4]} {clean_words[(i // 4) % 4]} ya")
        y.append(float(hateful))
    y_t = torch.tensor(y)
    train = {"head": torch.randn(120, generator=g), "pooled": torch.randn(120, 4, generator=g), "y": y_t,
             "texts": texts}
    gold = torch.tensor([1.0, 0.0] * 10)
    dev = {"head": (gold * 2 - 1) * 6, "pooled": torch.randn(20, 4, generator=g), "act": torch.arange(20),
           "y": gold, "gold": gold, "texts": ["unggahan: laporan kegiatan"] * 20}
    val = {"head": torch.randn(40, generator=g), "pooled": torch.randn(40, 4, generator=g),
           "y": torch.tensor(y[:40]), "texts": texts[:40]}
    component, choice = fit_component(train, dev, val, l2_grid=(1e-2,), ngram_l2_grid=(1e-3,),
                                      confident_grid=(None, 2.0))
    assert choice["train_tweets_oof_f1"] > 0.9 and choice["dev_acts_f1"] == 1.0
    assert choice["floor_met"] and choice["val_tweets_f1"] >= 0.81
    p = component.fuse(dev["head"], dev["pooled"], dev["texts"])
    assert torch.equal(p >= 0.5, gold > 0.5)


def test_choose_keeps_the_tweet_floor_before_the_acts() -> None:
    def point(shift: float, tweets: float, acts: float) -> dict[str, float]:
        return {"shift": shift, "val_tweets_f1": tweets, "dev_acts_f1": acts}

    # The mean rule would take the first point (0.87); the floor keeps the tweets at 0.81 or above.
    points = [point(-1.0, 0.79, 0.95), point(0.0, 0.81, 0.90), point(0.5, 0.83, 0.90), point(1.0, 0.85, 0.80)]
    best, met = choose(points, floor=0.81)
    assert met and best["shift"] == 0.5  # the acts tie at 0.90: the higher tweet F1
    # With nothing at the floor, the best mean, and the record says so.
    best, met = choose([point(0.0, 0.70, 0.90), point(1.0, 0.78, 0.70)], floor=0.81)
    assert not met and best["shift"] == 0.0


def test_act_means_read_an_act_as_the_classifier_does() -> None:
    p = act_means(torch.tensor([0.2, 0.8, 0.9]), torch.tensor([0, 0, 2]), 3)
    assert torch.allclose(p, torch.tensor([0.5, 0.0, 0.9]))


def test_the_pool_leaves_out_training_and_heldout_tweets_in_any_form(tmp_path: Path) -> None:
    path = _hate_csv(tmp_path / "hate.csv", 90)
    with path.open("a", encoding="utf-8") as fh:
        for row in read_hate_set(path)[:90]:  # every tweet again, retweeted
            fh.write(f"RT USER: {row['Tweet']},{row['HS']}\n")
        fh.write("cuitan nomor 1 selamat pagi kawan !,1\n")  # the same words as tweet 1, labelled the other way
    training = {"extra_hate_tweets": 10, "seed": 13}
    chosen, _ = split_hate_set(read_hate_set(path), 10, 13)
    held = heldout_tweets(training, 20, path, adapted=[])
    pool = tweet_pool(training, path, heldout_limit=20, adapted=[])
    keys = [normalised(r["Tweet"]) for r in pool]
    assert len(keys) == len(set(keys))  # one tweet per normalised text
    assert not set(keys) & {normalised(r["Tweet"]) for r in chosen + held}
    conflicting = normalised("cuitan nomor 1 selamat pagi kawan")
    assert conflicting not in keys
    # Nothing else is lost: every other text outside training and the held-out tweets is in the pool.
    everything = {normalised(r["Tweet"]) for r in read_hate_set(path)}
    assert set(keys) == everything - {normalised(r["Tweet"]) for r in chosen + held} - {conflicting}
    train, val = split_pool(pool, share=0.3)
    assert len(val) == round(len(pool) * 0.3) and not {r["Tweet"] for r in train} & {r["Tweet"] for r in val}
    assert (train, val) == split_pool(list(reversed(pool)), share=0.3)  # independent of the input order


def test_the_pool_leaves_out_sources_of_adapted_items(tmp_path: Path) -> None:
    path = _hate_csv(tmp_path / "hate.csv", 60)
    training = {"extra_hate_tweets": 0, "seed": 13}
    everything = tweet_pool(training, path, heldout_limit=0, adapted=[])
    source = everything[0]["Tweet"]
    adapted = [f"ditulis ulang: {source} ya"]
    assert source not in {r["Tweet"] for r in tweet_pool(training, path, heldout_limit=0, adapted=adapted)}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.classifier_fixtures import train_tiny_model

    return train_tiny_model(tmp_path_factory.mktemp("tinyhate"), "tiny-hate", epochs=1)[1]


PAIRS = [("unggahan: dasar kalian semua bodoh", None), ("komentar: selamat pagi", "unggahan: rapat RT"),
         ("unggahan: Ayo coblos nomor 1", None)]


def test_a_component_fitted_to_another_network_is_refused_at_load(tiny_model: Path, tmp_path: Path) -> None:
    import shutil

    from models.infer import load_classifier
    from models.network import ModelDirError

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    hidden = load_classifier(tiny_model).net.head.in_features
    save_hate_tweets(_component(hidden + 8), model, {"seed": 1})
    with pytest.raises(ModelDirError, match="rebuild it"):
        load_classifier(model)


def test_a_model_directory_without_the_component_reads_hate_from_the_head(tiny_model: Path) -> None:
    from models.infer import load_classifier

    classifier = load_classifier(tiny_model)
    assert classifier.hate_tweets is None
    stance, head, pooled = classifier.encode_pairs(PAIRS)
    s, hate = classifier.predict_pairs(PAIRS)
    assert torch.allclose(hate, torch.sigmoid(head)) and torch.allclose(s, stance)
    assert pooled.shape == (3, classifier.net.head.in_features)


def test_the_component_in_the_model_directory_fuses_into_classify(tiny_model: Path, tmp_path: Path) -> None:
    import shutil

    from models.infer import ClassifyInput, load_classifier
    from models.profile import load_profile_text
    from tests.classifier_fixtures import DEV_PROFILE

    plain = load_classifier(tiny_model)
    _, head, pooled = plain.encode_pairs(PAIRS)
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    hidden = pooled.shape[1]
    component = _component(hidden, direction=0, head=0.5, comp=1.5, offset=0.25)
    component.mean, component.scale = pooled.mean(0), pooled.std(0) + 0.1
    save_hate_tweets(component, model, {"seed": 1})
    fused = load_classifier(model)
    assert fused.hate_tweets is not None
    # Its fit is part of the model version: classifications with it are never taken for the head's alone.
    assert fused.model_version.startswith(plain.model_version + "-ht") and fused.model_version != plain.model_version
    save_hate_tweets(_component(hidden, offset=3.0), model, {"seed": 1})
    refit = load_classifier(model).model_version
    assert refit != fused.model_version and refit.startswith(plain.model_version + "-ht")
    save_hate_tweets(component, model, {"seed": 1})
    _, hate = fused.predict_pairs(PAIRS)
    z = (pooled[:, 0] - component.mean[0]) / component.scale[0]
    assert torch.allclose(hate, torch.sigmoid(0.5 * head + 1.5 * z + 0.25), atol=1e-5)
    assert pair_text("komentar: selamat pagi", "unggahan: rapat RT") == "komentar: selamat pagi unggahan: rapat RT"

    # Through classify: an offset far up says hate for every act with words, far down for none; same record.
    profile = load_profile_text(DEV_PROFILE)
    inputs = [ClassifyInput("a", "post", "dasar kalian semua bodoh", None), ClassifyInput("b", "like", "", "")]
    for offset, expected in ((40.0, True), (-40.0, False)):
        save_hate_tweets(_component(hidden, offset=offset), model, {"seed": 1})
        results = load_classifier(model).classify(inputs, profile)
        assert results[0].hate is expected and (results[0].flagged or not expected)
        assert results[1].hate is False  # nothing to read: no model call, as before
        assert set(results[0].to_json()) == set(plain.classify(inputs, profile)[0].to_json())
