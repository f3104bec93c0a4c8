"""Hoax matcher v6: a trained match scorer decides whether an act carries one of its nearest false claims; the cues
still decide what the act does with it, and the scorer is fitted and chosen without reading a test split."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from models.hoax import Claim, HoaxMatcher, HoaxRules
from models.hoax.background import NONE
from models.hoax.evaluate import LabelledPair, LabelledSet, figures, load_split, score_pairs
from models.hoax.matcher import MATCHER_VERSION, RULES_FILE
from models.hoax.scorer import FEATURES, SCORER_FILE, MatchScorer, candidate_readings
from models.hoax.train import Readings, choose, decisions, fit, prepare
from monitor.hoax.service import is_false
from tests.hoax_support import FAKE_RULES, FakeEncoder

HOLIDAY = Claim(claim="Pemerintah membatalkan libur nasional hari pencoblosan Pilkada, ASN tetap masuk kantor",
                rating="Hoaks", url="https://cek.example/libur-batal/", false=True, publisher="Cek Contoh", id="c1")
BALLOT = Claim(claim="Surat suara yang dicoblos dua kali tetap sah dan dihitung untuk kedua calon", rating="Salah",
               url="https://cek.example/coblos-dua/", false=True, publisher="Cek Contoh", id="c2")
HOLIDAY_TRUE = Claim(claim="Hari pencoblosan Pilkada ditetapkan sebagai hari libur nasional", rating="Benar",
                     url="https://cek.example/libur-benar/", false=False, publisher="Cek Contoh", id="c3")
CLAIMS = [HOLIDAY, BALLOT, HOLIDAY_TRUE]


def overlap_scorer(threshold: float = 0.5, feature: str = "overlap", bias: float = -5.0,
                   **kwargs: object) -> MatchScorer:
    """A hand-set scorer that reads only one feature (default: the claim's words the act carries)."""
    weight = [0.0] * len(FEATURES)
    weight[FEATURES.index(feature)] = 10.0
    return MatchScorer(features=list(FEATURES), mean=[0.0] * len(FEATURES), scale=[1.0] * len(FEATURES),
                       weight=weight, bias=bias, threshold=threshold, **kwargs)  # type: ignore[arg-type]


def pair(id: str, text: str, claim: str | None, label: str, category: str, context: str | None = None,
         kind: str = "post", split: str = "validation") -> LabelledPair:
    return LabelledPair(id=id, claim_id=claim, kind=kind, text=text, context=context, platform="x", label=label,
                        category=category, register="casual", split=split)


@pytest.fixture
def matcher(tmp_path: Path) -> tuple[HoaxMatcher, HoaxRules]:
    overlap_scorer().save(tmp_path / "scorer.json")
    rules = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"))
    return HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, rules, background=NONE), rules


def test_an_act_carrying_a_claim_is_flagged_with_it_and_a_debunk_of_the_same_words_is_not(matcher) -> None:  # type: ignore[no-untyped-def]
    m, _ = matcher
    spread, debunk, other = m.match([
        pair("a", "Info grup: libur nasional pencoblosan Pilkada dibatalkan pemerintah, ASN tetap masuk kantor!",
             None, "spreads", "paraphrase"),
        pair("b", "HOAKS! Libur nasional pencoblosan Pilkada tidak dibatalkan, ASN tidak masuk kantor. Cek fakta: "
                  "https://cek.example/libur-batal/", None, "debunks", "debunk_share"),
        pair("c", "Selamat pagi, hari ini rapat koordinasi posyandu di balai desa", None, "unrelated",
             "same_topic_unrelated"),
    ])
    assert spread.hoax and spread.claims[0].claim.id == "c1" and 0.5 <= spread.score <= 1.0
    assert not debunk.hoax and debunk.action == "debunks"
    assert not other.hoax


def test_the_scorer_reads_more_than_the_most_similar_claim(tmp_path: Path) -> None:
    """A short reply carrying a detail of the second most similar claim is matched to it when the scorer says so."""
    reply = pair("r", "dicoblos dua kali tetap sah", "c2", "spreads", "partial", kind="comment",
                 context="Pemerintah membatalkan libur nasional hari pencoblosan Pilkada, ASN tetap masuk kantor")
    m = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES, background=NONE)
    readable, indices, sims = m.candidates([reply])
    readings = candidate_readings(m, reply, indices[0], sims[0], 3)
    assert [f.best.claim.id for f, _ in readings][:2] == ["c1", "c2"]  # the post's words bring the holiday first
    assert readings[0][1][FEATURES.index("first")] == 1.0 and readings[1][1][FEATURES.index("first")] == 0.0
    own = FEATURES.index("own_overlap")
    assert readings[1][1][own] > 0.2 > readings[0][1][own]
    for candidates, expected in ((1, None), (3, "c2")):
        overlap_scorer(feature="own_overlap", bias=-2.0, candidates=candidates).save(tmp_path / "scorer.json")
        rules = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"))
        matcher = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, rules, background=NONE)
        result = matcher.match([reply])[0]
        assert (result.claims[0].claim.id if result.hoax else None) == expected


def test_a_reply_carrying_one_clause_of_a_claim_is_found_by_its_clause_overlap(tmp_path: Path) -> None:
    """v11: a partial repetition carries one clause of the claim, a small share of its whole wording; the scorer reads
    how much of the best-carried clause the act carries (its own words alone too)."""
    fuel = Claim(claim="Pemerintah sudah memutuskan harga BBM subsidi naik menjadi Rp15.000 per liter sehari setelah "
                       "pencoblosan; pengumumannya sengaja ditahan sampai pemilihan selesai. (Tidak ada keputusan "
                       "kenaikan harga; surat yang beredar adalah surat tahun 2022.)",
                 rating="Hoaks", url="https://cek.example/bbm/", false=True, publisher="Cek Contoh", id="c4")
    from models.hoax.wording import claim_clauses

    assert claim_clauses(fuel.claim) == ("Pemerintah sudah memutuskan harga BBM subsidi naik menjadi Rp15.000 per "
                                         "liter sehari setelah pencoblosan",
                                         "pengumumannya sengaja ditahan sampai pemilihan selesai")
    reply = pair("p", "pengumumannya memang sengaja ditahan sampai pemilihan selesai, liat aja nanti", "c4", "spreads",
                 "partial", kind="comment", context="Antrean SPBU malam ini panjang banget")
    other = pair("o", "pemilihan selesai, saatnya kerja lagi", None, "unrelated", "same_topic_unrelated",
                 kind="comment", context="Antrean SPBU malam ini panjang banget")
    m = HoaxMatcher.from_claims(FakeEncoder(), [*CLAIMS, fuel], FAKE_RULES, background=NONE)
    readable, indices, sims = m.candidates([reply, other])
    read = {}
    for row, act in enumerate((reply, other)):
        found = {f.best.claim.id: v for f, v in candidate_readings(m, act, indices[row], sims[row], 3)}
        read[act.id] = found["c4"]
    clause, own_clause, whole = (FEATURES.index(f) for f in ("clause_overlap", "own_clause_overlap", "overlap"))
    assert read["p"][clause] >= 0.9 and read["p"][own_clause] >= 0.9 and read["p"][whole] < 0.6
    assert read["o"][clause] < 0.5
    overlap_scorer(feature="own_clause_overlap", bias=-7.0).save(tmp_path / "scorer.json")
    rules = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"))
    matcher = HoaxMatcher.from_claims(FakeEncoder(), [*CLAIMS, fuel], rules, background=NONE)
    found, left = matcher.match([reply, other])
    assert found.hoax and found.claims[0].claim.id == "c4" and not left.hoax


def test_a_true_claim_about_as_close_stops_the_match_when_the_scorer_says_so(tmp_path: Path) -> None:
    act = pair("t", "Hari pencoblosan Pilkada ditetapkan sebagai hari libur nasional ya", None, "unrelated",
               "true_claim")
    results = {}
    for margin in (None, 0.0):
        overlap_scorer(threshold=0.0, true_margin=margin).save(tmp_path / "scorer.json")
        rules = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"))
        results[margin] = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, rules, background=NONE).match([act])[0]
    assert results[None].hoax and not results[0.0].hoax


def test_a_scorer_for_other_features_is_refused_with_the_command_that_refits_it(tmp_path: Path) -> None:
    data = overlap_scorer().to_json()
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="netra hoax train"):
        MatchScorer(**data)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.json"):
        MatchScorer.load(tmp_path / "broken.json")


def test_a_scorer_with_a_hidden_layer_reads_its_units_and_survives_saving(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    layer, layer_bias = rng.normal(size=(4, len(FEATURES))), rng.normal(size=4)
    weight, mean, scale = rng.normal(size=4), rng.normal(size=len(FEATURES)), rng.uniform(0.5, 2, len(FEATURES))
    scorer = MatchScorer(features=list(FEATURES), mean=mean.tolist(), scale=scale.tolist(), weight=weight.tolist(),
                         bias=0.2, threshold=0.5, hidden_weight=layer.tolist(), hidden_bias=layer_bias.tolist())
    x = rng.normal(size=(5, len(FEATURES)))
    expected = 1 / (1 + np.exp(-(np.tanh(((x - mean) / scale) @ layer.T + layer_bias) @ weight + 0.2)))
    assert np.allclose(scorer.probability(x), expected)
    assert np.isclose(scorer.probability(x[0]), expected[0])
    scorer.save(tmp_path / "scorer.json")
    assert np.allclose(MatchScorer.load(tmp_path / "scorer.json").probability(x), expected)
    # Output weights for another layer's units: refused, naming the command that refits it.
    data = scorer.to_json()
    data["weight"] = data["weight"][:3]
    with pytest.raises(ValueError, match="netra hoax train"):
        MatchScorer(**data)


def test_the_hidden_layer_learns_readings_that_act_together_where_a_logistic_regression_cannot() -> None:
    import torch

    from models.logistic import fit_logistic, fit_tanh_layer

    # Carried when exactly one of two readings is high: no weighted sum separates it.
    x = torch.tensor(np.random.default_rng(5).normal(size=(400, 2)))
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).double()
    layer, layer_bias, weight, bias = fit_tanh_layer(x, y, hidden=8, l2=1e-4)
    hidden = ((torch.tanh(x @ layer.T + layer_bias) @ weight + bias > 0).double() == y).double().mean()
    w, b = fit_logistic(x, y, 1e-4)
    linear = (((x.float() @ w + b) > 0).double() == y).double().mean()
    assert hidden > 0.9 and linear < 0.7
    again = fit_tanh_layer(x, y, hidden=8, l2=1e-4)
    assert torch.equal(again[0], layer)  # seeded: the same fit twice


def test_everyday_acts_weigh_more_in_the_fit_and_their_flags_fall_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import models.hoax.train as train

    encoder = FakeEncoder()
    labelled = _labelled("train")
    # An everyday act in the claim's words (so that a fit on labelled pairs alone would take it for the claim).
    everyday = pair("t1", "pencoblosan Pilkada libur nasional, kantor tetap buka untuk pelayanan", None, "unrelated",
                    train.TRAFFIC, split="train")
    both = LabelledSet(CLAIMS, [*labelled.pairs, everyday])
    readings = Readings.read(score_pairs(encoder, both, both.pairs), CLAIMS, 3)
    x, y, flags = readings.rows(3)
    assert len(x) == len(y) == len(flags) and flags.any() and not y[flags].any()
    row = x[flags][0].numpy()
    monkeypatch.setattr(train, "EVERYDAY_WEIGHT", 1.0)
    light = fit([readings], l2=1e-2, candidates=3).probability(row)
    monkeypatch.setattr(train, "EVERYDAY_WEIGHT", 12.0)
    heavy = fit([readings], l2=1e-2, candidates=3).probability(row)
    assert heavy < light


def _labelled(split: str) -> LabelledSet:
    acts = [
        pair("1", "Libur nasional pencoblosan Pilkada dibatalkan, ASN tetap masuk kantor", "c1", "spreads",
             "plain_spread", split=split),
        pair("2", "katanya libur pencoblosan dibatalkan ya, ASN tetap ngantor", "c1", "spreads", "paraphrase",
             split=split),
        pair("3", "Surat suara dicoblos dua kali tetap sah, dihitung buat kedua calon", "c2", "spreads",
             "plain_spread", split=split),
        pair("4", "coblos dua kali sah kok, dua calon dapat suara", "c2", "spreads", "partial", split=split),
        pair("5", "HOAKS: surat suara dicoblos dua kali tidak sah. Cek fakta https://cek.example/coblos-dua/", "c2",
             "debunks", "debunk_share", split=split),
        pair("6", "Rapat koordinasi pengawasan Pilkada di kantor kecamatan hari ini", None, "unrelated",
             "same_topic_unrelated", split=split),
        pair("7", "Hari pencoblosan Pilkada ditetapkan libur nasional ya, selamat memilih", "c3", "unrelated",
             "true_claim", split=split),
        pair("8", "Pelatihan KPPS soal surat suara sah dan tidak sah di aula desa", None, "unrelated",
             "same_topic_unrelated", split=split),
    ]
    return LabelledSet(CLAIMS, acts)


def test_fitted_and_chosen_on_validation_the_scorer_finds_repetitions_and_leaves_debunks() -> None:
    encoder = FakeEncoder()
    train, validation = _labelled("train"), _labelled("validation")
    readings = [Readings.read(score_pairs(encoder, train, train.pairs), CLAIMS, 3)]
    held = Readings.read(score_pairs(encoder, validation, validation.pairs), CLAIMS, 3)
    # Rows are labelled by whether the act is about the candidate claim: the debunk is (its cues decide), the
    # true claim's and the unrelated acts' candidates are not.
    about = dict(zip([p.id for p in train.pairs], readings[0].about, strict=True))
    assert about["5"][0] and not any(about["6"]) and not any(about["7"])
    scorer = fit(readings, l2=1e-2, candidates=3)
    assert scorer.features == list(FEATURES) and len(scorer.weight) == len(FEATURES)
    chosen, result = choose(readings, [], held, FAKE_RULES, l2_grid=(1e-2,), candidate_grid=(3,))
    assert result["validation"]["debunk_share_correct"] == 1.0 and result["validation"]["recall"] == 1.0
    # The figures the choice reports are those the matcher gives with the chosen scorer.
    again = figures(held.scored.pairs, decisions(prepare(held, chosen, FAKE_RULES), chosen.threshold,
                                                 FAKE_RULES.max_claims), CLAIMS)
    assert again == result["validation"]


def test_each_training_writer_is_decided_by_a_scorer_fitted_without_them() -> None:
    encoder = FakeEncoder()
    first, second = _labelled("train"), _labelled("train")
    # Two writers with the same acts under their own ids: left out in turn, each is decided by the other's fit.
    renamed = [replace(p, id=f"wb-x{p.id}") for p in second.pairs]
    both = LabelledSet(CLAIMS, [replace(p, id=f"wa-x{p.id}") for p in first.pairs] + renamed)
    writers = Readings.read(score_pairs(encoder, both, both.pairs), CLAIMS, 3).by_writer()
    assert [{p.id.split("-")[0] for p in w.scored.pairs} for w in writers] == [{"wa"}, {"wb"}]
    validation = _labelled("validation")
    held = Readings.read(score_pairs(encoder, validation, validation.pairs), CLAIMS, 3)
    chosen, result = choose(writers, [], held, FAKE_RULES, l2_grid=(1e-2,), candidate_grid=(3,))
    assert result["out_of_writer"]["pairs"] == len(both.pairs) and result["validation"]["pairs"] == len(held.about)
    assert result["pooled"]["pairs"] == len(both.pairs) + len(held.about)
    assert result["out_of_writer"]["debunk_share_correct"] == 1.0


def test_the_shipped_rules_use_the_shipped_scorer_chosen_without_the_test_sets() -> None:
    rules = HoaxRules.load(RULES_FILE)
    assert rules.version == MATCHER_VERSION == 12 and rules.scorer == SCORER_FILE.name
    scorer = MatchScorer.load(SCORER_FILE)
    assert scorer.chosen_on == "validation+out_of_writer" and scorer.features == list(FEATURES)
    # v9: the second and third test sets (read for v6-v8) are training pairs; v10: the fourth (read for v9) too; v11:
    # the fifth and sixth (read for v10); v12: the seventh and eighth (read for v11); the ninth is never read.
    assert set(scorer.trained_on["splits"]) == {"train", "dev", "test2", "test3", "test4", "test5", "test6", "test7",
                                                "test8"}
    assert {"models/data/hoax-train", "models/data/hoax-test2", "models/data/hoax-test3", "models/data/hoax-test4",
            "models/data/hoax-test5", "models/data/hoax-test6", "models/data/hoax-test7", "models/data/hoax-test8",
            "models/data/hoax-dev", "models/data/train"} == set(scorer.trained_on["folders"])
    assert scorer.trained_on["everyday_acts"]["acts"] == 800
    # v12: the weight of the everyday acts the shipped fit used is the one `netra hoax train` fits with now.
    from models.hoax.train import EVERYDAY_WEIGHT

    assert scorer.trained_on["everyday_acts"]["weight"] == EVERYDAY_WEIGHT
    # v10: the choice may not turn the check against true claims off (the demo's true announcement was flagged).
    assert scorer.true_margin is not None


def test_the_training_and_later_test_sets_load_with_claims_of_their_own() -> None:
    names = ("train", "test2", "test3", "test4", "test5", "test6", "test7", "test8", "test9")
    sets = [load_split(name, is_false) for name in (*names, "validation")]
    for name, labelled in zip(names, sets, strict=False):
        assert labelled.pairs and all(p.split == name for p in labelled.pairs)
        regional = [p.register not in (None, "formal", "casual", "alay", "religious") for p in labelled.pairs]
        assert np.mean(regional) >= 0.2
    ids = [{c.id for c in s.claims} for s in sets]
    texts = [{(p.text, p.context) for p in s.pairs if p.kind != "like"} for s in sets]
    for a, b in itertools.combinations(range(len(sets)), 2):
        assert not (ids[a] & ids[b]) and not (texts[a] & texts[b])


@pytest.mark.parametrize(("folder", "split"), [("hoax-train", "train"), ("hoax-test2", "test2"),
                                               ("hoax-test3", "test3"), ("hoax-test4", "test4"),
                                               ("hoax-test5", "test5"), ("hoax-test6", "test6"),
                                               ("hoax-test7", "test7"), ("hoax-test8", "test8"),
                                               ("hoax-test9", "test9")])
def test_the_new_pair_folders_pass_their_validator(folder: str, split: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    data = Path(__file__).resolve().parent.parent / "models" / "data"
    check = [sys.executable, str(data / "hoax-train" / "validate.py")]
    done = subprocess.run([*check, str(data / folder), split], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout
    (tmp_path / "claims.jsonl").write_text((data / folder / "claims.jsonl").read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "pairs-x.jsonl").write_text('{"id": "zz-x0001"}\n', encoding="utf-8")
    broken = subprocess.run([*check, str(tmp_path), split], capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1 and "pairs-x.jsonl:1: keys" in broken.stdout


def test_everyday_traffic_joins_training_as_unrelated_acts_dealt_to_the_writers_folds() -> None:
    from models.hoax.train import TRAFFIC, traffic_pairs

    dealt = traffic_pairs(["wa", "wb"], limit=6)
    assert [p.id.split("-")[0] for p in dealt] == ["wa", "wb"] * 3
    assert all(p.label == "unrelated" and p.claim_id is None and p.category == TRAFFIC for p in dealt)
    assert dealt == traffic_pairs(["wa", "wb"], limit=6)  # the same acts every time (fixed seed)
    assert len({(p.text, p.context) for p in dealt}) == 6


def test_the_choice_decides_each_pair_as_the_matcher_does_with_the_chosen_scorer(tmp_path: Path) -> None:
    """train.decisions replays HoaxMatcher.scored_verdict on cached readings: both must flag and cite alike."""
    encoder = FakeEncoder()
    train, validation = _labelled("train"), _labelled("validation")
    readings = [Readings.read(score_pairs(encoder, train, train.pairs), CLAIMS, 3)]
    held = Readings.read(score_pairs(encoder, validation, validation.pairs), CLAIMS, 3)
    for margin in (None, 0.0):
        scorer = replace(fit(readings, l2=1e-2, candidates=3), threshold=0.3, true_margin=margin)
        scorer.save(tmp_path / "scorer.json")
        rules = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"))
        replayed = decisions(prepare(held, scorer, rules), scorer.threshold, rules.max_claims)
        matched = held.scored.results(rules)
        assert any(r.hoax for r in matched) and not all(r.hoax for r in matched)
        assert [(r.hoax, r.action if r.hoax else None, [m.claim.id for m in r.claims]) for r in replayed] == [
            (r.hoax, r.action if r.hoax else None, [m.claim.id for m in r.claims]) for r in matched]


ONE_CLAIM = Claim(claim="KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir", rating="Salah",
                  url="https://cekfakta.example/2029/10/diundur/", false=True, publisher="Cek Fakta Contoh")
ONE_CLAIM_SPREAD = ("Info penting: KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir. Sebarkan ke "
                    "keluarga!")


def test_a_store_of_one_claim_flags_only_the_acts_repeating_it() -> None:
    """With one claim stored, every act "led" its other candidates by its whole similarity and was flagged
    (p ≈ 1): a team's first imported claim filled the queue. The background stands in for the other claims."""
    from models.infer import ClassifyInput
    from monitor.hoax.service import shared_encoder

    matcher = HoaxMatcher.from_claims(shared_encoder(), [ONE_CLAIM])
    texts = [ONE_CLAIM_SPREAD, "Pelayanan posyandu di Kelurahan Mekarsari dibuka Senin pukul 08.00.",
             "Selamat pagi, semoga sehat selalu", "Rapat koordinasi persiapan Hari Guru Nasional di aula dinas."]
    found = matcher.match([ClassifyInput(id=str(i), kind="post", text=t, context=None) for i, t in enumerate(texts)])
    assert [r.hoax for r in found] == [True, False, False, False]
    assert found[0].claims[0].claim.url == ONE_CLAIM.url



def test_the_wrong_decisions_are_listed_as_the_figures_count_them() -> None:
    """A saved evaluation names its misses: a hoax flagged with another claim is a miss, a flag on a debunk share is a
    wrong flag, and the list holds exactly the pairs the figures count as errors."""
    from models.hoax.evaluate import wrong_decisions
    from models.hoax.matcher import ClaimMatch, HoaxResult

    pairs = [pair("p1", "libur batal", "c1", "spreads", "paraphrase"),
             pair("p2", "coblos dua sah", "c2", "spreads", "partial"),
             pair("p3", "HOAKS libur batal", "c1", "debunks", "debunk_share"),
             pair("p4", "rapat posyandu", None, "unrelated", "same_topic_unrelated"),
             pair("p5", "coblos dua kali sah", "c2", "spreads", "translation")]
    results = [HoaxResult(hoax=True, action="spreads", claims=[ClaimMatch(HOLIDAY, 0.9)], score=0.9),
               HoaxResult(hoax=True, action="spreads", claims=[ClaimMatch(HOLIDAY, 0.8)], score=0.7),
               HoaxResult(hoax=True, action="spreads", claims=[ClaimMatch(HOLIDAY, 0.9)], score=0.8),
               HoaxResult(hoax=False, action="none"),
               HoaxResult(hoax=False, action="debunks", best=ClaimMatch(BALLOT, 0.88))]
    wrong = wrong_decisions(pairs, results, CLAIMS)
    assert [(w["id"], w["error"]) for w in wrong] == [("p2", "missed"), ("p3", "flagged"), ("p5", "missed")]
    assert wrong[0]["cited"] == ["c1"] and wrong[2]["action"] == "debunks" and wrong[2]["nearest"] == "c2"
    counted = figures(pairs, results, CLAIMS)
    assert counted["precision"] == 0.3333 and counted["recall"] == 0.3333


def test_netra_hoax_evaluate_saves_the_wrong_decisions_with_the_figures(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from monitor.cli import app

    out = tmp_path / "dev.json"
    result = CliRunner().invoke(app, ["hoax", "evaluate", "--split", "dev", "--output", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    dev = {p.id for p in load_split("dev", is_false).split("dev")}
    assert {w["id"] for w in report["wrong"]} <= dev
    missed = sum(w["error"] == "missed" for w in report["wrong"])
    assert missed == sum(c["fn"] for c in report["categories"].values())
    assert len(report["wrong"]) >= sum(c["fp"] for c in report["categories"].values())
