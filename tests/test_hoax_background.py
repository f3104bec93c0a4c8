"""The background claims of hoax matching: shipped with their vectors, apart from the labelled set, and used
only for how far a claim stands out (never matched, never cited)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.hoax import Claim, HoaxMatcher
from models.hoax.background import NONE, VECTORS_FILE, Background, read_texts, shipped
from models.hoax.encoder import PASSAGE
from models.hoax.matcher import stems, words_of
from tests.conftest import REPO
from tests.hoax_support import FAKE_RULES, FakeEncoder
from tests.test_hoax_matching import CLAIMS, INK, act

LABELLED = REPO / "models" / "data" / "hoax" / "claims.jsonl"
# A background claim this close to a labelled one would be a copy or a paraphrase of it (two different labelled
# claims sit at a median nearest-neighbour cosine of 0.91).
MAX_COSINE = 0.92
MAX_SHARED_WORDS = 0.5  # share of the shorter claim's words


@pytest.fixture(scope="module")
def e5():
    from models.e5_convert import ensure_base
    from models.hoax.encoder import E5Encoder

    return E5Encoder(ensure_base())


def shared_words(a: str, b: str) -> float:
    # Per word, not per stem: since v5 a word may have several stems ("memilih": ilih, pilih).
    wa, wb = words_of(a), words_of(b)
    return sum(1 for w in wa if stems(b).intersection(w)) / max(1, min(len(wa), len(wb)))


def test_background_is_not_the_labelled_claims(e5) -> None:
    background = shipped()
    labelled = [json.loads(line)["claim"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]
    assert len(background) >= 300 and len(set(background.texts)) == len(background)
    cosine = background.vectors(e5) @ e5.encode(labelled, PASSAGE).T
    close = [(background.texts[i], round(float(cosine[i].max()), 3)) for i in np.flatnonzero(cosine.max(1)
                                                                                           >= MAX_COSINE)]
    assert close == []
    worded = [b for b in background.texts if max(shared_words(b, c) for c in labelled) >= MAX_SHARED_WORDS]
    assert worded == []


def test_shipped_vectors_are_this_encoders(e5) -> None:
    background = Background(read_texts(), VECTORS_FILE)
    cached = background._cached(e5.version)
    assert cached is not None, "vectors.npz is stale: run python -m models.hoax.background"
    assert cached.shape == (len(background), e5.dimension)
    assert np.allclose(cached[:5], e5.encode(background.texts[:5], PASSAGE), atol=1e-4)
    # Another encoder gets its own vectors, encoded once per process.
    fake = FakeEncoder()
    first = background.vectors(fake)
    assert background.vectors(fake) is first and fake.calls == [len(background)]
    # Edited texts do not take the cached vectors of the old ones.
    assert Background(read_texts()[1:], VECTORS_FILE)._cached(e5.version) is None


def test_background_loads_from_any_directory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    code = ("from models.hoax.background import shipped; b = shipped(); "
            "print(len(b), b._cached(__import__('numpy').load(b.cache)['version'].item()) is not None)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(len(shipped())), "True"]


# A store of two claims, and a background holding other claims on the same topics.
BACKGROUND = Background([
    "Tinta pemilu tahun ini dibuat di luar negeri dan mudah dihapus dengan air sabun",
    "Tinta pemilu beracun dan membuat kuku pemilih menghitam selama sebulan",
    "Pemilih wajib mencelupkan dua jari ke tinta pemilu atau suaranya tidak sah",
    "Pemungutan suara Pilkada diundur sebulan karena kekurangan kotak suara",
    "KPU menambah jam pemungutan suara sampai malam karena hujan deras",
])


def test_the_background_narrows_how_far_a_claim_stands_out() -> None:
    """With few stored claims an act on a claim's topic stands out from the unrelated others; measured against
    the background's nearest claims too, it does not, while a repetition of the claim still does."""
    bare = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES, background=NONE)
    backed = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES, background=BACKGROUND)
    on_topic = act("Petugas KPPS menyiapkan tinta pemilu untuk pemilih di TPS 3 besok pagi")
    repeats = act("Awas, tinta pemilu mengandung lemak babi, salat kalian tidak sah!")

    def distinct(matcher: HoaxMatcher, one) -> float:
        readable, indices, sims = matcher.candidates([one])
        found = matcher.features(one, indices[0], sims[0])
        assert found is not None and found.best.claim == INK
        return found.distinct

    assert distinct(backed, on_topic) < distinct(bare, on_topic)
    assert distinct(backed, repeats) > distinct(backed, on_topic) + 0.05
    [result] = backed.match([repeats])
    assert result.hoax and [m.claim for m in result.claims] == [INK]


def test_background_claims_are_never_matched_or_cited() -> None:
    matcher = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES, background=BACKGROUND)
    readable, indices, sims = matcher.candidates([act(BACKGROUND.texts[0])])
    assert (indices[0] >= len(matcher)).any()  # the background's nearest claims come after the store's
    [result] = matcher.match([act(BACKGROUND.texts[0])])
    assert all(m.claim in CLAIMS for m in result.claims)
    assert result.best is None or result.best.claim in CLAIMS
    # A background claim that says what a stored claim says does not count against it.
    twin = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES, background=Background([INK.claim]))
    repeat = act(INK.claim)
    _, indices, sims = twin.candidates([repeat])
    found = twin.features(repeat, indices[0], sims[0])
    alone = HoaxMatcher.from_claims(FakeEncoder(), CLAIMS, FAKE_RULES, background=NONE)
    _, a_idx, a_sims = alone.candidates([repeat])
    assert found is not None and found.distinct == pytest.approx(alone.features(repeat, a_idx[0], a_sims[0]).distinct)


def test_an_empty_store_and_no_background() -> None:
    assert HoaxMatcher.from_claims(FakeEncoder(), [], FAKE_RULES).match([act("apa saja")])[0].hoax is False
    only = HoaxMatcher.from_claims(FakeEncoder(), [Claim(claim=INK.claim, rating="Hoaks", url=INK.url, false=True)],
                                   FAKE_RULES, background=NONE)
    assert only.match([act(INK.claim)])[0].hoax
