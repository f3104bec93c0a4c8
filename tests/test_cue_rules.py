"""Explicit calls the model may not override (models/cue_rules.py), and comments judged on their own words."""

from __future__ import annotations

import pytest

from models.cue_rules import explicit_call
from models.features import view_act
from models.matcher import ProfileMatcher
from models.profile import load_profile_text

PROFILE = load_profile_text("""
id: pilbup-aturan-2031
name: Pilbup Aturan 2031
level: bupati
candidates:
  - {id: k1, number: 1, names: [Yohanes Seran], aliases: [Bung Yo], hashtags: ["#YoMaju2031"], parties: [Golkar]}
  - {id: k2, number: 2, names: [Maria Nahak], aliases: [Mama Eti], hashtags: ["#EtiUntukRakyat"], parties: [PKB]}
  - {id: k3, number: 3, names: [Daniel Tukan], aliases: [Kaka Dani], parties: [NasDem]}
""", "test")
MATCHER = ProfileMatcher(PROFILE)


def call(kind: str, text: str, context: str | None = None):  # type: ignore[no-untyped-def]
    return explicit_call(view_act(MATCHER, kind, text, context), kind, text, context, MATCHER)


@pytest.mark.parametrize(("text", "candidate", "stance"), [
    ("cblos no 3 y gaess 🔥", "k3", "support"),
    ("besok pilihen nomer loro lur", "k2", "support"),
    ("pokoknya dukung 01 sampe menang", "k1", "support"),
    ("jangan coblos no 2, nanti nyesel", "k2", "oppose"),
    ("mantap #yomaju2031", "k1", "support"),
])
def test_a_vote_call_or_campaign_hashtag_for_one_candidate(text: str, candidate: str, stance: str) -> None:
    found = call("post", text)
    assert found is not None and (found.candidate, found.stance) == (candidate, stance)
    assert found.why.startswith("aturan:")


@pytest.mark.parametrize("text", [
    "Debat malam ini: pasangan nomor 1, 2 dan 3, silakan pilih sesuai hati nurani",  # a neutral listing
    "Juara 2 lomba kebersihan kantor 🎉",  # a number in another sense
    "Kapan ya jalan desa kami diperbaiki?",  # no cue at all
])
def test_no_call_without_one_candidates_explicit_cue(text: str) -> None:
    assert call("post", text) is None


def test_a_comment_is_judged_on_its_own_words_not_on_the_campaign_post() -> None:
    post = "Ayo coblos nomor 1! #YoMaju2031"
    assert call("comment", "Pak, jam berapa acaranya mulai?", post) is None
    assert call("comment", "siap coblos no 1 pak!", post) is not None


def test_a_like_or_share_without_own_words_takes_the_content() -> None:
    post = "Ayo coblos nomor 2! #EtiUntukRakyat"
    found = call("like", "", post)
    assert found is not None and found.candidate == "k2"
    assert call("share", "hoaks ini, jangan percaya", post) is None  # own words: the content is not the act


def test_the_bundled_model_never_scores_an_explicit_call_below_its_threshold() -> None:
    from models.infer import ClassifyInput, load_classifier

    classifier = load_classifier()
    results = classifier.classify([
        ClassifyInput("a", "post", "cblos no 3 y gaess 🔥🔥", None),
        ClassifyInput("b", "comment", "Pak, jam berapa acaranya mulai?", "Ayo coblos nomor 1! #YoMaju2031"),
    ], PROFILE)
    assert results[0].flagged and results[0].score >= classifier.threshold and results[0].candidate == "k3"
    assert any(c.startswith("aturan:") for c in results[0].cues) or results[0].score > classifier.threshold


def test_the_rules_read_the_text_the_cues_were_found_in(monkeypatch: pytest.MonkeyPatch) -> None:
    # Cue offsets are into the act as read (mojibake repaired: 'â€œ' is one quote mark); a negation read at those
    # offsets in the raw text looked two characters off and turned "jangan coblos" into a call to vote.
    from models.infer import ClassifyInput, load_classifier

    classifier = load_classifier()
    monkeypatch.setattr(classifier.meta, "threshold", 0.99999)  # the rule decides, whatever the model reads
    raw = "\u00e2\u20ac\u0153Saya bilang: jangan coblos nomor 2 ya"
    [result] = classifier.classify([ClassifyInput("m", "post", raw, None)], PROFILE)
    assert (result.stance, result.candidate) == ("oppose", "k2")
    assert result.cues[0] == "aturan:ajakan memilih «coblos nomor 2»"
