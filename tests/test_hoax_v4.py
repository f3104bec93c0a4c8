"""Hoax matcher v4: the act's novelty against the claim, the wider regional glossary, sarcasm aimed at the debunk,
and the development pairs the tuner reads beside the validation split."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from models.hoax import Claim, HoaxMatcher
from models.hoax.background import NONE
from models.hoax.cues import Cues, read_cues
from models.hoax.evaluate import DEV_DIR, HoaxDataError, load_set, score_pairs, tune
from models.hoax.matcher import WordWeights
from models.hoax.regional import to_indonesian
from models.infer import ClassifyInput
from tests.hoax_support import FAKE_RULES, FakeEncoder

BALLOTS = Claim(claim="Surat suara Pilkada Lembah Sari dicetak dua kali lipat agar sisanya dicoblos petugas",
                rating="Hoaks", url="https://cekfakta.example/surat-suara/", false=True, publisher="Cek Fakta Contoh",
                id=1)
INK = Claim(claim="Tinta pemilu mengandung lemak babi sehingga salat pemilih tidak sah", rating="Hoaks",
            url="https://periksa.example/tinta-babi/", false=True, publisher="Periksa Dulu", id=2)
OTHER = [
    "Gudang logistik KPU menyimpan kotak suara dan bilik yang disegel aparat",
    "Petugas KPPS dilatih menghitung suara di kantor kecamatan",
    "Pemkab membagikan pupuk bersubsidi kepada petani di kantor desa",
]


def act(text: str, context: str | None = None) -> ClassifyInput:
    return ClassifyInput(id="a", kind="post" if context is None else "comment", text=text, context=context)


def test_novelty_is_what_the_act_says_besides_the_claim() -> None:
    words = WordWeights([BALLOTS.claim, INK.claim, *OTHER])
    repeat = words.novelty(BALLOTS.claim, "Surat suara Lembah Sari dicetak dua kali lipat, sisanya dicoblos petugas")
    facts = words.novelty(BALLOTS.claim, "Gudang logistik KPU Lembah Sari menyimpan surat suara yang disegel aparat")
    assert repeat == 0.0
    assert facts > 0.4
    # A word no claim knows (a regional word the glossary lacks, a typo) is not something new the act says.
    assert words.novelty(BALLOTS.claim, "Surat suara Lembah Sari dicetak dua kali lipat cenahmah wkwkwkw") == 0.0
    assert words.novelty(BALLOTS.claim, "") == 0.0


def test_novelty_weighs_against_acts_that_state_the_facts_around_a_claim() -> None:
    claims = [BALLOTS, INK] + [Claim(claim=t, rating="Benar", url=f"https://x.example/{i}", false=False, id=10 + i)
                               for i, t in enumerate(OTHER)]
    plain = replace(FAKE_RULES, similarity=0.5)
    matcher = HoaxMatcher.from_claims(FakeEncoder(), claims, plain, background=NONE)
    repeat = act("Surat suara Pilkada Lembah Sari dicetak dua kali lipat, sisanya nanti dicoblos petugas!")
    facts = act("Surat suara Pilkada Lembah Sari dicetak sesuai DPT ditambah cadangan; gudang logistik disegel aparat")
    # Only the novelty tells these apart: the repetition says nothing the claim lacks, the statement of facts does.
    found_repeat, found_facts = (matcher.features(a, *[x[0] for x in matcher.candidates([a])[1:]])
                                 for a in (repeat, facts))
    assert found_repeat is not None and found_facts is not None
    assert found_repeat.novelty < 0.1 < 0.3 < found_facts.novelty
    weighted = replace(plain, novelty_weight=1.0, similarity=plain.similarity)
    assert [r.hoax for r in matcher.match([repeat, facts])] == [True, True]
    matcher.rules = weighted
    assert [r.hoax for r in matcher.match([repeat, facts])] == [True, False]


def test_wider_regional_glossary_and_verb_suffixes() -> None:
    assert to_indonesian("Libur nasional poe pencoblosan dibatalkeun, ASN kudu ngantor")[0] == (
        "Libur nasional hari pencoblosan dibatalkan, ASN harus kantor")
    assert to_indonesian("Molo ndang olo didata, ndang dapot beras") == ("kalau tidak mau didata, tidak dapat beras", 5)
    assert to_indonesian("Tinta pemilu bisa diapuih jo pemutih")[0] == "Tinta pemilu bisa dihapus dengan pemutih"
    assert to_indonesian("Pemilu dipunbatalaken")[0] == "Pemilu dibatalkan"
    # Abbreviations that are also regional words stay as written: "RI", "NU", "IDI".
    assert to_indonesian("Presiden RI hadir di muktamar NU bersama IDI") == (
        "Presiden RI hadir di muktamar NU bersama IDI", 0)


def test_sarcasm_at_the_debunk_repeats_the_claim() -> None:
    mock = read_cues('Ya ya, dokumennya "palsu", kayak semua dokumen bocor pasti dibilang palsu 😏')
    assert mock.mocks_debunk
    assert read_cues("Iya iya, tinta pemilu halal kok, percaya aja sama 'sertifikat' 🙄").mocks_debunk
    # Mocking the hoax, or quoting without mock agreement, is not sarcasm at the debunk.
    assert not read_cues("Oh iya betul, nanti petugas PKH ikut masuk bilik 🤭 Gak usah takut, itu hoaks.").mocks_debunk
    assert not read_cues('Kata "ahli" di video itu bukan dokter').mocks_debunk
    context = read_cues("Cek Fakta Contoh: dokumen itu palsu", "https://cekfakta.example/x/", "Cek Fakta Contoh")
    assert context.cites_debunk
    rules = replace(FAKE_RULES, mock_wins=True)
    assert HoaxMatcher.action(mock, context, rules) == "spreads"
    assert HoaxMatcher.action(mock, context, replace(rules, mock_wins=False)) == "debunks"
    # Own words that call it a hoax still debunk, quotes or not.
    own = read_cues('Iya, "tinta babi" katanya. Hoaks itu, jangan disebar.')
    assert own.mocks_debunk and HoaxMatcher.action(own, Cues(), rules) == "debunks"


def _write_set(folder: Path, split: str = "validation") -> Path:
    folder.mkdir()
    claim = {"id": "cl-1", "claim": BALLOTS.claim, "rating": "Hoaks", "url": BALLOTS.url, "date": "2024-01-01",
             "source": "Cek Fakta Contoh"}
    (folder / "claims.jsonl").write_text(json.dumps(claim) + "\n", encoding="utf-8")
    pair = {"id": "p1", "claim_id": "cl-1", "kind": "post", "text": BALLOTS.claim, "context": None,
            "platform": "x", "label": "spreads", "category": "plain_spread", "register": "formal", "split": split}
    (folder / "pairs-01.jsonl").write_text(json.dumps(pair) + "\n", encoding="utf-8")
    return folder


def test_development_pairs_load_as_their_own_split(tmp_path: Path) -> None:
    data = _write_set(tmp_path / "set")
    dev = tmp_path / "dev"
    dev.mkdir()
    pair = {"id": "d1", "claim_id": "cl-1", "kind": "post", "text": "Sisa surat suara dicoblos petugas",
            "context": None, "platform": "x", "label": "spreads", "category": "partial", "register": "casual",
            "split": "dev"}
    (dev / "pairs-dev.jsonl").write_text(json.dumps(pair) + "\n", encoding="utf-8")
    labelled = load_set(data, lambda rating: rating != "Benar", dev)
    assert [p.split for p in labelled.pairs] == ["validation", "dev"]
    assert load_set(data, lambda rating: True).split("dev") == []
    # A development file holds development pairs only: a validation or test pair there is an error.
    (dev / "pairs-dev.jsonl").write_text(json.dumps({**pair, "split": "test"}) + "\n", encoding="utf-8")
    with pytest.raises(HoaxDataError, match="split 'test' is not one of dev"):
        load_set(data, lambda rating: True, dev)


def test_tuning_reads_validation_and_development_pairs_never_test(tmp_path: Path) -> None:
    data = _write_set(tmp_path / "set", split="test")
    labelled = load_set(data, lambda rating: rating != "Benar")
    scored = score_pairs(FakeEncoder(), labelled, labelled.pairs)
    with pytest.raises(ValueError, match="validation split"):
        tune(scored, labelled.claims)


def test_shipped_development_pairs_are_well_formed() -> None:
    from monitor.hoax.service import is_false

    labelled = load_set(DEV_DIR.parent / "hoax", is_false, DEV_DIR)
    dev = labelled.split("dev")
    assert len(dev) >= 90
    assert len({p.id for p in dev}) == len(dev) and all(p.id.startswith("hxd-") for p in dev)
    claims = {c.id: c for c in labelled.claims}
    validation_claims = {p.claim_id for p in labelled.split("validation")}
    # Written against the validation claims only, so the test split's claims stay unseen by the tuner.
    assert {p.claim_id for p in dev} <= validation_claims
    assert all(not claims[p.claim_id].false for p in dev if p.category == "true_claim")
