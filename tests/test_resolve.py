"""Whom a partisan act is about when its best target does not say (models/resolve.py)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pytest
import torch

from models.features import view_act
from models.infer import Classifier, ClassifyInput, ScoredAct
from models.matcher import ProfileMatcher
from models.network import ModelMeta
from models.profile import load_profile_text
from models.resolve import DescriptorReader, owner_of_target, weak_candidate

PAIRS = load_profile_text("""
id: pilbup-resolve-2033
name: Pilbup Resolve 2033
level: bupati
candidates:
  - {id: k1, number: 1, names: [Yohanes Seran], aliases: [Bung Yo], parties: [Golkar],
     descriptors: [mantan kapolres, pensiunan polisi]}
  - {id: k2, number: 2, names: [Maria Nahak], aliases: [Mama Eti], parties: [PKB],
     descriptors: [mantan dokter puskesmas, satu-satunya calon perempuan]}
  - {id: k3, number: 3, names: [Daniel Tukan], aliases: [Kaka Dani], parties: [NasDem],
     descriptors: [juragan kapal ferry]}
""", "test")
LIST = load_profile_text("""
id: dprd-resolve-2034
name: Pemilu DPRD Resolve 2034
level: dprd
candidates:
  - {id: d1, number: 4, names: [Berkah Simanjuntak], aliases: [Bang Berkah], parties: [Golkar]}
  - {id: d2, number: 1, names: [Slamet Riyadi], aliases: [Mbah Slamet], parties: [PKB]}
parties:
  - {number: 1, name: PKB, aliases: [Partai Kebangkitan Bangsa]}
  - {number: 4, name: Golkar, aliases: [Partai Golkar, partai kuning]}
""", "test")


@pytest.mark.parametrize(("text", "context", "candidate", "cue"), [
    ("final answer: nomor 3. Lock it in, basudara!", None, "k3", "nomor 3"),  # a bare number: weak alone
    ("☝️🔥🔥", None, "k1", "☝️"),
    ("", "duaaa ✌️ pokoknya", "k2", "✌️"),  # a like: the post it spread
])
def test_weak_forms_name_the_candidate_of_an_act_already_judged_partisan(
        text: str, context: str | None, candidate: str, cue: str) -> None:
    matcher = ProfileMatcher(PAIRS)
    assert not [c for c in matcher.find(text, context) if c.candidate]  # no cue by the usual rule
    found = weak_candidate(matcher, text, context)
    assert found is not None and found[0] == candidate and found[1].text == cue


def test_weak_forms_for_two_candidates_name_nobody() -> None:
    matcher = ProfileMatcher(PAIRS)
    assert weak_candidate(matcher, "☝️✌️ wkwk", None) is None
    # A tie in the act's own words is not settled by the post it answers.
    assert weak_candidate(matcher, "☝️✌️", "nomor 3 ya") is None


def test_a_party_target_in_a_list_election_names_its_caleg_cued_alongside() -> None:
    matcher = ProfileMatcher(LIST)
    view = view_act(matcher, "post", "Saya titip satu nama: Bang Berkah, Golkar nomor 4. Orangnya peduli.", None)
    party_target = next(m.target for m in view.inputs if m.target is not None and m.target.kind == "party")
    assert owner_of_target(party_target, view, LIST) == ("d1", "Golkar")
    # A party named alone stays the party's.
    alone = view_act(matcher, "post", "Ayo coblos Partai Golkar nomor 4!", None)
    target = alone.inputs[0].target
    assert target is not None and owner_of_target(target, alone, LIST) == (None, "Golkar")


class WordsEncoder:
    """A stand-in for e5: hashed bags of words, so similarity is word overlap."""

    version = "words"

    def encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % 512] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def test_the_descriptor_reader_takes_a_candidate_only_when_it_leads_by_the_margin() -> None:
    reader = DescriptorReader(WordsEncoder())
    found = reader.resolve(["yang mantan dokter puskesmas itu pasti paham", "pokoknya pilih yang terbaik"], PAIRS)
    assert found[0] == ("k2", "mantan dokter puskesmas")
    assert found[1] is None  # like nobody's phrase: no name rather than a guess


def test_the_descriptor_reader_reads_a_trait_written_in_another_language_with_e5() -> None:
    reader = DescriptorReader()  # the real e5 encoder
    found = reader.resolve(["imagine a regent who actually worked as a community health centre doctor. "
                            "she gets my vote ✨"], PAIRS)
    assert found[0] is not None and found[0][0] == "k2"


def _classifier() -> Classifier:
    return Classifier(net=None, tokenizer=None, meta=ModelMeta(version="stub", base="-", form="full",  # type: ignore[arg-type]
                                                               threshold=0.5))


def _partisan(view_inputs: int) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor([[0.1, 0.8, 0.1]] * view_inputs), torch.zeros(view_inputs)


def test_decide_names_the_candidate_of_a_partisan_act_without_cues_and_says_why() -> None:
    classifier = _classifier()
    classifier.descriptors = DescriptorReader(WordsEncoder())
    matcher = ProfileMatcher(PAIRS)
    acts = [ClassifyInput("weak", "post", "final answer: nomor 3. Lock it in!", None),
            ClassifyInput("trait", "post", "yang punya kapal ferry itu paling cocok, gas", None),
            ClassifyInput("none", "post", "pokoknya yang terbaik menang", None)]
    scored = []
    for act in acts:
        view = view_act(matcher, act.kind, act.text, act.context)
        assert [m.target for m in view.inputs] == [None]
        scored.append(ScoredAct(act, view, *_partisan(len(view.inputs))))
    weak, trait, nobody = classifier.decide(scored, PAIRS, classifier.threshold)
    assert (weak.stance, weak.candidate, weak.cues[0]) == ("support", "k3", "nomor 3")
    assert (trait.candidate, trait.cues[0]) == ("k3", "aturan:mirip ciri «juragan kapal ferry»")
    assert nobody.flagged and nobody.candidate is None and nobody.cues == []


def test_decide_leaves_acts_judged_neutral_without_a_candidate() -> None:
    classifier = _classifier()
    classifier.descriptors = DescriptorReader(WordsEncoder())
    matcher = ProfileMatcher(PAIRS)
    act = ClassifyInput("n", "post", "udah 2 tahun ✌️ selamat ulang tahun nak", None)
    view = view_act(matcher, act.kind, act.text, act.context)
    neutral = ScoredAct(act, view, torch.tensor([[0.9, 0.05, 0.05]] * len(view.inputs)), torch.zeros(len(view.inputs)))
    result = classifier.decide([neutral], PAIRS, classifier.threshold)[0]
    assert (result.stance, result.candidate, result.flagged) == ("none", None, False)

