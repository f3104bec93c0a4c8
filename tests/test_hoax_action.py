"""Hoax matcher v9: a trained action reader has the last word on whether an act about a claim spreads it; it is
fitted on the labelled pairs, its threshold chosen on each writer's pairs decided without that writer."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from models.hoax import HoaxMatcher
from models.hoax.action import ACTION_FILE, COLUMNS, ActionReader
from models.hoax.background import NONE
from models.hoax.evaluate import LabelledPair, LabelledSet
from models.hoax.matcher import MATCHER_VERSION, RULES_FILE, HoaxRules
from models.hoax.train_action import (
    CHOICE_DEBUNK_SHARE,
    action_rows,
    choose_threshold,
    errors,
    fit_reader,
    out_of_writer,
    out_of_writer_actions,
    rules_alone,
)
from tests.hoax_support import FAKE_RULES, FakeEncoder
from tests.test_hoax_scorer import CLAIMS, HOLIDAY, overlap_scorer

RULES = HoaxRules()  # the cue switches as in versions 1-5; the reader learns from whatever they say


def _pair(id: str, text: str, label: str, category: str, context: str | None = None, kind: str = "post",
          claim: str = "c1") -> LabelledPair:
    return LabelledPair(id=id, claim_id=claim, kind=kind, text=text, context=context, platform="x", label=label,
                        category=category, register="casual", split="train")


# "Zonk" is a warning no cue rule knows: the rules read these acts as repetitions.
SPREADS = ["Libur pencoblosan dibatalkan, ASN tetap masuk kantor ya bapak ibu", "Besok tetap ngantor, liburnya batal",
           "Pemerintah batalkan libur Pilkada, semua pegawai masuk", "Info kantor: tidak ada libur saat pencoblosan",
           "Libur nasional Pilkada resmi dibatalkan, masuk seperti biasa", "Ternyata libur coblosan dihapus, ngantor",
           "Cuti bersama pencoblosan ditiadakan, absen tetap jalan", "ASN wajib masuk di hari coblosan, libur batal"]
WARNINGS = ["Zonk itu pak, libur tetap ada", "Kabar zonk, coblosan tetap libur", "Itu zonk, abaikan saja bu",
            "Zonk lagi zonk lagi, hari coblosan libur", "Pesan zonk, tanggal merah tetap berlaku",
            "Zonk. Libur pencoblosan tidak berubah", "Info zonk jangan dipikir, tetap libur",
            "Ah zonk, coblosan ya libur nasional"]


def _labelled(writers: tuple[str, ...] = ("wa", "wb", "wc")) -> LabelledSet:
    pairs = []
    for w, writer in enumerate(writers):
        for n, text in enumerate(SPREADS):
            if n % len(writers) == w:
                pairs.append(_pair(f"{writer}-x{n:04d}", text, "spreads", "paraphrase"))
        for n, text in enumerate(WARNINGS):
            if n % len(writers) == w:
                pairs.append(_pair(f"{writer}-x1{n:03d}", text, "debunks", "debunk_share"))
    return LabelledSet(CLAIMS, pairs)


def test_the_reader_learns_a_warning_the_cue_rules_do_not_know() -> None:
    rows = action_rows([_labelled()], RULES, FakeEncoder())
    assert len(COLUMNS) == rows.columns.shape[1]
    # The cue rules call every one of these acts a repetition: the warnings too.
    assert rules_alone(rows)["debunks_read_as_spreading"] == len(WARNINGS)
    reader = fit_reader(rows)
    fresh = _labelled(("wz",))
    unseen = action_rows([LabelledSet(CLAIMS, [replace(p, text=p.text + " !") for p in fresh.pairs])], RULES,
                         FakeEncoder())
    p = reader.probability(unseen.columns, unseen.texts, unseen.own, unseen.context)
    spreads = p >= 0.5
    assert errors(unseen, spreads)["wrong"] == 0, p


def test_out_of_writer_probabilities_never_read_the_writers_own_labels() -> None:
    rows = action_rows([_labelled()], RULES, FakeEncoder())
    first = out_of_writer(rows)
    flipped = rows.take(range(len(rows.pairs)))
    mine = [r for r, w in enumerate(rows.writers) if w == "wa"]
    flipped.y[mine] = 1 - flipped.y[mine]
    again = out_of_writer(flipped)
    assert torch.allclose(first[mine], again[mine])
    others = [r for r, w in enumerate(rows.writers) if w != "wa"]
    assert not torch.allclose(first[others], again[others])


def test_the_threshold_keeps_the_debunk_shares_unflagged_before_it_counts_errors() -> None:
    rows = action_rows([_labelled()], RULES, FakeEncoder())
    shares = torch.tensor([p.category == "debunk_share" for p in rows.pairs])
    # Probabilities where only a high threshold spares every warning, at the cost of two repetitions missed.
    p = torch.where(shares, torch.tensor(0.6), torch.tensor(0.9))
    p[[r for r, s in enumerate(shares.tolist()) if not s][:2]] = 0.5
    threshold, result = choose_threshold(rows, p)
    assert threshold > 0.6 and result["debunk_shares_unflagged"] >= CHOICE_DEBUNK_SHARE
    assert result["spreads_missed"] == 2 and result["debunks_read_as_spreading"] == 0


def test_the_actions_the_scorer_is_chosen_with_come_from_the_out_of_writer_reader() -> None:
    rows = action_rows([_labelled()], RULES, FakeEncoder())
    p = torch.tensor([0.9 if pair.label == "spreads" else 0.1 for pair in rows.pairs])
    actions = out_of_writer_actions(rows, p, 0.5)
    assert {actions[pair.id] for pair in rows.pairs if pair.label == "spreads"} == {"spreads"}
    assert {actions[pair.id] for pair in rows.pairs if pair.label == "debunks"} == {"debunks"}


def test_the_matcher_asks_the_reader_and_a_warning_it_knows_is_not_flagged(tmp_path: Path) -> None:
    encoder = FakeEncoder()
    rows = action_rows([_labelled()], RULES, encoder)
    reader = fit_reader(rows)
    reader.threshold = 0.5
    reader.save(tmp_path / "action.json")
    overlap_scorer(threshold=0.3).save(tmp_path / "scorer.json")
    cues_only = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"))
    with_reader = replace(cues_only, action_reader=str(tmp_path / "action.json"))
    warning = _pair("q", "Zonk itu pak, libur nasional pencoblosan Pilkada dibatalkan pemerintah itu kabar zonk",
                    "debunks", "debunk_share")
    spread = _pair("r", "Libur nasional pencoblosan Pilkada dibatalkan pemerintah, ASN tetap masuk kantor",
                   "spreads", "paraphrase")
    before = HoaxMatcher.from_claims(encoder, CLAIMS, cues_only, background=NONE).match([warning, spread])
    after = HoaxMatcher.from_claims(encoder, CLAIMS, with_reader, background=NONE).match([warning, spread])
    assert before[0].hoax and before[0].best is not None and before[0].best.claim == HOLIDAY
    assert not after[0].hoax and after[0].action == "debunks"
    assert after[1].hoax and after[1].claims[0].claim == HOLIDAY


def test_a_broken_reader_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "action.json").write_text('{"bias": 0}', encoding="utf-8")
    with pytest.raises(ValueError, match="action.json"):
        ActionReader.load(tmp_path / "action.json")


def test_a_reader_fitted_for_other_stack_inputs_is_refused_by_name(tmp_path: Path) -> None:
    # A v9 reader: its weights have as many entries as v10's would with vectors of another width, so only the record
    # of its inputs tells that they would be read against the wrong columns.
    rows = action_rows([_labelled()], RULES, FakeEncoder())
    reader = fit_reader(rows)
    reader.save(tmp_path / "action.json")
    assert ActionReader.load(tmp_path / "action.json").weight.shape == reader.weight.shape
    record = json.loads((tmp_path / "action.json").read_text(encoding="utf-8"))
    record["columns"] = record["columns"][:-1]
    (tmp_path / "action.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ValueError, match=r"action\.json.*train-action"):
        ActionReader.load(tmp_path / "action.json")


def test_the_shipped_rules_use_the_shipped_reader_fitted_without_the_ninth_test_set() -> None:
    rules = HoaxRules.load(RULES_FILE)
    assert rules.version == MATCHER_VERSION and rules.action_reader == ACTION_FILE.name
    reader = ActionReader.load(ACTION_FILE)
    assert reader.chosen_on == "out_of_writer" and 0.3 <= reader.threshold <= 0.85
    assert not any("hoax-test9" in folder for folder in reader.trained_on["folders"])
    # v12: the seventh and eighth test sets (read for v11) are training pairs.
    assert {"models/data/hoax", "models/data/hoax-train", "models/data/hoax-test2", "models/data/hoax-test3",
            "models/data/hoax-test4", "models/data/hoax-test5", "models/data/hoax-test6", "models/data/hoax-test7",
            "models/data/hoax-test8"} <= set(reader.trained_on["folders"])
    # The record names the data it was fitted on: editing those files without refitting is caught here.
    from models.hoax.train import data_digest
    from models.hoax.train_action import READER_FOLDERS

    files = [f for folder in READER_FOLDERS for f in folder.glob("*.jsonl")]
    assert reader.trained_on["data_sha256"] == data_digest(files)
    chosen = reader.figures["out_of_writer"]
    assert chosen["debunk_shares_unflagged"] >= CHOICE_DEBUNK_SHARE
    # What the record says the reader gained over the cue rules, out of writer, is what the choice computed.
    assert chosen["wrong"] <= reader.figures["cue_rules"]["wrong"]


def test_the_scorer_choice_reads_the_given_action_of_a_pair_whose_own_claim_it_found() -> None:
    from models.hoax.evaluate import score_pairs
    from models.hoax.train import Readings, decisions, prepare
    from tests.test_hoax_scorer import _labelled as scorer_pairs

    validation = scorer_pairs("validation")
    held = Readings.read(score_pairs(FakeEncoder(), validation, validation.pairs), CLAIMS, 3)
    scorer = overlap_scorer(threshold=0.3)
    plain = decisions(prepare(held, scorer, FAKE_RULES), scorer.threshold, 3)
    flagged = [p.id for p, r in zip(held.scored.pairs, plain, strict=True) if r.hoax]
    assert flagged
    # The out-of-writer reader said these acts debunk their claims: where the scorer found that claim, none is flagged.
    actions = {p.id: "debunks" for p in held.scored.pairs if p.claim_id}
    again = decisions(prepare(held, scorer, FAKE_RULES, actions), scorer.threshold, 3)
    for pair, before, after in zip(held.scored.pairs, plain, again, strict=True):
        own = before.hoax and before.claims[0].claim.id == pair.claim_id
        assert after.hoax == (before.hoax and not own)


def test_a_reader_fitted_on_another_encoders_vectors_is_not_read(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                                                 ) -> None:
    rows = action_rows([_labelled()], RULES, FakeEncoder())
    reader = fit_reader(rows)
    assert reader.encoder == "fake-trigrams/1"
    reader.threshold = 0.5
    reader.save(tmp_path / "action.json")
    assert ActionReader.load(tmp_path / "action.json").encoder == "fake-trigrams/1"
    overlap_scorer(threshold=0.3).save(tmp_path / "scorer.json")
    rules = replace(FAKE_RULES, scorer=str(tmp_path / "scorer.json"), action_reader=str(tmp_path / "action.json"))
    warning = _pair("q", "Zonk itu pak, libur nasional pencoblosan Pilkada dibatalkan pemerintah itu kabar zonk",
                    "debunks", "debunk_share")
    other = FakeEncoder(version="fake-trigrams/2")
    with caplog.at_level("WARNING", logger="models.hoax.matcher"):
        found = HoaxMatcher.from_claims(other, CLAIMS, rules, background=NONE).match([warning, warning])
    # The cue rules decide, as before v9 (they do not know "zonk"), and the operator is told once.
    assert found[0].hoax and found[1].hoax
    assert sum("fitted on fake-trigrams/1 vectors" in r.getMessage() for r in caplog.records) == 1
    shipped = ActionReader.load(ACTION_FILE)
    assert shipped.encoder.startswith("e5-small@")


# v10: the same words do opposite things in reply to the claim and in reply to its debunk. Neither the words nor the
# post alone tell which, so a stack reading the two vectors side by side cannot learn it; the own words' vector of
# replies to a debunk can. The words are unknown to the cue lexicon, so the cue columns do not tell either.
AGREE = ["sip sip lanjutkan", "mantul pokoknya pak", "nah gitu dong bu", "oke siap sebar", "top markotop",
         "gaskeun terus", "yoi bener banget", "sepakat seratus persen"]
REJECT = ["halah halah halah", "ngibul ngibul wae", "ngawur tenan iki", "preeet lah", "omdo doang ah",
          "kibul kibul terus", "zonk zonk ah", "ngaco ngaco wae"]
DEBUNK_POSTS = ["[HOAKS] Libur pencoblosan tidak dibatalkan, kata KPU", "HOAKS: libur hari coblosan tetap ada",
                "Cek fakta: kabar libur pencoblosan dibatalkan adalah hoaks"]
CLAIM_POSTS = ["Libur pencoblosan dibatalkan, semua pegawai masuk kantor", "Hari coblosan tidak libur, ASN masuk",
               "Pemerintah batalkan libur pencoblosan Pilkada"]


def _replies(writer: str, posts: range) -> list[LabelledPair]:
    pairs = []
    for n in range(len(AGREE)):
        for m in posts:
            for post, debunk_post in ((DEBUNK_POSTS[m], True), (CLAIM_POSTS[m], False)):
                for words, rejects in ((AGREE[n], False), (REJECT[n], True)):
                    spreads = rejects if debunk_post else not rejects
                    pairs.append(_pair(f"{writer}-r{n}{m}{int(debunk_post)}{int(rejects)}", words,
                                       "spreads" if spreads else "debunks",
                                       "sarcastic_repetition" if rejects == debunk_post else "debunk_share", post,
                                       kind="comment"))
    return pairs


def test_the_reader_reads_a_reply_to_a_debunk_apart_from_a_reply_to_the_claim() -> None:
    encoder = FakeEncoder()
    # Known words in reply to posts the reader has not seen.
    train = action_rows([LabelledSet(CLAIMS, _replies("wa", range(2)))], RULES, encoder)
    unseen = action_rows([LabelledSet(CLAIMS, _replies("wz", range(2, 3)))], RULES, encoder)
    assert not train.columns[:, COLUMNS.index("own:debunk")].any()  # the words carry no cue
    reader = fit_reader(train)
    p = reader.probability(unseen.columns, unseen.texts, unseen.own, unseen.context)
    assert errors(unseen, p >= 0.5)["wrong"] <= 1, p
