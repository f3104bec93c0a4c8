"""Hoax matching: the index, the repeat/debunk/ask decision, the classify output, the cached claim vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from models.hoax import Claim, HoaxMatcher, HoaxRules
from models.hoax.cues import read_cues
from models.hoax.index import ClaimIndex
from models.hoax.matcher import act_text, act_views, vector_version
from models.hoax.regional import to_indonesian
from models.infer import ClassifyInput, ClassifyResult, with_hoax
from monitor.cli import app
from monitor.db.schema import ClaimReview
from monitor.db.session import session_scope
from spiders.factcheck.claimreview import ClaimRecord
from spiders.factcheck.store import ClaimStore
from tests.hoax_support import FAKE_RULES, FakeEncoder

runner = CliRunner()

POSTPONED = Claim(claim="KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir", rating="Salah",
                  url="https://cekfakta.example/2029/10/diundur/", false=True, publisher="Cek Fakta Contoh", id=1)
INK = Claim(claim="Tinta pemilu mengandung lemak babi sehingga salat pemilih tidak sah", rating="Hoaks",
            url="https://periksa.example/tinta-babi/", false=True, publisher="Periksa Dulu", id=2)
INK_TRUE = Claim(claim="Tinta pemilu sudah mendapat sertifikat halal dari MUI", rating="Benar",
                 url="https://periksa.example/tinta-halal/", false=False, publisher="Periksa Dulu", id=3)
CLAIMS = [POSTPONED, INK, INK_TRUE]


def act(text: str, context: str | None = None, kind: str = "post") -> ClassifyInput:
    return ClassifyInput(id="a", kind=kind, text=text, context=context)


@pytest.fixture
def matcher() -> HoaxMatcher:
    return HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES)


def test_index_search_is_exact_and_ordered() -> None:
    rng = np.random.default_rng(7)
    claims = rng.normal(size=(500, 32)).astype(np.float32)
    queries = rng.normal(size=(40, 32)).astype(np.float32)
    index = ClaimIndex(claims)
    indices, sims = index.search(queries, 5)
    normed = claims / np.linalg.norm(claims, axis=1, keepdims=True)
    brute = queries @ normed.T
    assert (indices == np.argsort(-brute, axis=1)[:, :5]).all()
    assert np.allclose(sims, np.sort(brute, axis=1)[:, ::-1][:, :5], atol=1e-5)
    assert (np.diff(sims, axis=1) <= 1e-6).all()
    small, small_sims = ClaimIndex(claims[:3]).search(queries[:2], 8)  # fewer claims than asked for
    assert small.shape == (2, 3) and small_sims.shape == (2, 3)


def test_a_repetition_is_a_hoax_citing_the_claim(matcher: HoaxMatcher) -> None:
    [found] = matcher.match([act("KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir! "
                                 "Sebarkan ke keluarga")])
    assert found.hoax and found.action == "spreads" and 0.5 <= found.score <= 1.0
    assert [m.to_json()["url"] for m in found.claims] == [POSTPONED.url]
    entry = found.claims[0].to_json()
    assert set(entry) == {"claim", "rating", "url", "similarity"} and entry["rating"] == "Salah"


@pytest.mark.parametrize(("text", "context", "kind", "action"), [
    ("HOAKS! Jangan percaya, pemungutan suara tetap hari Rabu", POSTPONED.claim, "share", "debunks"),
    ("Sudah dicek, lihat https://cekfakta.example/2029/10/diundur/", POSTPONED.claim, "comment", "debunks"),
    ("", "[SALAH] KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir. Faktanya jadwal tetap",
     "share", "debunks"),
    ("Benarkah KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir?", None, "post", "asks"),
    ("Wkwkwk KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir, ngarang banget 🤣", None, "post",
     "debunks"),
    ("Ini bukan hoaks: KPU mengundurkan pemungutan suara Pilkada ke hari Kamis karena banjir", None, "post",
     "spreads"),
])
def test_what_the_act_does_with_the_claim(matcher: HoaxMatcher, text: str, context: str | None, kind: str,
                                          action: str) -> None:
    [found] = matcher.match([act(text, context, kind)])
    assert found.action == action
    assert found.hoax == (action == "spreads")
    assert found.claims == [] or found.hoax


def test_a_claim_rated_true_is_never_a_hoax(matcher: HoaxMatcher) -> None:
    [found] = matcher.match([act("Tinta pemilu sudah mendapat sertifikat halal dari MUI, tenang saja")])
    assert not found.hoax
    only_true = HoaxMatcher.from_claims(FakeEncoder(), [INK_TRUE], FAKE_RULES)
    [again] = only_true.match([act(INK_TRUE.claim)])
    assert not again.hoax and again.best is None


def test_unrelated_and_empty_acts_are_not_matched(matcher: HoaxMatcher) -> None:
    results = matcher.match([act("Rapat koordinasi bidang keuangan jam dua siang di lantai tiga"), act(""),
                             act("", "\u200b", kind="like")])
    assert [r.hoax for r in results] == [False, False, False]
    empty = HoaxMatcher.from_claims(FakeEncoder(), [], FAKE_RULES)
    assert empty.match([act(POSTPONED.claim)])[0].hoax is False


def test_cues_read_regional_languages_and_negations() -> None:
    assert read_cues("Iki hoaks, ojo percoyo lan ojo disebar").debunk
    assert read_cues("Ulah percaya, eta teu bener").debunk
    assert read_cues("Opo bener coblosan diundur?").question
    assert read_cues("Ini bukan hoaks, sebarkan!").negated
    assert not read_cues("Masa kampanye dimulai besok").question
    assert read_cues("lihat saja", "https://cekfakta.example/x/", "Cek Fakta Contoh").cites_debunk is False
    assert read_cues("menurut cekfakta.example tidak begitu", "https://cekfakta.example/x/").cites_debunk


def test_why_questions_repeat_the_claim_and_truth_questions_ask() -> None:
    # A why-question presupposes the claim; asking whether it is true, or who knows, is asking.
    assert not read_cues("Kenapa KPU mengundurkan pemungutan suara ke hari Kamis? Sampai kapan kita diam?").question
    assert not read_cues("Ngapain ke TPS, pencoblosan kan diundur ke Kamis?").question
    assert read_cues("Kenapa pencoblosan diundur ke Kamis? Ada yang tahu?").question
    assert read_cues("Pencoblosan diundur ke hari Kamis?").question
    assert read_cues("Benarkah pemungutan suara diundur?").question


def test_regional_words_read_in_indonesian() -> None:
    text, replaced = to_indonesian("Saiki nyoblos iso seko HP, ora usah mlaku neng TPS. Nomer loro menang jare.")
    assert text == "sekarang coblos bisa dari HP, tidak usah mlaku ke TPS. nomor dua menang katanya."
    assert replaced == 9
    assert to_indonesian("Rapat koordinasi dimulai jam dua siang di ruang rapat") == (
        "Rapat koordinasi dimulai jam dua siang di ruang rapat", 0)
    # A regional act is searched in its Indonesian form too; an Indonesian one is read once.
    javanese = act("Pemungutan suara diundur dino Kemis, jare KPU, ora sido Rebo", "Piye kabare coblosan?")
    views = act_views(javanese)
    assert views[:2] == [act_text(javanese), "Pemungutan suara diundur dino Kemis, jare KPU, ora sido Rebo"]
    assert "Pemungutan suara diundur hari Kemis, katanya KPU, tidak sido Rebo" in views
    assert act_views(act("Pemungutan suara diundur ke hari Kamis")) == ["Pemungutan suara diundur ke hari Kamis"]
    # Regional roots with a passive prefix or a possessive suffix; Indonesian words are left alone.
    assert to_indonesian("Duite dijupuk wong iku, tanah pusako kito diambiak pamarintah") == (
        "uangnya diambil orang itu, tanah pusaka kita diambil pemerintah", 8)
    assert to_indonesian("Dinas menyampaikan dana desa dimaksud sore ini") == (
        "Dinas menyampaikan dana desa dimaksud sore ini", 0)


def test_a_regional_repetition_is_closer_through_its_indonesian_reading() -> None:
    claim = Claim(claim="KPU mengumumkan pemungutan suara diundur ke hari Kamis, tidak jadi hari Rabu", rating="Hoaks",
                  url="https://cekfakta.example/kamis/", false=True, id=9)
    matcher = HoaxMatcher.from_claims(FakeEncoder(), [claim, INK], FAKE_RULES)
    javanese = act("Jare KPU pemungutan suara diundur dino Kamis, ora sido dino Rabu")
    _, _, with_views = matcher.candidates([javanese])
    plain = FakeEncoder().encode([act_text(javanese)], "query: ") @ matcher.index.matrix[0]
    assert float(with_views[0][0]) > float(plain[0])
    [found] = matcher.match([javanese])
    assert found.hoax and found.claims[0].claim.id == 9


def test_rules_round_trip(tmp_path: Path) -> None:
    rules = HoaxRules(similarity=0.91, overlap_weight=0.2, own_ridicule=False, chosen_on="validation",
                      figures={"precision": 0.9})
    path = tmp_path / "rules.json"
    rules.save(path)
    assert HoaxRules.load(path) == rules
    assert HoaxRules.load(tmp_path / "missing.json") == HoaxRules()
    shipped = HoaxRules.load()
    assert shipped.chosen_on in ("validation", "validation+dev") and shipped.figures["pairs"] > 0


def test_a_hoax_flags_the_result_and_keeps_the_other_findings(matcher: HoaxMatcher) -> None:
    base = ClassifyResult(id="a", flagged=False, score=0.2, stance="none", hate=False, candidate=None, party=None,
                          cues=[], model_version="m", profile_id="p")
    [found] = matcher.match([act(POSTPONED.claim + ", sebarkan")])
    merged = with_hoax(base, found)
    assert merged.flagged and merged.hoax and merged.score == max(0.2, found.score) and merged.stance == "none"
    data = merged.to_json()
    fields = {"id", "flagged", "score", "stance", "hate", "candidate", "party", "cues", "hoax", "hoax_claims"}
    assert fields <= set(data)
    assert data["hoax_claims"][0]["url"] == POSTPONED.url
    [none] = matcher.match([act("Selamat pagi")])
    assert with_hoax(base, none) == base and base.to_json()["hoax"] is False and base.to_json()["hoax_claims"] == []


def _store(db_url: str, *records: ClaimRecord) -> None:
    ClaimStore(db_url).store(records, source="test")


def record(claim: Claim, verdict: str) -> ClaimRecord:
    return ClaimRecord(claim=claim.claim, rating=claim.rating, verdict=verdict, url=claim.url,
                       publisher=claim.publisher)


def test_stored_claims_are_encoded_once_per_encoder_version(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.hoax import service

    _store(db_url, record(POSTPONED, "false"), record(INK, "false"), record(INK_TRUE, "true"),
           ClaimRecord(claim="Sebagian benar", rating="Sebagian Benar", verdict="mixed", url="https://x.example/m/"))
    encoder = FakeEncoder("fake/1")
    monkeypatch.setattr(service, "shared_encoder", lambda: encoder)

    class Holder:
        hoax = None

    holder = Holder()
    with session_scope(db_url) as s:
        service.attach_stored(s, holder)
    assert holder.hoax is not None and len(holder.hoax) == 3  # the mixed claim is left out of matching
    assert encoder.calls == [3]
    with session_scope(db_url) as s:
        rows = {r.claim: r for r in s.scalars(select(ClaimReview))}
        assert rows[POSTPONED.claim].embedding_model == vector_version("fake/1") == "fake/1+c2"
        assert len(rows[POSTPONED.claim].embedding) == 4 * 256
        assert rows["Sebagian benar"].embedding is None
        service.attach_stored(s, holder)  # nothing changed: no rebuild, no encoding
    assert encoder.calls == [3]

    newer = FakeEncoder("fake/2")
    monkeypatch.setattr(service, "shared_encoder", lambda: newer)
    with session_scope(db_url) as s:
        assert service.stored_matcher(s) is not None
        assert {r.embedding_model for r in s.scalars(select(ClaimReview).where(ClaimReview.verdict != "mixed"))} == {
            vector_version("fake/2")}
    assert newer.calls == [3]  # another encoder version: every vector made again
    with session_scope(db_url) as s:
        # A vector made from the whole claim text, closing note and all (before the claim form was recorded): made
        # again from the claim's words alone.
        s.get(ClaimReview, rows[POSTPONED.claim].id).embedding_model = "fake/2"
    with session_scope(db_url) as s:
        assert service.stored_matcher(s) is not None
    assert newer.calls == [3, 1]


def test_classify_output_gains_hoax_keys_with_a_claims_file(tmp_path: Path) -> None:
    """The real e5 encoder and the shipped rules, through ``netra classify --claims``."""
    from tests.test_classify_cli import OUTPUT_KEYS

    claims = tmp_path / "claims.csv"
    claims.write_text("klaim,rating,url,tanggal,sumber\n"
                      f"\"{POSTPONED.claim}\",Salah,{POSTPONED.url},2029-10-28,Cek Fakta Contoh\n"
                      f"\"{INK_TRUE.claim}\",Benar,{INK_TRUE.url},2029-10-20,Periksa Dulu\n", encoding="utf-8")
    items = tmp_path / "in.jsonl"
    items.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "spread", "kind": "post", "text": "Info penting: KPU mengundurkan pemungutan suara Pilkada ke hari "
                                                  "Kamis karena banjir. Sebarkan ke keluarga!", "context": None},
        {"id": "debunk", "kind": "share", "text": "HOAKS! Jangan percaya, coblosan tetap Rabu.",
         "context": "[SALAH] " + POSTPONED.claim + ". Cek fakta: " + POSTPONED.url},
        {"id": "true", "kind": "post", "text": INK_TRUE.claim, "context": None},
        {"id": "other", "kind": "post", "text": "Selamat pagi, semoga sehat selalu", "context": None},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    profile = Path(__file__).resolve().parent.parent / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"
    result = runner.invoke(app, ["classify", "--profile", str(profile), "--input", str(items), "--output", str(out),
                                 "--claims", str(claims)])
    assert result.exit_code == 0, result.output
    preds = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    assert all(OUTPUT_KEYS | {"hoax", "hoax_claims"} <= set(p) for p in preds.values())
    assert preds["spread"]["hoax"] and preds["spread"]["flagged"]
    assert [c["url"] for c in preds["spread"]["hoax_claims"]] == [POSTPONED.url]
    assert preds["spread"]["hoax_claims"][0]["rating"] == "Salah"
    for name in ("debunk", "true", "other"):
        assert preds[name]["hoax"] is False and preds[name]["hoax_claims"] == [], name

    bad = tmp_path / "bad.csv"
    bad.write_text("klaim,rating,url\n,Salah,https://x.example/\n")
    refused = runner.invoke(app, ["classify", "--profile", str(profile), "--input", str(items), "--output",
                                  str(out), "--claims", str(bad)])
    assert refused.exit_code == 1 and f"{bad}:2: no claim text" in refused.output
